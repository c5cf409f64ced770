//! Every stable machine code of the spool, in one enum: the `code` of manifests' `error`, of
//! `NAME.error.json` notes and receipts, of `--json` errors and of `error[...]` lines on stderr.
//! The engine's own codes ([`ConvertCode`]) are wrapped, not spelled again: [`Code::Convert`]
//! carries one, and its text is the engine's. `docs/codes.md` is this table (a test checks it).
//!
//! Serialized as its text (`"pdf_malformed"`), so manifests and receipts written before this enum
//! existed still parse.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::convert::ConvertCode;

/// A stable machine code. Spool codes are spelled snake_case, as serde spells the variant names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// A code of the conversion engine (`pdf_malformed`, `io_error`...).
    Convert(ConvertCode),
    StorageFull,
    RecordCorrupt,
    SchemaUnsupported,
    JobNotFound,
    JobExpired,
    InvalidJobId,
    InvalidIdempotencyKey,
    IdempotencyConflict,
    InvalidTransition,
    IngestInProgress,
    RootLocked,
    ConfigInvalid,
    StoreFailed,
    StoppedAtOnce,
    InternalError,
    ConversionTimeout,
    ConversionMemoryLimit,
    ConversionCrashed,
    ConversionKilled,
    ConversionSandboxViolation,
    Canceled,
    NotAPdf,
    EmptyFile,
    TooLarge,
    InvalidSidecar,
    UnsafeEntry,
    OrphanSidecar,
    DropRejected,
    WaitTimeout,
    LeaseLost,
}

/// Whether a job that ends with a code is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Transient: queued again with backoff, up to `workers.max_attempts`.
    Yes,
    /// Permanent: the job fails at once; the same bytes fail the same way again.
    No,
    /// Queued again however often it happens: the attempt does not count.
    Postponed,
    /// Not the outcome of a job: a refused drop (final) or a command's error.
    NotAJob,
}

impl Retry {
    pub fn as_str(self) -> &'static str {
        match self {
            Retry::Yes => "yes",
            Retry::No => "no",
            Retry::Postponed => "yes, postponed without using an attempt",
            Retry::NotAJob => "-",
        }
    }
}

/// The spool's codes, without the engine's.
const SPOOL: [Code; 30] = [
    Code::StorageFull,
    Code::RecordCorrupt,
    Code::SchemaUnsupported,
    Code::JobNotFound,
    Code::JobExpired,
    Code::InvalidJobId,
    Code::InvalidIdempotencyKey,
    Code::IdempotencyConflict,
    Code::InvalidTransition,
    Code::IngestInProgress,
    Code::RootLocked,
    Code::ConfigInvalid,
    Code::StoreFailed,
    Code::StoppedAtOnce,
    Code::InternalError,
    Code::ConversionTimeout,
    Code::ConversionMemoryLimit,
    Code::ConversionCrashed,
    Code::ConversionKilled,
    Code::ConversionSandboxViolation,
    Code::Canceled,
    Code::NotAPdf,
    Code::EmptyFile,
    Code::TooLarge,
    Code::InvalidSidecar,
    Code::UnsafeEntry,
    Code::OrphanSidecar,
    Code::DropRejected,
    Code::WaitTimeout,
    Code::LeaseLost,
];

impl Code {
    /// `io_error`: a read or write failed (the engine's code, used by the spool too).
    pub const IO_ERROR: Code = Code::Convert(ConvertCode::IoError);

    /// Every code: the engine's, then the spool's.
    pub fn all() -> impl Iterator<Item = Code> {
        ConvertCode::ALL.into_iter().map(Code::Convert).chain(SPOOL)
    }

