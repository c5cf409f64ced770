//! The daemon's supervisor: takes the host lock, runs recovery, starts the named threads
//! (`dispatcher`, `worker-1..N`, `watcher`, `sweeper`, `rescanner`, `metrics`, `signals`) and
//! reacts to their [`Event`]s until it stops. Every thread is joined before [`run`] returns.
//!
//! Liveness (docs/operations.md): every thread but `signals` beats a [`Health`] registry; every
//! `metrics.interval` the supervisor rewrites `state/daemon.json` ([`live`]), and when systemd
//! asked for a watchdog it sends `WATCHDOG=1` only while no thread has been silent for longer than
//! `metrics.stuck_after` ([`notify`]). `READY=1` goes out once recovery is done and every thread
//! runs, `STOPPING=1` when a stop begins, `STATUS=` lines as things change.
//!
//! Stopping (docs/design.md, "Shutdown"): the first SIGTERM/SIGINT stops the watcher and the
//! rescanner and tells the queue to hand out nothing more, lets the running attempts finish for up to
//! `shutdown.grace`, then kills what still runs and puts those jobs back to `queued`; exit 0. A second
//! signal kills the children at once and leaves their jobs `running` for the next start's recovery.
//! A failed store (or a thread that fails) stops everything the same way, with an error. SIGHUP
//! reloads the retry and conversion settings (`[workers]` but `count`, `[convert]`).

pub mod live;
pub mod notify;
pub mod recovery;
mod reload;
pub mod scanner;
mod threads;
mod watch;

use std::path::Path;
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use signal_hook::iterator::backend::Handle as SignalsHandle;

use crate::clock::{Clock, SystemClock};
use crate::config::Loaded;
use crate::error::{Error, Result};
use crate::health::Health;
use crate::metrics::Metrics;
use crate::queue::QueueHandle;
use crate::store::Store;
use crate::store::lock::HostLock;
use crate::worker::supervise::ChildSpec;
use crate::worker::{Control, Mode, Settings, SharedSettings, WorkerCtx};
use live::Live;
use notify::Notifier;

/// What the supervisor reacts to.
#[derive(Debug)]
pub enum Event {
    /// SIGTERM or SIGINT, the `n`-th one received.
    Signal { signal: i32, n: u32 },
    /// SIGHUP: reload the configuration.
    Reload,
    /// A thread ended (with its error, if any).
    ThreadExited { name: String, error: Option<String> },
}

/// Where the supervisor is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Serving,
    /// Stopping: no new work; waiting for the workers.
    Stopping,
}

/// Runs the daemon until it stops: [`start`], [`serve`], [`shutdown`].
pub fn run(loaded: &Loaded, pid_file: Option<&Path>) -> Result<()> {
    let mut d = start(loaded, pid_file)?;
    let ending = serve(loaded, &mut d);
    shutdown(d, ending)
}

/// A started daemon: what [`serve`] and [`shutdown`] work with.
struct Daemon {
    lock: HostLock,
    store: Arc<Store>,
    queue: QueueHandle,
    control: Arc<Control>,
    settings: SharedSettings,
    /// Every named thread but `signals`.
    threads: Vec<(String, JoinHandle<()>)>,
    /// Worker threads still running.
    workers: usize,
    /// Kept open for the whole life of the daemon, as the threads' senders are.
    _events_tx: Sender<Event>,
    events: Receiver<Event>,
    /// Dropped to stop the watcher and the rescanner.
    intake_stop: Option<Sender<()>>,
    /// Dropped to stop the sweeper and the metrics thread (last).
    sweep_stop: Sender<()>,
    signals: SignalsHandle,
    signal_thread: JoinHandle<()>,
    health: Arc<Health>,
    live: Arc<Live>,
    notifier: Notifier,
}

/// How serving ended.
struct Ending {
    /// Why the daemon stopped on its own (a failed thread or store).
    failed: Option<String>,
    /// Stopped at once by a second signal.
    hard: bool,
}

