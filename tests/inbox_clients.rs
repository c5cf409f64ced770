//! The client examples of docs/protocol.md (examples/drop.sh, examples/drop.py) against the real
//! daemon: they drop, wait for the receipt and exit with its outcome.

mod support;

use std::path::Path;
use std::process::Command;

use support::fs::*;
use support::{Daemon, pdf};

fn example(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

#[test]
fn drop_sh_and_drop_py_get_their_receipts() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    std::fs::create_dir_all(root.join("inbox")).unwrap();
    let _d = Daemon::start(&root, &[], &[("MDSPOOL_WATCH_SETTLE", "10m")]);
    let good = tmp.path().join("good.pdf");
    std::fs::write(&good, pdf("client", &[])).unwrap();
    let bad = tmp.path().join("bad.pdf");
    std::fs::write(&bad, b"not a pdf at all").unwrap();

    let sh = |args: &[&str]| {
        Command::new("sh")
            .arg(example("drop.sh"))
            .args(args)
            .env("MDSPOOL_DROP_WAIT", "30")
            .output()
            .unwrap()
    };
    let root_s = root.to_str().unwrap();
    let out = sh(&[root_s, good.to_str().unwrap(), "k-sh", "clients"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The first receipt acknowledges the job; by then the workers may already have converted it.
    let status = r["status"].as_str().unwrap();
    assert!(["queued", "running", "succeeded"].contains(&status), "{r}");
    let m = job_with_key(&root, "k-sh").unwrap();
    assert_eq!(m["job_id"], r["job_id"]);
    assert_eq!(m["idempotency"]["scope"], "clients");
    // No key: the content hash, with an empty sidecar as the completion marker (no settle wait).
    let out = sh(&[root_s, good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = sh(&[root_s, bad.to_str().unwrap(), "k-sh-bad"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("not_a_pdf"));

    if Command::new("python3").arg("--version").output().is_err() {
        support::skip::skip("python-client", "python3 not found: drop.py not run");
        return;
    }
    let py = |args: &[&str]| {
        Command::new("python3")
            .arg(example("drop.py"))
            .args(["--root", root_s, "--wait", "--timeout", "30"])
            .args(args)
            .output()
            .unwrap()
    };
    let good2 = tmp.path().join("good2.pdf");
    std::fs::write(&good2, pdf("python", &[])).unwrap();
    let out = py(&[
        "--key",
        "k-py",
        "--pin",
        "--meta",
        "who=tests",
        good2.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let m = job_with_key(&root, "k-py").unwrap();
    assert_eq!(m["pinned"], true);
    assert_eq!(m["client"]["who"], "tests");
    let out = py(&[bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(manifests(&root).len(), 3);
}
