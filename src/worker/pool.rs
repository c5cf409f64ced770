//! Each worker's persistent converter (`mdspool __convert-server`, `serve.rs`): one long-lived
//! process per worker at most, started at the worker's first job and kept for the next ones, so a
//! small document does not pay for a fork, an exec and a sandbox set-up each time. It has the
//! limits of every conversion process (`limits.rs`: own process group, death with the daemon,
//! `RLIMIT_AS`, a minimal environment) and a stricter sandbox than the one-attempt child: it gets
//! the PDF's bytes on a pipe and sends the Markdown back; the worker writes the output file.
//!
//! Per job, the worker sets the process's `RLIMIT_CPU` to what it used so far plus the timeout
//! plus one second, and enforces `convert.timeout` on the wall clock itself: at the deadline, on
//! cancellation or shutdown it kills the whole process group. A process that ended during a job
//! (crash, signal, memory limit, timeout) fails only that job, classified exactly as the
//! one-attempt child's end would be (`classify.rs`); the next job gets a fresh process. After
//! `convert.recycle_after_jobs` jobs, or once its resident memory exceeds
//! `convert.recycle_above_rss` after a job, a process is replaced as well (as Postfix's
//! `max_use`). Each job's `run.log` names the process and how many jobs it has served.
//!
//! An external `convert.command`, `convert.persistent = false`, and a document whose pages need
//! OCR (the converter answers `needs_files`) run in the one-attempt child of `supervise.rs`.

use std::io::{BufReader, Read};
use std::path::Path;
use std::process::{ChildStdin, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use crate::code::Code;
use crate::config::{ConvertConfig, Sandbox};
use crate::worker::child::{ChildReport, failed};
use crate::worker::classify::{AttemptOutcome, Ended, Failure, Kill, classify};
use crate::worker::converter;
use crate::worker::limits::{self, kill_group, reap};
use crate::worker::runlog::RunLog;
use crate::worker::stderr::{ErrSink, drain_stderr};
use crate::worker::supervise::{self, Attempt, ChildSpec, POLL};
use crate::worker::wire::{Reply, Request, read_frame, write_frame};

/// A worker's persistent converter, if it has one running.
#[derive(Default)]
pub struct Slot {
    proc: Option<Proc>,
    /// Jobs sent so far by this worker (matches answers to requests).
    seq: u64,
}

/// What a process was started with: a job whose settings differ needs a fresh process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    max_memory: u64,
    max_stream: u64,
    sandbox: Sandbox,
}

impl Key {
    fn of(c: &ConvertConfig) -> Key {
        Key {
            max_memory: c.max_memory.0,
            max_stream: c.max_stream.0,
            sandbox: c.sandbox(),
        }
    }
}

struct Proc {
    pid: libc::pid_t,
    /// Reaped already (its pid may be another process's by now: never signal it again).
    reaped: bool,
    key: Key,
    /// Jobs sent to it so far.
    jobs: u32,
    requests: Sender<(Request, Vec<u8>)>,
    replies: Receiver<(Reply, Vec<u8>)>,
    err: Arc<ErrSink>,
    /// The sequence numbers of the `DONE` lines on its stderr.
    marks: Receiver<u64>,
    /// Disconnected once its stderr is closed (it and all it started are gone).
    err_closed: Receiver<()>,
}

fn thread(name: &str, f: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .map(|_| ())
}

impl Proc {
    /// Starts one for the daemon of `root` (named on its command line, for `ps`: it opens nothing).
    fn spawn(spec: &ChildSpec, c: &ConvertConfig, root: &Path) -> std::io::Result<Proc> {
        let mut cmd = limits::command(spec, c, false);
        let mode = match c.sandbox() {
            Sandbox::Strict => "strict",
            Sandbox::Off => "off",
        };
        cmd.args(["__convert-server", "--sandbox", mode, "--serves"])
            .arg(root)
            .stdin(Stdio::piped());
        let mut child = cmd.spawn()?;
        let pid = child.id() as libc::pid_t;
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let (req_tx, req_rx) = crossbeam_channel::unbounded();
        let (rep_tx, rep_rx) = crossbeam_channel::unbounded();
        let (mark_tx, mark_rx) = crossbeam_channel::unbounded();
        let (closed_tx, closed_rx) = crossbeam_channel::bounded::<()>(0);
        let err = Arc::new(ErrSink::default());
        let sink = err.clone();
        // The Markdown can be no larger than the converter's address space.
        let max = c.max_memory.0;
        let started = thread("converter-in", move || send_requests(stdin, req_rx))
            .and_then(|_| thread("converter-out", move || read_replies(stdout, max, rep_tx)))
            .and_then(|_| {
                thread("converter-err", move || {
                    drain_stderr(stderr, &sink, mark_tx);
                    drop(closed_tx);
                })
            });
        if let Err(e) = started {
            kill_group(pid);
            reap(pid);
            return Err(e);
        }
        Ok(Proc {
            pid,
            reaped: false,
            key: Key::of(c),
            jobs: 0,
            requests: req_tx,
            replies: rep_rx,
            err,
            marks: mark_rx,
            err_closed: closed_rx,
        })
    }