/// Takes the host lock, opens the store, installs the signal handlers, recovers, and starts every
/// thread.
fn start(loaded: &Loaded, pid_file: Option<&Path>) -> Result<Daemon> {
    let cfg = &loaded.config;
    let mut layout = loaded.layout();
    crate::durable::create_dir_all_durable(&layout.locks_dir())?;
    // Private before anything shows the daemon as running (the lock), not only once the store opens.
    crate::durable::make_private(&layout.state_dir())?;
    let share = cfg.output.share()?;
    let lock = HostLock::acquire(&layout, &cfg.cluster.host())?;
    let clock = Arc::new(SystemClock);
    let cluster = crate::cluster::join(&cfg.cluster, &mut layout, clock.now())?;
    let mut store =
        Store::open(layout.clone(), clock.clone(), cfg.retention.clone())?.with_share(share);
    if cluster.is_some() {
        store = store.with_rereads();
    }
    // A group the daemon's user cannot give (not a member) is found now, not at the first job.
    store.share_dirs().map_err(|e| {
        Error::config(
            "output",
            format!("cannot give the client folders output.mode/output.group: {e} (the daemon's user must own them and belong to the group)"),
        )
    })?;
    let store = Arc::new(store);
    if let Some(p) = pid_file {
        crate::durable::write_atomic(p, format!("{}\n", std::process::id()).as_bytes())?;
    }
    // Handlers first: a signal during a long recovery is acted on once it is done, instead of
    // killing the process half-way (which would be safe, but wasteful).
    let mut signals = Signals::new([SIGTERM, SIGINT, SIGHUP])
        .map_err(|e| Error::internal(format!("cannot install signal handlers: {e}")))?;
    let notifier = Notifier::from_env();
    notifier.status("recovering the store");
    let rec = recovery::recover(&store, cfg, cluster.as_deref())?;
    let metrics_file = cfg.metrics.path(layout.root());
    if let Some(dir) = metrics_file.parent() {
        crate::durable::create_dir_all_durable(dir)?;
    }
    crate::durable::remove_temp_files_of(&metrics_file)?;
    let metrics = Arc::new(Metrics::load(&layout.counters_file()));
    let live = Arc::new(Live::new(
        layout.root().to_path_buf(),
        cfg.workers.count,
        metrics_file,
        metrics.clone(),
        rec.queued.len(),
    ));
    let health = Arc::new(Health::default());
    let (queue, dispatcher, jobs) = crate::queue::channel(cfg.workers.count, clock);
    for (id, at) in &rec.queued {
        queue.schedule(*id, *at);
    }
    tracing::info!(
        root = %layout.root().display(),
        lock = %lock.path.display(),
        workers = cfg.workers.count,
        temp_files = rec.temp_files,
        ingests_finished = rec.ingests_finished,
        ingests_pending = rec.ingests_pending,
        ingests_held = rec.ingests_held,
        requeued = rec.requeued,
        receipts_repaired = rec.receipts_repaired,
        queued = rec.queued.len(),
        jobs_read = rec.read,
        marked_final = rec.marked,
        sandbox = %threads::sandbox_state(cfg),
        host = %cluster.as_ref().map_or("", |c| c.host.as_str()),
        cluster = cluster.is_some(),
        "mdspool daemon started"
    );

    let (ev_tx, ev_rx) = crossbeam_channel::unbounded::<Event>();
    let sig_handle = signals.handle();
    let sig_events = ev_tx.clone();
    let sig_thread = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let mut n = 0;
            for signal in signals.forever() {
                let ev = if signal == SIGHUP {
                    Event::Reload
                } else {
                    n += 1;
                    Event::Signal { signal, n }
                };
                if sig_events.send(ev).is_err() {
                    break;
                }
            }
        })
        .map_err(|e| Error::internal(format!("cannot start signal thread: {e}")))?;

    let mut threads: Vec<(String, JoinHandle<()>)> = Vec::new();
    threads.push((
        "dispatcher".into(),
        threads::spawn("dispatcher", &ev_tx, &health, move |beat| {
            dispatcher.run_beating(beat);
            Ok(())
        })?,
    ));
    let control = Arc::new(Control::default());
    let settings: SharedSettings = Arc::new(RwLock::new(Arc::new(Settings {
        workers: cfg.workers.clone(),
        convert: cfg.convert.clone(),
        ocr: cfg.ocr.resolved(),
        outbox: cfg.watch.outbox_rule(),
    })));
    let child = ChildSpec::this_binary()
        .map_err(|e| Error::internal(format!("cannot find this program's path: {e}")))?;
    let ctx = Arc::new(WorkerCtx {
        store: store.clone(),
        settings: settings.clone(),
        control: control.clone(),
        queue: queue.clone(),
        jobs,
        child,
        metrics: metrics.clone(),
        cluster: cluster.clone(),
    });
    let mut workers = 0;
    for i in 1..=cfg.workers.count {
        let name = format!("worker-{i}");
        let c = ctx.clone();
        threads.push((
            name.clone(),
            threads::spawn(&name, &ev_tx, &health, move |beat| {
                crate::worker::run_worker(&c, beat)
            })?,
        ));
        workers += 1;
    }
    drop(ctx);

    // The watcher and the rescanner stop first (no new work); the sweeper and metrics last.
    let (intake_stop, intake_stop_rx) = crossbeam_channel::unbounded::<()>();
    let (sweep_stop, sweep_stop_rx) = crossbeam_channel::unbounded::<()>();
    let stops = threads::Stops {
        intake: intake_stop_rx,
        last: sweep_stop_rx,
    };
    if let Some(c) = &cluster {
        threads.extend(threads::start_cluster(
            c, &store, &queue, &ev_tx, &health, &stops,
        )?);
    }
    let started = threads::start_around_workers(
        cfg,
        &store,
        &queue,
        &live,
        &ev_tx,
        &health,
        stops,
        cluster.is_some(),
        rec.leftovers_before,
    )?;
    threads.extend(started);
    live.set_state("serving");
    live.write_logged(&store);
    notifier.send(&format!(
        "READY=1\nMAINPID={}\nSTATUS={}",
        std::process::id(),
        live.status_line()
    ));
    Ok(Daemon {
        lock,
        store,
        queue,
        control,
        settings,
        threads,
        workers,
        _events_tx: ev_tx,
        events: ev_rx,
        intake_stop: Some(intake_stop),
        sweep_stop,
        signals: sig_handle,
        signal_thread: sig_thread,
        health,
        live,
        notifier,
    })
}

