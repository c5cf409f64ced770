//! Crash points beyond admission: the process aborts (`MDSPOOL_FAILPOINT`) at a durable step of a
//! job's state transitions, of a refusal, or of the inbox claim; then a clean daemon starts on the
//! same root. After it: the job ends in its final state exactly once (its attempts tell how often
//! it ran), a `succeeded` job has its complete output, the receipt agrees with the manifest, a
//! refused drop is in `rejected/` with its code, and nothing is left in staging, the inbox or as a
//! temp file. Points already covered elsewhere are not repeated here: `worker.after_running`,
//! `worker.before_publish`, `worker.after_publish` (tests/daemon_crash.rs), `sweep.*`
//! (tests/retention_daemon.rs), `admit.*` through `mdspool submit` (tests/reliability_crashpoints.rs),
//! `inbox.after_claim` (tests/inbox_protocol.rs).

mod support;

use std::os::unix::fs::MetadataExt;
use std::time::Duration;

use serde_json::Value;
use support::fs::read_json;
use support::{Root, pdf, wait_until};

const CONFIG: &str = r#"
[watch]
settle = "200ms"
rescan = "500ms"
[workers]
count = 1
max_attempts = 3
backoff = "200ms"
rescan = "200ms"
"#;

const T: Duration = Duration::from_secs(30);

fn receipt(r: &Root, scope: &str, key: &str) -> Value {
    read_json(&r.root.join(format!("receipts/{scope}/{key}.json"))).unwrap_or(Value::Null)
}

/// Runs `mdspool ARGS` (or the daemon when `args` is `run`) until it aborts at `point`.
fn crash_at(r: &Root, args: &[&str], point: &str) {
    if args == ["run"] {
        let mut d = r.start(&[], &[("MDSPOOL_FAILPOINT", point)]);
        let st = d
            .wait_exit(T)
            .unwrap_or_else(|| panic!("{point} not reached"));
        assert!(!st.success(), "{point}: {}", d.log_text());
        assert!(
            d.log_text().contains("crash point"),
            "{point}: {}",
            d.log_text()
        );
    } else {
        let mut c = r.cmd();
        let out = c
            .args(args)
            .env("MDSPOOL_FAILPOINT", point)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), None, "{point}: should abort: {out:?}");
    }
}

/// A clean daemon runs until every job is final and the inbox and staging are empty, then stops
/// with SIGTERM; the tree must be clean.
fn recover(r: &Root) {
    let mut d = r.start(&[], &[]);
    // Signal handlers are installed once it says it started.
    wait_until(T, "daemon started", || {
        d.log_text().contains("daemon started")
    });
    let empty = |sub: &str| {
        support::torture::check::debris(&r.root)
            .iter()
            .all(|p| !p.starts_with(sub))
    };
    wait_until(T, "every job final, inbox and staging empty", || {
        empty("inbox")
            && empty("state/staging")
            && support::torture::check::manifests(&r.root)
                .is_ok_and(|jobs| jobs.iter().all(|m| m.status.is_final()))
    });
    d.signal(libc::SIGTERM);
    let st = d.wait_exit(T).expect("daemon stops");
    assert!(st.success(), "{}", d.log_text());
    let debris = support::torture::check::debris(&r.root);
    assert!(debris.is_empty(), "debris: {debris:?}");
}

/// The job ended `want` (`succeeded`, or `failed` with a code) exactly once, after `attempts`
/// attempts, with a complete output when it succeeded and a receipt that says the same.
fn assert_final_once(r: &Root, id: &str, want: &str, code: Option<&str>, attempts: u64) {
    let m = r.manifest(id);
    assert_eq!(r.status(id), want, "{m:#}");
    assert_eq!(r.attempts(id), attempts, "{m:#}");
    let out = r.job_dir(id).join("artifacts/output.md");
    if want == "succeeded" {
        let size = m["source"]["size"].as_u64().unwrap();
        let md = std::fs::read_to_string(&out).expect("output of a succeeded job");
        assert_eq!(md, format!("# input.pdf\n\n{size} bytes\n"));
        assert!(r.run_log(id).matches("result: succeeded").count() <= 1);
    } else {
        assert!(!out.exists(), "no output for a {want} job");
    }
    assert_eq!(m["error"]["code"].as_str(), code, "{m:#}");
    let (scope, key) = (
        m["idempotency"]["scope"].as_str().unwrap(),
        m["idempotency"]["key"].as_str().unwrap(),
    );
    let rc = receipt(r, scope, key);
    assert_eq!(rc["job_id"].as_str(), Some(id), "{rc}");
    assert_eq!(rc["status"].as_str(), Some(want), "receipt: {rc}");
    assert_eq!(rc["error"]["code"].as_str(), code, "receipt: {rc}");
}

