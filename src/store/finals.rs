//! Final markers: `state/final/<id>.<status>`, one empty file per job whose manifest is final
//! (succeeded, failed, canceled). With them, a start-up, the rescanner and the census find the
//! jobs that may still need work by two directory listings (`jobs/` less the marked ids), without
//! reading or even `stat`ing the manifests of finished jobs (issue #14: a store of 100,000 jobs
//! was ready after 52 s with a cold cache because recovery read every manifest).
//!
//! The rule that makes a marker safe to trust: **a marker exists only while its manifest is final**.
//! - It is created after the final manifest and its receipt are durable, under the job lock
//!   ([`Store::transition_checked`]). It is not fsynced: lost in a crash, the job is only read at
//!   the next start, which marks it again.
//! - It is removed, and `state/final/` fsynced, before a manifest that is not final replaces a
//!   final one (a retry, [`Store::update`]), under the job lock: a queued job is never hidden.
//! - Final states never change into one another, so the status in the name stays right.
//! - A marker whose job folder is gone (expired) is harmless: only ids listed in `jobs/` count. The
//!   sweeper removes it with the job, and the start-up walk removes any left over.
//!
//! [`DirCache`] keeps a listing of a large folder and lists it again only when the folder changed.

use std::collections::HashMap;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::durable;
use crate::error::{Error, Result};
use crate::ids::JobId;
use crate::store::Store;
use crate::store::manifest::{JobStatus, Manifest};

const FINAL: [JobStatus; 3] = [JobStatus::Succeeded, JobStatus::Failed, JobStatus::Canceled];

/// `<id>.<status>` of a marker name.
fn parse_marker(name: &str) -> Option<(JobId, JobStatus)> {
    let (id, status) = name.split_once('.')?;
    let status = FINAL.into_iter().find(|s| s.as_str() == status)?;
    Some((id.parse().ok()?, status))
}

/// Names in `dir` (none when it does not exist), unsorted.
fn names(dir: &Path) -> Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut out = Vec::new();
    for e in entries {
        let e = e.map_err(|e| Error::io(dir, e))?;
        out.push(e.file_name().to_string_lossy().into_owned());
    }
    Ok(out)
}

