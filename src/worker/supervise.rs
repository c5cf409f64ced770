//! One attempt in an isolated child process: start `mdspool __convert-child` with its limits, copy
//! its stderr into `run.log`, watch it (wall-clock timeout, cancellation in the manifest, daemon
//! shutdown), kill its whole process group when needed, and turn how it ended into an [`AttemptOutcome`].
//! [`run_child`] is the same isolation without a store, for `mdspool convert` on many files.
//!
//! Its limits are those of `limits.rs` (own process group, death with the daemon, address space,
//! CPU time, a minimal environment). The child confines itself further (`sandbox.rs`). How it
//! ended is classified in `classify.rs`. The built-in converter usually runs in a persistent
//! process instead (`pool.rs`); this one-attempt child remains for an external `convert.command`,
//! for documents OCR must read, and with `convert.persistent = false`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::code::Code;
use crate::config::{ConvertConfig, OcrConfig};
use crate::ids::JobId;
use crate::store::{JobStatus, Store};
use crate::worker::child::ChildReport;
use crate::worker::classify::{AttemptOutcome, Failure, Kill, classify};
use crate::worker::limits::{self, exited, kill_group, pidfd_open, reap, wait_readable};
use crate::worker::runlog::RunLog;
use crate::worker::{Control, Mode};

/// How to start the conversion child.
#[derive(Debug, Clone)]
pub struct ChildSpec {
    /// This very binary (`/proc/self/exe`: still the running image after an upgrade replaced the
    /// file).
    pub exe: PathBuf,
}

impl ChildSpec {
    pub fn this_binary() -> std::io::Result<ChildSpec> {
        let proc = PathBuf::from("/proc/self/exe");
        let exe = if proc.exists() {
            proc
        } else {
            std::env::current_exe()?
        };
        Ok(ChildSpec { exe })
    }
}

/// One attempt to run.
pub struct Attempt<'a> {
    pub id: JobId,
    pub attempt: u32,
    pub input: PathBuf,
    /// Where the child writes the Markdown (a temp name in `artifacts/`).
    pub output: PathBuf,
    pub convert: &'a ConvertConfig,
    pub ocr: &'a OcrConfig,
    pub store: &'a Store,
    pub control: &'a Control,
    pub log: Arc<Mutex<RunLog>>,
    /// The worker's heartbeat, beaten while the child runs.
    pub beat: &'a crate::health::Beat,
}

/// Without a pidfd the child is polled often at first (most conversions are short), then every
/// 25 ms; with one, its exit wakes the watcher at once and 25 ms is how often the stop conditions
/// (cancellation, shutdown) are looked at.
const POLL_FIRST: Duration = Duration::from_micros(500);
pub(crate) const POLL: Duration = Duration::from_millis(25);
const MANIFEST_POLL: Duration = Duration::from_millis(300);
pub(crate) const TAIL: usize = 8192;

/// One conversion in a limited child, whoever watches it (a worker, `mdspool convert`).
pub struct ChildRun<'a> {
    pub input: &'a Path,
    /// A fresh temp name: the child creates it exclusively and syncs it; the caller renames it.
    pub output: &'a Path,
    pub attempt: u32,
    pub convert: &'a ConvertConfig,
    /// `[ocr]`, with `auto` decided (the child runs tesseract itself, inside its limits).
    pub ocr: &'a OcrConfig,
    /// Where the child's stderr is copied, if anywhere (its tail is kept to classify the end).
    pub log: Option<Arc<Mutex<RunLog>>>,
}

fn spawn(spec: &ChildSpec, a: &ChildRun) -> std::io::Result<std::process::Child> {
    let mut cmd = limits::command(spec, a.convert, true);
    // The child takes its conversion settings from `--settings` (what this attempt uses, after any
    // SIGHUP), not from a configuration file that may have been edited since.
    let settings = serde_json::to_string(&a.convert).unwrap_or_default();
    cmd.arg("__convert-child")
        .arg("--settings")
        .arg(settings)
        .arg("--ocr")
        .arg(serde_json::to_string(&a.ocr).unwrap_or_default())
        .arg("--input")
        .arg(a.input)
        .arg("--output")
        .arg(a.output)
        .arg("--attempt")
        .arg(a.attempt.to_string());
    cmd.spawn()
}

/// Starts a thread that copies `r` into the run log (when given) and hands back the last bytes.
fn drain(
    mut r: impl Read + Send + 'static,
    log: Option<Arc<Mutex<RunLog>>>,
    keep: usize,
) -> crossbeam_channel::Receiver<Vec<u8>> {
    let (tx, rx) = crossbeam_channel::bounded(1);
    let _ = std::thread::Builder::new()
        .name("child-io".into())
        .spawn(move || {
            let mut tail = Vec::new();
            let mut buf = vec![0u8; 16384];
            while let Ok(n) = r.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Some(l) = &log {
                    l.lock().unwrap_or_else(|e| e.into_inner()).write(&buf[..n]);
                }
                tail.extend_from_slice(&buf[..n]);
                if tail.len() > keep {
                    tail.drain(..tail.len() - keep);
                }
            }
            let _ = tx.send(tail);
        });
    rx
}

