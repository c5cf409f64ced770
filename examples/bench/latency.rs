//! Latency of single drops into a running daemon: from the rename that completes a drop (its
//! sidecar, written last) to its receipt appearing (drop-to-queued: admitted) and to its receipt
//! saying `succeeded` (drop-to-succeeded), as inotify on the receipts folder reports them. Drops are
//! paced, one every `pace`, so that each is taken alone unless the daemon falls behind.

use std::path::Path;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::spool;

/// Latencies in ms, sorted.
#[derive(Debug, Default, Clone)]
pub struct Latency {
    pub queued: Vec<f64>,
    pub succeeded: Vec<f64>,
}

/// The percentile `p` (0-100) by nearest rank of sorted `v`; NaN when empty.
pub fn percentile(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// p50, p90, p99 of sorted `v`.
pub fn p50_90_99(v: &[f64]) -> [f64; 3] {
    [
        percentile(v, 50.0),
        percentile(v, 90.0),
        percentile(v, 99.0),
    ]
}

/// A daemon of `bin` with `workers` workers on a fresh `root`; `n` drops of `docs` (in turn), one
/// every `pace`.
pub fn run(
    bin: &Path,
    root: &Path,
    docs: &[Vec<u8>],
    workers: usize,
    n: usize,
    pace: Duration,
) -> Latency {
    let d = spool::start(bin, root, workers);
    let receipts = root.join("receipts").join("bench");
    std::fs::create_dir_all(&receipts).unwrap();
    let (tx, events) = crossbeam_channel::unbounded();
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        let t = Instant::now();
        if let Ok(ev) = ev {
            for p in ev.paths {
                let _ = tx.send((p, t));
            }
        }
    })
    .unwrap();
    watcher
        .watch(&receipts, RecursiveMode::NonRecursive)
        .unwrap();
    let inbox = root.join("inbox");
    let mut dropped = Vec::with_capacity(n);
    let mut queued: Vec<Option<Instant>> = vec![None; n];
    let mut succeeded: Vec<Option<Instant>> = vec![None; n];
    let look = |deadline: Instant, queued: &mut [Option<Instant>], succ: &mut [Option<Instant>]| {
        while let Ok((p, t)) = events.recv_deadline(deadline) {
            let Some(i) = p.file_name().and_then(|f| f.to_str()).and_then(|f| {
                f.strip_prefix('l')?
                    .strip_suffix(".json")?
                    .parse::<usize>()
                    .ok()
            }) else {
                continue;
            };
            if i >= n || succ[i].is_some() {
                continue;
            }
            let status = spool::status_of(&p);
            if status.is_none() {
                continue;
            }
            queued[i].get_or_insert(t);
            match status.as_deref() {
                Some("succeeded") => succ[i] = Some(t),
                Some("queued") | Some("running") => {}
                s => panic!("drop l{i}: receipt says {s:?}"),
            }
        }
    };
    for i in 0..n {
        let name = format!("l-{i:04}.pdf");
        let tmp = inbox.join(format!(".{name}.part"));
        std::fs::write(&tmp, &docs[i % docs.len()]).unwrap();
        std::fs::rename(&tmp, inbox.join(&name)).unwrap();
        let sidecar = format!("{{\"key\": \"l{i}\", \"scope\": \"bench\"}}");
        let tmp = inbox.join(format!(".{name}.idem.part"));
        std::fs::write(&tmp, sidecar).unwrap();
        std::fs::rename(&tmp, inbox.join(format!("{name}.idem"))).unwrap();
        dropped.push(Instant::now());
        look(Instant::now() + pace, &mut queued, &mut succeeded);
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while succeeded.iter().any(Option::is_none) && Instant::now() < deadline {
        look(
            Instant::now() + Duration::from_millis(50),
            &mut queued,
            &mut succeeded,
        );
    }
    drop(watcher);
    spool::stop(d);
    let ms = |at: &[Option<Instant>]| {
        let mut v: Vec<f64> = at
            .iter()
            .zip(&dropped)
            .map(|(t, d)| {
                let t = t.expect("every drop succeeded within 120 s");
                t.saturating_duration_since(*d).as_secs_f64() * 1000.0
            })
            .collect();
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v
    };
    Latency {
        queued: ms(&queued),
        succeeded: ms(&succeeded),
    }
}
