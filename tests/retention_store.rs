//! Retention through the library with a fake clock: a real store in a temp dir, the real sweeper,
//! time moved by hand. Checks what is left on disk after each pass.

mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use mdspool::clock::FakeClock;
use mdspool::config::RetentionConfig;
use mdspool::ids::{IdemKey, JobId};
use mdspool::layout::Layout;
use mdspool::store::{Admission, JobStatus, Store};
use mdspool::sweeper::Sweeper;
use mdspool::sweeper::policy::Action;

const H: u64 = 3600;
const D: u64 = 24 * H;

struct Env {
    _tmp: tempfile::TempDir,
    clock: Arc<FakeClock>,
    store: Arc<Store>,
    cfg: RetentionConfig,
}

fn env() -> Env {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::new(
        Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap(),
    ));
    let cfg = RetentionConfig::default();
    let store = Store::open(
        Layout::new(tmp.path().join("root")),
        clock.clone(),
        cfg.clone(),
    )
    .unwrap();
    Env {
        _tmp: tmp,
        clock,
        store: Arc::new(store),
        cfg,
    }
}

impl Env {
    fn l(&self) -> &Layout {
        self.store.layout()
    }

    fn job(&self, key: &str, pinned: bool, to: Option<JobStatus>) -> JobId {
        let a = support::root::admit(&self.store, "a.pdf", key, &support::pdf(key, &[]), pinned);
        let Admission::Created(m) = a else {
            panic!("not created: {a:?}")
        };
        if let Some(to) = to {
            self.store
                .transition(m.job_id, JobStatus::Running, |_| {})
                .unwrap();
            self.store.transition(m.job_id, to, |_| {}).unwrap();
        }
        m.job_id
    }

    fn advance(&self, secs: u64) {
        self.clock.advance(Duration::from_secs(secs));
    }

    fn sweeper(&self) -> Sweeper {
        Sweeper::start(self.store.clone(), &self.cfg).unwrap()
    }

    fn key(&self, k: &str) -> IdemKey {
        IdemKey::new("default", k).unwrap()
    }
}

fn done(s: &Sweeper) -> Vec<(String, String)> {
    let r = s.pass(false).unwrap();
    assert!(r.first_error().is_none(), "{r:?}");
    r.entries
        .into_iter()
        .filter(|e| e.outcome == "done")
        .map(|e| (e.action.to_string(), e.subject))
        .collect()
}

#[test]
fn raw_then_folder_then_tombstone_and_a_replay_makes_a_new_job() {
    let e = env();
    let id = e.job("k1", false, Some(JobStatus::Succeeded));
    let s = e.sweeper();
    assert_eq!(done(&s), vec![]);

    e.advance(D - 1);
    assert_eq!(done(&s), vec![]);
    assert!(e.l().raw_input(id).exists());
    e.advance(1);
    assert_eq!(done(&s), vec![("remove_raw".into(), id.to_string())]);
    assert!(!e.l().raw_input(id).exists());
    assert!(e.l().output_md(id).exists() || e.l().artifacts_dir(id).is_dir());
    let m = e.store.load(id).unwrap();
    assert_eq!(m.raw_removed_at, Some(e.store.now()));
    assert_eq!(done(&s), vec![], "raw is removed once");

    e.advance(6 * D);
    assert_eq!(done(&s), vec![("expire".into(), id.to_string())]);
    assert!(!e.l().job_dir(id).exists());
    assert!(!e.l().trash_entry(id).exists());
    assert_eq!(e.store.load(id).unwrap_err().code(), "job_expired");
    assert!(e.store.read_record(&e.key("k1")).unwrap().is_none());
    assert!(e.store.read_receipt(&e.key("k1")).unwrap().is_none());
    let t = e.store.read_tombstone(id).unwrap().unwrap();
    assert_eq!((t.key.as_str(), t.status), ("k1", JobStatus::Succeeded));

    // The same key and bytes again: the old job is gone, so a new one is created.
    let again = support::root::admit(&e.store, "a.pdf", "k1", &support::pdf("k1", &[]), false);
    let Admission::Created(m2) = again else {
        panic!("replay of an expired job should create a new job: {again:?}")
    };
    assert_ne!(m2.job_id, id);

    e.advance(30 * D - 1);
    assert_eq!(done(&s), vec![]);
    e.advance(1);
    assert_eq!(done(&s), vec![("drop_tombstone".into(), id.to_string())]);
    assert_eq!(e.store.load(id).unwrap_err().code(), "job_not_found");
    // The new job is queued: it is never touched.
    assert!(e.l().raw_input(m2.job_id).exists());
}

#[test]
fn pinned_queued_running_are_never_touched() {
    let e = env();
    let pinned = e.job("p", true, Some(JobStatus::Succeeded));
    let queued = e.job("q", false, None);
    let running = e.job("r", false, None);
    e.store
        .transition(running, JobStatus::Running, |_| {})
        .unwrap();
    let s = e.sweeper();
    e.advance(3650 * D);
    assert_eq!(done(&s), vec![]);
    for id in [pinned, queued, running] {
        assert!(e.l().raw_input(id).exists(), "{id}");
    }
    // Unpinned (seen by the store observer), it goes at the next pass.
    e.store
        .update(pinned, |m| {
            m.pinned = false;
            Ok(())
        })
        .unwrap();
    assert_eq!(done(&s), vec![("expire".into(), pinned.to_string())]);
}

