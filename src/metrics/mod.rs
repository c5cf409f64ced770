//! Metrics without a network port: the daemon's running totals ([`Metrics`], kept across restarts
//! in `state/counters.json`), a census of the jobs on disk ([`census`]), and one [`Snapshot`] of
//! both that is rendered in the Prometheus text format ([`prom`]) for node_exporter's textfile
//! collector (`metrics.file`, rewritten atomically every `metrics.interval` by the daemon) and
//! printed by `mdspool stats` (which computes it itself, daemon or not).

pub mod census;
pub mod prom;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::code::Code;
use crate::durable;
use crate::error::Result;

/// Upper bounds (seconds) of the buckets of `mdspool_conversion_seconds`.
pub const BUCKETS: [f64; 12] = [
    0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0,
];

/// A histogram with the fixed [`BUCKETS`]: `counts[i]` observations in bucket `i` (not
/// cumulative; the last one is above every bound).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Histogram {
    pub counts: Vec<u64>,
    pub sum: f64,
    pub count: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0; BUCKETS.len() + 1],
            sum: 0.0,
            count: 0,
        }
    }
}

impl Histogram {
    pub fn observe(&mut self, secs: f64) {
        if self.counts.len() != BUCKETS.len() + 1 {
            *self = Histogram::default();
        }
        let i = BUCKETS
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(BUCKETS.len());
        self.counts[i] += 1;
        self.sum += secs;
        self.count += 1;
    }

    /// `(le, cumulative count)` for every bucket, `+Inf` last.
    pub fn cumulative(&self) -> Vec<(String, u64)> {
        let mut acc = 0;
        let mut out = Vec::new();
        for (i, b) in BUCKETS.iter().enumerate() {
            acc += self.counts.get(i).copied().unwrap_or(0);
            out.push((format!("{b}"), acc));
        }
        out.push(("+Inf".into(), self.count));
        out
    }
}

/// The daemon's totals since the root was first served (`state/counters.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counters {
    /// Drops taken from the inbox that became jobs.
    pub ingested: u64,
    /// Drops refused, by code (`idempotency_conflict` included).
    pub rejected: BTreeMap<String, u64>,
    /// Jobs that succeeded.
    pub succeeded: u64,
    /// Jobs that failed for good, by code.
    pub failed: BTreeMap<String, u64>,
    /// Attempts that failed (retried or not), by code.
    pub attempts_failed: BTreeMap<String, u64>,
    /// Pages of the jobs that succeeded.
    pub pages: u64,
    /// Wall-clock time of the conversion attempts that ended with a result (success or failure).
    pub conversion_seconds: Histogram,
}

/// The live totals of a running daemon, shared by its threads.
#[derive(Debug, Default)]
pub struct Metrics {
    counters: Mutex<Counters>,
    /// Changed since the last [`Metrics::persist`].
    dirty: AtomicBool,
    /// Conversion attempts running now.
    running: AtomicUsize,
}

impl Metrics {
    /// The totals saved in `path` (nothing yet, or unreadable: zero; counters may then restart,
    /// which Prometheus' `rate()` and `increase()` handle).
    pub fn load(path: &Path) -> Metrics {
        let counters = match durable::read_optional(path) {
            Ok(Some(b)) => serde_json::from_slice(&b).unwrap_or_else(|e| {
                tracing::warn!(path = %path.display(), error = %e, "unreadable counters; starting from zero");
                Counters::default()
            }),
            Ok(None) => Counters::default(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the counters; starting from zero");
                Counters::default()
            }
        };
        Metrics {
            counters: Mutex::new(counters),
            ..Metrics::default()
        }
    }

    fn with(&self, f: impl FnOnce(&mut Counters)) {
        f(&mut self.counters.lock().unwrap_or_else(|e| e.into_inner()));
        self.dirty.store(true, Ordering::Relaxed);
    }

    pub fn ingested(&self) {
        self.with(|c| c.ingested += 1);
    }

    pub fn rejected(&self, code: Code) {
        self.with(|c| *c.rejected.entry(code.to_string()).or_default() += 1);
    }

    pub fn succeeded(&self, pages: u64) {
        self.with(|c| {
            c.succeeded += 1;
            c.pages += pages;
        });
    }

    pub fn failed(&self, code: Code) {
        self.with(|c| *c.failed.entry(code.to_string()).or_default() += 1);
    }

    pub fn attempt_failed(&self, code: Code) {
        self.with(|c| *c.attempts_failed.entry(code.to_string()).or_default() += 1);
    }

    pub fn conversion(&self, secs: f64) {
        self.with(|c| c.conversion_seconds.observe(secs));
    }

    pub fn counters(&self) -> Counters {
        self.counters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Counts a conversion attempt as running until the guard is dropped.
    pub fn attempt_running(&self) -> RunningGuard<'_> {
        self.running.fetch_add(1, Ordering::Relaxed);
        RunningGuard(self)
    }

    pub fn running(&self) -> usize {
        self.running.load(Ordering::Relaxed)
    }

    /// Saves the totals durably to `path` when they changed since the last save.
    pub fn persist(&self, path: &Path) -> Result<()> {
        if !self.dirty.swap(false, Ordering::Relaxed) {
            return Ok(());
        }
        let mut bytes = serde_json::to_vec_pretty(&self.counters()).unwrap_or_default();
        bytes.push(b'\n');
        durable::write_atomic(path, &bytes).inspect_err(|_| {
            self.dirty.store(true, Ordering::Relaxed);
        })
    }
}

