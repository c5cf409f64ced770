//! The job queue between the producers (restart recovery, the inbox watcher, the rescanner, the
//! workers after a transient failure) and the worker pool.
//!
//! Producers never block: they talk to the `dispatcher` thread through an unbounded intake channel
//! ([`QueueHandle`]). The dispatcher keeps the pending ids (ready ones in arrival order, delayed ones
//! by their `next_attempt_at`) and hands them to the workers through a *bounded* crossbeam channel of
//! job ids, waiting on it with `select!` together with its intake, so that a full channel never stops
//! it from accepting more work, and ten thousand recovered jobs cost a few bytes each, not a blocked
//! supervisor. An id is known to the dispatcher from `schedule` until a worker says it is `done` with
//! it: scheduling a known id again is a no-op, so the rescanner and the watcher may both report the
//! same job, and a job never runs twice at once.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossbeam_channel::{Receiver, Sender};

use crate::clock::Clock;
use crate::ids::JobId;

/// Messages to the dispatcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueMsg {
    /// Run job `id`, not before `not_before`.
    Schedule {
        id: JobId,
        not_before: Option<DateTime<Utc>>,
    },
    /// A worker is done with `id`; with `retry_at` it is scheduled again for then.
    Done {
        id: JobId,
        retry_at: Option<DateTime<Utc>>,
    },
    /// Stop handing out jobs and return (the job channel is then closed).
    Shutdown,
}

/// The producers' side: cheap to clone, never blocks.
#[derive(Debug, Clone)]
pub struct QueueHandle {
    tx: Sender<QueueMsg>,
}

impl QueueHandle {
    pub fn schedule(&self, id: JobId, not_before: Option<DateTime<Utc>>) {
        let _ = self.tx.send(QueueMsg::Schedule { id, not_before });
    }

    pub fn done(&self, id: JobId, retry_at: Option<DateTime<Utc>>) {
        let _ = self.tx.send(QueueMsg::Done { id, retry_at });
    }

    pub fn shutdown(&self) {
        let _ = self.tx.send(QueueMsg::Shutdown);
    }
}

/// The dispatcher's state; [`Dispatcher::run`] is the body of the `dispatcher` thread.
pub struct Dispatcher {
    intake: Receiver<QueueMsg>,
    jobs: Sender<JobId>,
    clock: Arc<dyn Clock>,
    ready: VecDeque<JobId>,
    delayed: BTreeMap<(DateTime<Utc>, u64), JobId>,
    known: HashSet<JobId>,
    seq: u64,
}

/// A queue whose job channel holds at most `capacity` ids: (producers' handle, dispatcher, workers'
/// receiver).
pub fn channel(
    capacity: usize,
    clock: Arc<dyn Clock>,
) -> (QueueHandle, Dispatcher, Receiver<JobId>) {
    let (tx, intake) = crossbeam_channel::unbounded();
    let (jobs, rx) = crossbeam_channel::bounded(capacity);
    let d = Dispatcher {
        intake,
        jobs,
        clock,
        ready: VecDeque::new(),
        delayed: BTreeMap::new(),
        known: HashSet::new(),
        seq: 0,
    };
    (QueueHandle { tx }, d, rx)
}

/// Longest sleep of the dispatcher when nothing happens (it rechecks delayed jobs then).
const IDLE: Duration = Duration::from_secs(1);

impl Dispatcher {
    fn add(&mut self, id: JobId, not_before: Option<DateTime<Utc>>) {
        if !self.known.insert(id) {
            return;
        }
        match not_before {
            Some(t) if t > self.clock.now() => {
                self.seq += 1;
                self.delayed.insert((t, self.seq), id);
            }
            _ => self.ready.push_back(id),
        }
    }

    /// Applies one message; `false` on shutdown.
    fn handle(&mut self, msg: Option<QueueMsg>) -> bool {
        match msg {
            Some(QueueMsg::Schedule { id, not_before }) => self.add(id, not_before),
            Some(QueueMsg::Done { id, retry_at }) => {
                self.known.remove(&id);
                if retry_at.is_some() {
                    self.add(id, retry_at);
                }
            }
            Some(QueueMsg::Shutdown) | None => return false,
        }
        true
    }

    /// Moves due delayed jobs to the ready list; returns how long until the next one is due.
    fn promote(&mut self) -> Duration {
        let now = self.clock.now();
        while let Some((&(t, seq), &id)) = self.delayed.first_key_value() {
            if t > now {
                return (t - now).to_std().unwrap_or(IDLE).min(IDLE);
            }
            self.delayed.remove(&(t, seq));
            self.ready.push_back(id);
        }
        IDLE
    }

    /// Runs until [`QueueMsg::Shutdown`] or until every [`QueueHandle`] is gone.
    #[cfg(test)]
    pub fn run(self) {
        self.run_beating(&crate::health::Beat::unwatched());
    }

    /// Runs until [`QueueMsg::Shutdown`] or until every [`QueueHandle`] is gone, beating `beat` on
    /// every turn (at least once a second).
    pub fn run_beating(mut self, beat: &crate::health::Beat) {
        loop {
            beat.beat();
            crate::failpoint::hit("dispatcher.loop");
            let wait = self.promote();
            let go_on = match self.ready.front().copied() {
                Some(id) => crossbeam_channel::select! {
                    recv(self.intake) -> m => self.handle(m.ok()),
                    send(self.jobs, id) -> r => {
                        self.ready.pop_front();
                        r.is_ok()
                    }
                    default(wait) => true,
                },
                None => match self.intake.recv_timeout(wait) {
                    Ok(m) => self.handle(Some(m)),
                    Err(crossbeam_channel::RecvTimeoutError::Timeout) => true,
                    Err(crossbeam_channel::RecvTimeoutError::Disconnected) => false,
                },
            };
            if !go_on {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SystemClock;

    #[test]
    fn producers_never_block_and_order_is_kept() {
        let (q, d, rx) = channel(1, Arc::new(SystemClock));
        let ids: Vec<JobId> = (0..5000).map(|_| JobId::new()).collect();
        // Far more than the channel holds, before the dispatcher even runs.
        for id in &ids {
            q.schedule(*id, None);
            q.schedule(*id, None); // duplicates are ignored
        }
        let t = std::thread::spawn(move || d.run());
        let got: Vec<JobId> = (0..ids.len()).map(|_| rx.recv().unwrap()).collect();
        assert_eq!(got, ids);
        assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
        q.shutdown();
        t.join().unwrap();
        assert!(rx.recv().is_err(), "the job channel closes on shutdown");
    }

    #[test]
    fn done_with_retry_reschedules_later_and_known_ids_are_not_doubled() {
        let (q, d, rx) = channel(4, Arc::new(SystemClock));
        let t = std::thread::spawn(move || d.run());
        let a = JobId::new();
        q.schedule(a, None);
        assert_eq!(rx.recv().unwrap(), a);
        q.schedule(a, None); // still held by a worker: no second copy
        assert!(rx.recv_timeout(Duration::from_millis(150)).is_err());
        let at = Utc::now() + chrono::Duration::milliseconds(300);
        q.done(a, Some(at));
        assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
        assert_eq!(rx.recv_timeout(Duration::from_secs(3)).unwrap(), a);
        assert!(Utc::now() >= at);
        q.done(a, None);
        q.schedule(a, None);
        assert_eq!(rx.recv_timeout(Duration::from_secs(3)).unwrap(), a);
        drop(q);
        t.join().unwrap();
    }
}
