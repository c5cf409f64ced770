//! `mdspool retry` and `mdspool cancel` (they change a manifest under its job lock; the running
//! daemon notices: a retried job within `workers.rescan`, a canceled running job within a fraction
//! of a second, as its worker polls the manifest while the child runs), and the hidden
//! `__convert-child` subcommand that runs one conversion inside the daemon's isolated child process
//! (and `__convert-server`'s arguments: a worker's persistent converter, `worker/serve.rs`).

use std::path::PathBuf;

use clap::Args;

use crate::cli::{Ctx, print_json};
use crate::code::Code;
use crate::error::{Error, Result, exit};
use crate::ids::JobId;
use crate::store::JobStatus;
use crate::worker::child::{ChildArgs, child_main};

#[derive(Debug, Args)]
#[command(after_help = crate::cli::help::JOB_CHANGE)]
pub struct RetryArgs {
    /// The failed job's id
    pub job_id: String,
    /// Print the manifest as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = crate::cli::help::JOB_CHANGE)]
pub struct CancelArgs {
    /// The queued or running job's id
    pub job_id: String,
    /// Print the manifest as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ChildCliArgs {
    #[arg(long)]
    pub input: PathBuf,
    #[arg(long)]
    pub output: PathBuf,
    #[arg(long, default_value_t = 1)]
    pub attempt: u32,
    /// The `[convert]` settings as JSON (default: this command's configuration)
    #[arg(long)]
    pub settings: Option<String>,
    /// The `[ocr]` settings as JSON (default: this command's configuration)
    #[arg(long)]
    pub ocr: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServerCliArgs {
    /// `strict` or `off` (`convert.sandbox`)
    #[arg(long, value_parser = parse_sandbox)]
    pub sandbox: crate::config::Sandbox,
    /// The root of the daemon it serves (only shown in process lists; it opens no file)
    #[arg(long)]
    pub serves: Option<PathBuf>,
}

fn parse_sandbox(s: &str) -> std::result::Result<crate::config::Sandbox, String> {
    serde_json::from_value(serde_json::Value::String(s.into())).map_err(|e| e.to_string())
}

/// `failed -> queued`, with a fresh attempt budget (`attempts` starts again from 0).
pub fn retry(ctx: &Ctx, a: RetryArgs) -> Result<i32> {
    let store = ctx.open_store()?;
    let id: JobId = a.job_id.parse()?;
    let m = store.transition(id, JobStatus::Queued, |m| {
        m.attempts = 0;
        m.next_attempt_at = None;
        m.error = None;
    })?;
    store.nudge();
    if a.json {
        print_json(&m);
    } else {
        say!("{} queued", m.job_id);
    }
    Ok(exit::OK)
}

/// `queued|running -> canceled`. A running conversion is killed by the daemon.
pub fn cancel(ctx: &Ctx, a: CancelArgs) -> Result<i32> {
    let store = ctx.open_store()?;
    let id: JobId = a.job_id.parse()?;
    let m = store.transition(id, JobStatus::Canceled, |m| {
        m.error = Some(crate::store::manifest::JobError {
            code: Code::Canceled,
            message: "canceled by `mdspool cancel`".into(),
        });
    })?;
    if a.json {
        print_json(&m);
    } else {
        say!("{} canceled", m.job_id);
    }
    Ok(exit::OK)
}

pub fn convert_child(ctx: &Ctx, a: ChildCliArgs) -> Result<i32> {
    let convert = match &a.settings {
        Some(json) => serde_json::from_str(json)
            .map_err(|e| Error::config("--settings", format!("invalid settings: {e}")))?,
        None => ctx.loaded.config.convert.clone(),
    };
    let ocr = match &a.ocr {
        Some(json) => serde_json::from_str(json)
            .map_err(|e| Error::config("--ocr", format!("invalid settings: {e}")))?,
        None => ctx.loaded.config.ocr.resolved(),
    };
    let args = ChildArgs {
        input: a.input,
        output: a.output,
        attempt: a.attempt,
        convert,
        ocr,
    };
    Ok(child_main(&args))
}
