//! Crash points: the process aborts at each durable step of admission (`MDSPOOL_FAILPOINT`), then a
//! daemon starts on the same root and recovers. After recovery the invariants hold: the drop became
//! exactly one job with a parsable manifest and its bytes, a receipt points to it, nothing is left in
//! staging, no temp file remains, and the same drop again is a replay of that job.
//!
//! `mdspool submit` writes, in order: the sidecar (`durable` write 1), the idempotency record (write 2,
//! exclusive), the manifest (write 3) and the receipt (write 4); `durable.before_rename:N` counts only
//! the atomic replacements (sidecar 1, manifest 2, receipt 3).

mod support;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use support::{Daemon, poll};

fn mdspool(root: &Path, args: &[&str], failpoint: Option<&str>) -> Output {
    let mut c = support::command();
    c.arg("--root").arg(root).args(args);
    if let Some(f) = failpoint {
        c.env("MDSPOOL_FAILPOINT", f);
    }
    c.output().unwrap()
}

/// Starts a daemon, waits (up to 30 s) until staging is empty, stops it.
fn recover(root: &Path) {
    let d = Daemon::start(root, &["--workers", "1"], &[]);
    let staging = root.join("state/staging");
    poll(Duration::from_secs(30), || {
        support::fs::names(&staging).is_empty()
    });
    d.stop();
}

fn no_temp_files(root: &Path) {
    let left = support::fs::temp_files_under(root);
    assert!(left.is_empty(), "temp files left: {left:?}");
}

fn crash_and_recover(point: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let pdf = tmp.path().join("doc.pdf");
    std::fs::write(&pdf, support::pdf(&format!("crash at {point}"), &[])).unwrap();
    let args = ["submit", pdf.to_str().unwrap(), "--key", "crash"];
    let o = mdspool(&root, &args, Some(point));
    assert_eq!(
        o.status.code(),
        None,
        "{point}: the process should have aborted: {o:?}"
    );
    // The armed point itself aborted, at the armed hit (its own line names both), not some other
    // abort. (Seen failing with the hit number left out of the crash point's line.)
    let (name, nth) = point.split_once(':').unwrap_or((point, "1"));
    let fired = format!("mdspool: crash point {name} reached (hit {nth}), aborting");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains(&fired), "{point}: {stderr}");

    recover(&root);

    let jobs: Vec<_> = std::fs::read_dir(root.join("jobs")).unwrap().collect();
    assert_eq!(jobs.len(), 1, "{point}: expected exactly one job");
    let receipt: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("receipts/default/crash.json")).unwrap())
            .unwrap_or_else(|e| panic!("{point}: receipt: {e}"));
    let id = receipt["job_id"].as_str().unwrap().to_string();
    let mpath = root.join("jobs").join(&id).join("manifest.json");
    let m = mdspool::store::Manifest::parse(&mpath, &std::fs::read(&mpath).unwrap()).unwrap();
    assert_eq!(m.idempotency.key, "crash");
    assert_eq!(
        std::fs::read(root.join("jobs").join(&id).join("raw/input.pdf")).unwrap(),
        std::fs::read(&pdf).unwrap(),
        "{point}: the client's bytes"
    );
    assert_eq!(
        std::fs::read_dir(root.join("state/staging"))
            .unwrap()
            .count(),
        0
    );
    no_temp_files(&root);
    let again = mdspool(&root, &args, None);
    assert!(again.status.success(), "{point}: {again:?}");
    assert_eq!(
        String::from_utf8_lossy(&again.stdout).trim(),
        id,
        "{point}: replay"
    );
    assert_eq!(std::fs::read_dir(root.join("jobs")).unwrap().count(), 1);
}

#[test]
fn crash_before_the_record() {
    crash_and_recover("admit.before_record");
}

#[test]
fn crash_while_writing_the_record() {
    crash_and_recover("durable.after_write_temp:2");
}

#[test]
fn crash_after_the_record() {
    crash_and_recover("admit.after_record");
}

#[test]
fn crash_while_writing_the_manifest() {
    crash_and_recover("durable.before_rename:2");
}

#[test]
fn crash_before_publishing_the_job() {
    crash_and_recover("admit.before_publish");
}

#[test]
fn crash_after_publishing_the_job() {
    crash_and_recover("admit.after_publish");
}

#[test]
fn crash_while_writing_the_receipt() {
    crash_and_recover("durable.before_rename:3");
}

#[test]
fn crash_after_the_receipt() {
    crash_and_recover("admit.after_receipt");
}
