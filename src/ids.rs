//! Identifiers that end up in file names: job ids (UUID v4) and idempotency scopes and keys.
//! Validating them here is what keeps every path built by [`crate::layout`] inside the root.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A job id: a UUID v4, written in its hyphenated lower-case form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JobId(uuid::Uuid);

impl JobId {
    pub fn new() -> JobId {
        JobId(uuid::Uuid::new_v4())
    }
}

impl Default for JobId {
    fn default() -> Self {
        JobId::new()
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for JobId {
    type Err = Error;
    fn from_str(s: &str) -> Result<JobId> {
        // Only the canonical hyphenated form names a job folder.
        match uuid::Uuid::parse_str(s) {
            Ok(u) if u.hyphenated().to_string() == s => Ok(JobId(u)),
            _ => Err(Error::InvalidJobId {
                value: s.to_string(),
            }),
        }
    }
}

/// The scope used when a client names none.
pub const DEFAULT_SCOPE: &str = "default";

/// Checks an idempotency scope or key: `[A-Za-z0-9._-]{1,128}`, neither `.` nor `..`.
pub fn validate_name(what: &'static str, value: &str) -> Result<()> {
    let reason = if value.is_empty() {
        Some("empty")
    } else if value.len() > 128 {
        Some("longer than 128 characters")
    } else if value == "." || value == ".." {
        Some("`.` and `..` are not allowed")
    } else if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        Some("only A-Z a-z 0-9 . _ - are allowed")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::InvalidKey {
            what,
            value: value.chars().take(200).collect(),
            reason,
        }),
        None => Ok(()),
    }
}

/// A validated (scope, key) pair.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdemKey {
    pub scope: String,
    pub key: String,
}

impl IdemKey {
    pub fn new(scope: &str, key: &str) -> Result<IdemKey> {
        validate_name("scope", scope)?;
        validate_name("key", key)?;
        Ok(IdemKey {
            scope: scope.to_string(),
            key: key.to_string(),
        })
    }
}

impl fmt::Display for IdemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.scope, self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_validated() {
        for ok in ["a", "A-z_0.9", "sha256-abc", &"k".repeat(128)] {
            assert!(validate_name("key", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "a b",
            "é",
            "x~",
            &"k".repeat(129),
            "../x",
        ] {
            let err = validate_name("key", bad).unwrap_err();
            assert_eq!(err.code(), crate::Code::InvalidIdempotencyKey, "{bad}");
        }
    }

    #[test]
    fn job_ids_round_trip_only_in_canonical_form() {
        let id = JobId::new();
        assert_eq!(id.to_string().parse::<JobId>().unwrap(), id);
        assert!(id.to_string().to_uppercase().parse::<JobId>().is_err());
        assert!("../etc".parse::<JobId>().is_err());
    }
}
