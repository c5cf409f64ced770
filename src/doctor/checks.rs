//! The checks of `mdspool doctor`, each a pure look at the root (nothing is created or changed
//! here): layout, daemon and locks, debris of interrupted work, manifests and receipts, modes, the
//! file-system type and free space; and the conversion sandbox the kernel allows. The codes are stable (docs/codes.md, "Doctor findings").

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use super::{Finding, Options, Severity};
use crate::clock::SystemClock;
use crate::config::Loaded;
use crate::durable;
use crate::error::{Error, IoContext, Result};
use crate::ids::IdemKey;
use crate::layout::Layout;
use crate::store::{JobStatus, Store};

pub const LAYOUT_MISSING: &str = "layout_missing";
pub const DAEMON_RUNNING: &str = "daemon_running";
pub const STALE_LOCK: &str = "stale_lock";
pub const STALE_PID_FILE: &str = "stale_pid_file";
pub const TEMP_FILE: &str = "temp_file";
pub const STAGING_LEFTOVER: &str = "staging_leftover";
pub const STAGING_IN_USE: &str = "staging_in_use";
pub const TRASH_LEFTOVER: &str = "trash_leftover";
pub const MANIFEST_UNREADABLE: &str = "manifest_unreadable";
pub const JOB_ORPHANED_RUNNING: &str = "job_orphaned_running";
pub const RECEIPT_STALE: &str = "receipt_stale";
pub const NOT_SHARED: &str = "mode_not_shared";
pub const STATE_NOT_PRIVATE: &str = "state_not_private";
pub const NETWORK_FS: &str = "network_fs";
pub const DISK_LOW: &str = "disk_low";
pub const SANDBOX_ENFORCED: &str = "sandbox_enforced";
pub const SANDBOX_UNAVAILABLE: &str = "sandbox_unavailable";
pub const SANDBOX_OFF: &str = "sandbox_off";

/// Below this much free space on the root's file system, `disk_low` is reported.
pub const MIN_FREE_BYTES: u64 = 1 << 30;

pub fn all(loaded: &Loaded, opts: &Options) -> Result<Vec<Finding>> {
    let layout = loaded.layout();
    let mut out = Vec::new();
    if !layout.root().is_dir() {
        out.push(Finding::new(
            LAYOUT_MISSING,
            Severity::Error,
            layout.root(),
            "the storage root does not exist; `mdspool doctor --fix` (or `mdspool run`) creates it"
                .into(),
        ));
        return Ok(out);
    }
    for dir in layout.dirs() {
        if !dir.is_dir() {
            let msg = "folder missing; `--fix` creates it".to_string();
            out.push(Finding::new(LAYOUT_MISSING, Severity::Error, &dir, msg));
        }
    }
    let running = daemon(&layout, &loaded.config.cluster.host(), opts, &mut out)?;
    let store = Store::inspect(
        layout.clone(),
        Arc::new(SystemClock),
        loaded.config.retention.clone(),
    );
    if !running {
        debris(&store, &mut out)?;
    }
    jobs(&store, running, &mut out)?;
    super::cluster::check(&store, &mut out)?;
    modes(&layout, &loaded.config.output.share()?, &mut out)?;
    file_system(loaded, &mut out);
    sandbox(loaded, &mut out);
    Ok(out)
}

/// `convert.sandbox` against what this kernel offers (docs/security.md).
fn sandbox(loaded: &Loaded, out: &mut Vec<Finding>) {
    let probe = crate::worker::sandbox::Probe::now();
    let root = loaded.layout().root().to_path_buf();
    let (code, severity, msg) = match (loaded.config.convert.sandbox(), probe.missing()) {
        (crate::config::Sandbox::Off, _) => (
            SANDBOX_OFF,
            Severity::Info,
            format!(
                "convert.sandbox = off: conversion children run without Landlock or seccomp (kernel: {probe})"
            ),
        ),
        (crate::config::Sandbox::Strict, None) => (
            SANDBOX_ENFORCED,
            Severity::Info,
            format!(
                "convert.sandbox = strict: conversion children run with no_new_privs, Landlock and the seccomp allow-list ({probe})"
            ),
        ),
        (crate::config::Sandbox::Strict, Some(m)) => (
            SANDBOX_UNAVAILABLE,
            Severity::Warning,
            format!(
                "convert.sandbox = strict, but {m} ({probe}); run on a kernel with Landlock (5.13 or later, enabled in `lsm=`) and seccomp, or set convert.sandbox = \"off\" to accept it"
            ),
        ),
    };
    out.push(Finding::new(code, severity, &root, msg));
}

