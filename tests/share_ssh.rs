//! Drops made over SSH: a real `sshd` on a loopback port, and the clients people use to reach a
//! scanner folder on a server: `sftp` (in place, or under a temp name then renamed), `scp`, and
//! `rsync` (its `.NAME.XXXXXX` temp files, and `--inplace`, which grows the final name). Each
//! completed drop is exactly one job whose `raw/input.pdf` holds the bytes sent; no temp file is
//! ever taken. The writer patterns are listed in docs/protocol.md ("Tested share clients").

mod support;

use std::path::Path;
use std::time::Duration;

use support::fs::{manifests, names, read_json, sha256_hex};
use support::servers::{Sshd, big_pdf, have};
use support::{Daemon, Root, pdf, wait_until};

const SSH: &[&str] = &["sshd", "ssh", "sftp", "scp", "ssh-keygen"];

/// Waits until the job of `key` succeeded; returns its `raw/input.pdf`.
fn raw_when_done(root: &Path, key: &str) -> Vec<u8> {
    let p = root.join("receipts/default").join(format!("{key}.json"));
    let r = wait_until(
        Duration::from_secs(30),
        &format!("receipt of {key}"),
        || read_json(&p).filter(|r| r["status"] == "succeeded"),
    );
    let id = r["job_id"].as_str().unwrap();
    std::fs::read(root.join("jobs").join(id).join("raw/input.pdf")).unwrap()
}

fn hash_key(bytes: &[u8]) -> String {
    format!("sha256-{}", sha256_hex(bytes))
}

fn start(root: &Root) -> (Daemon, Sshd) {
    std::fs::create_dir_all(root.path().join("inbox")).unwrap();
    let sshd = Sshd::start(&root.outside("ssh"));
    (root.start(&[], &[("MDSPOOL_WATCH_SETTLE", "2s")]), sshd)
}

#[test]
fn sftp_and_scp_uploads_are_one_job_each() {
    if !have("sftp and scp", SSH) {
        return;
    }
    let root = Root::new("");
    let (_daemon, sshd) = start(&root);
    let inbox = root.path().join("inbox");
    let (a, b, c) = (pdf("sftp a", &[]), pdf("scp b", &[]), pdf("sftp c", &[]));
    let local = |name: &str, bytes: &[u8]| {
        let p = root.outside(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    };
    let (la, lidem, lc) = (
        local("a.pdf", &a),
        local("a.idem", b"sftp-a"),
        local("c.pdf", &c),
    );
    let i = inbox.display();
    // In place under the final name, then the sidecar; and a temp name renamed into place.
    sshd.sftp(&format!(
        "put {la} {i}/a.pdf\nput {lidem} {i}/a.pdf.idem\nput {lc} {i}/c.pdf.part\nrename {i}/c.pdf.part {i}/c.pdf\n"
    ));
    // scp (the SFTP protocol since OpenSSH 9): in place, no sidecar, taken after settling.
    sshd.scp(Path::new(&local("b.pdf", &b)), &inbox.join("b.pdf"));
    assert_eq!(raw_when_done(root.path(), "sftp-a"), a);
    assert_eq!(raw_when_done(root.path(), &hash_key(&b)), b);
    assert_eq!(raw_when_done(root.path(), &hash_key(&c)), c);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(manifests(root.path()).len(), 3);
    assert!(names(&inbox).is_empty());
    assert!(names(&root.path().join("rejected")).is_empty());
}

/// rsync writes `.NAME.XXXXXX` and renames it into place; `--inplace` grows `NAME` itself, slowly
/// here (`--bwlimit`) so that the file is seen growing for longer than `settle` is long. Both are
/// one job with the bytes sent, no temp file taken (checked once with settling skipped: the
/// growing `--inplace` file was taken before it was complete and this test failed).
#[test]
fn rsync_temp_files_and_inplace_are_one_job_each() {
    if !have("rsync", &[SSH, &["rsync"]].concat()) {
        return;
    }
    let root = Root::new("");
    let (_daemon, sshd) = start(&root);
    let inbox = root.path().join("inbox");
    let (r1, r2) = (
        big_pdf("rsync temp", 6 << 20),
        big_pdf("rsync inplace", 6 << 20),
    );
    std::fs::write(root.outside("r1.pdf"), &r1).unwrap();
    std::fs::write(root.outside("r2.pdf"), &r2).unwrap();
    let send = |name: &str, extra: &[&str]| {
        let mut args = vec!["--bwlimit=1500"];
        args.extend_from_slice(extra);
        let src = root.outside(name).display().to_string();
        let dst = sshd.remote(&inbox.join(name));
        args.extend([src.as_str(), dst.as_str()]);
        let mut child = sshd.rsync(&args).spawn().unwrap();
        // What the inbox showed while the transfer ran.
        let mut seen = std::collections::BTreeSet::new();
        while child.try_wait().unwrap().is_none() {
            for n in names(&inbox) {
                let len = inbox.join(&n).metadata().map_or(0, |m| m.len());
                seen.insert((n, len < r1.len() as u64));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(child.wait().unwrap().success());
        seen
    };
    let seen = send("r1.pdf", &[]);
    assert!(
        seen.iter()
            .any(|(n, partial)| n.starts_with(".r1.pdf.") && *partial),
        "no rsync temp file seen: {seen:?}"
    );
    assert!(!seen.iter().any(|(n, partial)| n == "r1.pdf" && *partial));
    let seen = send("r2.pdf", &["--inplace"]);
    assert!(seen.contains(&("r2.pdf".to_string(), true)), "{seen:?}");
    assert!(raw_when_done(root.path(), &hash_key(&r1)) == r1);
    assert!(raw_when_done(root.path(), &hash_key(&r2)) == r2);
    std::thread::sleep(Duration::from_secs(3));
    let all = manifests(root.path());
    assert_eq!(all.len(), 2, "{all:?}");
    let mut sources: Vec<_> = all
        .iter()
        .map(|m| m["source"]["name"].to_string())
        .collect();
    sources.sort();
    assert_eq!(sources, ["\"r1.pdf\"", "\"r2.pdf\""]);
    assert!(names(&inbox).is_empty());
    assert!(names(&root.path().join("rejected")).is_empty());
}
