//! What a client reads is readable by other users: receipts, manifests, outputs and refusal notes
//! get the modes the umask gives (0644 under umask 022), like the output itself, while `state/`
//! stays private to the daemon's user. As root, the files are also read back as `nobody`, the way
//! a client on a share running as another user reads them.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::time::Duration;

use support::fs::*;
use support::{Root, pdf, wait_until};

const T: Duration = Duration::from_secs(30);

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Reads `p` in a child running as uid/gid 65534 (`nobody`); whether it could.
fn readable_by_nobody(p: &Path) -> bool {
    let mut c = std::process::Command::new("cat");
    c.arg(p)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        c.pre_exec(|| {
            if libc::setgroups(0, std::ptr::null()) != 0
                || libc::setgid(65534) != 0
                || libc::setuid(65534) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    c.status().unwrap().success()
}

#[test]
fn receipts_outputs_and_refusals_are_readable_by_other_users_and_state_is_private() {
    // The only test of this binary: the umask is the process's.
    // SAFETY: umask has no preconditions.
    unsafe { libc::umask(0o022) };
    let r = Root::new("[watch]\nsettle = \"200ms\"\n");
    let inbox = r.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let _d = r.start(&[], &[]);
    drop_pdf(&inbox, "good.pdf", &pdf("good", &[]), Some("k-good"));
    drop_pdf(&inbox, "bad.pdf", b"not a pdf at all", Some("k-bad"));

    let receipt = r.path().join("receipts/default/k-good.json");
    let done = wait_until(T, "the job succeeds", || {
        read_json(&receipt).filter(|v| v["status"] == "succeeded")
    });
    let id = done["job_id"].as_str().unwrap();
    wait_rejected(r.path(), "bad.pdf", T);
    let refused = r.path().join("receipts/default/k-bad.json");
    wait_until(T, "the refusal's receipt", || read_json(&refused));

    let job = r.job_dir(id);
    let readable = [
        receipt.clone(),
        refused.clone(),
        job.join("manifest.json"),
        job.join("artifacts/output.md"),
        r.path().join("rejected/bad.pdf.error.json"),
    ];
    for p in &readable {
        assert_eq!(format!("{:o}", mode(p)), "644", "{}", p.display());
    }
    for d in [r.path().join("receipts/default"), r.path().join("rejected")] {
        assert_eq!(format!("{:o}", mode(&d)), "755", "{}", d.display());
    }
    assert_eq!(
        format!("{:o}", mode(&r.path().join("state"))),
        "700",
        "state/ is private"
    );

    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        std::fs::set_permissions(r.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        for p in &readable {
            assert!(
                readable_by_nobody(p),
                "{} unreadable as nobody",
                p.display()
            );
        }
        let record = r.path().join("state/idempotency/default/k-good.json");
        assert!(record.exists());
        assert!(!readable_by_nobody(&record), "state/ is private");
    }
}
