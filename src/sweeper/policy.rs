//! The retention policy as pure functions: given small per-job deadline records, the known
//! tombstones and rejected drops, and the time now, say what is due. No I/O and no clock of its own,
//! so every rule is unit-tested with made-up times; the sweeper applies the result.
//!
//! Ages are recomputed from the configuration in force (not from the `raw_expires_at`/`expires_at`
//! stamped into manifests when the job finished), so a changed retention setting applies to old jobs.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::RetentionConfig;
use crate::ids::JobId;
use crate::store::{JobStatus, Manifest};

/// How long each kind of thing is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// `raw/input.pdf` of a final job.
    pub raw: Duration,
    /// The whole folder of a succeeded job.
    pub artifacts: Duration,
    /// The whole folder of a failed or canceled job.
    pub failed: Duration,
    /// A tombstone, counted from the expiry it records.
    pub tombstones: Duration,
    /// A refused drop in `rejected/` with its note.
    pub rejected: Duration,
    /// A file in `outbox/`, counted from its modification time.
    pub outbox: Duration,
}

impl Policy {
    pub fn from_config(c: &RetentionConfig) -> Policy {
        Policy {
            raw: c.raw.0,
            artifacts: c.artifacts.0,
            failed: c.failed().0,
            tombstones: c.tombstones.0,
            rejected: c.rejected.0,
            outbox: c.outbox.0,
        }
    }

    /// How long the folder of a job that ended in `status` is kept.
    pub fn keep(&self, status: JobStatus) -> Duration {
        match status {
            JobStatus::Succeeded => self.artifacts,
            _ => self.failed,
        }
    }
}

/// What the policy needs to know about one job (kept in memory for every job).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobDeadline {
    pub id: JobId,
    pub status: JobStatus,
    pub pinned: bool,
    /// `finished_at`, or `created_at` for a job that never ran.
    pub since: DateTime<Utc>,
    /// `raw/input.pdf` has not been removed yet (`raw_removed_at` is unset).
    pub raw_present: bool,
}

impl JobDeadline {
    pub fn of(m: &Manifest) -> JobDeadline {
        JobDeadline {
            id: m.job_id,
            status: m.status,
            pinned: m.pinned,
            since: m.finished_at.unwrap_or(m.created_at),
            raw_present: m.raw_removed_at.is_none(),
        }
    }
}

/// A refused drop, known by its note `rejected/NAME.error.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedDrop {
    /// File name of the note.
    pub note: String,
    /// When the drop was refused.
    pub at: DateTime<Utc>,
}

/// One thing the sweeper is to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Remove `raw/input.pdf` of the job and record `raw_removed_at`.
    RemoveRaw(JobId),
    /// Tombstone the job, then remove its folder, idempotency record and receipt.
    Expire(JobId),
    /// Forget an expired job (its tombstone has aged out).
    DropTombstone(JobId),
    /// Remove a refused drop and its note (named by the note).
    RemoveRejected(String),
    /// Remove `outbox/NAME`.
    RemoveOutbox(String),
    /// Finish deleting a job folder that an interrupted sweep left in `state/trash/` (never
    /// planned: the sweeper adds it for every entry it finds there).
    FinishTrash(JobId),
}

impl Action {
    /// A stable short name (`--json` output, logs).
    pub fn kind(&self) -> &'static str {
        match self {
            Action::RemoveRaw(_) => "remove_raw",
            Action::Expire(_) => "expire",
            Action::DropTombstone(_) => "drop_tombstone",
            Action::RemoveRejected(_) => "remove_rejected",
            Action::RemoveOutbox(_) => "remove_outbox",
            Action::FinishTrash(_) => "finish_trash",
        }
    }

    /// The job id or file name the action is about.
    pub fn subject(&self) -> String {
        match self {
            Action::RemoveRaw(id)
            | Action::Expire(id)
            | Action::DropTombstone(id)
            | Action::FinishTrash(id) => id.to_string(),
            Action::RemoveRejected(n) | Action::RemoveOutbox(n) => n.clone(),
        }
    }
}

/// `t + d` has passed at `now` (a duration too large to add never passes).
fn due(t: DateTime<Utc>, d: Duration, now: DateTime<Utc>) -> bool {
    match chrono::Duration::from_std(d)
        .ok()
        .and_then(|d| t.checked_add_signed(d))
    {
        Some(deadline) => deadline <= now,
        None => false,
    }
}

/// The job's raw input is due for removal (final, not pinned, still there, old enough).
pub fn raw_due(j: &JobDeadline, now: DateTime<Utc>, p: &Policy) -> bool {
    j.status.is_final() && !j.pinned && j.raw_present && due(j.since, p.raw, now)
}

/// The job's whole folder is due for removal (final, not pinned, old enough).
pub fn expire_due(j: &JobDeadline, now: DateTime<Utc>, p: &Policy) -> bool {
    j.status.is_final() && !j.pinned && due(j.since, p.keep(j.status), now)
}

/// What is due for one job: nothing for queued, running or pinned jobs; `Expire` once the folder's
/// age is reached (it covers the raw input too); else `RemoveRaw` once the raw age is reached.
pub fn plan_job(j: &JobDeadline, now: DateTime<Utc>, p: &Policy) -> Option<Action> {
    if expire_due(j, now, p) {
        Some(Action::Expire(j.id))
    } else if raw_due(j, now, p) {
        Some(Action::RemoveRaw(j.id))
    } else {
        None
    }
}

/// The actions due for `jobs` at `now`, sorted by job id.
pub fn plan<'a>(
    jobs: impl IntoIterator<Item = &'a JobDeadline>,
    now: DateTime<Utc>,
    p: &Policy,
) -> Vec<Action> {
    let mut out: Vec<(JobId, Action)> = jobs
        .into_iter()
        .filter_map(|j| plan_job(j, now, p).map(|a| (j.id, a)))
        .collect();
    out.sort_by_key(|(id, _)| *id);
    out.into_iter().map(|(_, a)| a).collect()
}

/// Tombstones (job id, expired at) older than `p.tombstones`, sorted.
pub fn plan_tombstones<'a>(
    tombstones: impl IntoIterator<Item = (&'a JobId, &'a DateTime<Utc>)>,
    now: DateTime<Utc>,
    p: &Policy,
) -> Vec<Action> {
    let mut ids: Vec<JobId> = tombstones
        .into_iter()
        .filter(|(_, at)| due(**at, p.tombstones, now))
        .map(|(id, _)| *id)
        .collect();
    ids.sort();
    ids.into_iter().map(Action::DropTombstone).collect()
}

/// Refused drops older than `p.rejected`, sorted by note name.
pub fn plan_rejected<'a>(
    drops: impl IntoIterator<Item = &'a RejectedDrop>,
    now: DateTime<Utc>,
    p: &Policy,
) -> Vec<Action> {
    let mut names: Vec<String> = drops
        .into_iter()
        .filter(|d| due(d.at, p.rejected, now))
        .map(|d| d.note.clone())
        .collect();
    names.sort();
    names.into_iter().map(Action::RemoveRejected).collect()
}

/// Files of `outbox/` (name, modification time) older than `p.outbox`, sorted by name.
pub fn plan_outbox(
    files: &[(String, DateTime<Utc>)],
    now: DateTime<Utc>,
    p: &Policy,
) -> Vec<Action> {
    let mut names: Vec<String> = files
        .iter()
        .filter(|(_, at)| due(*at, p.outbox, now))
        .map(|(n, _)| n.clone())
        .collect();
    names.sort();
    names.into_iter().map(Action::RemoveOutbox).collect()
}

#[cfg(test)]
mod tests;
