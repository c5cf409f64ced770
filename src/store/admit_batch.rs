//! Group commit of admission (#14). The drops one ingest thread takes together are admitted step
//! by step, each step done for every drop before the next begins: the fsyncs of a step follow all
//! of its writes (so that one journal commit covers many of them), and a folder the batch shares
//! (`idempotency/<scope>/`, `jobs/`, `receipts/<scope>/`, `state/staging/`) is fsynced once for all.
//!
//! Each drop passes through the very states of [`Store::admit`] in the same order, with the same
//! crash points, so that a crash anywhere in a batch leaves every staging entry in a state that
//! recovery finishes or starts over exactly as for a single drop. For a batch, in order:
//!
//! 1. every PDF is read and hashed, then each is fsynced;
//! 2. idempotency records: each written to a temp file, each fsynced, each linked into place (the
//!    exclusive creation); each records folder fsynced once;
//! 3. each job folder built in its staging entry (folders, manifest temp file); manifests fsynced,
//!    renamed; each `job/` and each staging entry fsynced; then each PDF renamed into `job/raw/`,
//!    each `raw/` fsynced;
//! 4. every built job renamed into `jobs/`; `jobs/` fsynced once;
//! 5. receipts: each written to a temp file, each fsynced, each renamed into place (under its job
//!    lock); each receipts folder fsynced once. A receipt is renamed into place only after
//!    everything it points to is durable (steps 1-4);
//! 6. staging entries removed; `state/staging/` fsynced once.
//!
//! A drop whose state is not the plain fresh one (a job folder left by an earlier attempt, a record
//! that already exists: a replay, a conflict, a stale record, a key given twice in the batch) is
//! admitted alone by [`Store::admit`] once the batch is done.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};

use crate::durable::{self, Share, TempFile};
use crate::error::{Error, IoContext, Result};
use crate::failpoint;
use crate::ids::{DEFAULT_SCOPE, IdemKey};
use crate::store::Store;
use crate::store::admit::{Admission, StagedDrop, hash_file};
use crate::store::manifest::{Idempotency, Manifest, Source};
use crate::store::records::{IdemRecord, json};

/// One drop of the batch on its way.
struct Slot<'a> {
    /// Its index in the batch (and in the results).
    i: usize,
    d: &'a StagedDrop,
    fp: String,
    size: u64,
    key: Option<IdemKey>,
    file: Option<File>,
    tmp: Option<TempFile>,
    m: Option<Manifest>,
}

/// A copy of `e` for every other drop of a batch that a shared step failed.
fn again(e: &Error) -> Error {
    match e {
        Error::Io { path, source } | Error::StorageFull { path, source } => {
            Error::io(path, std::io::Error::new(source.kind(), source.to_string()))
        }
        e => Error::internal(e.to_string()),
    }
}

