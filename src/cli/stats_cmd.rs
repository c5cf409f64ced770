//! `mdspool stats [--json]`: the figures of the daemon's metrics file, computed now by this command
//! from the store (a census of the jobs, free space) and the daemon's totals (`state/counters.json`,
//! as of its last write), so that it works whether a daemon runs or not. Changes nothing.

use std::sync::Arc;

use clap::Args;

use super::{Ctx, help};
use crate::clock::SystemClock;
use crate::error::{Error, Result, exit};
use crate::health::Beat;
use crate::metrics::census::Census;
use crate::metrics::{DaemonFile, Metrics, Snapshot, prom};
use crate::store::Store;

#[derive(Debug, Args)]
#[command(after_help = help::STATS)]
pub struct StatsArgs {
    /// Print the figures as JSON instead of the Prometheus text format
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, a: StatsArgs) -> Result<i32> {
    let cfg = &ctx.loaded.config;
    let layout = ctx.loaded.layout();
    if !layout.root().is_dir() {
        let e = std::io::Error::new(std::io::ErrorKind::NotFound, "no storage root here");
        return Err(Error::io(layout.root(), e));
    }
    let store = Store::inspect(layout.clone(), Arc::new(SystemClock), cfg.retention.clone());
    let counts = Census::default().scan(&store, &Beat::unwatched())?;
    let counters = Metrics::load(&layout.counters_file()).counters();
    let daemon =
        DaemonFile::read(&layout.daemon_file()).filter(|d| d.is_live(cfg.metrics.interval.0));
    let up = daemon.is_some();
    let snap = Snapshot::new(layout.root(), &counts, counters, daemon, up);
    if a.json {
        super::print_json(&snap);
    } else {
        super::out(prom::render(&snap).trim_end());
    }
    Ok(exit::OK)
}
