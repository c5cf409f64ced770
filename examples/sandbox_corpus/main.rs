//! The sandbox changes nothing but what a hostile PDF can reach, and costs little: the same PDFs
//! converted with `convert.sandbox = "strict"` and `"off"` (`compare.rs`).
//!
//! ```sh
//! cargo build --release && cargo run --release --example sandbox_corpus -- same [--every K] [--jobs J] [DIR...]
//! cargo build --release && cargo run --release --example sandbox_corpus -- bench [--rounds R] [DIR...]
//! ```
//!
//! `same` (default folders: `../shared/corpus/{pdfjs,pdfminer,docling}`): every K-th PDF (1: all)
//! converted under both settings; prints the outcomes by code and every file whose code or Markdown
//! differs; exits 1 when one does. `bench` (default folder: `bench/corpus/sample`, small files):
//! R rounds (default 15), each converting every file by a conversion child under both settings
//! back to back, one at a time (which setting goes first alternates between rounds, so that a
//! change of load on the machine weighs on both alike); prints the time per document (spawn to
//! reaped) of each setting and their ratio per round, and the medians. The `mdspool` binary of the
//! same profile is used.

mod compare;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mdspool::config::{ConvertConfig, OcrConfig, OcrMode, Sandbox};
use mdspool::worker::classify::AttemptOutcome;
use mdspool::worker::supervise::{ChildRun, ChildSpec, run_child};

/// One conversion child for `pdf`, as a worker starts it (its limits, its sandbox setting); its
/// wall time, from spawn to reaped.
fn child(spec: &ChildSpec, pdf: &Path, dir: &Path, strict: bool) -> Duration {
    let convert = ConvertConfig {
        sandbox: Some(if strict {
            Sandbox::Strict
        } else {
            Sandbox::Off
        }),
        ..ConvertConfig::default()
    };
    let output = dir.join("output.md");
    let run = ChildRun {
        input: pdf,
        output: &output,
        attempt: 1,
        convert: &convert,
        // OCR off: the comparison is of the sandbox, on the same conversions either way.
        ocr: &OcrConfig {
            enabled: OcrMode::Off,
            ..OcrConfig::default()
        },
        log: None,
    };
    let start = Instant::now();
    let outcome = run_child(spec, &run, || None);
    let t = start.elapsed();
    if let AttemptOutcome::Failed(f) = &outcome {
        assert_ne!(
            f.code.as_str(),
            "conversion_sandbox_violation",
            "{}",
            f.message
        );
    }
    t
}

fn opt(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn dirs(args: &[String], default: &[&str]) -> Vec<PathBuf> {
    let mut skip = false;
    let mut out = Vec::new();
    for a in args.iter().skip(1) {
        if skip {
            skip = false;
        } else if a.starts_with("--") {
            skip = true;
        } else {
            out.push(PathBuf::from(a));
        }
    }
    if out.is_empty() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        out = default.iter().map(|d| root.join(d)).collect();
    }
    out
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn ms_per_doc(t: Duration, n: usize) -> f64 {
    t.as_secs_f64() * 1000.0 / n.max(1) as f64
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("mdspool");
    if !bin.exists() {
        eprintln!(
            "{} is missing: `cargo build` (same profile) first",
            bin.display()
        );
        std::process::exit(2);
    }
    let work = tempfile::tempdir().unwrap();
    let probe = mdspool::worker::sandbox::Probe::now();
    println!("kernel: {probe}; binary: {}", bin.display());
    match args.first().map(String::as_str) {
        Some("same") => {
            let every = opt(&args, "--every", 1).max(1);
            let jobs = opt(&args, "--jobs", 2);
            let default = [
                "../shared/corpus/pdfjs",
                "../shared/corpus/pdfminer",
                "../shared/corpus/docling",
            ];
            let dirs = dirs(&args, &default);
            let files: Vec<PathBuf> = compare::pdfs(&dirs).into_iter().step_by(every).collect();
            println!(
                "{} PDFs (every {every}th) in {dirs:?}, --jobs {jobs}",
                files.len()
            );
            let strict = compare::run(&bin, &files, "strict", jobs, work.path());
            let off = compare::run(&bin, &files, "off", jobs, work.path());
            println!(
                "strict: {:.1} s, off: {:.1} s (wall, {jobs} at a time)",
                strict.elapsed.as_secs_f64(),
                off.elapsed.as_secs_f64()
            );
            println!("outcomes (strict): {:?}", compare::by_code(&strict));
            let diffs = compare::differences(&strict, &off);
            let same = files.len() - diffs.len();
            println!(
                "same code and byte-identical Markdown: {same} of {}",
                files.len()
            );
            for d in &diffs {
                println!("DIFFERENT {d}");
            }
            if !diffs.is_empty() {
                std::process::exit(1);
            }
        }
        Some("bench") => {
            let rounds = opt(&args, "--rounds", 15).max(1);
            let files = compare::pdfs(&dirs(&args, &["bench/corpus/sample"]));
            let sizes: u64 = files
                .iter()
                .filter_map(|f| std::fs::metadata(f).ok())
                .map(|m| m.len())
                .sum();
            println!(
                "{} PDFs, {} KiB on average, {rounds} rounds; each file converted by a child under \
                 strict, then off (off first in odd rounds), one at a time",
                files.len(),
                sizes / 1024 / files.len().max(1) as u64
            );
            let spec = ChildSpec { exe: bin.clone() };
            let (mut on, mut off, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
            // Per file and setting, the fastest of the rounds: the least disturbed by other load.
            let mut best = vec![[Duration::MAX; 2]; files.len()];
            for r in 0..rounds {
                let order = if r % 2 == 0 {
                    [true, false]
                } else {
                    [false, true]
                };
                let mut t = [Duration::ZERO; 2];
                for (i, f) in files.iter().enumerate() {
                    for strict in order {
                        let dir = work.path().join(format!("r{r}-{i}-{strict}"));
                        std::fs::create_dir(&dir).unwrap();
                        let d = child(&spec, f, &dir, strict);
                        t[usize::from(!strict)] += d;
                        let b = &mut best[i][usize::from(!strict)];
                        *b = (*b).min(d);
                    }
                }
                let (s, o) = (ms_per_doc(t[0], files.len()), ms_per_doc(t[1], files.len()));
                println!(
                    "round {}: strict {s:.2} ms/doc, off {o:.2} ms/doc, ratio {:.3}",
                    r + 1,
                    s / o
                );
                on.push(s);
                off.push(o);
                ratio.push(s / o);
            }
            println!(
                "median: strict {:.2} ms/doc, off {:.2} ms/doc, ratio strict/off {:.3}",
                median(on),
                median(off),
                median(ratio)
            );
            let sum = |k: usize| best.iter().map(|b| b[k]).sum::<Duration>();
            let (s, o) = (
                ms_per_doc(sum(0), files.len()),
                ms_per_doc(sum(1), files.len()),
            );
            println!(
                "fastest of {rounds} per file: strict {s:.2} ms/doc, off {o:.2} ms/doc, ratio strict/off {:.3}",
                s / o
            );
        }
        _ => {
            eprintln!(
                "usage: sandbox_corpus same [--every K] [--jobs J] [DIR...] | bench [--rounds R] [DIR...]"
            );
            std::process::exit(2);
        }
    }
}