fn parent(p: &Path) -> PathBuf {
    p.parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The results of a batch, filled as its drops finish or fail.
struct Results(Vec<Option<Result<Admission>>>);

impl Results {
    /// Runs `step` on every slot; a slot whose step fails leaves the batch with that error.
    fn each<'a>(
        &mut self,
        slots: &mut Vec<Slot<'a>>,
        mut step: impl FnMut(&mut Slot<'a>) -> Result<()>,
    ) {
        slots.retain_mut(|s| match step(s) {
            Ok(()) => true,
            Err(e) => {
                self.0[s.i] = Some(Err(e));
                false
            }
        });
    }

    /// fsyncs each of `dirs` once; on failure every slot of the batch fails with the error.
    fn sync_dirs(&mut self, store: &Store, slots: &mut Vec<Slot<'_>>, dirs: BTreeSet<PathBuf>) {
        let synced = dirs
            .iter()
            .try_for_each(|d| store.guard(durable::fsync_dir(d)));
        if let Err(e) = synced {
            for s in slots.drain(..) {
                self.0[s.i] = Some(Err(again(&e)));
            }
        }
    }
}

impl Store {
    /// Admits the drops together (see the module docs); one result per drop, in order. Each staging
    /// entry admitted `Ok` is gone; one that failed is left for a retry, as by [`Store::admit`].
    pub fn admit_batch(&self, drops: &[StagedDrop]) -> Vec<Result<Admission>> {
        if drops.len() <= 1 {
            return drops.iter().map(|d| self.admit(d)).collect();
        }
        let mut out = Results(drops.iter().map(|_| None).collect());
        let mut alone = Vec::new();
        let mut slots = Vec::new();
        for (i, d) in drops.iter().enumerate() {
            let built = self.layout.staging_entry(d.id).join("job");
            if let Err(e) = self.check() {
                out.0[i] = Some(Err(e));
            } else if built.symlink_metadata().is_ok() || d.pdf.symlink_metadata().is_err() {
                alone.push(i);
            } else {
                slots.push(Slot {
                    i,
                    d,
                    fp: String::new(),
                    size: 0,
                    key: None,
                    file: None,
                    tmp: None,
                    m: None,
                });
            }
        }
        self.batch_records(&mut out, &mut slots, &mut alone);
        self.batch_build(&mut out, &mut slots);
        self.batch_publish(&mut out, &mut slots);
        for i in alone {
            out.0[i] = Some(self.admit(&drops[i]));
        }
        out.0
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(Error::internal("drop left out of its batch"))))
            .collect()
    }

    /// Steps 1 and 2: the PDFs durable and fingerprinted, the idempotency records created. A slot
    /// whose record exists already goes to `alone`.
    fn batch_records(&self, out: &mut Results, slots: &mut Vec<Slot<'_>>, alone: &mut Vec<usize>) {
        out.each(slots, |s| {
            let (fp, size, f) = hash_file(&s.d.pdf)?;
            (s.fp, s.size, s.file) = (fp, size, Some(f));
            Ok(())
        });
        out.each(slots, |s| {
            let f = s.file.take().expect("hashed");
            crate::fsx::sync(&f, &s.d.pdf).at(&s.d.pdf)
        });
        out.each(slots, |s| {
            let key = match &s.d.key {
                Some(k) => k.clone(),
                None => IdemKey::new(DEFAULT_SCOPE, &format!("sha256-{}", s.fp))?,
            };
            failpoint::hit("admit.before_record");
            let rec = IdemRecord {
                scope: key.scope.clone(),
                key: key.key.clone(),
                job_id: s.d.id,
                fingerprint: s.fp.clone(),
                created_at: self.now(),
                host: self.layout.staging_host().map(str::to_string),
            };
            let path = self.layout.idempotency_record(&key);
            durable::create_dir_all_durable(&parent(&path))?;
            s.tmp = Some(self.guard(durable::write_temp(&path, &json(&rec), &Share::default()))?);
            s.key = Some(key);
            Ok(())
        });
        out.each(slots, |s| {
            self.guard(s.tmp.as_ref().expect("written").sync())
        });
        let mut dirs = BTreeSet::new();
        let mut taken = Vec::new();
        out.each(slots, |s| {
            let path = self
                .layout
                .idempotency_record(s.key.as_ref().expect("keyed"));
            if self.guard(s.tmp.take().expect("synced").link(&path))? {
                dirs.insert(parent(&path));
            } else {
                taken.push(s.i);
            }
            Ok(())
        });
        slots.retain(|s| !taken.contains(&s.i));
        alone.extend(taken);
        out.sync_dirs(self, slots, dirs);
    }

    /// Step 3: each job folder built in its staging entry and made durable, the PDF moved in.
    fn batch_build(&self, out: &mut Results, slots: &mut Vec<Slot<'_>>) {
        out.each(slots, |s| {
            failpoint::hit("admit.after_record");
            let key = s.key.as_ref().expect("keyed");
            let idem = Idempotency {
                scope: key.scope.clone(),
                key: key.key.clone(),
                fingerprint: s.fp.clone(),
            };
            let source = Source {
                name: s.d.name.clone(),
                size: s.size,
            };
            let mut m = Manifest::new(s.d.id, idem, source, self.now());
            m.pinned = s.d.pinned;
            m.client = s.d.client.clone();
            let job = self.layout.staging_entry(s.d.id).join("job");
            durable::create_dir_unsynced(&job)?;
            for sub in ["raw", "artifacts", "logs"] {
                durable::create_dir_unsynced(&job.join(sub))?;
            }
            self.guard(self.share().apply_dir(&job))?;
            self.guard(self.share().apply_dir(&job.join("artifacts")))?;
            let path = job.join("manifest.json");
            s.tmp = Some(self.guard(durable::write_temp(&path, &m.to_json(), self.share()))?);
            s.m = Some(m);
            Ok(())
        });
        out.each(slots, |s| {
            self.guard(s.tmp.as_ref().expect("written").sync())
        });
        out.each(slots, |s| {
            let job = self.layout.staging_entry(s.d.id).join("job");
            failpoint::hit("durable.before_rename");
            self.guard(
                s.tmp
                    .take()
                    .expect("synced")
                    .persist(&job.join("manifest.json")),
            )
        });
        out.each(slots, |s| {
            let entry = self.layout.staging_entry(s.d.id);
            durable::fsync_dir(&entry.join("job"))?;
            durable::fsync_dir(&entry)
        });
        out.each(slots, |s| {
            failpoint::hit("admit.after_manifest");
            let raw = self.layout.staging_entry(s.d.id).join("job/raw/input.pdf");
            crate::fsx::rename(&s.d.pdf, &raw).at(&s.d.pdf)?;
            durable::fsync_dir(&parent(&raw))
        });
    }

    /// Steps 4 to 6: the jobs published, their receipts written, the staging entries removed.
    fn batch_publish(&self, out: &mut Results, slots: &mut Vec<Slot<'_>>) {
        let mut dirs = BTreeSet::new();
        out.each(slots, |s| {
            failpoint::hit("admit.before_publish");
            let built = self.layout.staging_entry(s.d.id).join("job");
            let target = self.layout.job_dir(s.d.id);
            self.guard(crate::fsx::rename(&built, &target).at(&built))?;
            dirs.insert(parent(&target));
            Ok(())
        });
        out.sync_dirs(self, slots, dirs);
        let mut dirs = BTreeSet::new();
        out.each(slots, |s| {
            failpoint::hit("admit.after_publish");
            let m = s.m.as_ref().expect("built");
            let path = self.layout.receipt(s.key.as_ref().expect("keyed"));
            let dir = parent(&path);
            if !dir.is_dir() {
                durable::create_dir_all_durable(&dir)?;
                self.guard(self.share().apply_dir(&dir))?;
            }
            let bytes = json(&self.receipt_for(m));
            s.tmp = Some(self.guard(durable::write_temp(&path, &bytes, self.share()))?);
            dirs.insert(dir);
            Ok(())
        });
        out.each(slots, |s| {
            self.guard(s.tmp.as_ref().expect("written").sync())
        });
        out.each(slots, |s| {
            let (id, m) = (s.d.id, s.m.as_ref().expect("built"));
            let path = self.layout.receipt(s.key.as_ref().expect("keyed"));
            let tmp = s.tmp.take().expect("synced");
            // Under the job lock, as every receipt write: should the job have moved on already
            // (cancelled by its id), the receipt says what its manifest says now.
            self.with_job_lock(id, || {
                let now = self.load(id)?;
                if now.status == m.status {
                    failpoint::hit("durable.before_rename");
                    self.guard(tmp.persist(&path))
                } else {
                    self.write_receipt(&self.receipt_for(&now))
                }
            })
        });
        out.sync_dirs(self, slots, dirs);
        out.each(slots, |s| {
            self.notify(s.m.as_ref().expect("built"));
            failpoint::hit("admit.after_receipt");
            durable::remove_tree_nofollow(&self.layout.staging_entry(s.d.id))
        });
        let staging = BTreeSet::from([self.layout.staging_dir()]);
        out.sync_dirs(self, slots, staging);
        for s in slots.drain(..) {
            out.0[s.i] = Some(Ok(Admission::Created(s.m.expect("built"))));
        }
    }
}
