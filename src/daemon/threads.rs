//! Starting the daemon's named threads: [`spawn`] gives each its heartbeat and reports its end to
//! the supervisor; [`start_around_workers`] starts those besides the dispatcher and the workers
//! (`watcher`, `rescanner`, `sweeper`, `metrics`), each with what it needs.

use std::sync::Arc;
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};

use super::live::{self, Live};
use super::{Event, scanner};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::health::{Beat, Health};
use crate::queue::QueueHandle;
use crate::store::Store;

/// Starts thread `name` running `f` with its own heartbeat (registered in `health`).
pub(super) fn spawn(
    name: &str,
    events: &Sender<Event>,
    health: &Health,
    f: impl FnOnce(&Beat) -> Result<()> + Send + 'static,
) -> Result<JoinHandle<()>> {
    let events = events.clone();
    let tname = name.to_string();
    let beat = health.register(name);
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            crate::health::set_current(&beat);
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&beat)));
            beat.done();
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

/// What stops the threads of [`start_around_workers`]: a message or a disconnect.
pub(super) struct Stops {
    /// The watcher and the rescanner (first: no new work).
    pub intake: Receiver<()>,
    /// The sweeper and the metrics thread (last).
    pub last: Receiver<()>,
}

/// Several hosts on one root: starts `cluster` (heartbeat and lease renewals; stops last) and
/// `lease-watch` (takes over jobs whose holder stopped renewing; stops with the intake).
pub(super) fn start_cluster(
    cluster: &Arc<crate::cluster::Cluster>,
    store: &Arc<Store>,
    queue: &QueueHandle,
    ev_tx: &Sender<Event>,
    health: &Health,
    stops: &Stops,
) -> Result<Vec<(String, JoinHandle<()>)>> {
    let (c, s, stop) = (cluster.clone(), store.clone(), stops.last.clone());
    let renew = spawn("cluster", ev_tx, health, move |beat| {
        crate::cluster::renew::run(c, s, stop, beat)
    })?;
    let watch = crate::cluster::takeover::Watch::new(cluster.clone(), store.clone(), queue.clone());
    let stop = stops.intake.clone();
    let watch = spawn("lease-watch", ev_tx, health, move |beat| {
        watch.run(stop, beat)
    })?;
    Ok(vec![
        ("cluster".into(), renew),
        ("lease-watch".into(), watch),
    ])
}

/// Starts `watcher`, `rescanner`, `sweeper` and `metrics`. With `cluster`, the rescanner lists
/// every job at each look (other hosts queue work without touching this host's wake file). The
/// sweeper first walks the folders of finished jobs for temp files older than `leftovers_before`.
#[allow(clippy::too_many_arguments)]
pub(super) fn start_around_workers(
    cfg: &Config,
    store: &Arc<Store>,
    queue: &QueueHandle,
    live: &Arc<Live>,
    ev_tx: &Sender<Event>,
    health: &Health,
    stops: Stops,
    cluster: bool,
    leftovers_before: Option<std::time::SystemTime>,
) -> Result<Vec<(String, JoinHandle<()>)>> {
    let mut threads = Vec::new();
    let submit_queue = queue.clone();
    let intake_stop_rx = stops.intake.clone();
    let intake_stop_rx_2 = stops.intake;
    let (watch_cfg, watch_store, watch_metrics) =
        (cfg.watch.clone(), store.clone(), live.metrics.clone());
    threads.push((
        "watcher".into(),
        spawn("watcher", ev_tx, health, move |beat| {
            crate::inbox::run_watcher(crate::inbox::WatcherCtx {
                store: watch_store,
                cfg: watch_cfg,
                submit: Box::new(move |id| submit_queue.schedule(id, None)),
                stop: intake_stop_rx,
                metrics: watch_metrics,
                beat: beat.clone(),
            })
        })?,
    ));
    let mut scan = scanner::Scanner::new(store.clone(), queue.clone());
    if cluster {
        scan.look_every_tick();
    } else {
        scan.watch_for_hosts(cfg.cluster.host());
    }
    let every = cfg.workers.rescan.0;
    let scan_stop = intake_stop_rx_2;
    threads.push((
        "rescanner".into(),
        spawn("rescanner", ev_tx, health, move |beat| {
            scan.run(every, scan_stop, beat)
        })?,
    ));
    let (sweep_store, retention, sweep_rx) =
        (store.clone(), cfg.retention.clone(), stops.last.clone());
    threads.push((
        "sweeper".into(),
        spawn("sweeper", ev_tx, health, move |beat| {
            crate::sweeper::run_sweeper(crate::sweeper::SweeperCtx {
                store: sweep_store,
                cfg: retention,
                stop: sweep_rx,
                beat: beat.clone(),
                leftovers_before,
            })
        })?,
    ));
    let (m_store, m_live, every) = (store.clone(), live.clone(), cfg.metrics.interval.0);
    threads.push((
        "metrics".into(),
        spawn("metrics", ev_tx, health, move |beat| {
            live::run_metrics(live::MetricsCtx {
                store: m_store,
                live: m_live,
                every,
                stop: stops.last,
                beat: beat.clone(),
            })
        })?,
    ));
    Ok(threads)
}

/// `convert.sandbox` and what the kernel offers for it; warns (once, here) when `strict` cannot be
/// enforced whole.
pub(super) fn sandbox_state(cfg: &crate::config::Config) -> String {
    let probe = crate::worker::sandbox::Probe::now();
    match cfg.convert.sandbox() {
        crate::config::Sandbox::Off => format!("off ({probe})"),
        crate::config::Sandbox::Strict => {
            if let Some(m) = probe.missing() {
                tracing::warn!(sandbox = %probe, "convert.sandbox = strict, but {m} (docs/security.md)");
            }
            format!("strict ({probe})")
        }
    }
}
