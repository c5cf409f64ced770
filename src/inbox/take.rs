//! Taking one drop: claim it by renaming it out of the inbox into `state/staging/<id>/` (the PDF
//! first, then its sidecar), check it, then admit it into the store or move it to `rejected/` with
//! its reason. The claim is what makes a drop taken exactly once: of two racing takers, the loser's
//! rename fails with ENOENT and it walks away. Every step after the claim works on the staging
//! entry only, so recovery after a crash runs the very same code ([`process_staged`]).
//!
//! Drops waiting together are taken as one batch ([`take_batch`]): each is claimed and checked
//! alone, and those to admit are admitted together (group commit, `store/admit_batch.rs`).
//!
//! The claim itself is not fsynced: until admission creates the idempotency record (durably), a
//! drop that reappears in the inbox after a power cut is simply taken again, and after it, a
//! reappearing drop is a replay of the same key and bytes, which creates nothing.

use std::io::ErrorKind;
use std::path::Path;

use crate::code::Code;
use crate::config::WatchConfig;
use crate::durable;
use crate::error::{Error, IoContext, Result};
use crate::failpoint;
use crate::ids::{DEFAULT_SCOPE, IdemKey, JobId};
use crate::inbox::names::{RESERVED, SIDECAR_SUFFIX, sidecar_of};
use crate::inbox::validate::{check_pdf, check_safe_meta, open_safe, read_sidecar, refuse};
use crate::store::admit::fingerprint;
use crate::store::{Admission, StagedDrop, Store};

/// What became of a drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TakeOutcome {
    /// A new job, to be queued.
    Created(JobId),
    /// Same key and bytes as an existing job: its receipt was rewritten, nothing was created.
    Replayed(JobId),
    /// The key names another job with other bytes: the drop is in `rejected/`.
    Conflict(JobId),
    /// Refused with this code: the drop is in `rejected/` beside `NAME.error.json`.
    Rejected(Code),
    /// Someone else took it first (or it vanished).
    Gone,
}

fn is_sidecar_name(name: &str) -> bool {
    name.len() > SIDECAR_SUFFIX.len()
        && name.is_char_boundary(name.len() - SIDECAR_SUFFIX.len())
        && name[name.len() - SIDECAR_SUFFIX.len()..].eq_ignore_ascii_case(SIDECAR_SUFFIX)
}

/// Claims `dir/name` into a new staging entry. `Ok(None)`: it was gone (taken by someone else).
pub fn claim(store: &Store, dir: &Path, name: &str) -> Result<Option<JobId>> {
    if name == RESERVED {
        return Ok(None);
    }
    let id = JobId::new();
    let entry = store.layout().staging_entry(id);
    crate::fsx::create_dir(&entry).at(&entry)?;
    failpoint::hit("inbox.after_mkdir");
    let from = dir.join(name);
    match crate::fsx::rename(&from, entry.join(name)) {
        Ok(()) => {
            failpoint::hit("inbox.after_claim");
            Ok(Some(id))
        }
        Err(e) => {
            let _ = crate::fsx::remove_dir(&entry);
            match e.kind() {
                ErrorKind::NotFound => Ok(None),
                _ => Err(Error::io(from, e)),
            }
        }
    }
}

/// Claims and takes the drop `dir/name`. Returns the staging id (if the claim succeeded) beside
/// the outcome, so that a failure after the claim can be retried on the staging entry.
pub fn take(
    store: &Store,
    cfg: &WatchConfig,
    dir: &Path,
    name: &str,
) -> (Option<JobId>, Result<TakeOutcome>) {
    match claim(store, dir, name) {
        Ok(None) => (None, Ok(TakeOutcome::Gone)),
        Ok(Some(id)) => (Some(id), process_staged(store, cfg, id, Some(dir))),
        Err(e) => (None, Err(e)),
    }
}

/// Is this error a refusal of the drop (rather than a failure to handle it)?
fn is_refusal(e: &Error) -> bool {
    matches!(e, Error::Drop { .. } | Error::InvalidKey { .. })
}

