//! The daemon's supervisor: takes the host lock, runs recovery, starts the named threads
//! (`dispatcher`, `worker-1..N`, `watcher`, `sweeper`, `rescanner`, `signals`) and reacts to their
//! [`Event`]s until it stops. Every thread is joined before [`run`] returns.
//!
//! Stopping (docs/design.md, "Shutdown"): the first SIGTERM/SIGINT stops the watcher and the
//! rescanner and tells the queue to hand out nothing more, lets the running attempts finish for up to
//! `shutdown.grace`, then kills what still runs and puts those jobs back to `queued`; exit 0. A second
//! signal kills the children at once and leaves their jobs `running` for the next start's recovery.
//! A failed store (or a thread that fails) stops everything the same way, with an error. SIGHUP
//! reloads the retry and conversion settings (`[workers]` but `count`, `[convert]`).

pub mod recovery;
pub mod scanner;

use std::path::Path;
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use signal_hook::iterator::backend::Handle as SignalsHandle;

use crate::clock::SystemClock;
use crate::config::Loaded;
use crate::error::{Error, Result};
use crate::queue::QueueHandle;
use crate::store::Store;
use crate::store::lock::HostLock;
use crate::worker::supervise::ChildSpec;
use crate::worker::{Control, Mode, Settings, SharedSettings, WorkerCtx};

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

