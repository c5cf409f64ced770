//! `mdspool sweep` (one retention pass, now, printing what it removes) and `mdspool pin` /
//! `unpin` (exempt a job from retention, or end the exemption). All are safe beside a running
//! daemon: every change to a job is made under its job lock, and the deletion steps tolerate a
//! second sweeper.

use std::sync::Arc;

use clap::Args;

use crate::cli::{Ctx, print_json};
use crate::error::{Result, exit};
use crate::ids::JobId;
use crate::sweeper::Sweeper;

#[derive(Debug, Args)]
#[command(after_help = crate::cli::help::SWEEP)]
pub struct SweepArgs {
    /// Only print what would be removed
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON: {"dry_run", "entries": [{"action", "subject", "outcome", "error"?}]}
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = crate::cli::help::JOB_CHANGE)]
pub struct PinArgs {
    /// The job id (a UUID, as in jobs/<id>/)
    pub job_id: String,
    /// Print the manifest as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn sweep(ctx: &Ctx, a: SweepArgs) -> Result<i32> {
    let store = Arc::new(ctx.open_store()?);
    let sweeper = Sweeper::start(store, &ctx.loaded.config.retention)?;
    let report = sweeper.pass(a.dry_run)?;
    if a.json {
        print_json(&report);
    } else {
        for e in &report.entries {
            match &e.error {
                Some(err) => say!("{:<15}  {}  {} ({err})", e.action, e.subject, e.outcome),
                None => say!("{:<15}  {}  {}", e.action, e.subject, e.outcome),
            }
        }
        if report.entries.is_empty() {
            eprintln!("mdspool: nothing is due for removal");
        }
    }
    Ok(report.first_error().map_or(exit::OK, |e| e.exit_code()))
}

/// Sets or clears the pin of a job.
pub fn pin(ctx: &Ctx, a: PinArgs, pinned: bool) -> Result<i32> {
    let id: JobId = a.job_id.parse()?;
    let store = ctx.open_store()?;
    let m = store.update(id, |m| {
        m.pinned = pinned;
        Ok(())
    })?;
    if a.json {
        print_json(&m);
    } else {
        say!(
            "{} {}",
            if pinned { "pinned" } else { "unpinned" },
            m.job_id
        );
    }
    Ok(exit::OK)
}
