//! Carrying out one planned action, crash-safe and without following symlinks. Each job action
//! re-reads the manifest under the job lock and re-checks the policy first, so an index entry that
//! is out of date (a job pinned or retried by another process) never deletes anything.
//!
//! Expiry marks before it deletes, in this order, each step durable before the next:
//! 1. under the job lock: write the tombstone (`status` now answers `job_expired` once the folder
//!    is gone), then rename `jobs/<id>` to `state/trash/<id>`;
//! 2. remove the idempotency record, then the receipt (each only if it still names this job);
//! 3. delete the trash entry.
//!
//! A crash after step 1 leaves an entry in `state/trash/`, which every pass (and so every start)
//! finishes with [`finish_trash`]; a crash between the tombstone and the rename leaves a tombstone
//! beside a live folder, which the next pass either completes or, if the job was pinned meanwhile,
//! removes.

use std::path::Path;

use crate::durable;
use crate::error::{Error, Result};
use crate::failpoint;
use crate::ids::{IdemKey, JobId};
use crate::store::records::{ReceiptStatus, Tombstone};
use crate::store::rejected::{NOTE_SUFFIX, RejectionNote};
use crate::store::{Manifest, Store};
use crate::sweeper::policy::{JobDeadline, Policy, expire_due, raw_due};

/// How an action ended (errors are reported beside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SweepOutcome {
    Done,
    /// Not carried out, and why (a pinned or retried job, already gone...).
    Skipped(&'static str),
}

/// An action's outcome and the manifest it saw (to refresh the index).
pub type Applied = (SweepOutcome, Option<Manifest>);

