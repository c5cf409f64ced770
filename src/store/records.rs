//! The small records beside the job folders: idempotency records (created exclusively, so two
//! processes can never both own a key), receipts (where a client finds its job by key) and
//! tombstones (what lets `status` say `job_expired` instead of `job_not_found`).

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::durable;
use crate::error::{Error, Result};
use crate::ids::{IdemKey, JobId};
use crate::store::Store;
use crate::store::manifest::{JobError, JobStatus, Manifest};

/// `state/idempotency/<scope>/<key>.json`: (scope, key) -> (job id, fingerprint).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdemRecord {
    pub scope: String,
    pub key: String,
    pub job_id: JobId,
    pub fingerprint: String,
    pub created_at: DateTime<Utc>,
    /// Several hosts on one root: the host whose staging folder ingests the job, so that another
    /// host can tell a job still being built from a vanished one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

/// `receipts/<scope>/<key>.json`: the client's view of the outcome of its drop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<JobId>,
    /// A job status, or `rejected` for a drop that was refused.
    pub status: ReceiptStatus,
    pub scope: String,
    pub key: String,
    /// Path of the manifest, relative to the root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// Path of the Markdown, relative to the root, once the job succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<JobError>,
    pub updated_at: DateTime<Utc>,
}

/// The `status` of a receipt: a job's status, or `rejected` for a drop that was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReceiptStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Canceled,
    Rejected,
}

impl ReceiptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptStatus::Queued => "queued",
            ReceiptStatus::Running => "running",
            ReceiptStatus::Succeeded => "succeeded",
            ReceiptStatus::Failed => "failed",
            ReceiptStatus::Canceled => "canceled",
            ReceiptStatus::Rejected => "rejected",
        }
    }
}

impl From<JobStatus> for ReceiptStatus {
    fn from(s: JobStatus) -> ReceiptStatus {
        match s {
            JobStatus::Queued => ReceiptStatus::Queued,
            JobStatus::Running => ReceiptStatus::Running,
            JobStatus::Succeeded => ReceiptStatus::Succeeded,
            JobStatus::Failed => ReceiptStatus::Failed,
            JobStatus::Canceled => ReceiptStatus::Canceled,
        }
    }
}

impl std::fmt::Display for ReceiptStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `state/tombstones/<id>.json`: an expired job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    pub job_id: JobId,
    pub scope: String,
    pub key: String,
    pub status: JobStatus,
    pub expired_at: DateTime<Utc>,
}

fn parse<T: DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|source| Error::Corrupt {
        path: path.to_path_buf(),
        source,
    })
}

fn read<T: DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    match durable::read_optional(path)? {
        Some(b) => parse(path, &b).map(Some),
        None => Ok(None),
    }
}

pub(crate) fn json<T: Serialize>(v: &T) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).unwrap_or_default();
    b.push(b'\n');
    b
}

impl Store {
    /// Creates the record unless one exists; returns the existing record in that case.
    pub fn create_record(&self, rec: &IdemRecord) -> Result<Option<IdemRecord>> {
        let k = IdemKey::new(&rec.scope, &rec.key)?;
        let path = self.layout.idempotency_record(&k);
        self.check()?;
        loop {
            durable::create_dir_all_durable(path.parent().unwrap_or(Path::new(".")))?;
            if self.guard(durable::create_exclusive(&path, &json(rec)))? {
                return Ok(None);
            }
            match read::<IdemRecord>(&path)? {
                Some(existing) => return Ok(Some(existing)),
                None => continue, // removed between our attempt and the read: try again
            }
        }
    }

    pub fn read_record(&self, k: &IdemKey) -> Result<Option<IdemRecord>> {
        read(&self.layout.idempotency_record(k))
    }

