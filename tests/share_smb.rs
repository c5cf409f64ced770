//! Drops made through a real Samba share: `smbd` serves `<root>/inbox` (writable) and the root
//! itself (read-only, for the results) on a loopback port, `smbclient` writes the way Windows,
//! Office and macOS clients do, and reads the receipt and the Markdown back. Each completed drop
//! is exactly one job whose `raw/input.pdf` holds the bytes the client sent; nothing is taken
//! from a partial file, a temp name or a metadata file. The writer patterns are listed in
//! docs/protocol.md ("Tested share clients").

mod support;

use std::path::Path;
use std::time::Duration;

use support::fs::{manifests, names, read_json, sha256_hex};
use support::servers::{Smbd, big_pdf, have};
use support::{Daemon, Root, pdf, wait_until};

const SMB: &[&str] = &["smbd", "smbclient"];

/// A root served by smbd, and its daemon (dropped first, then smbd, then the temp dir).
struct Share {
    _daemon: Daemon,
    smbd: Smbd,
    root: Root,
}

fn share(toml: &str, settle: &str) -> Share {
    let root = Root::new(toml);
    let inbox = root.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let smbd = Smbd::start(
        &root.outside("smb"),
        &[("inbox", &inbox, true), ("spool", root.path(), false)],
    );
    let daemon = root.start(&[], &[("MDSPOOL_WATCH_SETTLE", settle)]);
    Share {
        _daemon: daemon,
        smbd,
        root,
    }
}

/// Waits until the receipt of `key` (scope `default`) says `status`; returns it.
fn receipt(root: &Path, key: &str, status: &str) -> serde_json::Value {
    let p = root.join("receipts/default").join(format!("{key}.json"));
    // Generous: the two cut tests convert 64 MiB PDFs beside the others on a loaded machine.
    wait_until(Duration::from_secs(120), &format!("{key} {status}"), || {
        read_json(&p).filter(|r| r["status"] == status)
    })
}

/// The bytes of `raw/input.pdf` of the job whose key is `key`.
fn raw(root: &Path, key: &str) -> Vec<u8> {
    let m = support::fs::job_with_key(root, key).unwrap_or_else(|| panic!("no job {key}"));
    let id = m["job_id"].as_str().unwrap();
    std::fs::read(root.join("jobs").join(id).join("raw/input.pdf")).unwrap()
}

fn hash_key(bytes: &[u8]) -> String {
    format!("sha256-{}", sha256_hex(bytes))
}

/// The key of the sidecar names the job: the PDF, complete before the sidecar arrives, is not
/// taken alone (checked once with settling skipped: it was, and this test failed).
#[test]
fn put_pdf_then_sidecar_is_one_job_read_back_through_the_share() {
    if !have("smbclient put", SMB) {
        return;
    }
    let s = share("", "10m");
    let bytes = pdf("smb put", &[]);
    s.smbd.local_file("a.pdf", &bytes);
    s.smbd.local_file("a.pdf.idem", b"smb-a");
    // smbd writes each file in place under its final name; the sidecar comes last.
    s.smbd.run("inbox", "put a.pdf; put a.pdf.idem");
    let r = receipt(s.root.path(), "smb-a", "succeeded");
    assert_eq!(manifests(s.root.path()).len(), 1);
    assert_eq!(raw(s.root.path(), "smb-a"), bytes);
    // What a client reads back through the share is what is on disk.
    let id = r["job_id"].as_str().unwrap();
    let on_disk = std::fs::read(s.root.path().join("receipts/default/smb-a.json")).unwrap();
    assert_eq!(s.smbd.get("spool", "receipts/default/smb-a.json"), on_disk);
    let md = format!("jobs/{id}/artifacts/output.md");
    let on_disk = std::fs::read(s.root.path().join(&md)).unwrap();
    assert!(!on_disk.is_empty());
    assert_eq!(s.smbd.get("spool", &md), on_disk);
    assert!(names(&s.root.path().join("inbox")).is_empty());
}

#[test]
fn bare_pdf_is_taken_after_settling_and_its_outbox_markdown_read_back() {
    if !have("smbclient bare pdf", SMB) {
        return;
    }
    let s = share("", "1s");
    let bytes = pdf("smb bare", &[]);
    s.smbd.local_file("b.pdf", &bytes);
    s.smbd.run("inbox", "put b.pdf");
    let key = hash_key(&bytes);
    let r = receipt(s.root.path(), &key, "succeeded");
    assert_eq!(manifests(s.root.path()).len(), 1);
    assert_eq!(raw(s.root.path(), &key), bytes);
    let md = std::fs::read(s.root.path().join("outbox/b.md")).unwrap();
    assert_eq!(s.smbd.get("spool", "outbox/b.md"), md);
    let rpath = format!("receipts/default/{key}.json");
    assert_eq!(
        s.smbd.get("spool", &rpath),
        std::fs::read(s.root.path().join(&rpath)).unwrap()
    );
    assert_eq!(r["job_id"], manifests(s.root.path())[0]["job_id"]);
}

