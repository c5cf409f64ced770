//! The spool benchmarks in one command, each a ratio against a baseline measured in the same run:
//!
//! - spool vs bare conversion with equal parallelism, for each worker count of `--workers-list`
//!   (`N` daemon workers against `N` threads each running the same conversion child), and against
//!   `mdspool convert --jobs N` at `--workers`;
//! - durable ingest vs a plain write + fsync + rename + dir-fsync loop with as many threads;
//! - latency percentiles of single paced drops (drop-to-queued, drop-to-succeeded: p50, p90, p99),
//!   against the `--compare` binary measured in the same run.
//!
//! `cargo run --release --example bench -- [--workers 2] [--workers-list 1,2,4] [--copies 3]
//! [--rounds 3] [--drops 500] [--latency 100] [--pace 50] [--corpus bench/corpus/sample]
//! [--bin PATH] [--compare PATH] [--dir DIR] [--plot docs/bench-spool.svg] [--scale N]`.
//! `--scale N` first runs the scale figures on a root of N finished jobs (`scale.rs`); with
//! `--rounds 0` only those. Without `--bin` it
//! builds and uses the `mdspool` binary of the same profile. `--compare` runs a second daemon binary
//! (an older build) in every round too, against the same round's baselines, in alternating order.
//! Rounds alternate baseline and spool; the median ratio is reported (the machine may be shared:
//! ratios, not absolute rates, are what compare). `--plot` writes throughput against workers and
//! the latency percentiles as SVG.

mod ingest;
mod latency;
mod plot;
mod scale;
mod spool;
mod table;

use std::path::PathBuf;
use std::time::Duration;

struct Args {
    workers: usize,
    workers_list: Vec<usize>,
    copies: usize,
    rounds: usize,
    drops: usize,
    latency: usize,
    pace: u64,
    corpus: PathBuf,
    bin: Option<PathBuf>,
    compare: Option<PathBuf>,
    dir: Option<PathBuf>,
    plot: Option<PathBuf>,
    scale: usize,
}

fn args() -> Args {
    let mut a = Args {
        workers: 2,
        workers_list: vec![1, 2, 4],
        copies: 3,
        rounds: 3,
        drops: 500,
        latency: 100,
        pace: 50,
        corpus: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/corpus/sample"),
        bin: None,
        compare: None,
        dir: None,
        plot: None,
        scale: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        let n = || {
            v.parse::<usize>()
                .unwrap_or_else(|_| panic!("{k}: a number"))
        };
        match k.as_str() {
            "--workers" => a.workers = n(),
            "--workers-list" => {
                a.workers_list = v
                    .split(',')
                    .map(|w| w.trim().parse().expect("--workers-list: numbers"))
                    .collect()
            }
            "--copies" => a.copies = n(),
            "--rounds" => a.rounds = n(),
            "--drops" => a.drops = n(),
            "--latency" => a.latency = n(),
            "--pace" => a.pace = n() as u64,
            "--corpus" => a.corpus = v.into(),
            "--bin" => a.bin = Some(v.into()),
            "--compare" => a.compare = Some(v.into()),
            "--dir" => a.dir = Some(v.into()),
            "--plot" => a.plot = Some(v.into()),
            "--scale" => a.scale = n(),
            _ => panic!("unknown option {k}"),
        }
    }
    a
}

/// The `mdspool` binary beside this example, built first when run through cargo.
fn binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("mdspool");
    if let Ok(cargo) = std::env::var("CARGO") {
        let mut c = std::process::Command::new(cargo);
        c.args(["build", "--quiet", "--bin", "mdspool"]);
        if !cfg!(debug_assertions) {
            c.arg("--release");
        }
        assert!(c.status().unwrap().success(), "cannot build mdspool");
    }
    assert!(bin.exists(), "{} is missing", bin.display());
    bin
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{cores} CPU(s) {cpu}, Linux {}, load average {}",
        kernel.trim(),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    )
}

