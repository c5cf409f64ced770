//! `mdspool convert` as a user runs it: the Markdown lands where `-o` says, and stderr carries no
//! chatter of the PDF library (its font-loading INFO lines, its errors), only what mdspool itself has
//! to say; a panic is one line with its location, its backtrace only at debug level.

mod support;

use std::path::Path;

/// `mdspool --root TMP/root convert ARGS PDF -o OUT`, run to its end.
fn convert_to(tmp: &Path, args: &[&str], pdf: &Path, out: &Path) -> std::process::Output {
    support::command()
        .arg("--root")
        .arg(tmp.join("root"))
        .arg("convert")
        .args(args)
        .arg(pdf)
        .arg("-o")
        .arg(out)
        .output()
        .expect("run mdspool convert")
}

#[test]
fn convert_writes_markdown_and_keeps_stderr_quiet() {
    let tmp = tempfile::tempdir().unwrap();
    // A word-processor export: its TrueType fonts make the PDF library log at INFO.
    let pdf = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/corpus/sample/writer/s1-000.pdf");
    let out = tmp.path().join("out.md");
    let o = convert_to(tmp.path(), &[], &pdf, &out);
    assert!(o.status.success(), "{o:?}");
    let md = std::fs::read_to_string(&out).expect("markdown written");
    assert!(md.lines().any(|l| l.starts_with("# ")), "no title in {md}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.trim().is_empty(), "stderr not quiet: {stderr}");
}

#[test]
fn a_failed_conversion_prints_one_error_line_and_no_library_logs() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.pdf");
    std::fs::write(&bad, b"%PDF-1.4\nthis is not a PDF body\n").unwrap();
    let o = support::command()
        .arg("--root")
        .arg(tmp.path().join("root"))
        .arg("convert")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(7), "{o:?}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("mdspool: error[pdf_malformed]: "),
        "{stderr}"
    );
}

#[test]
fn a_panic_is_one_line_with_its_location_and_its_backtrace_only_at_debug() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("panic.pdf");
    std::fs::write(&pdf, support::pdf("", &["panic"])).unwrap();
    let run = |level: &str| {
        let o = support::command()
            .arg("--root")
            .arg(tmp.path().join("root"))
            .arg("convert")
            .arg(&pdf)
            .env("MDSPOOL_TEST_CONVERTER", "1")
            .env("RUST_BACKTRACE", "1")
            .env("MDSPOOL_LOG_LEVEL", level)
            .output()
            .unwrap();
        assert!(!o.status.success());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let quiet = run("info");
    let lines: Vec<&str> = quiet.lines().collect();
    assert_eq!(lines.len(), 1, "{quiet}");
    assert!(
        lines[0].contains("panicked at src/worker/testconv.rs:"),
        "{quiet}"
    );
    assert!(
        lines[0].ends_with("test converter: panic directive"),
        "{quiet}"
    );
    let debug = run("debug");
    assert!(debug.lines().count() > 5, "no backtrace at debug: {debug}");
}

#[test]
fn one_pdf_read_by_several_threads_gives_the_same_markdown() {
    // Three pages with running headers: pages read in parallel (--jobs) come back in order, and
    // the headers, found across pages, are dropped the same way.
    let tmp = tempfile::tempdir().unwrap();
    let pdf = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/corpus/sample/latexhf/s1-002.pdf");
    let run = |jobs: &str| {
        let out = tmp.path().join(format!("out-{jobs}.md"));
        let o = convert_to(tmp.path(), &["--page-breaks", "--jobs", jobs], &pdf, &out);
        assert!(o.status.success(), "{o:?}");
        std::fs::read_to_string(&out).expect("markdown written")
    };
    let one = run("1");
    assert!(
        one.contains("<!-- page 2 -->") && one.contains("<!-- page 3 -->"),
        "{one}"
    );
    assert_eq!(run("3"), one);
}
