//! A full disk: the root lives on a small tmpfs. Admissions that do not fit fail with
//! `storage_full` (exit 8) and leave every manifest, record and receipt whole; once space returns,
//! work goes on without any repair.
//!
//! Needs root (to mount tmpfs); skips with a message otherwise.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use support::Daemon;
use support::fs::{read_json, walk};

struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Result<Tmpfs, String> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err("not root".into());
        }
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let o = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| e.to_string())?;
        if !o.status.success() {
            return Err(String::from_utf8_lossy(&o.stderr).into_owned());
        }
        Ok(Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn submit(root: &Path, file: &Path, key: &str) -> Output {
    support::command()
        .args(["--root", root.to_str().unwrap(), "submit"])
        .arg(file)
        .args(["--key", key, "--json"])
        .output()
        .unwrap()
}

fn all_json_parses(dir: &Path) -> usize {
    let mut n = 0;
    for (p, t) in walk(dir) {
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        if !t.is_dir() && name.ends_with(".json") && !mdspool::durable::is_temp_name(&name) {
            let bytes = std::fs::read(&p).unwrap();
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("{}: truncated or torn: {e}", p.display()));
            n += 1;
        }
    }
    n
}

#[test]
fn a_full_disk_fails_cleanly_and_work_resumes_when_space_returns() {
    let tmp = tempfile::tempdir().unwrap();
    let fs = match Tmpfs::mount(&tmp.path().join("mnt"), "6m") {
        Ok(fs) => fs,
        Err(why) => {
            support::skip::skip("full-disk", &why);
            return;
        }
    };
    let root = fs.0.join("root");
    // Space that can be given back later.
    let filler = fs.0.join("filler");
    std::fs::write(&filler, vec![0u8; 2 << 20]).unwrap();

    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let mut full = None;
    for i in 0..40 {
        let f = src.join(format!("big{i}.pdf"));
        let mut body = format!("%PDF-1.4\n% {i}\n").into_bytes();
        body.resize(700 << 10, b'x');
        std::fs::write(&f, &body).unwrap();
        let o = submit(&root, &f, &format!("big{i}"));
        if !o.status.success() {
            full = Some((i, o));
            break;
        }
    }
    let (at, o) = full.expect("the disk never filled up");
    assert_eq!(o.status.code(), Some(8), "{o:?}");
    let err: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(err["error"]["code"], "storage_full", "{err}");
    let staged = std::fs::read_dir(root.join("state/staging"))
        .unwrap()
        .count();
    assert_eq!(
        staged, 0,
        "a failed admission left a partial drop in staging"
    );
    let records = all_json_parses(&root);
    assert!(records >= 2 * at, "{records} records for {at} jobs");

    // Space returns: the next drop goes through, nothing needs repair.
    std::fs::remove_file(&filler).unwrap();
    let f = src.join("after.pdf");
    std::fs::write(&f, b"%PDF-1.4\n% after\n%%EOF\n").unwrap();
    let o = submit(&root, &f, "after");
    assert!(o.status.success(), "{o:?}");
    all_json_parses(&root);
    let list = support::command()
        .args(["--root", root.to_str().unwrap(), "list", "--json"])
        .output()
        .unwrap();
    assert!(list.status.success());
    let jobs: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(jobs.len(), at + 1, "every admitted job is listed once");
    eprintln!("disk full at drop {at}; {records} records intact; resumed after freeing space");
}

fn fill(path: &Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 4096];
    while f.write_all(&chunk).is_ok() {}
    let _ = f.sync_all();
}

/// Waits up to `secs` for `f`; on a timeout, panics with the daemon's log.
fn wait(what: &str, secs: u64, d: &Daemon, f: impl FnMut() -> bool) {
    let held = support::poll(Duration::from_secs(secs), f);
    assert!(held.is_some(), "timed out: {what}\n{}", d.log_text());
}

/// The daemon on a full disk: a conversion whose output cannot be written and a drop that cannot
/// be admitted both wait with `storage_full` (no attempt budget is used up, nothing is torn, the
/// daemon stays up), and both complete by themselves once space returns.
#[test]
fn the_daemon_waits_out_a_full_disk_and_resumes_by_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let fs = match Tmpfs::mount(&tmp.path().join("mnt"), "8m") {
        Ok(fs) => fs,
        Err(why) => {
            support::skip::skip("full-disk", &why);
            return;
        }
    };
    let root = fs.0.join("root");
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::write(
        root.join("mdspool.toml"),
        "[watch]\nsettle = \"300ms\"\nrescan = \"1s\"\n[workers]\ncount = 1\nmax_attempts = 2\nbackoff = \"300ms\"\nbackoff_max = \"1s\"\n",
    )
    .unwrap();
    let mut cmd = support::command();
    cmd.args(["--root", root.to_str().unwrap(), "run"])
        .env("MDSPOOL_TEST_CONVERTER", "1")
        .env("NO_COLOR", "1");
    // The log stays off the full file system.
    let mut d = Daemon::spawn(cmd, &root, tmp.path());

    // Drop A converts slowly; drop B waits under temp names to be dropped once the disk is full.
    std::fs::write(
        inbox.join(".a.part"),
        b"%PDF-1.4\n%mdspool-test: sleep:2\n%%EOF\n",
    )
    .unwrap();
    std::fs::rename(inbox.join(".a.part"), inbox.join("a.pdf")).unwrap();
    std::fs::write(inbox.join("a.pdf.idem"), "key-a").unwrap();
    std::fs::write(inbox.join(".b.part"), b"%PDF-1.4\n% b\n%%EOF\n").unwrap();
    std::fs::write(inbox.join(".b.idem.part"), "key-b").unwrap();
    let receipt_a = root.join("receipts/default/key-a.json");
    let receipt_b = root.join("receipts/default/key-b.json");
    let manifest_of = |receipt: &Path| -> Option<serde_json::Value> {
        let r = read_json(receipt)?;
        read_json(&root.join(r["manifest"].as_str()?))
    };
    wait("a running", 30, &d, || {
        manifest_of(&receipt_a).is_some_and(|m| m["status"] == "running")
    });

    let filler = fs.0.join("filler");
    fill(&filler);
    std::fs::rename(inbox.join(".b.part"), inbox.join("b.pdf")).unwrap();
    std::fs::rename(inbox.join(".b.idem.part"), inbox.join("b.pdf.idem")).unwrap();
    // A's output cannot be written, nor can its manifest say so: the daemon postpones it with
    // storage_full (its manifest still says running, as after a crash) and uses up no attempt.
    wait("a postponed with storage_full", 30, &d, || {
        let text = d.log_text();
        text.contains("code=storage_full") && text.contains("job postponed")
    });
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert!(d.alive(), "the daemon must stay up");
    let m = manifest_of(&receipt_a).unwrap();
    assert_ne!(
        m["status"], "failed",
        "a full disk used up the attempts: {m}"
    );
    assert!(
        !receipt_b.exists(),
        "b cannot have been admitted on a full disk"
    );
    all_json_parses(&root);

    std::fs::remove_file(&filler).unwrap();
    wait("both converted once space returned", 60, &d, || {
        manifest_of(&receipt_a).is_some_and(|m| m["status"] == "succeeded")
            && manifest_of(&receipt_b).is_some_and(|m| m["status"] == "succeeded")
    });
    all_json_parses(&root);
    assert_eq!(
        std::fs::read_dir(root.join("state/staging"))
            .unwrap()
            .count(),
        0
    );
    assert_eq!(std::fs::read_dir(&inbox).unwrap().count(), 0);
    drop(d);
}