/// Whether a daemon of this host holds the root's lock; reports it, a lock file naming a dead
/// process and a pid file naming a dead process.
fn daemon(layout: &Layout, host: &str, opts: &Options, out: &mut Vec<Finding>) -> Result<bool> {
    let path = layout.host_lock(host);
    let mut running = false;
    if let Ok(file) = fs::File::open(&path) {
        let holder = fs::read_to_string(&path).unwrap_or_default();
        match file.try_lock() {
            Err(std::fs::TryLockError::WouldBlock) => {
                running = true;
                let msg = format!(
                    "a daemon serves this root ({}); its staging, trash and temp files are in flight and not checked",
                    holder.trim()
                );
                out.push(Finding::new(DAEMON_RUNNING, Severity::Info, &path, msg));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            Ok(()) => {
                if let Some(pid) = pid_in(&holder)
                    && !alive(pid)
                {
                    let msg = format!(
                        "no daemon runs; the lock file names pid {pid}, which has ended (harmless: the lock is released with its process, nothing to do)"
                    );
                    out.push(Finding::new(STALE_LOCK, Severity::Info, &path, msg));
                }
            }
        }
    }
    if let Some(p) = &opts.pid_file
        && let Ok(text) = fs::read_to_string(p)
        && let Ok(pid) = text.trim().parse::<i32>()
        && !alive(pid)
    {
        let msg = format!(
            "the pid file names pid {pid}, which has ended: the daemon did not stop cleanly; check its log, remove the file, start it again"
        );
        out.push(Finding::new(STALE_PID_FILE, Severity::Warning, p, msg));
    }
    Ok(running)
}

fn pid_in(holder: &str) -> Option<i32> {
    holder
        .split_whitespace()
        .find_map(|w| w.strip_prefix("pid="))
        .and_then(|p| p.parse().ok())
}

/// Whether process `pid` exists (on this host).
pub(super) fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    pid > 0
        && (unsafe { libc::kill(pid, 0) } == 0
            || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM))
}

/// Temp files, staging and trash entries left by a daemon or command that stopped half-way.
fn debris(store: &Store, out: &mut Vec<Finding>) -> Result<()> {
    for dir in store.temp_file_dirs()? {
        for name in durable::list_names(&dir)? {
            if durable::is_temp_name(&name) {
                let msg = "temp file of an interrupted write; `--fix` removes it (as startup does)";
                out.push(Finding::new(
                    TEMP_FILE,
                    Severity::Warning,
                    &dir.join(name),
                    msg.into(),
                ));
            }
        }
    }
    let l = store.layout();
    for (dir, code, what) in [
        (
            l.staging_dir(),
            STAGING_LEFTOVER,
            "a drop whose ingest was interrupted; `--fix` finishes it or puts the drop back in the inbox, as startup does",
        ),
        (
            l.trash_dir(),
            TRASH_LEFTOVER,
            "a job folder whose removal by retention was interrupted; not removed by `--fix`: `mdspool sweep` (or the daemon's next sweep) finishes it",
        ),
    ] {
        for name in durable::list_names(&dir)? {
            let path = dir.join(name);
            if code == STAGING_LEFTOVER && held(&path) {
                let msg = "a `mdspool submit` is filling it (it holds the entry); nothing to do";
                out.push(Finding::new(
                    STAGING_IN_USE,
                    Severity::Info,
                    &path,
                    msg.into(),
                ));
                continue;
            }
            out.push(Finding::new(code, Severity::Warning, &path, what.into()));
        }
    }
    Ok(())
}

/// Does a live process (`mdspool submit`) hold staging entry `entry`? Looked at without creating
/// anything: an entry without a hold file is held by nobody.
fn held(entry: &Path) -> bool {
    let path = entry.join(crate::store::admit::HOLD);
    let Ok(f) = crate::fsx::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
    else {
        return false;
    };
    matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock))
}

