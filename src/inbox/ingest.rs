//! The ingest threads: they take the drops the loop hands them (claim, check, admit) and report
//! back. Several run at once because a take is mostly waiting for fsyncs, and concurrent fsyncs
//! share journal commits.

use std::path::PathBuf;
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};

use crate::config::WatchConfig;
use crate::error::Result;
use crate::ids::JobId;
use crate::inbox::take::{Outcome, process_staged, take};
use crate::store::Store;

/// Threads that take drops concurrently.
pub const INGEST_THREADS: usize = 4;

pub enum Task {
    Drop { dir: PathBuf, name: String },
    Staged(JobId),
}

pub struct Done {
    /// The inbox path (for `Task::Drop`).
    pub path: Option<PathBuf>,
    pub staged: Option<JobId>,
    pub result: Result<Outcome>,
}

pub fn ingest_thread(
    store: Arc<Store>,
    cfg: WatchConfig,
    tasks: Receiver<Task>,
    done: Sender<Done>,
) {
    for task in tasks {
        let d = match task {
            Task::Drop { dir, name } => {
                let (staged, result) = match store.check() {
                    Ok(()) => take(&store, &cfg, &dir, &name),
                    Err(e) => (None, Err(e)),
                };
                Done {
                    path: Some(dir.join(name)),
                    staged,
                    result,
                }
            }
            Task::Staged(id) => Done {
                path: None,
                staged: Some(id),
                result: store
                    .check()
                    .and_then(|()| process_staged(&store, &cfg, id, None)),
            },
        };
        if done.send(d).is_err() {
            break;
        }
    }
}