impl Daemon {
    /// No new work: the watcher and the rescanner stop, the queue hands out nothing more, and the
    /// workers are told how to treat what runs.
    fn stop_intake(&mut self, mode: Mode) {
        self.control.escalate(mode);
        if self.intake_stop.take().is_some() {
            self.live.set_state("stopping");
            self.notifier
                .send(&format!("STOPPING=1\nSTATUS={}", self.live.status_line()));
            self.beat_file();
        }
        self.queue.shutdown();
    }

    /// Rewrites `state/daemon.json`; a failure is logged (once until it works again).
    fn beat_file(&self) {
        self.live.write_logged(&self.store);
    }
}

/// Reacts to signals, reloads and thread exits until every worker is gone after a stop.
fn serve(loaded: &Loaded, d: &mut Daemon) -> Ending {
    let cfg = &loaded.config;
    let mut phase = Phase::Serving;
    let mut deadline: Option<Instant> = None;
    let mut failed: Option<String> = None;
    let mut hard = false;
    let mut watch = watch::Watch::new(loaded, d);
    while !(phase == Phase::Stopping && d.workers == 0) {
        watch.run(d);
        let tick = deadline
            .map(|t| t.saturating_duration_since(Instant::now()))
            .unwrap_or(Duration::from_secs(1))
            .min(watch.tick());
        match d.events.recv_timeout(tick) {
            Ok(Event::Signal { signal, n }) if n == 1 && phase == Phase::Serving => {
                let grace = cfg.shutdown.grace.0;
                tracing::info!(
                    signal,
                    ?grace,
                    "stopping: running jobs may finish within the grace period (signal again to stop at once)"
                );
                d.stop_intake(Mode::Drain);
                phase = Phase::Stopping;
                deadline = Some(Instant::now() + grace);
            }
            Ok(Event::Signal { signal, n }) => {
                tracing::warn!(
                    signal,
                    n,
                    "stopping at once: running jobs stay `running` and are recovered at the next start"
                );
                d.stop_intake(Mode::Hard);
                phase = Phase::Stopping;
                hard = true;
            }
            Ok(Event::Reload) => reload::reload(loaded, &d.settings),
            Ok(Event::ThreadExited { name, error }) => {
                if name.starts_with("worker-") {
                    d.workers -= 1;
                }
                if error.is_some() || phase == Phase::Serving {
                    let why = error.unwrap_or_else(|| "ended unexpectedly".into());
                    tracing::error!(thread = %name, error = %why, "stopping: a thread failed");
                    failed.get_or_insert(format!("thread {name} stopped: {why}"));
                    d.stop_intake(Mode::Abort);
                    phase = Phase::Stopping;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if let Err(e) = d.store.check()
            && failed.is_none()
        {
            tracing::error!(error = %e, "stopping: the store failed");
            failed = Some(e.to_string());
            d.stop_intake(Mode::Abort);
            phase = Phase::Stopping;
        }
        if deadline.is_some_and(|t| Instant::now() >= t) {
            deadline = None;
            if d.control.mode() == Mode::Drain {
                tracing::warn!(
                    "grace period over: killing running conversions, their jobs go back to queued"
                );
                d.control.escalate(Mode::Abort);
            }
        }
    }
    Ending { failed, hard }
}

/// Stops the sweeper and the metrics thread, joins every thread, releases the lock, and says how
/// the daemon ended.
fn shutdown(d: Daemon, ending: Ending) -> Result<()> {
    drop(d.sweep_stop);
    for (name, t) in d.threads {
        if t.join().is_err() {
            tracing::error!(thread = %name, "thread panicked");
        }
    }
    d.signals.close();
    let _ = d.signal_thread.join();
    d.live.set_state("stopped");
    d.live.write_logged(&d.store);
    d.notifier.status("stopped");
    drop(d.lock);
    d.store.check()?;
    if let Some(reason) = ending.failed {
        return Err(Error::internal(reason));
    }
    if ending.hard {
        return Err(Error::Stopped {
            message: "stopped at once by a second signal; jobs left running are recovered at the next start".into(),
        });
    }
    tracing::info!("mdspool daemon stopped");
    Ok(())
}
