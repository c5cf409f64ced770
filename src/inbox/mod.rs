//! The front door: the inbox watcher and the drop protocol. (Being built: the watcher currently
//! takes nothing.)

use std::sync::Arc;

use crossbeam_channel::Receiver;

use crate::config::WatchConfig;
use crate::error::Result;
use crate::ids::JobId;
use crate::store::Store;

/// What the watcher thread needs from the daemon.
pub struct WatcherCtx {
    pub store: Arc<Store>,
    pub cfg: WatchConfig,
    /// Called with the id of every job the watcher creates (to queue it).
    pub submit: Box<dyn Fn(JobId) + Send>,
    /// A message or a disconnect asks the watcher to return.
    pub stop: Receiver<()>,
}

/// Runs the watcher until `ctx.stop` fires.
pub fn run_watcher(ctx: WatcherCtx) -> Result<()> {
    let _ = ctx.stop.recv();
    Ok(())
}

/// Finishes or rolls back the ingest left in staging entry `id` by a crash (its job folder was not
/// built yet). Called by recovery before the watcher starts.
pub fn recover_staged(store: &Store, cfg: &WatchConfig, id: JobId) -> Result<()> {
    let _ = (store, cfg, id);
    Ok(())
}
