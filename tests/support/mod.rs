//! The one support module of the integration tests (`mod support;` in each test file):
//!
//! - [`command`]: the `mdspool` binary under test with the one environment clean-up;
//! - [`Root`]: a temp storage root, its commands, jobs and store; [`Daemon`]: `mdspool run`,
//!   killed and reaped when dropped (spawn, stop, kill, wait_exit);
//! - [`wait_until`] / [`poll`]: the one deadline wait;
//! - [`fs`]: the one tree walk, drops written the way the protocol asks, readers of the store's
//!   files; [`pdf`]: the one PDF builder (`pdfwriter`, shared with the engine's tests);
//! - [`image`]: a loop-mounted ext4 image the power-cut test cuts; [`proc`]: /proc checks of
//!   conversion children; [`servers`]: real smbd and sshd on loopback for the share tests, and
//!   their clients; [`skip`]: the one way a test gives up for want of a prerequisite (a failure
//!   under `CI=true` unless `.ci/run` declares it); [`torture`]: the random client and the
//!   invariants of the torture tests; [`fuzz_checks`]: the fuzz targets' properties.
#![allow(dead_code, unused_imports)]

pub mod cluster;
pub mod daemon;
pub mod fs;
pub mod fuzz_checks;
pub mod image;
#[path = "../../crates/mdspool-convert/tests/support/pdfwriter.rs"]
pub mod pdfwriter;
pub mod proc;
pub mod root;
pub mod servers;
pub mod skip;
pub mod torture;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub use daemon::Daemon;
pub use root::Root;

/// The binary under test (built with the `test-hooks` feature).
pub const BIN: &str = env!("CARGO_BIN_EXE_mdspool");

/// `mdspool` with the one environment clean-up: nothing the caller's environment says about
/// mdspool (`MDSPOOL_*`, older products' root variables) reaches it, and panics print no backtrace.
pub fn command() -> Command {
    command_for(Path::new(BIN))
}

/// The `--help` text of `mdspool ARGS…` (which must exit 0).
pub fn help(args: &[&str]) -> String {
    let o = command().args(args).arg("--help").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{args:?}: {o:?}");
    String::from_utf8(o.stdout).unwrap()
}

/// Another `mdspool` binary (a release build), with the same clean-up.
pub fn command_for(bin: &Path) -> Command {
    let mut c = Command::new(bin);
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy();
        if k.starts_with("MDSPOOL_")
            || k == "CONVERTER_STORAGE_ROOT"
            || k == "SIR_CONVERT_A_LOT_DATA_DIR"
        {
            c.env_remove(&*k);
        }
    }
    c.env("RUST_BACKTRACE", "0");
    c
}

/// What a polled condition returns: `bool` (held or not) or `Option<T>` (a value once ready).
pub trait Ready {
    type Out;
    fn ready(self) -> Option<Self::Out>;
}

impl Ready for bool {
    type Out = ();
    fn ready(self) -> Option<()> {
        self.then_some(())
    }
}

impl<T> Ready for Option<T> {
    type Out = T;
    fn ready(self) -> Option<T> {
        self
    }
}

/// Polls `f` every 20 ms until it is ready or `limit` passed (it is always tried at least once).
pub fn poll<R: Ready>(limit: Duration, mut f: impl FnMut() -> R) -> Option<R::Out> {
    let end = Instant::now() + limit;
    loop {
        if let Some(v) = f().ready() {
            return Some(v);
        }
        if Instant::now() >= end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// [`poll`], panicking with `what` when `limit` passes first.
pub fn wait_until<R: Ready>(limit: Duration, what: &str, f: impl FnMut() -> R) -> R::Out {
    poll(limit, f).unwrap_or_else(|| panic!("timed out after {limit:?} waiting for: {what}"))
}

/// The one PDF builder for the spool's tests: a one-page PDF (written by [`pdfwriter`]) whose
/// text is `tag`, followed by one `%mdspool-test: DIRECTIVE` comment line per directive (after
/// `%%EOF`, so the file stays valid): the test converter obeys them (`src/worker/testconv.rs`),
/// the built-in engine reads the text. Equal arguments give equal bytes.
pub fn pdf(tag: &str, directives: &[&str]) -> Vec<u8> {
    let mut page = pdfwriter::PageSpec::default();
    let text = if tag.is_empty() { "mdspool test" } else { tag };
    page.text(pdfwriter::REG, 12.0, 72.0, 720.0, text);
    let mut b = pdfwriter::build(&[page], None, None);
    for d in directives {
        b.extend_from_slice(format!("%mdspool-test: {d}\n").as_bytes());
    }
    b
}
