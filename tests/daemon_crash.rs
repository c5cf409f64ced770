//! Crashes of the daemon itself: SIGKILL while conversions run, and aborts at the worker's durable
//! steps (crash points). After a restart every job ends `succeeded` exactly once, no job folder is
//! duplicated, no temp file is left, and no conversion child outlived the daemon.

mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use mdspool::clock::SystemClock;
use mdspool::config::RetentionConfig;
use mdspool::ids::{IdemKey, JobId};
use mdspool::layout::Layout;
use mdspool::store::{JobStatus, StagedDrop, Store};
use support::proc::converter_alive;
use support::{Root, wait_until};

const CONFIG: &str = r#"
[workers]
count = 3
backoff = "100ms"
rescan = "200ms"
[convert]
timeout = "60s"
"#;

fn receipts(r: &Root) -> usize {
    std::fs::read_dir(r.root.join("receipts/default"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Everything a finished, clean root must show for `ids`.
fn assert_all_succeeded_once(r: &Root, ids: &[String]) {
    let mut want = ids.to_vec();
    want.sort();
    assert_eq!(r.job_dirs(), want, "no job folder duplicated or lost");
    assert_eq!(receipts(r), ids.len());
    for id in ids {
        assert_eq!(r.status(id), "succeeded", "{id}: {:#}", r.manifest(id));
        let md = std::fs::read_to_string(r.job_dir(id).join("artifacts/output.md")).unwrap();
        assert!(md.starts_with("# input.pdf\n"), "{md}");
        let log = r.run_log(id);
        assert_eq!(log.matches("result: succeeded").count(), 1, "{id}: {log}");
    }
    assert!(r.temp_debris().is_empty(), "{:?}", r.temp_debris());
    assert!(
        r.root
            .join("state/staging")
            .read_dir()
            .unwrap()
            .next()
            .is_none()
    );
}

// Guarantee G3 (recovery after a crash) and G5 (no conversion child outlives the daemon).
#[test]
fn sigkill_while_jobs_run_then_restart_finishes_each_job_once() {
    let r = Root::new(CONFIG);
    let ids: Vec<String> = (0..7)
        .map(|i| r.submit(&format!("j{i}.pdf"), &["sleep:2"], &format!("k{i}")))
        .collect();
    let mut d = r.start(&[], &[]);
    wait_until(Duration::from_secs(30), "three conversions running", || {
        d.converters().len() == 3
    });
    let children = d.converters();
    d.kill();
    // G5: PR_SET_PDEATHSIG takes the children down with the daemon.
    wait_until(Duration::from_secs(10), "children gone", || {
        children.iter().all(|p| !converter_alive(*p))
    });
    let running: Vec<String> = ids
        .iter()
        .filter(|id| r.status(id) == "running")
        .cloned()
        .collect();
    assert!(!running.is_empty(), "the crash left jobs running");
    let mut d = r.start(&[], &[]);
    wait_until(Duration::from_secs(60), "every job succeeded", || {
        ids.iter().all(|id| r.status(id) == "succeeded")
    });
    // The interrupted attempt counts (attempts kept by recovery).
    for id in &running {
        assert_eq!(r.attempts(id), 2, "{:#}", r.manifest(id));
    }
    d.signal(libc::SIGTERM);
    let st = d.wait_exit(Duration::from_secs(30)).expect("daemon exits");
    assert!(st.success(), "{}", d.log_text());
    assert_all_succeeded_once(&r, &ids);
}

// Guarantee G2 and G3: a crash at either side of publishing the output (temp file written, or
// output.md renamed but the manifest still `running`) never yields a half output or a second
// success; the temp file is removed at the next start.
#[test]
fn crash_around_output_publication_is_recovered() {
    for point in [
        "worker.after_running",
        "worker.before_publish",
        "worker.after_publish",
    ] {
        let r = Root::new(CONFIG);
        let ids: Vec<String> = (0..2)
            .map(|i| r.submit(&format!("j{i}.pdf"), &[], &format!("k{i}")))
            .collect();
        let mut d = r.start(&["--workers", "1"], &[("MDSPOOL_FAILPOINT", point)]);
        let st = d
            .wait_exit(Duration::from_secs(30))
            .expect("crash point reached");
        assert!(!st.success(), "{point}: {}", d.log_text());
        assert!(d.log_text().contains(point), "{}", d.log_text());
        assert!(
            ids.iter().any(|id| r.status(id) == "running"),
            "{point}: a job was left running"
        );
        if point == "worker.before_publish" {
            assert!(
                !r.temp_debris().is_empty(),
                "the synced temp output is there"
            );
        }
        let mut d = r.start(&[], &[]);
        wait_until(Duration::from_secs(30), "every job succeeded", || {
            ids.iter().all(|id| r.status(id) == "succeeded")
        });
        d.signal(libc::SIGTERM);
        assert!(d.wait_exit(Duration::from_secs(30)).unwrap().success());
        assert_all_succeeded_once(&r, &ids);
    }
}

fn add_job(store: &Store, dir: &std::path::Path, i: usize) -> JobId {
    let id = JobId::new();
    let entry = store.layout().staging_entry(id);
    std::fs::create_dir_all(&entry).unwrap();
    let pdf: PathBuf = entry.join(format!("n{i}.pdf"));
    std::fs::write(&pdf, support::pdf("", &[])).unwrap();
    let _ = dir;
    let d = StagedDrop {
        id,
        pdf,
        name: format!("n{i}.pdf"),
        key: Some(IdemKey::new("default", &format!("many-{i}")).unwrap()),
        pinned: false,
        client: None,
    };
    store.admit(&d).unwrap().job_id()
}

// Guarantee G3 and G8: hundreds of jobs left `running` and `queued` by a crash are all recovered
// and run, with one worker and a job channel of one slot (producers never block the supervisor).
#[test]
fn hundreds_of_recovered_jobs_all_run() {
    let r = Root::new(CONFIG);
    let store = Store::open(
        Layout::new(&r.root),
        Arc::new(SystemClock),
        RetentionConfig::default(),
    )
    .unwrap();
    let n = 150;
    let ids: Vec<String> = (0..n)
        .map(|i| {
            let id = add_job(&store, r.dir.path(), i);
            if i % 2 == 0 {
                // As a daemon that died mid-attempt leaves them.
                store.transition(id, JobStatus::Running, |_| {}).unwrap();
            }
            id.to_string()
        })
        .collect();
    let mut d = r.start(&["--workers", "1"], &[]);
    wait_until(Duration::from_secs(120), "every job succeeded", || {
        ids.iter().all(|id| r.status(id) == "succeeded")
    });
    d.signal(libc::SIGTERM);
    assert!(d.wait_exit(Duration::from_secs(30)).unwrap().success());
    for (i, id) in ids.iter().enumerate() {
        let want = if i % 2 == 0 { 2 } else { 1 };
        assert_eq!(r.attempts(id), want, "attempts kept by recovery");
    }
    assert_all_succeeded_once(&r, &ids);
}
