//! `mdspool convert` as a user runs it: the Markdown lands where `-o` says, and stderr carries no
//! chatter of the PDF library (its font-loading INFO lines), only what mdspool itself has to say.

mod support;

use std::path::Path;

#[test]
fn convert_writes_markdown_and_keeps_stderr_quiet() {
    let tmp = tempfile::tempdir().unwrap();
    // A word-processor export: its TrueType fonts make the PDF library log at INFO.
    let pdf = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/corpus/sample/writer/s1-000.pdf");
    let out = tmp.path().join("out.md");
    let o = support::command()
        .arg("--root")
        .arg(tmp.path().join("root"))
        .arg("convert")
        .arg(&pdf)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run mdspool convert");
    assert!(o.status.success(), "{o:?}");
    let md = std::fs::read_to_string(&out).expect("markdown written");
    assert!(md.lines().any(|l| l.starts_with("# ")), "no title in {md}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.trim().is_empty(), "stderr not quiet: {stderr}");
}
