//! Resolving the configuration from its sources (defaults, file, environment, flags), remembering
//! where each value came from: `mdspool config` shows it, and an invalid value is reported against
//! the source that set it (`--workers`, `environment variable MDSPOOL_WORKERS_COUNT`, the file), not
//! against a file that never said it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::{Config, DEFAULT_ROOT, ROOT_ENV, ROOT_ENV_ALIAS, SECTIONS};
use crate::error::{Error, Result};
use crate::layout::Layout;

/// Environment variable naming the configuration file (when `--config` does not).
pub const CONFIG_ENV: &str = "MDSPOOL_CONFIG";

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

/// Where one value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    File(PathBuf),
    /// An environment variable, by name.
    Env(String),
    /// A command-line flag, as spelled (`--workers`).
    Flag(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => write!(f, "default"),
            Origin::File(p) => write!(f, "file {}", p.display()),
            Origin::Env(n) => write!(f, "environment variable {n}"),
            Origin::Flag(n) => write!(f, "flag {n}"),
        }
    }
}

impl Origin {
    /// What an error about a value from here names first.
    fn label(&self) -> String {
        match self {
            Origin::File(p) => p.display().to_string(),
            Origin::Flag(n) => n.clone(),
            other => other.to_string(),
        }
    }
}

/// The flag that sets `section.key` (flags are the only settings the command line has).
fn flag_name(section: &str, key: &str) -> String {
    match (section, key) {
        ("workers", "count") => "--workers".into(),
        ("watch", "poll") => "--poll".into(),
        ("log", "format") => "--log-format".into(),
        ("cluster", "host_id") => "--host-id".into(),
        _ => format!("--{section}-{key}").replace('_', "-"),
    }
}

/// A loaded configuration and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    /// The file that was read, if any.
    pub file: Option<PathBuf>,
    /// Where each value that is not a default came from, by `section.key` (and `root`).
    pub origins: BTreeMap<String, Origin>,
}

impl Loaded {
    /// The root's layout; with `cluster.enabled`, with this host's staging folder.
    pub fn layout(&self) -> Layout {
        let l = Layout::new(self.config.root.clone());
        match self.config.cluster.enabled {
            true => l.with_staging_host(&self.config.cluster.host()),
            false => l,
        }
    }

    /// Where the value `section.key` (or `root`) came from.
    pub fn origin(&self, key: &str) -> Origin {
        self.origins.get(key).cloned().unwrap_or(Origin::Default)
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

/// The settings of `table` (all but `root`), or why they do not parse.
fn parse(table: &Table) -> std::result::Result<Config, String> {
    let mut t = table.clone();
    t.remove("root");
    Value::Table(t)
        .try_into()
        .map_err(|e: toml::de::Error| e.message().to_string())
}

/// Resolves the configuration from its sources.
pub fn load(src: &Sources) -> Result<Loaded> {
    let env = |name: &str| {
        src.env
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| PathBuf::from(v))
    };
    let mut origins = BTreeMap::new();
    let root_from_env = match (&src.root, env(ROOT_ENV), env(ROOT_ENV_ALIAS)) {
        (Some(r), _, _) => Some((r.clone(), Origin::Flag("--root".into()))),
        (None, Some(r), _) => Some((r, Origin::Env(ROOT_ENV.into()))),
        (None, None, Some(r)) => Some((r, Origin::Env(ROOT_ENV_ALIAS.into()))),
        _ => None,
    };
    let file = src.config_file.clone().or_else(|| env(CONFIG_ENV));
    let (mut table, file) = match file {
        Some(f) => (read_table(&f)?, Some(f)),
        None => {
            let root = root_from_env
                .as_ref()
                .map_or_else(|| PathBuf::from(DEFAULT_ROOT), |(r, _)| r.clone());
            let f = Layout::new(root).config_file();
            match f.exists() {
                true => (read_table(&f)?, Some(f)),
                false => (Table::new(), None),
            }
        }
    };
    if let Some(f) = &file {
        for (section, v) in &table {
            match v {
                Value::Table(t) => {
                    for key in t.keys() {
                        origins.insert(format!("{section}.{key}"), Origin::File(f.clone()));
                    }
                }
                _ => {
                    origins.insert(section.clone(), Origin::File(f.clone()));
                }
            }
        }
        parse(&table).map_err(|m| Error::config(f.display(), m))?;
    }
    // Each later value is checked as it is applied, so that a bad one is reported against its source.
    let mut later: Vec<(String, String, Value, Origin)> = Vec::new();
    for (name, raw) in &src.env {
        let Some(rest) = name.strip_prefix("MDSPOOL_") else {
            continue;
        };
        let lower = rest.to_ascii_lowercase();
        let Some((section, key)) = lower.split_once('_') else {
            continue;
        };
        if SECTIONS.contains(&section) {
            let o = Origin::Env(name.clone());
            later.push((section.into(), key.into(), env_value(raw), o));
        }
    }
    for (section, key, value) in &src.flags {
        let o = Origin::Flag(flag_name(section, key));
        later.push((section.to_string(), key.to_string(), value.clone(), o));
    }
    for (section, key, value, o) in later {
        set(&mut table, &section, &key, value.clone());
        parse(&table)
            .map_err(|m| Error::config(o.label(), format!("{section}.{key} = {value}: {m}")))?;
        origins.insert(format!("{section}.{key}"), o);
    }
    let file_root = table.remove("root");
    let mut config = parse(&table).map_err(Error::internal)?;
    config.root = match (root_from_env, file_root) {
        (Some((r, o)), _) => {
            origins.insert("root".into(), o);
            r
        }
        (None, Some(Value::String(s))) => {
            let p = PathBuf::from(s);
            match (&file, p.is_relative()) {
                (Some(f), true) => f.parent().unwrap_or(Path::new(".")).join(p),
                _ => p,
            }
        }
        (None, Some(_)) => {
            let f = file.as_deref().unwrap_or(Path::new("<config>"));
            return Err(Error::config(f.display(), "`root` must be a string"));
        }
        (None, None) => PathBuf::from(DEFAULT_ROOT),
    };
    // Absolute from here on: watchers report absolute paths, and children run elsewhere.
    config.root = std::path::absolute(&config.root).map_err(|e| {
        Error::config(
            config.root.display(),
            format!("cannot resolve the root: {e}"),
        )
    })?;
    let loaded = Loaded {
        config,
        file,
        origins,
    };
    if let Err((key, message)) = validate(&loaded.config) {
        return Err(Error::config(loaded.origin(key).label(), message));
    }
    Ok(loaded)
}

fn read_table(path: &Path) -> Result<Table> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .parse::<Table>()
            .map_err(|e| Error::config(path.display(), e.to_string())),
        Err(e) => Err(Error::config(
            path.display(),
            format!("cannot read config file: {e}"),
        )),
    }
}

