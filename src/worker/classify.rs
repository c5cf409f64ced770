//! How an attempt ended, as the worker records it: the failure classes with their stable codes
//! (`conversion_timeout`, `conversion_memory_limit`, `conversion_crashed`, `conversion_killed`,
//! `conversion_sandbox_violation`, `internal_error`, and the
//! converter's own `pdf_malformed`, `pdf_encrypted`, `no_text_layer`...) and whether each is
//! permanent (never retried) or transient (retried with backoff). See docs/design.md.

use std::time::Duration;

use crate::code::Code;
use crate::worker::child::ChildReport;
use crate::worker::sandbox::{SECCOMP_DENIED, SIGSYS_EXIT};

/// A failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: Code,
    pub message: String,
    /// Permanent failures are not retried.
    pub permanent: bool,
}

impl Failure {
    pub fn new(code: Code, message: impl Into<String>, permanent: bool) -> Failure {
        Failure {
            code,
            message: message.into(),
            permanent,
        }
    }
}

#[derive(Debug)]
pub enum AttemptOutcome {
    /// The Markdown is in the temp file `output`, synced.
    Converted {
        report: ChildReport,
        elapsed: Duration,
    },
    Failed(Failure),
    /// The manifest was changed to `canceled` (or the job vanished) while the child ran.
    Canceled,
    /// The daemon is stopping: the child was killed.
    Interrupted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kill {
    Timeout,
    Canceled,
    Interrupted,
}

/// How the child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    Exited(i32),
    Signaled(i32),
}

