//! `mdspool run`: the daemon. Flags here override the configuration file and environment. With
//! `--pid-file`, the pid is written once the root is held and the file is removed on exit.

use std::path::{Path, PathBuf};

use clap::Args;
use toml::Value;

use crate::cli::Ctx;
use crate::error::{Result, exit};

#[derive(Debug, Args)]
#[command(after_help = crate::cli::help::RUN)]
pub struct RunArgs {
    /// Conversions at once [config: workers.count, default: number of CPUs]
    #[arg(long, value_name = "N")]
    pub workers: Option<u32>,
    /// Poll the inbox every DURATION instead of using native events, e.g. `2s` (for NFS/SMB) [config: watch.poll]
    #[arg(long, value_name = "DURATION")]
    pub poll: Option<String>,
    /// This daemon's name among several hosts sharing the root (docs/scale-out.md) [config: cluster.host_id, default: the hostname]
    #[arg(long, value_name = "NAME")]
    pub host_id: Option<String>,
    /// Write the daemon's pid to this file once it holds the root (removed again when it exits)
    #[arg(long, value_name = "FILE")]
    pub pid_file: Option<PathBuf>,
}

impl RunArgs {
    pub(crate) fn flags(&self, out: &mut Vec<(&'static str, &'static str, Value)>) {
        if let Some(n) = self.workers {
            out.push(("workers", "count", Value::Integer(n.into())));
        }
        if let Some(p) = &self.poll {
            out.push(("watch", "poll", Value::String(p.clone())));
        }
        if let Some(h) = &self.host_id {
            out.push(("cluster", "host_id", Value::String(h.clone())));
        }
    }
}

pub fn run(ctx: &Ctx, a: RunArgs) -> Result<i32> {
    let r = crate::daemon::run(&ctx.loaded, a.pid_file.as_deref());
    if let Some(p) = &a.pid_file {
        remove_pid_file(p);
    }
    r?;
    Ok(exit::OK)
}

/// Removes the pid file if it still names this process (never another daemon's: one that failed
/// to start, on a locked root, never wrote it).
fn remove_pid_file(p: &Path) {
    let ours = std::fs::read_to_string(p)
        .is_ok_and(|s| s.trim().parse::<u32>().ok() == Some(std::process::id()));
    if ours && let Err(e) = crate::fsx::remove_file(p) {
        tracing::warn!(path = %p.display(), error = %e, "cannot remove the pid file");
    }
}