/// `path` is a directory itself, not a symlink to one.
fn real_dir(path: &Path) -> Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(m) => Ok(m.file_type().is_dir()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Removes `path` (never following symlinks), tolerating a concurrent remover.
fn remove(path: &Path) -> Result<()> {
    match durable::remove_tree_nofollow(path) {
        Err(_) if std::fs::symlink_metadata(path).is_err() => Ok(()),
        r => r,
    }
}

/// `with_job_lock` answers `job_not_found`/`job_expired` once the folder is gone.
fn gone(r: Result<Applied>) -> Result<Applied> {
    match r {
        Err(Error::JobNotFound { .. } | Error::JobExpired { .. }) => {
            Ok((SweepOutcome::Skipped("job already gone"), None))
        }
        r => r,
    }
}

/// Removes `raw/input.pdf` of job `id` if it is due, and records `raw_removed_at`.
pub fn remove_raw(store: &Store, p: &Policy, id: JobId) -> Result<Applied> {
    let l = store.layout();
    gone(store.with_job_lock(id, || {
        let mut m = store.load(id)?;
        let now = store.now();
        if !raw_due(&JobDeadline::of(&m), now, p) {
            return Ok((SweepOutcome::Skipped("not due"), Some(m)));
        }
        if !real_dir(&l.job_dir(id))? {
            return Ok((
                SweepOutcome::Skipped("job folder is not a directory"),
                Some(m),
            ));
        }
        let raw = l.raw_dir(id);
        if real_dir(&raw)? {
            remove(&l.raw_input(id))?;
            durable::fsync_dir(&raw)?;
        } else {
            // Not a directory (a planted symlink?): remove the entry itself, never its target.
            remove(&raw)?;
            durable::fsync_dir(&l.job_dir(id))?;
        }
        failpoint::hit("sweep.raw_removed");
        m.raw_removed_at = Some(now);
        m.updated_at = now;
        store.save(&m)?;
        Ok((SweepOutcome::Done, Some(m)))
    }))
}

/// Expires job `id` if it is due: tombstone, trash, record, receipt, delete (module docs).
pub fn expire(store: &Store, p: &Policy, id: JobId) -> Result<Applied> {
    let l = store.layout();
    let (outcome, m) = gone(store.with_job_lock(id, || {
        let m = store.load(id)?;
        let now = store.now();
        if !expire_due(&JobDeadline::of(&m), now, p) {
            if store.read_tombstone(id)?.is_some() {
                // Left by an expiry interrupted before its rename; the job was kept since.
                store.remove_tombstone(id)?;
                durable::fsync_dir(&l.tombstones_dir())?;
            }
            return Ok((SweepOutcome::Skipped("not due"), Some(m)));
        }
        store.write_tombstone(&Tombstone {
            job_id: id,
            scope: m.idempotency.scope.clone(),
            key: m.idempotency.key.clone(),
            status: m.status,
            expired_at: now,
        })?;
        failpoint::hit("sweep.after_tombstone");
        let trash = l.trash_entry(id);
        remove(&trash)?;
        if let Err(e) = durable::rename_durable(&l.job_dir(id), &trash) {
            // Another host's sweeper took it first (job locks are per host).
            if std::fs::symlink_metadata(l.job_dir(id)).is_err() {
                return Ok((SweepOutcome::Skipped("job already gone"), None));
            }
            return Err(e);
        }
        failpoint::hit("sweep.after_trash");
        Ok((SweepOutcome::Done, Some(m)))
    }))?;
    if outcome == SweepOutcome::Done {
        finish_trash(store, id)?;
    }
    Ok((outcome, m))
}

/// Ids of the entries of `state/trash/`.
pub fn trash_ids(store: &Store) -> Result<Vec<JobId>> {
    Ok(durable::list_names(&store.layout().trash_dir())?
        .iter()
        .filter_map(|n| n.parse().ok())
        .collect())
}

/// Finishes the expiry of a job already moved to `state/trash/<id>`: removes its idempotency record
/// and receipt (if they still name it), then the folder.
pub fn finish_trash(store: &Store, id: JobId) -> Result<SweepOutcome> {
    let l = store.layout();
    match store.read_tombstone(id)? {
        Some(t) => match IdemKey::new(&t.scope, &t.key) {
            Ok(k) => {
                store.remove_record(&k, id)?;
                failpoint::hit("sweep.after_record");
                store.remove_receipt(&k, id)?;
                failpoint::hit("sweep.after_receipt");
            }
            Err(e) => tracing::warn!(job_id = %id, error = %e, "tombstone with an invalid key"),
        },
        None => tracing::warn!(job_id = %id, "trash entry without a tombstone: removing it"),
    }
    remove(&l.trash_entry(id))?;
    durable::fsync_dir(&l.trash_dir())?;
    // Not synced: a marker without its job folder counts for nothing (`store::finals`).
    store.unmark_final(id, false)?;
    Ok(SweepOutcome::Done)
}

/// Forgets an expired job: `status` answers `job_not_found` for it from now on.
pub fn drop_tombstone(store: &Store, id: JobId) -> Result<SweepOutcome> {
    if store.layout().trash_entry(id).exists() {
        return Ok(SweepOutcome::Skipped("expiry not finished"));
    }
    store.remove_tombstone(id)?;
    durable::fsync_dir(&store.layout().tombstones_dir())?;
    Ok(SweepOutcome::Done)
}

/// The entries of `rejected/` that belong to the drop of note `note`: the file itself and the files
/// moved with it (`NAME.<suffix>`), but not those of another note whose name extends `NAME`.
pub fn rejected_group(names: &[String], note: &str) -> Vec<String> {
    let Some(base) = note.strip_suffix(NOTE_SUFFIX) else {
        return Vec::new();
    };
    let belongs = |base: &str, n: &str| {
        n == base
            || (n.len() > base.len() && n.starts_with(base) && n[base.len()..].starts_with('.'))
    };
    let longer: Vec<&str> = names
        .iter()
        .filter_map(|n| n.strip_suffix(NOTE_SUFFIX))
        .filter(|b| b.len() > base.len() && belongs(base, b))
        .collect();
    names
        .iter()
        .filter(|n| !n.ends_with(NOTE_SUFFIX) && !durable::is_temp_name(n))
        .filter(|n| belongs(base, n) && !longer.iter().any(|b| belongs(b, n)))
        .cloned()
        .collect()
}

/// Removes a refused drop: its files, the `rejected` receipt it left (if no newer receipt
/// replaced it), then its note last, so an interrupted removal is finished by the next pass.
pub fn remove_rejected(store: &Store, note: &str) -> Result<SweepOutcome> {
    let dir = store.layout().rejected_dir();
    let names = durable::list_names(&dir)?;
    if !names.iter().any(|n| n == note) {
        return Ok(SweepOutcome::Skipped("already gone"));
    }
    for n in rejected_group(&names, note) {
        remove(&dir.join(n))?;
    }
    durable::fsync_dir(&dir)?;
    failpoint::hit("sweep.rejected_files_removed");
    let note_path = dir.join(note);
    if let Some(bytes) = durable::read_optional(&note_path)?
        && let Ok(n) = serde_json::from_slice::<RejectionNote>(&bytes)
        && let Some(key) = &n.key
        && let Ok(k) = IdemKey::new(n.scope.as_deref().unwrap_or(crate::ids::DEFAULT_SCOPE), key)
        && let Some(r) = store.read_receipt(&k)?
        && r.job_id.is_none()
        && r.status == ReceiptStatus::Rejected
        && r.updated_at <= n.at
    {
        let path = store.layout().receipt(&k);
        remove(&path)?;
        durable::fsync_dir(path.parent().unwrap_or(&dir))?;
    }
    remove(&note_path)?;
    durable::fsync_dir(&dir)?;
    Ok(SweepOutcome::Done)
}

#[cfg(test)]
mod tests {
    use super::rejected_group;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_rejected_group_is_the_file_and_its_companions_only() {
        let all = names(&[
            "a.pdf",
            "a.pdf.error.json",
            "a.pdf.idem",
            "a.pdf.x.pdf",
            "a.pdf.x.pdf.error.json",
            "a.pdfx",
            "b.pdf",
            "b.pdf.error.json",
            ".~a.pdf.error.json.123.tmp",
        ]);
        assert_eq!(
            rejected_group(&all, "a.pdf.error.json"),
            names(&["a.pdf", "a.pdf.idem"])
        );
        assert_eq!(
            rejected_group(&all, "a.pdf.x.pdf.error.json"),
            names(&["a.pdf.x.pdf"])
        );
        assert_eq!(rejected_group(&all, "b.pdf.error.json"), names(&["b.pdf"]));
        assert!(rejected_group(&all, "not-a-note").is_empty());
    }
}
