//! `mdspool doctor`: checks a storage root and says, for each problem, what it is, where, its stable
//! code and what to do (docs/storage.md, "Checking a root"). With `fix`, repairs only what is safe:
//! the folders; when no daemon serves the root, what startup recovery repairs (by running that
//! recovery: temp files, staging, jobs left running, stale receipts); and the modes. Manifests,
//! outputs and receipts are never deleted, so trash entries are left to the sweeper.

mod checks;
mod cluster;
mod ocr;

use std::sync::Arc;

use serde::Serialize;

use crate::clock::SystemClock;
use crate::config::Loaded;
use crate::error::Result;
use crate::store::Store;

/// How much a finding matters: `error` and `warning` make `doctor` exit non-zero; `info` never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// One thing `doctor` found.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable machine code (docs/codes.md, "Doctor findings").
    pub code: &'static str,
    pub severity: Severity,
    pub path: String,
    /// What it is and what to do.
    pub message: String,
    /// Repaired by this run (`--fix`).
    pub fixed: bool,
}

impl Finding {
    fn new(code: &'static str, severity: Severity, path: &std::path::Path, msg: String) -> Self {
        Finding {
            code,
            severity,
            path: path.display().to_string(),
            message: msg,
            fixed: false,
        }
    }

    /// Whether it still needs an operator (an `error` or `warning` not fixed).
    pub fn is_problem(&self) -> bool {
        !self.fixed && self.severity != Severity::Info
    }
}

/// What `doctor` was asked to look at besides the root.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub fix: bool,
    /// The daemon's `--pid-file`, when it uses one.
    pub pid_file: Option<std::path::PathBuf>,
}

/// Checks the root of `loaded`; with `opts.fix`, repairs what is safe and marks those findings
/// `fixed` (a finding is fixed when a check after the repairs no longer reports it).
pub fn run(loaded: &Loaded, opts: &Options) -> Result<Vec<Finding>> {
    let mut found = checks::all(loaded, opts)?;
    ocr::check(loaded, &mut found);
    if opts.fix && found.iter().any(Finding::is_problem) {
        repair(loaded, &found)?;
        let after = checks::all(loaded, opts)?;
        for f in &mut found {
            f.fixed = f.severity != Severity::Info
                && !after.iter().any(|a| a.code == f.code && a.path == f.path);
        }
        // What the repairs themselves revealed (a folder that could be listed only once created).
        for a in after {
            if !found.iter().any(|f| f.code == a.code && f.path == a.path) {
                found.push(a);
            }
        }
    }
    Ok(found)
}

/// The safe repairs. Beside a running daemon, only folders and modes: its staging, trash and temp
/// files are in flight.
fn repair(loaded: &Loaded, found: &[Finding]) -> Result<()> {
    let layout = loaded.layout();
    let daemon_running = found.iter().any(|f| f.code == checks::DAEMON_RUNNING);
    if !daemon_running {
        crate::durable::create_dir_all_durable(&layout.locks_dir())?;
        // Held while recovery runs, so that no daemon starts half-way; `root_locked` if one just did.
        let _lock = crate::store::lock::HostLock::acquire(&layout, &loaded.config.cluster.host())?;
        // Several hosts on the root: only this host's part is recovered, as the daemon would.
        let cluster = crate::cluster::wanted(&loaded.config.cluster, &layout)?.then(|| {
            let l = layout
                .clone()
                .with_staging_host(&loaded.config.cluster.host());
            crate::cluster::Cluster::new(&loaded.config.cluster, l, chrono::Utc::now())
        });
        let layout = match &cluster {
            Some(_) => layout
                .clone()
                .with_staging_host(&loaded.config.cluster.host()),
            None => layout.clone(),
        };
        let store = Store::open(
            layout,
            Arc::new(SystemClock),
            loaded.config.retention.clone(),
        )?
        .with_share(loaded.config.output.share()?);
        crate::daemon::recovery::recover(&store, &loaded.config, cluster.as_ref())?;
    } else {
        for dir in layout.dirs() {
            crate::durable::create_dir_all_durable(&dir)?;
        }
        crate::durable::make_private(&layout.state_dir())?;
    }
    let want = loaded.config.output.share()?;
    for f in found.iter().filter(|f| f.code == checks::NOT_SHARED) {
        checks::share(std::path::Path::new(&f.path), &want)?;
    }
    Ok(())
}
