//! `mdspool doctor [--fix] [--json] [--pid-file FILE]`: prints what `crate::doctor` found, one
//! finding a line (or as JSON), and exits by whether problems remain.

use std::path::PathBuf;

use clap::Args;

use super::{Ctx, help};
use crate::doctor::{self, Options, Severity};
use crate::error::{Result, exit};

#[derive(Debug, Args)]
#[command(after_help = help::DOCTOR)]
pub struct DoctorArgs {
    /// Repair what is safe (folders, debris of interrupted runs, receipts, modes)
    #[arg(long)]
    pub fix: bool,
    /// Print the findings as a JSON array of {code, severity, path, message, fixed}
    #[arg(long)]
    pub json: bool,
    /// The daemon's pid file (as given to `mdspool run --pid-file`), checked for a dead process
    #[arg(long, value_name = "FILE")]
    pub pid_file: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, a: DoctorArgs) -> Result<i32> {
    let opts = Options {
        fix: a.fix,
        pid_file: a.pid_file,
    };
    let found = doctor::run(&ctx.loaded, &opts)?;
    if a.json {
        super::print_json(&found);
    } else {
        for f in &found {
            let sev = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let fixed = if f.fixed { " (fixed)" } else { "" };
            say!("{sev}[{}]{fixed}: {}: {}", f.code, f.path, f.message);
        }
        let left = found.iter().filter(|f| f.is_problem()).count();
        if left == 0 {
            say!("healthy: {}", ctx.loaded.layout().root().display());
        } else {
            say!("{left} problem(s) remain");
        }
    }
    Ok(if found.iter().any(|f| f.is_problem()) {
        exit::STORAGE
    } else {
        exit::OK
    })
}
