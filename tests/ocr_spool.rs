//! OCR through the spool, with the real tesseract and pdftoppm: the daemon's conversion child reads
//! a scanned drop (inside its time and memory limits), the manifest records `ocr`, the pages, the
//! mean word confidence and the languages, a confidence under `ocr.min_confidence` is a warning in
//! the manifest and `run.log`, and with `[ocr] enabled = false` (or a missing `ocr.command`) the same
//! scan is `no_text_layer` as before. The scan is made at test time from a page of the committed
//! sample corpus. Checked against breakage: with `converter::options` leaving `ocr` unset, the
//! daemon test fails with `no_text_layer`.

#[path = "../crates/mdspool-convert/tests/support/scanpdf.rs"]
mod scanpdf;
mod support;

// `scanpdf` writes its PDFs with `pdfwriter::assemble`.
use support::pdfwriter;

use std::path::Path;
use std::time::Duration;

use support::fs::job_with_key;
use support::{Root, wait_until};

const T: Duration = Duration::from_secs(120);

/// A one-page sample document (title, headings, paragraphs), rendered at 200 dpi and wrapped as an
/// image-only PDF.
fn scan() -> Vec<u8> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/corpus/sample/writer/s1-002.pdf");
    let pgm = scanpdf::render(&std::fs::read(src).unwrap(), 200);
    scanpdf::build(&[scanpdf::Sheet::Image {
        pgm,
        w: 612.0,
        h: 792.0,
    }])
}

#[test]
fn daemon_reads_a_scan_and_records_ocr_in_the_manifest() {
    if !scanpdf::ocr_available() {
        return;
    }
    // A confidence no scan reaches: the job still succeeds, with a warning.
    let r = Root::with_engine(
        "[workers]\nrescan = \"200ms\"\n[ocr]\nenabled = true\nmin_confidence = 99.9\n",
    );
    let src = r.outside("scan.pdf");
    std::fs::write(&src, scan()).unwrap();
    let d = r.start(&[], &[]);
    assert!(d.wait_log("daemon started", T), "{}", d.log_text());
    let out = r.mdspool(&["submit", src.to_str().unwrap(), "--key", "scan-1"]);
    assert!(out.status.success(), "{out:?}");
    let m = wait_until(T, "the scan converted", || {
        job_with_key(r.path(), "scan-1")
            .filter(|m| m["status"] == "succeeded" || m["status"] == "failed")
    });
    assert_eq!(m["status"], "succeeded", "{m}\n{}", d.log_text());
    assert_eq!(m["ocr"], true, "{m}");
    assert_eq!(m["ocr_pages"], serde_json::json!([1]), "{m}");
    assert_eq!(m["ocr_languages"], serde_json::json!(["eng"]), "{m}");
    let conf = m["ocr_mean_confidence"].as_f64().unwrap_or(0.0);
    assert!(conf > 80.0 && conf < 99.9, "{m}");
    let warnings = m["warnings"].to_string();
    assert!(warnings.contains("low OCR confidence"), "{m}");
    let job = r.path().join("jobs").join(m["job_id"].as_str().unwrap());
    let md = std::fs::read_to_string(job.join("artifacts/output.md")).unwrap();
    assert!(
        md.starts_with("# Shallow Amplitude Humidity Library Orbit\n"),
        "{md}"
    );
    assert!(md.lines().any(|l| l.starts_with("## ")), "{md}");
    // run.log gets the attempt's result just after the manifest does.
    let log = wait_until(T, "the result in run.log", || {
        std::fs::read_to_string(job.join("logs/run.log"))
            .ok()
            .filter(|l| l.contains("result: succeeded"))
    });
    assert!(log.contains("OCR read page(s) [1]"), "{log}");
    assert!(log.contains("warning: low OCR confidence"), "{log}");
    d.stop();
}

#[test]
fn without_ocr_a_scan_is_no_text_layer() {
    if !scanpdf::ocr_available() {
        return;
    }
    for toml in [
        "[ocr]\nenabled = false\n",
        "[ocr]\nenabled = true\ncommand = \"/nonexistent/tesseract\"\n",
    ] {
        let r = Root::with_engine(toml);
        let src = r.outside("scan.pdf");
        std::fs::write(&src, scan()).unwrap();
        let o = r.mdspool(&["convert", src.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(7), "{toml}: {o:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("no_text_layer") && err.contains("1 page(s)"),
            "{toml}: {err}"
        );
    }
}
