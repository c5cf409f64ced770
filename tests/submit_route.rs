//! Which way `mdspool submit` goes: through the inbox, acknowledged by the daemon's receipt, when
//! `state/daemon.json` shows a live daemon; straight into the store without one (or with
//! `--direct`); and never stuck behind a daemon that does not take its drop. The same key and
//! bytes give the same job id whichever way made it.
//!
//! Seen failing: with `daemon_takes_drops` always false, the first test's manifests lack
//! `"client": {"via": "mdspool submit"}` and the daemon's log has no `drop taken`; with it always
//! true, the second test's direct submissions carry that client (the command waited 10 s and
//! claimed its own drop back); with the claim-back replaced by `ingest_in_progress`, the third
//! test exits 1 instead of 0.

mod support;

use std::time::{Duration, Instant};

use support::Root;
use support::fs::names;

const T: Duration = Duration::from_secs(120);

const CONFIG: &str = r#"
[watch]
settle = "100ms"
[workers]
count = 2
rescan = "200ms"
"#;

/// A daemon on the root, once `state/daemon.json` says it serves.
fn daemon(r: &Root) -> support::Daemon {
    daemon_with(r, &[])
}

fn daemon_with(r: &Root, env: &[(&str, &str)]) -> support::Daemon {
    let d = r.start(&[], env);
    assert!(d.wait_log("daemon started", T), "{}", d.log_text());
    support::wait_until(T, "state/daemon.json says serving", || {
        let f = std::fs::read(r.root.join("state/daemon.json")).ok()?;
        let v: serde_json::Value = serde_json::from_slice(&f).ok()?;
        (v["state"] == "serving").then_some(())
    });
    d
}

/// Writes a PDF whose text is `text` outside the root as `name`; returns its path.
fn file(r: &Root, name: &str, text: &str) -> String {
    let p = r.outside(name);
    std::fs::write(&p, support::pdf(text, &[])).unwrap();
    p.to_str().unwrap().to_string()
}