fn receipt_inode(r: &Root, key: &str) -> u64 {
    std::fs::metadata(r.root.join(format!("receipts/default/{key}.json")))
        .unwrap()
        .ino()
}

/// Manifest final, receipt not yet written: recovery writes the receipt, the job does not run
/// again; a second clean start rewrites nothing.
fn final_then_crash_before_receipt(directives: &[&str], want: &str, code: Option<&str>) {
    let r = Root::new(CONFIG);
    let id = r.submit("a.pdf", directives, "k1");
    crash_at(&r, &["run"], "store.before_receipt");
    assert_eq!(r.status(&id), want);
    assert_eq!(
        receipt(&r, "default", "k1")["status"],
        "queued",
        "the crash left it behind"
    );
    recover(&r);
    assert_final_once(&r, &id, want, code, 1);
    let ino = receipt_inode(&r, "k1");
    recover(&r);
    assert_eq!(
        receipt_inode(&r, "k1"),
        ino,
        "an up-to-date receipt is left alone"
    );
}

#[test]
fn crash_between_succeeded_manifest_and_receipt() {
    final_then_crash_before_receipt(&[], "succeeded", None);
}

#[test]
fn crash_between_failed_manifest_and_receipt() {
    final_then_crash_before_receipt(&["malformed"], "failed", Some("pdf_malformed"));
}

#[test]
fn crash_after_a_retry_was_scheduled() {
    let r = Root::new(CONFIG);
    let id = r.submit("a.pdf", &["panic-until:2"], "k1");
    crash_at(&r, &["run"], "worker.after_retry_scheduled");
    let m = r.manifest(&id);
    assert_eq!(m["status"], "queued", "{m:#}");
    assert_eq!(m["error"]["code"], "conversion_crashed");
    assert!(m["next_attempt_at"].is_string(), "{m:#}");
    recover(&r);
    assert_final_once(&r, &id, "succeeded", None, 2);
}

#[test]
fn crash_in_recovery_after_requeueing_a_running_job() {
    let r = Root::new(CONFIG);
    let id = r.submit("a.pdf", &[], "k1");
    crash_at(&r, &["run"], "worker.after_running");
    assert_eq!(r.status(&id), "running");
    crash_at(&r, &["run"], "recovery.after_requeue");
    assert_eq!(r.status(&id), "queued");
    recover(&r);
    // The attempt interrupted by the first crash counts.
    assert_final_once(&r, &id, "succeeded", None, 2);
}

#[test]
fn crash_between_canceled_manifest_and_receipt() {
    let r = Root::new(CONFIG);
    let id = r.submit("a.pdf", &[], "k1");
    crash_at(&r, &["cancel", &id], "store.before_receipt");
    assert_eq!(r.status(&id), "canceled");
    recover(&r);
    assert_eq!(r.attempts(&id), 0, "a canceled job never runs");
    assert_eq!(receipt(&r, "default", "k1")["status"], "canceled");
    assert!(!r.job_dir(&id).join("artifacts/output.md").exists());
}

#[test]
fn crash_between_retried_manifest_and_receipt() {
    let r = Root::new(CONFIG);
    let flag = r.dir.path().join("now-it-works");
    let need = format!("needs:{}", flag.display());
    let id = r.submit("a.pdf", &[&need], "k1");
    recover(&r);
    assert_final_once(&r, &id, "failed", Some("pdf_malformed"), 1);
    std::fs::write(&flag, b"").unwrap();
    crash_at(&r, &["retry", &id], "store.before_receipt");
    assert_eq!(r.status(&id), "queued");
    assert_eq!(receipt(&r, "default", "k1")["status"], "failed");
    recover(&r);
    // `retry` gives a fresh attempt budget: one attempt since.
    assert_final_once(&r, &id, "succeeded", None, 1);
}

