//! Several daemons on different hosts serving one root (docs/scale-out.md). There is no
//! coordinator: the shared file system is the engine, and only its exclusive create, its atomic
//! rename in one folder and close-to-open consistency are relied on (no `flock` across hosts, no
//! fresh listings, no wall clock of another host).
//!
//! - A worker takes a queued job by creating `jobs/<id>/lease-<epoch+1>` exclusively ([`Cluster::take`])
//!   and writing that epoch into the manifest as it becomes `running`.
//! - The `cluster` thread ([`renew`]) rewrites each held lease and this host's heartbeat every
//!   `cluster.lease_renew`.
//! - The `lease-watch` thread ([`takeover`]) watches the leases of jobs other hosts run; one that
//!   has not changed for `cluster.lease_timeout` on this host's monotonic clock is taken over (the
//!   next epoch created, the job queued again).
//! - Fencing ([`Cluster::fence`]): every manifest write of an attempt first checks that its epoch is
//!   still the newest and that this host renewed it recently; else the result is discarded.
//!
//! With `cluster.enabled = false` and no other host's heartbeat, none of this runs: a lone daemon
//! keeps its fast path (no lease, no extra fsync per job).

pub mod lease;
pub mod renew;
pub mod takeover;

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::config::ClusterConfig;
use crate::error::{Error, Result};
use crate::ids::JobId;
use crate::layout::Layout;
use crate::store::manifest::AttemptHost;
use crate::store::{JobStatus, Manifest, Store};
use lease::{Created, HostBeat, LeaseRecord};

/// A lease this host holds.
#[derive(Debug, Clone)]
struct Held {
    rec: LeaseRecord,
    /// When a write of the lease last succeeded, on this host's monotonic clock.
    last_ok: Instant,
}

/// This host's part in the cluster: who it is, and the leases it holds.
#[derive(Debug)]
pub struct Cluster {
    pub host: String,
    pub boot_id: String,
    pub pid: u32,
    pub renew: Duration,
    pub timeout: Duration,
    layout: Layout,
    started_at: DateTime<Utc>,
    beats: AtomicU64,
    held: Mutex<HashMap<JobId, Held>>,
}

/// Whether the daemon coordinates with other hosts: `cluster.enabled`, or another host's heartbeat
/// that does not say `stopped` (read at start).
pub fn wanted(cfg: &ClusterConfig, layout: &Layout) -> Result<bool> {
    if cfg.enabled {
        return Ok(true);
    }
    let me = cfg.host();
    let others: Vec<String> = lease::host_beats(layout)?
        .into_iter()
        .filter(|b| b.host != me && b.state != "stopped")
        .map(|b| b.host)
        .collect();
    if !others.is_empty() {
        tracing::warn!(hosts = ?others, "other hosts serve this root: coordination switched on (set cluster.enabled = true to say so; docs/scale-out.md)");
    }
    Ok(!others.is_empty())
}

/// At a daemon's start: when coordination is [`wanted`], this host's part (its heartbeat written),
/// and `layout` switched to this host's staging folder; else `None` and nothing changes.
pub fn join(
    cfg: &ClusterConfig,
    layout: &mut Layout,
    now: DateTime<Utc>,
) -> Result<Option<std::sync::Arc<Cluster>>> {
    if !wanted(cfg, layout)? {
        return Ok(None);
    }
    *layout = layout.clone().with_staging_host(&cfg.host());
    let c = Cluster::new(cfg, layout.clone(), now);
    c.write_beat("serving", now)?;
    Ok(Some(std::sync::Arc::new(c)))
}

