//! Configuration: built-in defaults, then a TOML file (`--config FILE`, else `<root>/mdspool.toml`
//! when present), then environment variables `MDSPOOL_<SECTION>_<KEY>` (for example
//! `MDSPOOL_WORKERS_COUNT=4`), then command-line flags, each overriding the one before. The storage
//! root comes from `--root`, else `CONVERTER_STORAGE_ROOT`, else its alias
//! `SIR_CONVERT_A_LOT_DATA_DIR`, else `root` in the `--config` file, else `./mdspool-data`. This
//! file holds the settings and their defaults; `load.rs` resolves them and remembers where each
//! value came from.

mod load;
mod ocr;
pub mod units;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use load::{Loaded, Origin, Sources, load};
pub use ocr::{OcrConfig, OcrMode};
pub use units::{Bytes, Dur, FileMode};

/// Environment variable naming the storage root.
pub const ROOT_ENV: &str = "CONVERTER_STORAGE_ROOT";
/// Alias of [`ROOT_ENV`], kept for existing deployments.
pub const ROOT_ENV_ALIAS: &str = "SIR_CONVERT_A_LOT_DATA_DIR";
/// Root used when nothing names one.
pub const DEFAULT_ROOT: &str = "mdspool-data";

/// The sections of the file (and of `MDSPOOL_<SECTION>_<KEY>`).
pub const SECTIONS: &[&str] = &[
    "watch",
    "workers",
    "convert",
    "ocr",
    "retention",
    "shutdown",
    "log",
    "metrics",
    "output",
    "cluster",
];