fn main() {
    let a = args();
    let bin = a.bin.clone().unwrap_or_else(binary);
    let base = match &a.dir {
        Some(d) => tempfile::tempdir_in(d).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let base = base.path();
    if a.scale > 0 && scale::run(&bin, a.compare.as_ref(), base, a.scale, a.rounds) {
        return;
    }
    let docs = spool::corpus(&a.corpus, a.copies);
    let inputs = spool::write_inputs(&base.join("in"), &docs);
    println!("machine: {}", machine());
    println!(
        "binary {}, {} documents ({} x {}), workers {:?} (convert at {}), {} rounds, in {}",
        bin.display(),
        docs.len(),
        a.copies,
        a.corpus.display(),
        a.workers_list,
        a.workers,
        a.rounds,
        base.display()
    );
    let mut t = table::Table::default();
    let n = docs.len() as f64;
    let root = base.join("root");
    let mut points = Vec::new();
    // `--rounds 0` leaves out the throughput rounds (ingest and latency still run).
    let sweep: &[usize] = if a.rounds == 0 { &[] } else { &a.workers_list };
    for &w in sweep {
        let (mut r_bare, mut r_cmd, mut r_old) = (Vec::new(), Vec::new(), Vec::new());
        let (mut bare_rates, mut cmd_rates, mut spool_rates, mut old_rates) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for round in 1..=a.rounds {
            let b = n / spool::bare(&bin, &inputs, &base.join("bare"), w);
            let c = (w == a.workers)
                .then(|| n / spool::convert_cmd(&bin, &inputs, &base.join("cmd"), w));
            let run = |which: &PathBuf| {
                let (secs, p) = spool::spool(which, &root, &docs, w);
                (n / secs, p)
            };
            let (s, p, old) = match &a.compare {
                Some(o) if round % 2 == 0 => {
                    let old = run(o);
                    let (s, p) = run(&bin);
                    (s, p, Some(old))
                }
                Some(o) => {
                    let (s, p) = run(&bin);
                    (s, p, Some(run(o)))
                }
                None => {
                    let (s, p) = run(&bin);
                    (s, p, None)
                }
            };
            let conv = c.map_or(String::new(), |c| format!(", convert {c:.1} docs/s"));
            println!(
                "{w} workers, round {round}: bare {b:.1} docs/s{conv}, spool {s:.1} docs/s \
                 (per job: admitted {:.1} ms after the first drop, queued {:.1} ms, run {:.1} ms)",
                p.admit, p.queued, p.run
            );
            if let Some((o, p)) = old {
                println!(
                    "{w} workers, round {round}: compared binary: spool {o:.1} docs/s (admitted \
                     {:.1} ms, queued {:.1} ms, run {:.1} ms)",
                    p.admit, p.queued, p.run
                );
                r_old.push(o / b);
                old_rates.push(o);
            }
            r_bare.push(s / b);
            if let Some(c) = c {
                r_cmd.push(s / c);
                cmd_rates.push(c);
            }
            bare_rates.push(b);
            spool_rates.push(s);
        }
        let (b, s) = (median(bare_rates), median(spool_rates.clone()));
        let unit = |v: f64| format!("{v:.1} docs/s");
        t.row(
            format!("spool vs bare child, {w} workers vs {w} threads"),
            unit(b),
            unit(s),
            median(r_bare),
            ">= 0.90",
        );
        if !r_cmd.is_empty() {
            t.row(
                format!("spool vs `mdspool convert --jobs {w}`"),
                unit(median(cmd_rates)),
                unit(s),
                median(r_cmd),
                ">= 0.90",
            );
        }
        let compared = (!old_rates.is_empty()).then(|| median(old_rates));
        if let Some(o) = &a.compare {
            t.row(
                format!(
                    "compared binary {}: spool vs bare child, {w} workers",
                    o.display()
                ),
                unit(b),
                unit(compared.unwrap_or(f64::NAN)),
                median(r_old),
                "",
            );
        }
        points.push(plot::Point {
            workers: w,
            bare: b,
            spool: s,
            compared,
        });
    }
    if a.drops > 0 {
        let threads = mdspool::inbox::INGEST_THREADS;
        let ip1 = ingest::plain(base, a.drops, 1);
        let ipn = ingest::plain(base, a.drops, threads);
        let ib = ingest::burst(base, a.drops);
        println!(
            "ingest: {ib:.1} drops/s; plain durable writes {ip1:.1} files/s (1 thread), \
             {ipn:.1} files/s ({threads} threads)"
        );
        t.row(
            format!("ingest vs plain write+fsync+rename+dir-fsync, {threads} threads"),
            format!("{ipn:.1} files/s"),
            format!("{ib:.1} drops/s"),
            ib / ipn,
            ">= 0.5",
        );
        t.row(
            "ingest vs the same plain loop, 1 thread".into(),
            format!("{ip1:.1} files/s"),
            format!("{ib:.1} drops/s"),
            ib / ip1,
            "",
        );
    }
    let mut lats = Vec::new();
    if a.latency > 0 {
        let pace = Duration::from_millis(a.pace);
        let lat = |b: &PathBuf| latency::run(b, &root, &docs, a.workers, a.latency, pace);
        // One run of each binary, on the same fresh root, the compared one first.
        let mut runs: Vec<(String, latency::Latency)> = Vec::new();
        if let Some(o) = &a.compare {
            runs.push(("compared binary".into(), lat(o)));
        }
        runs.push(("this binary".into(), lat(&bin)));
        for (label, l) in &runs {
            let (q, s) = (
                latency::p50_90_99(&l.queued),
                latency::p50_90_99(&l.succeeded),
            );
            println!(
                "latency, {label}, {} drops one every {} ms, {} workers: drop-to-queued p50 \
                 {:.1} p90 {:.1} p99 {:.1} ms; drop-to-succeeded p50 {:.1} p90 {:.1} p99 {:.1} ms",
                a.latency, a.pace, a.workers, q[0], q[1], q[2], s[0], s[1], s[2]
            );
            lats.push(plot::Latencies {
                label: label.clone(),
                queued: q,
                succeeded: s,
            });
        }
        t.latency_rows(&lats);
    }
    println!();
    t.print();
    if let Some(path) = &a.plot {
        let caption = format!(
            "{} documents, {} rounds; latency: {} drops, one every {} ms, {} workers; {}",
            docs.len(),
            a.rounds,
            a.latency,
            a.pace,
            a.workers,
            machine()
        );
        std::fs::write(path, plot::svg(&points, &lats, &caption)).unwrap();
        println!("plot written to {}", path.display());
    }
}
