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

/// A PDF of three pages whose second page uses a font with the ToUnicode CMap that panics the
/// library (`cmap.rs:817`, from the fuzz fixture): objects 4-10 of the fixture, pages 1 and 3 in
/// Helvetica.
fn three_pages_one_panicking() -> Vec<u8> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/convert");
    let fx = std::fs::read(fixtures.join("pdf_oxide-cmap-char-boundary-156beed4")).unwrap();
    let find = |hay: &[u8], pat: &[u8], from: usize| {
        hay[from..]
            .windows(pat.len())
            .position(|w| w == pat)
            .map(|p| p + from)
            .unwrap()
    };
    // The body of object `n` of the fixture (between `n 0 obj` and `endobj`).
    let body = |n: u32| -> Vec<u8> {
        let start = find(&fx, format!("\n{n} 0 obj").as_bytes(), 0) + 1;
        let start = find(&fx, b"obj", start) + 3;
        let end = find(&fx, b"endobj", start);
        fx[start..end].trim_ascii().to_vec()
    };
    // The CMap stream: its data re-measured (the fixture's /Length is off).
    let cmap = body(9);
    let data_at = find(&cmap, b"stream", 0) + b"stream".len();
    let data_end = find(&cmap, b"endstream", data_at);
    let data = cmap[data_at..data_end].trim_ascii();
    let stream = |d: &[u8]| {
        let mut s = format!("<</Length {}>>\nstream\n", d.len()).into_bytes();
        s.extend_from_slice(d);
        s.extend_from_slice(b"\nendstream");
        s
    };
    let text = |t: &str| stream(format!("BT /F2 12 Tf 72 700 Td ({t}) Tj ET").as_bytes());
    let page = |content: u32, fonts: &str| {
        format!(
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</Font<<{fonts}>>>>/Contents {content} 0 R>>"
        )
        .into_bytes()
    };
    // The fixture's font refers to its objects 4-8 and its CMap (9): here objects 12-16 and 6 (in
    // this order, no new reference is rewritten again).
    let mut font = String::from_utf8_lossy(&body(10)).into_owned();
    for (old, new) in [(4, 12), (5, 13), (6, 14), (7, 15), (8, 16), (9, 6)] {
        font = font.replace(&format!("{old} 0 R"), &format!("{new} 0 R"));
    }
    let mut objs: Vec<Vec<u8>> = vec![
        b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
        b"<</Type/Pages/Count 3/Kids[3 0 R 4 0 R 5 0 R]>>".to_vec(),
        page(9, "/F2 8 0 R"),
        page(10, "/F1 7 0 R/F2 8 0 R"),
        page(11, "/F2 8 0 R"),
        stream(data),
        font.into_bytes(),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>".to_vec(),
        text("First page before the broken one."),
        stream(
            b"BT /F2 12 Tf 72 700 Td (Second page.) Tj ET BT /F1 14 Tf 72 650 Td <03ED03EE> Tj ET",
        ),
        text("Third page after the broken one."),
    ];
    objs.extend((4..=8).map(body));
    support::pdfwriter::assemble(b"%PDF-1.7\n", &objs, "/Root 1 0 R")
}

/// After a panic inside the library while a page is read, that document object is not used again:
/// it is reopened before the next page is read. (This library builds document-wide caches on a
/// page's first read, scanning every page, so here every page meets the broken font, each on a
/// fresh document, and the file ends `pdf_malformed`.) Seen failing with the reopening removed
/// (`reopen_after_panic` a no-op): no `document reopened` line.
#[test]
fn a_document_is_reopened_after_a_panic_inside_the_library() {
    let r = Root::with_engine(CONFIG);
    let pdf = r.outside("three.pdf");
    std::fs::write(&pdf, three_pages_one_panicking()).unwrap();
    let o = r.run(
        &["convert", pdf.to_str().unwrap()],
        &[("RUST_LOG", "mdspool_convert=debug")],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(7), "{stderr}");
    assert!(stderr.contains("error[pdf_malformed]"), "{stderr}");
    assert!(stderr.contains("parser panicked in page at "), "{stderr}");
    let reopened = stderr
        .lines()
        .filter(|l| {
            l.contains("document reopened after a parser panic") && l.contains("reopened=true")
        })
        .count();
    assert!(reopened >= 2, "{reopened} reopenings:\n{stderr}");
}
