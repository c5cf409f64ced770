//! The spool benchmarks in one command, each a ratio against a baseline measured in the same run:
//!
//! - spool vs bare conversion with equal parallelism (`workers` daemon workers against `workers`
//!   threads each running the same conversion child, and against `mdspool convert --jobs N`);
//! - durable ingest vs a plain write + fsync + rename + dir-fsync loop with as many threads.
//!
//! `cargo run --release --example bench -- [--workers 2] [--copies 3] [--rounds 3] [--drops 500]
//! [--corpus bench/corpus/sample] [--bin PATH] [--compare PATH] [--dir DIR] [--scale N]`.
//! `--scale N` first runs the scale figures on a root of N finished jobs (`scale.rs`); with
//! `--rounds 0` only those. Without `--bin` it
//! builds and uses the `mdspool` binary of the same profile. `--compare` runs a second daemon binary
//! (an older build) in every round too, against the same round's baselines, in alternating order. Rounds alternate baseline and spool; the median ratio is
//! reported (the machine may be shared: ratios, not absolute rates, are what compare).

mod ingest;
mod scale;
mod spool;

use std::path::PathBuf;

struct Args {
    workers: usize,
    copies: usize,
    rounds: usize,
    drops: usize,
    corpus: PathBuf,
    bin: Option<PathBuf>,
    compare: Option<PathBuf>,
    dir: Option<PathBuf>,
    scale: usize,
}

fn args() -> Args {
    let mut a = Args {
        workers: 2,
        copies: 3,
        rounds: 3,
        drops: 500,
        corpus: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/corpus/sample"),
        bin: None,
        compare: None,
        dir: None,
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
            "--copies" => a.copies = n(),
            "--rounds" => a.rounds = n(),
            "--drops" => a.drops = n(),
            "--corpus" => a.corpus = v.into(),
            "--bin" => a.bin = Some(v.into()),
            "--compare" => a.compare = Some(v.into()),
            "--dir" => a.dir = Some(v.into()),
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
        "binary {}, {} documents ({} x {}), {} workers, {} rounds, in {}",
        bin.display(),
        docs.len(),
        a.copies,
        a.corpus.display(),
        a.workers,
        a.rounds,
        base.display()
    );
    let (mut r_bare, mut r_cmd, mut r_old) = (Vec::new(), Vec::new(), Vec::new());
    let (mut bare_rates, mut cmd_rates, mut spool_rates) = (Vec::new(), Vec::new(), Vec::new());
    let n = docs.len() as f64;
    let root = base.join("root");
    for round in 1..=a.rounds {
        let b = n / spool::bare(&bin, &inputs, &base.join("bare"), a.workers);
        let c = n / spool::convert_cmd(&bin, &inputs, &base.join("cmd"), a.workers);
        let run = |which: &PathBuf| {
            let (secs, p) = spool::spool(which, &root, &docs, a.workers);
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
        println!(
            "round {round}: bare {b:.1} docs/s, convert {c:.1} docs/s, spool {s:.1} docs/s \
             (per job: admitted {:.1} ms after the first drop, queued {:.1} ms, run {:.1} ms)",
            p.admit, p.queued, p.run
        );
        if let Some((o, p)) = old {
            println!(
                "round {round}: compared binary: spool {o:.1} docs/s (admitted {:.1} ms, \
                 queued {:.1} ms, run {:.1} ms)",
                p.admit, p.queued, p.run
            );
            r_old.push(o / b);
        }
        r_bare.push(s / b);
        r_cmd.push(s / c);
        bare_rates.push(b);
        cmd_rates.push(c);
        spool_rates.push(s);
    }
    let (ib, ip1, ipn);
    if a.drops > 0 {
        let threads = mdspool::inbox::INGEST_THREADS;
        ip1 = ingest::plain(base, a.drops, 1);
        ipn = ingest::plain(base, a.drops, threads);
        ib = ingest::burst(base, a.drops);
        println!(
            "ingest: {ib:.1} drops/s; plain durable writes {ip1:.1} files/s (1 thread), \
             {ipn:.1} files/s ({threads} threads)"
        );
    } else {
        (ib, ip1, ipn) = (f64::NAN, f64::NAN, f64::NAN);
    }
    println!();
    println!("| measurement | baseline | spool | ratio (median of rounds) | goal |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| spool vs bare child, {w} workers vs {w} threads | {:.1} docs/s | {:.1} docs/s | {:.2} | >= 0.90 |",
        median(bare_rates),
        median(spool_rates.clone()),
        median(r_bare),
        w = a.workers
    );
    println!(
        "| spool vs `mdspool convert --jobs {w}` | {:.1} docs/s | {:.1} docs/s | {:.2} | >= 0.90 |",
        median(cmd_rates),
        median(spool_rates),
        median(r_cmd),
        w = a.workers
    );
    if let Some(o) = &a.compare {
        println!(
            "| compared binary {}: spool vs bare child, {w} workers vs {w} threads | | | {:.2} | |",
            o.display(),
            median(r_old),
            w = a.workers
        );
    }
    if a.drops > 0 {
        let t = mdspool::inbox::INGEST_THREADS;
        println!(
            "| ingest vs plain write+fsync+rename+dir-fsync, {t} threads | {ipn:.1} files/s | {ib:.1} drops/s | {:.2} | >= 0.5 |",
            ib / ipn
        );
        println!(
            "| ingest vs the same plain loop, 1 thread | {ip1:.1} files/s | {ib:.1} drops/s | {:.2} | |",
            ib / ip1
        );
    }
}