fn secs(n: u64) -> Dur {
    Dur(std::time::Duration::from_secs(n))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WatchConfig {
    /// How long a PDF without a sidecar must keep the same size and mtime before it is taken.
    pub settle: Dur,
    /// Poll the inbox at this interval instead of using native events (forced on network mounts).
    pub poll: Option<Dur>,
    /// Full rescan of the inbox at this interval even when native events work.
    pub rescan: Dur,
    /// Refuse PDFs that come without a `NAME.pdf.idem` sidecar (they stay in the inbox).
    pub require_sidecar: bool,
    /// Larger drops are refused with `too_large`.
    pub max_size: Bytes,
    /// Take drops from sub-folders of the inbox too.
    pub recursive: bool,
    /// Extra glob patterns (`*`, `?`) of names to ignore in the inbox.
    pub ignore: Vec<String>,
    /// Deliver the result of each drop without a sidecar (and of `mdspool submit` without
    /// `--key`) to `outbox/`: `NAME.md`, or `NAME.error.txt` when it failed (see docs/protocol.md).
    pub outbox: bool,
    /// Scopes whose every job delivers to `outbox/` as well, sidecar or not (`["accounting"]`).
    pub outbox_scopes: Vec<String>,
}

impl WatchConfig {
    /// The outbox rule these settings give (`outbox`, `outbox_scopes`).
    pub fn outbox_rule(&self) -> crate::store::outbox::Rule {
        crate::store::outbox::Rule {
            bare: self.outbox,
            scopes: self.outbox_scopes.clone(),
        }
    }
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            settle: secs(5),
            poll: None,
            rescan: secs(60),
            require_sidecar: false,
            max_size: Bytes(512 << 20),
            recursive: false,
            ignore: Vec::new(),
            outbox: true,
            outbox_scopes: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkersConfig {
    /// Conversions running at once (default: number of CPUs).
    pub count: usize,
    /// Attempts of a job before a transient failure becomes final.
    pub max_attempts: u32,
    /// First retry delay; doubles on each further attempt.
    pub backoff: Dur,
    /// Longest retry delay.
    pub backoff_max: Dur,
    /// How often the daemon looks for queued jobs it does not know yet (`mdspool submit`,
    /// `mdspool retry` while it runs); only manifests that changed since the last look are read.
    pub rescan: Dur,
}

impl Default for WorkersConfig {
    fn default() -> Self {
        WorkersConfig {
            count: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            max_attempts: 3,
            backoff: secs(5),
            backoff_max: secs(600),
            rescan: secs(2),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConvertConfig {
    /// Wall-clock limit of one conversion.
    pub timeout: Dur,
    /// Address-space limit of the conversion child process.
    pub max_memory: Bytes,
    /// Largest decompressed size of one PDF stream.
    pub max_stream: Bytes,
    /// Largest `logs/run.log`.
    pub max_log: Bytes,
    /// Separate pages with `<!-- page N -->` lines.
    pub page_breaks: bool,
    /// External converter command template: `{input}`, `{outdir}`, `{output}` are replaced.
    pub command: Option<Vec<String>>,
    /// With `command`: glob of the Markdown file it writes in `{outdir}` (default `*.md`).
    pub output: Option<String>,
    /// Landlock and seccomp around the conversion child (docs/security.md): `strict` by default
    /// for the built-in converter, `off` by default with `command` (which may not be `strict`).
    pub sandbox: Option<Sandbox>,
    /// Convert in one persistent process per worker (built-in converter, docs/design.md); `false`
    /// starts a fresh child for each attempt.
    pub persistent: bool,
    /// A persistent converter is replaced after this many jobs.
    pub recycle_after_jobs: u32,
    /// ... or when its resident memory is above this after a job.
    pub recycle_above_rss: Bytes,
}

/// `convert.sandbox`: whether the conversion child confines itself before it opens the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sandbox {
    /// No new privileges, Landlock (read the input, write the private output folder), a seccomp
    /// allow-list, an empty environment (see `worker::sandbox`).
    Strict,
    /// Only the limits every child has (memory, CPU, timeout, process group).
    Off,
}

impl ConvertConfig {
    /// The sandbox this configuration asks for: `convert.sandbox`, else `strict` for the built-in
    /// converter and `off` for an external command.
    pub fn sandbox(&self) -> Sandbox {
        self.sandbox.unwrap_or(match self.command {
            Some(_) => Sandbox::Off,
            None => Sandbox::Strict,
        })
    }
}

impl Default for ConvertConfig {
    fn default() -> Self {
        ConvertConfig {
            timeout: secs(300),
            max_memory: Bytes(2 << 30),
            max_stream: Bytes(256 << 20),
            max_log: Bytes(1 << 20),
            page_breaks: false,
            command: None,
            output: None,
            sandbox: None,
            persistent: true,
            recycle_after_jobs: 200,
            recycle_above_rss: Bytes(512 << 20),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionConfig {
    /// Age after which `raw/input.pdf` is removed.
    pub raw: Dur,
    /// Age after which a finished job folder (artifacts, logs, manifest) and its receipt go.
    pub artifacts: Dur,
    /// Like `artifacts`, for failed and canceled jobs (default: same as `artifacts`).
    pub failed: Option<Dur>,
    /// How long an expired job is remembered (answers `job_expired`).
    pub tombstones: Dur,
    /// How long refused drops stay in `rejected/`.
    pub rejected: Dur,
    /// How long a file stays in `outbox/` (from when it was delivered).
    pub outbox: Dur,
    /// How often the sweeper runs.
    pub sweep_interval: Dur,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            raw: secs(86400),
            artifacts: secs(7 * 86400),
            failed: None,
            tombstones: secs(30 * 86400),
            rejected: secs(7 * 86400),
            outbox: secs(7 * 86400),
            sweep_interval: secs(300),
        }
    }
}

impl RetentionConfig {
    pub fn failed(&self) -> Dur {
        self.failed.unwrap_or(self.artifacts)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShutdownConfig {
    /// How long the first SIGTERM/SIGINT lets running jobs finish.
    pub grace: Dur,
}

impl Default for ShutdownConfig {
    fn default() -> Self {
        ShutdownConfig { grace: secs(30) }
    }
}

/// Liveness and metrics without a network port (docs/operations.md, "Metrics and liveness").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// How often the daemon rewrites `state/daemon.json` and the metrics file.
    pub interval: Dur,
    /// The Prometheus text file (for node_exporter's textfile collector), relative to the root
    /// unless absolute [default: state/metrics.prom].
    pub file: Option<PathBuf>,
    /// A daemon thread silent for longer than this is stuck: the systemd watchdog is no longer
    /// pinged (systemd then restarts the daemon) and `state/daemon.json` names it.
    pub stuck_after: Dur,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            interval: secs(5),
            file: None,
            stuck_after: secs(60),
        }
    }
}

impl MetricsConfig {
    /// Where the metrics file goes for root `root`.
    pub fn path(&self, root: &std::path::Path) -> PathBuf {
        match &self.file {
            Some(f) => root.join(f),
            None => crate::layout::Layout::new(root).metrics_file(),
        }
    }
}

/// Modes and group of the files clients read: `jobs/<id>/manifest.json`, `artifacts/output.md`,
/// receipts, `outbox/` and the notes in `rejected/` (docs/operations.md, "Permissions").
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutputConfig {
    /// Permission bits of those files, e.g. `"0640"` [default: what the umask gives]. Their folders
    /// get the same bits plus search (x) where read is given.
    pub mode: Option<FileMode>,
    /// Group (name or number) given to those files and their folders [default: the daemon's].
    pub group: Option<String>,
}

impl OutputConfig {
    /// The mode and group to give, with the group looked up (`config_invalid` when there is no
    /// such group).
    pub fn share(&self) -> crate::error::Result<crate::durable::Share> {
        let gid = match &self.group {
            None => None,
            Some(g) => Some(crate::durable::group_id(g).ok_or_else(|| {
                crate::error::Error::config("output.group", format!("no such group: {g:?}"))
            })?),
        };
        Ok(crate::durable::Share {
            mode: self.mode.map(|m| m.0),
            gid,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A tracing filter: `info`, `debug`, `mdspool=debug,notify=warn`...
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Human,
            level: "info".into(),
        }
    }
}

/// Several daemons on different hosts sharing one root (docs/scale-out.md): host identity, job
/// leases and their timing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterConfig {
    /// Coordinate with daemons of other hosts through job leases and host heartbeats. Off, a
    /// daemon still switches it on by itself when it finds another host's live heartbeat.
    pub enabled: bool,
    /// This daemon's name among the hosts of the root [default: the hostname].
    pub host_id: Option<String>,
    /// How often the heartbeat and the leases of running jobs are renewed.
    pub lease_renew: Dur,
    /// How long another host waits, on its own clock, after it last saw a lease change before it
    /// takes the job over.
    pub lease_timeout: Dur,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            enabled: false,
            host_id: None,
            lease_renew: secs(10),
            lease_timeout: secs(60),
        }
    }
}

impl ClusterConfig {
    /// This daemon's host name: `host_id`, else the hostname.
    pub fn host(&self) -> String {
        self.host_id
            .clone()
            .unwrap_or_else(crate::store::lock::hostname)
    }
}

/// The resolved configuration.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub root: PathBuf,
    pub watch: WatchConfig,
    pub workers: WorkersConfig,
    pub convert: ConvertConfig,
    pub ocr: OcrConfig,
    pub retention: RetentionConfig,
    pub shutdown: ShutdownConfig,
    pub log: LogConfig,
    pub metrics: MetricsConfig,
    pub output: OutputConfig,
    pub cluster: ClusterConfig,
}

#[cfg(test)]
mod tests;
