//! The properties the fuzz targets check, shared with `tests/fuzz_regressions.rs` (which replays
//! the seeds and every input a fuzzer found on stable, without cargo-fuzz). Each function panics
//! when the property does not hold; any panic or abort inside the code under test is a finding.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;

use mdspool::convert::{Builtin, ConvertOptions, Converter};
use mdspool::inbox::names::{Rules, glob_match};
use mdspool::inbox::validate::parse_sidecar;
use mdspool::store::Manifest;

/// The sidecar parser never panics, and a key it accepts is a safe file name.
pub fn sidecar(data: &[u8]) {
    let path = Path::new("fuzz.pdf.idem");
    if let Ok(s) = parse_sidecar(path, data)
        && let Some(k) = &s.key
    {
        for part in [&k.scope, &k.key] {
            assert!(!part.is_empty() && part.len() <= 128, "{part:?}");
            assert!(part != "." && part != "..", "{part:?}");
            assert!(
                part.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)),
                "{part:?}"
            );
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let rules = Rules::new(&["*.bak".to_string()]);
        let _ = rules.kind(text);
        if let Some((pattern, name)) = text.split_once('\n') {
            let _ = glob_match(pattern, name);
        }
    }
}

/// The manifest reader never panics, and what it accepts survives a write/read round trip.
pub fn manifest(data: &[u8]) {
    let path = Path::new("manifest.json");
    if let Ok(m) = Manifest::parse(path, data) {
        let again = Manifest::parse(path, &m.to_json()).expect("a parsed manifest re-reads");
        assert_eq!(m, again, "round trip");
    }
}

/// The PDF engine (through a temp file, as the conversion child runs it) and the PDF library
/// under it never panic on hostile bytes.
pub fn convert(data: &[u8]) {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(data).expect("write");
    let opts = ConvertOptions {
        max_stream_bytes: 16 << 20,
        ..ConvertOptions::default()
    };
    let _ = Builtin.convert(f.path(), &opts);
    if let Ok(doc) = pdf_oxide::PdfDocument::from_bytes(data.to_vec()) {
        let pages = doc.page_count().unwrap_or(0).min(4);
        for i in 0..pages {
            let _ = doc.extract_text(i);
        }
    }
}
