//! Human units in configuration: durations written `"500ms"`, `"5s"`, `"2m"`, `"24h"`, `"7d"` (or a
//! bare number of seconds), sizes written `"512MiB"`, `"2GiB"`, `"64KB"` (or a bare number of bytes).

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A duration read from or written to configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dur(pub Duration);

/// A size in bytes read from or written to configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bytes(pub u64);

/// Permission bits of a file, written as an octal string (`"0640"`, `"640"`) or a TOML octal
/// integer (`0o640`); only the nine `rwx` bits are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileMode(pub u32);

fn split_number(s: &str) -> Option<(f64, &str)> {
    let s = s.trim();
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let n: f64 = s[..end].parse().ok()?;
    Some((n, s[end..].trim()))
}

/// Parses `"1h30m"`, `"500ms"`, `"7d"`, `"90"` (seconds).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let err =
        || format!("invalid duration {s:?} (examples: \"500ms\", \"5s\", \"2m\", \"24h\", \"7d\")");
    let mut rest = s.trim();
    if rest.is_empty() {
        return Err(err());
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let (n, tail) = split_number(rest).ok_or_else(err)?;
        let unit_end = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let unit = tail[..unit_end].trim();
        let secs = match unit {
            "" if unit_end == tail.len() && total == 0.0 => 1.0,
            "ms" => 0.001,
            "s" | "sec" | "secs" => 1.0,
            "m" | "min" | "mins" => 60.0,
            "h" | "hr" | "hours" => 3600.0,
            "d" | "days" => 86400.0,
            "w" => 7.0 * 86400.0,
            _ => return Err(err()),
        };
        total += n * secs;
        rest = tail[unit_end..].trim();
    }
    if !total.is_finite() || total > 1e12 {
        return Err(err());
    }
    Ok(Duration::from_secs_f64(total))
}

/// Parses `"512MiB"`, `"2GiB"`, `"10MB"`, `"1024"` (bytes).
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let err =
        || format!("invalid size {s:?} (examples: \"512MiB\", \"2GiB\", \"100MB\", \"4096\")");
    let (n, unit) = split_number(s).ok_or_else(err)?;
    let mult: f64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => 1024.0 * 1024.0,
        "g" | "gb" => 1e9,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" => 1e12,
        "tib" => 1024f64.powi(4),
        _ => return Err(err()),
    };
    let v = n * mult;
    if !v.is_finite() || v > u64::MAX as f64 {
        return Err(err());
    }
    Ok(v as u64)
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        let units = [
            (86_400_000, "d"),
            (3_600_000, "h"),
            (60_000, "m"),
            (1000, "s"),
        ];
        for (size, unit) in units {
            if ms >= size && ms.is_multiple_of(size) {
                return write!(f, "{}{unit}", ms / size);
            }
        }
        write!(f, "{ms}ms")
    }
}

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = [
            (1u64 << 40, "TiB"),
            (1 << 30, "GiB"),
            (1 << 20, "MiB"),
            (1 << 10, "KiB"),
        ];
        for (size, unit) in units {
            if self.0 >= size && self.0.is_multiple_of(size) {
                return write!(f, "{}{unit}", self.0 / size);
            }
        }
        write!(f, "{}", self.0)
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrStr {
    Int(u64),
    Float(f64),
    Str(String),
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dur, D::Error> {
        match NumOrStr::deserialize(d)? {
            NumOrStr::Int(n) => Ok(Dur(Duration::from_secs(n))),
            NumOrStr::Float(x) if x >= 0.0 && x.is_finite() => Ok(Dur(Duration::from_secs_f64(x))),
            NumOrStr::Float(x) => Err(serde::de::Error::custom(format!("invalid duration {x}"))),
            NumOrStr::Str(s) => parse_duration(&s)
                .map(Dur)
                .map_err(serde::de::Error::custom),
        }
    }
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        match NumOrStr::deserialize(d)? {
            NumOrStr::Int(n) => Ok(Bytes(n)),
            NumOrStr::Float(x) => Err(serde::de::Error::custom(format!("invalid size {x}"))),
            NumOrStr::Str(s) => parse_bytes(&s).map(Bytes).map_err(serde::de::Error::custom),
        }
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl fmt::Display for FileMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04o}", self.0)
    }
}

/// Parses `"0640"`, `"640"`, `"0o640"` (octal).
pub fn parse_mode(s: &str) -> Result<u32, String> {
    let t = s.trim();
    let digits = t.strip_prefix("0o").unwrap_or(t);
    match u32::from_str_radix(digits, 8) {
        Ok(m) if m <= 0o777 && !digits.is_empty() => Ok(m),
        _ => Err(format!(
            "invalid file mode {s:?} (examples: \"0644\", \"0640\": octal, permission bits only)"
        )),
    }
}

impl<'de> Deserialize<'de> for FileMode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<FileMode, D::Error> {
        match NumOrStr::deserialize(d)? {
            NumOrStr::Int(n) if n <= 0o777 => Ok(FileMode(n as u32)),
            NumOrStr::Int(n) => Err(serde::de::Error::custom(format!(
                "invalid file mode {n} (write it as an octal string, \"0640\", or 0o640)"
            ))),
            NumOrStr::Float(x) => Err(serde::de::Error::custom(format!("invalid file mode {x}"))),
            NumOrStr::Str(s) => parse_mode(&s)
                .map(FileMode)
                .map_err(serde::de::Error::custom),
        }
    }
}

impl Serialize for FileMode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("24h").unwrap(), Duration::from_secs(86400));
        assert_eq!(
            parse_duration("7d").unwrap(),
            Duration::from_secs(7 * 86400)
        );
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        for bad in ["", "abc", "5 parsecs", "-1s", "1e999s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(Dur(Duration::from_secs(86400)).to_string(), "1d");
        assert_eq!(Dur(Duration::from_millis(1500)).to_string(), "1500ms");
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_bytes("512MiB").unwrap(), 512 << 20);
        assert_eq!(parse_bytes("2GiB").unwrap(), 2 << 30);
        assert_eq!(parse_bytes("10MB").unwrap(), 10_000_000);
        assert_eq!(parse_bytes("4096").unwrap(), 4096);
        assert!(parse_bytes("12 apples").is_err());
        assert_eq!(Bytes(512 << 20).to_string(), "512MiB");
    }

    #[test]
    fn modes() {
        assert_eq!(parse_mode("0640").unwrap(), 0o640);
        assert_eq!(parse_mode("644").unwrap(), 0o644);
        assert_eq!(parse_mode("0o600").unwrap(), 0o600);
        for bad in ["", "0999", "4755", "rw-r--r--"] {
            assert!(parse_mode(bad).is_err(), "{bad}");
        }
        assert_eq!(FileMode(0o640).to_string(), "0640");
    }
}
