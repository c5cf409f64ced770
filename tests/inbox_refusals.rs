//! Every refused kind of drop lands in `rejected/` beside `NAME.error.json` with its own code, and
//! unsafe entries (symlinks, hard links, FIFOs) are never read: the watcher goes on.

mod support;

use std::time::Duration;

use support::fs::*;
use support::{Daemon, pdf, wait_until};

const T: Duration = Duration::from_secs(30);

fn code_of(root: &std::path::Path, name: &str) -> String {
    let note = wait_rejected(root, name, T);
    note["code"].as_str().unwrap().to_string()
}

#[test]
fn refused_drops_carry_their_code() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let _d = Daemon::start(
        &root,
        &[],
        &[
            ("MDSPOOL_WATCH_SETTLE", "300ms"),
            ("MDSPOOL_WATCH_MAX_SIZE", "2048"),
        ],
    );
    drop_pdf(
        &inbox,
        "text.pdf",
        b"hello, I am not a PDF\n",
        Some("k-text"),
    );
    drop_pdf(&inbox, "empty.pdf", b"", Some("k-empty"));
    let mut big = pdf("big", &[]);
    big.resize(4096, b'%');
    drop_pdf(&inbox, "big.pdf", &big, Some("k-big"));
    drop_pdf(&inbox, "badjson.pdf", &pdf("j", &[]), Some("{\"key\": "));
    drop_pdf(
        &inbox,
        "badkey.pdf",
        &pdf("k", &[]),
        Some(r#"{"key": "../../etc"}"#),
    );
    drop_pdf(&inbox, "bare-text.pdf", b"plain text, no sidecar", None);
    drop_pdf(&inbox, "bare-empty.pdf", b"", None);
    drop_pdf(&inbox, "report.docx", b"PK\x03\x04", Some("k-docx"));

    assert_eq!(code_of(&root, "text.pdf"), "not_a_pdf");
    assert_eq!(code_of(&root, "empty.pdf"), "empty_file");
    assert_eq!(code_of(&root, "big.pdf"), "too_large");
    assert_eq!(code_of(&root, "badjson.pdf"), "invalid_sidecar");
    assert_eq!(code_of(&root, "badkey.pdf"), "invalid_idempotency_key");
    assert_eq!(code_of(&root, "bare-text.pdf"), "not_a_pdf");
    assert_eq!(code_of(&root, "bare-empty.pdf"), "empty_file");
    assert_eq!(code_of(&root, "report.docx"), "not_a_pdf");

    // The sidecar travels with its drop.
    for f in ["badjson.pdf.idem", "text.pdf.idem"] {
        wait_until(T, f, || {
            root.join("rejected").join(f).exists().then_some(())
        });
    }
    // A refusal whose key is valid answers the client in its receipt.
    // (The receipt is written after the move.)
    let r = wait_until(T, "receipt", || {
        read_json(&root.join("receipts/default/k-text.json"))
    });
    assert_eq!(r["status"], "rejected");
    assert_eq!(r["error"]["code"], "not_a_pdf");
    let r = wait_until(T, "receipt", || {
        read_json(&root.join("receipts/default/k-big.json"))
    });
    assert_eq!(r["error"]["code"], "too_large");
    // So does a drop without a key refused for its content: under its content key.
    let key = format!("sha256-{}", sha256_hex(b"plain text, no sidecar"));
    let r = wait_until(T, "receipt", || {
        read_json(&root.join(format!("receipts/default/{key}.json")))
    });
    assert_eq!(r["error"]["code"], "not_a_pdf");
    let note = rejection(&root, "text.pdf").unwrap();
    assert_eq!(note["key"], "k-text");
    // Messages name the file the client dropped, not the staging path it was checked under.
    let msg = note["message"].as_str().unwrap();
    assert!(msg.starts_with("inbox/text.pdf: "), "{msg}");
    let msg = rejection(&root, "badjson.pdf").unwrap()["message"].to_string();
    assert!(msg.contains("inbox/badjson.pdf.idem: "), "{msg}");
    let r = read_json(&root.join("receipts/default/k-text.json")).unwrap();
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("inbox/text.pdf: ")
    );
    assert!(note["at"].is_string() && note["message"].is_string());

    assert!(manifests(&root).is_empty());
    wait_until(T, "inbox emptied", || {
        names(&inbox).is_empty().then_some(())
    });
}

