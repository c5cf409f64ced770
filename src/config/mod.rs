//! Configuration: built-in defaults, then a TOML file (`--config FILE`, else `<root>/mdspool.toml`
//! when present), then environment variables `MDSPOOL_<SECTION>_<KEY>` (for example
//! `MDSPOOL_WORKERS_COUNT=4`), then command-line flags, each overriding the one before. The storage
//! root comes from `--root`, else `CONVERTER_STORAGE_ROOT`, else its alias
//! `SIR_CONVERT_A_LOT_DATA_DIR`, else `root` in the `--config` file, else `./mdspool-data`.

pub mod units;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

pub use units::{Bytes, Dur};

use crate::error::{Error, Result};
use crate::layout::Layout;

/// Environment variable naming the storage root.
pub const ROOT_ENV: &str = "CONVERTER_STORAGE_ROOT";
/// Alias of [`ROOT_ENV`], kept for existing deployments.
pub const ROOT_ENV_ALIAS: &str = "SIR_CONVERT_A_LOT_DATA_DIR";
/// Root used when nothing names one.
pub const DEFAULT_ROOT: &str = "mdspool-data";

const SECTIONS: &[&str] = &[
    "watch",
    "workers",
    "convert",
    "retention",
    "shutdown",
    "log",
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

/// The resolved configuration.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub root: PathBuf,
    pub watch: WatchConfig,
    pub workers: WorkersConfig,
    pub convert: ConvertConfig,
    pub retention: RetentionConfig,
    pub shutdown: ShutdownConfig,
    pub log: LogConfig,
}

/// Where configuration comes from, besides defaults.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `--root`.
    pub root: Option<PathBuf>,
    /// `--config`.
    pub config_file: Option<PathBuf>,
    /// Environment variables (normally `std::env::vars()`).
    pub env: Vec<(String, String)>,
    /// Command-line settings as (section, key, value).
    pub flags: Vec<(&'static str, &'static str, Value)>,
}

/// A loaded configuration and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    /// The file that was read, if any.
    pub file: Option<PathBuf>,
}

impl Loaded {
    pub fn layout(&self) -> Layout {
        Layout::new(self.config.root.clone())
    }
}

fn env_value(raw: &str) -> Value {
    // `4`, `true`, `["a", "b"]` are TOML values; anything else (`24h`, a path) is a string.
    match format!("v = {raw}").parse::<Table>() {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| Value::String(raw.into())),
        Err(_) => Value::String(raw.into()),
    }
}

fn set(table: &mut Table, section: &str, key: &str, value: Value) {
    let entry = table
        .entry(section.to_string())
        .or_insert_with(|| Value::Table(Table::new()));
    if !entry.is_table() {
        *entry = Value::Table(Table::new());
    }
    if let Value::Table(t) = entry {
        t.insert(key.to_string(), value);
    }
}

/// Resolves the configuration from its sources.
pub fn load(src: &Sources) -> Result<Loaded> {
    let env = |name: &str| {
        src.env
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| PathBuf::from(v))
    };
    let root_from_env = src
        .root
        .clone()
        .or_else(|| env(ROOT_ENV))
        .or_else(|| env(ROOT_ENV_ALIAS));
    let file = src.config_file.clone().or_else(|| env("MDSPOOL_CONFIG"));
    let (mut table, file) = match file {
        Some(f) => (read_table(&f, true)?, Some(f)),
        None => {
            let root = root_from_env
                .clone()
                .unwrap_or_else(|| PathBuf::from(DEFAULT_ROOT));
            let f = Layout::new(root).config_file();
            match f.exists() {
                true => (read_table(&f, true)?, Some(f)),
                false => (Table::new(), None),
            }
        }
    };
    let origin = file
        .clone()
        .unwrap_or_else(|| PathBuf::from("<environment>"));
    for (name, raw) in &src.env {
        let Some(rest) = name.strip_prefix("MDSPOOL_") else {
            continue;
        };
        let lower = rest.to_ascii_lowercase();
        let Some((section, key)) = lower.split_once('_') else {
            continue;
        };
        if SECTIONS.contains(&section) {
            set(&mut table, section, key, env_value(raw));
        }
    }
    for (section, key, value) in &src.flags {
        set(&mut table, section, key, value.clone());
    }
    let file_root = table.remove("root");
    let mut config: Config = Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| Error::config(&origin, e.message().to_string()))?;
    config.root = match (root_from_env, file_root) {
        (Some(r), _) => r,
        (None, Some(Value::String(s))) => {
            let p = PathBuf::from(s);
            match (&file, p.is_relative()) {
                (Some(f), true) => f.parent().unwrap_or(Path::new(".")).join(p),
                _ => p,
            }
        }
        (None, Some(_)) => return Err(Error::config(&origin, "`root` must be a string")),
        (None, None) => PathBuf::from(DEFAULT_ROOT),
    };
    // Absolute from here on: watchers report absolute paths, and children run elsewhere.
    config.root = std::path::absolute(&config.root)
        .map_err(|e| Error::config(&config.root, format!("cannot resolve the root: {e}")))?;
    validate(&config, &origin)?;
    Ok(Loaded { config, file })
}

fn read_table(path: &Path, required: bool) -> Result<Table> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .parse::<Table>()
            .map_err(|e| Error::config(path, e.to_string())),
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => Ok(Table::new()),
        Err(e) => Err(Error::config(path, format!("cannot read config file: {e}"))),
    }
}

fn validate(c: &Config, origin: &Path) -> Result<()> {
    let fail = |m: &str| Err(Error::config(origin, m));
    if c.workers.count == 0 || c.workers.count > 256 {
        return fail("workers.count must be between 1 and 256");
    }
    if c.workers.max_attempts == 0 {
        return fail("workers.max_attempts must be at least 1");
    }
    if c.convert.timeout.0.is_zero() {
        return fail("convert.timeout must be positive");
    }
    if c.convert.max_memory.0 < (64 << 20) {
        return fail("convert.max_memory must be at least 64MiB");
    }
    if c.retention.sweep_interval.0.is_zero()
        || c.watch.rescan.0.is_zero()
        || c.workers.rescan.0.is_zero()
    {
        return fail("retention.sweep_interval, watch.rescan and workers.rescan must be positive");
    }
    if matches!(c.watch.poll, Some(d) if d.0.is_zero()) {
        return fail("watch.poll must be positive");
    }
    if matches!(&c.convert.command, Some(cmd) if cmd.is_empty()) {
        return fail("convert.command must name a program");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
