//! The command line: argument definitions (clap) and dispatch. Each command group lives in its own
//! file; every command returns `Result<i32>` and errors are rendered here, as one human line on
//! stderr or, with `--json`, as `{"error": {"code", "message"}}` on stdout, with the exit code of
//! [`crate::error::exit`].

/// `println!` that tolerates a closed stdout.
macro_rules! say {
    ($($t:tt)*) => { $crate::cli::out(&format!($($t)*)) };
}

mod config_cmd;
mod convert_batch;
mod convert_cmd;
mod convert_inputs;
mod doctor_cmd;
pub(crate) mod help;
mod jobs;
mod list_cmd;
mod retention_cmd;
mod run_cmd;
mod stats_cmd;
mod submit_cmd;
mod submit_inbox;
mod submit_wait;
mod worker_cmd;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::{self, Loaded, LogFormat, Sources};
use crate::error::{Result, exit};

#[derive(Debug, Parser)]
#[command(
    name = "mdspool",
    version,
    about = "A durable spool daemon: PDFs dropped into <root>/inbox/ become Markdown in <root>/jobs/<id>/artifacts/",
    after_help = help::ALL
)]
pub struct Cli {
    /// Storage root [env: CONVERTER_STORAGE_ROOT, alias SIR_CONVERT_A_LOT_DATA_DIR] [default: ./mdspool-data]
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Configuration file [default: <root>/mdspool.toml when present]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log format on stderr
    #[arg(long, global = true, value_enum)]
    pub log_format: Option<LogFormat>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon: watch the inbox, convert, keep the store tidy (Ctrl-C drains, twice stops)
    Run(run_cmd::RunArgs),
    /// Add local PDFs as jobs: dropped into the inbox and acknowledged by the daemon when one
    /// serves the root, else straight into the store (the files are copied, and one the inbox
    /// would refuse is refused the same way); --wait follows them to their end
    Submit(submit_cmd::SubmitArgs),
    /// Show one job by id, or by idempotency key
    Status(jobs::StatusArgs),
    /// List jobs (or refused drops), filtered by source name, status or error code
    List(list_cmd::ListArgs),
    /// Print the resolved configuration and where it came from
    Config(config_cmd::ConfigArgs),
    /// Convert one PDF to Markdown with the daemon's engine; or many (files, directories) into a
    /// directory, each in a limited child process, with progress and a summary
    Convert(convert_cmd::ConvertArgs),
    /// Apply retention now, once, and print what was removed (safe beside a running daemon)
    Sweep(retention_cmd::SweepArgs),
    /// Exempt a job from retention
    Pin(retention_cmd::PinArgs),
    /// End a job's exemption from retention
    Unpin(retention_cmd::PinArgs),
    /// Queue a failed job again (the running daemon picks it up within workers.rescan)
    Retry(worker_cmd::RetryArgs),
    /// Cancel a queued or running job (a running conversion is killed)
    Cancel(worker_cmd::CancelArgs),
    /// Check the root and say what to do about each problem; --fix repairs what is safe
    Doctor(doctor_cmd::DoctorArgs),
    /// Print the metrics (jobs by status, queue, totals by code, conversion times, disk) in the
    /// Prometheus text format, daemon or not
    Stats(stats_cmd::StatsArgs),
    /// Internal: one conversion inside the daemon's isolated child process
    #[command(name = "__convert-child", hide = true)]
    ConvertChild(worker_cmd::ChildCliArgs),
    /// Internal: a worker's persistent converter (jobs on stdin, answers on stdout)
    #[command(name = "__convert-server", hide = true)]
    ConvertServer(worker_cmd::ServerCliArgs),
}

/// Settings shared by every command.
pub struct Ctx {
    pub loaded: Loaded,
}

impl Ctx {
    pub fn open_store(&self) -> Result<crate::store::Store> {
        let share = self.loaded.config.output.share()?;
        Ok(crate::store::Store::open(
            self.loaded.layout(),
            std::sync::Arc::new(crate::clock::SystemClock),
            self.loaded.config.retention.clone(),
        )?
        .with_share(share))
    }
}

/// Entry point of the binary; returns the process exit code.
pub fn main() -> i32 {
    run(std::env::args_os())
}

/// Parses `args` and runs the command.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
        }
    };
    let json = cli.command.wants_json();
    let mut flags = Vec::new();
    if let Some(f) = cli.log_format {
        let v = if f == LogFormat::Json {
            "json"
        } else {
            "human"
        };
        flags.push(("log", "format", toml::Value::String(v.into())));
    }
    if let Command::Run(r) = &cli.command {
        r.flags(&mut flags);
    }
    let sources = Sources {
        root: cli.root.clone(),
        config_file: cli.config.clone(),
        env: std::env::vars().collect(),
        flags,
    };
    let result = config::load(&sources).and_then(|loaded| {
        crate::logging::init(loaded.config.log.format, &loaded.config.log.level);
        crate::logging::install_panic_hook();
        let ctx = Ctx { loaded };
        match cli.command {
            Command::Run(a) => run_cmd::run(&ctx, a),
            Command::Submit(a) => submit_cmd::submit(&ctx, a),
            Command::Status(a) => jobs::status(&ctx, a),
            Command::List(a) => list_cmd::list(&ctx, a),
            Command::Config(a) => config_cmd::run(&ctx, a),
            Command::Convert(a) => convert_cmd::run(&ctx, a),
            Command::Sweep(a) => retention_cmd::sweep(&ctx, a),
            Command::Pin(a) => retention_cmd::pin(&ctx, a, true),
            Command::Unpin(a) => retention_cmd::pin(&ctx, a, false),
            Command::Retry(a) => worker_cmd::retry(&ctx, a),
            Command::Cancel(a) => worker_cmd::cancel(&ctx, a),
            Command::Doctor(a) => doctor_cmd::run(&ctx, a),
            Command::Stats(a) => stats_cmd::run(&ctx, a),
            Command::ConvertChild(a) => worker_cmd::convert_child(&ctx, a),
            Command::ConvertServer(a) => Ok(crate::worker::serve::server_main(a.sandbox)),
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            if json {
                out(&e.to_json().to_string());
            } else {
                eprintln!("mdspool: error[{}]: {e}", e.code());
            }
            e.exit_code()
        }
    }
}

impl Command {
    fn wants_json(&self) -> bool {
        match self {
            Command::Submit(a) => a.json,
            Command::Status(a) => a.json,
            Command::List(a) => a.json,
            Command::Config(a) => a.json,
            Command::Sweep(a) => a.json,
            Command::Pin(a) | Command::Unpin(a) => a.json,
            Command::Retry(a) => a.json,
            Command::Cancel(a) => a.json,
            Command::Doctor(a) => a.json,
            Command::Stats(a) => a.json,
            _ => false,
        }
    }
}

/// Prints a value as pretty JSON on stdout.
pub(crate) fn print_json(v: &impl serde::Serialize) {
    out(&serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into()));
}

/// Prints a line on stdout; a closed pipe (`mdspool list | head`) is not an error.
pub(crate) fn out(line: &str) {
    use std::io::Write;
    let mut so = std::io::stdout().lock();
    let _ = writeln!(so, "{line}");
}