    /// The code's text, as written into files and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Convert(c) => c.as_str(),
            Code::StorageFull => "storage_full",
            Code::RecordCorrupt => "record_corrupt",
            Code::SchemaUnsupported => "schema_unsupported",
            Code::JobNotFound => "job_not_found",
            Code::JobExpired => "job_expired",
            Code::InvalidJobId => "invalid_job_id",
            Code::InvalidIdempotencyKey => "invalid_idempotency_key",
            Code::IdempotencyConflict => "idempotency_conflict",
            Code::InvalidTransition => "invalid_transition",
            Code::IngestInProgress => "ingest_in_progress",
            Code::RootLocked => "root_locked",
            Code::ConfigInvalid => "config_invalid",
            Code::StoreFailed => "store_failed",
            Code::StoppedAtOnce => "stopped_at_once",
            Code::InternalError => "internal_error",
            Code::ConversionTimeout => "conversion_timeout",
            Code::ConversionMemoryLimit => "conversion_memory_limit",
            Code::ConversionCrashed => "conversion_crashed",
            Code::ConversionKilled => "conversion_killed",
            Code::ConversionSandboxViolation => "conversion_sandbox_violation",
            Code::Canceled => "canceled",
            Code::NotAPdf => "not_a_pdf",
            Code::EmptyFile => "empty_file",
            Code::TooLarge => "too_large",
            Code::InvalidSidecar => "invalid_sidecar",
            Code::UnsafeEntry => "unsafe_entry",
            Code::OrphanSidecar => "orphan_sidecar",
            Code::DropRejected => "drop_rejected",
            Code::WaitTimeout => "wait_timeout",
            Code::LeaseLost => "lease_lost",
        }
    }

    /// What the code means, one line.
    pub fn meaning(self) -> &'static str {
        match self {
            Code::Convert(ConvertCode::PdfMalformed) => {
                "the PDF cannot be parsed (or the engine panicked on it)"
            }
            Code::Convert(ConvertCode::PdfEncrypted) => {
                "the PDF is encrypted and cannot be opened without a password"
            }
            Code::Convert(ConvertCode::NoTextLayer) => {
                "the PDF has no extractable text (a scan without OCR)"
            }
            Code::Convert(ConvertCode::PdfTooComplex) => {
                "the PDF exceeds a limit of the engine (`convert.max_stream`, nesting, objects)"
            }
            Code::Convert(ConvertCode::IoError) => "a read or write failed",
            Code::Convert(ConvertCode::ExternalConverterFailed) => {
                "the `[convert] command` failed or wrote no Markdown"
            }
            Code::StorageFull => "no space (or quota) left on the storage device",
            Code::RecordCorrupt => "a record (manifest, receipt, sidecar copy) cannot be parsed",
            Code::SchemaUnsupported => {
                "a record's `schema_version` is newer than this mdspool understands"
            }
            Code::JobNotFound => "no such job",
            Code::JobExpired => "the job expired and its files were removed (a tombstone remains)",
            Code::InvalidJobId => "not a job id (a UUID)",
            Code::InvalidIdempotencyKey => "key or scope outside `[A-Za-z0-9._-]{1,128}`",
            Code::IdempotencyConflict => "the key names another job with different bytes",
            Code::InvalidTransition => "the job's status does not allow the change",
            Code::IngestInProgress => "the job is still being ingested by another process",
            Code::RootLocked => "the storage root is in use by another daemon on this host",
            Code::ConfigInvalid => "the configuration (file, environment, flags) is invalid",
            Code::StoreFailed => "the store stopped after a failed write",
            Code::StoppedAtOnce => "the daemon was stopped at once (second signal)",
            Code::InternalError => "a bug or an unexpected state; the message says which",
            Code::ConversionTimeout => "the conversion ran longer than `convert.timeout`",
            Code::ConversionMemoryLimit => {
                "the conversion ran out of memory (`convert.max_memory`)"
            }
            Code::ConversionCrashed => "the conversion child crashed (signal or panic)",
            Code::ConversionKilled => {
                "the conversion child was killed from outside (SIGKILL: the kernel's OOM killer, an operator)"
            }
            Code::ConversionSandboxViolation => {
                "the conversion child tried what its sandbox forbids (the message names the system call or path); docs/security.md"
            }
            Code::Canceled => "canceled by `mdspool cancel`",
            Code::NotAPdf => "no `%PDF-` header in the first 1024 bytes",
            Code::EmptyFile => "the drop has zero bytes",
            Code::TooLarge => "the drop is larger than `watch.max_size`",
            Code::InvalidSidecar => "the `.idem` sidecar is not valid (see docs/protocol.md)",
            Code::UnsafeEntry => {
                "a symlink, hard link, FIFO, socket or device in the inbox: never opened"
            }
            Code::OrphanSidecar => "a sidecar whose drop did not appear within an hour",
            Code::DropRejected => "`mdspool status --key` or `--file`: that drop was refused",
            Code::WaitTimeout => {
                "`mdspool submit --wait --timeout`: the job had not ended in time (it goes on)"
            }
            Code::LeaseLost => {
                "several hosts on one root: another host took the job over (its lease was not renewed in time); this host's result is discarded (docs/scale-out.md)"
            }
        }
    }

    /// Whether a job failing with this code is tried again. Where a failure decides otherwise
    /// (an `internal_error` whose input is gone is permanent), the failure says so itself.
    pub fn retry(self) -> Retry {
        match self {
            Code::Convert(c) if c.is_permanent() => Retry::No,
            Code::Convert(_) => Retry::Yes,
            Code::StorageFull => Retry::Postponed,
            Code::InternalError
            | Code::ConversionTimeout
            | Code::ConversionCrashed
            | Code::ConversionKilled => Retry::Yes,
            Code::ConversionMemoryLimit | Code::ConversionSandboxViolation | Code::Canceled => {
                Retry::No
            }
            _ => Retry::NotAJob,
        }
    }

    /// Permanent failures of a job are not retried.
    pub fn is_permanent(self) -> bool {
        self.retry() == Retry::No
    }

    /// The table of docs/codes.md: every code, its meaning and whether it is retried.
    pub fn markdown_table() -> String {
        let mut s = String::from("| code | meaning | retried |\n|---|---|---|\n");
        for c in Code::all() {
            s.push_str(&format!(
                "| `{}` | {} | {} |\n",
                c.as_str(),
                c.meaning(),
                c.retry().as_str()
            ));
        }
        s
    }
}

