//! The records the hosts of one root share: a job's lease (`jobs/<id>/lease-<epoch>`) and a host's
//! heartbeat (`state/hosts/<host>.json`). A lease is created exclusively (the one host whose create
//! wins runs that epoch) and then rewritten in place by its holder only, a counter going up with each
//! renewal, so that another host can see it change without reading anybody's clock. The wall times
//! in them are for people; no host ever compares them with its own clock.

use std::io;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::durable;
use crate::error::{Error, Result};
use crate::ids::JobId;

/// `jobs/<id>/lease-<epoch>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseRecord {
    pub job_id: JobId,
    pub epoch: u64,
    pub host: String,
    /// The holder's kernel boot id: a restarted host is another holder.
    pub boot_id: String,
    pub pid: u32,
    /// Unique per create: tells our own create from another host's after an NFS retry.
    pub nonce: String,
    /// Goes up with each renewal.
    pub renewals: u64,
    /// Set when the lease was created to take the job over from a host that stopped renewing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub took_over_from: Option<String>,
    /// The holder's wall clock at the last write (for people only).
    pub written_at: DateTime<Utc>,
}

impl LeaseRecord {
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    pub fn parse(bytes: &[u8]) -> Option<LeaseRecord> {
        serde_json::from_slice(bytes).ok()
    }
}

/// What an exclusive create of a lease came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    /// The lease is ours.
    Won,
    /// Another host's lease is there.
    Lost,
    /// The job folder is gone (swept, removed).
    Gone,
}

/// Creates `path` holding `rec` exclusively. An `EEXIST` for a create of ours that an NFS client
/// retried after the server had done it is told apart by reading the file back: our nonce, ours.
pub fn create(path: &Path, rec: &LeaseRecord) -> Result<Created> {
    let bytes = rec.to_json();
    match durable::create_exclusive(path, &bytes) {
        Ok(true) => Ok(Created::Won),
        Ok(false) => match durable::read_optional(path)? {
            Some(b) if LeaseRecord::parse(&b).is_some_and(|r| r.nonce == rec.nonce) => {
                Ok(Created::Won)
            }
            _ => Ok(Created::Lost),
        },
        Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
            Ok(Created::Gone)
        }
        Err(e) => Err(e),
    }
}

/// The bytes of a lease, `None` when there is none (or its job is gone).
pub fn read(path: &Path) -> Result<Option<Vec<u8>>> {
    match durable::read_optional(path) {
        Err(Error::Io { source, .. }) if source.raw_os_error() == Some(libc::ENOTDIR) => Ok(None),
        r => r,
    }
}

/// Whether a lease exists at `path` (a lookup of one name, not a listing).
pub fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// The newest epoch at or above `from` whose lease exists (`from` itself when `from + 1` has none).
pub fn top(l: &crate::layout::Layout, id: JobId, from: u64) -> u64 {
    let mut e = from;
    while exists(&l.lease(id, e + 1)) {
        e += 1;
    }
    e
}

/// `state/hosts/<host>.json`: a daemon's heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostBeat {
    pub host: String,
    pub boot_id: String,
    pub pid: u32,
    /// `serving`, or `stopped` once the daemon stopped cleanly.
    pub state: String,
    /// Goes up with each renewal.
    pub beats: u64,
    pub started_at: DateTime<Utc>,
    /// The host's wall clock at the last write (for people only).
    pub written_at: DateTime<Utc>,
    pub lease_renew_ms: u64,
    pub lease_timeout_ms: u64,
}

impl HostBeat {
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

/// Every readable heartbeat under `state/hosts/`, by host name.
pub fn host_beats(l: &crate::layout::Layout) -> Result<Vec<HostBeat>> {
    let mut out = Vec::new();
    for name in durable::list_names(&l.hosts_dir())? {
        let Some(host) = name.strip_suffix(".json") else {
            continue;
        };
        if let Some(b) = durable::read_optional(&l.host_heartbeat(host))?
            && let Ok(beat) = serde_json::from_slice::<HostBeat>(&b)
        {
            out.push(beat);
        }
    }
    Ok(out)
}

/// This machine's boot id (`/proc/sys/kernel/random/boot_id`), or `unknown`.
pub fn boot_id() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(nonce: &str) -> LeaseRecord {
        LeaseRecord {
            job_id: JobId::new(),
            epoch: 1,
            host: "h0".into(),
            boot_id: "b".into(),
            pid: 1,
            nonce: nonce.into(),
            renewals: 0,
            took_over_from: None,
            written_at: Utc::now(),
        }
    }

    #[test]
    fn one_create_wins_our_own_retried_create_is_ours_and_a_gone_job_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("lease-1");
        let a = rec("a");
        assert_eq!(create(&p, &a).unwrap(), Created::Won);
        // The same create again (an NFS retry answered EEXIST): read back, still ours.
        assert_eq!(create(&p, &a).unwrap(), Created::Won);
        assert_eq!(create(&p, &rec("b")).unwrap(), Created::Lost);
        let gone = dir.path().join("no-such-job/lease-1");
        assert_eq!(create(&gone, &a).unwrap(), Created::Gone);
        assert_eq!(read(&gone).unwrap(), None);
    }
}
