//! The conversion child: `mdspool __convert-child`, started by a worker for one attempt of one job.
//! Its limits (address space, CPU time, death with the daemon, own process group) were set by the
//! worker between fork and exec (see `supervise.rs`). It converts `--input`, writes the Markdown to
//! the fresh temp file `--output` (created exclusively, synced; the worker renames it into place),
//! and reports one JSON line ([`ChildReport`]) on the descriptor that was its stdout. Anything the
//! converter itself prints, on stdout or stderr, goes to stderr, which the worker copies into
//! `logs/run.log`, so no library can corrupt the report.
//!
//! With `convert.sandbox = "strict"` (the default for the built-in converter) it confines itself
//! before the converter opens the PDF (`sandbox.rs`): it may then read `--input` and write in the
//! folder of `--output` (a private one the worker made for this attempt), nothing else. A denied
//! file access ends the attempt with `conversion_sandbox_violation` naming the path; a denied system
//! call kills the child with SIGSYS, after a line naming the call.

use std::fs::File;
use std::io::Write;
use std::os::fd::FromRawFd;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::code::Code;
use crate::config::{ConvertConfig, OcrConfig, Sandbox};
use crate::convert::ConvertStats;
use crate::error::exit;
use crate::worker::{converter, sandbox};

/// What the child tells the worker.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ChildReport {
    pub converter: String,
    pub converter_version: String,
    pub ok: bool,
    #[serde(default)]
    pub stats: Option<ConvertStats>,
    #[serde(default)]
    pub output_bytes: Option<u64>,
    /// The failure's stable code (`pdf_malformed`...).
    #[serde(default)]
    pub code: Option<Code>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub permanent: bool,
}

/// Arguments of the hidden `__convert-child` subcommand.
#[derive(Debug, Clone)]
pub struct ChildArgs {
    pub input: PathBuf,
    pub output: PathBuf,
    pub attempt: u32,
    /// The daemon's `[convert]` settings for this attempt.
    pub convert: ConvertConfig,
    /// The daemon's `[ocr]` settings (`auto` already decided).
    pub ocr: OcrConfig,
}

fn write_output(path: &PathBuf, markdown: &str) -> std::io::Result<u64> {
    let mut f = crate::fsx::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    crate::fsx::write_all(&mut f, path, markdown.as_bytes())?;
    crate::fsx::sync(&f, path)?;
    Ok(markdown.len() as u64)
}

/// Body of `mdspool __convert-child`; returns the exit code (0 converted, 7 conversion failed).
pub fn child_main(a: &ChildArgs) -> i32 {
    sandbox::close_inherited_fds();
    // SAFETY: duplicating and redirecting our own standard descriptors; no other thread runs yet.
    let report_fd = unsafe {
        let fd = libc::dup(1);
        libc::dup2(2, 1);
        fd
    };
    let mut report_to = if report_fd >= 0 {
        // SAFETY: `report_fd` is a fresh descriptor owned by nothing else.
        Some(unsafe { File::from_raw_fd(report_fd) })
    } else {
        None
    };
    let report = convert_one(a);
    let code = if report.ok {
        exit::OK
    } else {
        exit::CONVERSION
    };
    let mut line = serde_json::to_vec(&report).unwrap_or_default();
    line.push(b'\n');
    if let Some(f) = report_to.as_mut() {
        let _ = f.write_all(&line);
    }
    code
}

fn convert_one(a: &ChildArgs) -> ChildReport {
    let cfg = &a.convert;
    let mut r = ChildReport::default();
    let engine = converter::select(cfg, a.attempt);
    r.converter = engine.name().to_string();
    r.converter_version = engine.version();
    eprintln!(
        "converter {} {} on {} (attempt {})",
        r.converter,
        r.converter_version,
        a.input.display(),
        a.attempt
    );
    let sandboxed = match cfg.sandbox() {
        Sandbox::Off => {
            eprintln!("sandbox: off (convert.sandbox)");
            false
        }
        Sandbox::Strict => {
            let outdir = a.output.parent().unwrap_or(std::path::Path::new("."));
            // With OCR on, the two programs it runs (resolved before the sandbox hides `PATH`'s
            // other folders).
            let programs: Option<Vec<std::path::PathBuf>> = a
                .ocr
                .options()
                .and_then(|o| o.programs().ok())
                .map(|(t, r)| vec![t, r]);
            match sandbox::enter(&a.input, outdir, programs.as_deref()) {
                Ok(s) => {
                    eprintln!("sandbox: {s}");
                    true
                }
                Err(e) => {
                    r.code = Some(Code::InternalError);
                    r.message = Some(format!("cannot enter the sandbox: {e}"));
                    return r;
                }
            }
        }
    };
    let opts = converter::options(cfg, &a.ocr);
    let result = match converter::run(engine.as_ref(), &a.input, &opts) {
        Ok(result) => result,
        Err(panicked) => {
            // A bug in our own code, not in the PDF: the hook printed where, on stderr (run.log).
            r.code = Some(Code::InternalError);
            r.message = Some(panicked);
            return r;
        }
    };
    match result {
        Ok(out) => match write_output(&a.output, &out.markdown) {
            Ok(n) => {
                r.ok = true;
                r.output_bytes = Some(n);
                r.stats = Some(out.stats);
            }
            Err(e) => {
                let e = crate::error::Error::io(&a.output, e);
                r.code = Some(e.code()); // storage_full or io_error: both transient
                r.message = Some(e.to_string());
            }
        },
        Err(e) => failed(&mut r, &e, sandboxed.then_some(a.input.as_path())),
    }
    r
}

/// Fills `r` for the conversion error `e`. `sandboxed`: the input this process may read, if it is
/// confined (`None`: not confined); a file access denied elsewhere is the sandbox's doing.
pub(crate) fn failed(
    r: &mut ChildReport,
    e: &crate::convert::ConvertError,
    sandboxed: Option<&std::path::Path>,
) {
    match sandbox::denied(e).filter(|_| sandboxed.is_some()) {
        // The input itself is allowed: a denial there is its file mode, not the sandbox.
        Some(what)
            if !sandboxed
                .is_some_and(|input| what.starts_with(&format!("{}: ", input.display()))) =>
        {
            let msg = format!("sandbox: landlock denied {what}");
            eprintln!("{msg}");
            r.code = Some(Code::ConversionSandboxViolation);
            r.message = Some(msg);
            r.permanent = true;
        }
        _ => {
            r.code = Some(e.kind().into());
            r.message = Some(e.to_string());
            r.permanent = e.is_permanent();
        }
    }
}
