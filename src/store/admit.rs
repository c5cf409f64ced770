//! Admission: turning a claimed drop (a PDF already renamed into `state/staging/<id>/`) into a job,
//! a replay of an existing job, or a refusal. Every step can be interrupted and resumed by running
//! it again on the same staging entry, which is what recovery does:
//!
//! 1. fsync the PDF and fingerprint it (sha256);
//! 2. create the idempotency record exclusively (the race between processes is decided here);
//! 3. build `staging/<id>/job/` (manifest.json, then raw/input.pdf by rename) and rename it to
//!    `jobs/<id>`;
//! 4. write the receipt; 5. remove the staging entry.
//!
//! A receipt is written only once everything it points to is durable. Drops taken together go
//! through the same steps as a batch (`admit_batch.rs`: group commit).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::durable;
use crate::error::{Error, IoContext, Result};
use crate::failpoint;
use crate::ids::{DEFAULT_SCOPE, IdemKey, JobId};
use crate::store::Store;
use crate::store::manifest::{Idempotency, Manifest, Source};
use crate::store::records::IdemRecord;

/// The lock file of a staging entry filled by a process other than the daemon (`mdspool submit`):
/// a temp name, so it is never taken for a drop nor moved to `rejected/` with one.
pub const HOLD: &str = ".~hold.tmp";

/// An exclusive hold on a staging entry: `flock` on its [`HOLD`] file, released when dropped or
/// when the process dies. Restart recovery leaves a held entry alone: a `mdspool submit` still
/// copying into it while the daemon starts would otherwise see its half-built entry taken away.
#[derive(Debug)]
pub struct StagingHold {
    _file: Option<File>,
}

/// A claimed drop waiting in its staging entry.
#[derive(Debug, Clone)]
pub struct StagedDrop {
    /// The job id this drop becomes if it is new; also names the staging entry.
    pub id: JobId,
    /// The PDF, inside `state/staging/<id>/`.
    pub pdf: PathBuf,
    /// The name the client gave the file.
    pub name: String,
    /// `None`: the key is `sha256-<fingerprint>` in scope `default`.
    pub key: Option<IdemKey>,
    pub pinned: bool,
    /// Extra sidecar fields, kept in the manifest.
    pub client: Option<serde_json::Value>,
}

#[derive(Debug)]
pub enum Admission {
    /// A new job, queued.
    Created(Manifest),
    /// The same key and bytes named an existing job: nothing new was created.
    Replayed(Manifest),
    /// The key names another job with other bytes: the drop went to `rejected/`.
    Conflict { existing: JobId, rejected: PathBuf },
}

impl Admission {
    pub fn job_id(&self) -> JobId {
        match self {
            Admission::Created(m) | Admission::Replayed(m) => m.job_id,
            Admission::Conflict { existing, .. } => *existing,
        }
    }
}

