//! Outcome tests: encrypted files (owner-password-only converts, user password is `pdf_encrypted`),
//! pages without any text (`no_text_layer`), broken and missing input, and the external converter.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use std::path::{Path, PathBuf};

use mdspool_convert::external::ExternalConverter;
use mdspool_convert::{Builtin, ConvertError, ConvertOptions, Converter};
use pdfwriter::{PageSpec, build, convert};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pdf")
        .join(name)
}

#[test]
fn owner_password_only_files_convert() {
    for name in ["owner_only_rc4.pdf", "owner_only_aes256.pdf"] {
        let out = Builtin
            .convert(&fixture(name), &ConvertOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            out.markdown, "# Secret Plans\n\nOnly the owner may print this file.\n",
            "{name}"
        );
    }
}

#[test]
fn user_password_is_reported_as_encrypted() {
    let err = Builtin
        .convert(&fixture("user_password.pdf"), &ConvertOptions::default())
        .expect_err("needs a password");
    assert_eq!(err.code(), "pdf_encrypted");
    assert!(err.is_permanent());
}

#[test]
fn scanned_like_pages_have_no_text_layer() {
    let mut p = PageSpec::default();
    p.filled_rect(50.0, 50.0, 500.0, 700.0);
    let q = PageSpec::default();
    let err =
        convert(&build(&[p, q], None, None), &ConvertOptions::default()).expect_err("no text");
    assert_eq!(err.code(), "no_text_layer");
    assert!(
        matches!(err, ConvertError::NoTextLayer { pages: 2, .. }),
        "{err:?}"
    );
}

#[test]
fn garbage_truncated_and_missing_input_fail_with_codes() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.pdf");
    std::fs::write(&garbage, b"this is not a PDF at all").unwrap();
    let e = Builtin
        .convert(&garbage, &ConvertOptions::default())
        .unwrap_err();
    assert_eq!(e.code(), "pdf_malformed");

    // A valid file cut in half must end in a code (or convert what is left), never panic.
    let mut p = PageSpec::default();
    p.text(pdfwriter::REG, 10.0, 72.0, 700.0, "Half a document.");
    let full = build(&[p], None, None);
    let truncated = dir.path().join("truncated.pdf");
    std::fs::write(&truncated, &full[..full.len() / 2]).unwrap();
    if let Err(e) = Builtin.convert(&truncated, &ConvertOptions::default()) {
        assert!(
            ["pdf_malformed", "no_text_layer"].contains(&e.code()),
            "{e}"
        );
    }

    let e = Builtin
        .convert(&dir.path().join("missing.pdf"), &ConvertOptions::default())
        .unwrap_err();
    assert_eq!(e.code(), "io_error");
    assert!(!e.is_permanent());
}

#[test]
fn external_converter_reads_output_and_reports_failures() {
    let input = fixture("owner_only_rc4.pdf");
    let opts = ConvertOptions::default();
    // Writes into {outdir}; the result is found by pattern.
    let ok = ExternalConverter::new(
        vec![
            "sh".into(),
            "-c".into(),
            "printf '# From %s\\n' \"$(basename \"$0\")\" > \"$1/result.md\"".into(),
            "{input}".into(),
            "{outdir}".into(),
        ],
        None,
    );
    let out = ok.convert(&input, &opts).expect("external converts");
    assert_eq!(out.markdown, "# From owner_only_rc4.pdf\n");
    assert_eq!(out.stats.pages, 1);
    assert_eq!(ok.name(), "external");

    // Writes to {output} directly.
    let direct = ExternalConverter::new(
        vec![
            "sh".into(),
            "-c".into(),
            "echo direct > \"$0\"".into(),
            "{output}".into(),
        ],
        Some("*.txt".into()),
    );
    assert_eq!(direct.convert(&input, &opts).unwrap().markdown, "direct\n");

    let failing = ExternalConverter::new(
        vec!["sh".into(), "-c".into(), "echo boom >&2; exit 3".into()],
        None,
    );
    let e = failing.convert(&input, &opts).unwrap_err();
    assert_eq!(e.code(), "external_converter_failed");
    assert!(e.to_string().contains("boom"), "{e}");

    let nothing = ExternalConverter::new(vec!["true".into()], None);
    assert_eq!(
        nothing.convert(&input, &opts).unwrap_err().code(),
        "external_converter_failed"
    );
}
