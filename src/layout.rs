//! The typed layout of a storage root: the only code that builds paths under it. Everything a client
//! sees (`inbox/`, `jobs/`, `receipts/`, `rejected/`) and the private state under `state/`.
//!
//! ```text
//! <root>/inbox/                       clients drop NAME.pdf (+ NAME.pdf.idem) here
//! <root>/jobs/<id>/manifest.json      source of truth for a job
//! <root>/jobs/<id>/raw/input.pdf      the dropped bytes (removed after retention.raw)
//! <root>/jobs/<id>/artifacts/output.md
//! <root>/jobs/<id>/logs/run.log
//! <root>/receipts/<scope>/<key>.json  where a client finds its job
//! <root>/rejected/NAME, NAME.error.json
//! <root>/outbox/NAME.md, NAME.error.txt   results for people (bare drops, `watch.outbox_scopes`)
//! <root>/state/idempotency/<scope>/<key>.json
//! <root>/state/tombstones/<id>.json
//! <root>/state/staging/<id>/          drops being ingested (one daemon alone on the root)
//! <root>/state/staging/<host>/<id>/   the same, per host, when several hosts share the root
//! <root>/state/trash/<id>/            job folders being deleted
//! <root>/state/wake                   touched when work is queued from outside the daemon
//! <root>/state/daemon.json            the running daemon's heartbeat (pid, last_beat, queue...)
//! <root>/state/metrics.prom           Prometheus text metrics (metrics.file moves it)
//! <root>/state/counters.json          the daemon's running totals, kept across restarts
//! <root>/state/counters-<host>.json   the same, per host, when several hosts share the root
//! <root>/state/locks/<host>.lock      one daemon per host
//! <root>/state/hosts/<host>.json      heartbeat of each host's daemon (several hosts on one root)
//! <root>/jobs/<id>/lease-<epoch>      who runs the job (several hosts on one root)
//! ```

use std::path::{Path, PathBuf};

use crate::ids::{IdemKey, JobId};
use crate::store::JobStatus;

/// File name of the per-root configuration file.
pub const CONFIG_FILE: &str = "mdspool.toml";

#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
    /// With several hosts on the root, the host whose staging folder this layout uses.
    staging_host: Option<String>,
}

/// The prefix of lease file names (`lease-<epoch>`).
pub const LEASE_PREFIX: &str = "lease-";

impl Layout {
    pub fn new(root: impl Into<PathBuf>) -> Layout {
        Layout {
            root: root.into(),
            staging_host: None,
        }
    }

