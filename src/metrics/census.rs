//! A census of the jobs on disk: how many in each status, and since when the job longest in `queued`
//! has waited. Finished jobs are counted from their final markers (`store::finals`: `jobs/` and
//! `state/final/` are listed again only when they changed); only the other jobs are `stat`ed, and
//! only manifests whose (inode, mtime, size) changed since the last census are read again. A census
//! repeated every few seconds over an idle store of any size costs a few `stat`s.

use std::collections::{BTreeMap, HashMap};
use std::os::unix::fs::MetadataExt;

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::health::Beat;
use crate::ids::JobId;
use crate::store::finals::JobsView;
use crate::store::{JobStatus, Store};

type Stamp = (u64, i64, i64, u64);

/// The result of one census.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobCounts {
    /// Every status, with zero where there is no job.
    pub by_status: BTreeMap<JobStatus, u64>,
    /// When the job longest in `queued` was queued (its manifest's `updated_at`).
    pub oldest_queued_since: Option<DateTime<Utc>>,
    pub unreadable: u64,
}

impl JobCounts {
    pub fn queued(&self) -> u64 {
        self.by_status.get(&JobStatus::Queued).copied().unwrap_or(0)
    }
}

/// Remembers what it read, for the next census.
#[derive(Debug, Default)]
pub struct Census {
    seen: HashMap<JobId, (Stamp, JobStatus, DateTime<Utc>)>,
    view: Option<JobsView>,
}

impl Census {
    /// Counts the jobs of `store`, beating `beat` as it goes (a census of a large store over NFS
    /// is long, not stuck).
    pub fn scan(&mut self, store: &Store, beat: &Beat) -> Result<JobCounts> {
        let mut counts = JobCounts {
            by_status: JobStatus::ALL.iter().map(|s| (*s, 0)).collect(),
            ..JobCounts::default()
        };
        let mut seen = HashMap::new();
        let view = self.view.get_or_insert_with(|| JobsView::new(store));
        let summary = view.refresh(store)?;
        for (status, n) in [
            (JobStatus::Succeeded, summary.succeeded),
            (JobStatus::Failed, summary.failed),
            (JobStatus::Canceled, summary.canceled),
        ] {
            *counts.by_status.entry(status).or_default() += n;
        }
        let unmarked = summary.unmarked.clone();
        for (i, id) in unmarked.into_iter().enumerate() {
            if i % 256 == 0 {
                beat.beat();
            }
            let path = store.layout().manifest(id);
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue; // being created or swept
            };
            let stamp = (meta.ino(), meta.mtime(), meta.mtime_nsec(), meta.len());
            let known = self.seen.get(&id).filter(|(s, _, _)| *s == stamp);
            let (status, since) = match known {
                Some((_, status, since)) => (*status, *since),
                None => match store.load(id) {
                    Ok(m) => (m.status, m.updated_at),
                    Err(Error::JobNotFound { .. } | Error::JobExpired { .. }) => continue,
                    Err(_) => {
                        counts.unreadable += 1;
                        continue;
                    }
                },
            };
            seen.insert(id, (stamp, status, since));
            *counts.by_status.entry(status).or_default() += 1;
            if status == JobStatus::Queued {
                counts.oldest_queued_since = Some(match counts.oldest_queued_since {
                    Some(t) => t.min(since),
                    None => since,
                });
            }
        }
        self.seen = seen;
        Ok(counts)
    }
}
