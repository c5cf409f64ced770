//! The daemon: takes the host lock, recovers, starts the named threads (watcher, sweeper) and
//! supervises them until a signal. First SIGTERM/SIGINT drains, a second stops at once. Every
//! thread is joined before `run` returns.

pub mod recovery;

use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::clock::SystemClock;
use crate::config::Loaded;
use crate::error::{Error, Result};
use crate::ids::JobId;
use crate::store::Store;
use crate::store::lock::HostLock;

/// Events the supervisor reacts to.
#[derive(Debug)]
pub enum Event {
    /// SIGTERM or SIGINT (`n`-th one received).
    Signal { signal: i32, n: u32 },
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
            let error = f().err().map(|e| e.to_string());
            if let Some(e) = &error {
                tracing::error!(thread = %tname, error = %e, "thread failed");
            }
            let _ = events.send(Event::ThreadExited { name: tname, error });
        })
        .map_err(|e| Error::internal(format!("cannot start thread {name}: {e}")))
}

pub fn run(loaded: &Loaded, pid_file: Option<&Path>) -> Result<()> {
    let cfg = &loaded.config;
    let layout = loaded.layout();
    crate::fsx::create_dir_all_durable(&layout.locks_dir())?;
    let lock = HostLock::acquire(&layout)?;
    let store = Arc::new(Store::open(
        layout.clone(),
        Arc::new(SystemClock),
        cfg.retention.clone(),
    )?);
    if let Some(p) = pid_file {
        crate::fsx::write_atomic(p, format!("{}\n", std::process::id()).as_bytes())?;
    }
    let rec = recovery::recover(&store, cfg)?;
    tracing::info!(root = %layout.root().display(), lock = %lock.path.display(), ?rec, "mdspool daemon started");

    let (ev_tx, ev_rx) = crossbeam_channel::unbounded::<Event>();
    let (stop_tx, stop_rx) = crossbeam_channel::unbounded::<()>();
    let (job_tx, _job_rx): (Sender<JobId>, Receiver<JobId>) = crossbeam_channel::unbounded();

    let mut signals = Signals::new([SIGTERM, SIGINT])
        .map_err(|e| Error::internal(format!("cannot install signal handlers: {e}")))?;
    let sig_handle = signals.handle();
    let sig_events = ev_tx.clone();
    let sig_thread = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for (i, signal) in signals.forever().enumerate() {
                let n = i as u32 + 1;
                if sig_events.send(Event::Signal { signal, n }).is_err() {
                    break;
                }
            }
        })
        .map_err(|e| Error::internal(format!("cannot start signal thread: {e}")))?;

    let mut threads = Vec::new();
    let w = crate::inbox::WatcherCtx {
        store: store.clone(),
        cfg: cfg.watch.clone(),
        submit: Box::new(move |id| {
            let _ = job_tx.send(id);
        }),
        stop: stop_rx.clone(),
    };
    threads.push(spawn("watcher", &ev_tx, move || {
        crate::inbox::run_watcher(w)
    })?);
    let s = crate::sweeper::SweeperCtx {
        store: store.clone(),
        cfg: cfg.retention.clone(),
        stop: stop_rx.clone(),
    };
    threads.push(spawn("sweeper", &ev_tx, move || {
        crate::sweeper::run_sweeper(s)
    })?);

    let mut failed = None;
    match ev_rx.recv() {
        Ok(Event::Signal { signal, n }) => {
            tracing::info!(signal, n, "signal received, shutting down");
        }
        Ok(Event::ThreadExited { name, error }) => {
            failed = Some(format!(
                "thread {name} stopped: {}",
                error.unwrap_or_default()
            ));
        }
        Err(_) => {}
    }
    drop(stop_tx);
    for t in threads {
        let _ = t.join();
    }
    sig_handle.close();
    let _ = sig_thread.join();
    drop(lock);
    match failed {
        Some(reason) => Err(Error::internal(reason)),
        None => Ok(()),
    }
}
