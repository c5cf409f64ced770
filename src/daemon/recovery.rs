//! Restart recovery, run before any worker starts (see docs/design.md, "Recovery guarantees"):
//! temp files from interrupted writes are removed, ingests interrupted after their job folder was
//! built are finished (the others are handed to `inbox::recover_staged`; an entry a `mdspool
//! submit` still holds is left to it), jobs left `running` by a
//! daemon that died go back to `queued` (their attempt count is kept), and every queued job is
//! returned in creation order, for the queue.
//!
//! With several hosts on the root (docs/scale-out.md) recovery touches only what is this host's:
//! its own staging folder, the temp files there, and the `running` jobs whose newest lease names
//! this host. Jobs another host runs are left to it, or to the `lease-watch` thread once their
//! lease goes stale; temp files elsewhere may be another host's writes in flight.

use chrono::{DateTime, Utc};

use crate::cluster::Cluster;
use crate::config::Config;
use crate::error::Result;
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
}

pub fn recover(store: &Store, cfg: &Config, cluster: Option<&Cluster>) -> Result<Recovered> {
    let temp_files = match cluster {
        None => store.remove_temp_files()?,
        Some(_) => crate::durable::remove_temp_files(&store.layout().staging_dir())?,
    };
    let mut r = Recovered {
        temp_files,
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
    let (jobs, errors) = store.list()?;
    for e in &errors {
        tracing::warn!(error = %e, code = %e.code(), "unreadable manifest left alone");
    }
    for m in jobs {
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
        // A crash between a manifest and its receipt (a job that became final, or was retried).
        if store.repair_receipt(&m)? {
            r.receipts_repaired += 1;
        }
        if m.status == JobStatus::Queued {
            r.queued.push((m.job_id, m.next_attempt_at));
        }
    }
    Ok(r)
}