    /// The same root, with the staging folder of host `host` (`state/staging/<host>/`), so that
    /// the recovery of one host never touches the drops another is ingesting.
    pub fn with_staging_host(mut self, host: &str) -> Layout {
        self.staging_host = Some(host.to_string());
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every folder the daemon expects, parents first.
    pub fn dirs(&self) -> Vec<PathBuf> {
        vec![
            self.root.clone(),
            self.inbox(),
            self.jobs_dir(),
            self.receipts_dir(),
            self.rejected_dir(),
            self.outbox_dir(),
            self.state_dir(),
            self.idempotency_dir(),
            self.tombstones_dir(),
            self.staging_dir(),
            self.trash_dir(),
            self.locks_dir(),
            self.finals_dir(),
        ]
    }

    pub fn config_file(&self) -> PathBuf {
        self.root.join(CONFIG_FILE)
    }

    pub fn inbox(&self) -> PathBuf {
        self.root.join("inbox")
    }

    pub fn jobs_dir(&self) -> PathBuf {
        self.root.join("jobs")
    }

    pub fn job_dir(&self, id: JobId) -> PathBuf {
        self.jobs_dir().join(id.to_string())
    }

    pub fn manifest(&self, id: JobId) -> PathBuf {
        self.job_dir(id).join("manifest.json")
    }

    pub fn raw_dir(&self, id: JobId) -> PathBuf {
        self.job_dir(id).join("raw")
    }

    pub fn raw_input(&self, id: JobId) -> PathBuf {
        self.raw_dir(id).join("input.pdf")
    }

    pub fn artifacts_dir(&self, id: JobId) -> PathBuf {
        self.job_dir(id).join("artifacts")
    }

    pub fn output_md(&self, id: JobId) -> PathBuf {
        self.artifacts_dir(id).join("output.md")
    }

    pub fn logs_dir(&self, id: JobId) -> PathBuf {
        self.job_dir(id).join("logs")
    }

    pub fn run_log(&self, id: JobId) -> PathBuf {
        self.logs_dir(id).join("run.log")
    }

    pub fn receipts_dir(&self) -> PathBuf {
        self.root.join("receipts")
    }

    pub fn receipt(&self, k: &IdemKey) -> PathBuf {
        self.receipts_dir()
            .join(&k.scope)
            .join(format!("{}.json", k.key))
    }

    pub fn rejected_dir(&self) -> PathBuf {
        self.root.join("rejected")
    }

    /// `outbox/`: the Markdown (or `NAME.error.txt`) of drops without a sidecar, for people.
    pub fn outbox_dir(&self) -> PathBuf {
        self.root.join("outbox")
    }

    /// `outbox/NAME` (`name` is a plain file name: `store::outbox` makes it).
    pub fn outbox_file(&self, name: &str) -> PathBuf {
        self.outbox_dir().join(name)
    }

    pub fn state_dir(&self) -> PathBuf {
        self.root.join("state")
    }

    pub fn idempotency_dir(&self) -> PathBuf {
        self.state_dir().join("idempotency")
    }

    pub fn idempotency_record(&self, k: &IdemKey) -> PathBuf {
        self.idempotency_dir()
            .join(&k.scope)
            .join(format!("{}.json", k.key))
    }

    pub fn tombstones_dir(&self) -> PathBuf {
        self.state_dir().join("tombstones")
    }

    pub fn tombstone(&self, id: JobId) -> PathBuf {
        self.tombstones_dir().join(format!("{id}.json"))
    }

    pub fn staging_dir(&self) -> PathBuf {
        let all = self.state_dir().join("staging");
        match &self.staging_host {
            Some(h) => all.join(h),
            None => all,
        }
    }

    /// A drop being ingested as job `id`: holds the claimed PDF and sidecar.
    pub fn staging_entry(&self, id: JobId) -> PathBuf {
        self.staging_dir().join(id.to_string())
    }

    /// The host whose staging folder this layout uses (several hosts on the root), if any.
    pub fn staging_host(&self) -> Option<&str> {
        self.staging_host.as_deref()
    }

    /// The staging entry of job `id` in the staging folder of `host` (`None`: the one of a daemon
    /// alone on the root).
    pub fn staging_entry_of(&self, host: Option<&str>, id: JobId) -> PathBuf {
        let all = self.state_dir().join("staging");
        match host {
            Some(h) => all.join(h).join(id.to_string()),
            None => all.join(id.to_string()),
        }
    }

    pub fn trash_dir(&self) -> PathBuf {
        self.state_dir().join("trash")
    }

    /// Where a job folder is moved before it is deleted (mark, then delete).
    pub fn trash_entry(&self, id: JobId) -> PathBuf {
        self.trash_dir().join(id.to_string())
    }

    /// `state/final/`: one empty marker per job whose manifest is final (`store::finals`).
    pub fn finals_dir(&self) -> PathBuf {
        self.state_dir().join("final")
    }

    /// `state/final/<id>.<status>`: job `id` is final with `status`.
    pub fn final_marker(&self, id: JobId, status: JobStatus) -> PathBuf {
        self.finals_dir().join(format!("{id}.{}", status.as_str()))
    }

    /// Touched by commands that queue work (`submit`, `retry`) so a running daemon looks at once.
    pub fn wake_file(&self) -> PathBuf {
        self.state_dir().join("wake")
    }

    /// The running daemon's heartbeat, rewritten every `metrics.interval`.
    pub fn daemon_file(&self) -> PathBuf {
        self.state_dir().join("daemon.json")
    }

    /// The default place of the Prometheus text file (`metrics.file`).
    pub fn metrics_file(&self) -> PathBuf {
        self.state_dir().join("metrics.prom")
    }

    /// The daemon's totals (ingested, rejected, failed...), kept across restarts; with several
    /// hosts on the root, each host's own (`state/counters-<host>.json`).
    pub fn counters_file(&self) -> PathBuf {
        match &self.staging_host {
            Some(h) => self.state_dir().join(format!("counters-{h}.json")),
            None => self.state_dir().join("counters.json"),
        }
    }

    pub fn locks_dir(&self) -> PathBuf {
        self.state_dir().join("locks")
    }

    /// The lock file of the daemon of host `host` (one daemon per host and root).
    pub fn host_lock(&self, host: &str) -> PathBuf {
        self.locks_dir().join(format!("{host}.lock"))
    }

    /// `state/hosts/`: one heartbeat per host serving the root.
    pub fn hosts_dir(&self) -> PathBuf {
        self.state_dir().join("hosts")
    }

    /// The heartbeat of host `host`.
    pub fn host_heartbeat(&self, host: &str) -> PathBuf {
        self.hosts_dir().join(format!("{host}.json"))
    }

    /// The lease of epoch `epoch` on job `id` (created exclusively by the host that takes the job).
    pub fn lease(&self, id: JobId, epoch: u64) -> PathBuf {
        self.job_dir(id).join(format!("{LEASE_PREFIX}{epoch}"))
    }

    /// The path of `p` relative to the root, with `/` separators (for receipts and output).
    pub fn relative(&self, p: &Path) -> String {
        p.strip_prefix(&self.root)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    }
}
