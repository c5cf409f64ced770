//! The watcher loop. Events (inotify, or notify's `PollWatcher` on network file systems and with
//! `watch.poll`) are only hints: the directory listing is the truth. The inbox is listed in full at
//! startup, every `watch.rescan`, and at once when notify reports an overflow or an error.
//!
//! A PDF whose sidecar is present is taken at once; one without is taken once its size, mtime, ctime
//! and inode have stayed the same for `watch.settle`. An unsafe entry (symlink, FIFO...) waits the
//! same way for its sidecar before it is refused. Takes run on a few ingest threads, because each
//! costs several fsyncs and concurrent fsyncs share journal commits. The loop thread alone decides
//! what to take (a path is never handed out twice at once) and alone reports new jobs.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Sender, select};

use crate::code::Code;
use crate::config::WatchConfig;
use crate::error::{Error, Result};
use crate::ids::JobId;
use crate::inbox::WatcherCtx;
use crate::inbox::events::{Hint, aliases, start_notify};
use crate::inbox::ingest::{Done, INGEST_THREADS, MAX_BATCH, Task, ingest_thread};
use crate::inbox::names::Rules;
use crate::inbox::retry::Retries;
use crate::inbox::settle::Settling;
use crate::inbox::take::TakeOutcome;
use crate::store::Store;

mod consider;

/// A sidecar whose drop has not shown up for this long is moved to `rejected/` (`orphan_sidecar`).
pub const ORPHAN_AGE: Duration = Duration::from_secs(3600);

struct Loop {
    store: Arc<Store>,
    cfg: WatchConfig,
    rules: Rules,
    inbox: PathBuf,
    /// Other spellings of the inbox path that events may use (absolute, canonical).
    aliases: Vec<PathBuf>,
    tasks: Sender<Task>,
    /// PDFs without a sidecar, waiting to settle.
    settling: Settling,
    orphans: HashMap<PathBuf, Instant>,
    /// Settled PDFs that do not end like one (see `settle::cut_short`), warned about once.
    cut_short: HashSet<PathBuf>,
    in_flight: HashSet<PathBuf>,
    /// Drops decided on in this turn of the loop, handed out together at its end ([`Loop::flush`]).
    pending: Vec<(PathBuf, String)>,
    retry: Retries<PathBuf>,
    /// Staging entries whose take failed after the claim.
    stuck: Retries<JobId>,
    stuck_in_flight: HashSet<JobId>,
    metrics: Arc<crate::metrics::Metrics>,
}

impl Loop {
    fn dispatch(&mut self, dir: &Path, name: &str) {
        let path = dir.join(name);
        // Whatever happens next, this wait is over (nothing must stay due and spin the loop).
        self.settling.forget(&path);
        if self.in_flight.contains(&path) {
            return;
        }
        if self.retry.blocked(&path) {
            return;
        }
        self.orphans.remove(&path);
        self.cut_short.remove(&path);
        self.in_flight.insert(path);
        self.pending.push((dir.to_path_buf(), name.to_string()));
    }

