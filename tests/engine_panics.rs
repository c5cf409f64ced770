//! Panics that count: the built-in engine contains only the PDF library's panics (`pdf_malformed`,
//! the input's fault); a panic in the engine's own code is a bug of ours and ends as
//! `internal_error` with its location, in `mdspool convert` and in the daemon, never blamed on the
//! PDF. The trigger `MDSPOOL_TEST_ENGINE_PANIC=page` (built only with the `test-hooks` feature)
//! panics in the engine's own page code, after the library has read the page.
//!
//! Seen failing on the old engine (the whole conversion inside one `catch_unwind` that turned any
//! panic into `pdf_malformed`): with the trigger placed in the old `page_inner`, `mdspool convert`
//! exited 7 with `error[pdf_malformed]: ... parser panicked in page` and the daemon's job failed
//! `pdf_malformed` after one attempt.

mod support;

use std::path::Path;
use std::time::Duration;

use support::{Root, wait_until};

const CONFIG: &str = r#"
[workers]
count = 1
max_attempts = 2
backoff = "100ms"
backoff_max = "200ms"
rescan = "200ms"
# The strict sandbox gives the conversion child an empty environment: the trigger would not reach it.
[convert]
sandbox = "off"
"#;

const TRIGGER: (&str, &str) = ("MDSPOOL_TEST_ENGINE_PANIC", "page");

#[test]
fn a_panic_in_the_engines_own_code_is_internal_error_in_mdspool_convert() {
    let r = Root::with_engine(CONFIG);
    let pdf = r.outside("text.pdf");
    std::fs::write(&pdf, support::pdf("Some text", &[])).unwrap();
    let path = pdf.to_str().unwrap();
    // Without the trigger the file converts: the failure below is the trigger's alone.
    let ok = r.run(&["convert", path], &[]);
    assert!(ok.status.success(), "{ok:?}");
    let o = r.run(&["convert", path], &[TRIGGER]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[internal_error]"), "{stderr}");
    assert!(!stderr.contains("pdf_malformed"), "{stderr}");
    // Logged with its location (the panic hook's line, and the error message).
    let at = "panicked at crates/mdspool-convert/src/reader.rs:";
    assert!(stderr.contains(at), "{stderr}");
}

#[test]
fn a_panic_in_the_engines_own_code_fails_the_job_with_internal_error() {
    let r = Root::with_engine(CONFIG);
    let pdf = r.outside("text.pdf");
    std::fs::write(&pdf, support::pdf("Some text", &[])).unwrap();
    let out = r.mdspool(&["submit", pdf.to_str().unwrap(), "--key", "own-bug"]);
    assert!(out.status.success(), "{out:?}");
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let d = r.start(&[], &[TRIGGER]);
    wait_until(Duration::from_secs(60), "the job ended", || {
        matches!(r.status(&id).as_str(), "succeeded" | "failed")
    });
    let m = r.manifest(&id);
    assert_eq!(m["status"], "failed", "{m}");
    assert_eq!(m["error"]["code"], "internal_error", "{m}");
    let msg = m["error"]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("crates/mdspool-convert/src/reader.rs:"),
        "no location in {msg}"
    );
    let log = r.run_log(&id);
    assert!(
        log.contains("panicked at crates/mdspool-convert/src/reader.rs:"),
        "{log}"
    );
    assert!(d.stop().is_some_and(|s| s.success()));
}

#[test]
fn a_panic_inside_the_pdf_library_stays_pdf_malformed() {
    let r = Root::with_engine(CONFIG);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/convert");
    // One panics in the library while opening, the other while reading a page.
    for (name, step) in [
        ("pdf_oxide-document-25363-obj-keyword.pdf", "open"),
        ("pdf_oxide-cmap-char-boundary-156beed4", "page"),
    ] {
        let o = r.run(&["convert", fixtures.join(name).to_str().unwrap()], &[]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(7), "{name}: {stderr}");
        assert!(stderr.contains("error[pdf_malformed]"), "{name}: {stderr}");
        let what = format!("parser panicked in {step} at ");
        assert!(stderr.contains(&what), "{name}: {stderr}");
        assert!(stderr.contains("/pdf_oxide-"), "{name}: {stderr}");
    }
}
