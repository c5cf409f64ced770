//! `mdspool submit` while the daemon starts: the daemon's restart recovery must leave alone a
//! staging entry that a submit is still copying into (it holds it), instead of refusing or removing
//! it half-built, which made the submit fail with `io_error`. A fail point pauses the submit between
//! its copy and the rename that completes it; the daemon starts in that window.
//!
//! Checked to fail: without the hold check in `daemon::recovery`, both tests fail with the submit's
//! `error[io_error]: .../state/staging/<id>/report.pdf: No such file or directory`.

mod support;

use std::process::Stdio;
use std::time::Duration;

use support::{Root, pdf, wait_until};

const T: Duration = Duration::from_secs(60);

fn race(key: Option<&str>) {
    let r = Root::new("[workers]\nrescan = \"200ms\"\n");
    // The store exists (as on any machine where a daemon ran before).
    r.store();
    let file = r.outside("report.pdf");
    std::fs::write(&file, pdf("report", &[])).unwrap();
    let mut cmd = r.cmd();
    cmd.arg("submit")
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(k) = key {
        cmd.args(["--key", k]);
    }
    cmd.env("MDSPOOL_FAILPOINT", "submit.before_rename=sleep:5000");
    let submit = cmd.spawn().unwrap();
    let staging = r.root.join("state/staging");
    // Its copy under a temp name is there: the entry is held and the submit pauses.
    wait_until(T, "the submit's copy in its staging entry", || {
        support::fs::names(&staging).iter().any(|e| {
            support::fs::names(&staging.join(e))
                .iter()
                .any(|n| n.ends_with(".submit.tmp"))
        })
    });
    // doctor sees the entry as in use, not as the debris of an interrupted ingest.
    let o = r.mdspool(&["doctor", "--json"]);
    let found = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(found.contains("staging_in_use"), "{found}");
    assert!(!found.contains("staging_leftover"), "{found}");
    let d = r.start(&[], &[]);
    assert!(d.wait_log("daemon started", T), "{}", d.log_text());
    let out = submit.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "submit failed: {}\ndaemon: {}",
        String::from_utf8_lossy(&out.stderr),
        d.log_text()
    );
    assert!(
        d.log_text().contains("in use by another process"),
        "{}",
        d.log_text()
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    wait_until(T, "the submitted job succeeded", || {
        r.status(&id) == "succeeded"
    });
    assert!(support::fs::names(&staging).is_empty());
    assert!(support::fs::names(&r.root.join("rejected")).is_empty());
    assert_eq!(r.job_dirs(), [id]);
}

#[test]
fn a_submit_with_a_key_survives_a_daemon_starting_during_its_copy() {
    race(Some("race-1"));
}

#[test]
fn a_submit_without_a_key_survives_a_daemon_starting_during_its_copy() {
    race(None);
}
