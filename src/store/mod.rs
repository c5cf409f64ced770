//! The durable job store: job folders with their manifests, idempotency records, receipts and
//! tombstones, all written through [`crate::durable`]. A write that fails for any reason but a full
//! disk stops the store (`store_failed`): the daemon then stops taking work rather than go on with
//! state it can no longer trust. Files get the modes the umask gives; `state/` is private.

pub mod admit;
mod admit_batch;
pub mod finals;
pub mod jobs;
pub mod lock;
pub mod manifest;
pub mod outbox;
pub mod records;
pub mod rejected;

use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::config::RetentionConfig;
use crate::durable;
use crate::error::{Error, Result};
use crate::layout::Layout;

pub use admit::{Admission, StagedDrop};
pub use manifest::{JobStatus, Manifest};

pub struct Store {
    layout: Layout,
    clock: Arc<dyn Clock>,
    retention: RetentionConfig,
    failure: Mutex<Option<String>>,
    observers: Mutex<Vec<Observer>>,
    /// Mode and group of the files clients read (`output.mode`, `output.group`).
    share: durable::Share,
    /// Several hosts on one root: a manifest that does not parse is read again a few times before
    /// it is called corrupt (see [`Store::with_rereads`]).
    rereads: bool,
}

/// Called with every manifest the store writes (the sweeper keeps its deadlines up to date so).
pub type Observer = Arc<dyn Fn(&Manifest) + Send + Sync>;

impl Store {
    /// Opens (and on first use creates) the store under `layout`.
    pub fn open(
        layout: Layout,
        clock: Arc<dyn Clock>,
        retention: RetentionConfig,
    ) -> Result<Store> {
        for dir in layout.dirs() {
            durable::create_dir_all_durable(&dir)?;
        }
        // Records are world-readable where clients look (receipts, jobs, rejected); the daemon's
        // own state is not.
        durable::make_private(&layout.state_dir())?;
        Ok(Store::inspect(layout, clock, retention))
    }

    /// Gives the files clients read (manifests, outputs, receipts, outbox files, rejection notes)
    /// the mode and group of `share` from now on.
    pub fn with_share(mut self, share: durable::Share) -> Store {
        self.share = share;
        self
    }

    /// Reads a manifest that does not parse again, for up to about three seconds, before it is
    /// called corrupt. Manifests are replaced by rename, whole; but a FUSE client (sshfs) that
    /// still caches the size of the file another host replaced may return its new bytes cut at the
    /// old size until its attribute cache expires. Only with several hosts on the root.
    pub fn with_rereads(mut self) -> Store {
        self.rereads = true;
        self
    }

    /// Whether torn reads are read again ([`Store::with_rereads`]).
    pub fn rereads(&self) -> bool {
        self.rereads
    }

    /// The mode and group of the files clients read.
    pub fn share(&self) -> &durable::Share {
        &self.share
    }

    /// Applies [`Store::share`] to the folders of the layout that clients read (`jobs/`,
    /// `receipts/`, `rejected/`, `outbox/`); never to `inbox/` (the clients' to write) or `state/`.
    pub fn share_dirs(&self) -> Result<()> {
        let l = &self.layout;
        for d in [
            l.jobs_dir(),
            l.receipts_dir(),
            l.rejected_dir(),
            l.outbox_dir(),
        ] {
            self.share.apply_dir(&d)?;
        }
        Ok(())
    }

    /// The store under `layout` as it is, creating and changing nothing (for `mdspool doctor`, which
    /// reports what [`Store::open`] would repair).
    pub fn inspect(layout: Layout, clock: Arc<dyn Clock>, retention: RetentionConfig) -> Store {
        Store {
            layout,
            clock,
            retention,
            failure: Mutex::new(None),
            observers: Mutex::new(Vec::new()),
            share: durable::Share::default(),
            rereads: false,
        }
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn retention(&self) -> &RetentionConfig {
        &self.retention
    }

    /// Registers `f` to be called after every manifest write.
    pub fn observe(&self, f: Observer) {
        self.observers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(f);
    }

    pub(crate) fn notify(&self, m: &Manifest) {
        let observers = self
            .observers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        for f in observers {
            f(m);
        }
    }

    /// `Err(store_failed)` once a store write has failed.
    pub fn check(&self) -> Result<()> {
        match &*self.failure.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(reason) => Err(Error::StoreFailed {
                reason: reason.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Records the outcome of a store write: any failure but a full disk stops the store.
    pub(crate) fn guard<T>(&self, r: Result<T>) -> Result<T> {
        if let Err(e @ Error::Io { .. }) = &r {
            let mut f = self.failure.lock().unwrap_or_else(|e| e.into_inner());
            if f.is_none() {
                tracing::error!(error = %e, "store write failed; no further work is taken");
                *f = Some(e.to_string());
            }
        }
        r
    }

    /// Durable atomic write of a record, through [`Store::guard`].
    pub(crate) fn write(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        self.check()?;
        self.guard(durable::write_atomic(path, bytes))
    }

    /// [`Store::write`] of a record clients read, with the mode and group of [`Store::share`].
    pub(crate) fn write_shared(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        self.check()?;
        self.guard(durable::write_atomic_shared(path, bytes, &self.share))
    }

    /// Tells a running daemon that work was queued from outside it (a hint, not a record: its loss
    /// only delays the job until the daemon's next full scan).
    pub fn nudge(&self) {
        let path = self.layout.wake_file();
        let touched = crate::fsx::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()));
        if let Err(e) = touched {
            tracing::debug!(error = %e, path = %path.display(), "cannot touch the wake file");
        }
    }

    /// Removes temp files left by an interrupted write anywhere in the store; returns how many.
    pub fn remove_temp_files(&self) -> Result<usize> {
        let mut n = 0;
        for d in self.temp_file_dirs()? {
            n += durable::remove_temp_files(&d)?;
        }
        Ok(n)
    }

    /// Every folder where an interrupted write can leave a temp file.
    pub fn temp_file_dirs(&self) -> Result<Vec<std::path::PathBuf>> {
        let l = &self.layout;
        let mut dirs = self.top_temp_file_dirs()?;
        for id in self.job_ids()? {
            dirs.push(l.job_dir(id));
            dirs.push(l.artifacts_dir(id));
            dirs.push(l.logs_dir(id));
            dirs.push(l.raw_dir(id));
        }
        Ok(dirs)
    }

    /// The folders outside job folders where an interrupted write can leave a temp file.
    pub fn top_temp_file_dirs(&self) -> Result<Vec<std::path::PathBuf>> {
        let l = &self.layout;
        let mut dirs = vec![
            l.root().to_path_buf(),
            l.state_dir(),
            l.jobs_dir(),
            l.receipts_dir(),
            l.rejected_dir(),
            l.outbox_dir(),
            l.idempotency_dir(),
            l.tombstones_dir(),
            l.staging_dir(),
        ];
        for parent in [l.receipts_dir(), l.idempotency_dir()] {
            // A temp file directly in `parent` is not a scope folder.
            for scope in durable::list_names(&parent)? {
                if !durable::is_temp_name(&scope) {
                    dirs.push(parent.join(scope));
                }
            }
        }
        Ok(dirs)
    }
}
