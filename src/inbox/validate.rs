//! Checks of a claimed drop before it is admitted, each refusal with its own code: the file is
//! opened safely (lstat, then `O_NOFOLLOW | O_NONBLOCK`, then fstat of the descriptor: a symlink,
//! FIFO, socket, device or hard-linked file is never read), then its size and magic bytes are
//! checked, and the sidecar is parsed. `mdspool submit` and `convert` share [`check_pdf`].

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::Path;

use crate::code::Code;
use crate::error::{Error, IoContext, Result};
use crate::ids::{DEFAULT_SCOPE, IdemKey};

/// Largest sidecar read.
pub const MAX_SIDECAR: u64 = 64 << 10;
/// Largest client metadata (extra sidecar fields, as JSON) kept in the manifest.
pub const MAX_CLIENT_META: usize = 4 << 10;
/// How far into the file the `%PDF-` header may start (as PDF readers accept).
pub const MAGIC_WINDOW: usize = 1024;

pub fn refuse(path: &Path, code: Code, message: impl Into<String>) -> Error {
    Error::Drop {
        path: path.to_path_buf(),
        code,
        message: message.into(),
    }
}

fn kind_of(ft: &std::fs::FileType) -> &'static str {
    if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// `Err(unsafe_entry)` unless `meta` (from lstat or fstat) is a regular file with one link.
pub fn check_safe_meta(path: &Path, meta: &std::fs::Metadata) -> Result<()> {
    let ft = meta.file_type();
    if !ft.is_file() {
        return Err(refuse(
            path,
            Code::UnsafeEntry,
            format!("{} is never read from the inbox", kind_of(&ft)),
        ));
    }
    if meta.nlink() > 1 {
        return Err(refuse(
            path,
            Code::UnsafeEntry,
            format!(
                "a file with {} hard links is never read from the inbox",
                meta.nlink()
            ),
        ));
    }
    Ok(())
}

/// Opens a file of the inbox or of staging without ever following a symlink or blocking on a FIFO,
/// and checks the opened descriptor itself.
pub fn open_safe(path: &Path) -> Result<File> {
    let meta = std::fs::symlink_metadata(path).at(path)?;
    check_safe_meta(path, &meta)?;
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => refuse(path, Code::UnsafeEntry, "a symbolic link is never read"),
            _ => Error::io(path, e),
        })?;
    let meta = f.metadata().at(path)?;
    check_safe_meta(path, &meta)?;
    Ok(f)
}

/// Opens a file named on the command line (`submit`, `convert` on many files) for [`check_pdf`]:
/// symlinks are followed, as a user expects, but a FIFO is refused by `check_pdf`, not waited on.
pub fn open_named(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .at(path)
}

/// Size and magic checks of an opened PDF: `empty_file`, `too_large`, `not_a_pdf`. Returns the size.
pub fn check_pdf(f: &mut File, path: &Path, max_size: u64) -> Result<u64> {
    let meta = f.metadata().at(path)?;
    if !meta.is_file() {
        return Err(refuse(path, Code::UnsafeEntry, "not a regular file"));
    }
    let size = meta.len();
    if size == 0 {
        return Err(refuse(path, Code::EmptyFile, "the file is empty"));
    }
    if size > max_size {
        return Err(refuse(
            path,
            Code::TooLarge,
            format!("{size} bytes is more than watch.max_size ({max_size} bytes)"),
        ));
    }
    let mut head = vec![0u8; MAGIC_WINDOW];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]).at(path)? {
            0 => break,
            k => n += k,
        }
    }
    if !head[..n].windows(5).any(|w| w == b"%PDF-") {
        return Err(refuse(
            path,
            Code::NotAPdf,
            format!("no %PDF- header in the first {MAGIC_WINDOW} bytes"),
        ));
    }
    Ok(size)
}

/// What a sidecar says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sidecar {
    /// `None`: the key is `sha256-<hex>` of the bytes, in scope `default`.
    pub key: Option<IdemKey>,
    pub pin: bool,
    /// Unknown fields, kept in the manifest.
    pub client: Option<serde_json::Value>,
}

fn invalid(path: &Path, message: impl Into<String>) -> Error {
    refuse(path, Code::InvalidSidecar, message)
}

