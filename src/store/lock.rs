//! One daemon per root and host: an exclusive `flock` (std `File::try_lock`) on
//! `state/locks/<host>.lock`, held for the daemon's life and released by the kernel when it dies,
//! even by SIGKILL. Locks are per host on purpose: they never coordinate hosts sharing a root over
//! NFS (claims by rename and exclusively created records do that).

use std::fs::File;
use std::io::{Read, Seek};

use crate::fsx::{self, OpenOptions};
use std::path::PathBuf;

use crate::error::{Error, IoContext, Result};
use crate::layout::Layout;

/// This host's name, as used in lock file names.
pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it on success.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    let name = if rc == 0 {
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        String::new()
    };
    let clean: String = name
        .chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '.' | '-' | '_' => c,
            _ => '_',
        })
        .collect();
    if clean.is_empty() || clean.starts_with('.') {
        "localhost".into()
    } else {
        clean
    }
}

/// How long a held lock is waited for before `root_locked`.
const LOCK_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// The held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct HostLock {
    _file: File,
    pub path: PathBuf,
}

impl HostLock {
    /// Takes the lock of this host on the root, or fails with `root_locked` when it stays held for
    /// `LOCK_GRACE`. The grace covers a daemon killed while a conversion child it had just forked
    /// still shares the lock's open file (until that child's `exec` closes it): a restart right
    /// after the kill would otherwise find its own dead predecessor's lock.
    ///
    /// `host` is `cluster.host_id` (default: [`hostname`]): several daemons sharing a root each
    /// have their own, so they may even run on one machine (as the tests run them).
    pub fn acquire(layout: &Layout, host: &str) -> Result<HostLock> {
        let path = layout.host_lock(host);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .at(&path)?;
        let deadline = std::time::Instant::now() + LOCK_GRACE;
        let mut tried = file.try_lock();
        while matches!(tried, Err(std::fs::TryLockError::WouldBlock))
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(std::time::Duration::from_millis(50));
            tried = file.try_lock();
        }
        match tried {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.split_whitespace().collect::<Vec<_>>().join(" ");
                return Err(Error::Locked {
                    path,
                    holder: if holder.is_empty() {
                        "holder unknown".into()
                    } else {
                        holder
                    },
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
        let info = format!(
            "pid={} host={} started_at={}\n",
            std::process::id(),
            host,
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        fsx::truncate(&file, &path).at(&path)?;
        file.rewind().at(&path)?;
        fsx::write_all(&mut file, &path, info.as_bytes()).at(&path)?;
        fsx::sync(&file, &path).at(&path)?;
        Ok(HostLock { _file: file, path })
    }
}
