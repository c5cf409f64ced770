//! The daemon: takes the host lock, recovers, then runs until a signal. First SIGTERM/SIGINT drains,
//! a second stops at once.

pub mod recovery;

use std::path::Path;
use std::sync::Arc;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::clock::SystemClock;
use crate::config::Loaded;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::lock::HostLock;

pub fn run(loaded: &Loaded, pid_file: Option<&Path>) -> Result<()> {
    let layout = loaded.layout();
    crate::fsx::create_dir_all_durable(&layout.locks_dir())?;
    let lock = HostLock::acquire(&layout)?;
    let store = Store::open(
        layout.clone(),
        Arc::new(SystemClock),
        loaded.config.retention.clone(),
    )?;
    if let Some(p) = pid_file {
        crate::fsx::write_atomic(p, format!("{}\n", std::process::id()).as_bytes())?;
    }
    let rec = recovery::recover(&store)?;
    tracing::info!(root = %layout.root().display(), lock = %lock.path.display(), ?rec, "mdspool daemon started");
    let mut signals = Signals::new([SIGTERM, SIGINT])
        .map_err(|e| Error::internal(format!("cannot install signal handlers: {e}")))?;
    if let Some(sig) = signals.forever().next() {
        tracing::info!(signal = sig, "shutting down");
    }
    Ok(())
}
