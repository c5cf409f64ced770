//! Retention: the sweeper removes raw inputs after `retention.raw`, whole job folders (with their
//! idempotency record and receipt) after `retention.artifacts` / `retention.failed`, refused drops
//! after `retention.rejected`, outbox files after `retention.outbox` (by modification time) and
//! tombstones after `retention.tombstones`; pinned, queued and
//! running jobs are never touched. The policy is the pure [`policy::plan`]; [`index`] keeps the
//! deadlines in memory; [`apply`] carries actions out crash-safely. The daemon runs
//! [`run_sweeper`] in its `sweeper` thread, which first finishes start-up recovery in the
//! background ([`leftovers`]); `mdspool sweep` runs one [`Sweeper::pass`].

pub mod apply;
pub mod index;
pub mod leftovers;
pub mod policy;

use std::sync::{Arc, Mutex, MutexGuard};

use crossbeam_channel::Receiver;
use serde::Serialize;

use crate::config::RetentionConfig;
use crate::error::{Error, Result};
use crate::store::Store;
use apply::SweepOutcome;
use index::{Index, ManifestVersion};
use policy::{Action, JobDeadline, Policy};

/// What the sweeper thread needs from the daemon.
pub struct SweeperCtx {
    pub store: Arc<Store>,
    pub cfg: RetentionConfig,
    /// A message or a disconnect asks the sweeper to return.
    pub stop: Receiver<()>,
    /// Beaten while it waits and after each action.
    pub beat: crate::health::Beat,
    /// From start-up recovery: walk the folders of finished jobs for temp files older than this
    /// before the first pass ([`leftovers`]).
    pub leftovers_before: Option<std::time::SystemTime>,
}

/// Runs the sweeper until `ctx.stop` fires: a pass at once (which also finishes deletions left in
/// `state/trash/` by a crash), then one every `retention.sweep_interval`.
pub fn run_sweeper(ctx: SweeperCtx) -> Result<()> {
    if let Some(before) = ctx.leftovers_before {
        let t = std::time::Instant::now();
        match leftovers::walk(&ctx.store, before, &ctx.beat, &ctx.stop) {
            Ok(w) if w.stopped => return Ok(()),
            Ok(w) => tracing::info!(
                jobs = w.jobs,
                temp_files = w.temp_files,
                stale_marks = w.stale_marks,
                ms = t.elapsed().as_millis() as u64,
                "start-up walk of finished jobs done"
            ),
            Err(e) => tracing::error!(error = %e, "start-up walk of finished jobs failed"),
        }
    }
    let mut sweeper = Sweeper::start(ctx.store.clone(), &ctx.cfg)?;
    sweeper.beat = ctx.beat.clone();
    tracing::info!(jobs = sweeper.indexed(), "sweeper started");
    loop {
        match sweeper.pass(false) {
            Ok(r) if r.entries.is_empty() => tracing::debug!("sweep: nothing due"),
            Ok(r) => {
                for e in &r.entries {
                    match &e.error {
                        Some(err) => {
                            tracing::warn!(action = e.action, subject = %e.subject, error = %err, "sweep action failed")
                        }
                        None => {
                            tracing::info!(action = e.action, subject = %e.subject, outcome = %e.outcome, "swept")
                        }
                    }
                }
            }
            Err(e) => tracing::error!(error = %e, "sweep pass failed"),
        }
        if !crate::health::wait(&ctx.stop, ctx.cfg.sweep_interval.0, &ctx.beat) {
            return Ok(());
        }
    }
}

/// One line of a pass report.
#[derive(Debug, Serialize)]
pub struct ReportEntry {
    pub action: &'static str,
    /// Job id, or the note's file name for `remove_rejected`.
    pub subject: String,
    /// `done`, `planned` (dry run), `skipped: <why>` or `failed`.
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip)]
    pub failure: Option<Error>,
}

/// What one pass did (or, dry, would do).
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub dry_run: bool,
    pub entries: Vec<ReportEntry>,
}

impl Report {
    /// The first failure, if any.
    pub fn first_error(&self) -> Option<&Error> {
        self.entries.iter().find_map(|e| e.failure.as_ref())
    }
}

/// The sweeper: the store, the policy and the in-memory index kept current by a store observer.
pub struct Sweeper {
    store: Arc<Store>,
    policy: Policy,
    index: Arc<Mutex<Index>>,
    /// Whether the folders the index mirrors changed since the last pass.
    watched: Mutex<index::Watched>,
    beat: crate::health::Beat,
}

