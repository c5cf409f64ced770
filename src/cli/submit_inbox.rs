//! `mdspool submit` beside a live daemon: the client side of the drop protocol. When
//! `state/daemon.json` says a daemon serves the root (a fresh heartbeat, `starting` or `serving`),
//! the file goes through the inbox as any client's drop would, so that the daemon, which owns the
//! root, takes it: the PDF is copied under a temporary name (`.NAME.<id>.part`), synced, renamed
//! into place without replacing anything, the folder synced; then the sidecar the same way, last.
//! The command then waits for the daemon's acknowledgement, the receipt of its key naming a job
//! with these very bytes (written once the idempotency record and the job are durable), before it
//! prints the job id: exit 0 still means "acknowledged durably".
//!
//! The sidecar always carries the key (the content key `sha256-<hex>` in scope `default` without
//! `--key`, as the direct path uses), so the daemon takes the drop at once, without `watch.settle`,
//! and the same key and bytes replay to the same job whichever path made it. Its extra field
//! `"via": "mdspool submit"` lands in the job's manifest (`client`).
//!
//! What the client can foresee it leaves to the direct path, which refuses it the same way: a
//! file that is refused (checked before anything is dropped), a key that already names other bytes,
//! a name the inbox ignores. A name taken in the inbox (another drop of that name not yet taken)
//! is waited for. A daemon that does not take the drop within [`ack_timeout`] (stuck, or stopping)
//! does not leave the command hanging: it claims its own drop back by the same rename the daemon
//! uses (of two claimers, exactly one wins) and admits it directly.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::durable;
use crate::error::{Error, IoContext, Result};
use crate::ids::{DEFAULT_SCOPE, IdemKey, JobId};
use crate::inbox::names::{Kind, RESERVED, Rules, sidecar_of};
use crate::inbox::take::{TakeOutcome, take};
use crate::metrics::DaemonFile;
use crate::store::records::ReceiptStatus;
use crate::store::{Manifest, Store};

/// How often the inbox and the records are looked at while waiting.
const POLL: Duration = Duration::from_millis(20);
/// How long a drop claimed by the daemon may take to be admitted before the command gives up
/// (`ingest_in_progress`; the daemon finishes it).
const ADMIT_LIMIT: Duration = Duration::from_secs(30);

/// Does a live daemon serve this root and take drops from its inbox?
pub fn daemon_takes_drops(store: &Store, cfg: &Config) -> bool {
    DaemonFile::read(&store.layout().daemon_file()).is_some_and(|d| {
        d.is_live(cfg.metrics.interval.0) && matches!(d.state.as_str(), "starting" | "serving")
    })
}

/// How long the daemon has to take a drop before the command claims it back: 10 s, plus two
/// polls of the inbox when it is polled.
pub fn ack_timeout(cfg: &Config) -> Duration {
    Duration::from_secs(10) + cfg.watch.poll.map_or(Duration::ZERO, |p| p.0 * 2)
}

/// Drops the checked, open file `src` (named `name`) into the inbox and waits for its job.
/// `Ok(None)`: the inbox is not the way for this file (see the module docs); nothing was left
/// behind, and the caller takes the direct path.
pub fn submit(
    store: &Store,
    cfg: &Config,
    src: &mut File,
    pdf: &Path,
    name: &str,
    key: Option<IdemKey>,
    pin: bool,
) -> Result<Option<Manifest>> {
    let rules = Rules::new(&cfg.watch.ignore);
    if name == RESERVED || rules.kind(name) != Kind::Pdf {
        tracing::info!(file = %name, "a name the inbox does not take as a PDF: submitted directly");
        return Ok(None);
    }
    let inbox = store.layout().inbox();
    let tag = JobId::new().to_string()[..8].to_string();
    let tmp = inbox.join(format!(".{name}.{tag}.part"));
    let fp = match copy_hashed(src, pdf, &tmp) {
        Ok(fp) => fp,
        Err(e) => {
            let _ = crate::fsx::remove_file(&tmp);
            return Err(e);
        }
    };
    let key = match key {
        Some(k) => k,
        None => IdemKey::new(DEFAULT_SCOPE, &format!("sha256-{fp}"))?,
    };
    let dropped = Dropped {
        inbox,
        name: name.to_string(),
        tmp,
    };
    // A key that already names other bytes: the direct path refuses it as a drop would.
    if let Some(Err(_)) = answer(store, &key, &fp)? {
        dropped.discard();
        return Ok(None);
    }
    let deadline = Instant::now() + ack_timeout(cfg);
    let ino = match dropped.place(&key, pin, deadline) {
        Ok(Some(ino)) => ino,
        Ok(None) => {
            tracing::info!(file = %name, "inbox name still taken: submitted directly");
            dropped.discard();
            return Ok(None);
        }
        Err(e) => {
            dropped.discard();
            return Err(e);
        }
    };
    acknowledged(store, cfg, &dropped, ino, &key, &fp, deadline).map(Some)
}

