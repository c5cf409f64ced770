//! `mdspool run`: the daemon. Flags here override the configuration file and environment.

use std::path::PathBuf;

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
    /// Write the daemon's pid to this file
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
    }
}

pub fn run(ctx: &Ctx, a: RunArgs) -> Result<i32> {
    crate::daemon::run(&ctx.loaded, a.pid_file.as_deref())?;
    Ok(exit::OK)
}