#[test]
fn unsafe_entries_are_never_read_and_do_not_stop_the_watcher() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    // A real PDF whose bytes must never show up under the root.
    let marker = "SECRET-OUTSIDE-7f3a9c";
    let secret = pdf(marker, &[]);
    std::fs::write(outside.join("secret.pdf"), &secret).unwrap();
    std::fs::write(outside.join("linked.pdf"), pdf("hard-linked", &[])).unwrap();

    let _d = Daemon::start(&root, &[], &[("MDSPOOL_WATCH_SETTLE", "300ms")]);
    // A FIFO first: opening it for reading would block the watcher forever.
    let fifo = inbox.join("pipe.pdf");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    std::fs::write(inbox.join("pipe.pdf.idem"), "k-fifo").unwrap();
    std::os::unix::fs::symlink(outside.join("secret.pdf"), inbox.join("link.pdf")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.pdf"), inbox.join("link2.pdf")).unwrap();
    std::fs::write(inbox.join("link2.pdf.idem"), "k-link").unwrap();
    std::os::unix::fs::symlink(&outside, inbox.join("dirlink")).unwrap();
    // A sidecar that is a symlink to the secret: the drop is refused, the link never read.
    std::fs::write(inbox.join("sc.pdf"), pdf("sidecar link", &[])).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.pdf"), inbox.join("sc.pdf.idem")).unwrap();
    std::fs::hard_link(outside.join("linked.pdf"), inbox.join("hard.pdf")).unwrap();

    assert_eq!(code_of(&root, "pipe.pdf"), "unsafe_entry");
    assert_eq!(code_of(&root, "link.pdf"), "unsafe_entry");
    assert_eq!(code_of(&root, "link2.pdf"), "unsafe_entry");
    assert_eq!(code_of(&root, "dirlink"), "unsafe_entry");
    assert_eq!(code_of(&root, "hard.pdf"), "unsafe_entry");
    assert_eq!(code_of(&root, "sc.pdf"), "unsafe_entry");
    let r = wait_until(T, "receipt", || {
        read_json(&root.join("receipts/default/k-link.json"))
    });
    assert_eq!(r["error"]["code"], "unsafe_entry");

    // The watcher is alive and well.
    drop_pdf(&inbox, "good.pdf", &pdf("good", &[]), Some("k-good"));
    wait_until(T, "good drop after the bad ones", || {
        job_with_key(&root, "k-good")
    });
    assert_eq!(manifests(&root).len(), 1);
    // Its job done, so no file is being written and renamed while the tree is read below.
    wait_until(T, "the good drop's receipt says succeeded", || {
        read_json(&root.join("receipts/default/k-good.json")).filter(|r| r["status"] == "succeeded")
    });

    // Moved aside as links, the targets untouched and their bytes nowhere under the root.
    assert!(
        std::fs::symlink_metadata(root.join("rejected/link.pdf"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(outside.join("secret.pdf")).unwrap(), secret);
    for f in files_under(&root) {
        // A temp file renamed or removed since the listing holds nothing to check.
        let Ok(bytes) = std::fs::read(&f) else {
            assert!(!f.exists(), "{} cannot be read", f.display());
            continue;
        };
        assert!(
            !bytes.windows(marker.len()).any(|w| w == marker.as_bytes()),
            "the target's bytes leaked into {}",
            f.display()
        );
    }
}

#[test]
fn ignored_names_and_sub_folders_are_left_alone_unless_recursive() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let inbox = root.join("inbox");
    std::fs::create_dir_all(inbox.join("sub")).unwrap();
    let ignored = [
        ".DS_Store",
        "._a.pdf",
        "Thumbs.db",
        "desktop.ini",
        "~$a.pdf",
        "a.pdf.part",
        "a.pdf.tmp",
        "a.pdf.crdownload",
        "a.pdf.filepart",
        ".syncthing.a.pdf.tmp",
        "~syncthing~a.pdf.tmp",
        ".nfs0000001",
        "custom-skip.pdf",
    ];
    for n in ignored {
        std::fs::write(inbox.join(n), pdf(n, &[])).unwrap();
    }
    std::fs::create_dir(inbox.join("@eaDir")).unwrap();
    std::fs::write(inbox.join("@eaDir/x.pdf"), pdf("ea", &[])).unwrap();
    drop_pdf(
        &inbox.join("sub"),
        "deep.pdf",
        &pdf("deep", &[]),
        Some("k-deep"),
    );
    let env = [
        ("MDSPOOL_WATCH_SETTLE", "200ms"),
        ("MDSPOOL_WATCH_IGNORE", "[\"custom-*\"]"),
    ];
    let d = Daemon::start(&root, &[], &env);
    drop_pdf(&inbox, "top.pdf", &pdf("top", &[]), Some("k-top"));
    wait_until(T, "top drop", || job_with_key(&root, "k-top"));
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        job_with_key(&root, "k-deep").is_none(),
        "sub-folders ignored"
    );
    d.stop();

    let mut env = env.to_vec();
    env.push(("MDSPOOL_WATCH_RECURSIVE", "true"));
    let _d = Daemon::start(&root, &[], &env);
    wait_until(T, "drop in a sub-folder", || job_with_key(&root, "k-deep"));
    std::fs::create_dir(inbox.join("later")).unwrap();
    drop_pdf(
        &inbox.join("later"),
        "l.pdf",
        &pdf("later", &[]),
        Some("k-later"),
    );
    wait_until(T, "drop in a new sub-folder", || {
        job_with_key(&root, "k-later")
    });
    std::thread::sleep(Duration::from_millis(800));
    let mut left = names(&inbox);
    left.retain(|n| !["sub", "later", "@eaDir"].contains(&n.as_str()));
    let mut want: Vec<String> = ignored.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(left, want);
    assert!(inbox.join("@eaDir/x.pdf").exists());
    assert_eq!(manifests(&root).len(), 3);
    assert!(names(&root.join("rejected")).is_empty());
}

