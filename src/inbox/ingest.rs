//! The ingest threads: they take the drops the loop hands them (claim, check, admit) and report
//! back. Several run at once because a take is mostly waiting for fsyncs, and concurrent fsyncs
//! share journal commits.

use std::path::PathBuf;
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};

use crate::config::WatchConfig;
use crate::error::{Error, Result};
use crate::ids::JobId;
use crate::inbox::take::{TakeOutcome, process_staged, take};
use crate::store::Store;

/// Threads that take drops concurrently. Measured with `bench_ingest` (1,000-drop bursts on this
/// VM's disk): 1 thread 57 drops/s, 4 threads 220-270, 8 threads 255, 16 threads 215.
pub const INGEST_THREADS: usize = 4;

pub enum Task {
    Drop { dir: PathBuf, name: String },
    Staged(JobId),
}

pub struct Done {
    /// The inbox path (for `Task::Drop`).
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
    for task in tasks {
        let d = run_task(&store, &cfg, task);
        if done.send(d).is_err() {
            break;
        }
    }
}

/// Runs one task; a panic (a bug) becomes an error of this drop instead of killing the thread.
fn run_task(store: &Store, cfg: &WatchConfig, task: Task) -> Done {
    let (path, staged) = match &task {
        Task::Drop { dir, name } => (Some(dir.join(name)), None),
        Task::Staged(id) => (None, Some(*id)),
    };
    let run = std::panic::AssertUnwindSafe(|| match task {
        Task::Drop { dir, name } => match store.check() {
            Ok(()) => take(store, cfg, &dir, &name),
            Err(e) => (None, Err(e)),
        },
        Task::Staged(id) => (
            Some(id),
            store
                .check()
                .and_then(|()| process_staged(store, cfg, id, None)),
        ),
    });
    match std::panic::catch_unwind(run) {
        Ok((claimed, result)) => Done {
            path,
            staged: claimed.or(staged),
            result,
        },
        Err(_) => Done {
            path,
            staged,
            result: Err(Error::internal("panic while taking a drop")),
        },
    }
}