fn nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl Cluster {
    pub fn new(cfg: &ClusterConfig, layout: Layout, now: DateTime<Utc>) -> Cluster {
        Cluster {
            host: cfg.host(),
            boot_id: lease::boot_id(),
            pid: std::process::id(),
            renew: cfg.lease_renew.0,
            timeout: cfg.lease_timeout.0,
            layout,
            started_at: now,
            beats: AtomicU64::new(0),
            held: Mutex::new(HashMap::new()),
        }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<JobId, Held>> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new lease record of this host for epoch `epoch` of job `id`.
    pub fn record(&self, id: JobId, epoch: u64, now: DateTime<Utc>) -> LeaseRecord {
        LeaseRecord {
            job_id: id,
            epoch,
            host: self.host.clone(),
            boot_id: self.boot_id.clone(),
            pid: self.pid,
            nonce: nonce(),
            renewals: 0,
            took_over_from: None,
            written_at: now,
        }
    }

    /// Takes queued job `m` for an attempt: creates the lease of the epoch after the manifest's.
    /// `None` when another host created it first (or the job is gone).
    pub fn take(&self, store: &Store, m: &Manifest) -> Result<Option<u64>> {
        let id = m.job_id;
        let epoch = m.lease_epoch + 1;
        let rec = self.record(id, epoch, store.now());
        let created = match lease::create(&self.layout.lease(id, epoch), &rec) {
            Ok(c) => c,
            Err(e @ Error::StorageFull { .. }) => return Err(e),
            // Not taken this time (a network file system's hiccup); the job stays queued and is
            // found again by the next look.
            Err(e) => {
                tracing::warn!(job = %id, error = %e, "cannot create a lease");
                Created::Lost
            }
        };
        match created {
            Created::Won => {
                let held = Held {
                    rec,
                    last_ok: Instant::now(),
                };
                self.held().insert(id, held);
                Ok(Some(epoch))
            }
            Created::Lost | Created::Gone => Ok(None),
        }
    }

    /// Under the job lock, as the job becomes `running`: the manifest must still be at the epoch
    /// the lease followed (`prior`); it then records epoch `epoch` and this host for the attempt.
    pub fn claim(&self, m: &mut Manifest, prior: u64, epoch: u64) -> Result<()> {
        if m.lease_epoch != prior {
            return Err(self.lost(
                m.job_id,
                epoch,
                format!(
                    "the job moved on to lease epoch {} meanwhile",
                    m.lease_epoch
                ),
            ));
        }
        m.lease_epoch = epoch;
        m.attempt_hosts.push(AttemptHost {
            attempt: m.attempts,
            epoch,
            host: self.host.clone(),
        });
        Ok(())
    }

    fn lost(&self, id: JobId, epoch: u64, reason: String) -> Error {
        Error::LeaseLost {
            job_id: id.to_string(),
            epoch,
            reason,
        }
    }

    /// Fencing, under the job lock before any write of an attempt's outcome: `lease_lost` unless
    /// the manifest still names `epoch`, no newer lease exists, and this host renewed its lease
    /// within half of `lease_timeout` (a host that cannot renew may already be taken over).
    pub fn fence(&self, m: &Manifest, epoch: u64) -> Result<()> {
        let id = m.job_id;
        if m.lease_epoch != epoch {
            let why = format!("the manifest names lease epoch {}", m.lease_epoch);
            return Err(self.lost(id, epoch, why));
        }
        let next = self.layout.lease(id, epoch + 1);
        if lease::exists(&next) {
            let who = lease::read(&next)?
                .and_then(|b| LeaseRecord::parse(&b))
                .map_or_else(
                    || "another host".to_string(),
                    |r| format!("host {}", r.host),
                );
            let why = format!("{who} took the job over as epoch {}", epoch + 1);
            return Err(self.lost(id, epoch, why));
        }
        let last_ok = self
            .held()
            .get(&id)
            .filter(|h| h.rec.epoch == epoch)
            .map(|h| h.last_ok);
        match last_ok {
            Some(t) if t.elapsed() <= self.timeout / 2 => Ok(()),
            Some(t) => {
                let why = format!("not renewed for {:.1}s", t.elapsed().as_secs_f64());
                Err(self.lost(id, epoch, why))
            }
            None => Err(self.lost(id, epoch, "not held by this host".into())),
        }
    }

    /// Stops renewing the lease of job `id` (its attempt is recorded, or discarded).
    pub fn release(&self, id: JobId) {
        self.held().remove(&id);
    }

    /// Whether this host holds the lease of `id` at `epoch`.
    pub fn holds(&self, id: JobId, epoch: u64) -> bool {
        self.held().get(&id).is_some_and(|h| h.rec.epoch == epoch)
    }

    /// One renewal of every held lease: each is rewritten with its counter one up. A lease whose
    /// job is gone is dropped; other failures are logged and retried at the next renewal (the
    /// holder fences itself if they last).
    pub fn renew_leases(&self, now: DateTime<Utc>) {
        let held: Vec<(JobId, Held)> = self.held().iter().map(|(k, v)| (*k, v.clone())).collect();
        for (id, mut h) in held {
            h.rec.renewals += 1;
            h.rec.written_at = now;
            let path = self.layout.lease(id, h.rec.epoch);
            match crate::durable::write_atomic(&path, &h.rec.to_json()) {
                Ok(()) => {
                    let mut all = self.held();
                    if let Some(cur) = all.get_mut(&id).filter(|c| c.rec.epoch == h.rec.epoch) {
                        cur.rec = h.rec;
                        cur.last_ok = Instant::now();
                    }
                }
                Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                    self.release(id);
                }
                Err(e) => tracing::warn!(job = %id, error = %e, "cannot renew a lease"),
            }
        }
    }

    /// Writes this host's heartbeat (`state` is `serving` or `stopped`).
    pub fn write_beat(&self, state: &str, now: DateTime<Utc>) -> Result<()> {
        let beat = HostBeat {
            host: self.host.clone(),
            boot_id: self.boot_id.clone(),
            pid: self.pid,
            state: state.into(),
            beats: self.beats.fetch_add(1, Ordering::Relaxed) + 1,
            started_at: self.started_at,
            written_at: now,
            lease_renew_ms: self.renew.as_millis() as u64,
            lease_timeout_ms: self.timeout.as_millis() as u64,
        };
        crate::durable::create_dir_all_durable(&self.layout.hosts_dir())?;
        crate::durable::write_atomic(&self.layout.host_heartbeat(&self.host), &beat.to_json())
    }

    /// Whether a `running` job left by an earlier life of this daemon may be requeued at start:
    /// its newest lease names this host (or there is none of another host).
    pub fn left_by_me(&self, m: &Manifest) -> Result<bool> {
        debug_assert_eq!(m.status, JobStatus::Running);
        if m.lease_epoch == 0 {
            return Ok(false);
        }
        let top = lease::top(&self.layout, m.job_id, m.lease_epoch);
        let rec =
            lease::read(&self.layout.lease(m.job_id, top))?.and_then(|b| LeaseRecord::parse(&b));
        Ok(top == m.lease_epoch && rec.is_some_and(|r| r.host == self.host))
    }
}

/// What a worker needs to fence the writes of one attempt.
#[derive(Clone, Copy)]
pub struct Fence<'a> {
    pub cluster: Option<&'a Cluster>,
    pub epoch: u64,
}

impl Fence<'_> {
    /// No fencing (a lone daemon).
    pub fn none() -> Fence<'static> {
        Fence {
            cluster: None,
            epoch: 0,
        }
    }

    /// [`Cluster::fence`] when coordinating, else nothing.
    pub fn check(&self, m: &Manifest) -> Result<()> {
        match self.cluster {
            Some(c) => c.fence(m, self.epoch),
            None => Ok(()),
        }
    }

    /// ` on host H (lease epoch E)` for run.log lines, empty for a lone daemon.
    pub fn where_(&self) -> String {
        match self.cluster {
            Some(c) => format!(" on host {} (lease epoch {})", c.host, self.epoch),
            None => String::new(),
        }
    }
}
