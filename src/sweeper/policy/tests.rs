//! Unit tests of the retention policy, driven by a fake clock: every rule at its boundary.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::clock::{Clock, FakeClock};

const H: u64 = 3600;
const D: u64 = 24 * H;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 10, 12, 0, 0).unwrap()
}

fn defaults() -> Policy {
    Policy::from_config(&RetentionConfig::default())
}

fn job(status: JobStatus) -> JobDeadline {
    JobDeadline {
        id: JobId::new(),
        status,
        pinned: false,
        since: t0(),
        raw_present: true,
    }
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// The action for `j` after the clock moved `after` past t0.
fn at(j: &JobDeadline, after: Duration, p: &Policy) -> Option<Action> {
    let clock = FakeClock::new(t0());
    clock.advance(after);
    plan_job(j, clock.now(), p)
}

#[test]
fn defaults_are_the_documented_ones() {
    let p = defaults();
    assert_eq!(p.raw, secs(D));
    assert_eq!(p.artifacts, secs(7 * D));
    assert_eq!(p.failed, secs(7 * D));
    assert_eq!(p.tombstones, secs(30 * D));
    assert_eq!(p.rejected, secs(7 * D));
}

#[test]
fn raw_goes_at_24h_and_the_folder_at_7d() {
    let p = defaults();
    let j = job(JobStatus::Succeeded);
    assert_eq!(at(&j, secs(D - 1), &p), None);
    assert_eq!(at(&j, secs(D), &p), Some(Action::RemoveRaw(j.id)));
    assert_eq!(at(&j, secs(7 * D - 1), &p), Some(Action::RemoveRaw(j.id)));
    assert_eq!(at(&j, secs(7 * D), &p), Some(Action::Expire(j.id)));
    assert_eq!(at(&j, secs(400 * D), &p), Some(Action::Expire(j.id)));
}

#[test]
fn raw_already_removed_is_not_removed_again() {
    let p = defaults();
    let j = JobDeadline {
        raw_present: false,
        ..job(JobStatus::Succeeded)
    };
    assert_eq!(at(&j, secs(2 * D), &p), None);
    assert_eq!(at(&j, secs(7 * D), &p), Some(Action::Expire(j.id)));
}

#[test]
fn pinned_jobs_keep_everything() {
    let p = defaults();
    for status in [JobStatus::Succeeded, JobStatus::Failed, JobStatus::Canceled] {
        let j = JobDeadline {
            pinned: true,
            ..job(status)
        };
        assert_eq!(at(&j, secs(3650 * D), &p), None, "{status}");
    }
}

#[test]
fn queued_and_running_jobs_never_expire() {
    let p = defaults();
    for status in [JobStatus::Queued, JobStatus::Running] {
        let j = job(status);
        assert_eq!(at(&j, secs(3650 * D), &p), None, "{status}");
    }
}

#[test]
fn failed_and_canceled_follow_retention_failed() {
    let cfg = RetentionConfig {
        failed: Some(crate::config::Dur(secs(2 * D))),
        ..RetentionConfig::default()
    };
    let p = Policy::from_config(&cfg);
    for status in [JobStatus::Failed, JobStatus::Canceled] {
        let j = job(status);
        assert_eq!(at(&j, secs(D), &p), Some(Action::RemoveRaw(j.id)));
        assert_eq!(at(&j, secs(2 * D), &p), Some(Action::Expire(j.id)));
    }
    // Succeeded jobs still follow `artifacts`.
    let j = job(JobStatus::Succeeded);
    assert_eq!(at(&j, secs(2 * D), &p), Some(Action::RemoveRaw(j.id)));
    // Unset, `failed` is `artifacts`.
    let j = job(JobStatus::Failed);
    assert_eq!(
        at(&j, secs(7 * D - 1), &defaults()),
        Some(Action::RemoveRaw(j.id))
    );
    assert_eq!(at(&j, secs(7 * D), &defaults()), Some(Action::Expire(j.id)));
}

#[test]
fn a_shorter_folder_age_than_raw_age_expires_directly() {
    let cfg = RetentionConfig {
        raw: crate::config::Dur(secs(10 * D)),
        ..RetentionConfig::default()
    };
    let p = Policy::from_config(&cfg);
    let j = job(JobStatus::Succeeded);
    assert_eq!(at(&j, secs(8 * D), &p), Some(Action::Expire(j.id)));
}

#[test]
fn huge_durations_never_come_due() {
    let p = Policy {
        artifacts: Duration::MAX,
        raw: Duration::MAX,
        ..defaults()
    };
    let j = job(JobStatus::Succeeded);
    assert_eq!(at(&j, secs(3650 * D), &p), None);
}

#[test]
fn plan_covers_many_jobs_in_id_order() {
    let p = defaults();
    let clock = FakeClock::new(t0());
    let old = |status, age: u64, pinned| JobDeadline {
        since: t0() - chrono::Duration::seconds(age as i64),
        pinned,
        ..job(status)
    };
    let jobs = vec![
        old(JobStatus::Succeeded, 8 * D, false), // expire
        old(JobStatus::Succeeded, 2 * D, false), // raw
        old(JobStatus::Succeeded, H, false),     // nothing
        old(JobStatus::Failed, 8 * D, true),     // pinned
        old(JobStatus::Queued, 90 * D, false),   // queued
        old(JobStatus::Running, 90 * D, false),  // running
        old(JobStatus::Canceled, 8 * D, false),  // expire
    ];
    let actions = plan(&jobs, clock.now(), &p);
    let mut want = vec![
        (jobs[0].id, Action::Expire(jobs[0].id)),
        (jobs[1].id, Action::RemoveRaw(jobs[1].id)),
        (jobs[6].id, Action::Expire(jobs[6].id)),
    ];
    want.sort_by_key(|(id, _)| *id);
    assert_eq!(
        actions,
        want.into_iter().map(|(_, a)| a).collect::<Vec<_>>()
    );
}

#[test]
fn tombstones_are_forgotten_after_their_age() {
    let p = defaults();
    let clock = FakeClock::new(t0());
    let (a, b) = (JobId::new(), JobId::new());
    let ts = [(a, t0()), (b, t0() + chrono::Duration::seconds(D as i64))];
    let list = |c: &FakeClock| plan_tombstones(ts.iter().map(|(i, t)| (i, t)), c.now(), &p);
    clock.advance(secs(30 * D - 1));
    assert_eq!(list(&clock), vec![]);
    clock.advance(secs(1));
    assert_eq!(list(&clock), vec![Action::DropTombstone(a)]);
    clock.advance(secs(D));
    let mut want = vec![a, b];
    want.sort();
    assert_eq!(
        list(&clock),
        want.into_iter()
            .map(Action::DropTombstone)
            .collect::<Vec<_>>()
    );
}

#[test]
fn rejected_drops_are_kept_their_age() {
    let cfg = RetentionConfig {
        rejected: crate::config::Dur(secs(3 * D)),
        ..RetentionConfig::default()
    };
    let p = Policy::from_config(&cfg);
    let clock = FakeClock::new(t0());
    let drops = [
        RejectedDrop {
            note: "b.pdf.error.json".into(),
            at: t0(),
        },
        RejectedDrop {
            note: "a.pdf.error.json".into(),
            at: t0() - chrono::Duration::seconds(D as i64),
        },
    ];
    clock.advance(secs(2 * D - 1));
    assert_eq!(plan_rejected(&drops, clock.now(), &p), vec![]);
    clock.advance(secs(1));
    assert_eq!(
        plan_rejected(&drops, clock.now(), &p),
        vec![Action::RemoveRejected("a.pdf.error.json".into())]
    );
    clock.advance(secs(D));
    assert_eq!(
        plan_rejected(&drops, clock.now(), &p),
        vec![
            Action::RemoveRejected("a.pdf.error.json".into()),
            Action::RemoveRejected("b.pdf.error.json".into()),
        ]
    );
}

#[test]
fn deadline_counts_from_finished_at_else_created_at() {
    let mut m = Manifest::new(
        JobId::new(),
        crate::store::manifest::Idempotency {
            scope: "default".into(),
            key: "k".into(),
            fingerprint: "00".into(),
        },
        crate::store::manifest::Source {
            name: "a.pdf".into(),
            size: 1,
        },
        t0(),
    );
    assert_eq!(JobDeadline::of(&m).since, t0());
    assert!(JobDeadline::of(&m).raw_present);
    let fin = t0() + chrono::Duration::seconds(60);
    m.finished_at = Some(fin);
    m.raw_removed_at = Some(fin);
    let d = JobDeadline::of(&m);
    assert_eq!(d.since, fin);
    assert!(!d.raw_present);
}
