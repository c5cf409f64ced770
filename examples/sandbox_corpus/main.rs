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
//! R rounds, each converting every file under both settings one at a time (`--jobs 1`, the order of
//! the two settings alternating between rounds); prints the time per document of each setting and
//! their ratio per round and overall (the medians). The `mdspool` binary of the same profile is used.

mod compare;

use std::path::{Path, PathBuf};
use std::time::Duration;

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
        eprintln!("{} is missing: `cargo build` (same profile) first", bin.display());
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
            println!("{} PDFs (every {every}th) in {dirs:?}, --jobs {jobs}", files.len());
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
            println!("same code and byte-identical Markdown: {same} of {}", files.len());
            for d in &diffs {
                println!("DIFFERENT {d}");
            }
            if !diffs.is_empty() {
                std::process::exit(1);
            }
        }
        Some("bench") => {
            let rounds = opt(&args, "--rounds", 7).max(1);
            let files = compare::pdfs(&dirs(&args, &["bench/corpus/sample"]));
            let sizes: u64 = files
                .iter()
                .filter_map(|f| std::fs::metadata(f).ok())
                .map(|m| m.len())
                .sum();
            println!(
                "{} PDFs, {} KiB on average, {rounds} rounds, one file at a time",
                files.len(),
                sizes / 1024 / files.len().max(1) as u64
            );
            let (mut on, mut off, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
            for r in 0..rounds {
                let order = if r % 2 == 0 { ["strict", "off"] } else { ["off", "strict"] };
                let mut t = [0.0; 2];
                for mode in order {
                    let run = compare::run(&bin, &files, mode, 1, work.path());
                    t[usize::from(mode == "off")] = ms_per_doc(run.elapsed, files.len());
                }
                println!(
                    "round {}: strict {:.2} ms/doc, off {:.2} ms/doc, ratio {:.3}",
                    r + 1,
                    t[0],
                    t[1],
                    t[0] / t[1]
                );
                on.push(t[0]);
                off.push(t[1]);
                ratio.push(t[0] / t[1]);
            }
            println!(
                "median: strict {:.2} ms/doc, off {:.2} ms/doc, ratio strict/off {:.3}",
                median(on),
                median(off),
                median(ratio)
            );
        }
        _ => {
            eprintln!("usage: sandbox_corpus same [--every K] [--jobs J] [DIR...] | bench [--rounds R] [DIR...]");
            std::process::exit(2);
        }
    }
}
