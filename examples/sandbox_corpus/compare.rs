//! The same PDFs converted twice by `mdspool convert FILES -o OUTDIR` (each file in its own limited
//! conversion child, as the daemon's workers run them), once with `convert.sandbox = "strict"` and
//! once with `"off"`: each file's outcome (converted, or its error code) and Markdown, read back
//! from the per-file lines on stderr and the output folder, then compared. Shared by the example
//! `sandbox_corpus` (the whole corpora, and the benchmark) and the test `sandbox_corpus` (a sample).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// How one file ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Converted(Vec<u8>),
    Failed(String),
}

/// One `mdspool convert` run.
pub struct Run {
    pub outcomes: BTreeMap<PathBuf, Outcome>,
    pub elapsed: Duration,
}

/// Every `*.pdf` under `dirs` (recursively), sorted per folder.
pub fn pdfs(dirs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for d in dirs {
        walk(d, &mut out);
    }
    out
}

/// Converts `files` with `bin` under `convert.sandbox = sandbox` into `work/<sandbox>-<n>/`.
pub fn run(bin: &Path, files: &[PathBuf], sandbox: &str, jobs: usize, work: &Path) -> Run {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let out = work.join(format!("{sandbox}-{n}"));
    let mut c = Command::new(bin);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("MDSPOOL_") {
            c.env_remove(k);
        }
    }
    c.env("MDSPOOL_CONVERT_SANDBOX", sandbox)
        .arg("--root")
        .arg(work.join("root"))
        .arg("convert")
        .args(files)
        .arg("-o")
        .arg(&out)
        .arg("--jobs")
        .arg(jobs.to_string());
    let start = Instant::now();
    let o = c.output().expect("run mdspool convert");
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&o.stderr);
    let mut outcomes = BTreeMap::new();
    for line in stderr.lines() {
        let Some((_, rest)) = line.split_once("] ") else {
            continue;
        };
        if let Some(rest) = rest.strip_prefix("converted ") {
            let (pdf, md) = rest.split_once(" -> ").expect("converted PDF -> MD");
            let md = md.rsplit_once(" (").map_or(md, |(m, _)| m);
            let bytes = std::fs::read(md).unwrap_or_else(|e| panic!("{md}: {e}"));
            outcomes.insert(PathBuf::from(pdf), Outcome::Converted(bytes));
        } else if let Some(rest) = rest.strip_prefix("failed ") {
            let (pdf, err) = rest
                .split_once(": error[")
                .expect("failed PDF: error[CODE]");
            let code = err.split(']').next().unwrap_or_default().to_string();
            outcomes.insert(PathBuf::from(pdf), Outcome::Failed(code));
        }
    }
    assert_eq!(
        outcomes.len(),
        files.len(),
        "one line per file expected:\n{stderr}"
    );
    let _ = std::fs::remove_dir_all(&out);
    Run { outcomes, elapsed }
}

/// Files whose outcome differs between `a` and `b`, described.
pub fn differences(a: &Run, b: &Run) -> Vec<String> {
    let mut diffs = Vec::new();
    for (pdf, x) in &a.outcomes {
        let y = b.outcomes.get(pdf);
        if y != Some(x) {
            let show = |o: Option<&Outcome>| match o {
                Some(Outcome::Converted(md)) => format!("converted ({} bytes)", md.len()),
                Some(Outcome::Failed(c)) => format!("failed {c}"),
                None => "missing".into(),
            };
            diffs.push(format!(
                "{}: {} vs {}",
                pdf.display(),
                show(Some(x)),
                show(y)
            ));
        }
    }
    diffs
}

/// Failures by code.
pub fn by_code(r: &Run) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for o in r.outcomes.values() {
        let k = match o {
            Outcome::Converted(_) => "converted".to_string(),
            Outcome::Failed(c) => c.clone(),
        };
        *m.entry(k).or_default() += 1;
    }
    m
}
