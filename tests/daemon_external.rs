//! `[convert] command = [...]`: the daemon runs an external converter (for sites with their own
//! tools) in the isolated child, takes its Markdown, and records its failures with their code.

mod support;

use std::time::Duration;

use support::{Root, wait_until};

const CONFIG: &str = r#"
[workers]
count = 1
[convert]
command = ["sh", "-c", "if grep -q fail-me {input}; then echo 'tool broke' >&2; exit 3; fi; printf '# External\n\n%s bytes\n' $(wc -c < {input}) > {outdir}/result.md"]
"#;

#[test]
fn an_external_command_converts_and_its_failures_are_recorded() {
    let r = Root::new(CONFIG);
    let good = r.submit("good.pdf", &[], "good");
    let bad = r.submit("bad.pdf", &["fail-me"], "bad");
    // An empty value turns the testing converter off: the configured command is used.
    let _d = r.start(&[], &[("MDSPOOL_TEST_CONVERTER", "")]);
    wait_until(Duration::from_secs(30), "both jobs final", || {
        r.status(&good) == "succeeded" && r.status(&bad) == "failed"
    });
    let md = std::fs::read_to_string(r.job_dir(&good).join("artifacts/output.md")).unwrap();
    let size = std::fs::metadata(r.job_dir(&good).join("raw/input.pdf"))
        .unwrap()
        .len();
    assert_eq!(md, format!("# External\n\n{size} bytes\n"));
    assert_eq!(r.manifest(&good)["converter"]["name"], "external");
    assert_eq!(r.error_code(&bad), "external_converter_failed");
    let m = r.manifest(&bad);
    assert!(
        m["error"]["message"]
            .as_str()
            .unwrap()
            .contains("tool broke"),
        "{m}"
    );
    assert!(!r.job_dir(&bad).join("artifacts/output.md").exists());
}

/// `mdspool convert` chooses the converter as the daemon's child does: with `[convert] command`
/// set, it runs the command, not the built-in engine.
#[test]
fn mdspool_convert_uses_the_configured_command() {
    let r = Root::new(CONFIG);
    let src = r.dir.path().join("one.pdf");
    std::fs::write(&src, support::pdf("", &[])).unwrap();
    let size = std::fs::metadata(&src).unwrap().len();
    let out = r
        .cmd()
        .env("MDSPOOL_TEST_CONVERTER", "")
        .args(["convert", src.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("# External\n\n{size} bytes\n")
    );

    let bad = r.dir.path().join("bad.pdf");
    std::fs::write(&bad, support::pdf("", &["fail-me"])).unwrap();
    let out = r
        .cmd()
        .env("MDSPOOL_TEST_CONVERTER", "")
        .args(["convert", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("external_converter_failed"), "{err}");
}
