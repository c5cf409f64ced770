//! Retention with the real binary and short ages (`raw = 3s`, `artifacts = 8s`, sweep every 1s):
//! the daemon's sweeper thread removes raw inputs, then whole jobs, keeps pinned ones, leaves
//! symlink targets alone, and finishes an expiry interrupted by a crash when restarted. Jobs are
//! made final through the library (see `Root::finish` in tests/support), since no worker converts them here.

mod support;

use std::time::Duration;

use mdspool::ids::{IdemKey, JobId};
use mdspool::store::JobStatus;
use support::fs::names;
use support::{Root, poll};

const CONFIG: &str = "[retention]\nraw = \"3s\"\nartifacts = \"8s\"\nsweep_interval = \"1s\"\n";
const LONG: Duration = Duration::from_secs(40);

fn status_code(r: &Root, id: JobId) -> Option<i32> {
    r.code(&["status", &id.to_string()])
}

fn json_error_code(r: &Root, id: JobId) -> String {
    let out = r.run(&["status", &id.to_string(), "--json"], &[]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    v["error"]["code"].as_str().unwrap_or_default().to_string()
}

#[test]
fn raw_goes_first_then_the_job_expires_pinned_jobs_stay() {
    let r = Root::with_engine(CONFIG);
    let mut d = r.daemon(&[]);
    // Jobs are created and finished by other processes after the sweeper built its index.
    assert!(d.wait_log("sweeper started", LONG), "{}", d.log_text());
    let a = r.submit_job("a.pdf", "ka", &[]);
    let pinned = r.submit_job("b.pdf", "kb", &["--pin"]);
    let later = r.submit_job("c.pdf", "kc", &[]);
    // Let a pass index them as queued first: their end must be noticed from outside the daemon.
    std::thread::sleep(Duration::from_millis(1500));
    r.finish(a, JobStatus::Succeeded);
    r.finish(pinned, JobStatus::Failed);
    r.finish(later, JobStatus::Succeeded);
    // Pinned with the command, beside the running daemon.
    assert_eq!(r.code(&["pin", &later.to_string()]), Some(0));
    let l = &r.layout;

    // The file goes first, then `raw_removed_at` is recorded.
    assert!(
        poll(LONG, || !l.raw_input(a).exists()
            && r.load(a).raw_removed_at.is_some())
        .is_some(),
        "raw of {a} never removed\n{}",
        d.log_text()
    );
    assert!(
        l.manifest(a).exists(),
        "the job folder went with the raw input"
    );
    assert!(l.artifacts_dir(a).is_dir());
    assert!(l.output_md(a).exists());
    assert!(r.load(a).raw_removed_at.is_some());
    assert_eq!(status_code(&r, a), Some(0));

    let k = IdemKey::new("default", "ka").unwrap();
    // The folder goes to the trash first; the record, the receipt and the trash entry follow.
    assert!(
        poll(LONG, || !l.job_dir(a).exists()
            && !l.idempotency_record(&k).exists()
            && names(&l.trash_dir()).is_empty())
        .is_some(),
        "{a} never expired\n{}",
        d.log_text()
    );
    assert_eq!(status_code(&r, a), Some(4));
    assert_eq!(json_error_code(&r, a), "job_expired");
    // By key too: the tombstone remembers it.
    let by_key = r.run(&["status", "--key", "ka", "--json"], &[]);
    assert_eq!(by_key.status.code(), Some(4), "{by_key:?}");
    assert!(String::from_utf8_lossy(&by_key.stdout).contains("job_expired"));
    assert!(!l.receipt(&k).exists());
    assert!(!l.idempotency_record(&k).exists());
    assert!(names(&l.trash_dir()).is_empty());

    // Unknown ids stay unknown.
    assert_eq!(status_code(&r, JobId::new()), Some(3));
    assert_eq!(json_error_code(&r, JobId::new()), "job_not_found");

    // Pinned jobs keep everything, raw input included.
    for id in [pinned, later] {
        assert!(l.raw_input(id).exists(), "{id}");
        assert_eq!(status_code(&r, id), Some(0));
    }
    // Unpinned beside the daemon: it goes.
    assert_eq!(r.code(&["unpin", &later.to_string()]), Some(0));
    assert!(
        poll(LONG, || !l.job_dir(later).exists()).is_some(),
        "unpinned job kept\n{}",
        d.log_text()
    );
    assert_eq!(status_code(&r, later), Some(4));
    assert!(l.raw_input(pinned).exists());

    // A replayed drop of the expired job creates a new job.
    let again = r.submit_job("a.pdf", "ka", &[]);
    assert_ne!(again, a);
    assert_eq!(status_code(&r, again), Some(0));
    assert!(
        d.wait_exit(Duration::ZERO).is_none(),
        "daemon died\n{}",
        d.log_text()
    );
}

#[test]
fn planted_symlinks_never_lead_outside() {
    let r = Root::with_engine(CONFIG);
    let victim = r.outside("victim.txt");
    std::fs::write(&victim, b"keep me").unwrap();
    let victim_dir = r.outside("victim-dir");
    std::fs::create_dir_all(&victim_dir).unwrap();
    std::fs::write(victim_dir.join("inner.txt"), b"keep me too").unwrap();
    let raw_victim = r.outside("raw-victim.pdf");
    std::fs::write(&raw_victim, b"%PDF-1.4 keep").unwrap();

    let id = r.submit_job("a.pdf", "ka", &[]);
    let id2 = r.submit_job("b.pdf", "kb", &[]);
    r.finish(id, JobStatus::Succeeded);
    r.finish(id2, JobStatus::Succeeded);
    let l = &r.layout;
    let link = |target: &std::path::Path, at: std::path::PathBuf| {
        std::os::unix::fs::symlink(target, at).unwrap()
    };
    // Job 1: the raw input itself is a symlink, plus links in artifacts/ and logs/.
    std::fs::remove_file(l.raw_input(id)).unwrap();
    link(&raw_victim, l.raw_input(id));
    link(&victim, l.artifacts_dir(id).join("evil.md"));
    link(&victim_dir, l.logs_dir(id).join("dir"));
    // Job 2: the raw/ folder is a symlink to a folder outside holding an input.pdf.
    let outside_raw = r.outside("outside-raw");
    std::fs::create_dir_all(&outside_raw).unwrap();
    std::fs::write(outside_raw.join("input.pdf"), b"%PDF-1.4 mine").unwrap();
    std::fs::remove_dir_all(l.raw_dir(id2)).unwrap();
    link(&outside_raw, l.raw_dir(id2));

    let d = r.daemon(&[]);
    assert!(
        poll(LONG, || r.load(id2).raw_removed_at.is_some()).is_some(),
        "{}",
        d.log_text()
    );
    assert!(
        outside_raw.join("input.pdf").exists(),
        "raw removal followed raw/ -> outside"
    );
    assert!(
        poll(LONG, || !l.job_dir(id).exists() && !l.job_dir(id2).exists()).is_some(),
        "{}",
        d.log_text()
    );
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
    assert_eq!(
        std::fs::read(victim_dir.join("inner.txt")).unwrap(),
        b"keep me too"
    );
    assert_eq!(std::fs::read(&raw_victim).unwrap(), b"%PDF-1.4 keep");
    assert_eq!(
        std::fs::read(outside_raw.join("input.pdf")).unwrap(),
        b"%PDF-1.4 mine"
    );
    assert_eq!(status_code(&r, id), Some(4));
}

/// The state after the sweep completed for job `id` with key `key`.
fn assert_fully_expired(r: &Root, id: JobId, key: &str) {
    let l = &r.layout;
    let k = IdemKey::new("default", key).unwrap();
    assert!(!l.job_dir(id).exists(), "job folder left");
    assert!(names(&l.trash_dir()).is_empty(), "trash left");
    assert!(!l.idempotency_record(&k).exists(), "record left");
    assert!(!l.receipt(&k).exists(), "receipt left");
    assert!(l.tombstone(id).exists(), "no tombstone");
    assert_eq!(status_code(r, id), Some(4));
}

#[test]
fn a_sweep_killed_at_any_step_completes_on_the_next_run() {
    let cfg = "[retention]\nraw = \"1s\"\nartifacts = \"1s\"\nsweep_interval = \"1s\"\n";
    for fp in [
        "sweep.after_tombstone",
        "sweep.after_trash",
        "sweep.after_record",
        "sweep.after_receipt",
    ] {
        let r = Root::with_engine(cfg);
        let id = r.submit_job("a.pdf", "ka", &[]);
        r.finish(id, JobStatus::Succeeded);
        std::thread::sleep(Duration::from_millis(1200));
        let out = r.run(&["sweep"], &[("MDSPOOL_FAILPOINT", fp)]);
        assert_eq!(
            out.status.code(),
            None,
            "{fp}: sweep was not killed: {out:?}"
        );
        assert!(
            r.layout.tombstone(id).exists(),
            "{fp}: no tombstone before deleting"
        );
        // Whatever is left, status never claims the job is unknown.
        let code = status_code(&r, id);
        assert!(
            code == Some(0) || code == Some(4),
            "{fp}: status exit {code:?}"
        );
        let out = r.run(&["sweep", "--json"], &[]);
        assert_eq!(out.status.code(), Some(0), "{fp}: {out:?}");
        assert_fully_expired(&r, id, "ka");
    }
}

#[test]
fn raw_removal_killed_before_it_is_recorded_is_recorded_next_time() {
    let r = Root::with_engine("[retention]\nraw = \"1s\"\nsweep_interval = \"1s\"\n");
    let id = r.submit_job("a.pdf", "ka", &[]);
    r.finish(id, JobStatus::Succeeded);
    std::thread::sleep(Duration::from_millis(1200));
    let out = r.run(&["sweep"], &[("MDSPOOL_FAILPOINT", "sweep.raw_removed")]);
    assert_eq!(out.status.code(), None, "{out:?}");
    assert!(!r.layout.raw_input(id).exists());
    assert!(r.load(id).raw_removed_at.is_none());
    let out = r.run(&["sweep"], &[]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("remove_raw"));
    assert!(r.load(id).raw_removed_at.is_some());
    assert!(r.layout.output_md(id).exists());
}

#[test]
fn the_daemon_killed_mid_expiry_finishes_it_after_restart() {
    let r = Root::with_engine(CONFIG);
    let id = r.submit_job("a.pdf", "ka", &[]);
    r.finish(id, JobStatus::Succeeded);
    let mut d = r.daemon(&[("MDSPOOL_FAILPOINT", "sweep.after_trash")]);
    let exit = d.wait_exit(LONG).map(|s| s.code());
    assert_eq!(
        exit,
        Some(None),
        "daemon did not crash at the failpoint\n{}",
        d.log_text()
    );
    let l = &r.layout;
    assert!(l.trash_entry(id).exists());
    assert!(!l.job_dir(id).exists());
    let k = IdemKey::new("default", "ka").unwrap();
    assert!(
        l.idempotency_record(&k).exists(),
        "crashed before the record step"
    );
    assert_eq!(status_code(&r, id), Some(4));
    drop(d);
    let d = r.daemon(&[]);
    assert!(
        poll(LONG, || names(&l.trash_dir()).is_empty()
            && !l.idempotency_record(&k).exists())
        .is_some(),
        "restart did not finish the expiry\n{}",
        d.log_text()
    );
    assert_fully_expired(&r, id, "ka");
}

#[test]
fn sweep_dry_run_lists_and_keeps() {
    let r = Root::with_engine("[retention]\nartifacts = \"1s\"\n");
    let id = r.submit_job("a.pdf", "ka", &[]);
    r.finish(id, JobStatus::Canceled);
    std::thread::sleep(Duration::from_millis(1200));
    let out = r.run(&["sweep", "--dry-run", "--json"], &[]);
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["entries"][0]["action"], "expire");
    assert_eq!(v["entries"][0]["subject"], id.to_string());
    assert_eq!(v["entries"][0]["outcome"], "planned");
    assert!(r.layout.raw_input(id).exists());
    let out = r.run(&["sweep"], &[]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("expire           {id}  done")));
    assert_eq!(status_code(&r, id), Some(4));
}