/// Copies `src` to `tmp` (created exclusively), syncs it; returns the sha256 of the bytes.
fn copy_hashed(src: &mut File, pdf: &Path, tmp: &Path) -> Result<String> {
    use std::io::Seek;
    src.seek(std::io::SeekFrom::Start(0)).at(pdf)?;
    let mut dst = crate::fsx::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .at(tmp)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = src.read(&mut buf).at(pdf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        crate::fsx::write_all(&mut dst, tmp, &buf[..n]).at(tmp)?;
    }
    crate::fsx::sync(&dst, tmp).at(tmp)?;
    Ok(hex::encode(h.finalize()))
}

/// A drop this command is making: the PDF at `tmp`, then at `inbox/name`.
struct Dropped {
    inbox: PathBuf,
    name: String,
    tmp: PathBuf,
}

impl Dropped {
    fn target(&self) -> PathBuf {
        self.inbox.join(&self.name)
    }

    fn sidecar(&self) -> PathBuf {
        self.inbox.join(sidecar_of(&self.name))
    }

    /// Puts the PDF, then its sidecar, into place, each without replacing anything; a name taken
    /// is waited for until `deadline`. Returns the inode of the placed PDF; `None` when the names
    /// stayed taken (nothing of this drop is left in the inbox then).
    fn place(&self, key: &IdemKey, pin: bool, deadline: Instant) -> Result<Option<u64>> {
        loop {
            let free = |p: &Path| p.symlink_metadata().is_err();
            if free(&self.sidecar()) && rename_noreplace(&self.tmp, &self.target())? {
                break;
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
            std::thread::sleep(POLL);
        }
        let ino = std::fs::symlink_metadata(self.target())
            .at(self.target())?
            .ino();
        durable::fsync_dir(&self.inbox)?;
        let sc = serde_json::json!({
            "key": key.key, "scope": key.scope, "pin": pin, "via": "mdspool submit",
        });
        let sc_tmp = self.tmp.with_extension("idem.part");
        let placed = crate::fsx::write(&sc_tmp, sc.to_string())
            .and_then(|()| crate::fsx::sync(&File::open(&sc_tmp)?, &sc_tmp))
            .at(&sc_tmp)
            .and_then(|()| rename_noreplace(&sc_tmp, &self.sidecar()));
        let _ = crate::fsx::remove_file(&sc_tmp);
        match placed {
            Ok(true) => {
                durable::fsync_dir(&self.inbox)?;
                Ok(Some(ino))
            }
            // Another client's sidecar of the same name came in between: take the PDF back.
            other => {
                self.take_back(ino);
                other.map(|_| None)
            }
        }
    }

    /// Moves the PDF placed with inode `ino` back to its temp name, if it is still there.
    fn take_back(&self, ino: u64) {
        let ours = std::fs::symlink_metadata(self.target()).is_ok_and(|m| m.ino() == ino);
        if ours {
            let _ = crate::fsx::rename(self.target(), &self.tmp);
        }
    }

    /// Removes the temp copy.
    fn discard(&self) {
        let _ = crate::fsx::remove_file(&self.tmp);
    }

    /// Is the PDF with inode `ino` still in the inbox (not claimed yet)?
    fn still_there(&self, ino: u64) -> bool {
        std::fs::symlink_metadata(self.target()).is_ok_and(|m| m.ino() == ino)
    }
}

/// Renames `from` to `to` unless `to` exists (`Ok(false)` then). `renameat2(RENAME_NOREPLACE)`,
/// else (a file system without it, as NFS) a hard link then the removal of `from`.
fn rename_noreplace(from: &Path, to: &Path) -> Result<bool> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).ok();
    let (Some(f), Some(t)) = (c(from), c(to)) else {
        return Err(Error::internal(format!("NUL in {}", to.display())));
    };
    // The client's own drop into the inbox, not the spool's state: no crash scenario records it.
    // SAFETY: both are valid NUL-terminated paths.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            f.as_ptr(),
            libc::AT_FDCWD,
            t.as_ptr(),
            libc::RENAME_NOREPLACE,
        )
    };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EEXIST) => Ok(false),
        Some(libc::EINVAL | libc::ENOSYS | libc::ENOTSUP) => {
            match crate::fsx::hard_link(from, to) {
                Ok(()) => {
                    crate::fsx::remove_file(from).at(from)?;
                    Ok(true)
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
                Err(e) => Err(Error::io(to, e)),
            }
        }
        _ => Err(Error::io(to, err)),
    }
}