impl Sweeper {
    /// Registers the index as a store observer, then builds it from the manifests.
    pub fn start(store: Arc<Store>, cfg: &RetentionConfig) -> Result<Sweeper> {
        let index = Arc::new(Mutex::new(Index::default()));
        let (idx, layout) = (index.clone(), store.layout().clone());
        store.observe(Arc::new(move |m| {
            let stamp = ManifestVersion::of(&layout.manifest(m.job_id));
            lock(&idx).upsert(JobDeadline::of(m), stamp);
        }));
        // Read outside the lock so that observers never wait for a full read of the manifests.
        let built = Index::build(&store)?;
        lock(&index).merge_missing(built);
        Ok(Sweeper {
            watched: Mutex::new(index::Watched::new(&store)),
            store,
            policy: Policy::from_config(cfg),
            index,
            beat: crate::health::Beat::unwatched(),
        })
    }

    /// Jobs in the index.
    pub fn indexed(&self) -> usize {
        lock(&self.index).len()
    }

    /// What is due now, from the index alone (no I/O).
    pub fn plan(&self) -> Vec<Action> {
        let now = self.store.now();
        let idx = lock(&self.index);
        let mut actions = policy::plan(idx.deadlines(), now, &self.policy);
        actions.extend(policy::plan_tombstones(idx.tombstones(), now, &self.policy));
        actions.extend(policy::plan_rejected(&idx.rejected(), now, &self.policy));
        actions
    }

    /// One pass: finish `state/trash/`, bring the index up to date, plan, apply. With `dry_run`,
    /// nothing is changed and the report lists what would be done.
    pub fn pass(&self, dry_run: bool) -> Result<Report> {
        self.store.check()?;
        let mut actions: Vec<Action> = apply::trash_ids(&self.store)?
            .into_iter()
            .map(Action::FinishTrash)
            .collect();
        let changed = self
            .watched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .changed()?;
        if changed {
            let listing = index::Listing::read(&self.store)?;
            lock(&self.index).update(&self.store, listing)?;
        } else {
            lock(&self.index).recheck(&self.store)?;
        }
        actions.extend(self.plan());
        // The outbox is read on each pass (files, not jobs: nothing to keep in the index).
        let outbox: Vec<_> = crate::store::outbox::listing(&self.store)?
            .into_iter()
            .map(|(n, t)| (n, chrono::DateTime::<chrono::Utc>::from(t)))
            .collect();
        actions.extend(policy::plan_outbox(&outbox, self.store.now(), &self.policy));
        let mut report = Report {
            dry_run,
            entries: Vec::new(),
        };
        for a in actions {
            self.beat.beat();
            let (outcome, failure) = if dry_run {
                ("planned".to_string(), None)
            } else {
                match self.apply(&a) {
                    Ok(SweepOutcome::Done) => ("done".to_string(), None),
                    Ok(SweepOutcome::Skipped(why)) => (format!("skipped: {why}"), None),
                    Err(e) => ("failed".to_string(), Some(e)),
                }
            };
            report.entries.push(ReportEntry {
                action: a.kind(),
                subject: a.subject(),
                outcome,
                error: failure.as_ref().map(|e| format!("{}: {e}", e.code())),
                failure,
            });
        }
        Ok(report)
    }

    /// Carries out one action and records its effect in the index.
    fn apply(&self, a: &Action) -> Result<SweepOutcome> {
        let s = &*self.store;
        let now = s.now();
        match a {
            Action::RemoveRaw(id) | Action::Expire(id) => {
                let (outcome, m) = match a {
                    Action::RemoveRaw(_) => apply::remove_raw(s, &self.policy, *id)?,
                    _ => apply::expire(s, &self.policy, *id)?,
                };
                let mut idx = lock(&self.index);
                match (&outcome, m) {
                    (SweepOutcome::Done, _) if matches!(a, Action::Expire(_)) => {
                        idx.forget_job(*id);
                        idx.add_tombstone(*id, now);
                    }
                    (_, Some(m)) => {
                        let stamp = ManifestVersion::of(&s.layout().manifest(*id));
                        idx.upsert(JobDeadline::of(&m), stamp);
                    }
                    (_, None) => idx.forget_job(*id),
                }
                Ok(outcome)
            }
            Action::FinishTrash(id) => apply::finish_trash(s, *id),
            Action::DropTombstone(id) => {
                let o = apply::drop_tombstone(s, *id)?;
                if o == SweepOutcome::Done {
                    lock(&self.index).forget_tombstone(*id);
                }
                Ok(o)
            }
            Action::RemoveOutbox(name) => {
                crate::store::outbox::remove(s, name)?;
                Ok(SweepOutcome::Done)
            }
            Action::RemoveRejected(note) => {
                let o = apply::remove_rejected(s, note)?;
                lock(&self.index).forget_rejected(note);
                Ok(o)
            }
        }
    }
}

fn lock(m: &Mutex<Index>) -> MutexGuard<'_, Index> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