#[test]
fn unsafe_entries_wait_for_their_sidecar_and_are_refused_under_its_key() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let target = tmp.path().join("target.pdf");
    std::fs::write(&target, pdf("target", &[])).unwrap();
    // A settle far longer than the test: what is refused was refused with its sidecar.
    let d = Daemon::start(&root, &[], &[("MDSPOOL_WATCH_SETTLE", "1h")]);
    assert!(d.wait_log("daemon started", T), "{}", d.log_text());
    // The file first, as the protocol asks; the sidecar comes a moment later.
    std::os::unix::fs::symlink(&target, inbox.join("link.pdf")).unwrap();
    let fifo = std::ffi::CString::new(inbox.join("pipe.pdf").to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    std::thread::sleep(Duration::from_millis(500));
    put(&inbox, "link.pdf.idem", b"k-link-late");
    put(
        &inbox,
        "pipe.pdf.idem",
        br#"{"key": "k-pipe-late", "scope": "s"}"#,
    );

    for (name, key, receipt) in [
        (
            "link.pdf",
            "k-link-late",
            "receipts/default/k-link-late.json",
        ),
        ("pipe.pdf", "k-pipe-late", "receipts/s/k-pipe-late.json"),
    ] {
        let note = wait_rejected(&root, name, T);
        assert_eq!(note["code"], "unsafe_entry");
        assert_eq!(note["key"], key, "{name} refused without its key");
        let r = wait_until(T, "the rejected receipt", || read_json(&root.join(receipt)));
        assert_eq!(r["status"], "rejected");
        assert_eq!(r["error"]["code"], "unsafe_entry");
        let sidecar = root.join("rejected").join(format!("{name}.idem"));
        wait_until(T, "the sidecar beside its drop", || sidecar.exists());
    }
    assert!(names(&inbox).is_empty(), "{:?}", names(&inbox));
    assert_eq!(std::fs::read(&target).unwrap(), pdf("target", &[]));
}
