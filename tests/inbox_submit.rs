//! `mdspool submit` applies the same checks as a drop into the inbox (magic bytes, size, regular
//! file), never blocks on a FIFO, and leaves the trace a refused drop leaves.

mod support;

use std::process::Stdio;

use support::fs::*;
use support::pdf;

fn submit(
    root: &std::path::Path,
    file: &std::path::Path,
    env: &[(&str, &str)],
) -> (i32, serde_json::Value) {
    submit_with(root, file, &[], env)
}

fn submit_with(
    root: &std::path::Path,
    file: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (i32, serde_json::Value) {
    let mut cmd = support::command();
    cmd.args(["--root", root.to_str().unwrap(), "submit", "--json"])
        .arg(file)
        .args(args)
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

#[test]
fn a_refused_submission_leaves_the_trace_of_a_refused_drop() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let f = |name: &str, bytes: &[u8]| {
        let p = tmp.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let rejected = root.join("rejected");
    // Not a PDF, with a key: a copy beside its sidecar and note, and the key's receipt.
    let text = f("t.pdf", b"some text");
    let (code, v) = submit_with(&root, &text, &["--key", "k-text", "--scope", "s"], &[]);
    assert_eq!((code, v["error"]["code"].as_str()), (7, Some("not_a_pdf")));
    assert_eq!(std::fs::read(rejected.join("t.pdf")).unwrap(), b"some text");
    assert!(rejected.join("t.pdf.idem").exists());
    let note = rejection(&root, "t.pdf").unwrap();
    assert_eq!(
        (note["code"].as_str(), note["key"].as_str()),
        (Some("not_a_pdf"), Some("k-text"))
    );
    assert_eq!(note["scope"], "s");
    let r = read_json(&root.join("receipts/s/k-text.json")).expect("receipt");
    assert_eq!(
        (r["status"].as_str(), r["error"]["code"].as_str()),
        (Some("rejected"), Some("not_a_pdf"))
    );
    assert_eq!(
        std::fs::read(&text).unwrap(),
        b"some text",
        "the file itself stays"
    );

    // Empty, without a key: the receipt of its content key, as for a bare drop.
    let (code, _) = submit(&root, &f("e.pdf", b""), &[]);
    assert_eq!(code, 7);
    assert_eq!(rejection(&root, "e.pdf").unwrap()["code"], "empty_file");
    let key = format!("sha256-{}", sha256_hex(b""));
    let r = read_json(&root.join(format!("receipts/default/{key}.json"))).expect("receipt");
    assert_eq!(r["error"]["code"], "empty_file");

    // Too large: the note and the receipt, without a copy.
    let big = f("big.pdf", &pdf("big", &[]));
    let (code, _) = submit_with(
        &root,
        &big,
        &["--key", "k-big"],
        &[("MDSPOOL_WATCH_MAX_SIZE", "100")],
    );
    assert_eq!(code, 7);
    let note = rejection(&root, "big.pdf").unwrap();
    assert_eq!(
        (note["code"].as_str(), note["key"].as_str()),
        (Some("too_large"), Some("k-big"))
    );
    assert!(!rejected.join("big.pdf").exists());
    let r = read_json(&root.join("receipts/default/k-big.json")).expect("receipt");
    assert_eq!(r["error"]["code"], "too_large");

    assert!(manifests(&root).is_empty());
    assert!(names(&root.join("state/staging")).is_empty());
    assert!(temp_files_under(&root).is_empty());
}
