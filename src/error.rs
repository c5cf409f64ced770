//! The one error type of the crate. Every variant carries what it is about (a path, a job id, a key)
//! and its cause; `code()` is the stable machine code written into manifests, `NAME.error.json` files
//! and `--json` output, and `exit_code()` is what the command line exits with.

use std::path::PathBuf;

use crate::code::Code;
use crate::convert::ConvertError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Exit codes of the `mdspool` binary (documented in README.md, `mdspool --help` and each command's
/// `--help`: `src/cli/help.rs`).
pub mod exit {
    pub const OK: i32 = 0;
    pub const FAILURE: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const NOT_FOUND: i32 = 3;
    pub const EXPIRED: i32 = 4;
    pub const LOCKED: i32 = 5;
    pub const CONFLICT: i32 = 6;
    pub const CONVERSION: i32 = 7;
    pub const STORAGE: i32 = 8;
    pub const WAIT_TIMEOUT: i32 = 9;

    use crate::code::Code;
    use crate::convert::ConvertCode;

    /// The exit code of a code: what a command exits with when it fails with it, or when a job
    /// (`submit --wait`) or a file (`convert` on many files) failed with it.
    pub fn for_code(code: Code) -> i32 {
        match code {
            Code::Convert(ConvertCode::IoError)
            | Code::StorageFull
            | Code::RecordCorrupt
            | Code::SchemaUnsupported
            | Code::StoreFailed => STORAGE,
            Code::JobNotFound => NOT_FOUND,
            Code::JobExpired => EXPIRED,
            Code::InvalidJobId | Code::InvalidIdempotencyKey | Code::ConfigInvalid => USAGE,
            Code::RootLocked => LOCKED,
            Code::IdempotencyConflict | Code::InvalidTransition => CONFLICT,
            Code::Convert(_)
            | Code::ConversionTimeout
            | Code::ConversionMemoryLimit
            | Code::ConversionCrashed
            | Code::ConversionKilled
            | Code::ConversionSandboxViolation
            | Code::Canceled
            | Code::NotAPdf
            | Code::EmptyFile
            | Code::TooLarge
            | Code::InvalidSidecar
            | Code::UnsafeEntry
            | Code::OrphanSidecar
            | Code::DropRejected => CONVERSION,
            Code::InternalError
            | Code::IngestInProgress
            | Code::StoppedAtOnce
            | Code::LeaseLost => FAILURE,
            Code::WaitTimeout => WAIT_TIMEOUT,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: no space left on the storage device ({source})")]
    StorageFull {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot parse: {source}")]
    Corrupt {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: schema_version {found} is newer than this mdspool understands ({supported})")]
    UnsupportedSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("job {job_id} not found")]
    JobNotFound { job_id: String },
    #[error("job {job_id} expired at {expired_at} and its files were removed")]
    JobExpired { job_id: String, expired_at: String },
    #[error("not a job id (expected a UUID): {value:?}")]
    InvalidJobId { value: String },
    #[error("invalid idempotency {what} {value:?}: {reason}")]
    InvalidKey {
        what: &'static str,
        value: String,
        reason: &'static str,
    },
    #[error("key {key:?} in scope {scope:?} already names job {job_id} with different content")]
    IdempotencyConflict {
        scope: String,
        key: String,
        job_id: String,
    },
    #[error("job {job_id} is still being ingested by another process; try again")]
    InProgress { job_id: String },
    #[error("job {job_id}: cannot go from {from} to {to}")]
    InvalidTransition {
        job_id: String,
        from: &'static str,
        to: &'static str,
    },
    #[error("{path}: storage root is in use by another mdspool daemon on this host ({holder})")]
    Locked { path: PathBuf, holder: String },
    /// `origin` names where the bad setting came from: a file, a flag, an environment variable.
    #[error("{origin}: {message}")]
    Config { origin: String, message: String },
    #[error("{path}: {message}")]
    Drop {
        path: PathBuf,
        code: Code,
        message: String,
    },
    #[error(transparent)]
    Convert(#[from] ConvertError),
    #[error("the store is stopped after a failed write: {reason}")]
    StoreFailed { reason: String },
    #[error("{message}")]
    Stopped { message: String },
    #[error("internal error: {message}")]
    Internal { message: String },
    #[error(
        "job {job_id} is still {status} after {waited} (--timeout); it goes on without waiting"
    )]
    WaitTimeout {
        job_id: String,
        status: &'static str,
        waited: String,
    },
    #[error("job {job_id}: lease epoch {epoch} of this host is lost: {reason}")]
    LeaseLost {
        job_id: String,
        epoch: u64,
        reason: String,
    },
}

impl Error {
    /// Wraps an I/O error with the path it concerns; ENOSPC and EDQUOT become `storage_full`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        let path = path.into();
        // By kind, not only by errno: wrappers such as tempfile's keep the kind but not the errno.
        let full = matches!(source.raw_os_error(), Some(libc::ENOSPC | libc::EDQUOT))
            || matches!(
                source.kind(),
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
            );
        match full {
            true => Error::StorageFull { path, source },
            false => Error::Io { path, source },
        }
    }

    pub fn config(origin: impl std::fmt::Display, message: impl Into<String>) -> Error {
        Error::Config {
            origin: origin.to_string(),
            message: message.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> Error {
        Error::Internal {
            message: message.into(),
        }
    }

    /// The stable machine code.
    pub fn code(&self) -> Code {
        match self {
            Error::Io { .. } => Code::IO_ERROR,
            Error::StorageFull { .. } => Code::StorageFull,
            Error::Corrupt { .. } => Code::RecordCorrupt,
            Error::UnsupportedSchema { .. } => Code::SchemaUnsupported,
            Error::JobNotFound { .. } => Code::JobNotFound,
            Error::JobExpired { .. } => Code::JobExpired,
            Error::InvalidJobId { .. } => Code::InvalidJobId,
            Error::InvalidKey { .. } => Code::InvalidIdempotencyKey,
            Error::IdempotencyConflict { .. } => Code::IdempotencyConflict,
            Error::InvalidTransition { .. } => Code::InvalidTransition,
            Error::InProgress { .. } => Code::IngestInProgress,
            Error::Locked { .. } => Code::RootLocked,
            Error::Config { .. } => Code::ConfigInvalid,
            Error::Drop { code, .. } => *code,
            Error::Convert(e) => Code::Convert(e.kind()),
            Error::StoreFailed { .. } => Code::StoreFailed,
            Error::Stopped { .. } => Code::StoppedAtOnce,
            Error::Internal { .. } => Code::InternalError,
            Error::WaitTimeout { .. } => Code::WaitTimeout,
            Error::LeaseLost { .. } => Code::LeaseLost,
        }
    }

    /// The process exit code for this error (the one of its code).
    pub fn exit_code(&self) -> i32 {
        exit::for_code(self.code())
    }

    /// `{"error": {"code", "message"}}`, as printed by `--json` commands.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"error": {"code": self.code(), "message": self.to_string()}})
    }
}

/// Adds the path to an `io::Result`.
pub trait IoContext<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|e| Error::io(path, e))
    }
}