    /// Takes a stale record out of the way so that a new one can be created exclusively. Only one
    /// of several racing callers gets `true` (claim by rename).
    pub fn retire_record(&self, k: &IdemKey, job_id: JobId) -> Result<bool> {
        let path = self.layout.idempotency_record(k);
        let aside = path.with_file_name(format!(".~{}.{job_id}.retired.tmp", k.key));
        match crate::fsx::rename(&path, &aside) {
            Ok(()) => {
                durable::remove_tree_nofollow(&aside)?;
                durable::fsync_dir(path.parent().unwrap_or(Path::new(".")))?;
                Ok(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => self.guard(Err(Error::io(&path, e))),
        }
    }

    /// Removes the record of `k` if it still names `job_id`.
    pub fn remove_record(&self, k: &IdemKey, job_id: JobId) -> Result<()> {
        match self.read_record(k)? {
            Some(r) if r.job_id == job_id => self.retire_record(k, job_id).map(|_| ()),
            _ => Ok(()),
        }
    }

    pub fn read_receipt(&self, k: &IdemKey) -> Result<Option<Receipt>> {
        read(&self.layout.receipt(k))
    }

    pub fn write_receipt(&self, r: &Receipt) -> Result<()> {
        let k = IdemKey::new(&r.scope, &r.key)?;
        let path = self.layout.receipt(&k);
        let dir = path.parent().unwrap_or(Path::new("."));
        if !dir.is_dir() {
            durable::create_dir_all_durable(dir)?;
            self.guard(self.share().apply_dir(dir))?;
        }
        self.write_shared(&path, &json(r))
    }

    /// Rewrites the receipt of job `id` from its manifest, read under the job lock: a writer that
    /// read the manifest earlier (a replay, an admission racing a worker) can never leave a stale
    /// status behind a newer one.
    pub fn refresh_receipt(&self, id: JobId) -> Result<Manifest> {
        self.with_job_lock(id, || {
            let m = self.load(id)?;
            self.write_receipt(&self.receipt_for(&m))?;
            Ok(m)
        })
    }

    /// Recovery: a crash between a manifest and its receipt (a job that became final, or was
    /// retried) left the receipt behind. Rewrites it when it gives this job another status than its
    /// manifest, or when a final job has none; a receipt that names another job or a refusal, or
    /// that cannot be read, is left alone.
    /// Returns whether it wrote.
    pub fn repair_receipt(&self, m: &Manifest) -> Result<bool> {
        let k = IdemKey::new(&m.idempotency.scope, &m.idempotency.key)?;
        let stale = match self.read_receipt(&k) {
            Ok(None) => m.status.is_final(),
            Ok(Some(r)) => r.job_id == Some(m.job_id) && r.status != m.status.into(),
            Err(e) => {
                // Not ours to judge: the next write of this receipt reports it (store_failed).
                tracing::warn!(job = %m.job_id, error = %e, "receipt left alone");
                false
            }
        };
        if stale {
            self.write_receipt(&self.receipt_for(m))?;
        }
        Ok(stale)
    }

    /// The receipt that describes `m` as it is now.
    pub fn receipt_for(&self, m: &Manifest) -> Receipt {
        let l = &self.layout;
        Receipt {
            job_id: Some(m.job_id),
            status: m.status.into(),
            scope: m.idempotency.scope.clone(),
            key: m.idempotency.key.clone(),
            manifest: Some(l.relative(&l.manifest(m.job_id))),
            output: (m.status == JobStatus::Succeeded).then(|| l.relative(&l.output_md(m.job_id))),
            error: m.error.clone(),
            updated_at: m.updated_at,
        }
    }

    /// Removes the receipt of `k` if it still describes `job_id`.
    pub fn remove_receipt(&self, k: &IdemKey, job_id: JobId) -> Result<()> {
        let path = self.layout.receipt(k);
        if let Some(r) = read::<Receipt>(&path)?
            && r.job_id == Some(job_id)
        {
            durable::remove_tree_nofollow(&path)?;
            durable::fsync_dir(path.parent().unwrap_or(Path::new(".")))?;
        }
        Ok(())
    }

    pub fn write_tombstone(&self, t: &Tombstone) -> Result<()> {
        self.write(&self.layout.tombstone(t.job_id), &json(t))
    }

    pub fn read_tombstone(&self, id: JobId) -> Result<Option<Tombstone>> {
        read(&self.layout.tombstone(id))
    }

    pub fn remove_tombstone(&self, id: JobId) -> Result<()> {
        durable::remove_tree_nofollow(&self.layout.tombstone(id))
    }

    /// Every tombstone (unreadable ones are skipped with a warning).
    pub fn tombstones(&self) -> Result<Vec<Tombstone>> {
        let dir = self.layout.tombstones_dir();
        let mut out = Vec::new();
        for name in durable::list_names(&dir)? {
            if durable::is_temp_name(&name) || !name.ends_with(".json") {
                continue;
            }
            match read::<Tombstone>(&dir.join(&name)) {
                Ok(Some(t)) => out.push(t),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "skipping unreadable tombstone"),
            }
        }
        Ok(out)
    }
}