/// `mdspool submit ARGS`: (exit code, stdout trimmed, stderr).
fn submit(r: &Root, args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec!["submit"];
    all.extend_from_slice(args);
    let o = r.mdspool(&all);
    let out = String::from_utf8_lossy(&o.stdout).trim().to_string();
    (
        o.status.code(),
        out,
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

fn via(r: &Root, id: &str) -> serde_json::Value {
    r.manifest(id)["client"]["via"].clone()
}

#[test]
fn with_a_live_daemon_submit_drops_into_the_inbox_and_waits_for_the_receipt() {
    let r = Root::new(CONFIG);
    let d = daemon(&r);
    let a = file(&r, "a.pdf", "first");

    let (code, id, err) = submit(&r, &[&a, "--key", "inv-1", "--scope", "acct"]);
    assert_eq!(code, Some(0), "{err}");
    // Acknowledged: the receipt and the manifest are there when the command returns.
    let receipt = r.root.join("receipts/acct/inv-1.json");
    let rec: serde_json::Value = serde_json::from_slice(&std::fs::read(&receipt).unwrap()).unwrap();
    assert_eq!(rec["job_id"], id.as_str());
    assert_eq!(via(&r, &id), "mdspool submit", "{}", r.manifest(&id));
    assert_eq!(r.manifest(&id)["source"]["name"], "a.pdf");
    assert!(d.wait_log("drop taken", T), "{}", d.log_text());
    // Nothing of the drop is left in the inbox, not even a temp file.
    assert_eq!(names(&r.root.join("inbox")), Vec::<String>::new());

    // The same key and bytes, either way: the same job.
    let (code, again, err) = submit(&r, &[&a, "--key", "inv-1", "--scope", "acct"]);
    assert_eq!((code, again.as_str()), (Some(0), id.as_str()), "{err}");
    let (code, direct, err) = submit(&r, &[&a, "--key", "inv-1", "--scope", "acct", "--direct"]);
    assert_eq!((code, direct.as_str()), (Some(0), id.as_str()), "{err}");

    // Other bytes under that key: idempotency_conflict (6), as on the direct path.
    let b = file(&r, "b.pdf", "other bytes");
    let (code, _, err) = submit(&r, &[&b, "--key", "inv-1", "--scope", "acct"]);
    assert_eq!(code, Some(6), "{err}");
    assert!(err.contains("error[idempotency_conflict]"), "{err}");
    // A file the daemon would refuse: refused the same way (7), with its note in rejected/.
    let text = r.outside("notes.pdf");
    std::fs::write(&text, b"just words").unwrap();
    let (code, _, err) = submit(&r, &[text.to_str().unwrap()]);
    assert_eq!(code, Some(7), "{err}");
    assert!(r.root.join("rejected/notes.pdf.error.json").exists());

    // Several files at once: each dropped and acknowledged in turn (`ID<TAB>FILE`).
    let (d1, d2) = (file(&r, "d1.pdf", "d one"), file(&r, "d2.pdf", "d two"));
    let (code, out, err) = submit(&r, &[&d1, &d2]);
    assert_eq!(code, Some(0), "{err}");
    let ids: Vec<&str> = out.lines().filter_map(|l| l.split('\t').next()).collect();
    assert_eq!(ids.len(), 2, "{out}");
    for id in ids {
        assert_eq!(via(&r, id), "mdspool submit");
    }

    // --wait follows the job the daemon took to its end and prints the Markdown's path.
    let c = file(&r, "c.pdf", "third");
    let (code, path, err) = submit(&r, &[&c, "--wait", "--timeout", "5m"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(path.ends_with("artifacts/output.md"), "{path}");
    assert!(std::fs::read_to_string(&path).unwrap().starts_with("# "));
    let job = path.split('/').rev().nth(2).unwrap().to_string();
    assert_eq!(via(&r, &job), "mdspool submit");
    // Without --key, the content key in scope `default`: the outbox gets it, as a bare drop.
    let key = r.manifest(&job)["idempotency"]["key"].clone();
    assert!(key.as_str().unwrap().starts_with("sha256-"), "{key}");
    assert!(r.root.join("outbox/c.md").exists());
}

#[test]
fn without_a_daemon_submit_admits_directly_and_replays_to_the_same_job_through_the_inbox() {
    let r = Root::new(CONFIG);
    let a = file(&r, "a.pdf", "alone");
    let (code, id, err) = submit(&r, &[&a, "--key", "k-1"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(via(&r, &id), serde_json::Value::Null, "{}", r.manifest(&id));
    let b = file(&r, "b.pdf", "no key");
    let (code, bare, err) = submit(&r, &[&b]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(via(&r, &bare), serde_json::Value::Null);

    // A daemon now: the same key and bytes through the inbox are the same jobs.
    let _d = daemon(&r);
    let (code, again, err) = submit(&r, &[&a, "--key", "k-1"]);
    assert_eq!((code, again.as_str()), (Some(0), id.as_str()), "{err}");
    let (code, again, err) = submit(&r, &[&b]);
    assert_eq!((code, again.as_str()), (Some(0), bare.as_str()), "{err}");
    assert_eq!(r.job_dirs().len(), 2);
    assert_eq!(names(&r.root.join("inbox")), Vec::<String>::new());
}

#[test]
fn a_drop_the_daemon_does_not_take_is_claimed_back_and_admitted() {
    let r = Root::new(CONFIG);
    // A heartbeat that looks alive (this test's own pid) with no daemon behind it: a daemon that
    // hangs without taking drops.
    let now = chrono::Utc::now().to_rfc3339();
    let beat = serde_json::json!({
        "pid": std::process::id(), "host": mdspool::store::lock::hostname(), "version": "0",
        "root": r.root.display().to_string(), "started_at": now, "last_beat": now,
        "state": "serving", "queue_depth": 0, "running": 0, "workers": 1, "healthy": true,
        "stuck": [], "metrics_file": "",
    });
    std::fs::create_dir_all(r.root.join("state")).unwrap();
    std::fs::write(r.root.join("state/daemon.json"), beat.to_string()).unwrap();
    let a = file(&r, "a.pdf", "nobody takes it");
    let start = Instant::now();
    let (code, id, err) = submit(&r, &[&a, "--key", "k-9"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        start.elapsed() >= Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    // It went through the inbox (its sidecar is the job's client data) and was taken back.
    assert_eq!(via(&r, &id), "mdspool submit");
    assert_eq!(r.status(&id), "queued");
    assert_eq!(names(&r.root.join("inbox")), Vec::<String>::new());
}

/// A drop the daemon refuses though the command found nothing wrong (the daemon's own settings: a
/// smaller `watch.max_size`): the daemon's `rejected` receipt is the answer, exit 7 with its code.
/// Seen failing without `refused_since` (the command waited 30 s and exited 1,
/// ingest_in_progress).
#[test]
fn a_refusal_by_the_daemon_is_reported_with_its_code() {
    let r = Root::new(CONFIG);
    let _d = daemon_with(&r, &[("MDSPOOL_WATCH_MAX_SIZE", "100")]);
    let a = file(&r, "big.pdf", "larger than 100 bytes");
    let (code, _, err) = submit(&r, &[&a, "--key", "big-1"]);
    assert_eq!(code, Some(7), "{err}");
    assert!(err.contains("error[too_large]"), "{err}");
    assert!(err.contains("inbox/big.pdf"), "{err}");
    assert!(r.root.join("rejected/big.pdf.error.json").exists());
}