/// Checks and admits (or rejects) the drop claimed into staging entry `id`. `origin` is the folder
/// it came from: a sidecar still there (crash between the two renames of the claim) is claimed too.
pub fn process_staged(
    store: &Store,
    cfg: &WatchConfig,
    id: JobId,
    origin: Option<&Path>,
) -> Result<TakeOutcome> {
    match prepare(store, cfg, id, origin)? {
        Prepared::Done(outcome) => Ok(outcome),
        Prepared::Admit(d, has_sidecar) => {
            let a = store.admit(&d)?;
            Ok(outcome_of(store, cfg, &d, has_sidecar, a))
        }
    }
}

/// A staged drop after its checks: refused (or gone) already, or to be admitted.
enum Prepared {
    Done(TakeOutcome),
    /// The drop, and whether it came with a sidecar.
    Admit(StagedDrop, bool),
}

/// Claims and takes the drops `dir/name` together (group commit, `Store::admit_batch`): each is
/// claimed and checked alone, then those to admit are admitted as one batch, whose fsyncs of
/// shared folders are made once. Returns, for each drop in order, what [`take`] returns.
pub fn take_batch(
    store: &Store,
    cfg: &WatchConfig,
    drops: &[(std::path::PathBuf, String)],
) -> Vec<(Option<JobId>, Result<TakeOutcome>)> {
    let mut out = Vec::with_capacity(drops.len());
    // (index in `out`, drop, has_sidecar) of the drops to admit.
    let mut admit = Vec::new();
    for (dir, name) in drops {
        let r = match claim(store, dir, name) {
            Ok(None) => (None, Ok(TakeOutcome::Gone)),
            Ok(Some(id)) => match prepare(store, cfg, id, Some(dir)) {
                Ok(Prepared::Done(o)) => (Some(id), Ok(o)),
                Ok(Prepared::Admit(d, sc)) => {
                    admit.push((out.len(), d, sc));
                    (Some(id), Ok(TakeOutcome::Gone)) // replaced below
                }
                Err(e) => (Some(id), Err(e)),
            },
            Err(e) => (None, Err(e)),
        };
        out.push(r);
    }
    let staged: Vec<StagedDrop> = admit.iter().map(|(_, d, _)| d.clone()).collect();
    if staged.len() > 1 {
        tracing::info!(drops = staged.len(), "admitting drops together");
    }
    let admitted = store.admit_batch(&staged);
    for ((i, d, sc), a) in admit.iter().zip(admitted) {
        out[*i].1 = a.map(|a| outcome_of(store, cfg, d, *sc, a));
    }
    out
}

/// The outcome of an admission; a conflict of a scope of `watch.outbox_scopes` is delivered.
fn outcome_of(
    store: &Store,
    cfg: &WatchConfig,
    d: &StagedDrop,
    has_sidecar: bool,
    a: Admission,
) -> TakeOutcome {
    match a {
        Admission::Created(m) => TakeOutcome::Created(m.job_id),
        Admission::Replayed(m) => TakeOutcome::Replayed(m.job_id),
        Admission::Conflict { existing, rejected } => {
            let scope = d.key.as_ref().map(|k| k.scope.as_str());
            if cfg.outbox_rule().wants_refusal(has_sidecar, scope) {
                conflict_to_outbox(store, d, existing, &rejected);
            }
            TakeOutcome::Conflict(existing)
        }
    }
}

