//! The `lease-watch` thread: finds jobs whose holder stopped renewing and takes them over. Every
//! `cluster.lease_renew` it lists the jobs (reading only the manifests whose stat changed) and
//! looks at the newest lease of each one another host runs. It remembers the lease's bytes and the instant (this host's monotonic clock) it first saw
//! them; bytes unchanged for `cluster.lease_timeout` mean the holder is dead, paused or cut off.
//! No wall clock of another host is read. Taking over: the next epoch's lease is created
//! exclusively (one host wins), then the manifest goes back to `queued` naming that epoch, so the
//! late holder's writes are fenced off, and the job is scheduled here.
//!
//! The same watch repairs a queued job whose newest lease is newer than its manifest and stale (a
//! host died between creating a lease and writing the manifest): the manifest is brought up to that
//! epoch, so that the next worker can create the one after it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::Receiver;

use crate::cluster::Cluster;
use crate::cluster::lease::{self, Created, LeaseRecord};
use crate::daemon::scanner::{ManifestStat, stamp};
use crate::error::{Error, Result};
use crate::health::Beat;
use crate::ids::JobId;
use crate::queue::QueueHandle;
use crate::store::{JobStatus, Store};

/// What was seen of one job's newest lease.
struct Seen {
    /// The manifest's status and epoch, and the newest lease's epoch.
    key: (JobStatus, u64, u64),
    bytes: Option<Vec<u8>>,
    since: Instant,
}

pub struct Watch {
    cluster: Arc<Cluster>,
    store: Arc<Store>,
    queue: QueueHandle,
    seen: HashMap<JobId, Seen>,
    /// Status and epoch of each manifest by its stat stamp: only changed manifests are read.
    known: HashMap<JobId, (ManifestStat, JobStatus, u64)>,
}

impl Watch {
    pub fn new(cluster: Arc<Cluster>, store: Arc<Store>, queue: QueueHandle) -> Watch {
        Watch {
            cluster,
            store,
            queue,
            seen: HashMap::new(),
            known: HashMap::new(),
        }
    }

    /// The status and lease epoch of job `id`'s manifest, read only when its stamp changed.
    fn look(
        &self,
        id: JobId,
        known: &mut HashMap<JobId, (ManifestStat, JobStatus, u64)>,
    ) -> Option<(JobStatus, u64)> {
        let path = self.store.layout().manifest(id);
        let st = stamp(&std::fs::symlink_metadata(&path).ok()?);
        if let Some((s, status, epoch)) = self.known.get(&id)
            && *s == st
        {
            known.insert(id, (st, *status, *epoch));
            return Some((*status, *epoch));
        }
        match self.store.load(id) {
            Ok(m) => {
                known.insert(id, (st, m.status, m.lease_epoch));
                Some((m.status, m.lease_epoch))
            }
            Err(Error::JobNotFound { .. } | Error::JobExpired { .. }) => None,
            Err(e) => {
                tracing::warn!(job = %id, error = %e, "cannot read manifest");
                None
            }
        }
    }