/// Office-like writers: an owner file `~$NAME.docx` beside the document, a PDF written as
/// `NAME.tmp` then renamed, and a PDF overwritten by a second upload while it settles. Only the
/// last version of the overwritten file is taken (checked once with settling skipped in the
/// inbox: this test then failed).
#[test]
fn office_owner_files_temp_renames_and_overwrites_give_one_job_each() {
    if !have("smbclient office patterns", SMB) {
        return;
    }
    let s = share("", "3s");
    let (report, v1, v2) = (
        pdf("report", &[]),
        pdf("over v1", &[]),
        pdf("over v2 longer", &[]),
    );
    s.smbd.local_file("owner", b"\x0bjsmith     \0\0");
    s.smbd.local_file("report.pdf", &report);
    s.smbd.local_file("v1.pdf", &v1);
    s.smbd.local_file("v2.pdf", &v2);
    s.smbd.run(
        "inbox",
        "put owner \"~$report.docx\"; put report.pdf report.tmp",
    );
    s.smbd.run("inbox", "put v1.pdf over.pdf");
    std::thread::sleep(Duration::from_millis(1000));
    assert!(manifests(s.root.path()).is_empty(), "taken before settling");
    // The temp file is renamed into place, and over.pdf is written again, both within `settle`.
    s.smbd
        .run("inbox", "rename report.tmp report.pdf; put v2.pdf over.pdf");
    receipt(s.root.path(), &hash_key(&report), "succeeded");
    receipt(s.root.path(), &hash_key(&v2), "succeeded");
    // Long enough for a stray take of anything else to show.
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(manifests(s.root.path()).len(), 2);
    assert_eq!(raw(s.root.path(), &hash_key(&report)), report);
    assert_eq!(raw(s.root.path(), &hash_key(&v2)), v2);
    assert!(support::fs::job_with_key(s.root.path(), &hash_key(&v1)).is_none());
    assert_eq!(names(&s.root.path().join("inbox")), ["~$report.docx"]);
    assert!(names(&s.root.path().join("rejected")).is_empty());
}

/// macOS clients leave AppleDouble files (`._NAME.pdf`) and `.DS_Store` beside a drop. Debian's
/// samba package has no vfs_fruit, so the client writes these names itself, as a Mac does on a
/// share without it, and `._scan.pdf.idem` too. They are never taken (checked once with dotfiles
/// no longer ignored: `._scan.pdf` was taken with `._scan.pdf.idem` and this test failed).
#[test]
fn macos_appledouble_and_ds_store_are_left_alone() {
    if !have("smbclient macos names", SMB) {
        return;
    }
    let s = share("", "1s");
    let bytes = pdf("mac scan", &[]);
    let mut apple_double = vec![0, 5, 22, 7, 0, 2, 0, 0];
    apple_double.resize(4096, 0);
    s.smbd.local_file("ad", &apple_double);
    s.smbd.local_file("ds", b"\0\0\0\x01Bud1");
    s.smbd.local_file("scan.pdf", &bytes);
    s.smbd.local_file("scan.pdf.idem", b"mac-scan");
    s.smbd.run(
        "inbox",
        "put ad ._scan.pdf; put ds .DS_Store; put scan.pdf; put ad ._scan.pdf.idem; put scan.pdf.idem",
    );
    receipt(s.root.path(), "mac-scan", "succeeded");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(manifests(s.root.path()).len(), 1);
    assert_eq!(raw(s.root.path(), "mac-scan"), bytes);
    let left = names(&s.root.path().join("inbox"));
    assert_eq!(left, [".DS_Store", "._scan.pdf", "._scan.pdf.idem"]);
    assert!(names(&s.root.path().join("rejected")).is_empty());
}

/// What one attempt at cutting an upload left.
enum Cut {
    /// The file was left short of `full`, and nothing was taken from it.
    Short,
    /// The kill came too late: smbd had the whole file (the client had sent every byte before it
    /// died), so there was nothing partial to test. Under load the whole 64 MiB can reach smbd
    /// between two looks of this test.
    Whole,
}