#[test]
fn failed_jobs_follow_retention_failed() {
    let mut e = env();
    e.cfg.failed = Some(mdspool::config::Dur(Duration::from_secs(2 * D)));
    let failed = e.job("f", false, Some(JobStatus::Failed));
    let ok = e.job("s", false, Some(JobStatus::Succeeded));
    let s = e.sweeper();
    e.advance(2 * D);
    let mut want = vec![
        ("expire".to_string(), failed.to_string()),
        ("remove_raw".to_string(), ok.to_string()),
    ];
    want.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(done(&s), want);
    assert!(e.l().job_dir(ok).exists());
}

#[test]
fn a_job_pinned_behind_the_index_is_re_checked_under_its_lock() {
    let e = env();
    let id = e.job("k", false, Some(JobStatus::Succeeded));
    let s = e.sweeper();
    e.advance(8 * D);
    assert_eq!(s.plan(), vec![Action::Expire(id)]);
    // Pinned by another process: no observer call, the index still says due.
    let path = e.l().manifest(id);
    let mut m = e.store.load(id).unwrap();
    m.pinned = true;
    std::fs::write(&path, m.to_json()).unwrap();
    let r = s.pass(false).unwrap();
    assert_eq!(r.entries.len(), 1);
    assert_eq!(r.entries[0].outcome, "skipped: not due");
    assert!(e.l().raw_input(id).exists());
    assert_eq!(s.plan(), vec![]);
}

#[test]
fn dry_run_changes_nothing() {
    let e = env();
    let id = e.job("k", false, Some(JobStatus::Succeeded));
    let s = e.sweeper();
    e.advance(8 * D);
    let r = s.pass(true).unwrap();
    assert_eq!(r.entries.len(), 1);
    assert_eq!(
        (r.entries[0].action, r.entries[0].outcome.as_str()),
        ("expire", "planned")
    );
    assert!(e.l().raw_input(id).exists());
    assert!(e.store.read_tombstone(id).unwrap().is_none());
}

#[test]
fn an_interrupted_expiry_left_in_trash_is_finished() {
    let e = env();
    let id = e.job("k", false, Some(JobStatus::Succeeded));
    // The state a crash right after the rename leaves: tombstone, folder in trash.
    let m = e.store.load(id).unwrap();
    e.store
        .write_tombstone(&mdspool::store::records::Tombstone {
            job_id: id,
            scope: "default".into(),
            key: "k".into(),
            status: m.status,
            expired_at: e.store.now(),
        })
        .unwrap();
    std::fs::rename(e.l().job_dir(id), e.l().trash_entry(id)).unwrap();
    let s = e.sweeper();
    assert_eq!(done(&s), vec![("finish_trash".into(), id.to_string())]);
    assert!(!e.l().trash_entry(id).exists());
    assert!(e.store.read_record(&e.key("k")).unwrap().is_none());
    assert!(e.store.read_receipt(&e.key("k")).unwrap().is_none());
    assert_eq!(e.store.load(id).unwrap_err().code(), "job_expired");
}

#[test]
fn rejected_drops_and_their_receipts_go_after_retention_rejected() {
    let e = env();
    let dir = e._tmp.path().join("drop");
    std::fs::create_dir_all(&dir).unwrap();
    let (pdf, side) = (dir.join("bad.pdf"), dir.join("bad.pdf.idem"));
    std::fs::write(&pdf, b"not a pdf").unwrap();
    std::fs::write(&side, b"{\"key\": \"bad\"}").unwrap();
    let err = mdspool::Error::Drop {
        path: pdf.clone(),
        code: mdspool::Code::NotAPdf,
        message: "no header".into(),
    };
    let k = e.key("bad");
    e.store
        .quarantine(&[pdf, side], "bad.pdf", "tag", &err, Some(&k))
        .unwrap();
    let rej = e.l().rejected_dir();
    assert_eq!(
        mdspool::durable::list_names(&rej).unwrap(),
        vec!["bad.pdf", "bad.pdf.error.json", "bad.pdf.idem"]
    );
    assert_eq!(
        e.store.read_receipt(&k).unwrap().unwrap().status,
        mdspool::store::records::ReceiptStatus::Rejected
    );
    let s = e.sweeper();
    e.advance(7 * D - 1);
    assert_eq!(done(&s), vec![]);
    e.advance(1);
    assert_eq!(
        done(&s),
        vec![("remove_rejected".into(), "bad.pdf.error.json".into())]
    );
    assert!(mdspool::durable::list_names(&rej).unwrap().is_empty());
    assert!(e.store.read_receipt(&k).unwrap().is_none());
}

#[test]
fn index_follows_jobs_written_by_other_processes() {
    let e = env();
    let s = e.sweeper();
    // Created and finished through a second store (another process): no observer of ours sees it.
    let other = Store::open(e.l().clone(), e.clock.clone(), e.cfg.clone()).unwrap();
    let a = support::root::admit(&other, "x.pdf", "x", b"%PDF-1.4 x", false);
    let id = a.job_id();
    assert_eq!(done(&s), vec![]);
    assert_eq!(s.indexed(), 1);
    other.transition(id, JobStatus::Running, |_| {}).unwrap();
    other.transition(id, JobStatus::Canceled, |_| {}).unwrap();
    e.advance(7 * D);
    assert_eq!(done(&s), vec![("expire".into(), id.to_string())]);
}