/// Opens (creating) the hold file of a staging entry, for writing (a `flock` over NFS needs it).
fn open_hold(path: &Path) -> std::io::Result<File> {
    crate::fsx::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// Makes the file's bytes durable and returns (sha256 hex, size).
pub fn fingerprint(path: &Path) -> Result<(String, u64)> {
    let (fp, size, f) = hash_file(path)?;
    crate::fsx::sync(&f, path).at(path)?;
    Ok((fp, size))
}

/// Reads the file: (sha256 hex, size, the open file, not synced yet).
pub(crate) fn hash_file(path: &Path) -> Result<(String, u64, File)> {
    let mut f = File::open(path).at(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).at(path)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((hex::encode(h.finalize()), size, f))
}

impl Store {
    /// Admits the drop (see the module docs). The staging entry is gone when this returns `Ok`.
    pub fn admit(&self, d: &StagedDrop) -> Result<Admission> {
        self.check()?;
        if let Some(done) = self.resume_staged(d.id)? {
            return Ok(done);
        }
        let entry = self.layout.staging_entry(d.id);
        let job = entry.join("job");
        let raw = job.join("raw").join("input.pdf");
        // After a crash between moving the PDF into the job and writing its manifest, the bytes
        // are already at `raw`.
        let src = if !d.pdf.exists() && raw.exists() {
            &raw
        } else {
            &d.pdf
        };
        let (fp, size) = fingerprint(src)?;
        let key = match &d.key {
            Some(k) => k.clone(),
            None => IdemKey::new(DEFAULT_SCOPE, &format!("sha256-{fp}"))?,
        };
        failpoint::hit("admit.before_record");
        let rec = IdemRecord {
            scope: key.scope.clone(),
            key: key.key.clone(),
            job_id: d.id,
            fingerprint: fp.clone(),
            created_at: self.now(),
            host: self.layout.staging_host().map(str::to_string),
        };
        // `None`: the record is ours.
        while let Some(existing) = self.create_record(&rec)? {
            if existing.job_id == d.id {
                break; // ours, from before a crash
            }
            if self.record_is_live(&existing)? {
                if existing.fingerprint == fp {
                    self.wait_for_job(&existing)?;
                    let m = self.refresh_receipt(existing.job_id)?;
                    self.remove_staging(d.id)?;
                    return Ok(Admission::Replayed(m));
                }
                let err = Error::IdempotencyConflict {
                    scope: key.scope.clone(),
                    key: key.key.clone(),
                    job_id: existing.job_id.to_string(),
                };
                let rejected = self.reject_staged(d, &err, None)?;
                return Ok(Admission::Conflict {
                    existing: existing.job_id,
                    rejected,
                });
            }
            // The record names an expired or vanished job: take it over (one racer wins).
            self.retire_record(&key, existing.job_id)?;
        }
        failpoint::hit("admit.after_record");
        let now = self.now();
        let idem = Idempotency {
            scope: key.scope.clone(),
            key: key.key.clone(),
            fingerprint: fp,
        };
        let source = Source {
            name: d.name.clone(),
            size,
        };
        let mut m = Manifest::new(d.id, idem, source, now);
        m.pinned = d.pinned;
        m.client = d.client.clone();
        if src != &raw && job.symlink_metadata().is_ok() {
            // Left by an interrupted build (at most folders, a manifest, a temp file): start over.
            durable::remove_tree_nofollow(&job)?;
        }
        // The job folder is built in one go and made durable with one fsync per folder: its
        // subfolders and manifest (fsync of `job/`), `job/` itself (fsync of the entry).
        durable::create_dir_unsynced(&job)?;
        for sub in ["raw", "artifacts", "logs"] {
            durable::create_dir_unsynced(&job.join(sub))?;
        }
        // Clients read the manifest and the output: their folders get `output.mode`/`group`.
        self.guard(self.share().apply_dir(&job))?;
        self.guard(self.share().apply_dir(&job.join("artifacts")))?;
        // The manifest first, then the bytes: until they move, the drop keeps its own name in the
        // staging entry, so a crash in between never loses the name the client gave it.
        self.guard(durable::write_synced_no_dir_sync(
            &job.join("manifest.json"),
            &m.to_json(),
            self.share(),
        ))?;
        durable::fsync_dir(&job)?;
        durable::fsync_dir(&entry)?;
        failpoint::hit("admit.after_manifest");
        if src != &raw {
            crate::fsx::rename(src, &raw).at(src)?;
            durable::fsync_dir(&job.join("raw"))?;
        }
        failpoint::hit("admit.before_publish");
        self.resume_staged(d.id)?
            .ok_or_else(|| Error::internal(format!("staged job {} vanished", d.id)))
    }

    /// Loads a job that another process or thread may still be materializing (its staging entry
    /// exists): waits a little for it to appear, then gives up with `ingest_in_progress`.
    fn wait_for_job(&self, rec: &IdemRecord) -> Result<Manifest> {
        let id = rec.job_id;
        let staging = self.layout.staging_entry_of(rec.host.as_deref(), id);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut pause = std::time::Duration::from_millis(2);
        loop {
            match self.load(id) {
                Err(Error::JobNotFound { .. }) if staging.exists() => {
                    if std::time::Instant::now() >= deadline {
                        return Err(Error::InProgress {
                            job_id: id.to_string(),
                        });
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(std::time::Duration::from_millis(100));
                }
                // Published between the two looks (the job folder appears before the staging
                // entry goes): one more read finds it.
                Err(Error::JobNotFound { .. }) => return self.load(id),
                other => return other,
            }
        }
    }

    /// Is the job named by an idempotency record alive (a folder, or an ingest under way in the
    /// staging folder of the host that made the record)?
    pub(crate) fn record_is_live(&self, rec: &IdemRecord) -> Result<bool> {
        let l = &self.layout;
        let id = rec.job_id;
        if l.job_dir(id).exists() || l.staging_entry_of(rec.host.as_deref(), id).exists() {
            return Ok(true);
        }
        Ok(false)
    }

    /// Finishes an admission whose job folder was already built: publishes
    /// `staging/<id>/job` as `jobs/<id>`, writes the receipt, removes the staging entry. `None`
    /// when there is nothing built yet.
    pub fn resume_staged(&self, id: JobId) -> Result<Option<Admission>> {
        let entry = self.layout.staging_entry(id);
        let built = entry.join("job");
        let target = self.layout.job_dir(id);
        let complete = built.join("manifest.json").exists() && built.join("raw/input.pdf").exists();
        if complete && !target.exists() {
            self.guard(durable::rename_into(&built, &target))?;
            failpoint::hit("admit.after_publish");
        }
        if !target.exists() {
            return Ok(None);
        }
        let m = self.refresh_receipt(id)?;
        self.notify(&m);
        failpoint::hit("admit.after_receipt");
        self.remove_staging(id)?;
        Ok(Some(Admission::Created(m)))
    }

    /// Removes a staging entry and makes that durable.
    pub fn remove_staging(&self, id: JobId) -> Result<()> {
        let entry = self.layout.staging_entry(id);
        durable::remove_tree_nofollow(&entry)?;
        durable::fsync_dir(&self.layout.staging_dir())
    }

    /// Creates a new staging entry and holds it until the hold is dropped.
    pub fn new_held_staging(&self) -> Result<(JobId, StagingHold)> {
        use std::os::unix::fs::MetadataExt;
        loop {
            let id = JobId::new();
            let entry = self.layout.staging_entry(id);
            durable::create_dir_all_durable(&entry)?;
            let path = entry.join(HOLD);
            let file = match open_hold(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(Error::io(&path, e)),
            };
            file.lock().at(&path)?;
            // A recovery that found the entry empty before our hold may have removed it: then the
            // hold is on nothing, and a new entry is needed.
            let ours = file.metadata().at(&path)?.ino();
            match std::fs::metadata(&path) {
                Ok(m) if m.ino() == ours => return Ok((id, StagingHold { _file: Some(file) })),
                _ => continue,
            }
        }
    }

    /// Holds staging entry `id` for recovery, without waiting: `None` while another process holds
    /// it (it is being filled).
    pub fn try_hold_staging(&self, id: JobId) -> Result<Option<StagingHold>> {
        let path = self.layout.staging_entry(id).join(HOLD);
        let file = match open_hold(&path) {
            Ok(f) => f,
            // Gone meanwhile: nothing to hold, nothing to recover either.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Some(StagingHold { _file: None }));
            }
            Err(e) => return Err(Error::io(&path, e)),
        };
        match file.try_lock() {
            Ok(()) => Ok(Some(StagingHold { _file: Some(file) })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
        }
    }

    /// Ids of the staging entries left by interrupted ingests.
    pub fn staged_ids(&self) -> Result<Vec<JobId>> {
        Ok(durable::list_names(&self.layout.staging_dir())?
            .iter()
            .filter_map(|n| n.parse().ok())
            .collect())
    }
}