/// The checks of [`process_staged`], up to admission.
fn prepare(store: &Store, cfg: &WatchConfig, id: JobId, origin: Option<&Path>) -> Result<Prepared> {
    let done = |r: Result<TakeOutcome>| r.map(Prepared::Done);
    let entry = store.layout().staging_entry(id);
    let names: Vec<String> = durable::list_names(&entry)?
        .into_iter()
        .filter(|n| n != RESERVED && !durable::is_temp_name(n))
        .collect();
    let Some(name) = main_file(&entry, &names)? else {
        return match names.first() {
            Some(sc) => done(reject_orphan(store, id, &entry, sc, origin)),
            None => {
                store.remove_staging(id)?;
                Ok(Prepared::Done(TakeOutcome::Gone))
            }
        };
    };
    let sc_path = claim_sidecar(&entry, &name, origin)?;
    let mut d = StagedDrop {
        id,
        pdf: entry.join(&name),
        name,
        key: None,
        pinned: false,
        client: None,
    };
    let has_sidecar = sc_path.symlink_metadata().is_ok();
    if has_sidecar {
        match read_sidecar(&sc_path) {
            Ok(s) => {
                d.key = s.key;
                d.pinned = s.pin;
                d.client = s.client;
            }
            Err(e) if is_refusal(&e) => return done(reject(store, &d, e, origin, false)),
            Err(e) => return Err(e),
        }
    }
    let checked = open_safe(&d.pdf).and_then(|mut f| check_pdf(&mut f, &d.pdf, cfg.max_size.0));
    match checked {
        Ok(_) => {}
        Err(e) if is_refusal(&e) => {
            // A small regular file refused for its content still gets the receipt of its content
            // key, so that a client that dropped it without a key can find out why.
            if d.key.is_none() && matches!(e.code(), Code::NotAPdf | Code::EmptyFile) {
                let (fp, _) = fingerprint(&d.pdf)?;
                d.key = Some(IdemKey::new(DEFAULT_SCOPE, &format!("sha256-{fp}"))?);
            }
            // A person who dropped it without a sidecar (or in a scope of `watch.outbox_scopes`)
            // reads why in `outbox/NAME.error.txt`.
            let scope = d.key.as_ref().map(|k| k.scope.as_str());
            let outbox = cfg.outbox_rule().wants_refusal(has_sidecar, scope);
            return done(reject(store, &d, e, origin, outbox));
        }
        Err(e) => return Err(e),
    }
    Ok(Prepared::Admit(d, has_sidecar))
}

/// `outbox/NAME.error.txt` for a drop of a scope of `watch.outbox_scopes` refused as
/// `idempotency_conflict` (written after the refusal, which admission makes; a failure is logged).
fn conflict_to_outbox(store: &Store, d: &StagedDrop, existing: JobId, rejected: &Path) {
    let (scope, key) = d.key.as_ref().map_or(("", ""), |k| (&k.scope, &k.key));
    let e = Error::IdempotencyConflict {
        scope: scope.into(),
        key: key.into(),
        job_id: existing.to_string(),
    };
    let kept = store.layout().relative(rejected);
    let name = d.name.as_str();
    if let Err(err) =
        crate::store::outbox::deliver_refusal(store, name, e.code(), &e.to_string(), &kept)
    {
        tracing::warn!(drop = %d.name, error = %err, "cannot deliver to the outbox");
    }
}

/// The name of the drop in staging entry `entry` (holding `names`). Interrupted inside admission
/// after the PDF went into the job's `raw/`, it is put back first. `None`: there is no drop.
fn main_file(entry: &Path, names: &[String]) -> Result<Option<String>> {
    if let Some(main) = names.iter().find(|n| !is_sidecar_name(n)) {
        return Ok(Some(main.clone()));
    }
    let raw = entry.join(RESERVED).join("raw").join("input.pdf");
    if raw.symlink_metadata().is_err() {
        return Ok(None);
    }
    let name = names
        .iter()
        .find(|n| is_sidecar_name(n))
        .map(|n| n[..n.len() - SIDECAR_SUFFIX.len()].to_string())
        .unwrap_or_else(|| "input.pdf".into());
    crate::fsx::rename(&raw, entry.join(&name)).at(&raw)?;
    durable::remove_tree_nofollow(&entry.join(RESERVED))?;
    Ok(Some(name))
}

