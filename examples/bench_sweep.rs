//! Benchmark of a retention pass over many jobs (default 100,000; `BENCH_JOBS=N` to change).
//!
//! Builds a root of final and queued jobs (manifests written directly, nothing due), then reports,
//! each against a baseline measured in the same run:
//! - time of a sweeper pass (in-memory index: directory listings + `stat` of queued/pinned jobs +
//!   plan) and of the plan alone, vs. a naive pass that re-reads and parses every manifest;
//! - process memory (VmRSS, VmHWM from /proc/self/status) with the index built, vs. the same
//!   process before the index existed (empty index).
//!
//! Run: `cargo run --release --example bench_sweep` (the root goes in `$TMPDIR`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use mdspool::clock::FakeClock;
use mdspool::config::RetentionConfig;
use mdspool::ids::JobId;
use mdspool::layout::Layout;
use mdspool::store::manifest::{Idempotency, Source};
use mdspool::store::{JobStatus, Manifest, Store};
use mdspool::sweeper::Sweeper;
use mdspool::sweeper::policy::{self, JobDeadline, Policy};

/// (VmRSS, VmHWM) in KiB.
fn mem() -> (u64, u64) {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        s.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let n: usize = std::env::var("BENCH_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir().expect("tempdir");
    let layout = Layout::new(tmp.path().join("root"));
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let clock = Arc::new(FakeClock::new(t0));
    let cfg = RetentionConfig::default();
    let store = Arc::new(Store::open(layout.clone(), clock.clone(), cfg.clone()).unwrap());

    // Setup: n jobs, 95% final (finished an hour ago), 5% queued; nothing is due.
    let t = Instant::now();
    for i in 0..n {
        let id = JobId::new();
        let idem = Idempotency {
            scope: "default".into(),
            key: format!("k{i}"),
            fingerprint: format!("{i:064x}"),
        };
        let src = Source {
            name: format!("doc-{i}.pdf"),
            size: 1000 + i as u64,
        };
        let mut m = Manifest::new(id, idem, src, t0 - chrono::Duration::hours(2));
        if i % 20 != 0 {
            m.status = JobStatus::Succeeded;
            m.attempts = 1;
            m.started_at = Some(t0 - chrono::Duration::minutes(61));
            m.finished_at = Some(t0 - chrono::Duration::hours(1));
        }
        let dir = layout.job_dir(id);
        std::fs::create_dir_all(dir.join("raw")).unwrap();
        std::fs::write(layout.manifest(id), m.to_json()).unwrap();
    }
    println!("setup: {n} jobs in {}", ms(t.elapsed()));

    let (rss0, hwm0) = mem();
    let t = Instant::now();
    let sweeper = Sweeper::start(store.clone(), &cfg).unwrap();
    let build = t.elapsed();
    let (rss1, hwm1) = mem();
    assert_eq!(sweeper.indexed(), n);

    let pass = time(5, || {
        let r = sweeper.pass(false).unwrap();
        assert!(r.entries.is_empty());
    });
    let plan = time(5, || sweeper.plan());
    let listing = time(5, || {
        mdspool::sweeper::index::Listing::read(&store).unwrap()
    });
    let p = Policy::from_config(&cfg);
    let naive = time(3, || {
        let (jobs, _) = store.list().unwrap();
        let d: Vec<JobDeadline> = jobs.iter().map(JobDeadline::of).collect();
        policy::plan(&d, store.now(), &p)
    });
    let (rss2, hwm2) = mem();

    println!(
        "index build (startup, reads every manifest once): {}",
        ms(build)
    );
    println!(
        "baseline pass, re-reading every manifest:          {}",
        ms(naive)
    );
    println!(
        "sweeper pass (listings + stat of queued + plan):   {}  = {:.3}x baseline",
        ms(pass),
        pass.as_secs_f64() / naive.as_secs_f64()
    );
    println!(
        "plan alone (in memory):                            {}  = {:.4}x baseline",
        ms(plan),
        plan.as_secs_f64() / naive.as_secs_f64()
    );
    println!(
        "  of which directory listings:                     {}  = {:.3}x baseline",
        ms(listing),
        listing.as_secs_f64() / naive.as_secs_f64()
    );
    println!(
        "VmRSS empty index {rss0} KiB -> index of {n} jobs {rss1} KiB = {:.2}x ({:.0} bytes/job)",
        rss1 as f64 / rss0.max(1) as f64,
        (rss1.saturating_sub(rss0) * 1024) as f64 / n as f64
    );
    println!(
        "VmHWM empty index {hwm0} KiB -> after index build {hwm1} KiB = {:.2}x; after baseline passes {hwm2} KiB = {:.2}x (VmRSS {rss2} KiB)",
        hwm1 as f64 / hwm0.max(1) as f64,
        hwm2 as f64 / hwm0.max(1) as f64
    );
}