fn last_line(tail: &str) -> &str {
    tail.lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

fn memory_hint(tail: &str) -> bool {
    [
        "memory allocation of",
        "out of memory",
        "Cannot allocate memory",
    ]
    .iter()
    .any(|h| tail.contains(h))
}

fn signal_name(sig: i32) -> String {
    match sig {
        libc::SIGKILL => "SIGKILL".into(),
        libc::SIGSEGV => "SIGSEGV".into(),
        libc::SIGABRT => "SIGABRT".into(),
        libc::SIGBUS => "SIGBUS".into(),
        libc::SIGXCPU => "SIGXCPU".into(),
        libc::SIGSYS => "SIGSYS".into(),
        n => format!("signal {n}"),
    }
}

/// Maps how the child ended to an outcome (the failure classes of docs/design.md).
pub(crate) fn classify(
    ended: Ended,
    report: Option<ChildReport>,
    tail: &str,
    killed: Option<Kill>,
    timeout: Duration,
    elapsed: Duration,
) -> AttemptOutcome {
    match killed {
        Some(Kill::Canceled) => return AttemptOutcome::Canceled,
        Some(Kill::Interrupted) => return AttemptOutcome::Interrupted,
        Some(Kill::Timeout) => {
            let msg = format!("conversion still running after {timeout:?} (convert.timeout)");
            return AttemptOutcome::Failed(Failure::new(Code::ConversionTimeout, msg, false));
        }
        None => {}
    }
    match (ended, report) {
        (Ended::Exited(0), Some(r)) if r.ok => AttemptOutcome::Converted { report: r, elapsed },
        (_, Some(r)) if !r.ok => {
            let code = r.code.unwrap_or(Code::InternalError);
            let message = r.message.unwrap_or_default();
            AttemptOutcome::Failed(Failure::new(code, message, r.permanent))
        }
        // SIGSYS is seccomp's (`sandbox/sigsys.rs`): its handler named the call on stderr (and
        // exits with SIGSYS_EXIT after it, should the signal not end the child).
        (Ended::Signaled(libc::SIGSYS), _) | (Ended::Exited(SIGSYS_EXIT), _)
            if ended == Ended::Signaled(libc::SIGSYS) || tail.contains(SECCOMP_DENIED) =>
        {
            let line = tail
                .lines()
                .rev()
                .find(|l| l.contains(SECCOMP_DENIED))
                .map(str::trim)
                .unwrap_or("sandbox: killed by SIGSYS (a system call the seccomp filter forbids)");
            AttemptOutcome::Failed(Failure::new(Code::ConversionSandboxViolation, line, true))
        }
        (Ended::Signaled(libc::SIGXCPU), _) => {
            let msg = "conversion used up its CPU-time limit (convert.timeout)";
            AttemptOutcome::Failed(Failure::new(Code::ConversionTimeout, msg, false))
        }
        // Our limits never send SIGKILL: `RLIMIT_AS` makes an allocation fail (the hint below),
        // `RLIMIT_CPU` sends SIGXCPU first, and our own kills (timeout, cancel, shutdown) are known
        // above. A SIGKILL without that hint came from outside (the OOM killer, an operator): not
        // this PDF's fault, so it is retried.
        (Ended::Signaled(libc::SIGKILL), _) if !memory_hint(tail) => {
            let msg = format!(
                "conversion child killed by SIGKILL from outside (the kernel's OOM killer, an \
                 operator); not one of mdspool's limits: {}",
                last_line(tail)
            );
            AttemptOutcome::Failed(Failure::new(Code::ConversionKilled, msg, false))
        }
        (Ended::Signaled(sig), _) if memory_hint(tail) => {
            let what = tail
                .lines()
                .find(|l| memory_hint(l))
                .unwrap_or_else(|| last_line(tail));
            let msg = format!(
                "conversion child killed by {} after running out of memory (convert.max_memory): {}",
                signal_name(sig),
                what.trim()
            );
            AttemptOutcome::Failed(Failure::new(Code::ConversionMemoryLimit, msg, true))
        }
        (Ended::Signaled(sig), _) => {
            let msg = format!(
                "conversion child died by {}: {}",
                signal_name(sig),
                last_line(tail)
            );
            AttemptOutcome::Failed(Failure::new(Code::ConversionCrashed, msg, false))
        }
        (Ended::Exited(code), _) => {
            let msg = if tail.contains("panicked at") {
                let mut lines = tail.lines().skip_while(|l| !l.contains("panicked at"));
                let line = lines.next().unwrap_or_default().trim();
                // `... panicked at LOC: MESSAGE` (our hook), or `... panicked at LOC:` and the
                // message on the next line (the default hook).
                let (at, payload) = match line.strip_suffix(':') {
                    Some(at) => (at, lines.next().unwrap_or_default().trim()),
                    None => line.split_once(": ").unwrap_or((line, "")),
                };
                format!("converter panicked: {payload} ({at})")
            } else {
                let msg = format!(
                    "conversion child exited with status {code} without a result: {}",
                    last_line(tail)
                );
                return AttemptOutcome::Failed(Failure::new(Code::InternalError, msg, false));
            };
            AttemptOutcome::Failed(Failure::new(Code::ConversionCrashed, msg, false))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::ConvertCode;

    fn code(o: AttemptOutcome) -> (Code, bool) {
        match o {
            AttemptOutcome::Failed(f) => (f.code, f.permanent),
            other => panic!("not a failure: {other:?}"),
        }
    }

    #[test]
    fn failure_classes() {
        let t = Duration::from_secs(1);
        let c = |e, tail: &str, k| code(classify(e, None, tail, k, t, t));
        assert_eq!(
            c(Ended::Exited(101), "thread 'main' panicked at x", None),
            (Code::ConversionCrashed, false)
        );
        assert_eq!(
            c(
                Ended::Signaled(libc::SIGABRT),
                "memory allocation of 16777216 bytes failed\n",
                None
            ),
            (Code::ConversionMemoryLimit, true)
        );
        // An outside SIGKILL (seen failing: it was conversion_memory_limit, permanent).
        assert_eq!(
            c(Ended::Signaled(libc::SIGKILL), "", None),
            (Code::ConversionKilled, false)
        );
        assert_eq!(
            c(
                Ended::Signaled(libc::SIGKILL),
                "memory allocation of 16777216 bytes failed\n",
                None
            ),
            (Code::ConversionMemoryLimit, true)
        );
        assert_eq!(
            c(Ended::Signaled(libc::SIGSEGV), "", None),
            (Code::ConversionCrashed, false)
        );
        assert_eq!(
            c(Ended::Signaled(libc::SIGKILL), "", Some(Kill::Timeout)),
            (Code::ConversionTimeout, false)
        );
        assert_eq!(
            c(Ended::Signaled(libc::SIGXCPU), "", None),
            (Code::ConversionTimeout, false)
        );
        let r = ChildReport {
            converter: "test".into(),
            converter_version: "1".into(),
            ok: false,
            stats: None,
            output_bytes: None,
            code: Some(Code::Convert(ConvertCode::NoTextLayer)),
            message: Some("scanned".into()),
            permanent: true,
        };
        let o = classify(Ended::Exited(7), Some(r), "", None, t, t);
        assert_eq!(code(o), (Code::Convert(ConvertCode::NoTextLayer), true));
        let tail = "converter test 1\nsandbox: seccomp denied system call socket (41); the conversion child is stopped\n";
        let o = classify(Ended::Signaled(libc::SIGSYS), None, tail, None, t, t);
        match o {
            AttemptOutcome::Failed(f) => {
                assert_eq!(
                    (f.code, f.permanent),
                    (Code::ConversionSandboxViolation, true)
                );
                assert!(f.message.contains("system call socket"), "{}", f.message);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            c(Ended::Signaled(libc::SIGSYS), "", None),
            (Code::ConversionSandboxViolation, true)
        );
        assert!(matches!(
            classify(Ended::Signaled(9), None, "", Some(Kill::Canceled), t, t),
            AttemptOutcome::Canceled
        ));
    }
}