impl Store {
    /// Marks job `m` final (see the module docs); the caller holds the job lock and `m` is durable
    /// with its receipt. Does nothing for a job that is not final.
    pub fn mark_final(&self, m: &Manifest) -> Result<()> {
        if !m.status.is_final() {
            return Ok(());
        }
        let path = self.layout.final_marker(m.job_id, m.status);
        let create = || {
            crate::fsx::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
        };
        match create() {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                durable::create_dir_all_durable(&self.layout.finals_dir())?;
                create().map(|_| ()).map_err(|e| Error::io(&path, e))
            }
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// Removes job `id`'s marker; with `durable`, `state/final/` is fsynced when one was removed
    /// (before a manifest that is not final is written). Returns whether one was there.
    pub fn unmark_final(&self, id: JobId, durable: bool) -> Result<bool> {
        let mut removed = false;
        for s in FINAL {
            let path = self.layout.final_marker(id, s);
            match crate::fsx::remove_file(&path) {
                Ok(()) => removed = true,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        if removed && durable {
            durable::fsync_dir(&self.layout.finals_dir())?;
        }
        Ok(removed)
    }

    /// Under job `id`'s lock: when its manifest is final, repairs its receipt, then marks it (a
    /// job found final without a marker at start-up). Returns (receipt repaired, marked).
    pub fn mark_if_final(&self, id: JobId) -> Result<(bool, bool)> {
        let r = self.with_job_lock(id, || {
            let m = self.load(id)?;
            if !m.status.is_final() {
                return Ok((false, false));
            }
            let repaired = self.repair_receipt(&m)?;
            crate::failpoint::hit("store.before_mark");
            self.guard(self.mark_final(&m))?;
            Ok((repaired, true))
        });
        match r {
            Err(Error::JobNotFound { .. } | Error::JobExpired { .. }) => Ok((false, false)),
            r => r,
        }
    }

    /// Every readable manifest of a job without a final marker (every job that is not final, and
    /// perhaps a few that are), oldest first: `mdspool list --status queued` on a large store.
    pub fn list_unmarked(&self) -> Result<(Vec<Manifest>, Vec<Error>)> {
        Ok(self.load_sorted(summarize(self)?.unmarked))
    }

    /// Every marker: job id and final status (ids whose job folder is gone included).
    pub fn final_marks(&self) -> Result<HashMap<JobId, JobStatus>> {
        Ok(names(&self.layout.finals_dir())?
            .iter()
            .filter_map(|n| parse_marker(n))
            .collect())
    }
}

/// (inode, mtime s, mtime ns) of a folder: another value means entries were added or removed.
type DirStamp = (u64, i64, i64);

/// Whether a folder changed since the last look: its mtime moved, or the last look came less than
/// [`DirCache::RACY`] after a change (a change within the same timestamp tick would not move the
/// mtime). `fresh` says "changed" every time (a root shared by several hosts, over the network).
#[derive(Debug)]
pub struct DirCache {
    dir: PathBuf,
    stamp: Option<DirStamp>,
    fresh: bool,
}

impl DirCache {
    const RACY: std::time::Duration = std::time::Duration::from_secs(2);

    pub fn new(dir: PathBuf, fresh: bool) -> DirCache {
        DirCache {
            dir,
            stamp: None,
            fresh,
        }
    }

    /// Whether the folder must be listed again; call before listing it.
    pub fn changed(&mut self) -> Result<bool> {
        let meta = match std::fs::metadata(&self.dir) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.stamp = None;
                return Ok(true);
            }
            Err(e) => return Err(Error::io(&self.dir, e)),
        };
        let stamp = (meta.ino(), meta.mtime(), meta.mtime_nsec());
        if !self.fresh && self.stamp == Some(stamp) {
            return Ok(false);
        }
        let settled = meta
            .modified()
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Self::RACY);
        self.stamp = settled.then_some(stamp);
        Ok(true)
    }
}

/// What [`JobsView`] knows: the jobs without a marker, and how many marked jobs of each final
/// status have a job folder.
#[derive(Debug, Default, Clone)]
pub struct JobsSummary {
    /// Jobs without a marker (those that may need work), sorted.
    pub unmarked: Vec<JobId>,
    pub succeeded: u64,
    pub failed: u64,
    pub canceled: u64,
}

/// `jobs/` and `state/final/`, listed again only when one of them changed: an idle store of any
/// size costs two `stat`s per look. Only the summary is kept (memory: the unmarked jobs).
#[derive(Debug)]
pub struct JobsView {
    jobs: DirCache,
    finals: DirCache,
    summary: JobsSummary,
}

impl JobsView {
    pub fn new(store: &Store) -> JobsView {
        let fresh = store.rereads();
        JobsView {
            jobs: DirCache::new(store.layout().jobs_dir(), fresh),
            finals: DirCache::new(store.layout().finals_dir(), fresh),
            summary: JobsSummary::default(),
        }
    }

    /// Brings the summary up to date.
    pub fn refresh(&mut self, store: &Store) -> Result<&JobsSummary> {
        // Both are looked at (each keeps its own stamp).
        let (j, f) = (self.jobs.changed()?, self.finals.changed()?);
        if j || f {
            self.summary = summarize(store)?;
        }
        Ok(&self.summary)
    }
}

/// Lists `state/final/`, then `jobs/` (a job that becomes final in between is merely unmarked).
pub fn summarize(store: &Store) -> Result<JobsSummary> {
    let marks = store.final_marks()?;
    let mut s = JobsSummary::default();
    for n in names(&store.layout().jobs_dir())? {
        let Ok(id) = n.parse::<JobId>() else { continue };
        match marks.get(&id) {
            None => s.unmarked.push(id),
            Some(JobStatus::Succeeded) => s.succeeded += 1,
            Some(JobStatus::Failed) => s.failed += 1,
            Some(_) => s.canceled += 1,
        }
    }
    s.unmarked.sort();
    Ok(s)
}
