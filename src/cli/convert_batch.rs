//! `mdspool convert` on many PDFs: each file is converted in its own limited child process, the
//! very isolation the daemon's workers use (`worker::supervise::run_child`: own process group, death
//! with this process, `convert.max_memory`, `convert.timeout`), `--jobs` at a time (all cores by
//! default), in the same sandbox (`convert.sandbox`). Each child writes a synced `output.md` in a
//! private temp folder of the output directory (the only place its sandbox lets it write), renamed
//! durably into `OUTDIR/NAME.md` once complete, so an output is whole or absent, never half written.
//!
//! Progress goes to stderr: a progress bar on a terminal (failures printed above it), else one
//! line per file (failures only with `--quiet`), so a log of a cron or CI run says what happened to
//! each file. The summary (converted, failed by code, pages/s) goes to stdout. The exit code is 0
//! when every file was converted, else the highest exit code among the failures' codes (7 for a
//! file that is refused or not converted, 8 for a read or write that failed).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::convert_inputs::Input;
use crate::code::Code;
use crate::config::{ConvertConfig, OcrConfig};
use crate::durable;
use crate::error::{Error, IoContext, Result, exit};
use crate::worker::classify::AttemptOutcome;
use crate::worker::supervise::{ChildRun, ChildSpec, run_child};

/// How one file ended.
#[derive(Debug)]
enum Done {
    Converted { pages: u32 },
    Failed { code: Code, message: String },
}

impl Done {
    /// The failure `e` of `pdf`, its message without the path (every line names it already).
    fn failed(e: &Error, pdf: &Path) -> Done {
        let message = e.to_string();
        let prefix = format!("{}: ", pdf.display());
        Done::Failed {
            code: e.code(),
            message: message
                .strip_prefix(&prefix)
                .map_or(message.clone(), str::to_string),
        }
    }
}

/// The same checks as a drop in the inbox (a regular file, not empty, a `%PDF-` header), so that a
/// file that is no PDF fails with `not_a_pdf` rather than with whatever the parser makes of it.
fn precheck(pdf: &Path) -> Result<()> {
    let mut f = crate::inbox::validate::open_named(pdf)?;
    crate::inbox::validate::check_pdf(&mut f, pdf, u64::MAX).map(|_| ())
}

fn convert_one(
    spec: &ChildSpec,
    input: &Input,
    outdir: &Path,
    cfg: &ConvertConfig,
    ocr: &OcrConfig,
    n: usize,
) -> Done {
    if let Err(e) = precheck(&input.pdf) {
        return Done::failed(&e, &input.pdf);
    }
    let tmpdir = outdir.join(format!(
        ".~{}.{}-{n}.tmp",
        input.md_name,
        std::process::id()
    ));
    let tmp = tmpdir.join("output.md");
    if let Err(e) = crate::worker::private_dir(&tmpdir) {
        return Done::failed(&e, &input.pdf);
    }
    let run = ChildRun {
        input: &input.pdf,
        output: &tmp,
        attempt: 1,
        convert: cfg,
        ocr,
        log: None,
    };
    let done = match run_child(spec, &run, || None) {
        AttemptOutcome::Converted { report, .. } => {
            match durable::rename_durable(&tmp, &outdir.join(&input.md_name)) {
                Ok(()) => {
                    let pages = report.stats.map_or(0, |s| s.pages);
                    Done::Converted { pages }
                }
                Err(e) => Done::failed(&e, &input.pdf),
            }
        }
        AttemptOutcome::Failed(f) => Done::Failed {
            code: f.code,
            message: f.message,
        },
        AttemptOutcome::Canceled | AttemptOutcome::Interrupted => Done::Failed {
            code: Code::InternalError,
            message: "the conversion child was stopped".into(),
        },
    };
    let _ = durable::remove_tree_nofollow(&tmpdir);
    done
}

/// Progress on stderr: a bar on a terminal, else plain lines.
struct Progress {
    bar: Option<ProgressBar>,
    quiet: bool,
    total: usize,
    finished: AtomicUsize,
}

impl Progress {
    fn new(total: usize, quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::new(total as u64);
            let style = ProgressStyle::with_template(
                "{spinner} {pos}/{len} [{bar:30}] {elapsed_precise} (eta {eta}) {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            b.set_style(style);
            b.enable_steady_tick(Duration::from_millis(120));
            b
        });
        Progress {
            bar,
            quiet,
            total,
            finished: AtomicUsize::new(0),
        }
    }

    fn started(&self, input: &Input) {
        if let Some(b) = &self.bar {
            b.set_message(input.pdf.display().to_string());
        }
    }

    fn finished(&self, input: &Input, outdir: &Path, done: &Done) {
        let n = self.finished.fetch_add(1, Ordering::SeqCst) + 1;
        let line = match done {
            Done::Converted { pages } => {
                if self.quiet || self.bar.is_some() {
                    None
                } else {
                    Some(format!(
                        "[{n}/{}] converted {} -> {} ({pages} pages)",
                        self.total,
                        input.pdf.display(),
                        outdir.join(&input.md_name).display()
                    ))
                }
            }
            Done::Failed { code, message } => Some(format!(
                "[{n}/{}] failed {}: error[{code}]: {message}",
                self.total,
                input.pdf.display()
            )),
        };
        match (&self.bar, line) {
            (Some(b), Some(l)) => b.println(l),
            (None, Some(l)) => eprintln!("{l}"),
            _ => {}
        }
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    fn end(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Converts `inputs` into `outdir`, `jobs` at a time; prints the summary; returns the exit code.
pub fn run(
    inputs: &[Input],
    outdir: &Path,
    cfg: &ConvertConfig,
    ocr: &OcrConfig,
    jobs: usize,
    quiet: bool,
) -> Result<i32> {
    durable::create_dir_all_durable(outdir)?;
    let spec = ChildSpec::this_binary().at("/proc/self/exe")?;
    let progress = Progress::new(inputs.len(), quiet);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Done>>> = Mutex::new(inputs.iter().map(|_| None).collect());
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, inputs.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(input) = inputs.get(i) else { break };
                    progress.started(input);
                    let done = convert_one(&spec, input, outdir, cfg, ocr, i);
                    progress.finished(input, outdir, &done);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(done);
                }
            });
        }
    });
    progress.end();
    let elapsed = start.elapsed();
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok(summary(inputs, outdir, &results, elapsed))
}

/// Prints the summary on stdout; returns the exit code.
fn summary(inputs: &[Input], outdir: &Path, results: &[Option<Done>], elapsed: Duration) -> i32 {
    let mut converted = 0;
    let mut pages = 0u64;
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut code = exit::OK;
    for (input, r) in inputs.iter().zip(results) {
        match r {
            Some(Done::Converted { pages: p }) => {
                converted += 1;
                pages += u64::from(*p);
            }
            Some(Done::Failed { code: c, message }) => {
                *by_code.entry(c.as_str()).or_default() += 1;
                failures.push(format!("  {}: error[{c}]: {message}", input.pdf.display()));
                code = code.max(exit::for_code(*c));
            }
            None => {}
        }
    }
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 { pages as f64 / secs } else { 0.0 };
    say!(
        "converted {converted} of {} PDFs into {} ({pages} pages in {secs:.1} s, {rate:.1} pages/s)",
        inputs.len(),
        outdir.display()
    );
    if !failures.is_empty() {
        let counts: Vec<String> = by_code.iter().map(|(c, n)| format!("{c} {n}")).collect();
        say!("failed {}: {}", failures.len(), counts.join(", "));
        for f in failures {
            say!("{f}");
        }
    }
    code
}
