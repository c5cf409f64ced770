//! Job folders: load, list and change manifests. Every change goes through [`Store::update`] or
//! [`Store::transition`], which hold the job's lock (`jobs/<id>/.lock`, so a `mdspool cancel` and a
//! worker never interleave their read-modify-write), check the state machine, stamp the times and
//! write the manifest atomically; the receipt follows whenever the job becomes final or leaves a
//! final state, and a job that becomes final gets its final marker (`store::finals`) after it, all
//! under the lock.

use crate::fsx::OpenOptions;
use std::io;

use chrono::Duration as ChronoDuration;

use crate::durable;
use crate::error::{Error, Result};
use crate::failpoint;
use crate::ids::JobId;
use crate::store::Store;
use crate::store::manifest::{JobStatus, Manifest};

fn add(t: chrono::DateTime<chrono::Utc>, d: std::time::Duration) -> chrono::DateTime<chrono::Utc> {
    t + ChronoDuration::from_std(d).unwrap_or(ChronoDuration::MAX)
}

impl Store {
    /// Reads the manifest of job `id`: `job_expired` if it was swept, `job_not_found` if unknown.
    pub fn load(&self, id: JobId) -> Result<Manifest> {
        let path = self.layout.manifest(id);
        let mut wait = std::time::Duration::from_millis(100);
        loop {
            match durable::read_optional(&path)? {
                Some(bytes) => match Manifest::parse(&path, &bytes) {
                    // A torn read of a network client's stale cache (`Store::with_rereads`).
                    Err(Error::Corrupt { .. }) if self.rereads() && wait.as_secs() < 2 => {
                        tracing::debug!(job = %id, "manifest does not parse; read again");
                        std::thread::sleep(wait);
                        wait *= 2;
                    }
                    r => return r,
                },
                None => return Err(self.missing(id)),
            }
        }
    }

    /// The error for a job whose folder is absent.
    pub fn missing(&self, id: JobId) -> Error {
        match self.read_tombstone(id) {
            Ok(Some(t)) => Error::JobExpired {
                job_id: id.to_string(),
                expired_at: t
                    .expired_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            },
            Ok(None) => Error::JobNotFound {
                job_id: id.to_string(),
            },
            Err(e) => e,
        }
    }

    /// Writes `m` as the manifest of its job (the caller owns the job or holds its lock).
    pub fn save(&self, m: &Manifest) -> Result<()> {
        self.write_shared(&self.layout.manifest(m.job_id), &m.to_json())?;
        self.notify(m);
        Ok(())
    }

    /// Runs `f` holding the job's lock. Fails with `job_not_found`/`job_expired` when the job
    /// folder is gone.
    pub fn with_job_lock<T>(&self, id: JobId, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let path = self.layout.job_dir(id).join(".lock");
        let file = match OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
        {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(self.missing(id)),
            Err(e) => return Err(Error::io(&path, e)),
        };
        file.lock().map_err(|e| Error::io(&path, e))?;
        let out = f();
        drop(file);
        out
    }

    /// Read-modify-write of a manifest under the job lock; `updated_at` is stamped.
    pub fn update(
        &self,
        id: JobId,
        f: impl FnOnce(&mut Manifest) -> Result<()>,
    ) -> Result<Manifest> {
        self.with_job_lock(id, || self.update_locked(id, f))
    }

    /// [`Store::update`] for a caller that holds the job lock. A manifest that stops being final
    /// loses its final marker first (`store::finals`).
    fn update_locked(
        &self,
        id: JobId,
        f: impl FnOnce(&mut Manifest) -> Result<()>,
    ) -> Result<Manifest> {
        let mut m = self.load(id)?;
        let was_final = m.status.is_final();
        f(&mut m)?;
        m.updated_at = self.now();
        if was_final && !m.status.is_final() {
            self.guard(self.unmark_final(id, true))?;
            failpoint::hit("store.after_unmark");
        }
        self.save(&m)?;
        Ok(m)
    }

    /// Moves job `id` to `to` along the state machine, then lets `f` fill in details (error,
    /// result...). Stamps `started_at`, `finished_at`, `attempts` and the expiry times.
    pub fn transition(
        &self,
        id: JobId,
        to: JobStatus,
        f: impl FnOnce(&mut Manifest),
    ) -> Result<Manifest> {
        self.transition_checked(id, to, |m| {
            f(m);
            Ok(())
        })
    }

    /// Like [`Store::transition`], but `f` runs under the job lock after the state machine
    /// allowed the change and may fail, which aborts the change (nothing is written). The worker
    /// publishes `artifacts/output.md` inside `f`, so a job canceled under it never gets one.
    pub fn transition_checked(
        &self,
        id: JobId,
        to: JobStatus,
        f: impl FnOnce(&mut Manifest) -> Result<()>,
    ) -> Result<Manifest> {
        let now = self.now();
        let mut was_final = false;
        self.with_job_lock(id, || {
            let m = self.update_locked(id, |m| {
                if !m.status.can_become(to) {
                    return Err(Error::InvalidTransition {
                        job_id: id.to_string(),
                        from: m.status.as_str(),
                        to: to.as_str(),
                    });
                }
                was_final = m.status.is_final();
                m.status = to;
                match to {
                    JobStatus::Running => {
                        m.started_at = Some(now);
                        m.attempts += 1;
                        m.next_attempt_at = None;
                    }
                    JobStatus::Queued => {
                        m.finished_at = None;
                        m.raw_expires_at = None;
                        m.expires_at = None;
                    }
                    JobStatus::Succeeded | JobStatus::Failed | JobStatus::Canceled => {
                        m.finished_at = Some(now);
                        m.next_attempt_at = None;
                        m.raw_expires_at = Some(add(now, self.retention.raw.0));
                        let keep = match to {
                            JobStatus::Succeeded => self.retention.artifacts,
                            _ => self.retention.failed(),
                        };
                        m.expires_at = Some(add(now, keep.0));
                    }
                }
                if to != JobStatus::Failed {
                    m.error = None;
                }
                f(m)
            })?;
            if to.is_final() || was_final {
                failpoint::hit("store.before_receipt");
                self.write_receipt(&self.receipt_for(&m))?;
            }
            if to.is_final() {
                // After the receipt, under the lock: a marker never outlives a final manifest.
                failpoint::hit("store.before_mark");
                self.guard(self.mark_final(&m))?;
            }
            Ok(m)
        })
    }

    /// Ids of every job folder, sorted.
    pub fn job_ids(&self) -> Result<Vec<JobId>> {
        let mut ids: Vec<JobId> = durable::list_names(&self.layout.jobs_dir())?
            .iter()
            .filter_map(|n| n.parse().ok())
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// Every readable manifest, oldest first. Unreadable ones are reported, not fatal.
    pub fn list(&self) -> Result<(Vec<Manifest>, Vec<Error>)> {
        Ok(self.load_sorted(self.job_ids()?))
    }

    /// The readable manifests of `ids`, oldest first, and the errors of the unreadable ones (a
    /// job swept between the listing and the read is left out).
    pub(crate) fn load_sorted(
        &self,
        ids: impl IntoIterator<Item = JobId>,
    ) -> (Vec<Manifest>, Vec<Error>) {
        let mut jobs = Vec::new();
        let mut errors = Vec::new();
        for id in ids {
            match self.load(id) {
                Ok(m) => jobs.push(m),
                // Swept between the listing and the read.
                Err(Error::JobNotFound { .. } | Error::JobExpired { .. }) => {}
                Err(e) => errors.push(e),
            }
        }
        jobs.sort_by_key(|m| (m.created_at, m.job_id));
        (jobs, errors)
    }
}