pub struct RunningGuard<'a>(&'a Metrics);

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What a running daemon says about itself in `state/daemon.json` (rewritten every
/// `metrics.interval`; `last_beat` older than a few intervals means it is stuck or gone).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DaemonFile {
    pub pid: u32,
    pub host: String,
    pub version: String,
    pub root: String,
    pub started_at: DateTime<Utc>,
    pub last_beat: DateTime<Utc>,
    /// `starting`, `serving`, `stopping` or `stopped`.
    pub state: String,
    /// Jobs `queued` on disk (as of the last census).
    pub queue_depth: u64,
    /// Conversion attempts running now.
    pub running: u64,
    pub workers: usize,
    /// No thread is stuck (the systemd watchdog is pinged only then).
    pub healthy: bool,
    /// Threads silent for longer than `metrics.stuck_after`.
    pub stuck: Vec<String>,
    pub metrics_file: String,
}

impl DaemonFile {
    pub fn read(path: &Path) -> Option<DaemonFile> {
        let bytes = durable::read_optional(path).ok()??;
        serde_json::from_slice(&bytes).ok()
    }

    /// Does this file describe a daemon that runs and beats? Not `stopped`, a `last_beat` within
    /// three intervals (`metrics.interval`) and ten seconds, and, on this host, its pid alive.
    pub fn is_live(&self, interval: std::time::Duration) -> bool {
        let limit = chrono::Duration::from_std(interval * 3 + std::time::Duration::from_secs(10))
            .unwrap_or(chrono::Duration::MAX);
        let fresh = Utc::now() - self.last_beat <= limit;
        let here = self.host == crate::store::lock::hostname();
        // SAFETY: signal 0 only checks that the process exists.
        let alive = || {
            let pid = self.pid as libc::pid_t;
            pid > 0
                && (unsafe { libc::kill(pid, 0) } == 0
                    || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM))
        };
        self.state != "stopped" && fresh && (!here || alive())
    }
}

/// Everything the metrics say at one instant.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    pub root: String,
    pub at: DateTime<Utc>,
    /// A daemon of this host serves the root.
    pub daemon_up: bool,
    /// Its `state/daemon.json`, when it runs.
    pub daemon: Option<DaemonFile>,
    /// Jobs on disk by status (every status present).
    pub jobs: BTreeMap<String, u64>,
    /// Jobs `queued` on disk.
    pub queue_depth: u64,
    /// How long the job longest in `queued` has been waiting since it was queued (0: none).
    pub oldest_queued_age_seconds: f64,
    pub unreadable_manifests: u64,
    /// Free space for the daemon's user on the root's file system, and its size.
    pub disk_free_bytes: Option<u64>,
    pub disk_size_bytes: Option<u64>,
    pub counters: Counters,
}

impl Snapshot {
    /// A snapshot of root `root` from a census and the totals.
    pub fn new(
        root: &Path,
        counts: &census::JobCounts,
        counters: Counters,
        daemon: Option<DaemonFile>,
        daemon_up: bool,
    ) -> Snapshot {
        let at = Utc::now();
        let oldest = counts
            .oldest_queued_since
            .map(|t| ((at - t).num_milliseconds().max(0) as f64) / 1000.0)
            .unwrap_or(0.0);
        let space = crate::inbox::fstype::space(root);
        Snapshot {
            root: root.display().to_string(),
            at,
            daemon_up,
            daemon,
            jobs: counts
                .by_status
                .iter()
                .map(|(s, n)| (s.as_str().to_string(), *n))
                .collect(),
            queue_depth: counts.queued(),
            oldest_queued_age_seconds: oldest,
            unreadable_manifests: counts.unreadable,
            disk_free_bytes: space.map(|s| s.0),
            disk_size_bytes: space.map(|s| s.1),
            counters,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let mut h = Histogram::default();
        for s in [0.05, 0.3, 0.3, 7.0, 1000.0] {
            h.observe(s);
        }
        let c = h.cumulative();
        assert_eq!(c[0], ("0.1".into(), 1));
        assert_eq!(c[2], ("0.5".into(), 3));
        assert_eq!(c[6], ("10".into(), 4));
        assert_eq!(c[11], ("600".into(), 4));
        assert_eq!(c[12], ("+Inf".into(), 5));
        assert_eq!(h.count, 5);
    }

    #[test]
    fn counters_survive_a_restart_and_are_saved_only_when_changed() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("counters.json");
        let m = Metrics::load(&p);
        m.ingested();
        m.rejected(Code::NotAPdf);
        m.failed(Code::ConversionTimeout);
        m.succeeded(3);
        m.conversion(1.5);
        m.persist(&p).unwrap();
        let before = std::fs::metadata(&p).unwrap().modified().unwrap();
        m.persist(&p).unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().modified().unwrap(), before);
        let again = Metrics::load(&p).counters();
        assert_eq!(again, m.counters());
        assert_eq!(again.rejected["not_a_pdf"], 1);
        assert_eq!(again.pages, 3);
        std::fs::write(&p, b"garbage").unwrap();
        assert_eq!(Metrics::load(&p).counters(), Counters::default());
    }
}
