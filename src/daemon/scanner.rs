//! The `rescanner` thread: every `workers.rescan` it looks for queued jobs that the queue was not
//! told about: jobs added by `mdspool submit` or put back by `mdspool retry` while the daemon runs,
//! or by another process sharing the root. Only jobs without a final marker are looked at
//! (`store::finals`: a retried job loses its marker before it is queued), and of those only the
//! manifests whose (inode, mtime, size) changed since the last look are read. `jobs/` and
//! `state/final/` are listed again only when they changed. Commands that queue work touch
//! `state/wake`: a look happens when it changed, or every `FULL_EVERY` ticks in any case (work
//! queued by other means), so an idle store costs one `stat` per tick, and on a full look three
//! `stat`s plus one per unfinished job, however many finished jobs it holds.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::Receiver;

use crate::error::{Error, Result};
use crate::health::Beat;
use crate::ids::JobId;
use crate::queue::QueueHandle;
use crate::store::finals::JobsView;
use crate::store::{JobStatus, Store};

/// (inode, mtime s, mtime ns, size) of a manifest: a changed manifest has another.
pub(crate) type ManifestStat = (u64, i64, i64, u64);

/// A full look every this many ticks even when `state/wake` did not change.
const FULL_EVERY: u32 = 15;

pub(crate) fn stamp(meta: &std::fs::Metadata) -> ManifestStat {
    (meta.ino(), meta.mtime(), meta.mtime_nsec(), meta.len())
}

pub struct Scanner {
    store: Arc<Store>,
    queue: QueueHandle,
    seen: HashMap<JobId, ManifestStat>,
    view: JobsView,
    /// A full look every this many ticks ([`FULL_EVERY`], or 1 with several hosts on the root).
    full_every: u32,
    /// A daemon alone on the root: its host id, to warn once when another host's heartbeat shows
    /// up (it does not coordinate with hosts that start after it; docs/scale-out.md).
    alone_as: Option<String>,
}

impl Scanner {
    pub fn new(store: Arc<Store>, queue: QueueHandle) -> Scanner {
        Scanner {
            view: JobsView::new(&store),
            store,
            queue,
            seen: HashMap::new(),
            full_every: FULL_EVERY,
            alone_as: None,
        }
    }

    /// Warns once, at a full look, when another host's daemon serves the root while this one runs
    /// alone as host `host`.
    pub fn watch_for_hosts(&mut self, host: String) {
        self.alone_as = Some(host);
    }

    fn warn_if_not_alone(&mut self) {
        let Some(me) = &self.alone_as else { return };
        let beats = crate::cluster::lease::host_beats(self.store.layout()).unwrap_or_default();
        if let Some(b) = beats.iter().find(|b| &b.host != me && b.state != "stopped") {
            tracing::error!(host = %b.host, "another host serves this root, but this daemon started alone and does not coordinate with it: restart this daemon (or set cluster.enabled = true) so that both take jobs under leases (docs/scale-out.md)");
            self.alone_as = None;
        }
    }

    /// A full look at every tick: with several hosts on the root, work queued by another host is
    /// found by listing (its wake file is not this host's to watch, and listings may lag).
    pub fn look_every_tick(&mut self) {
        self.full_every = 1;
    }

    /// One look; returns how many jobs it scheduled.
    pub fn scan(&mut self) -> Result<usize> {
        self.store.check()?;
        let mut seen = HashMap::new();
        let mut n = 0;
        let unmarked = self.view.refresh(&self.store)?.unmarked.clone();
        for id in unmarked {
            crate::health::tick();
            let path = self.store.layout().manifest(id);
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue; // being created or swept
            };
            let stamp = stamp(&meta);
            seen.insert(id, stamp);
            if self.seen.get(&id) == Some(&stamp) {
                continue;
            }
            match self.store.load(id) {
                Ok(m) if m.status == JobStatus::Queued => {
                    self.queue.schedule(id, m.next_attempt_at);
                    n += 1;
                }
                Ok(_) | Err(Error::JobNotFound { .. } | Error::JobExpired { .. }) => {}
                Err(e) => {
                    tracing::warn!(job = %id, error = %e, "cannot read manifest");
                    seen.remove(&id); // try again next time
                }
            }
        }
        self.seen = seen;
        Ok(n)
    }

    /// Body of the `rescanner` thread: scans every `every` until `stop` fires, beating `beat` at
    /// least once a second.
    pub fn run(mut self, every: Duration, stop: Receiver<()>, beat: &Beat) -> Result<()> {
        let wake = self.store.layout().wake_file();
        let wake_stamp = || std::fs::metadata(&wake).ok().map(|m| stamp(&m));
        let mut last_wake = wake_stamp();
        let mut ticks = 0u32;
        loop {
            if !crate::health::wait(&stop, every, beat) {
                return Ok(());
            }
            ticks += 1;
            let now = wake_stamp();
            if now != last_wake || ticks >= self.full_every {
                if ticks >= self.full_every {
                    self.warn_if_not_alone();
                }
                last_wake = now;
                ticks = 0;
                self.scan()?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SystemClock;
    use crate::config::RetentionConfig;
    use crate::layout::Layout;
    use crate::store::StagedDrop;

    #[test]
    fn schedules_queued_jobs_and_rereads_only_changed_manifests() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(
            Store::open(
                Layout::new(dir.path()),
                Arc::new(SystemClock),
                RetentionConfig::default(),
            )
            .unwrap(),
        );
        let id = JobId::new();
        let entry = store.layout().staging_entry(id);
        std::fs::create_dir_all(&entry).unwrap();
        std::fs::write(entry.join("a.pdf"), b"%PDF-1.4\n").unwrap();
        let d = StagedDrop {
            id,
            pdf: entry.join("a.pdf"),
            name: "a.pdf".into(),
            key: None,
            pinned: false,
            client: None,
        };
        store.admit(&d).unwrap();
        let (q, _dispatcher, _rx) = crate::queue::channel(1, Arc::new(SystemClock));
        let mut s = Scanner::new(store.clone(), q);
        assert_eq!(s.scan().unwrap(), 1);
        assert_eq!(s.scan().unwrap(), 0, "unchanged manifest is not read again");
        store.transition(id, JobStatus::Running, |_| {}).unwrap();
        assert_eq!(s.scan().unwrap(), 0, "running jobs are not scheduled");
        store.transition(id, JobStatus::Failed, |_| {}).unwrap();
        store.transition(id, JobStatus::Queued, |_| {}).unwrap();
        assert_eq!(s.scan().unwrap(), 1, "a retried job is found");
    }
}
