//! `manifest.json`, the source of truth for a job, and the job state machine. A status changes only
//! along [`JobStatus::can_become`]; `schema_version` lets later releases read older manifests.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::code::Code;
use crate::error::{Error, Result};
use crate::ids::JobId;

/// The manifest format this release writes. Older versions are read and upgraded in memory.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Canceled,
}

impl JobStatus {
    pub const ALL: [JobStatus; 5] = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Succeeded,
        JobStatus::Failed,
        JobStatus::Canceled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Canceled => "canceled",
        }
    }

    /// The transition table:
    ///
    /// | from      | to                                              |
    /// |-----------|-------------------------------------------------|
    /// | queued    | running, canceled                               |
    /// | running   | succeeded, failed, queued (retry/recovery), canceled |
    /// | failed    | queued (`mdspool retry`)                        |
    /// | succeeded | -                                               |
    /// | canceled  | -                                               |
    pub fn can_become(self, to: JobStatus) -> bool {
        use JobStatus::*;
        matches!(
            (self, to),
            (Queued, Running)
                | (Queued, Canceled)
                | (Running, Succeeded)
                | (Running, Failed)
                | (Running, Queued)
                | (Running, Canceled)
                | (Failed, Queued)
        )
    }

    /// No further work will happen unless someone asks for it.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobStatus::Succeeded | JobStatus::Failed | JobStatus::Canceled
        )
    }
}

impl std::fmt::Display for JobStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Idempotency {
    pub scope: String,
    pub key: String,
    /// Lower-case hex SHA-256 of the PDF bytes.
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The file name the client dropped.
    pub name: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobError {
    pub code: Code,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConverterInfo {
    pub name: String,
    pub version: String,
}

/// One attempt of a job run under a lease (several hosts on one root): which host ran it, under
/// which lease epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptHost {
    pub attempt: u32,
    pub epoch: u64,
    pub host: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: u32,
    pub job_id: JobId,
    pub status: JobStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub attempts: u32,
    pub idempotency: Idempotency,
    pub source: Source,
    /// Extra fields of the client's sidecar, kept as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<serde_json::Value>,
    #[serde(default)]
    pub pinned: bool,
    /// When `raw/input.pdf` is due for removal (set once the job is final).
    #[serde(default)]
    pub raw_expires_at: Option<DateTime<Utc>>,
    /// When the whole job is due for removal (set once the job is final).
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_removed_at: Option<DateTime<Utc>>,
    /// Earliest time of the next attempt after a transient failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub error: Option<JobError>,
    #[serde(default)]
    pub converter: Option<ConverterInfo>,
    #[serde(default)]
    pub pages: Option<u32>,
    #[serde(default)]
    pub output_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Document metadata found by the converter (title, author).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
    /// Some pages were read by OCR (scans); the fields below say which and how well.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ocr: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ocr_pages: Vec<u32>,
    /// Mean confidence (0-100) of the words OCR recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr_mean_confidence: Option<f32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ocr_languages: Vec<String>,
    /// Several hosts on one root: the epoch of the job's newest lease this manifest knows
    /// (`jobs/<id>/lease-<epoch>`); 0 when the job never ran under a lease.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lease_epoch: u64,
    /// Several hosts on one root: the host and lease epoch of each attempt.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempt_hosts: Vec<AttemptHost>,
}

impl Manifest {
    /// A new `queued` job.
    pub fn new(
        job_id: JobId,
        idempotency: Idempotency,
        source: Source,
        now: DateTime<Utc>,
    ) -> Manifest {
        Manifest {
            schema_version: SCHEMA_VERSION,
            job_id,
            status: JobStatus::Queued,
            created_at: now,
            updated_at: now,
            started_at: None,
            finished_at: None,
            attempts: 0,
            idempotency,
            source,
            client: None,
            pinned: false,
            raw_expires_at: None,
            expires_at: None,
            raw_removed_at: None,
            next_attempt_at: None,
            error: None,
            converter: None,
            pages: None,
            output_bytes: None,
            warnings: Vec::new(),
            metadata: None,
            ocr: false,
            ocr_pages: Vec::new(),
            ocr_mean_confidence: None,
            ocr_languages: Vec::new(),
            lease_epoch: 0,
            attempt_hosts: Vec::new(),
        }
    }

    /// Parses a manifest, accepting every schema version up to [`SCHEMA_VERSION`].
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Manifest> {
        #[derive(Deserialize)]
        struct Version {
            #[serde(default)]
            schema_version: u32,
        }
        let corrupt = |source| Error::Corrupt {
            path: path.to_path_buf(),
            source,
        };
        let v: Version = serde_json::from_slice(bytes).map_err(corrupt)?;
        if v.schema_version > SCHEMA_VERSION {
            return Err(Error::UnsupportedSchema {
                path: path.to_path_buf(),
                found: v.schema_version,
                supported: SCHEMA_VERSION,
            });
        }
        // Version 1 is the first format; later versions add their upgrades here.
        let mut m: Manifest = serde_json::from_slice(bytes).map_err(corrupt)?;
        m.schema_version = SCHEMA_VERSION;
        Ok(m)
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use JobStatus::*;

    #[test]
    fn transition_table_is_exactly_the_documented_one() {
        let allowed = [
            (Queued, Running),
            (Queued, Canceled),
            (Running, Succeeded),
            (Running, Failed),
            (Running, Queued),
            (Running, Canceled),
            (Failed, Queued),
        ];
        for from in JobStatus::ALL {
            for to in JobStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
        assert!(!Succeeded.can_become(Queued));
        assert!(!Canceled.can_become(Running));
    }

    #[test]
    fn newer_schema_is_refused_garbage_is_corrupt() {
        let p = Path::new("m.json");
        let e = Manifest::parse(p, br#"{"schema_version": 99}"#).unwrap_err();
        assert_eq!(e.code(), Code::SchemaUnsupported);
        let e = Manifest::parse(p, b"{\"schema_vers").unwrap_err();
        assert_eq!(e.code(), Code::RecordCorrupt);
    }
}