impl From<ConvertCode> for Code {
    fn from(c: ConvertCode) -> Code {
        Code::Convert(c)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that is no code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode(pub String);

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown code {:?}", self.0)
    }
}

impl FromStr for Code {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Code, UnknownCode> {
        Code::all()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCode(s.to_string()))
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_unique_snake_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::all() {
            let t = c.as_str();
            assert!(seen.insert(t), "{t} twice");
            assert!(
                t.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{t}"
            );
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{t}\""));
            assert_eq!(serde_json::from_str::<Code>(&json).unwrap(), c);
            assert!(!c.meaning().is_empty());
        }
        assert_eq!(seen.len(), 36);
        assert!(serde_json::from_str::<Code>("\"no_such_code\"").is_err());
    }

    #[test]
    fn spool_variant_names_are_their_text() {
        // The text of a spool code is its variant name in snake_case.
        for c in SPOOL {
            let name = format!("{c:?}");
            let mut snake = String::new();
            for (i, ch) in name.chars().enumerate() {
                if ch.is_ascii_uppercase() {
                    if i > 0 {
                        snake.push('_');
                    }
                    snake.push(ch.to_ascii_lowercase());
                } else {
                    snake.push(ch);
                }
            }
            assert_eq!(snake, c.as_str());
        }
    }

    #[test]
    fn retry_agrees_with_the_engine() {
        for c in ConvertCode::ALL {
            assert_eq!(Code::from(c).is_permanent(), c.is_permanent(), "{c}");
        }
    }

    #[test]
    fn docs_table_matches_the_enum() {
        let doc = include_str!("../docs/codes.md");
        let table = Code::markdown_table();
        assert!(
            doc.contains(&table),
            "docs/codes.md is out of date; its table must be:\n{table}"
        );
    }
}