    /// Hands out the drops of this turn in batches (group commit), spread over the ingest threads
    /// and at most `MAX_BATCH` each. Nothing waits for more drops: a lone drop goes at once.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let size = self
            .pending
            .len()
            .div_ceil(INGEST_THREADS)
            .clamp(1, MAX_BATCH);
        let mut all = std::mem::take(&mut self.pending).into_iter().peekable();
        while all.peek().is_some() {
            let _ = self
                .tasks
                .send(Task::Drops(all.by_ref().take(size).collect()));
        }
    }

    fn scan_dir(&mut self, dir: &Path) {
        let entries = match crate::durable::list_names(dir) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot list");
                return;
            }
        };
        for name in entries {
            crate::health::tick();
            self.consider(dir, &name);
        }
    }

    fn rescan(&mut self) {
        if !self.inbox.is_dir()
            && let Err(e) = crate::durable::create_dir_all_durable(&self.inbox)
        {
            tracing::warn!(error = %e, "cannot recreate the inbox");
        }
        let inbox = self.inbox.clone();
        self.scan_dir(&inbox);
        // Forget what vanished without an event.
        self.settling.retain(|p| p.symlink_metadata().is_ok());
        self.orphans.retain(|p, _| p.symlink_metadata().is_ok());
        self.cut_short.retain(|p| p.symlink_metadata().is_ok());
        let now = Instant::now();
        self.retry
            .retain(|p, at| at > now || p.symlink_metadata().is_ok());
    }

    fn hint(&mut self, paths: Vec<PathBuf>) {
        for p in paths {
            // Events name paths under the inbox as notify spells it: bring them back to ours.
            let p = self
                .aliases
                .iter()
                .find_map(|a| p.strip_prefix(a).ok().map(|rel| self.inbox.join(rel)))
                .unwrap_or(p);
            let (Some(dir), Some(name)) = (p.parent(), p.file_name()) else {
                continue;
            };
            let inside = dir == self.inbox || (self.cfg.recursive && dir.starts_with(&self.inbox));
            if inside {
                let name = name.to_string_lossy().into_owned();
                let dir = dir.to_path_buf();
                self.consider(&dir, &name);
            }
        }
    }

    /// Re-checks settling drops whose time has come, and retries due failures.
    fn tick(&mut self) {
        let due = self.settling.due();
        let retry = self.retry.due(|p| self.in_flight.contains(p));
        for p in due.iter().chain(&retry) {
            if let (Some(dir), Some(name)) = (p.parent(), p.file_name()) {
                let (dir, name) = (dir.to_path_buf(), name.to_string_lossy().into_owned());
                self.consider(&dir, &name);
            }
        }
        // What is still due now was not taken (gone, ignored, waiting for something else): drop
        // the wait, so that nothing due spins the loop. A later event or rescan looks again.
        for p in &due {
            self.settling.forget_if_due(p);
        }
        for p in retry {
            if !self.in_flight.contains(&p) {
                self.retry.forget(&p);
            }
        }
        for id in self.stuck.due(|id| self.stuck_in_flight.contains(id)) {
            self.stuck_in_flight.insert(id);
            let _ = self.tasks.send(Task::Staged(id));
        }
    }

    /// When the loop must wake up next at the latest.
    fn next_wake(&self, next_rescan: Instant) -> Instant {
        [
            Some(next_rescan),
            self.settling.next(),
            self.retry.next(|p| self.in_flight.contains(p)),
            self.stuck.next(|id| self.stuck_in_flight.contains(id)),
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(next_rescan)
    }

    /// Handles a finished take; returns the new job to report.
    fn done(&mut self, d: Done) -> Option<JobId> {
        if let Some(p) = &d.path {
            self.in_flight.remove(p);
        }
        if let Some(id) = d.staged {
            self.stuck_in_flight.remove(&id);
        }
        let what = d
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .or(d.staged.map(|id| format!("staging entry {id}")))
            .unwrap_or_default();
        match d.result {
            Ok(outcome) => {
                if let Some(p) = &d.path {
                    self.retry.succeeded(p);
                }
                if let Some(id) = d.staged {
                    self.stuck.succeeded(&id);
                }
                match outcome {
                    TakeOutcome::Created(id) => {
                        self.metrics.ingested();
                        tracing::info!(drop = %what, job = %id, "drop taken");
                        self.look_again(d.path.as_deref());
                        return Some(id);
                    }
                    TakeOutcome::Replayed(id) => {
                        tracing::info!(drop = %what, job = %id, "drop replays an existing job")
                    }
                    TakeOutcome::Conflict(id) => {
                        self.metrics.rejected(Code::IdempotencyConflict);
                        tracing::warn!(drop = %what, job = %id, code = %Code::IdempotencyConflict, "drop refused")
                    }
                    TakeOutcome::Rejected(code) => {
                        self.metrics.rejected(code);
                        tracing::warn!(drop = %what, code = %code, "drop refused")
                    }
                    TakeOutcome::Gone => {
                        tracing::debug!(drop = %what, "drop gone before it was taken")
                    }
                }
            }
            Err(e) => {
                tracing::warn!(drop = %what, error = %e, code = %e.code(), "cannot take drop; will retry");
                match (d.staged, &d.path) {
                    (Some(id), _) => self.stuck.failed(&id),
                    (None, Some(p)) => self.retry.failed(p),
                    (None, None) => {}
                }
            }
        }
        self.look_again(d.path.as_deref());
        None
    }

    /// A new drop of the same name may have arrived while this one was being taken (its events
    /// were skipped as in flight): look at the path once more.
    fn look_again(&mut self, path: Option<&Path>) {
        if let Some(p) = path
            && let (Some(dir), Some(name)) = (p.parent(), p.file_name())
            && p.symlink_metadata().is_ok()
        {
            let (dir, name) = (dir.to_path_buf(), name.to_string_lossy().into_owned());
            self.consider(&dir, &name);
        }
    }
}