/// Runs the attempt to its end.
pub fn run(spec: &ChildSpec, a: &Attempt) -> AttemptOutcome {
    let run = ChildRun {
        input: &a.input,
        output: &a.output,
        attempt: a.attempt,
        convert: a.convert,
        ocr: a.ocr,
        log: Some(a.log.clone()),
    };
    run_child(spec, &run, stop_check(a))
}

/// Why the attempt `a` must end now, if it must (asked between polls, beats the worker's
/// heartbeat): the daemon stops, or the job was canceled or removed meanwhile.
pub(crate) fn stop_check<'a>(a: &'a Attempt) -> impl FnMut() -> Option<Kill> + 'a {
    let mut next_check = Instant::now() + MANIFEST_POLL;
    move || {
        a.beat.beat();
        if matches!(a.control.mode(), Mode::Abort | Mode::Hard) {
            return Some(Kill::Interrupted);
        }
        let now = Instant::now();
        if now >= next_check {
            next_check = now + MANIFEST_POLL;
            match a.store.load(a.id) {
                Ok(m) if m.status == JobStatus::Canceled => return Some(Kill::Canceled),
                Err(crate::Error::JobNotFound { .. } | crate::Error::JobExpired { .. }) => {
                    return Some(Kill::Canceled);
                }
                _ => {}
            }
        }
        None
    }
}

/// Runs one conversion child to its end: killed at `convert.timeout`, or when `stop` (asked
/// between polls) says why it must end.
pub fn run_child(
    spec: &ChildSpec,
    a: &ChildRun,
    mut stop: impl FnMut() -> Option<Kill>,
) -> AttemptOutcome {
    let start = Instant::now();
    let mut child = match spawn(spec, a) {
        Ok(c) => c,
        Err(e) => {
            let msg = format!("cannot start the conversion child: {e}");
            return AttemptOutcome::Failed(Failure::new(Code::InternalError, msg, false));
        }
    };
    let pid = child.id() as libc::pid_t;
    let err = drain(child.stderr.take().expect("piped"), a.log.clone(), TAIL);
    let out = drain(child.stdout.take().expect("piped"), None, 1 << 20);
    let timeout = a.convert.timeout.0;
    let deadline = start + timeout;
    let pidfd = pidfd_open(pid);
    let mut pause = POLL_FIRST;
    let mut killed = None;
    while !exited(pid) {
        let now = Instant::now();
        killed = if now >= deadline {
            Some(Kill::Timeout)
        } else {
            stop()
        };
        if killed.is_some() {
            break;
        }
        match &pidfd {
            Some(fd) => wait_readable(fd, POLL.min(deadline - now)),
            None => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(POLL);
            }
        }
    }
    // Whatever happened, nothing the child started survives it.
    kill_group(pid);
    let ended = reap(pid);
    let elapsed = start.elapsed();
    let wait = Duration::from_secs(5);
    let tail = err.recv_timeout(wait).unwrap_or_default();
    let stdout = out.recv_timeout(wait).unwrap_or_default();
    let report = String::from_utf8_lossy(&stdout)
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str::<ChildReport>(l).ok());
    let tail = String::from_utf8_lossy(&tail).into_owned();
    classify(ended, report, &tail, killed, timeout, elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The watcher sees the child's exit at once, not at its next poll (it used to sleep up to
    /// 25 ms between looks, a third of a small document's conversion).
    #[test]
    fn child_exit_is_seen_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("child.sh");
        let mark = dir.path().join("exited");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nsleep 0.066\ndate +%s%N > {}\n", mark.display()),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let spec = ChildSpec { exe: script };
        let convert = ConvertConfig::default();
        let ocr = OcrConfig::default();
        let run = ChildRun {
            input: Path::new("/dev/null"),
            output: &dir.path().join("out.md"),
            attempt: 1,
            convert: &convert,
            ocr: &ocr,
            log: None,
        };
        let mut lags: Vec<f64> = (0..3)
            .map(|_| {
                let _ = run_child(&spec, &run, || None);
                let seen = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as f64;
                let exited: f64 = std::fs::read_to_string(&mark)
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap();
                (seen - exited) / 1e6
            })
            .collect();
        lags.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert!(lags[1] < 8.0, "exit seen {lags:?} ms late");
    }
}