/// Starts `cmds` (the first a `put` of `inbox/NAME`), kills the client by its pid once the file
/// has grown, and waits until smbd has closed it. A job taken from a file short of `full` fails
/// the test; a file that turned out whole is [`Cut::Whole`], for the caller to try again.
fn cut_upload(s: &Share, cmds: &str, name: &str, full: usize) -> Cut {
    let part = s.root.path().join("inbox").join(name);
    let mut client = s.smbd.command("inbox", cmds).spawn().unwrap();
    wait_until(Duration::from_secs(30), "upload under way", || {
        part.metadata().is_ok_and(|m| m.len() > 0)
    });
    // SAFETY: the smbclient this test started, not reaped yet.
    unsafe { libc::kill(client.id() as i32, libc::SIGKILL) };
    client.wait().unwrap();
    // smbd may still be writing what the client sent before it died: the size must hold a while.
    // `None`: the file left the inbox (taken).
    let len = || part.metadata().ok().map(|m| m.len());
    let cut = wait_until(Duration::from_secs(30), "smbd closes the file", || {
        let a = len()?;
        std::thread::sleep(Duration::from_millis(1500));
        match len() {
            None => Some(None),
            b => (b == Some(a)).then_some(b),
        }
    });
    // Three times `settle`: a partial file would be taken by now.
    std::thread::sleep(Duration::from_secs(3));
    if cut.is_none() {
        wait_until(Duration::from_secs(30), "the job of the taken file", || {
            !manifests(s.root.path()).is_empty()
        });
    }
    for m in manifests(s.root.path()) {
        let id = m["job_id"].as_str().unwrap();
        let taken = std::fs::metadata(s.root.path().join("jobs").join(id).join("raw/input.pdf"));
        let size = taken.map_or(0, |t| t.len());
        assert_eq!(
            size, full as u64,
            "a partial file was taken ({size} of {full} bytes)"
        );
    }
    if cut == Some(full as u64) || !manifests(s.root.path()).is_empty() {
        return Cut::Whole;
    }
    assert_eq!(len(), cut);
    assert!(names(&s.root.path().join("rejected")).is_empty());
    Cut::Short
}

/// A share whose `NAME` upload (by `cmds`) was cut short: up to three tries, each on a fresh root.
fn cut_share(toml: &str, cmds: &str, name: &str, bytes: &[u8], sidecar: Option<&[u8]>) -> Share {
    for _ in 0..3 {
        let s = share(toml, "1s");
        s.smbd.local_file(name, bytes);
        if let Some(key) = sidecar {
            s.smbd.local_file(&format!("{name}.idem"), key);
        }
        if let Cut::Short = cut_upload(&s, cmds, name, bytes.len()) {
            return s;
        }
    }
    panic!("three uploads of {name} finished before the client was killed");
}

/// The client is killed while it uploads a large PDF (then its sidecar): smbd is left with a
/// partial file under the final name. With `watch.require_sidecar` (docs/protocol.md, for shares)
/// the partial file is never taken; the client's second, complete upload is taken once, and its
/// receipt names that job.
#[test]
fn upload_cut_mid_file_is_taken_only_once_complete() {
    if !have("smbclient cut upload", SMB) {
        return;
    }
    let bytes = big_pdf("cut", 64 << 20);
    let s = cut_share(
        "[watch]\nrequire_sidecar = true\n",
        "put big.pdf; put big.pdf.idem",
        "big.pdf",
        &bytes,
        Some(b"smb-cut"),
    );
    // The client tries again: the same name, written whole this time, then the sidecar.
    s.smbd.run("inbox", "put big.pdf; put big.pdf.idem");
    let r = receipt(s.root.path(), "smb-cut", "succeeded");
    let all = manifests(s.root.path());
    assert_eq!(all.len(), 1);
    assert_eq!(r["job_id"], all[0]["job_id"]);
    assert!(
        raw(s.root.path(), "smb-cut") == bytes,
        "raw/input.pdf differs from the upload"
    );
    assert!(names(&s.root.path().join("inbox")).is_empty());
}

/// The same cut without a sidecar, with the default settings: the partial file starts like a PDF
/// but has no `%%EOF` at its end, so it is not taken when it stops changing (the built-in engine
/// converts such a half file without an error). The complete upload is one job with its bytes.
#[test]
fn bare_upload_cut_mid_file_is_not_taken_before_it_is_whole() {
    if !have("smbclient cut bare upload", SMB) {
        return;
    }
    let bytes = big_pdf("cut bare", 64 << 20);
    let s = cut_share("", "put bare.pdf", "bare.pdf", &bytes, None);
    s.smbd.run("inbox", "put bare.pdf");
    let key = hash_key(&bytes);
    receipt(s.root.path(), &key, "succeeded");
    assert_eq!(manifests(s.root.path()).len(), 1);
    assert!(
        raw(s.root.path(), &key) == bytes,
        "raw/input.pdf differs from the upload"
    );
    assert!(names(&s.root.path().join("inbox")).is_empty());
}
