//! The ingest threads: they take the drops the loop hands them (claim, check, admit) and report
//! back. Several run at once because a take is mostly waiting for fsyncs, and concurrent fsyncs
//! share journal commits. The loop hands out the drops it decided on in one turn as batches; while
//! more batches wait than the other threads can take, a thread joins the next ones to its own (up
//! to about [`MAX_BATCH`] drops), and it admits them together (group commit: each shared folder is
//! fsynced once for the batch). Nothing waits for more drops: a lone drop is taken at once, alone.

use std::path::PathBuf;
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};

use crate::config::WatchConfig;
use crate::error::{Error, Result};
use crate::ids::JobId;
use crate::inbox::take::{TakeOutcome, process_staged, take_batch};
use crate::store::Store;

/// Threads that take drops concurrently. Measured with `bench_ingest` (1,000-drop bursts on this
/// VM's disk): 1 thread 57 drops/s, 4 threads 220-270, 8 threads 255, 16 threads 215.
pub const INGEST_THREADS: usize = 4;

/// The most drops one thread admits together. Bounds the work (and the open files) of a batch, and
/// lets a burst spread over the threads.
pub const MAX_BATCH: usize = 32;

pub enum Task {
    /// Drops `(dir, name)` to take together.
    Drops(Vec<(PathBuf, String)>),
    Staged(JobId),
}

pub struct Done {
    /// The inbox path (for a drop of `Task::Drops`).
    pub path: Option<PathBuf>,
    pub staged: Option<JobId>,
    pub result: Result<TakeOutcome>,
}

pub fn ingest_thread(
    store: Arc<Store>,
    cfg: WatchConfig,
    tasks: Receiver<Task>,
    done: Sender<Done>,
) {
    while let Ok(first) = tasks.recv() {
        // While more tasks wait than the other threads can take, the next ones join this batch
        // (while it holds fewer than `MAX_BATCH` drops); a staging entry is retried alone, after.
        let mut drops = Vec::new();
        let mut staged = Vec::new();
        let mut next = Some(first);
        while let Some(task) = next.take() {
            match task {
                Task::Drops(d) => drops.extend(d),
                Task::Staged(id) => staged.push(id),
            }
            if drops.len() + staged.len() < MAX_BATCH && tasks.len() >= INGEST_THREADS {
                next = tasks.try_recv().ok();
            }
        }
        let mut results = run_drops(&store, &cfg, drops);
        results.extend(staged.into_iter().map(|id| run_staged(&store, &cfg, id)));
        for d in results {
            if done.send(d).is_err() {
                return;
            }
        }
    }
}

/// Takes the drops `(dir, name)` as one batch; a panic (a bug) becomes an error of each drop
/// instead of killing the thread.
fn run_drops(store: &Store, cfg: &WatchConfig, drops: Vec<(PathBuf, String)>) -> Vec<Done> {
    if drops.is_empty() {
        return Vec::new();
    }
    // A failed store stays failed: each drop gets the error of `check`.
    let run = std::panic::AssertUnwindSafe(|| match store.check() {
        Ok(()) => take_batch(store, cfg, &drops),
        Err(_) => drops
            .iter()
            .map(|_| (None, store.check().map(|()| TakeOutcome::Gone)))
            .collect(),
    });
    let results = std::panic::catch_unwind(run).unwrap_or_else(|_| {
        drops
            .iter()
            .map(|_| (None, Err(Error::internal("panic while taking a drop"))))
            .collect()
    });
    drops
        .iter()
        .zip(results)
        .map(|((dir, name), (claimed, result))| Done {
            path: Some(dir.join(name)),
            staged: claimed,
            result,
        })
        .collect()
}

/// Finishes staging entry `id`; a panic (a bug) becomes an error instead of killing the thread.
fn run_staged(store: &Store, cfg: &WatchConfig, id: JobId) -> Done {
    let run = std::panic::AssertUnwindSafe(|| {
        store
            .check()
            .and_then(|()| process_staged(store, cfg, id, None))
    });
    let result = std::panic::catch_unwind(run)
        .unwrap_or_else(|_| Err(Error::internal("panic while taking a drop")));
    Done {
        path: None,
        staged: Some(id),
        result,
    }
}
