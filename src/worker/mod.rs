//! The worker pool: each `worker-N` thread takes job ids from the queue, moves the job
//! `queued -> running`, runs one attempt in its persistent converter process (`pool.rs`) or an
//! isolated one-attempt child (see [`supervise`]) and
//! records the outcome (`record.rs`): `succeeded` (output published under the job lock), `failed`
//! (permanent, or out of attempts), or back to `queued` with `next_attempt_at` (transient:
//! exponential backoff). Every id taken is handed back to the queue (`done`), whatever happened,
//! so no slot ever leaks.

pub mod child;
pub mod classify;
mod commit;
pub mod converter;
pub(crate) mod limits;
pub(crate) mod pool;
pub(crate) mod record;
pub mod runlog;
pub mod sandbox;
pub mod serve;
pub(crate) mod stderr;
pub mod supervise;
#[cfg(feature = "test-hooks")]
pub mod testconv;
pub(crate) mod wire;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossbeam_channel::Receiver;

use crate::code::Code;
use crate::config::{ConvertConfig, OcrConfig, WorkersConfig};
use crate::durable;
use crate::error::{Error, Result};
use crate::failpoint;
use crate::health::Beat;
use crate::ids::JobId;
use crate::queue::QueueHandle;
use crate::store::{JobStatus, Store};
use classify::{AttemptOutcome, Failure};
use runlog::RunLog;
use supervise::{Attempt, ChildSpec};

/// What the pool is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Mode {
    /// Take and run jobs.
    Run = 0,
    /// Finish the running attempts, start no new one.
    Drain = 1,
    /// Kill the children, put their jobs back to `queued` (attempt not counted), stop.
    Abort = 2,
    /// Kill the children and stop at once; manifests stay `running` for the next start's recovery.
    Hard = 3,
}

/// The pool's mode, shared by the supervisor and the workers.
#[derive(Debug, Default)]
pub struct Control(AtomicU8);

impl Control {
    pub fn mode(&self) -> Mode {
        match self.0.load(Ordering::SeqCst) {
            0 => Mode::Run,
            1 => Mode::Drain,
            2 => Mode::Abort,
            _ => Mode::Hard,
        }
    }

    /// Moves to `m` if it is further along than the current mode (modes never go back).
    pub fn escalate(&self, m: Mode) {
        self.0.fetch_max(m as u8, Ordering::SeqCst);
    }
}

/// The settings a worker reads at the start of each attempt (SIGHUP may replace them).
#[derive(Debug, Clone)]
pub struct Settings {
    pub workers: WorkersConfig,
    pub convert: ConvertConfig,
    /// `[ocr]` with `auto` decided when the daemon started.
    pub ocr: OcrConfig,
    /// `watch.outbox` and `watch.outbox_scopes`: which jobs deliver their result to `outbox/`.
    pub outbox: crate::store::outbox::Rule,
}

pub type SharedSettings = Arc<RwLock<Arc<Settings>>>;

/// What every worker thread shares.
pub struct WorkerCtx {
    pub store: Arc<Store>,
    pub settings: SharedSettings,
    pub control: Arc<Control>,
    pub queue: QueueHandle,
    pub jobs: Receiver<JobId>,
    pub child: ChildSpec,
    /// Counts outcomes, pages and conversion times.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Several hosts on one root: jobs are taken under leases and their writes fenced.
    pub cluster: Option<Arc<crate::cluster::Cluster>>,
}

impl WorkerCtx {
    /// The fence of an attempt under lease epoch `lease` (none for a lone daemon).
    pub(crate) fn fence(&self, lease: Option<u64>) -> crate::cluster::Fence<'_> {
        match (&self.cluster, lease) {
            (Some(c), Some(epoch)) => crate::cluster::Fence {
                cluster: Some(c),
                epoch,
            },
            _ => crate::cluster::Fence::none(),
        }
    }
}

/// Delay before attempt `attempts + 1`: `backoff * 2^(attempts-1)`, capped at `backoff_max`.
pub fn backoff(w: &WorkersConfig, attempts: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(31));
    w.backoff.0.saturating_mul(factor).min(w.backoff_max.0)
}

pub use commit::run_worker;

