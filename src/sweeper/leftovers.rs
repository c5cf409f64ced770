//! The part of start-up recovery that waits until the daemon is ready (docs/reliability.md,
//! "Start-up"): the temp files left by interrupted writes in the folders of finished jobs, and the
//! final markers of jobs that are gone. The sweeper thread runs it once, before its first pass.
//!
//! Recovery read and cleaned every job that may not be final before the workers started; the jobs
//! walked here were marked final then. A temp file is removed only under the job's lock, only
//! while the manifest is still final (nobody writes into a finished job's folder but under its
//! lock), and only when it is older than the start of recovery: a write begun since is never
//! touched.

use std::collections::HashSet;
use std::path::Path;
use std::time::SystemTime;

use crossbeam_channel::{Receiver, TryRecvError};

use crate::durable;
use crate::error::{Error, Result};
use crate::health::Beat;
use crate::ids::JobId;
use crate::store::Store;

/// What the walk did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Walked {
    pub jobs: usize,
    pub temp_files: usize,
    pub stale_marks: usize,
    /// The walk ended early: the thread was asked to stop.
    pub stopped: bool,
}

fn temp_names(dir: &Path) -> Result<Vec<String>> {
    Ok(durable::list_names(dir)?
        .into_iter()
        .filter(|n| durable::is_temp_name(n))
        .collect())
}

/// Removes the temp files of `dir` older than `before`; returns how many.
fn remove_old(dir: &Path, names: &[String], before: SystemTime) -> Result<usize> {
    let mut n = 0;
    for name in names {
        let p = dir.join(name);
        let old = std::fs::symlink_metadata(&p)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < before);
        if old {
            durable::remove_tree_nofollow(&p)?;
            n += 1;
        }
    }
    if n > 0 {
        durable::fsync_dir(dir)?;
    }
    Ok(n)
}

/// Walks the folders of the jobs marked final (see the module docs).
/// Stops early (with what was done) when `stop` fires.
pub fn walk(store: &Store, before: SystemTime, beat: &Beat, stop: &Receiver<()>) -> Result<Walked> {
    let mut w = Walked::default();
    let marks = store.final_marks()?;
    let ids = store.job_ids()?;
    let present: HashSet<JobId> = ids.iter().copied().collect();
    for id in marks.keys().filter(|id| !present.contains(id)) {
        if store.unmark_final(*id, false)? {
            w.stale_marks += 1;
        }
    }
    drop(present);
    let l = store.layout();
    for (i, id) in ids
        .into_iter()
        .filter(|id| marks.contains_key(id))
        .enumerate()
    {
        if i % 256 == 0 {
            beat.beat();
            if !matches!(stop.try_recv(), Err(TryRecvError::Empty)) {
                w.stopped = true;
                break;
            }
        }
        w.jobs += 1;
        let dirs = [
            l.job_dir(id),
            l.artifacts_dir(id),
            l.logs_dir(id),
            l.raw_dir(id),
        ];
        let mut found = false;
        for d in &dirs {
            match temp_names(d) {
                Ok(t) => found |= !t.is_empty(),
                Err(e) => tracing::warn!(job = %id, error = %e, "cannot list a job folder"),
            }
        }
        if !found {
            continue;
        }
        let r = store.with_job_lock(id, || {
            if !store.load(id)?.status.is_final() {
                return Ok(0);
            }
            let mut n = 0;
            for d in &dirs {
                n += remove_old(d, &temp_names(d)?, before)?;
            }
            Ok(n)
        });
        match r {
            Ok(n) => w.temp_files += n,
            Err(Error::JobNotFound { .. } | Error::JobExpired { .. }) => {}
            Err(e) => tracing::warn!(job = %id, error = %e, "temp files of a finished job left"),
        }
    }
    Ok(w)
}
