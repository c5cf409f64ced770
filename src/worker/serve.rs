//! The persistent converter: `mdspool __convert-server`, started by a worker (`pool.rs`) and kept
//! for many jobs, so that a small document does not pay for a fork, an exec and a sandbox set-up
//! each time. It has the limits of every conversion process (`limits.rs`) and, with
//! `convert.sandbox = "strict"`, confines itself before it reads its first job, further than the
//! one-attempt child can: it opens no file at all (Landlock with no rule, the same seccomp list).
//! Each job arrives on stdin as a frame with the PDF's bytes (`wire.rs`); the answer, with the
//! Markdown, goes back on the descriptor that was its stdout; the worker writes the output file.
//! Anything the converter prints, on stdout or stderr, goes to stderr (the job's `run.log`).
//!
//! A document whose pages need OCR (which runs programs on files) is answered `needs_files`, and
//! the worker converts it in a one-attempt child. A panic of our own engine is reported as
//! `internal_error` as in the child; any other panic or signal ends this process, and the worker
//! classifies it as it would the child's end, then starts a fresh process for the next job.

use std::fs::File;
use std::io::{BufReader, Write};
use std::os::fd::FromRawFd;

use crate::code::Code;
use crate::config::Sandbox;
use crate::worker::child::{ChildReport, failed};
use crate::worker::wire::{DONE, Reply, Request, read_frame, write_frame};
use crate::worker::{converter, sandbox};

/// Body of `mdspool __convert-server`; returns the exit code (0 when stdin closes).
pub fn server_main(mode: Sandbox) -> i32 {
    sandbox::close_inherited_fds();
    // SAFETY: duplicating and redirecting our own standard descriptors; no other thread runs yet.
    let reply_fd = unsafe {
        let fd = libc::dup(1);
        libc::dup2(2, 1);
        fd
    };
    if reply_fd < 0 {
        return crate::error::exit::FAILURE;
    }
    // SAFETY: `reply_fd` is a fresh descriptor owned by nothing else; 0 is our stdin.
    let (mut replies, mut requests) = unsafe {
        (
            File::from_raw_fd(reply_fd),
            BufReader::new(File::from_raw_fd(0)),
        )
    };
    let sandboxed = match mode {
        Sandbox::Off => "sandbox: off (convert.sandbox)".to_string(),
        Sandbox::Strict => match sandbox::enter_sealed() {
            Ok(s) => format!("sandbox: {s}, no file access (persistent converter)"),
            Err(e) => {
                eprintln!("cannot enter the sandbox: {e}");
                return crate::error::exit::FAILURE;
            }
        },
    };
    loop {
        // The worker is trusted: its PDF is as large as this process's address space allows.
        let (req, data) = match read_frame::<Request>(&mut requests, u64::MAX) {
            Ok(Some(job)) => job,
            Ok(None) => return crate::error::exit::OK,
            Err(e) => {
                eprintln!("persistent converter: bad request: {e}");
                return crate::error::exit::FAILURE;
            }
        };
        eprintln!("{sandboxed}");
        let (reply, markdown) = convert_one(&req, data, mode == Sandbox::Strict);
        let _ = std::io::stderr().write_all(format!("{DONE}{}\n", req.seq).as_bytes());
        if write_frame(&mut replies, &reply, markdown.as_bytes()).is_err() {
            return crate::error::exit::FAILURE; // the worker is gone
        }
    }
}

fn convert_one(req: &Request, data: Vec<u8>, sandboxed: bool) -> (Reply, String) {
    let engine = converter::select(&req.convert, req.attempt);
    let mut r = ChildReport {
        converter: engine.name().to_string(),
        converter_version: engine.version(),
        ok: false,
        stats: None,
        output_bytes: None,
        code: None,
        message: None,
        permanent: false,
    };
    eprintln!(
        "converter {} {} on {} (attempt {})",
        r.converter,
        r.converter_version,
        req.path.display(),
        req.attempt
    );
    let opts = converter::options(&req.convert, &req.ocr);
    let mut markdown = String::new();
    let mut needs_files = false;
    match converter::run_bytes(&req.convert, req.attempt, &req.path, data, &opts) {
        Ok(Some(Ok(out))) => {
            r.ok = true;
            r.output_bytes = Some(out.markdown.len() as u64);
            r.stats = Some(out.stats);
            markdown = out.markdown;
        }
        Ok(Some(Err(e))) => failed(&mut r, &e, sandboxed.then_some(req.path.as_path())),
        Ok(None) => needs_files = true,
        Err(panicked) => {
            // A bug in our own code, not in the PDF: the hook printed where, on stderr (run.log).
            r.code = Some(Code::InternalError);
            r.message = Some(panicked);
        }
    }
    let reply = Reply {
        seq: req.seq,
        report: r,
        needs_files,
    };
    (reply, markdown)
}
