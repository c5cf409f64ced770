//! A worker as a two-stage pipeline. The `worker-N` thread takes a job, writes `running`, and runs
//! its child to the end; its `commit-N` helper then records the outcome (publishes the output,
//! writes the manifest and the receipt, each durable before the next) while the worker already
//! runs the next job's child. The fsyncs of one job thus overlap the conversion of the next instead
//! of leaving the converter slot idle, and there are never more children than workers.
//!
//! The hand-off holds one job at most: a worker whose helper is still recording waits for it, so
//! at most two jobs per worker are `running` at a time (one converting, one being recorded). A job
//! is handed back to the queue (`done`) only once recorded, so it never runs twice at once. An
//! error of the store in either stage ends both and, through the supervisor, the daemon.

use chrono::{DateTime, Utc};
use crossbeam_channel::RecvTimeoutError;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::health::Beat;
use crate::ids::JobId;
use crate::worker::{Finish, Mode, WorkerCtx, finish_job, start_job};

/// Hands `id` back to the queue after `r`: a full disk is waited out (the job stays as it is on
/// disk and comes back after the backoff); any other error is returned.
fn settle(
    ctx: &WorkerCtx,
    id: JobId,
    r: Result<()>,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    match r {
        Err(e @ Error::StorageFull { .. }) => {
            let w = ctx
                .settings
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .workers
                .clone();
            let at = ctx.store.now()
                + chrono::Duration::from_std(w.backoff.0).unwrap_or(chrono::Duration::MAX);
            tracing::warn!(job = %id, error = %e, code = %e.code(), retry_at = %at, "storage full; job postponed");
            ctx.queue.done(id, Some(at));
            Ok(())
        }
        r => {
            ctx.queue.done(id, retry_at);
            r
        }
    }
}

/// Body of a `commit-N` helper: records each attempt handed over, until the worker hangs up.
fn run_commit(ctx: &WorkerCtx, rx: crossbeam_channel::Receiver<(JobId, Finish)>) -> Result<()> {
    for (id, f) in rx {
        let mut retry_at = None;
        let r = finish_job(ctx, f, &mut retry_at);
        settle(ctx, id, r, retry_at)?;
    }
    Ok(())
}

/// Body of a `worker-N` thread: runs until the job channel closes. An error (the store failed) ends
/// the thread and, through the supervisor, the daemon. `beat` is beaten at least once a second,
/// idle or converting.
pub fn run_worker(ctx: &WorkerCtx, beat: &Beat) -> Result<()> {
    std::thread::scope(|s| {
        // Rendezvous: the worker waits while its helper still records the previous attempt.
        let (tx, rx) = crossbeam_channel::bounded::<(JobId, Finish)>(0);
        let name = std::thread::current()
            .name()
            .map(|n| n.replace("worker", "commit"))
            .unwrap_or_else(|| "commit".into());
        let helper = std::thread::Builder::new()
            .name(name)
            .spawn_scoped(s, move || run_commit(ctx, rx))
            .map_err(|e| Error::internal(format!("cannot start a commit thread: {e}")))?;
        let r = run_stage_one(ctx, beat, &tx, &helper);
        drop(tx);
        let c = helper
            .join()
            .unwrap_or_else(|_| Err(Error::internal("commit thread panicked")));
        r.and(c)
    })
}

fn run_stage_one(
    ctx: &WorkerCtx,
    beat: &Beat,
    tx: &crossbeam_channel::Sender<(JobId, Finish)>,
    helper: &std::thread::ScopedJoinHandle<'_, Result<()>>,
) -> Result<()> {
    // This thread's persistent converter: started here, so that it dies with this thread
    // (`PR_SET_PDEATHSIG` follows the thread that started it) and ends with it (`Drop`).
    let mut slot = crate::worker::pool::Slot::default();
    loop {
        beat.beat();
        if helper.is_finished() {
            return Ok(()); // its error, if any, is returned by the join
        }
        let id = match ctx.jobs.recv_timeout(Duration::from_secs(1)) {
            Ok(id) => id,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        if ctx.control.mode() != Mode::Run {
            ctx.queue.done(id, None); // stays queued on disk: the next start runs it
            continue;
        }
        let mut retry_at = None;
        match start_job(ctx, id, &mut retry_at, beat, &mut slot) {
            Ok(Some(f)) => {
                // No beat while the helper still records the previous attempt: a stuck record
                // shows as this worker stuck, as when the worker recorded it itself.
                if tx.send((id, f)).is_err() {
                    // The helper ended on an error: the job stays `running` on disk, as when the
                    // daemon stops mid-attempt; recovery requeues it.
                    ctx.queue.done(id, None);
                    return Ok(());
                }
            }
            Ok(None) => settle(ctx, id, Ok(()), retry_at)?,
            Err(e) => settle(ctx, id, Err(e), retry_at)?,
        }
    }
}
