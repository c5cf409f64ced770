//! What a running daemon tells the outside world without a network port: `state/daemon.json`, its
//! heartbeat, rewritten by the supervisor every `metrics.interval` (and at each change of state);
//! and the Prometheus text file, rewritten atomically by the `metrics` thread at the same pace
//! together with `state/counters.json` (the totals, kept across restarts).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossbeam_channel::Receiver;

use crate::error::Result;
use crate::health::Beat;
use crate::metrics::census::Census;
use crate::metrics::{DaemonFile, Metrics, Snapshot, prom};
use crate::store::Store;

/// The daemon's state as the supervisor and the `metrics` thread share it.
pub struct Live {
    pub pid: u32,
    pub host: String,
    pub root: PathBuf,
    pub started_at: DateTime<Utc>,
    pub workers: usize,
    pub metrics_file: PathBuf,
    pub metrics: Arc<Metrics>,
    /// Jobs `queued` on disk at the last census.
    pub queue_depth: AtomicU64,
    state: Mutex<&'static str>,
    stuck: Mutex<Vec<String>>,
    /// The last write of `state/daemon.json` failed (logged once until one works again).
    failing: AtomicBool,
}

impl Live {
    pub fn new(
        root: PathBuf,
        workers: usize,
        metrics_file: PathBuf,
        metrics: Arc<Metrics>,
        queued: usize,
    ) -> Live {
        Live {
            pid: std::process::id(),
            host: crate::store::lock::hostname(),
            root,
            started_at: crate::clock::Clock::now(&crate::clock::SystemClock),
            workers,
            metrics_file,
            metrics,
            queue_depth: AtomicU64::new(queued as u64),
            state: Mutex::new("starting"),
            stuck: Mutex::new(Vec::new()),
            failing: AtomicBool::new(false),
        }
    }

    pub fn set_state(&self, s: &'static str) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = s;
    }

    pub fn set_stuck(&self, names: Vec<String>) {
        *self.stuck.lock().unwrap_or_else(|e| e.into_inner()) = names;
    }

    /// The content of `state/daemon.json` now.
    pub fn file(&self) -> DaemonFile {
        let stuck = self.stuck.lock().unwrap_or_else(|e| e.into_inner()).clone();
        DaemonFile {
            pid: self.pid,
            host: self.host.clone(),
            version: env!("CARGO_PKG_VERSION").into(),
            root: self.root.display().to_string(),
            started_at: self.started_at,
            last_beat: crate::clock::Clock::now(&crate::clock::SystemClock),
            state: (*self.state.lock().unwrap_or_else(|e| e.into_inner())).into(),
            queue_depth: self.queue_depth.load(Ordering::Relaxed),
            running: self.metrics.running() as u64,
            workers: self.workers,
            healthy: stuck.is_empty(),
            stuck,
            metrics_file: self.metrics_file.display().to_string(),
        }
    }

    /// One line for `systemctl status`.
    pub fn status_line(&self) -> String {
        let f = self.file();
        let mut s = format!(
            "{}: {} queued, {} converting, {} workers",
            f.state, f.queue_depth, f.running, f.workers
        );
        if !f.stuck.is_empty() {
            s.push_str(&format!(
                "; STUCK: {} (watchdog pings stopped)",
                f.stuck.join(", ")
            ));
        }
        s
    }

    /// Rewrites `state/daemon.json` (atomically; not synced: it only ever describes the present).
    pub fn write(&self, store: &Store) -> Result<()> {
        let mut bytes = serde_json::to_vec_pretty(&self.file()).unwrap_or_default();
        bytes.push(b'\n');
        crate::durable::replace_file(&store.layout().daemon_file(), &bytes)
    }

    /// [`Live::write`], logging a failure once until a write works again (the daemon goes on).
    pub fn write_logged(&self, store: &Store) {
        match self.write(store) {
            Ok(()) if self.failing.swap(false, Ordering::Relaxed) => {
                tracing::info!("state/daemon.json written again");
            }
            Ok(()) => {}
            Err(e) if !self.failing.swap(true, Ordering::Relaxed) => {
                tracing::warn!(error = %e, "cannot write state/daemon.json (will retry)");
            }
            Err(_) => {}
        }
    }
}

/// What the `metrics` thread needs.
pub struct MetricsCtx {
    pub store: Arc<Store>,
    pub live: Arc<Live>,
    pub every: Duration,
    pub stop: Receiver<()>,
    pub beat: Beat,
}

/// Body of the `metrics` thread: a census, the metrics file and the counters every `every`, until
/// `stop` fires; then once more, saying the daemon is down.
pub fn run_metrics(ctx: MetricsCtx) -> Result<()> {
    let mut census = Census::default();
    let mut failing = false;
    let counters = ctx.store.layout().counters_file();
    let mut up = true;
    loop {
        let r =
            write_once(&ctx, &mut census, up).and_then(|()| ctx.live.metrics.persist(&counters));
        match r {
            Ok(()) if failing => {
                failing = false;
                tracing::info!("metrics written again");
            }
            Ok(()) => {}
            Err(e) if !failing => {
                failing = true;
                tracing::warn!(error = %e, code = %e.code(), "cannot write the metrics (will retry)");
            }
            Err(_) => {}
        }
        if !up {
            return Ok(());
        }
        // Stopped: one last write, saying the daemon is down.
        up = crate::health::wait(&ctx.stop, ctx.every, &ctx.beat);
    }
}

fn write_once(ctx: &MetricsCtx, census: &mut Census, up: bool) -> Result<()> {
    let counts = census.scan(&ctx.store, &ctx.beat)?;
    ctx.live
        .queue_depth
        .store(counts.queued(), Ordering::Relaxed);
    let daemon = up.then(|| ctx.live.file());
    let snap = Snapshot::new(
        ctx.store.layout().root(),
        &counts,
        ctx.live.metrics.counters(),
        daemon,
        up,
    );
    crate::durable::replace_file(&ctx.live.metrics_file, prom::render(&snap).as_bytes())
}