/// Parses a sidecar: a JSON object `{"key", "scope", "pin", ...}`, or plain text holding just the
/// key, or nothing at all (a bare completion marker: the key is the content hash).
pub fn parse_sidecar(path: &Path, bytes: &[u8]) -> Result<Sidecar> {
    let text = std::str::from_utf8(bytes).map_err(|_| invalid(path, "not UTF-8 text"))?;
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Ok(Sidecar::default());
    }
    if !text.starts_with(['{', '[']) {
        if text.contains(char::is_whitespace) {
            return Err(invalid(path, "plain-text sidecar must hold only the key"));
        }
        return Ok(Sidecar {
            key: Some(IdemKey::new(DEFAULT_SCOPE, text)?),
            ..Default::default()
        });
    }
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| invalid(path, format!("invalid JSON: {e}")))?;
    let serde_json::Value::Object(mut obj) = v else {
        return Err(invalid(path, "JSON sidecar must be an object"));
    };
    let mut take_str = |field: &str| -> Result<Option<String>> {
        match obj.remove(field) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(invalid(path, format!("`{field}` must be a string"))),
        }
    };
    let key = take_str("key")?;
    let scope = take_str("scope")?;
    let pin = match obj.remove("pin") {
        None | Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::Bool(b)) => b,
        Some(_) => return Err(invalid(path, "`pin` must be true or false")),
    };
    let key = match (key, scope) {
        (Some(k), s) => Some(IdemKey::new(s.as_deref().unwrap_or(DEFAULT_SCOPE), &k)?),
        (None, Some(s)) if s != DEFAULT_SCOPE => {
            return Err(invalid(path, "`scope` given without `key`"));
        }
        (None, _) => None,
    };
    let client = if obj.is_empty() {
        None
    } else {
        let v = serde_json::Value::Object(obj);
        let len = serde_json::to_vec(&v)
            .map(|b| b.len())
            .unwrap_or(usize::MAX);
        if len > MAX_CLIENT_META {
            return Err(invalid(
                path,
                format!("extra fields take {len} bytes, more than {MAX_CLIENT_META}"),
            ));
        }
        Some(v)
    };
    Ok(Sidecar { key, pin, client })
}

/// Reads and parses a claimed sidecar (opened safely, size-bounded).
pub fn read_sidecar(path: &Path) -> Result<Sidecar> {
    let f = open_safe(path)?;
    let mut bytes = Vec::new();
    f.take(MAX_SIDECAR + 1).read_to_end(&mut bytes).at(path)?;
    if bytes.len() as u64 > MAX_SIDECAR {
        return Err(invalid(path, format!("larger than {MAX_SIDECAR} bytes")));
    }
    parse_sidecar(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("x.pdf.idem")
    }

    #[test]
    fn sidecar_forms() {
        let s = parse_sidecar(
            p(),
            b"{\"key\":\"inv-1\",\"scope\":\"acme\",\"pin\":true,\"who\":\"me\"}",
        )
        .unwrap();
        assert_eq!(s.key, Some(IdemKey::new("acme", "inv-1").unwrap()));
        assert!(s.pin);
        assert_eq!(s.client, Some(serde_json::json!({"who": "me"})));
        let s = parse_sidecar(p(), b"\xef\xbb\xbfinv-2\r\n").unwrap();
        assert_eq!(s.key, Some(IdemKey::new("default", "inv-2").unwrap()));
        assert_eq!(parse_sidecar(p(), b"  \n").unwrap(), Sidecar::default());
        let s = parse_sidecar(p(), b"{\"pin\": true}").unwrap();
        assert!(s.key.is_none() && s.pin);
    }

    #[test]
    fn sidecar_refusals() {
        let code = |b: &[u8]| parse_sidecar(p(), b).unwrap_err().code();
        assert_eq!(code(b"{\"key\": 3}"), Code::InvalidSidecar);
        assert_eq!(code(b"{\"key\": \"a\", "), Code::InvalidSidecar);
        assert_eq!(code(b"[1]"), Code::InvalidSidecar);
        assert_eq!(
            code(b"{\"key\":\"a\",\"pin\":\"yes\"}"),
            Code::InvalidSidecar
        );
        assert_eq!(code(b"{\"scope\":\"s\"}"), Code::InvalidSidecar);
        assert_eq!(code(b"two words"), Code::InvalidSidecar);
        assert_eq!(code(b"\xff\xfe"), Code::InvalidSidecar);
        assert_eq!(code(b"../etc"), Code::InvalidIdempotencyKey);
        assert_eq!(code(b"{\"key\":\"a/b\"}"), Code::InvalidIdempotencyKey);
        let big = format!("{{\"key\":\"a\",\"x\":\"{}\"}}", "y".repeat(5000));
        assert_eq!(code(big.as_bytes()), Code::InvalidSidecar);
    }

    #[test]
    fn unsafe_files_are_not_opened() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("t.pdf");
        std::fs::write(&target, b"%PDF-1.4 x").unwrap();
        let link = d.path().join("l.pdf");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(open_safe(&link).unwrap_err().code(), Code::UnsafeEntry);
        let hard = d.path().join("h.pdf");
        std::fs::hard_link(&target, &hard).unwrap();
        assert_eq!(open_safe(&hard).unwrap_err().code(), Code::UnsafeEntry);
        let fifo = d.path().join("f.pdf");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(open_safe(&fifo).unwrap_err().code(), Code::UnsafeEntry);
        std::fs::remove_file(&hard).unwrap();
        let mut f = open_safe(&target).unwrap();
        assert_eq!(check_pdf(&mut f, &target, 100).unwrap(), 10);
        let mut f = open_safe(&target).unwrap();
        assert_eq!(
            check_pdf(&mut f, &target, 5).unwrap_err().code(),
            Code::TooLarge
        );
    }
}
