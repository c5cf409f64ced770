//! Benchmark of the inbox: drop-to-queued latency (p50/p99) with native events and with polling,
//! and the durable ingest rate of a burst, next to the rate of a plain
//! write + fsync + rename + dir-fsync loop on the same disk in the same run.
//!
//! `cargo run --example bench_ingest -- [BURST_DROPS] [LATENCY_DROPS] [DIR]`
//! (defaults 2000, 200, the system temp dir). Drops are tiny generated PDFs with a sidecar.
//! `BENCH_KEEP=1` keeps the run's folder (under DIR) instead of removing it at the end: on ext4
//! without a journal, every inode removed in the last minutes makes each file creation in its
//! block group slower (the allocator skips recently deleted inodes one by one), so the removal of
//! one run's tens of thousands of files slows the next run that follows it at once.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mdspool::clock::SystemClock;
use mdspool::config::{Dur, RetentionConfig, WatchConfig};
use mdspool::ids::JobId;
use mdspool::inbox::{WatcherCtx, run_watcher};
use mdspool::layout::Layout;
use mdspool::store::Store;

// The burst, the plain loop and the drops are those of `cargo run --example bench` (one copy).
#[allow(dead_code)]
#[path = "bench/ingest.rs"]
mod ingest;
use ingest::{burst, pdf, plain as baseline, put};

/// A watcher on a fresh root; returns (store, submitted ids with their time, stop, thread).
struct Running {
    store: Arc<Store>,
    queued: crossbeam_channel::Receiver<(JobId, Instant)>,
    stop: Option<crossbeam_channel::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    fn start(root: &Path, poll: Option<Duration>) -> Running {
        let store = Arc::new(
            Store::open(
                Layout::new(root.to_path_buf()),
                Arc::new(SystemClock),
                RetentionConfig::default(),
            )
            .unwrap(),
        );
        let cfg = WatchConfig {
            poll: poll.map(Dur),
            ..WatchConfig::default()
        };
        let (tx, queued) = crossbeam_channel::unbounded();
        let (stop_tx, stop_rx) = crossbeam_channel::unbounded();
        let ctx = WatcherCtx {
            store: store.clone(),
            cfg,
            submit: Box::new(move |id| {
                let _ = tx.send((id, Instant::now()));
            }),
            stop: stop_rx,
            metrics: Default::default(),
            beat: mdspool::health::Beat::unwatched(),
        };
        let thread = std::thread::spawn(move || run_watcher(ctx).unwrap());
        Running {
            store,
            queued,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    fn finish(mut self) {
        drop(self.stop.take());
        let _ = self.thread.take().unwrap().join();
    }
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// Drops `n` files one at a time, each after the previous one was queued; returns latencies (ms).
fn latency(base: &Path, label: &str, poll: Option<Duration>, n: usize) -> Vec<f64> {
    let root = base.join(label);
    let r = Running::start(&root, poll);
    let inbox = root.join("inbox");
    std::thread::sleep(Duration::from_millis(200)); // startup scan over
    let mut out = Vec::with_capacity(n);
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for i in 0..n {
        if let Some(p) = poll {
            // Drop at a random phase of the poll cycle, as real clients do.
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            std::thread::sleep(p.mul_f64((seed % 1000) as f64 / 1000.0));
        }
        let name = format!("lat-{i:05}.pdf");
        put(&inbox, &name, &pdf(&name));
        let mut f = std::fs::File::create(inbox.join(format!(".{name}.idem.part"))).unwrap();
        write!(f, "lat-{i:05}").unwrap();
        drop(f);
        let t0 = Instant::now();
        std::fs::rename(
            inbox.join(format!(".{name}.idem.part")),
            inbox.join(format!("{name}.idem")),
        )
        .unwrap();
        let (id, at) = r
            .queued
            .recv_timeout(Duration::from_secs(60))
            .expect("drop queued");
        assert_eq!(r.store.load(id).unwrap().source.name, name);
        out.push(at.duration_since(t0).as_secs_f64() * 1e3);
    }
    r.finish();
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let drops: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let lat_n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let base = match args.get(3) {
        Some(d) => tempfile::tempdir_in(d).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let base = if std::env::var_os("BENCH_KEEP").is_some() {
        base.keep()
    } else {
        base.path().to_path_buf()
    };
    let base = base.as_path();
    println!(
        "bench_ingest: {drops} burst drops, {lat_n} latency drops, in {}",
        base.display()
    );
    println!(
        "ingest threads: {}; drop size 2 KiB + sidecar",
        mdspool::inbox::INGEST_THREADS
    );

    for (label, poll) in [
        ("native", None),
        ("poll-500ms", Some(Duration::from_millis(500))),
    ] {
        let mut l = latency(base, label, poll, lat_n);
        println!(
            "drop-to-queued latency {label:>10}: p50 {:7.1} ms  p99 {:7.1} ms  max {:7.1} ms",
            pct(&mut l, 0.50),
            pct(&mut l, 0.99),
            pct(&mut l, 1.0)
        );
    }
    let b1 = baseline(base, drops, 1);
    let b4 = baseline(base, drops, mdspool::inbox::INGEST_THREADS);
    let rate = burst(base, drops);
    println!(
        "plain write+fsync+rename+dir-fsync: {b1:7.1} files/s (1 thread), {b4:7.1} files/s ({} threads)",
        mdspool::inbox::INGEST_THREADS
    );
    println!(
        "durable ingest (claim, fingerprint, record, job folder, manifest, receipt): {rate:7.1} drops/s"
    );
    println!(
        "ratio ingest / plain durable write: {:.2} (vs 1 thread), {:.2} (vs {} threads)",
        rate / b1,
        rate / b4,
        mdspool::inbox::INGEST_THREADS
    );
}
