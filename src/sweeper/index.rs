//! The sweeper's memory: one small [`JobDeadline`] per job, the expiry time of every tombstone and
//! the refusal time of every drop in `rejected/`, so a pass plans without reading manifests.
//!
//! It is built once from the manifests, then kept current two ways:
//! - in this process, [`Store::observe`] hands over every manifest the store writes;
//! - for changes made by other processes (`mdspool submit`, `pin`, `cancel`, another host), each
//!   pass lists `jobs/`, `state/tombstones/` and `rejected/` (new names are read, vanished ones
//!   dropped) and `stat`s the manifests of the jobs whose state can still change in a way that
//!   makes them due sooner (queued, running, pinned): a new inode or mtime means a re-read. A final,
//!   unpinned job that another process pins or retries is caught when the sweeper re-reads its
//!   manifest under the job lock before acting, so a stale entry never deletes anything. The
//!   folders are listed only when their mtime moved ([`Watched`]): an idle pass over 100,000 jobs
//!   lists nothing.

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::durable;
use crate::error::{Error, Result};
use crate::ids::JobId;
use crate::store::Store;
use crate::store::finals::DirCache;
use crate::store::rejected::{NOTE_SUFFIX, RejectionNote};
use crate::sweeper::policy::{JobDeadline, RejectedDrop};

/// Identity of one version of a manifest (atomic writes give every version a new inode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManifestVersion {
    ino: u64,
    mtime_ns: i64,
}

