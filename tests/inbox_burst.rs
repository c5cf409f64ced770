//! A burst of 5,000 drops made while the daemon runs is taken completely: every drop becomes
//! exactly one job, none is lost, none is taken twice, the watcher never stalls. Each take costs
//! several fsyncs, so this runs for minutes on a slow disk; its duration is printed.

mod support;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use support::fs::*;
use support::{Daemon, pdf, wait_until};

const DROPS: usize = 5000;

#[test]
fn a_burst_of_5000_drops_is_taken_completely_once() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let d = Daemon::start(&root, &[], &[("MDSPOOL_WATCH_SETTLE", "1s")]);
    let start = Instant::now();
    for i in 0..DROPS {
        let name = format!("burst-{i:05}.pdf");
        // Every tenth without a sidecar: those take the settle path.
        let sidecar = (i % 10 != 0).then(|| format!("k-{i:05}"));
        drop_pdf(&inbox, &name, &pdf(&name, &[]), sidecar.as_deref());
    }
    let written = start.elapsed();
    let mut last = (0usize, Instant::now());
    wait_until(Duration::from_secs(1800), "all drops taken", || {
        let n = std::fs::read_dir(root.join("jobs")).unwrap().count();
        if n != last.0 {
            last = (n, Instant::now());
        }
        // No stall: progress at least every 60 s while drops wait.
        assert!(
            last.1.elapsed() < Duration::from_secs(60),
            "stalled at {n} jobs"
        );
        (n >= DROPS).then_some(())
    });
    let taken = start.elapsed();
    wait_until(Duration::from_secs(60), "inbox and staging emptied", || {
        (names(&inbox).is_empty() && names(&root.join("state/staging")).is_empty()).then_some(())
    });
    let emptied = start.elapsed();
    let ms = manifests(&root);
    eprintln!(
        "burst: emptied after {:.1}s, manifests read after {:.1}s",
        emptied.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
    assert_eq!(ms.len(), DROPS, "one job per drop");
    let sources: HashSet<String> = ms
        .iter()
        .map(|m| m["source"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sources.len(), DROPS, "no drop taken twice");
    let keys: HashSet<String> = ms
        .iter()
        .map(|m| m["idempotency"]["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys.len(), DROPS);
    for i in (1..DROPS).step_by(10) {
        assert!(keys.contains(&format!("k-{i:05}")));
    }
    assert!(names(&root.join("rejected")).is_empty());
    eprintln!(
        "burst: {DROPS} drops written in {:.1}s, all taken after {:.1}s ({:.0} drops/s)",
        written.as_secs_f64(),
        taken.as_secs_f64(),
        DROPS as f64 / taken.as_secs_f64()
    );
    let t = Instant::now();
    drop(d);
    eprintln!("daemon killed in {:.1}s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    drop(tmp);
    eprintln!("tree removed in {:.1}s", t.elapsed().as_secs_f64());
}