pub(crate) fn is_gone(e: &Error) -> bool {
    matches!(e, Error::JobNotFound { .. } | Error::JobExpired { .. })
}

/// Another writer got there first: the job was canceled, removed, or (several hosts) taken over.
pub(crate) fn is_lost(e: &Error) -> bool {
    is_gone(e) || matches!(e, Error::InvalidTransition { .. } | Error::LeaseLost { .. })
}

/// What is left of an attempt once its child has ended: recording the outcome (publish, manifest,
/// receipt), syncing the run log, removing the attempt's temp folder.
pub(crate) struct Finish {
    m: crate::store::Manifest,
    settings: Arc<Settings>,
    outcome: AttemptOutcome,
    output: PathBuf,
    outdir: PathBuf,
    log: Arc<Mutex<RunLog>>,
    /// The lease epoch of the attempt (several hosts on one root).
    lease: Option<u64>,
}

/// The first half of one job: nothing happens unless it is still `queued` and due; else it becomes
/// `running` and its child runs to its end. `None`: nothing to record.
pub(crate) fn start_job(
    ctx: &WorkerCtx,
    id: JobId,
    retry_at: &mut Option<DateTime<Utc>>,
    beat: &Beat,
    slot: &mut pool::Slot,
) -> Result<Option<Finish>> {
    let store = &ctx.store;
    store.check()?;
    let m = match store.load(id) {
        Ok(m) => m,
        Err(e) if is_gone(&e) => return Ok(None),
        // Several hosts: a manifest that still does not parse is left for a later look (a network
        // client's cache), not a reason to stop the daemon.
        Err(e @ Error::Corrupt { .. }) if ctx.cluster.is_some() => {
            tracing::warn!(job = %id, error = %e, "cannot read manifest; job left for a later look");
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    // `running` here can only be an attempt of this daemon whose outcome could not be written
    // (a full disk): the queue never hands out a job another worker holds, and recovery requeued
    // every job an earlier daemon left running. Requeue it, then go on as for any queued job.
    let m = match m.status {
        // Several hosts: a running job is another host's, or this host's own being recorded;
        // one whose holder stopped renewing comes back through the `lease-watch` thread.
        JobStatus::Running if ctx.cluster.is_some() => return Ok(None),
        JobStatus::Running => match store.transition(id, JobStatus::Queued, |_| {}) {
            Ok(m) => m,
            Err(e) if is_gone(&e) || matches!(e, Error::InvalidTransition { .. }) => {
                return Ok(None);
            }
            Err(e) => return Err(e),
        },
        JobStatus::Queued => m,
        _ => return Ok(None),
    };
    if let Some(t) = m.next_attempt_at.filter(|t| *t > store.now()) {
        *retry_at = Some(t);
        return Ok(None);
    }
    // Several hosts: the lease of the next epoch first; only the host that creates it runs the job.
    let lease = match &ctx.cluster {
        Some(c) => match c.take(store, &m)? {
            Some(epoch) => Some(epoch),
            None => return Ok(None),
        },
        None => None,
    };
    let prior = m.lease_epoch;
    let m =
        match store.transition_checked(id, JobStatus::Running, |m| match (&ctx.cluster, lease) {
            (Some(c), Some(epoch)) => c.claim(m, prior, epoch),
            _ => Ok(()),
        }) {
            Ok(m) => m,
            Err(e) if is_lost(&e) => {
                if let Some(c) = &ctx.cluster {
                    c.release(id);
                }
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
    failpoint::hit("worker.after_running");
    let settings = ctx
        .settings
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let l = store.layout();
    let max_log = settings.convert.max_log.0;
    let log = durable::create_dir_all_durable(&l.logs_dir(id))
        .and_then(|_| durable::create_dir_all_durable(&l.artifacts_dir(id)))
        .and_then(|_| RunLog::open(&l.run_log(id), max_log));
    let (log, prepared) = match log {
        Ok(log) => (log, Ok(())),
        Err(e) => (RunLog::sink(max_log), Err(e)),
    };
    let log = Arc::new(Mutex::new(log));
    let say = |s: &str| log.lock().unwrap_or_else(|e| e.into_inner()).line(s);
    say(&format!(
        "attempt {} started{} (timeout {:?}, max_memory {} bytes)",
        m.attempts,
        ctx.fence(lease).where_(),
        settings.convert.timeout.0,
        settings.convert.max_memory.0
    ));
    // The child writes `output.md` in a private folder of this attempt: the only place its sandbox
    // lets it write.
    let outdir = temp_output(ctx, id, m.attempts);
    let output = outdir.join("output.md");
    let prepared = prepared.and_then(|_| private_dir(&outdir));
    let attempt = Attempt {
        id,
        attempt: m.attempts,
        input: l.raw_input(id),
        output: output.clone(),
        convert: &settings.convert,
        ocr: &settings.ocr,
        store,
        control: &ctx.control,
        log: log.clone(),
        beat,
    };
    let outcome = if let Err(e) = prepared {
        AttemptOutcome::Failed(Failure::new(Code::InternalError, e.to_string(), false))
    } else if l.raw_input(id).exists() {
        let _running = ctx.metrics.attempt_running();
        let started = std::time::Instant::now();
        let o = pool::run(slot, &ctx.child, &attempt);
        if matches!(
            o,
            AttemptOutcome::Converted { .. } | AttemptOutcome::Failed(_)
        ) {
            ctx.metrics.conversion(started.elapsed().as_secs_f64());
        }
        o
    } else {
        let msg = "raw/input.pdf is missing (removed by retention?)";
        AttemptOutcome::Failed(Failure::new(Code::InternalError, msg, true))
    };
    Ok(Some(Finish {
        m,
        settings,
        outcome,
        output,
        outdir,
        log,
        lease,
    }))
}

/// The second half of one job: records the outcome of its attempt.
pub(crate) fn finish_job(
    ctx: &WorkerCtx,
    f: Finish,
    retry_at: &mut Option<DateTime<Utc>>,
) -> Result<()> {
    let log = &f.log;
    let say = |s: &str| log.lock().unwrap_or_else(|e| e.into_inner()).line(s);
    let fence = ctx.fence(f.lease);
    let r = record::record(
        ctx,
        &f.m,
        &f.settings,
        f.outcome,
        &f.output,
        &say,
        retry_at,
        fence,
    );
    log.lock().unwrap_or_else(|e| e.into_inner()).sync();
    if let Some(c) = &ctx.cluster {
        c.release(f.m.job_id);
    }
    if let Err(e) = durable::remove_tree_nofollow(&f.outdir) {
        tracing::warn!(job = %f.m.job_id, error = %e, "cannot remove temp output");
    }
    r
}

/// Creates `dir` (a fresh name) readable and writable by the daemon's user only.
pub(crate) fn private_dir(dir: &std::path::Path) -> Result<()> {
    crate::fsx::create_dir_mode(dir, 0o700).map_err(|e| Error::io(dir, e))
}

fn temp_output(ctx: &WorkerCtx, id: JobId, attempt: u32) -> PathBuf {
    let nonce: u32 = rand_u32();
    ctx.store
        .layout()
        .artifacts_dir(id)
        .join(format!(".~attempt-{attempt}-{nonce:08x}.tmp"))
}

fn rand_u32() -> u32 {
    let u = uuid::Uuid::new_v4();
    u32::from_le_bytes(u.as_bytes()[..4].try_into().unwrap_or([0; 4]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Dur;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let w = WorkersConfig {
            backoff: Dur(Duration::from_secs(5)),
            backoff_max: Dur(Duration::from_secs(18)),
            ..WorkersConfig::default()
        };
        let b: Vec<u64> = (1..=5).map(|n| backoff(&w, n).as_secs()).collect();
        assert_eq!(b, vec![5, 10, 18, 18, 18]);
        assert_eq!(backoff(&w, 400).as_secs(), 18);
    }

    #[test]
    fn modes_only_escalate() {
        let c = Control::default();
        assert_eq!(c.mode(), Mode::Run);
        c.escalate(Mode::Abort);
        c.escalate(Mode::Drain);
        assert_eq!(c.mode(), Mode::Abort);
        c.escalate(Mode::Hard);
        assert_eq!(c.mode(), Mode::Hard);
    }
}
