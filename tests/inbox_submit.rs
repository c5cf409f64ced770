//! `mdspool submit` applies the same checks as a drop into the inbox (magic bytes, size, regular
//! file) and never blocks on a FIFO.

mod support;

use std::process::Stdio;

use support::fs::*;
use support::pdf;

fn submit(
    root: &std::path::Path,
    file: &std::path::Path,
    env: &[(&str, &str)],
) -> (i32, serde_json::Value) {
    let mut cmd = support::command();
    cmd.args(["--root", root.to_str().unwrap(), "submit", "--json"])
        .arg(file)
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), v)
}

#[test]
fn submit_refuses_what_the_inbox_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let f = |name: &str, bytes: &[u8]| {
        let p = tmp.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let (code, v) = submit(&root, &f("t.pdf", b"text"), &[]);
    assert_eq!((code, v["error"]["code"].as_str()), (7, Some("not_a_pdf")));
    let (code, v) = submit(&root, &f("e.pdf", b""), &[]);
    assert_eq!((code, v["error"]["code"].as_str()), (7, Some("empty_file")));
    let good = f("g.pdf", &pdf("submit", &[]));
    let (code, v) = submit(&root, &good, &[("MDSPOOL_WATCH_MAX_SIZE", "100")]);
    assert_eq!((code, v["error"]["code"].as_str()), (7, Some("too_large")));
    let fifo = tmp.path().join("p.pdf");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let (code, v) = submit(&root, &fifo, &[]);
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (7, Some("unsafe_entry"))
    );
    assert!(manifests(&root).is_empty());
    assert!(names(&root.join("state/staging")).is_empty());

    let (code, v) = submit(&root, &good, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["source"]["name"], "g.pdf");
    let id = v["job_id"].as_str().unwrap();
    assert_eq!(
        std::fs::read(root.join("jobs").join(id).join("raw/input.pdf")).unwrap(),
        std::fs::read(&good).unwrap()
    );
}