/// What the receipt of `key` says now, read as any client can (receipts and manifests, not the
/// daemon's private records): `Ok(manifest)` when it names a job with these bytes (`fp`),
/// `Err(job)` when it names a job with other bytes, `None` when there is no such job (yet).
fn answer(
    store: &Store,
    key: &IdemKey,
    fp: &str,
) -> Result<Option<std::result::Result<Manifest, JobId>>> {
    let Some(job) = store.read_receipt(key)?.and_then(|r| r.job_id) else {
        return Ok(None);
    };
    match store.load(job) {
        Ok(m) if m.idempotency.fingerprint == fp => Ok(Some(Ok(m))),
        Ok(m) => Ok(Some(Err(m.job_id))),
        Err(Error::JobNotFound { .. } | Error::JobExpired { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The error of a `rejected` receipt of `key` written after `since`: the daemon refused the drop
/// (its settings differ from this command's, e.g. a smaller `watch.max_size`).
fn refused_since(
    store: &Store,
    key: &IdemKey,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<Option<crate::store::manifest::JobError>> {
    Ok(store.read_receipt(key)?.and_then(|r| {
        let fresh = r.status == ReceiptStatus::Rejected && r.updated_at >= since;
        r.error.filter(|_| fresh && r.job_id.is_none())
    }))
}

/// Waits until the daemon has admitted the drop (the receipt of its key names a job with these
/// bytes), or refused it as a conflict. Past `deadline` with the drop
/// still untaken, the command claims it back and admits it itself.
fn acknowledged(
    store: &Store,
    cfg: &Config,
    d: &Dropped,
    ino: u64,
    key: &IdemKey,
    fp: &str,
    deadline: Instant,
) -> Result<Manifest> {
    let mut limit = deadline + ADMIT_LIMIT;
    // A refusal receipt of the key newer than this is the daemon's answer to this drop.
    let since = chrono::Utc::now() - chrono::Duration::seconds(2);
    loop {
        if !d.still_there(ino) {
            if let Some(e) = refused_since(store, key, since)? {
                let path = store.layout().relative(&d.target());
                return Err(crate::inbox::validate::refuse(
                    Path::new(&path),
                    e.code,
                    e.message,
                ));
            }
            match answer(store, key, fp)? {
                Some(Ok(m)) => {
                    // The daemon renames a batch's receipts into place before it syncs their
                    // folder once for all of them: seen here, a receipt may not be durable yet.
                    // Syncing the folder before exiting 0 keeps exit 0 an acknowledgement that a
                    // power cut cannot take back.
                    let receipt = store.layout().receipt(key);
                    durable::fsync_dir(receipt.parent().unwrap_or(Path::new(".")))?;
                    return Ok(m);
                }
                Some(Err(other)) if d.sidecar().symlink_metadata().is_err() => {
                    return Err(Error::IdempotencyConflict {
                        scope: key.scope.clone(),
                        key: key.key.clone(),
                        job_id: other.to_string(),
                    });
                }
                _ => {}
            }
            if Instant::now() >= limit {
                return Err(Error::InProgress {
                    job_id: format!("of inbox/{}", d.name),
                });
            }
        } else if Instant::now() >= deadline {
            tracing::warn!(file = %d.name, "the daemon did not take the drop in time: claimed back and submitted directly");
            let (_, outcome) = take(store, &cfg.watch, &d.inbox, &d.name);
            match outcome? {
                TakeOutcome::Created(id) | TakeOutcome::Replayed(id) => {
                    store.nudge();
                    return store.load(id);
                }
                TakeOutcome::Conflict(existing) => {
                    return Err(Error::IdempotencyConflict {
                        scope: key.scope.clone(),
                        key: key.key.clone(),
                        job_id: existing.to_string(),
                    });
                }
                TakeOutcome::Rejected(code) => {
                    let path = store.layout().relative(&d.target());
                    return Err(crate::inbox::validate::refuse(
                        Path::new(&path),
                        code,
                        "refused (see rejected/)",
                    ));
                }
                // The daemon claimed it after all: wait for its admission.
                TakeOutcome::Gone => limit = Instant::now() + ADMIT_LIMIT,
            }
        }
        std::thread::sleep(POLL);
    }
}
