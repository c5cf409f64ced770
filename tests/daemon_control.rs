//! `mdspool retry` and `mdspool cancel` beside a running daemon, jobs submitted while it runs, and
//! a store that fails under it.

mod support;

use std::time::Duration;

use support::fs::put;
use support::proc::converter_alive;
use support::{Root, wait_until};

const CONFIG: &str = r#"
[workers]
count = 1
max_attempts = 2
backoff = "100ms"
rescan = "200ms"
[convert]
timeout = "120s"
"#;

// Guarantee G9: canceling a running job kills its child, leaves no output and the job `canceled`;
// a canceled queued job never runs. Guarantee G8: a job submitted while the daemon runs is run.
#[test]
fn cancel_kills_the_running_child_and_skips_queued_jobs() {
    let r = Root::new(CONFIG);
    let slow = r.submit("slow.pdf", &["sleep:100"], "slow");
    let waiting = r.submit("waiting.pdf", &[], "waiting");
    let mut d = r.start(&[], &[]);
    wait_until(Duration::from_secs(30), "conversion running", || {
        d.converters().len() == 1
    });
    let child = d.converters()[0];
    // The queued one first (one worker: it waits behind the slow one).
    let out = r.mdspool(&["cancel", &waiting]);
    assert!(out.status.success(), "{out:?}");
    let out = r.mdspool(&["cancel", &slow, "--json"]);
    assert!(out.status.success(), "{out:?}");
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(m["status"], "canceled");
    wait_until(Duration::from_secs(10), "child killed", || {
        !converter_alive(child)
    });
    let later = r.submit("later.pdf", &[], "later");
    wait_until(Duration::from_secs(30), "later job done", || {
        r.status(&later) == "succeeded"
    });
    assert_eq!(r.status(&slow), "canceled");
    assert_eq!(r.status(&waiting), "canceled");
    assert_eq!(r.attempts(&waiting), 0);
    assert!(!r.job_dir(&slow).join("artifacts/output.md").exists());
    assert!(r.run_log(&slow).contains("canceled, child killed"));
    d.signal(libc::SIGTERM);
    assert!(d.wait_exit(Duration::from_secs(30)).unwrap().success());
    assert!(r.temp_debris().is_empty(), "{:?}", r.temp_debris());
    // A final job cannot be canceled: exit 6 (conflict).
    let out = r.mdspool(&["cancel", &later]);
    assert_eq!(out.status.code(), Some(6), "{out:?}");
}