/// The loop of [`crate::inbox::run_watcher`].
pub fn run(ctx: WatcherCtx) -> Result<()> {
    let inbox = ctx.store.layout().inbox();
    crate::durable::create_dir_all_durable(&inbox)?;
    let (hint_tx, hint_rx) = crossbeam_channel::unbounded::<Hint>();
    let watcher = start_notify(&inbox, &ctx.cfg, hint_tx);
    let (task_tx, task_rx) = crossbeam_channel::unbounded::<Task>();
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<Done>();
    let mut workers = Vec::new();
    for i in 0..INGEST_THREADS {
        let (store, cfg) = (ctx.store.clone(), ctx.cfg.clone());
        let (rx, tx) = (task_rx.clone(), done_tx.clone());
        let h = std::thread::Builder::new()
            .name(format!("ingest-{i}"))
            .spawn(move || ingest_thread(store, cfg, rx, tx))
            .map_err(|e| Error::internal(format!("cannot start ingest thread: {e}")))?;
        workers.push(h);
    }
    drop(done_tx);
    let mut lp = Loop {
        store: ctx.store.clone(),
        rules: Rules::new(&ctx.cfg.ignore),
        cfg: ctx.cfg.clone(),
        aliases: aliases(&inbox),
        inbox,
        tasks: task_tx,
        settling: Settling::default(),
        orphans: HashMap::new(),
        cut_short: HashSet::new(),
        in_flight: HashSet::new(),
        pending: Vec::new(),
        retry: Retries::default(),
        stuck: Retries::default(),
        stuck_in_flight: HashSet::new(),
        metrics: ctx.metrics.clone(),
    };
    let rescan_every = ctx.cfg.rescan.0;
    let mut next_rescan = Instant::now();
    let result = loop {
        ctx.beat.beat();
        crate::failpoint::hit("watcher.loop");
        if let Err(e) = lp.store.check() {
            break Err(e);
        }
        if Instant::now() >= next_rescan {
            lp.rescan();
            next_rescan = Instant::now() + rescan_every;
        }
        lp.tick();
        lp.flush();
        let wait = lp
            .next_wake(next_rescan)
            .saturating_duration_since(Instant::now());
        select! {
            recv(ctx.stop) -> _ => break Ok(()),
            recv(hint_rx) -> h => {
                let mut rescan = false;
                let mut paths = Vec::new();
                for h in h.into_iter().chain(hint_rx.try_iter()) {
                    match h {
                        Hint::Rescan => rescan = true,
                        Hint::Paths(p) => paths.extend(p),
                    }
                }
                if rescan {
                    next_rescan = Instant::now();
                } else {
                    paths.sort();
                    paths.dedup();
                    lp.hint(paths);
                }
            }
            recv(done_rx) -> d => {
                for d in d.into_iter().chain(done_rx.try_iter()) {
                    if let Some(id) = lp.done(d) {
                        (ctx.submit)(id);
                    }
                }
            }
            // At least once a second: the loop beats its heart.
            default(wait.clamp(Duration::from_millis(1), Duration::from_secs(1))) => {}
        }
    };
    drop(watcher);
    // Takes under way finish (each is bounded); what was not started stays in the inbox.
    let pending: Vec<Task> = task_rx.try_iter().collect();
    drop(pending);
    drop(lp.tasks);
    for h in workers {
        let _ = h.join();
    }
    for d in done_rx.try_iter() {
        if let Ok(TakeOutcome::Created(id)) = d.result {
            ctx.metrics.ingested();
            (ctx.submit)(id);
        }
    }
    result
}
