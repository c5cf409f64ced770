//! Manifests written by earlier releases stay readable: every format ever written has a fixture in
//! tests/fixtures/ that this release must parse with the meaning it had.

use std::path::Path;

use mdspool::store::{JobStatus, Manifest};

#[test]
fn schema_v1_fixture_parses() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/manifest-v1.json");
    let m = Manifest::parse(&path, &std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(m.schema_version, 1);
    assert_eq!(m.job_id.to_string(), "3b0a4c52-8f0e-4f3e-9a51-6a2d1c7e9b10");
    assert_eq!(m.status, JobStatus::Succeeded);
    assert_eq!(m.idempotency.key, "invoice-2026-0042");
    assert_eq!(m.attempts, 1);
    assert_eq!(m.pages, Some(3));
    assert_eq!(m.client.as_ref().unwrap()["department"], "billing");
    assert!(m.error.is_none());
    // Written before OCR existed: no OCR fields, and none written back.
    assert!(!m.ocr && m.ocr_pages.is_empty() && m.ocr_mean_confidence.is_none());
    assert!(!String::from_utf8_lossy(&m.to_json()).contains("ocr"));
    // Writing it back and reading again is lossless.
    let again = Manifest::parse(&path, &m.to_json()).unwrap();
    assert_eq!(again, m);
}

#[test]
fn schema_v1_with_ocr_fields_parses() {
    // Version 1 with the optional fields of a job whose pages were read by OCR.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/manifest-v1-ocr.json");
    let m = Manifest::parse(&path, &std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(m.schema_version, 1);
    assert!(m.ocr);
    assert_eq!(m.ocr_pages, vec![2, 3]);
    assert_eq!(m.ocr_mean_confidence, Some(91.5));
    assert_eq!(m.ocr_languages, vec!["eng".to_string(), "deu".to_string()]);
    let again = Manifest::parse(&path, &m.to_json()).unwrap();
    assert_eq!(again, m);
}
