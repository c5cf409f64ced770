//! Restart recovery, run before any worker starts (see docs/reliability.md, "Start-up"): temp
//! files from interrupted writes are removed, ingests interrupted after their job folder was
//! built are finished (the others are handed to `inbox::recover_staged`; an entry a `mdspool
//! submit` still holds is left to it), jobs left `running` by a
//! daemon that died go back to `queued` (their attempt count is kept), and every queued job is
//! returned in creation order, for the queue.
//!
//! Only the jobs that may not be final are read: those without a final marker
//! (`state/final/`, [`crate::store::finals`]). A marker exists only while its manifest is final,
//! so a store of 100,000 finished jobs costs two directory listings here, not 100,000 reads. The
//! temp files in the folders of marked jobs are removed after the daemon is ready, by the sweeper
//! thread ([`crate::sweeper::leftovers`]); a final job found without a marker (one that finished
//! just before a crash, or a store written by an older version) is marked here, under its lock.
//!
//! With several hosts on the root (docs/scale-out.md) recovery touches only what is this host's:
//! its own staging folder, the temp files there, and the `running` jobs whose newest lease names
//! this host. Jobs another host runs are left to it, or to the `lease-watch` thread once their
//! lease goes stale; temp files elsewhere may be another host's writes in flight.

use std::time::SystemTime;

use chrono::{DateTime, Utc};

use crate::cluster::Cluster;
use crate::config::Config;
use crate::durable;
use crate::error::{Error, Result};
use crate::failpoint;
use crate::ids::JobId;
use crate::store::{JobStatus, Store};

/// What recovery did, for the log and for tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recovered {
    pub temp_files: usize,
    pub ingests_finished: usize,
    pub ingests_pending: usize,
    pub requeued: usize,
    pub receipts_repaired: usize,
    /// Staging entries another process was still filling (`mdspool submit`), left to it.
    pub ingests_held: usize,
    /// Every queued job, oldest first, with its `next_attempt_at`.
    pub queued: Vec<(JobId, Option<DateTime<Utc>>)>,
    /// Jobs read (those without a final marker), and final ones among them marked now.
    pub read: usize,
    pub marked: usize,
    /// When recovery began: temp files older than this in the folders of finished jobs are
    /// leftovers, removed in the background (`None` with several hosts: not this host's to touch).
    pub leftovers_before: Option<SystemTime>,
}

pub fn recover(store: &Store, cfg: &Config, cluster: Option<&Cluster>) -> Result<Recovered> {
    let began = SystemTime::now();
    let mut temp_files = 0;
    match cluster {
        None => {
            for d in store.top_temp_file_dirs()? {
                temp_files += durable::remove_temp_files(&d)?;
            }
        }
        Some(_) => temp_files += durable::remove_temp_files(&store.layout().staging_dir())?,
    }
    let mut r = Recovered {
        temp_files,
        leftovers_before: cluster.is_none().then_some(began),
        ..Default::default()
    };
    for id in store.staged_ids()? {
        // Held: a `mdspool submit` is copying into it and admits it itself.
        let Some(_hold) = store.try_hold_staging(id)? else {
            tracing::info!(staging = %id, "staging entry in use by another process (mdspool submit); left to it");
            r.ingests_held += 1;
            continue;
        };
        match store.resume_staged(id)? {
            Some(_) => r.ingests_finished += 1,
            None => {
                crate::inbox::recover_staged(store, &cfg.watch, id)?;
                r.ingests_pending += 1;
            }
        }
    }
    let mut queued = Vec::new();
    for id in crate::store::finals::summarize(store)?.unmarked {
        if cluster.is_none() {
            let l = store.layout();
            for d in [
                l.job_dir(id),
                l.artifacts_dir(id),
                l.logs_dir(id),
                l.raw_dir(id),
            ] {
                r.temp_files += durable::remove_temp_files(&d)?;
            }
        }
        let m = match store.load(id) {
            Ok(m) => m,
            // Swept between the listing and the read.
            Err(Error::JobNotFound { .. } | Error::JobExpired { .. }) => continue,
            Err(e) => {
                tracing::warn!(error = %e, code = %e.code(), "unreadable manifest left alone");
                continue;
            }
        };
        r.read += 1;
        let m = match m.status {
            JobStatus::Running
                if cluster.is_some_and(|c| !matches!(c.left_by_me(&m), Ok(true))) =>
            {
                tracing::info!(job = %m.job_id, epoch = m.lease_epoch, "running under another host's lease (or none): left to it and to lease-watch");
                m
            }
            JobStatus::Running => {
                // Only one daemon per host serves a root (the host lock), and none of our workers
                // has started yet: nobody holds this job. With several hosts, one may take it over
                // at this very moment: the requeue happens only at the epoch seen.
                let epoch = m.lease_epoch;
                let r2 = store.transition_checked(m.job_id, JobStatus::Queued, |n| {
                    match n.lease_epoch == epoch {
                        true => Ok(()),
                        false => Err(crate::error::Error::LeaseLost {
                            job_id: n.job_id.to_string(),
                            epoch,
                            reason: format!("taken over as epoch {}", n.lease_epoch),
                        }),
                    }
                });
                let m = match r2 {
                    Ok(m) => m,
                    Err(e) if cluster.is_some() && crate::worker::is_lost(&e) => continue,
                    Err(e) => return Err(e),
                };
                failpoint::hit("recovery.after_requeue");
                r.requeued += 1;
                m
            }
            _ => m,
        };
        if m.status.is_final() {
            // Receipt first, then the marker, both under the job lock (the job may be retried by
            // a command at this very moment).
            let (repaired, marked) = store.mark_if_final(id)?;
            r.receipts_repaired += usize::from(repaired);
            r.marked += usize::from(marked);
            continue;
        }
        // A crash between a manifest and its receipt (a job that was retried).
        if store.repair_receipt(&m)? {
            r.receipts_repaired += 1;
        }
        if m.status == JobStatus::Queued {
            queued.push((m.created_at, m.job_id, m.next_attempt_at));
        }
    }
    queued.sort();
    r.queued = queued.into_iter().map(|(_, id, at)| (id, at)).collect();
    Ok(r)
}