/// Manifests that cannot be read, jobs left `running` by a dead daemon, receipts that disagree.
fn jobs(store: &Store, running: bool, out: &mut Vec<Finding>) -> Result<()> {
    let l = store.layout();
    for id in store.job_ids()? {
        let m = match store.load(id) {
            Ok(m) => m,
            Err(Error::JobNotFound { .. } | Error::JobExpired { .. }) => continue,
            Err(e) => {
                let msg = format!(
                    "unreadable manifest ({}: {e}); not repaired automatically: restore it from a backup, or move jobs/{id} out of the root",
                    e.code()
                );
                out.push(Finding::new(
                    MANIFEST_UNREADABLE,
                    Severity::Error,
                    &l.manifest(id),
                    msg,
                ));
                continue;
            }
        };
        // A job running under a lease is another host's, or this host's to take back: see
        // `lease_held` and `lease_stale` (doctor/cluster.rs).
        if !running && m.status == JobStatus::Running && m.lease_epoch == 0 {
            let msg = "job left running by a daemon that stopped; `--fix` queues it again, as startup does";
            out.push(Finding::new(
                JOB_ORPHANED_RUNNING,
                Severity::Warning,
                &l.manifest(id),
                msg.into(),
            ));
        }
        // A running daemon writes a receipt just after its manifest (and repaired any left stale
        // when it started): a disagreement seen now is a write in flight.
        if running {
            continue;
        }
        let Ok(k) = IdemKey::new(&m.idempotency.scope, &m.idempotency.key) else {
            continue;
        };
        let stale = match store.read_receipt(&k) {
            Ok(None) => m.status.is_final(),
            Ok(Some(r)) => r.job_id == Some(m.job_id) && r.status != m.status.into(),
            Err(_) => false,
        };
        if stale {
            let msg = format!(
                "the receipt disagrees with the manifest (status {}); `--fix` rewrites it from the manifest",
                m.status.as_str()
            );
            out.push(Finding::new(
                RECEIPT_STALE,
                Severity::Error,
                &l.receipt(&k),
                msg,
            ));
        }
    }
    Ok(())
}

/// Receipts, manifests and outputs readable by clients on a share (with the mode `output.mode`
/// says, when it says one); `state/` private.
fn modes(l: &Layout, want: &durable::Share, out: &mut Vec<Finding>) -> Result<()> {
    let mut shared = Vec::new();
    for scope in durable::list_names(&l.receipts_dir())? {
        let dir = l.receipts_dir().join(scope);
        for name in durable::list_names(&dir)? {
            if name.ends_with(".json") && !durable::is_temp_name(&name) {
                shared.push(dir.join(name));
            }
        }
    }
    for name in durable::list_names(&l.jobs_dir())? {
        if let Ok(id) = name.parse() {
            shared.push(l.manifest(id));
            shared.push(l.output_md(id));
        }
    }
    for p in shared {
        let Ok(meta) = fs::symlink_metadata(&p) else {
            continue;
        };
        let mode = meta.permissions().mode() & 0o7777;
        let msg = match want.mode {
            _ if !meta.is_file() => continue,
            Some(m) if mode != (m | 0o600) => format!(
                "mode {mode:04o}, not the {:04o} of output.mode; `--fix` sets it",
                m | 0o600
            ),
            None if mode & 0o044 == 0 => format!(
                "mode {mode:04o}: clients reading the share cannot read it; `--fix` adds read for group and others"
            ),
            _ => continue,
        };
        out.push(Finding::new(NOT_SHARED, Severity::Warning, &p, msg));
    }
    let state = l.state_dir();
    if let Ok(meta) = fs::metadata(&state)
        && meta.permissions().mode() & 0o077 != 0
    {
        let msg = format!(
            "mode {:04o}: the daemon's private state is open to others; `--fix` makes it 0700 (when run by its owner)",
            meta.permissions().mode() & 0o7777
        );
        out.push(Finding::new(
            STATE_NOT_PRIVATE,
            Severity::Warning,
            &state,
            msg,
        ));
    }
    Ok(())
}

/// Gives `p` (a receipt, manifest or output) the mode and group of `output.mode`/`output.group`,
/// or, when no mode is set, adds read for group and others.
pub fn share(p: &Path, want: &durable::Share) -> Result<()> {
    if want.mode.is_some() {
        return want.apply_path(p);
    }
    let mode = fs::symlink_metadata(p).at(p)?.permissions().mode();
    crate::fsx::set_permissions(p, fs::Permissions::from_mode((mode | 0o044) & 0o7777)).at(p)
}

/// The file-system type (a network one needs polling) and the free space of the root.
fn file_system(loaded: &Loaded, out: &mut Vec<Finding>) {
    let root = loaded.layout().root().to_path_buf();
    if let Some(fs) = crate::inbox::fstype::network_fs(&root) {
        let poll = match loaded.config.watch.poll {
            Some(d) => format!("`watch.poll` is set ({d})"),
            None => "`watch.poll` is not set: the built-in network interval is used".into(),
        };
        let msg = format!(
            "the root is on {fs}: inotify misses other hosts' drops, so the inbox is polled; {poll}"
        );
        out.push(Finding::new(NETWORK_FS, Severity::Info, &root, msg));
    }
    if let Some(free) = free_bytes(&root)
        && free < MIN_FREE_BYTES
    {
        let msg = format!(
            "{} MiB free (under {} MiB): writes will fail with storage_full; free space or lower retention",
            free >> 20,
            MIN_FREE_BYTES >> 20
        );
        out.push(Finding::new(DISK_LOW, Severity::Warning, &root, msg));
    }
}

fn free_bytes(path: &Path) -> Option<u64> {
    crate::inbox::fstype::space(path).map(|(free, _)| free)
}
