//! Durable ingest of a burst of drops (the inbox watcher and its ingest threads, in-process) against
//! a plain write + fsync + rename + dir-fsync loop with as many threads, on the same disk.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mdspool::clock::SystemClock;
use mdspool::config::{RetentionConfig, WatchConfig};
use mdspool::inbox::{WatcherCtx, run_watcher};
use mdspool::layout::Layout;
use mdspool::store::Store;

/// A tiny PDF (2 KiB) tagged with `tag`.
pub fn pdf(tag: &str) -> Vec<u8> {
    let body = format!("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% {tag}\n");
    let mut b = body.into_bytes();
    b.resize(2048, b' ');
    b.extend_from_slice(b"\n%%EOF\n");
    b
}

/// Drops `bytes` as `name` the way the protocol asks (a temp name, then a rename).
pub fn put(dir: &Path, name: &str, bytes: &[u8]) {
    let tmp = dir.join(format!(".{name}.part"));
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, dir.join(name)).unwrap();
}

/// Places `n` drops (2 KiB PDF + sidecar) while no watcher runs, starts one, and times until every
/// drop is queued; drops/s.
pub fn burst(base: &Path, n: usize) -> f64 {
    let root = base.join("burst");
    let _ = std::fs::remove_dir_all(&root);
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for i in 0..n {
        let name = format!("b-{i:05}.pdf");
        put(&inbox, &name, &pdf(&name));
        put(
            &inbox,
            &format!("{name}.idem"),
            format!("b-{i:05}").as_bytes(),
        );
    }
    let store = Arc::new(
        Store::open(
            Layout::new(root.clone()),
            Arc::new(SystemClock),
            RetentionConfig::default(),
        )
        .unwrap(),
    );
    let (tx, queued) = crossbeam_channel::unbounded();
    let (stop_tx, stop_rx) = crossbeam_channel::unbounded::<()>();
    let t0 = Instant::now();
    let ctx = WatcherCtx {
        store,
        cfg: WatchConfig::default(),
        submit: Box::new(move |id| {
            let _ = tx.send(id);
        }),
        stop: stop_rx,
        metrics: Default::default(),
        beat: mdspool::health::Beat::unwatched(),
    };
    let thread = std::thread::spawn(move || run_watcher(ctx).unwrap());
    let mut seen = HashSet::new();
    while seen.len() < n {
        let id = queued
            .recv_timeout(Duration::from_secs(120))
            .expect("burst drop queued");
        assert!(seen.insert(id), "job queued twice");
    }
    let secs = t0.elapsed().as_secs_f64();
    drop(stop_tx);
    thread.join().unwrap();
    n as f64 / secs
}

/// `n` plain durable file creations (write, fsync, rename, fsync dir) with `threads`; files/s.
pub fn plain(base: &Path, n: usize, threads: usize) -> f64 {
    let dir = base.join(format!("plain-{threads}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let t0 = Instant::now();
    let hs: Vec<_> = (0..threads)
        .map(|t| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                for i in (t..n).step_by(threads) {
                    let name = format!("f-{i:05}.pdf");
                    let tmp = dir.join(format!(".{name}.tmp"));
                    let mut f = std::fs::File::create(&tmp).unwrap();
                    f.write_all(&pdf(&name)).unwrap();
                    f.sync_all().unwrap();
                    std::fs::rename(&tmp, dir.join(&name)).unwrap();
                    std::fs::File::open(&dir).unwrap().sync_all().unwrap();
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    n as f64 / t0.elapsed().as_secs_f64()
}
