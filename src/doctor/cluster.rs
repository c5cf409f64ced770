//! The cluster part of `mdspool doctor` (docs/scale-out.md): the hosts that serve the root, by
//! their heartbeats, and the leases of running jobs, with those whose holder is no longer there
//! (its heartbeat says `stopped`, is missing, names another boot, or a process of this machine
//! that has ended). Whether a lease is renewed
//! cannot be told from one look without comparing clocks, so a holder that is gone silently is
//! found by the daemons' `lease-watch` threads, not here; the wall times shown are each host's own.

use chrono::{DateTime, Utc};

use super::{Finding, Severity};
use crate::cluster::lease::{self, HostBeat, LeaseRecord};
use crate::error::{Error, Result};
use crate::store::{JobStatus, Store};

pub const CLUSTER_HOST: &str = "cluster_host";
pub const LEASE_HELD: &str = "lease_held";
pub const LEASE_STALE: &str = "lease_stale";

fn when(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Adds the hosts and the leases of running jobs to `out`.
pub fn check(store: &Store, out: &mut Vec<Finding>) -> Result<()> {
    let l = store.layout();
    let beats = lease::host_beats(l)?;
    let this_boot = lease::boot_id();
    if beats.is_empty() {
        return Ok(()); // one daemon alone on the root: no lease to look at
    }
    for b in &beats {
        let msg = format!(
            "host {} ({}): pid {}, boot {}, {} heartbeats since {}, last written at {} by its own clock; leases renewed every {} ms, taken over after {} ms",
            b.host,
            b.state,
            b.pid,
            b.boot_id,
            b.beats,
            when(b.started_at),
            when(b.written_at),
            b.lease_renew_ms,
            b.lease_timeout_ms
        );
        let path = l.host_heartbeat(&b.host);
        out.push(Finding::new(CLUSTER_HOST, Severity::Info, &path, msg));
    }
    for id in store.job_ids()? {
        let m = match store.load(id) {
            Ok(m) if m.status == JobStatus::Running && m.lease_epoch > 0 => m,
            Ok(_) | Err(Error::JobNotFound { .. } | Error::JobExpired { .. }) => continue,
            Err(_) => continue, // reported as manifest_unreadable
        };
        let top = lease::top(l, id, m.lease_epoch);
        let path = l.lease(id, top);
        let rec = lease::read(&path)?.and_then(|b| LeaseRecord::parse(&b));
        let Some(rec) = rec else {
            let msg = format!(
                "job {id} is running under lease epoch {top}, which cannot be read; a daemon's lease-watch takes it over after cluster.lease_timeout"
            );
            out.push(Finding::new(LEASE_STALE, Severity::Warning, &path, msg));
            continue;
        };
        let holder: Option<&HostBeat> = beats.iter().find(|b| b.host == rec.host);
        let gone = match holder {
            None => Some("has no heartbeat".to_string()),
            Some(b) if b.state == "stopped" => Some("stopped".to_string()),
            Some(b) if b.boot_id != rec.boot_id || b.pid != rec.pid => {
                Some(format!("restarted (now pid {}, boot {})", b.pid, b.boot_id))
            }
            // A holder on this very machine can be looked up.
            Some(b) if b.boot_id == this_boot && !super::checks::alive(b.pid as i32) => {
                Some("ended (its process is gone from this machine)".to_string())
            }
            Some(_) => None,
        };
        match gone {
            Some(why) => {
                let msg = format!(
                    "job {id}: lease epoch {top} of host {} (pid {}), which {why}; any running daemon takes it over after cluster.lease_timeout (start one if none runs)",
                    rec.host, rec.pid
                );
                out.push(Finding::new(LEASE_STALE, Severity::Warning, &path, msg));
            }
            None => {
                let msg = format!(
                    "job {id}: lease epoch {top} held by host {} (pid {}), renewed {} times, last at {} by its own clock",
                    rec.host,
                    rec.pid,
                    rec.renewals,
                    when(rec.written_at)
                );
                out.push(Finding::new(LEASE_HELD, Severity::Info, &path, msg));
            }
        }
    }
    Ok(())
}
