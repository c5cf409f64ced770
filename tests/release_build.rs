//! The shipped binary has no test hooks: `cargo build --release --bin mdspool` (default features,
//! so no `test-hooks`) gives a binary that contains neither variable name and ignores both
//! `MDSPOOL_TEST_CONVERTER` (the fake converter) and `MDSPOOL_FAILPOINT` (the crash points). The
//! test binary, built with `test-hooks`, obeys both, which shows that the checks can fail.
//!
//! The release build shares the target directory with the test build (`target/release/`), so only
//! this package and the engine are compiled again when they changed.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::BIN as TEST_BIN;

/// Builds the release binary with default features and returns its path.
fn release_binary() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "build",
            "--release",
            "--bin",
            "mdspool",
            "--message-format=json",
        ])
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "cargo build --release failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in stdout.lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] == "compiler-artifact"
            && msg["target"]["name"] == "mdspool"
            && let Some(exe) = msg["executable"].as_str()
        {
            assert!(
                msg["features"].as_array().is_some_and(|f| f.is_empty()),
                "the release build has features: {}",
                msg["features"]
            );
            return PathBuf::from(exe);
        }
    }
    panic!("no mdspool executable in cargo's output:\n{stdout}");
}

fn run(bin: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = support::command_for(bin);
    c.args(args).envs(env.iter().copied());
    c.output().expect("run mdspool")
}

/// Whether `bytes` contain `needle` (std's substring search: fast even in an unoptimized test).
fn contains(bytes: &[u8], needle: &str) -> bool {
    String::from_utf8_lossy(bytes).contains(needle)
}

#[test]
fn release_binary_ignores_the_test_hooks() {
    let release = release_binary();
    let tmp = tempfile::tempdir().unwrap();
    // Not a PDF the engine can read: the built-in engine refuses it, the test converter echoes it.
    let pdf = tmp.path().join("doc.pdf");
    std::fs::write(&pdf, "%PDF-1.4\n%mdspool-test: stdout\n%%EOF\n").unwrap();
    let pdf = pdf.to_str().unwrap();

    // The variable names and the test converter's directive prefix are not in the binary at all.
    let bytes = std::fs::read(&release).unwrap();
    for name in [
        "MDSPOOL_TEST_CONVERTER",
        "MDSPOOL_FAILPOINT",
        "MDSPOOL_TEST_KERNEL_WITHOUT",
        "%mdspool-test:",
    ] {
        assert!(
            !contains(&bytes, name),
            "{name} is in {}",
            release.display()
        );
    }
    let test_bytes = std::fs::read(TEST_BIN).unwrap();
    assert!(contains(&test_bytes, "MDSPOOL_TEST_CONVERTER"));
    assert!(contains(&test_bytes, "MDSPOOL_FAILPOINT"));
    assert!(contains(&test_bytes, "MDSPOOL_TEST_KERNEL_WITHOUT"));

    // MDSPOOL_TEST_CONVERTER: the release binary converts with the real engine, which refuses the
    // file; the test binary uses the fake converter, which succeeds.
    let fake = [("MDSPOOL_TEST_CONVERTER", "1")];
    let r = run(&release, &["convert", pdf], &fake);
    assert_eq!(r.status.code(), Some(7), "release convert: {r:?}");
    assert!(String::from_utf8_lossy(&r.stderr).contains("pdf_malformed"));
    let t = run(Path::new(TEST_BIN), &["convert", pdf], &fake);
    assert_eq!(t.status.code(), Some(0), "test convert: {t:?}");

    // MDSPOOL_FAILPOINT: the release binary admits the job; the test binary aborts at the point.
    let crash = [("MDSPOOL_FAILPOINT", "admit.after_record")];
    let submit = |bin: &Path, root: &str| {
        let root = tmp.path().join(root);
        let args = [
            "--root",
            root.to_str().unwrap(),
            "submit",
            pdf,
            "--key",
            "k",
        ];
        run(bin, &args, &crash)
    };
    let r = submit(&release, "release-root");
    assert_eq!(r.status.code(), Some(0), "release submit: {r:?}");
    let t = submit(Path::new(TEST_BIN), "test-root");
    assert_eq!(t.status.code(), None, "test submit did not abort: {t:?}");
}
