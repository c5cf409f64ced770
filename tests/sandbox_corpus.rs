//! Every PDF of a deterministic sample of `../shared/corpus/{pdfjs,pdfminer,docling}` (all of
//! docling, every 25th file of the other two, in name order) ends the same way with
//! `convert.sandbox = "strict"` as with `"off"`: the same code, byte-identical Markdown. The full
//! corpora are checked by `cargo run --release --example sandbox_corpus -- same` (figures in
//! docs/security.md). Without `../shared/` the test is skipped (`support::skip`: a failure under
//! `CI=true` unless `.ci/run` declares it).
//! (Seen failing once: with `SYS_mremap` taken out of the allow-list, files whose buffers grow die
//! of SIGSYS under strict only.)

mod support;

#[path = "../examples/sandbox_corpus/compare.rs"]
mod compare;

use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    support::skip::skip("corpus", &format!("{} is missing", dir.display()));
    None
}

#[test]
fn a_corpus_sample_ends_the_same_with_and_without_the_sandbox() {
    let Some(corpus) = corpus() else { return };
    if mdspool::worker::sandbox::Probe::now().missing().is_some() {
        support::skip::skip("sandbox", "no Landlock or seccomp here");
        return;
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for d in ["pdfjs", "pdfminer"] {
        files.extend(compare::pdfs(&[corpus.join(d)]).into_iter().step_by(25));
    }
    files.extend(compare::pdfs(&[corpus.join("docling")]));
    assert!(files.len() > 50, "{}", files.len());
    let work = tempfile::tempdir().unwrap();
    let bin = Path::new(support::BIN);
    let strict = compare::run(bin, &files, "strict", 2, work.path());
    let off = compare::run(bin, &files, "off", 2, work.path());
    let diffs = compare::differences(&strict, &off);
    assert!(diffs.is_empty(), "{diffs:#?}");
    let codes = compare::by_code(&strict);
    assert!(
        codes.get("converted").copied().unwrap_or(0) > 20,
        "{codes:?}"
    );
    assert!(
        !codes.contains_key("conversion_sandbox_violation"),
        "{codes:?}"
    );
}