impl ManifestVersion {
    pub fn of(path: &Path) -> Option<ManifestVersion> {
        let m = std::fs::metadata(path).ok()?;
        Some(ManifestVersion {
            ino: m.ino(),
            mtime_ns: m.mtime().saturating_mul(1_000_000_000) + m.mtime_nsec(),
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    deadline: JobDeadline,
    stamp: Option<ManifestVersion>,
}

impl Entry {
    /// Re-checked by `stat` every pass: its state can change elsewhere and make it due.
    fn tracked(&self) -> bool {
        !self.deadline.status.is_final() || self.deadline.pinned
    }
}

/// The names in `jobs/`, `state/tombstones/` and `rejected/` (notes only).
#[derive(Debug, Default)]
pub struct Listing {
    jobs: HashSet<JobId>,
    tombstones: HashSet<JobId>,
    notes: HashSet<String>,
}

impl Listing {
    pub fn read(store: &Store) -> Result<Listing> {
        let l = store.layout();
        Ok(Listing {
            jobs: durable::list_names(&l.jobs_dir())?
                .iter()
                .filter_map(|n| n.parse().ok())
                .collect(),
            tombstones: durable::list_names(&l.tombstones_dir())?
                .iter()
                .filter(|n| !durable::is_temp_name(n))
                .filter_map(|n| tombstone_id(n))
                .collect(),
            notes: durable::list_names(&l.rejected_dir())?
                .into_iter()
                .filter(|n| n.ends_with(NOTE_SUFFIX) && !durable::is_temp_name(n))
                .collect(),
        })
    }
}

#[derive(Debug, Default)]
pub struct Index {
    jobs: HashMap<JobId, Entry>,
    tombstones: HashMap<JobId, DateTime<Utc>>,
    rejected: HashMap<String, DateTime<Utc>>,
}

/// Reads a manifest with its stamp (stamp first: a write in between only causes a re-read).
/// `None` for a job that is gone or cannot be read.
fn load(store: &Store, id: JobId) -> Result<Option<Entry>> {
    let stamp = ManifestVersion::of(&store.layout().manifest(id));
    match store.load(id) {
        Ok(m) => Ok(Some(Entry {
            deadline: JobDeadline::of(&m),
            stamp,
        })),
        Err(Error::JobNotFound { .. } | Error::JobExpired { .. }) => Ok(None),
        // Never removed while unreadable; tried again at the next pass.
        Err(e) => {
            tracing::warn!(job_id = %id, error = %e, "sweeper skips a job it cannot read");
            Ok(None)
        }
    }
}

/// When the drop of note `name` was refused: the note's `at`, else the note's mtime.
fn refused_at(store: &Store, name: &str) -> Option<DateTime<Utc>> {
    let path = store.layout().rejected_dir().join(name);
    let bytes = durable::read_optional(&path).ok()??;
    match serde_json::from_slice::<RejectionNote>(&bytes) {
        Ok(n) => Some(n.at),
        Err(_) => std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .map(DateTime::<Utc>::from),
    }
}

fn tombstone_id(name: &str) -> Option<JobId> {
    name.strip_suffix(".json")?.parse().ok()
}

impl Index {
    /// Builds the index from everything on disk (reads every manifest once).
    pub fn build(store: &Store) -> Result<Index> {
        let mut idx = Index::default();
        idx.refresh(store)?;
        Ok(idx)
    }

    /// Adds what `built` knows and `self` does not (entries already here are newer: they came
    /// from the store observer while `built` was being read).
    pub fn merge_missing(&mut self, built: Index) {
        for (id, e) in built.jobs {
            self.jobs.entry(id).or_insert(e);
        }
        for (id, at) in built.tombstones {
            self.tombstones.entry(id).or_insert(at);
        }
        for (n, at) in built.rejected {
            self.rejected.entry(n).or_insert(at);
        }
    }

    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    pub fn deadlines(&self) -> impl Iterator<Item = &JobDeadline> {
        self.jobs.values().map(|e| &e.deadline)
    }

    pub fn tombstones(&self) -> impl Iterator<Item = (&JobId, &DateTime<Utc>)> {
        self.tombstones.iter()
    }

    pub fn rejected(&self) -> Vec<RejectedDrop> {
        self.rejected
            .iter()
            .map(|(note, at)| RejectedDrop {
                note: note.clone(),
                at: *at,
            })
            .collect()
    }

    /// Records a manifest as written (by the store observer or after a re-read).
    pub fn upsert(&mut self, deadline: JobDeadline, stamp: Option<ManifestVersion>) {
        self.jobs.insert(deadline.id, Entry { deadline, stamp });
    }

    pub fn forget_job(&mut self, id: JobId) {
        self.jobs.remove(&id);
    }

    pub fn add_tombstone(&mut self, id: JobId, at: DateTime<Utc>) {
        self.tombstones.insert(id, at);
    }

    pub fn forget_tombstone(&mut self, id: JobId) {
        self.tombstones.remove(&id);
    }

    pub fn forget_rejected(&mut self, note: &str) {
        self.rejected.remove(note);
    }

    /// Brings the index up to date with the disk (see the module docs). Reads only what is new or
    /// changed, except on the first call.
    pub fn refresh(&mut self, store: &Store) -> Result<()> {
        let listing = Listing::read(store)?;
        self.update(store, listing)
    }

    /// Re-reads the tracked jobs whose manifest changed (for a pass whose folders did not change:
    /// [`Watched`]).
    pub fn recheck(&mut self, store: &Store) -> Result<()> {
        let ids = self.changed_tracked(store);
        self.reread(store, ids)
    }

    /// The tracked jobs whose manifest is another version than the one indexed.
    fn changed_tracked(&self, store: &Store) -> Vec<JobId> {
        let l = store.layout();
        self.jobs
            .iter()
            .filter(|(id, e)| e.tracked() && ManifestVersion::of(&l.manifest(**id)) != e.stamp)
            .map(|(id, _)| *id)
            .collect()
    }

    /// [`Index::refresh`] with the directory listings already read (they can be read without
    /// holding the index, which the store observer needs).
    pub fn update(&mut self, store: &Store, listing: Listing) -> Result<()> {
        let on_disk = listing.jobs;
        self.jobs.retain(|id, _| on_disk.contains(id));
        let mut reread: Vec<JobId> = on_disk
            .iter()
            .filter(|id| !self.jobs.contains_key(id))
            .copied()
            .collect();
        reread.extend(self.changed_tracked(store));
        self.reread(store, reread)?;
        self.update_records(store, listing.tombstones, listing.notes);
        Ok(())
    }

    fn reread(&mut self, store: &Store, ids: Vec<JobId>) -> Result<()> {
        for id in ids {
            crate::health::tick();
            match load(store, id)? {
                Some(e) => {
                    self.jobs.insert(id, e);
                }
                None => {
                    self.jobs.remove(&id);
                }
            }
        }
        Ok(())
    }

    fn update_records(&mut self, store: &Store, names: HashSet<JobId>, notes: HashSet<String>) {
        self.tombstones.retain(|id, _| names.contains(id));
        for id in names {
            if self.tombstones.contains_key(&id) {
                continue;
            }
            crate::health::tick();
            match store.read_tombstone(id) {
                Ok(Some(t)) => {
                    self.tombstones.insert(id, t.expired_at);
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(job_id = %id, error = %e, "unreadable tombstone"),
            }
        }

        self.rejected.retain(|n, _| notes.contains(n));
        for n in notes {
            crate::health::tick();
            if !self.rejected.contains_key(&n)
                && let Some(at) = refused_at(store, &n)
            {
                self.rejected.insert(n, at);
            }
        }
    }
}

/// Whether `jobs/`, `state/tombstones/` or `rejected/` changed since the last look: a pass over a
/// store whose folders did not change lists none of them (on a root shared by several hosts, it
/// always does).
#[derive(Debug)]
pub struct Watched {
    dirs: [DirCache; 3],
}

impl Watched {
    pub fn new(store: &Store) -> Watched {
        let (l, fresh) = (store.layout(), store.rereads());
        Watched {
            dirs: [l.jobs_dir(), l.tombstones_dir(), l.rejected_dir()]
                .map(|d| DirCache::new(d, fresh)),
        }
    }

    /// Call before listing; every folder is looked at (each keeps its own stamp).
    pub fn changed(&mut self) -> Result<bool> {
        let mut any = false;
        for d in &mut self.dirs {
            any |= d.changed()?;
        }
        Ok(any)
    }
}
