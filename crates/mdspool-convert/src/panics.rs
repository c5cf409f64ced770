//! Who panicked: the PDF parser on hostile input, or our own code? A panic hook (installed once,
//! chained before the hook that was there) notes where each panic happened. `document::guarded` then
//! contains a panic located outside this crate (the parser: `pdf_malformed`, counted here) and lets
//! one located in this crate unwind on, out of the engine: that is a bug of ours, which the daemon
//! reports as `internal_error` with its location (and a fuzzer reports as a finding). A panic located
//! in the standard library itself (no caller location) is counted as the parser's.

use std::any::Any;
use std::cell::RefCell;
use std::panic::PanicHookInfo;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

/// Where the last panic of this thread happened.
pub(crate) struct Site {
    /// Located in this crate's own source.
    pub own: bool,
    /// `FILE:LINE:COL`.
    pub location: String,
}

thread_local! {
    static LAST: RefCell<Option<Site>> = const { RefCell::new(None) };
}

static PARSER_PANICS_OPEN: AtomicUsize = AtomicUsize::new(0);
static PARSER_PANICS_PAGE: AtomicUsize = AtomicUsize::new(0);
static OWN_PANICS: AtomicUsize = AtomicUsize::new(0);
static LAST_OWN: Mutex<Option<String>> = Mutex::new(None);

/// Panics inside the PDF parser that the engine contained in this process, by where they happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParserPanics {
    /// While opening a document (the document fails: `pdf_malformed`).
    pub open: usize,
    /// While reading one page (the page is skipped, the document reopened for the next ones).
    pub page: usize,
}

/// The counts since this process started.
pub fn parser_panics() -> ParserPanics {
    ParserPanics {
        open: PARSER_PANICS_OPEN.load(Ordering::Relaxed),
        page: PARSER_PANICS_PAGE.load(Ordering::Relaxed),
    }
}

/// Panics located in this crate's own code so far in this process.
pub(crate) fn own_count() -> usize {
    OWN_PANICS.load(Ordering::Relaxed)
}

/// `FILE:LINE:COL: MESSAGE` of the last panic located in this crate's own code, if any.
pub fn last_own_panic() -> Option<String> {
    LAST_OWN.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

pub(crate) fn count_parser_panic(what: &str) {
    let n = if what == "open" {
        &PARSER_PANICS_OPEN
    } else {
        &PARSER_PANICS_PAGE
    };
    n.fetch_add(1, Ordering::Relaxed);
}

/// The panic's message (`&str` or `String` payloads).
pub fn payload_text(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// This crate's source folder, as the compiler spells panic locations in it.
fn own_dir() -> &'static Path {
    Path::new(file!()).parent().unwrap_or(Path::new(""))
}

/// Install the recording hook once per process, in front of the one already there.
pub(crate) fn install() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            record(info);
            previous(info);
        }));
    });
}

fn record(info: &PanicHookInfo<'_>) {
    let loc = info.location();
    let own = loc.is_some_and(|l| Path::new(l.file()).starts_with(own_dir()));
    let location = loc
        .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
        .unwrap_or_else(|| "an unknown location".into());
    if own {
        OWN_PANICS.fetch_add(1, Ordering::Relaxed);
        let msg = payload_text(info.payload());
        if let Ok(mut last) = LAST_OWN.try_lock() {
            *last = Some(format!("{location}: {msg}"));
        }
    }
    let _ = LAST.try_with(|l| *l.borrow_mut() = Some(Site { own, location }));
}

/// Forget this thread's last panic (before a guarded call).
pub(crate) fn clear() {
    let _ = LAST.try_with(|l| l.borrow_mut().take());
}

/// This thread's last panic, if the hook saw one since [`clear`].
pub(crate) fn take_last() -> Option<Site> {
    LAST.try_with(|l| l.borrow_mut().take()).ok().flatten()
}

/// Tests only (`test-hooks` feature): `MDSPOOL_TEST_ENGINE_PANIC=WHERE` panics in our own code at
/// the step named `WHERE` (`page`: after a page's spans were read from the parser), to show that
/// such a panic is reported as ours (`internal_error`), not blamed on the PDF.
#[cfg(feature = "test-hooks")]
#[track_caller]
pub(crate) fn test_trigger(step: &str) {
    if std::env::var("MDSPOOL_TEST_ENGINE_PANIC").is_ok_and(|v| v == step) {
        panic!("MDSPOOL_TEST_ENGINE_PANIC={step}: a panic in the engine's own code");
    }
}
