//! Crash points for tests: when the environment variable `MDSPOOL_FAILPOINT` names a point that the
//! code reaches, the process aborts there (as a SIGKILL or power cut would stop it). With
//! `MDSPOOL_FAILPOINT=name:N` it aborts on the N-th time the point is reached. Costs one atomic load
//! when unset.
//!
//! Only with the cargo feature `test-hooks` (on for `cargo test`). Without it, [`hit`] is an empty
//! inline function and the variable is never read: a release build has no crash points.

#[cfg(feature = "test-hooks")]
use std::sync::OnceLock;
#[cfg(feature = "test-hooks")]
use std::sync::atomic::{AtomicU64, Ordering};

#[cfg(feature = "test-hooks")]
struct Armed {
    name: String,
    nth: u64,
    seen: AtomicU64,
}

#[cfg(feature = "test-hooks")]
fn armed() -> Option<&'static Armed> {
    static ARMED: OnceLock<Option<Armed>> = OnceLock::new();
    ARMED
        .get_or_init(|| {
            let spec = std::env::var("MDSPOOL_FAILPOINT").ok()?;
            let (name, nth) = match spec.split_once(':') {
                Some((n, k)) => (n.to_string(), k.parse().unwrap_or(1)),
                None => (spec, 1),
            };
            Some(Armed {
                name,
                nth,
                seen: AtomicU64::new(0),
            })
        })
        .as_ref()
}

/// Aborts the process if `name` is the armed crash point (and its count is reached).
#[cfg(feature = "test-hooks")]
pub fn hit(name: &str) {
    if let Some(a) = armed()
        && a.name == name
        && a.seen.fetch_add(1, Ordering::SeqCst) + 1 >= a.nth
    {
        eprintln!("mdspool: crash point {name} reached, aborting");
        std::process::abort();
    }
}

/// Without the `test-hooks` feature there are no crash points.
#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
pub fn hit(_name: &str) {}