/// Checks what parsing cannot; `Err((section.key, message))` for the first bad value.
fn validate(c: &Config) -> std::result::Result<(), (&'static str, &'static str)> {
    let checks: [(bool, &str, &str); 21] = [
        (
            c.convert.recycle_after_jobs == 0,
            "convert.recycle_after_jobs",
            "convert.recycle_after_jobs must be at least 1",
        ),
        (
            c.convert.recycle_above_rss.0 < (16 << 20),
            "convert.recycle_above_rss",
            "convert.recycle_above_rss must be at least 16MiB",
        ),
        (
            c.workers.count == 0 || c.workers.count > 256,
            "workers.count",
            "workers.count must be between 1 and 256",
        ),
        (
            c.workers.max_attempts == 0,
            "workers.max_attempts",
            "workers.max_attempts must be at least 1",
        ),
        (
            c.convert.timeout.0.is_zero(),
            "convert.timeout",
            "convert.timeout must be positive",
        ),
        (
            c.convert.max_memory.0 < (64 << 20),
            "convert.max_memory",
            "convert.max_memory must be at least 64MiB",
        ),
        (
            c.retention.sweep_interval.0.is_zero(),
            "retention.sweep_interval",
            "retention.sweep_interval must be positive",
        ),
        (
            c.watch.rescan.0.is_zero(),
            "watch.rescan",
            "watch.rescan must be positive",
        ),
        (
            c.workers.rescan.0.is_zero(),
            "workers.rescan",
            "workers.rescan must be positive",
        ),
        (
            matches!(c.watch.poll, Some(d) if d.0.is_zero()),
            "watch.poll",
            "watch.poll must be positive",
        ),
        (
            c.metrics.interval.0 < std::time::Duration::from_millis(100),
            "metrics.interval",
            "metrics.interval must be at least 100ms",
        ),
        (
            c.metrics.stuck_after.0 < std::time::Duration::from_secs(2),
            "metrics.stuck_after",
            "metrics.stuck_after must be at least 2s",
        ),
        (
            matches!(&c.convert.command, Some(cmd) if cmd.is_empty()),
            "convert.command",
            "convert.command must name a program",
        ),
        (
            c.convert.command.is_some() && c.convert.sandbox == Some(super::Sandbox::Strict),
            "convert.sandbox",
            "convert.sandbox = \"strict\" confines the built-in converter only; an external command runs with \"off\" (wrap it in a Landlock tool of its own, see docs/security.md)",
        ),
        (
            !(50..=1200).contains(&c.ocr.dpi),
            "ocr.dpi",
            "ocr.dpi must be between 50 and 1200",
        ),
        (
            c.ocr.timeout.0.is_zero(),
            "ocr.timeout",
            "ocr.timeout must be positive",
        ),
        (
            c.ocr.languages.is_empty()
                || c.ocr.languages.iter().any(|l| {
                    l.is_empty() || !l.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                }),
            "ocr.languages",
            "ocr.languages must list tesseract language codes such as \"eng\"",
        ),
        (
            c.watch
                .outbox_scopes
                .iter()
                .any(|s| crate::ids::validate_name("scope", s).is_err()),
            "watch.outbox_scopes",
            "watch.outbox_scopes must list scopes, each [A-Za-z0-9._-]{1,128}",
        ),
        (
            c.cluster.lease_renew.0 < std::time::Duration::from_millis(100),
            "cluster.lease_renew",
            "cluster.lease_renew must be at least 100ms",
        ),
        (
            c.cluster.lease_timeout.0 < c.cluster.lease_renew.0.saturating_mul(3),
            "cluster.lease_timeout",
            "cluster.lease_timeout must be at least three times cluster.lease_renew (a renewal or two may be late without the job being taken over)",
        ),
        (
            matches!(&c.cluster.host_id, Some(h) if h.starts_with('.') || crate::ids::validate_name("host", h).is_err() || h.len() > 64),
            "cluster.host_id",
            "cluster.host_id must be 1 to 64 of [A-Za-z0-9._-], not starting with a dot",
        ),
    ];
    match checks.into_iter().find(|(bad, _, _)| *bad) {
        Some((_, key, message)) => Err((key, message)),
        None => Ok(()),
    }
}
