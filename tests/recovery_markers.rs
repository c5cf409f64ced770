//! Start-up recovery that reads only the jobs without a final marker (`state/final/`, issue #14)
//! and finishes its walk after the daemon is ready, with the real binary on a temp root. Each
//! guarantee of docs/reliability.md ("Start-up") holds among many finished jobs: a job left
//! `running` goes back to `queued` and runs, a job retried while the daemon was down runs, temp
//! files left in the folders of finished jobs are removed, retention still expires old jobs, a
//! finished job without a marker (a crash before it, or an older store) is marked, and crashes
//! between a final manifest and its marker, or between a marker's removal and the retry, leave a
//! store the next start gets right.

mod support;

use std::time::Duration;

use mdspool::ids::JobId;
use mdspool::store::JobStatus;
use support::{Root, poll, wait_until};

const CONFIG: &str = "[workers]\ncount = 2\nrescan = \"24h\"\n";
const LONG: Duration = Duration::from_secs(60);

/// `n` jobs finished through the library (each with its marker).
fn finished(r: &Root, n: usize) -> Vec<JobId> {
    (0..n)
        .map(|i| {
            let id = r.submit_job(&format!("f{i}.pdf"), &format!("f{i}"), &[]);
            r.finish(id, JobStatus::Succeeded);
            id
        })
        .collect()
}

fn markers(r: &Root) -> Vec<String> {
    support::fs::names(&r.root.join("state/final"))
}

fn marked(r: &Root, id: JobId, status: &str) -> bool {
    r.root
        .join("state/final")
        .join(format!("{id}.{status}"))
        .exists()
}

fn receipt_status(r: &Root, key: &str) -> String {
    let p = r.root.join(format!("receipts/default/{key}.json"));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&p).unwrap_or_default()).unwrap_or_default();
    v["status"].as_str().unwrap_or_default().to_string()
}

#[test]
fn running_and_retried_jobs_among_finished_ones_run_after_a_restart() {
    let r = Root::new(CONFIG);
    let done = finished(&r, 40);
    assert_eq!(markers(&r).len(), 40, "{:?}", markers(&r));
    // Left `running` by a daemon that died.
    let running = r.submit_job("run.pdf", "run", &[]);
    r.store()
        .transition(running, JobStatus::Running, |_| {})
        .unwrap();
    // Failed, then retried by the command while no daemon runs: its marker must go first.
    let retried = r.submit_job("retry.pdf", "retry", &[]);
    r.finish(retried, JobStatus::Failed);
    assert!(marked(&r, retried, "failed"));
    assert_eq!(r.code(&["retry", &retried.to_string()]), Some(0));
    assert!(
        !marked(&r, retried, "failed"),
        "a retried job keeps no marker"
    );

    let d = r.start(&[], &[]);
    for id in [running, retried] {
        assert!(
            poll(LONG, || r.status(&id.to_string()) == "succeeded").is_some(),
            "{id} never ran: {}\n{}",
            r.manifest(&id.to_string()),
            d.log_text()
        );
    }
    assert_eq!(
        r.attempts(&running.to_string()),
        2,
        "the attempt count is kept"
    );
    for id in &done {
        assert_eq!(
            r.attempts(&id.to_string()),
            1,
            "finished jobs are left alone"
        );
    }
    assert!(
        poll(LONG, || marked(&r, running, "succeeded")
            && marked(&r, retried, "succeeded"))
        .is_some(),
        "{:?}",
        markers(&r)
    );
    d.stop();
}