fn spawn(
    name: &str,
    events: &Sender<Event>,
    f: impl FnOnce() -> Result<()> + Send + 'static,
) -> Result<JoinHandle<()>> {
    let events = events.clone();
    let tname = name.to_string();
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let error = match r {
                Ok(r) => r.err().map(|e| e.to_string()),
                Err(_) => Some("panicked".into()),
            };
            if let Some(e) = &error {
                tracing::error!(thread = %tname, error = %e, "thread failed");
            }
            let _ = events.send(Event::ThreadExited { name: tname, error });
        })
        .map_err(|e| Error::internal(format!("cannot start thread {name}: {e}")))
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
    /// Dropped to stop the sweeper (last).
    sweep_stop: Sender<()>,
    signals: SignalsHandle,
    signal_thread: JoinHandle<()>,
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
    let layout = loaded.layout();
    crate::durable::create_dir_all_durable(&layout.locks_dir())?;
    // Private before anything shows the daemon as running (the lock), not only once the store opens.
    crate::durable::make_private(&layout.state_dir())?;
    let lock = HostLock::acquire(&layout)?;
    let clock = Arc::new(SystemClock);
    let store = Arc::new(Store::open(
        layout.clone(),
        clock.clone(),
        cfg.retention.clone(),
    )?);
    if let Some(p) = pid_file {
        crate::durable::write_atomic(p, format!("{}\n", std::process::id()).as_bytes())?;
    }
    // Handlers first: a signal during a long recovery is acted on once it is done, instead of
    // killing the process half-way (which would be safe, but wasteful).
    let mut signals = Signals::new([SIGTERM, SIGINT, SIGHUP])
        .map_err(|e| Error::internal(format!("cannot install signal handlers: {e}")))?;
    let rec = recovery::recover(&store, cfg)?;
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
        requeued = rec.requeued,
        receipts_repaired = rec.receipts_repaired,
        queued = rec.queued.len(),
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
        spawn("dispatcher", &ev_tx, move || {
            dispatcher.run();
            Ok(())
        })?,
    ));
    let control = Arc::new(Control::default());
    let settings: SharedSettings = Arc::new(RwLock::new(Arc::new(Settings {
        workers: cfg.workers.clone(),
        convert: cfg.convert.clone(),
        ocr: cfg.ocr.resolved(),
        outbox: cfg.watch.outbox,
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
    });
    let mut workers = 0;
    for i in 1..=cfg.workers.count {
        let name = format!("worker-{i}");
        let c = ctx.clone();
        threads.push((
            name.clone(),
            spawn(&name, &ev_tx, move || crate::worker::run_worker(&c))?,
        ));
        workers += 1;
    }
    drop(ctx);

    // The watcher and the rescanner stop first (no new work); the sweeper last.
    let (intake_stop, intake_stop_rx) = crossbeam_channel::unbounded::<()>();
    let (sweep_stop, sweep_stop_rx) = crossbeam_channel::unbounded::<()>();
    let submit_queue = queue.clone();
    let w = crate::inbox::WatcherCtx {
        store: store.clone(),
        cfg: cfg.watch.clone(),
        submit: Box::new(move |id| submit_queue.schedule(id, None)),
        stop: intake_stop_rx.clone(),
    };
    threads.push((
        "watcher".into(),
        spawn("watcher", &ev_tx, move || crate::inbox::run_watcher(w))?,
    ));
    let scan = scanner::Scanner::new(store.clone(), queue.clone());
    let every = cfg.workers.rescan.0;
    threads.push((
        "rescanner".into(),
        spawn("rescanner", &ev_tx, move || scan.run(every, intake_stop_rx))?,
    ));
    let s = crate::sweeper::SweeperCtx {
        store: store.clone(),
        cfg: cfg.retention.clone(),
        stop: sweep_stop_rx,
    };
    threads.push((
        "sweeper".into(),
        spawn("sweeper", &ev_tx, move || crate::sweeper::run_sweeper(s))?,
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
    })
}

impl Daemon {
    /// No new work: the watcher and the rescanner stop, the queue hands out nothing more, and the
    /// workers are told how to treat what runs.
    fn stop_intake(&mut self, mode: Mode) {
        self.control.escalate(mode);
        self.intake_stop.take();
        self.queue.shutdown();
    }
}

/// Reacts to signals, reloads and thread exits until every worker is gone after a stop.
fn serve(loaded: &Loaded, d: &mut Daemon) -> Ending {
    let cfg = &loaded.config;
    let mut phase = Phase::Serving;
    let mut deadline: Option<Instant> = None;
    let mut failed: Option<String> = None;
    let mut hard = false;
    while !(phase == Phase::Stopping && d.workers == 0) {
        let tick = deadline
            .map(|t| t.saturating_duration_since(Instant::now()))
            .unwrap_or(Duration::from_secs(1))
            .min(Duration::from_secs(1));
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
            Ok(Event::Reload) => reload(loaded, &d.settings),
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

/// Stops the sweeper, joins every thread, releases the lock, and says how the daemon ended.
fn shutdown(d: Daemon, ending: Ending) -> Result<()> {
    drop(d.sweep_stop);
    for (name, t) in d.threads {
        if t.join().is_err() {
            tracing::error!(thread = %name, "thread panicked");
        }
    }
    d.signals.close();
    let _ = d.signal_thread.join();
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

/// SIGHUP: re-reads the configuration file and the environment; applies `[workers]` (but `count`)
/// and `[convert]` to the next attempts. Other sections need a restart; a bad file changes nothing.
fn reload(loaded: &Loaded, settings: &SharedSettings) {
    let sources = crate::config::Sources {
        root: Some(loaded.config.root.clone()),
        config_file: loaded.file.clone(),
        env: std::env::vars().collect(),
        flags: Vec::new(),
    };
    match crate::config::load(&sources) {
        Ok(new) => {
            let mut s = settings.write().unwrap_or_else(|e| e.into_inner());
            let mut workers = new.config.workers;
            workers.count = s.workers.count;
            *s = Arc::new(Settings {
                workers,
                convert: new.config.convert,
                ocr: new.config.ocr.resolved(),
                outbox: new.config.watch.outbox,
            });
            tracing::info!(settings = ?**s, "configuration reloaded ([workers] but count, [convert], watch.outbox; other settings need a restart)");
        }
        Err(e) => tracing::error!(error = %e, "configuration not reloaded"),
    }
}
