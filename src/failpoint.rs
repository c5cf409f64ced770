//! Crash points for tests: when the environment variable `MDSPOOL_FAILPOINT` names a point that the
//! code reaches, the process aborts there (as a SIGKILL or power cut would stop it). With
//! `MDSPOOL_FAILPOINT=name:N` it aborts on the N-th time the point is reached. An action after `=`
//! does something else than abort: `name=hang` stops the thread that reaches the point for good (a
//! stuck thread, for the watchdog tests), `name=sleep:MS` pauses it once for MS milliseconds (to
//! widen a race window). Costs one atomic load when unset.
//!
//! Only with the cargo feature `test-hooks` (on for `cargo test`). Without it, [`hit`] is an empty
//! inline function and the variable is never read: a release build has no crash points.

#[cfg(feature = "test-hooks")]
use std::sync::OnceLock;
#[cfg(feature = "test-hooks")]
use std::sync::atomic::{AtomicU64, Ordering};

#[cfg(feature = "test-hooks")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Abort,
    Hang,
    Sleep(u64),
}

#[cfg(feature = "test-hooks")]
struct Armed {
    name: String,
    nth: u64,
    action: Action,
    seen: AtomicU64,
}

#[cfg(feature = "test-hooks")]
fn parse(spec: &str) -> Armed {
    let (point, action) = match spec.split_once('=') {
        Some((p, a)) => (p, a),
        None => (spec, "abort"),
    };
    let (name, nth) = match point.split_once(':') {
        Some((n, k)) => (n.to_string(), k.parse().unwrap_or(1)),
        None => (point.to_string(), 1),
    };
    let action = match action.split_once(':') {
        _ if action == "hang" => Action::Hang,
        Some(("sleep", ms)) => Action::Sleep(ms.parse().unwrap_or(1000)),
        _ => Action::Abort,
    };
    Armed {
        name,
        nth,
        action,
        seen: AtomicU64::new(0),
    }
}

#[cfg(feature = "test-hooks")]
fn armed() -> Option<&'static Armed> {
    static ARMED: OnceLock<Option<Armed>> = OnceLock::new();
    ARMED
        .get_or_init(|| std::env::var("MDSPOOL_FAILPOINT").ok().map(|s| parse(&s)))
        .as_ref()
}

/// Aborts the process (or hangs or pauses the thread) if `name` is the armed point and its count
/// is reached.
#[cfg(feature = "test-hooks")]
pub fn hit(name: &str) {
    let Some(a) = armed() else { return };
    if a.name != name {
        return;
    }
    let n = a.seen.fetch_add(1, Ordering::SeqCst) + 1;
    match a.action {
        Action::Abort if n >= a.nth => {
            eprintln!("mdspool: crash point {name} reached (hit {n}), aborting");
            std::process::abort();
        }
        Action::Hang if n >= a.nth => {
            eprintln!("mdspool: fail point {name} reached, this thread hangs");
            loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            }
        }
        Action::Sleep(ms) if n == a.nth => {
            eprintln!("mdspool: fail point {name} reached, sleeping {ms} ms");
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        _ => {}
    }
}

/// Without the `test-hooks` feature there are no crash points.
#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
pub fn hit(_name: &str) {}

#[cfg(all(test, feature = "test-hooks"))]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() {
        let a = parse("worker.after_running");
        assert_eq!(
            (a.name.as_str(), a.nth, a.action),
            ("worker.after_running", 1, Action::Abort)
        );
        let a = parse("durable.before_rename:3");
        assert_eq!((a.nth, a.action), (3, Action::Abort));
        let a = parse("watcher.loop:5=hang");
        assert_eq!(
            (a.name.as_str(), a.nth, a.action),
            ("watcher.loop", 5, Action::Hang)
        );
        let a = parse("submit.after_stage=sleep:2500");
        assert_eq!((a.nth, a.action), (1, Action::Sleep(2500)));
    }
}