    /// One look at every job; returns how many were taken over or repaired.
    pub fn pass(&mut self) -> Result<usize> {
        self.store.check()?;
        let mut seen = HashMap::new();
        let mut known = HashMap::new();
        let mut n = 0;
        let l = self.store.layout().clone();
        for id in self.store.job_ids()? {
            crate::health::tick();
            let Some((status, epoch)) = self.look(id, &mut known) else {
                continue;
            };
            let watched = match status {
                JobStatus::Running => !self.cluster.holds(id, epoch),
                // Only a newer lease than the manifest's is of interest for a queued job.
                JobStatus::Queued => lease::exists(&l.lease(id, epoch + 1)),
                _ => false,
            };
            if !watched {
                continue;
            }
            let top = lease::top(&l, id, epoch);
            let key = (status, epoch, top);
            // A read that fails (a network file system's hiccup) is looked at again next time.
            let bytes = match lease::read(&l.lease(id, top)) {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(job = %id, error = %e, "cannot read a lease");
                    continue;
                }
            };
            let s = match self.seen.remove(&id) {
                Some(s) if s.key == key && s.bytes == bytes => s,
                _ => Seen {
                    key,
                    bytes,
                    since: Instant::now(),
                },
            };
            if s.since.elapsed() < self.cluster.timeout {
                seen.insert(id, s);
                continue;
            }
            let holder = s
                .bytes
                .as_deref()
                .and_then(LeaseRecord::parse)
                .map_or_else(|| "unknown".to_string(), |r| r.host);
            let done = match status {
                JobStatus::Running => self.take_over(id, epoch, top, &holder),
                _ => self.catch_up(id, epoch, top),
            };
            let done = match done {
                Ok(d) => d,
                Err(e @ Error::StoreFailed { .. }) => return Err(e),
                Err(e) => {
                    tracing::warn!(job = %id, error = %e, "cannot take a stale job over; tried again later");
                    false
                }
            };
            if done {
                n += 1;
            }
        }
        self.seen = seen;
        self.known = known;
        Ok(n)
    }

    /// Takes over running job `id` (manifest at epoch `epoch`, newest lease `top` of `holder`).
    fn take_over(&self, id: JobId, epoch: u64, top: u64, holder: &str) -> Result<bool> {
        let c = &self.cluster;
        let next = top + 1;
        let mut rec = c.record(id, next, self.store.now());
        rec.took_over_from = Some(holder.to_string());
        if lease::create(&self.store.layout().lease(id, next), &rec)? != Created::Won {
            return Ok(false);
        }
        let secs = c.timeout.as_secs_f64();
        let r = self.store.transition_checked(id, JobStatus::Queued, |m| {
            if m.lease_epoch != epoch {
                let why = format!("the job moved on to lease epoch {}", m.lease_epoch);
                return Err(Error::LeaseLost {
                    job_id: id.to_string(),
                    epoch: next,
                    reason: why,
                });
            }
            m.lease_epoch = next;
            Ok(())
        });
        match r {
            Ok(_) => {
                tracing::warn!(job = %id, from = %holder, epoch = next, "lease not renewed for {secs:.1}s: job taken over and queued again");
                self.say(id, &format!(
                    "lease epoch {top} of host {holder} not renewed for {secs:.1}s: taken over by host {} as epoch {next}, job queued again",
                    c.host
                ));
                self.queue.schedule(id, None);
                Ok(true)
            }
            Err(e) if lost(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Brings queued job `id` from epoch `epoch` up to its stale newest lease `top`.
    fn catch_up(&self, id: JobId, epoch: u64, top: u64) -> Result<bool> {
        let r = self.store.update(id, |m| {
            if m.status != JobStatus::Queued || m.lease_epoch != epoch {
                return Err(Error::LeaseLost {
                    job_id: id.to_string(),
                    epoch: top,
                    reason: "the job moved on".into(),
                });
            }
            m.lease_epoch = top;
            Ok(())
        });
        match r {
            Ok(m) => {
                tracing::warn!(job = %id, epoch = top, "a stale lease newer than the manifest: manifest brought up to it");
                self.queue.schedule(id, m.next_attempt_at);
                Ok(true)
            }
            Err(e) if lost(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Appends `line` to the job's run.log (a diagnostic: a failure is only logged).
    fn say(&self, id: JobId, line: &str) {
        let path = self.store.layout().run_log(id);
        match crate::worker::runlog::RunLog::open(&path, u64::MAX) {
            Ok(mut log) => {
                log.line(line);
                log.sync();
            }
            Err(e) => tracing::debug!(job = %id, error = %e, "cannot write run.log"),
        }
    }

    /// Body of the `lease-watch` thread: a pass every `cluster.lease_renew` until `stop` fires.
    pub fn run(mut self, stop: Receiver<()>, beat: &Beat) -> Result<()> {
        let every = self.cluster.renew;
        while crate::health::wait(&stop, every, beat) {
            self.pass()?;
        }
        Ok(())
    }
}

fn lost(e: &Error) -> bool {
    matches!(
        e,
        Error::LeaseLost { .. }
            | Error::InvalidTransition { .. }
            | Error::JobNotFound { .. }
            | Error::JobExpired { .. }
    )
}