    /// Kills the process group and reaps it; how it ended and the rest of its stderr.
    fn end(&mut self) -> (Ended, String) {
        kill_group(self.pid);
        let ended = reap(self.pid);
        self.reaped = true;
        let _ = self.err_closed.recv_timeout(Duration::from_secs(5));
        (ended, self.err.detach())
    }
}

fn send_requests(mut stdin: ChildStdin, rx: Receiver<(Request, Vec<u8>)>) {
    for (req, data) in rx {
        if write_frame(&mut stdin, &req, &data).is_err() {
            return; // it died: the reply channel says so
        }
    }
}

fn read_replies(stdout: impl Read, max: u64, tx: Sender<(Reply, Vec<u8>)>) {
    let mut r = BufReader::new(stdout);
    while let Ok(Some(frame)) = read_frame::<Reply>(&mut r, max) {
        if tx.send(frame).is_err() {
            return;
        }
    }
}

/// Waits until `pid` has exited (not reaped), at most until `deadline` or what `stop` says.
fn wait_exit(
    pid: libc::pid_t,
    deadline: Instant,
    stop: &mut impl FnMut() -> Option<Kill>,
) -> Option<Kill> {
    let pidfd = limits::pidfd_open(pid);
    while !limits::exited(pid) {
        let now = Instant::now();
        if now >= deadline {
            return Some(Kill::Timeout);
        }
        if let Some(k) = stop() {
            return Some(k);
        }
        match &pidfd {
            Some(fd) => limits::wait_readable(fd, POLL.min(deadline - now)),
            None => std::thread::sleep(Duration::from_millis(1)),
        }
    }
    None
}

/// Writes the Markdown to `output` (a fresh name: created exclusively, synced), as the one-attempt
/// child does; the record step renames it into place.
fn write_output(output: &Path, markdown: &[u8]) -> std::io::Result<()> {
    let mut f = crate::fsx::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(output)?;
    crate::fsx::write_all(&mut f, output, markdown)?;
    crate::fsx::sync(&f, output)
}

fn failure(code: Code, msg: String) -> AttemptOutcome {
    AttemptOutcome::Failed(Failure::new(code, msg, false))
}