/// At recovery: when staging entry `id` holds a sidecar alone and its drop is still in `origin`,
/// claims the drop into the entry too. The claim renames the PDF, then the sidecar, without an
/// fsync in between, so a power cut can persist the second rename without the first; the drop
/// would otherwise be taken later without its key, and its sidecar refused as an orphan.
pub fn claim_drop_of_sidecar(store: &Store, id: JobId, origin: &Path) -> Result<()> {
    let entry = store.layout().staging_entry(id);
    let names: Vec<String> = durable::list_names(&entry)?
        .into_iter()
        .filter(|n| n != RESERVED && !durable::is_temp_name(n))
        .collect();
    let [sc] = names.as_slice() else {
        return Ok(());
    };
    let raw = entry.join(RESERVED).join("raw").join("input.pdf");
    if !is_sidecar_name(sc) || raw.symlink_metadata().is_ok() {
        return Ok(());
    }
    let name = &sc[..sc.len() - SIDECAR_SUFFIX.len()];
    match crate::fsx::rename(origin.join(name), entry.join(name)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(origin.join(name), e)),
    }
}

/// A sidecar (`sc`) alone in its staging entry: refused as `orphan_sidecar`, or as unsafe.
fn reject_orphan(
    store: &Store,
    id: JobId,
    entry: &Path,
    sc: &str,
    origin: Option<&Path>,
) -> Result<TakeOutcome> {
    let d = StagedDrop {
        id,
        pdf: entry.join(sc),
        name: sc.to_string(),
        key: None,
        pinned: false,
        client: None,
    };
    // Never read either way; an unsafe one says so.
    let err = std::fs::symlink_metadata(&d.pdf)
        .ok()
        .and_then(|m| check_safe_meta(&d.pdf, &m).err())
        .unwrap_or_else(|| {
            refuse(
                &d.pdf,
                Code::OrphanSidecar,
                "a sidecar whose drop never arrived",
            )
        });
    reject(store, &d, err, origin, false)
}

/// The path of the sidecar of drop `name` in `entry`. One still in `origin` (a crash between the
/// two renames of the claim) is claimed first.
fn claim_sidecar(entry: &Path, name: &str, origin: Option<&Path>) -> Result<std::path::PathBuf> {
    let sc_name = sidecar_of(name);
    let sc_path = entry.join(&sc_name);
    if let Some(dir) = origin
        && sc_path.symlink_metadata().is_err()
    {
        match crate::fsx::rename(dir.join(&sc_name), &sc_path) {
            Ok(()) => failpoint::hit("inbox.after_claim_sidecar"),
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(dir.join(&sc_name), e)),
        }
    }
    Ok(sc_path)
}

/// Refuses the drop in staging with `e`, whose message names the file as the client dropped it
/// (`inbox/NAME.pdf`, from `origin`, else the inbox), not the staging path it was checked under.
/// With `outbox`, `outbox/NAME.error.txt` says why first (a crash after it repeats the refusal,
/// which finds the same text and writes nothing twice); a failed delivery does not stop the
/// refusal.
fn reject(
    store: &Store,
    d: &StagedDrop,
    e: Error,
    origin: Option<&Path>,
    outbox: bool,
) -> Result<TakeOutcome> {
    let l = store.layout();
    let e = match e {
        Error::Drop {
            path,
            code,
            message,
        } if path.starts_with(l.staging_entry(d.id)) => {
            let dir = origin.map_or_else(|| l.inbox(), Path::to_path_buf);
            let name = path.file_name().unwrap_or(path.as_os_str());
            Error::Drop {
                path: l.relative(&dir.join(name)).into(),
                code,
                message,
            }
        }
        e => e,
    };
    if outbox {
        let kept = l.relative(&store.rejected_name(&d.name, &d.id.to_string()));
        let name = d.name.as_str();
        match crate::store::outbox::deliver_refusal(store, name, e.code(), &e.to_string(), &kept) {
            Ok(p) => tracing::info!(drop = %d.name, outbox = %l.relative(&p), "refusal delivered"),
            Err(err) => {
                tracing::warn!(drop = %d.name, error = %err, "cannot deliver to the outbox")
            }
        }
    }
    store.reject_staged(d, &e, d.key.as_ref())?;
    Ok(TakeOutcome::Rejected(e.code()))
}

#[cfg(test)]
#[path = "take_tests.rs"]
mod tests;