// Guarantee G8: `mdspool retry` puts a failed job back to `queued` with a fresh attempt budget, and
// the running daemon picks it up within workers.rescan.
#[test]
fn retry_requeues_a_failed_job_and_the_daemon_runs_it() {
    let r = Root::new(CONFIG);
    let flag = r.dir.path().join("fixed");
    let needs = format!("needs:{}", flag.display());
    let id = r.submit("a.pdf", &[needs.as_str()], "a");
    let d = r.start(&[], &[]);
    wait_until(Duration::from_secs(30), "job failed", || {
        r.status(&id) == "failed"
    });
    assert_eq!(r.error_code(&id), "pdf_malformed");
    assert_eq!(r.attempts(&id), 1, "permanent: not retried");
    // Only failed jobs can be retried.
    let out = r.mdspool(&["retry", "not-a-uuid"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(&flag, b"").unwrap();
    let out = r.mdspool(&["retry", &id]);
    assert!(out.status.success(), "{out:?}");
    wait_until(Duration::from_secs(30), "retried job succeeded", || {
        r.status(&id) == "succeeded"
    });
    let m = r.manifest(&id);
    assert_eq!(m["attempts"], 1, "{m:#}");
    assert!(m["error"].is_null());
    let out = r.mdspool(&["retry", &id]);
    assert_eq!(out.status.code(), Some(6), "succeeded jobs are not retried");
    drop(d);
}

// Guarantee G10: when a store write fails the daemon stops taking work and exits non-zero with
// `store_failed`.
#[test]
fn a_failed_store_write_stops_the_daemon() {
    let r = Root::new(CONFIG);
    let a = r.submit("a.pdf", &["sleep:1"], "a");
    let b = r.submit("b.pdf", &[], "b");
    // The receipt written when `a` finishes cannot replace a directory: the write fails.
    let receipt = r.root.join("receipts/default/a.json");
    std::fs::remove_file(&receipt).unwrap();
    std::fs::create_dir_all(receipt.join("blocker")).unwrap();
    let mut d = r.start(&[], &[]);
    let st = d.wait_exit(Duration::from_secs(30)).expect("daemon stops");
    assert_eq!(st.code(), Some(8), "{}", d.log_text());
    assert!(d.log_text().contains("store_failed"), "{}", d.log_text());
    // `b` was not started after the failure: it is still queued, or it was started while `a` was
    // being recorded (the worker runs the next child during the record, src/worker/commit.rs)
    // and, like every running attempt when the store fails, left `running` for the next start's
    // recovery. It got no further.
    let (status, attempts) = (r.status(&b), r.attempts(&b));
    assert!(
        (status == "queued" && attempts == 0) || (status == "running" && attempts == 1),
        "b: {status}, {attempts} attempt(s)"
    );
    let _ = a;
}

// Guarantee G7 (signals): SIGHUP reloads `[workers]` (but count) and `[convert]` for the next
// attempts; a broken file is refused and the daemon goes on with the old settings.
#[test]
fn sighup_reloads_conversion_settings() {
    let r = Root::new(CONFIG);
    let first = r.submit("first.pdf", &[], "first");
    let mut d = r.start(&[], &[]);
    wait_until(Duration::from_secs(30), "daemon serving", || {
        r.status(&first) == "succeeded"
    });
    let toml =
        "[workers]\ncount = 1\nmax_attempts = 1\nrescan = \"200ms\"\n[convert]\ntimeout = \"1s\"\n";
    std::fs::write(r.root.join("mdspool.toml"), toml).unwrap();
    d.signal(libc::SIGHUP);
    wait_until(Duration::from_secs(10), "reloaded", || {
        d.log_text().contains("configuration reloaded")
    });
    let slow = r.submit("slow.pdf", &["sleep:30"], "slow");
    wait_until(Duration::from_secs(30), "slow job failed", || {
        r.status(&slow) == "failed"
    });
    assert_eq!(r.error_code(&slow), "conversion_timeout");
    assert_eq!(r.attempts(&slow), 1, "max_attempts = 1 was reloaded too");
    std::fs::write(r.root.join("mdspool.toml"), "[[[ not toml").unwrap();
    d.signal(libc::SIGHUP);
    wait_until(Duration::from_secs(10), "refused", || {
        d.log_text().contains("configuration not reloaded")
    });
    // (The CLI reads the root's config file too: give it another one.)
    let empty = r.dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    let pdf = r.dir.path().join("last.pdf");
    std::fs::write(&pdf, support::pdf("", &[])).unwrap();
    let out = r
        .cmd()
        .args(["--config", empty.to_str().unwrap(), "submit"])
        .args([pdf.to_str().unwrap(), "--key", "last"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let last = String::from_utf8(out.stdout).unwrap().trim().to_string();
    wait_until(Duration::from_secs(30), "still serving", || {
        r.status(&last) == "succeeded"
    });
    d.signal(libc::SIGTERM);
    assert!(d.wait_exit(Duration::from_secs(30)).unwrap().success());
}

// Guarantee G8: a drop the watcher admits is scheduled and converted; its receipt ends
// `succeeded` and points to the Markdown.
#[test]
fn a_drop_into_the_inbox_is_converted() {
    let r = Root::new(CONFIG);
    let mut d = r.start(&[], &[]);
    let inbox = r.root.join("inbox");
    wait_until(Duration::from_secs(30), "daemon up", || {
        d.log_text().contains("watching the inbox")
    });
    put(&inbox, "doc.pdf", &support::pdf("", &[]));
    put(&inbox, "doc.pdf.idem", br#"{"key": "drop-1"}"#);
    let receipt = r.root.join("receipts/default/drop-1.json");
    let read = || -> Option<serde_json::Value> {
        serde_json::from_slice(&std::fs::read(&receipt).ok()?).ok()
    };
    wait_until(Duration::from_secs(30), "receipt says succeeded", || {
        read().is_some_and(|v| v["status"] == "succeeded")
    });
    let id = read().unwrap()["job_id"].as_str().unwrap().to_string();
    let md = std::fs::read_to_string(r.job_dir(&id).join("artifacts/output.md")).unwrap();
    assert!(md.starts_with("# input.pdf\n"), "{md}");
    assert_eq!(r.manifest(&id)["source"]["name"], "doc.pdf");
    d.signal(libc::SIGTERM);
    assert!(d.wait_exit(Duration::from_secs(30)).unwrap().success());
}