impl Slot {
    /// Ends the process, if any (a line in `log` says why).
    fn retire(&mut self, log: &Arc<Mutex<RunLog>>, why: &str) {
        if let Some(mut p) = self.proc.take() {
            let pid = p.pid;
            let jobs = p.jobs;
            p.end();
            let line = format!("converter process {pid} replaced after {jobs} jobs: {why}");
            log.lock().unwrap_or_else(|e| e.into_inner()).line(&line);
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if !self.reaped {
            self.end();
        }
    }
}

/// Runs attempt `a`: in this worker's persistent converter (started, or replaced, as needed), or
/// in a one-attempt child where the converter cannot be persistent (see the module comment).
pub(crate) fn run(slot: &mut Slot, spec: &ChildSpec, a: &Attempt) -> AttemptOutcome {
    let c = a.convert;
    if !c.persistent || !converter::in_memory(c) {
        slot.proc = None; // ended by Drop
        return supervise::run(spec, a);
    }
    let say = |s: &str| a.log.lock().unwrap_or_else(|e| e.into_inner()).line(s);
    if slot.proc.as_ref().is_some_and(|p| p.key != Key::of(c)) {
        slot.retire(&a.log, "its limits changed (SIGHUP)");
    }
    if slot.proc.as_ref().is_some_and(|p| limits::exited(p.pid)) {
        // It died between jobs (an outside kill): not this job's doing.
        slot.retire(&a.log, "it had ended while idle");
    }
    let data = match std::fs::read(&a.input) {
        Ok(d) => d,
        Err(source) => {
            let e = crate::convert::ConvertError::Io {
                path: a.input.clone(),
                source,
            };
            let mut r = ChildReport::default();
            failed(&mut r, &e, None);
            let msg = r.message.unwrap_or_default();
            let code = r.code.unwrap_or(Code::InternalError);
            return AttemptOutcome::Failed(Failure::new(code, msg, r.permanent));
        }
    };
    let mut p = match slot.proc.take() {
        Some(p) => p,
        None => match Proc::spawn(spec, c, a.store.layout().root()) {
            Ok(p) => p,
            Err(e) => {
                let msg = format!("cannot start the persistent converter: {e}");
                return failure(Code::InternalError, msg);
            }
        },
    };
    slot.seq += 1;
    p.jobs += 1;
    let seq = slot.seq;
    say(&format!(
        "converter process {} (persistent), job {} of it",
        p.pid, p.jobs
    ));
    p.err.attach(a.log.clone());
    limits::limit_cpu(p.pid, c.timeout.0);
    let start = Instant::now();
    let deadline = start + c.timeout.0;
    let req = Request {
        seq,
        attempt: a.attempt,
        path: a.input.clone(),
        convert: c.clone(),
        ocr: a.ocr.clone(),
    };
    let _ = p.requests.send((req, data));
    let mut stop = supervise::stop_check(a);
    let mut killed = None;
    let reply = loop {
        let now = Instant::now();
        if now >= deadline {
            killed = Some(Kill::Timeout);
            break None;
        }
        match p.replies.recv_timeout(POLL.min(deadline - now)) {
            Ok((r, md)) if r.seq == seq => break Some((r, md)),
            Ok(_) => continue,
            Err(RecvTimeoutError::Timeout) => {
                killed = stop();
                if killed.is_some() {
                    break None;
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                // It closed its answers: it is ending (a panic drops them while it unwinds). It
                // exits by itself, as a one-attempt child would, before the group is killed:
                // killed earlier, it would look killed from outside.
                killed = wait_exit(p.pid, deadline, &mut stop);
                break None;
            }
        }
    };
    let Some((reply, markdown)) = reply else {
        // It crashed, or is killed now: only this job fails; the next one gets a fresh process.
        let pid = p.pid;
        let (ended, tail) = p.end();
        drop(p);
        say(&format!(
            "converter process {pid} ended ({ended:?}); the next job starts a fresh one"
        ));
        return classify(ended, None, &tail, killed, c.timeout.0, start.elapsed());
    };
    // Every line it printed for this job is in the log once its `DONE` line is seen.
    let wait = Instant::now() + Duration::from_secs(2);
    while let Ok(m) = p.marks.recv_deadline(wait) {
        if m >= seq {
            break;
        }
    }
    let tail = p.err.detach();
    let elapsed = start.elapsed();
    let recycle = if p.jobs >= c.recycle_after_jobs {
        Some(format!("{} jobs (convert.recycle_after_jobs)", p.jobs))
    } else {
        let rss = limits::rss(p.pid);
        (rss > c.recycle_above_rss.0).then(|| {
            let mib = rss >> 20;
            format!("resident memory {mib} MiB (convert.recycle_above_rss)")
        })
    };
    slot.proc = Some(p);
    if let Some(why) = recycle {
        slot.retire(&a.log, &why);
    }
    if reply.needs_files {
        say("the document has pages for OCR: converted in a one-attempt child");
        return supervise::run(spec, a);
    }
    let report = reply.report;
    if !report.ok {
        let ended = Ended::Exited(crate::error::exit::CONVERSION);
        return classify(ended, Some(report), &tail, None, c.timeout.0, elapsed);
    }
    if let Err(e) = write_output(&a.output, &markdown) {
        let e = crate::error::Error::io(&a.output, e);
        return failure(e.code(), e.to_string()); // storage_full or io_error: both transient
    }
    AttemptOutcome::Converted { report, elapsed }
}