/// Drops `name` (+ sidecar) into the inbox of a daemon that aborts at `point`, then recovers.
fn inbox_crash(point: &str, name: &str, bytes: &[u8], sidecar: Option<&str>) -> Root {
    let r = Root::new(CONFIG);
    let inbox = r.root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    support::fs::drop_pdf(&inbox, name, bytes, sidecar);
    crash_at(&r, &["run"], point);
    recover(&r);
    r
}

fn only_job(r: &Root) -> String {
    let jobs = r.job_dirs();
    assert_eq!(jobs.len(), 1, "exactly one job: {jobs:?}");
    jobs[0].clone()
}

#[test]
fn crash_after_creating_the_staging_entry() {
    let r = inbox_crash("inbox.after_mkdir", "a.pdf", &pdf("", &[]), Some("k1"));
    let id = only_job(&r);
    assert_final_once(&r, &id, "succeeded", None, 1);
    assert_eq!(r.manifest(&id)["source"]["name"], "a.pdf");
}

#[test]
fn crash_after_claiming_the_sidecar() {
    let r = inbox_crash(
        "inbox.after_claim_sidecar",
        "a.pdf",
        &pdf("", &[]),
        Some("k1"),
    );
    let id = only_job(&r);
    assert_final_once(&r, &id, "succeeded", None, 1);
    assert_eq!(r.manifest(&id)["idempotency"]["key"], "k1");
}

#[test]
fn crash_between_manifest_and_bytes_keeps_the_drop_name() {
    for sidecar in [None, Some("k1")] {
        let r = inbox_crash("admit.after_manifest", "named.pdf", &pdf("", &[]), sidecar);
        let id = only_job(&r);
        assert_final_once(&r, &id, "succeeded", None, 1);
        assert_eq!(
            r.manifest(&id)["source"]["name"],
            "named.pdf",
            "{sidecar:?}"
        );
    }
}

#[test]
fn crash_at_each_step_of_a_refusal() {
    for point in [
        "reject.after_receipt",
        "reject.after_note",
        "reject.after_move:1",
        "reject.after_move:2",
    ] {
        let r = inbox_crash(point, "bad.pdf", b"not a pdf at all\n", Some("k-bad"));
        assert!(r.job_dirs().is_empty(), "{point}");
        let note = read_json(&r.root.join("rejected/bad.pdf.error.json"))
            .unwrap_or_else(|| panic!("{point}: no note"));
        assert_eq!(note["code"], "not_a_pdf", "{point}");
        assert_eq!(
            std::fs::read(r.root.join("rejected/bad.pdf")).unwrap(),
            b"not a pdf at all\n",
            "{point}"
        );
        let rejected = support::torture::check::debris(&r.root);
        assert!(rejected.is_empty(), "{point}: {rejected:?}");
        let sidecar_kept = std::fs::read_dir(r.root.join("rejected"))
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("bad.pdf.idem"));
        assert!(sidecar_kept, "{point}: the sidecar is in rejected/ too");
        let rc = receipt(&r, "default", "k-bad");
        assert_eq!(rc["status"], "rejected", "{point}: {rc}");
        assert_eq!(rc["error"]["code"], "not_a_pdf", "{point}: {rc}");
    }
}

#[test]
fn crash_while_refusing_a_conflict_never_touches_the_owner() {
    let r = Root::new(CONFIG);
    let id = r.submit("a.pdf", &[], "k1");
    recover(&r);
    let before = receipt(&r, "default", "k1");
    let inbox = r.root.join("inbox");
    support::fs::drop_pdf(&inbox, "other.pdf", &pdf("", &["other bytes"]), Some("k1"));
    crash_at(&r, &["run"], "reject.after_note");
    recover(&r);
    assert_eq!(only_job(&r), id);
    let note = read_json(&r.root.join("rejected/other.pdf.error.json")).unwrap();
    assert_eq!(note["code"], "idempotency_conflict");
    assert!(r.root.join("rejected/other.pdf").exists());
    assert_eq!(receipt(&r, "default", "k1"), before, "the owner's receipt");
    assert_final_once(&r, &id, "succeeded", None, 1);
}
