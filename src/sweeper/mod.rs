//! Retention. (Being built: the sweeper thread currently removes nothing.)

use std::sync::Arc;

use crossbeam_channel::Receiver;

use crate::config::RetentionConfig;
use crate::error::Result;
use crate::store::Store;

/// What the sweeper thread needs from the daemon.
pub struct SweeperCtx {
    pub store: Arc<Store>,
    pub cfg: RetentionConfig,
    /// A message or a disconnect asks the sweeper to return.
    pub stop: Receiver<()>,
}

/// Runs the sweeper until `ctx.stop` fires.
pub fn run_sweeper(ctx: SweeperCtx) -> Result<()> {
    let _ = ctx.stop.recv();
    Ok(())
}