#[test]
fn temp_files_of_finished_jobs_go_after_ready_and_unmarked_jobs_get_marked() {
    let r = Root::new(CONFIG);
    let done = finished(&r, 30);
    let l = &r.layout;
    let (a, b) = (done[3], done[17]);
    let debris = [
        l.job_dir(a).join(".~manifest.json.abc123.tmp"),
        l.artifacts_dir(b).join(".~output.md.def456.tmp"),
        l.logs_dir(b).join(".~run.log.0a0b0c.tmp"),
    ];
    for p in &debris {
        std::fs::write(p, b"half a write").unwrap();
    }
    // A store written before markers existed, or a crash before them: no marker for `c`, and
    // its receipt still says `running` (a crash between its final manifest and its receipt).
    let c = done[25];
    std::fs::remove_file(l.final_marker(c, JobStatus::Succeeded)).unwrap();
    let key = "f25";
    let mut receipt = r.store().receipt_for(&r.load(c));
    receipt.status = mdspool::store::records::ReceiptStatus::Running;
    std::fs::write(
        r.root.join(format!("receipts/default/{key}.json")),
        serde_json::to_vec(&receipt).unwrap(),
    )
    .unwrap();
    // A marker whose job is gone.
    let gone = JobId::new();
    std::fs::write(l.final_marker(gone, JobStatus::Succeeded), b"").unwrap();

    let d = r.start(&[], &[]);
    wait_until(LONG, "the temp files removed", || {
        debris.iter().all(|p| !p.exists())
    });
    assert!(r.temp_debris().is_empty(), "{:?}", r.temp_debris());
    assert!(marked(&r, c, "succeeded"), "{:?}", markers(&r));
    assert_eq!(receipt_status(&r, key), "succeeded");
    wait_until(LONG, "the stale marker removed", || {
        !marked(&r, gone, "succeeded")
    });
    assert_eq!(markers(&r).len(), 30);
    for id in &done {
        assert_eq!(r.status(&id.to_string()), "succeeded");
    }
    d.stop();
}

#[test]
fn retention_still_expires_finished_jobs_and_drops_their_markers() {
    let r = Root::new(&format!(
        "{CONFIG}[retention]\nartifacts = \"2s\"\nsweep_interval = \"1s\"\n"
    ));
    let done = finished(&r, 20);
    assert_eq!(markers(&r).len(), 20);
    std::thread::sleep(Duration::from_secs(2));
    let d = r.start(&[], &[]);
    wait_until(LONG, "every finished job expired", || {
        r.job_dirs().is_empty()
    });
    wait_until(LONG, "their markers gone", || markers(&r).is_empty());
    for id in &done {
        assert!(r.store().read_tombstone(*id).unwrap().is_some());
    }
    d.stop();
}

/// A crash between a job's final manifest (and receipt) and its marker: the next start marks it.
#[test]
fn crash_before_the_marker_is_made_good_at_the_next_start() {
    let r = Root::new(CONFIG);
    finished(&r, 5);
    let id = r.submit_job("c.pdf", "c", &[]);
    let mut d = r.start(&[], &[("MDSPOOL_FAILPOINT", "store.before_mark")]);
    assert!(
        d.wait_exit(LONG).is_some(),
        "the crash point was never reached: {}",
        d.log_text()
    );
    assert_eq!(r.status(&id.to_string()), "succeeded");
    assert!(!marked(&r, id, "succeeded"));
    let d = r.start(&[], &[]);
    wait_until(LONG, "the job marked", || marked(&r, id, "succeeded"));
    assert_eq!(receipt_status(&r, "c"), "succeeded");
    assert_eq!(r.attempts(&id.to_string()), 1, "not run again");
    d.stop();
}

/// A crash after a retried job's marker is removed, before its manifest says `queued`: the job
/// is still failed (the retry did not happen), and the next start marks it again.
#[test]
fn crash_between_unmark_and_retry_leaves_a_failed_job_that_gets_its_marker_back() {
    let r = Root::new(CONFIG);
    finished(&r, 5);
    let id = r.submit_job("f.pdf", "f", &[]);
    r.finish(id, JobStatus::Failed);
    let out = r.run(
        &["retry", &id.to_string()],
        &[("MDSPOOL_FAILPOINT", "store.after_unmark")],
    );
    assert_eq!(out.status.code(), None, "{out:?}");
    assert_eq!(r.status(&id.to_string()), "failed");
    assert!(!marked(&r, id, "failed"));
    let d = r.start(&[], &[]);
    wait_until(LONG, "the job marked again", || marked(&r, id, "failed"));
    assert_eq!(r.status(&id.to_string()), "failed");
    d.stop();
    // The retry, once more, runs it.
    assert_eq!(r.code(&["retry", &id.to_string()]), Some(0));
    let d = r.start(&[], &[]);
    wait_until(LONG, "the retried job ran", || {
        r.status(&id.to_string()) == "succeeded"
    });
    d.stop();
}
