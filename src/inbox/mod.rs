//! The front door: the inbox watcher and the drop protocol (docs/protocol.md). A drop is
//! `NAME.pdf` plus an optional sidecar `NAME.pdf.idem` written last; it is claimed by rename into
//! `state/staging/<id>/`, checked, and admitted into the store or moved to `rejected/` with its
//! reason.

mod events;
pub mod fstype;
mod ingest;
pub mod names;
mod retry;
pub mod settle;
pub mod take;
pub mod validate;
mod watch;

use std::sync::Arc;

use crossbeam_channel::Receiver;

use crate::config::WatchConfig;
use crate::error::Result;
use crate::ids::JobId;
use crate::store::Store;

pub use events::NETWORK_POLL;
pub use ingest::INGEST_THREADS;
pub use take::TakeOutcome;
pub use watch::ORPHAN_AGE;

/// What the watcher thread needs from the daemon.
pub struct WatcherCtx {
    pub store: Arc<Store>,
    pub cfg: WatchConfig,
    /// Called with the id of every job the watcher creates (to queue it).
    pub submit: Box<dyn Fn(JobId) + Send>,
    /// A message or a disconnect asks the watcher to return.
    pub stop: Receiver<()>,
    /// Counts the drops taken and refused.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Beaten on every turn of the loop (at least once a second).
    pub beat: crate::health::Beat,
}

/// Runs the watcher until `ctx.stop` fires. Returns an error when the store has failed (no drop
/// is taken after that); a bad drop never stops it.
pub fn run_watcher(ctx: WatcherCtx) -> Result<()> {
    watch::run(ctx)
}

/// Finishes the ingest left in staging entry `id` by a crash (its job folder was not built yet):
/// the drop is checked and admitted or rejected as if it had just been claimed; a sidecar still in
/// the inbox is claimed with it, and so is a drop still in the inbox whose sidecar alone reached
/// the entry (the two renames of a claim are not fsynced: after a power cut the second may have
/// persisted without the first); an empty entry is removed. A job created here is `queued` in the
/// store (the caller queues queued jobs at startup).
pub fn recover_staged(store: &Store, cfg: &WatchConfig, id: JobId) -> Result<()> {
    let inbox = store.layout().inbox();
    take::claim_drop_of_sidecar(store, id, &inbox)?;
    let outcome = take::process_staged(store, cfg, id, Some(&inbox))?;
    tracing::info!(staging = %id, ?outcome, "interrupted ingest recovered");
    Ok(())
}