#[test]
fn pin_unknown_and_invalid_ids() {
    let r = Root::with_engine(CONFIG);
    assert_eq!(r.code(&["pin", &JobId::new().to_string()]), Some(3));
    assert_eq!(r.code(&["unpin", "nope"]), Some(2));
    let id = r.submit_job("a.pdf", "ka", &[]);
    let out = r.run(&["pin", &id.to_string(), "--json"], &[]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pinned"], true);
    assert!(r.load(id).pinned);
    assert_eq!(r.code(&["unpin", &id.to_string()]), Some(0));
    assert!(!r.load(id).pinned);
}

#[test]
fn a_rejected_drop_removal_killed_midway_is_finished() {
    let r = Root::with_engine("[retention]\nrejected = \"1s\"\n");
    let dir = r.outside("drop");
    std::fs::create_dir_all(&dir).unwrap();
    let (pdf, side) = (dir.join("bad.pdf"), dir.join("bad.pdf.idem"));
    std::fs::write(&pdf, b"not a pdf").unwrap();
    std::fs::write(&side, b"{}").unwrap();
    let err = mdspool::Error::Drop {
        path: pdf.clone(),
        code: mdspool::Code::NotAPdf,
        message: "no header".into(),
    };
    let k = IdemKey::new("default", "bad").unwrap();
    r.store()
        .quarantine(&[pdf, side], "bad.pdf", "tag", &err, Some(&k))
        .unwrap();
    let rej = r.layout.rejected_dir();
    assert_eq!(names(&rej).len(), 3);
    std::thread::sleep(Duration::from_millis(1200));
    let out = r.run(
        &["sweep"],
        &[("MDSPOOL_FAILPOINT", "sweep.rejected_files_removed")],
    );
    assert_eq!(out.status.code(), None, "{out:?}");
    assert_eq!(names(&rej), vec!["bad.pdf.error.json"]);
    let out = r.run(&["sweep"], &[]);
    assert!(out.status.success(), "{out:?}");
    assert!(names(&rej).is_empty());
    assert!(!r.layout.receipt(&k).exists());
}
