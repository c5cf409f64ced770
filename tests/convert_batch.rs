//! `mdspool convert` on many PDFs, as a user runs it: a directory with good PDFs and bad files
//! gives the Markdown of the good ones (names that collide get `NAME (2).md`), one line per file
//! on stderr when it is no terminal, a summary on stdout with the failures by code, and a non-zero
//! exit. Each file runs in a limited child: a crash or a memory blow-up fails that file only.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/corpus/sample/writer/s1-000.pdf")
}

fn convert(tmp: &Path, args: &[&Path], env: &[(&str, &str)]) -> Output {
    let mut c = support::command();
    c.arg("--root").arg(tmp.join("root")).arg("convert");
    for a in args {
        c.arg(a);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run mdspool convert")
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_directory_with_bad_files_converts_the_good_ones_and_exits_7() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(input.join("more")).unwrap();
    std::fs::copy(sample(), input.join("s1-000.pdf")).unwrap();
    // The same stem in a subdirectory: its output must not overwrite the first.
    std::fs::write(
        input.join("more/s1-000.pdf"),
        support::pdf("Second report", &[]),
    )
    .unwrap();
    std::fs::write(input.join("alpha.pdf"), support::pdf("Alpha notes", &[])).unwrap();
    std::fs::write(input.join("bad.pdf"), b"this is a text file, not a PDF\n").unwrap();
    std::fs::write(input.join("broken.pdf"), b"%PDF-1.4\nno body at all\n").unwrap();
    std::fs::write(input.join("readme.txt"), b"not looked at").unwrap();
    let out = tmp.path().join("out");
    let o = convert(
        tmp.path(),
        &[
            &input,
            Path::new("-o"),
            &out,
            Path::new("--jobs"),
            Path::new("2"),
        ],
        &[],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(7), "{stdout}\n{stderr}");
    assert_eq!(
        names(&out),
        ["alpha.md", "s1-000 (2).md", "s1-000.md"],
        "{stdout}"
    );
    let first = std::fs::read_to_string(out.join("s1-000.md")).unwrap();
    assert!(first.lines().any(|l| l.starts_with("# ")), "{first}");
    let second = std::fs::read_to_string(out.join("s1-000 (2).md")).unwrap();
    assert!(second.contains("Second report"), "{second}");
    let alpha = std::fs::read_to_string(out.join("alpha.md")).unwrap();
    assert!(alpha.contains("Alpha notes"), "{alpha}");

    assert!(
        stdout.contains("converted 3 of 5 PDFs into "),
        "summary: {stdout}"
    );
    assert!(stdout.contains("pages/s"), "{stdout}");
    assert!(
        stdout.contains("failed 2: not_a_pdf 1, pdf_malformed 1"),
        "{stdout}"
    );
    assert!(stdout.contains("bad.pdf: error[not_a_pdf]"), "{stdout}");
    assert!(
        stdout.contains("broken.pdf: error[pdf_malformed]"),
        "{stdout}"
    );
    // Not a terminal: one line per file, failures with their code.
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 5, "{stderr}");
    assert_eq!(
        lines.iter().filter(|l| l.contains("] converted ")).count(),
        3
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("] failed ") && l.contains("bad.pdf: error[not_a_pdf]")),
        "{stderr}"
    );

    // Quiet: only the failures on stderr; the same names again (the outputs are replaced).
    let o = convert(
        tmp.path(),
        &[&input, Path::new("-o"), &out, Path::new("-q")],
        &[],
    );
    assert_eq!(o.status.code(), Some(7));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert_eq!(names(&out), ["alpha.md", "s1-000 (2).md", "s1-000.md"]);
}

#[test]
fn every_file_converted_exits_0_and_single_file_form_is_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.pdf");
    let b = tmp.path().join("b.PDF");
    std::fs::write(&a, support::pdf("Apple", &[])).unwrap();
    std::fs::write(&b, support::pdf("Banana", &[])).unwrap();
    let out = tmp.path().join("new/out");
    let o = convert(tmp.path(), &[&a, &b, Path::new("-o"), &out], &[]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(names(&out), ["a.md", "b.md"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.starts_with("converted 2 of 2 PDFs"), "{stdout}");
    assert!(!stdout.contains("failed"), "{stdout}");

    // One file and -o an existing directory: OUTDIR/NAME.md.
    let o = convert(
        tmp.path(),
        &[&a, Path::new("-o"), &tmp.path().join("new")],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(tmp.path().join("new/a.md").is_file());
    // One file and -o a file name: the single-file form, silent.
    let md = tmp.path().join("one.md");
    let o = convert(tmp.path(), &[&a, Path::new("-o"), &md], &[]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(o.stdout.is_empty() && o.stderr.is_empty(), "{o:?}");
    assert!(std::fs::read_to_string(&md).unwrap().contains("Apple"));
}

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.pdf");
    std::fs::write(&a, support::pdf("Apple", &[])).unwrap();
    // A directory without -o.
    let o = convert(tmp.path(), &[tmp.path()], &[]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("-o OUTDIR"),
        "{o:?}"
    );
    // -o an existing file with several inputs.
    let o = convert(tmp.path(), &[&a, &a, Path::new("-o"), &a], &[]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    // --jobs 0.
    let o = convert(
        tmp.path(),
        &[
            tmp.path(),
            Path::new("-o"),
            &tmp.path().join("o"),
            Path::new("-j"),
            Path::new("0"),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{o:?}");
}

#[test]
fn each_file_runs_in_a_limited_child() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("fine.pdf"), support::pdf("", &[])).unwrap();
    std::fs::write(input.join("segv.pdf"), support::pdf("", &["segv"])).unwrap();
    std::fs::write(input.join("hog.pdf"), support::pdf("", &["alloc"])).unwrap();
    let out = tmp.path().join("out");
    let env = [
        ("MDSPOOL_TEST_CONVERTER", "1"),
        ("MDSPOOL_CONVERT_MAX_MEMORY", "256MiB"),
    ];
    let o = convert(tmp.path(), &[&input, Path::new("-o"), &out], &env);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(7), "{o:?}");
    assert_eq!(names(&out), ["fine.md"], "{stdout}");
    assert!(stdout.contains("converted 1 of 3 PDFs"), "{stdout}");
    assert!(
        stdout.contains("failed 2: conversion_crashed 1, conversion_memory_limit 1"),
        "{stdout}"
    );
}
