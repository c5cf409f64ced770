//! The job store through the real binary: jobs and idempotency records outlive the process that
//! wrote them, conflicts change nothing, racing submitters make one job, `status` exit codes, and
//! one daemon per root and host.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use mdspool::clock::SystemClock;
use mdspool::config::RetentionConfig;
use mdspool::layout::Layout;
use mdspool::store::Store;
use mdspool::store::records::Tombstone;
use support::{Daemon, wait_until};

fn mdspool(root: &Path, args: &[&str]) -> Output {
    support::command()
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("run mdspool")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// Writes `dir/name`, a PDF with distinct content per `tag`.
fn pdf(dir: &Path, name: &str, tag: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, support::pdf(tag, &[])).unwrap();
    p
}

fn job_dirs(root: &Path) -> Vec<String> {
    support::fs::names(&root.join("jobs"))
}

fn status_json(root: &Path, id: &str) -> serde_json::Value {
    let o = mdspool(root, &["status", id, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn a_job_created_by_one_process_is_read_back_by_another() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let f = pdf(tmp.path(), "report.pdf", "a");
    let o = mdspool(
        &root,
        &[
            "submit",
            f.to_str().unwrap(),
            "--key",
            "r-1",
            "--scope",
            "acme",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let id = stdout(&o);
    assert_eq!(job_dirs(&root), vec![id.clone()]);

    let m = status_json(&root, &id);
    assert_eq!(m["job_id"], id.as_str());
    assert_eq!(m["status"], "queued");
    assert_eq!(m["schema_version"], 1);
    assert_eq!(m["idempotency"]["scope"], "acme");
    assert_eq!(m["idempotency"]["key"], "r-1");
    assert_eq!(m["source"]["name"], "report.pdf");
    assert_eq!(m["source"]["size"], std::fs::metadata(&f).unwrap().len());
    // The client's bytes are in the job, and the receipt points at the manifest.
    assert_eq!(
        std::fs::read(root.join("jobs").join(&id).join("raw/input.pdf")).unwrap(),
        std::fs::read(&f).unwrap()
    );
    let receipt: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("receipts/acme/r-1.json")).unwrap())
            .unwrap();
    assert_eq!(receipt["job_id"], id.as_str());
    assert_eq!(receipt["status"], "queued");
    assert_eq!(receipt["manifest"], format!("jobs/{id}/manifest.json"));
    // By key, from yet another process.
    let o = mdspool(
        &root,
        &["status", "--key", "r-1", "--scope", "acme", "--json"],
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["job_id"],
        id.as_str()
    );
    // Nothing left in staging, no temp files anywhere.
    assert_eq!(
        std::fs::read_dir(root.join("state/staging"))
            .unwrap()
            .count(),
        0
    );
    assert_no_temp_files(&root);
}

fn assert_no_temp_files(root: &Path) {
    let left = support::fs::temp_files_under(root);
    assert!(left.is_empty(), "temp files left: {left:?}");
}

#[test]
fn an_idempotency_record_outlives_the_process_and_a_conflict_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let a = pdf(tmp.path(), "a.pdf", "same");
    let first = stdout(&mdspool(
        &root,
        &["submit", a.to_str().unwrap(), "--key", "k"],
    ));
    // A later process with the same key and bytes gets the same job.
    let again = mdspool(&root, &["submit", a.to_str().unwrap(), "--key", "k"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(stdout(&again), first);
    assert_eq!(job_dirs(&root).len(), 1);

    let record = root.join("state/idempotency/default/k.json");
    let manifest = root.join("jobs").join(&first).join("manifest.json");
    let receipt = root.join("receipts/default/k.json");
    let before: Vec<Vec<u8>> = [&record, &manifest, &receipt]
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();

    let b = pdf(tmp.path(), "b.pdf", "other bytes");
    let o = mdspool(
        &root,
        &["submit", b.to_str().unwrap(), "--key", "k", "--json"],
    );
    assert_eq!(o.status.code(), Some(6), "{o:?}");
    let err: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(err["error"]["code"], "idempotency_conflict");
    let after: Vec<Vec<u8>> = [&record, &manifest, &receipt]
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert_eq!(
        before, after,
        "a conflict must not touch the record, job or receipt"
    );
    assert_eq!(job_dirs(&root).len(), 1);
    // The refused bytes are kept with the reason.
    let note: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("rejected/b.pdf.error.json")).unwrap())
            .unwrap();
    assert_eq!(note["code"], "idempotency_conflict");
    assert_eq!(note["key"], "k");
    assert_eq!(
        std::fs::read(root.join("rejected/b.pdf")).unwrap(),
        std::fs::read(&b).unwrap()
    );
}

#[test]
fn eight_racing_processes_make_exactly_one_job() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let f = pdf(tmp.path(), "race.pdf", "race");
    // Make the root first so that the racers only race on the record.
    assert!(mdspool(&root, &["list"]).status.success());
    for round in 0..3 {
        let key = format!("race-{round}");
        let children: Vec<_> = (0..8)
            .map(|_| {
                support::command()
                    .args([
                        "--root",
                        root.to_str().unwrap(),
                        "submit",
                        f.to_str().unwrap(),
                    ])
                    .args(["--key", &key])
                    .stdout(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let ids: Vec<String> = children
            .into_iter()
            .map(|c| {
                let o = c.wait_with_output().unwrap();
                assert!(o.status.success(), "{o:?}");
                stdout(&o)
            })
            .collect();
        assert!(ids.iter().all(|i| i == &ids[0]), "round {round}: {ids:?}");
    }
    assert_eq!(job_dirs(&root).len(), 3);
}

#[test]
fn eight_racing_threads_make_exactly_one_job() {
    let tmp = tempfile::tempdir().unwrap();
    let f = pdf(tmp.path(), "t.pdf", "threads");
    let store = Arc::new(
        Store::open(
            Layout::new(tmp.path().join("root")),
            Arc::new(SystemClock),
            RetentionConfig::default(),
        )
        .unwrap(),
    );
    let barrier = Arc::new(std::sync::Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (store, barrier, f) = (store.clone(), barrier.clone(), f.clone());
            std::thread::spawn(move || {
                let id = mdspool::ids::JobId::new();
                let entry = store.layout().staging_entry(id);
                std::fs::create_dir_all(&entry).unwrap();
                let staged = entry.join("t.pdf");
                std::fs::copy(&f, &staged).unwrap();
                barrier.wait();
                let drop = mdspool::store::StagedDrop {
                    id,
                    pdf: staged,
                    name: "t.pdf".into(),
                    key: Some(mdspool::ids::IdemKey::new("default", "same").unwrap()),
                    pinned: false,
                    client: None,
                };
                store.admit(&drop).unwrap().job_id()
            })
        })
        .collect();
    let ids: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "{ids:?}");
    assert_eq!(store.job_ids().unwrap(), vec![ids[0]]);
    assert!(store.staged_ids().unwrap().is_empty());
}

#[test]
fn status_exit_codes_found_not_found_expired_usage() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let f = pdf(tmp.path(), "s.pdf", "status");
    let id = stdout(&mdspool(&root, &["submit", f.to_str().unwrap()]));
    assert_eq!(mdspool(&root, &["status", &id]).status.code(), Some(0));

    let unknown = "6f1c1b8e-1d7e-4a53-9a43-2f7f0f0e9a11";
    let o = mdspool(&root, &["status", unknown, "--json"]);
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "job_not_found");

    // An expired job: its tombstone is there, its folder is gone.
    let store = Store::open(
        Layout::new(&root),
        Arc::new(SystemClock),
        RetentionConfig::default(),
    )
    .unwrap();
    let gone: mdspool::ids::JobId = "0b7e5a8c-3a0f-4f4e-8d7e-5c7b9f1e2d3a".parse().unwrap();
    store
        .write_tombstone(&Tombstone {
            job_id: gone,
            scope: "default".into(),
            key: "old".into(),
            status: mdspool::store::JobStatus::Succeeded,
            expired_at: chrono::Utc::now(),
        })
        .unwrap();
    let o = mdspool(&root, &["status", &gone.to_string(), "--json"]);
    assert_eq!(o.status.code(), Some(4), "{o:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "job_expired");

    let o = mdspool(&root, &["status", "not-a-uuid"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("invalid_job_id"));
    assert_eq!(mdspool(&root, &["status"]).status.code(), Some(2));
    assert_eq!(
        mdspool(&root, &["status", "--key", "no/such"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        mdspool(&root, &["status", "--key", "nosuch"]).status.code(),
        Some(3)
    );
}

#[test]
fn a_second_daemon_on_a_locked_root_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let mut first = Daemon::start(&root, &[], &[]);
    let lock_dir = root.join("state/locks");
    wait_until(
        Duration::from_secs(20),
        "first daemon took the lock",
        || {
            assert!(first.alive(), "first daemon exited");
            std::fs::read_dir(&lock_dir)
                .map(|rd| {
                    rd.filter_map(|e| e.ok()).any(|e| {
                        std::fs::read_to_string(e.path())
                            .unwrap_or_default()
                            .contains("pid=")
                    })
                })
                .unwrap_or(false)
        },
    );
    let o = mdspool(&root, &["run"]);
    assert_eq!(o.status.code(), Some(5), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("root_locked"), "{err}");
    assert!(err.contains(&format!("pid={}", first.pid())), "{err}");
    // Once the first one is gone (even by SIGKILL), the root can be served again.
    first.kill();
    let mut second = Daemon::start(&root, &[], &[]);
    std::thread::sleep(Duration::from_millis(500));
    assert!(second.alive(), "second daemon should run");
}
