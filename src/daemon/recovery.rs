//! Restart recovery, run before any worker starts: temp files from interrupted writes are removed,
//! ingests interrupted after their job folder was built are finished, and jobs left `running` by a
//! daemon that died go back to `queued` (their attempt count is kept).

use crate::config::Config;
use crate::error::Result;
use crate::store::{JobStatus, Store};

/// What recovery did, for the log and for tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recovered {
    pub temp_files: usize,
    pub ingests_finished: usize,
    pub ingests_pending: usize,
    pub requeued: usize,
}

pub fn recover(store: &Store, cfg: &Config) -> Result<Recovered> {
    let mut r = Recovered {
        temp_files: store.remove_temp_files()?,
        ..Default::default()
    };
    for id in store.staged_ids()? {
        match store.resume_staged(id)? {
            Some(_) => r.ingests_finished += 1,
            None => {
                crate::inbox::recover_staged(store, &cfg.watch, id)?;
                r.ingests_pending += 1;
            }
        }
    }
    let (jobs, _) = store.list()?;
    for m in jobs.iter().filter(|m| m.status == JobStatus::Running) {
        store.transition(m.job_id, JobStatus::Queued, |_| {})?;
        r.requeued += 1;
    }
    Ok(r)
}
