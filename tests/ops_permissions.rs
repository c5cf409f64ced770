//! `output.mode` and `output.group`: the files clients read (manifests, outputs, receipts, outbox
//! files, refusal notes) get that mode and group whatever the daemon's umask, and their folders the
//! same bits plus search; the inbox and `state/` are never touched by them. A group that does not
//! exist stops the daemon at start with `config_invalid`; `mdspool doctor --fix` puts a file back
//! to the configured mode.

mod support;

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

use support::fs::{drop_pdf, names, put};
use support::{Root, pdf, wait_until};

const T: Duration = Duration::from_secs(60);

fn mode_gid(p: &Path) -> (u32, u32) {
    let m = std::fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    (m.mode() & 0o7777, m.gid())
}

#[test]
fn client_files_get_output_mode_and_group_whatever_the_umask() {
    // The umask is the process's (the other test here does not depend on it).
    // SAFETY: umask, geteuid and getegid have no preconditions.
    unsafe { libc::umask(0o077) };
    let root_user = unsafe { libc::geteuid() } == 0;
    // As root, a group of someone else (chown to it needs no membership); else our own.
    let gid = if root_user {
        65534
    } else {
        unsafe { libc::getegid() }
    };
    let config = format!(
        "[watch]\nsettle = \"100ms\"\n[workers]\nrescan = \"200ms\"\n[output]\nmode = \"0640\"\ngroup = \"{gid}\"\n"
    );
    let r = Root::new(&config);
    let o = r.mdspool(&["config", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["config"]["output"]["mode"], "0640");

    let d = r.start(&[], &[]);
    assert!(d.wait_log("daemon started", T), "{}", d.log_text());
    let inbox = r.root.join("inbox");
    drop_pdf(&inbox, "good.pdf", &pdf("good", &[]), None);
    put(&inbox, "bad.pdf", b"no pdf here");
    drop_pdf(&inbox, "keyed.pdf", &pdf("keyed", &[]), Some("k-1"));
    let outbox = r.root.join("outbox");
    wait_until(T, "the deliveries", || {
        names(&outbox) == ["bad.error.txt", "good.md"]
            && r.root.join("receipts/default/k-1.json").exists()
            && r.job_dirs().iter().all(|id| r.status(id) == "succeeded")
            && r.job_dirs().len() == 2
    });
    let mut files = vec![
        outbox.join("good.md"),
        outbox.join("bad.error.txt"),
        r.root.join("receipts/default/k-1.json"),
        r.root.join("rejected/bad.pdf.error.json"),
    ];
    let mut dirs = vec![
        r.root.join("jobs"),
        r.root.join("receipts"),
        r.root.join("receipts/default"),
        r.root.join("rejected"),
        outbox.clone(),
    ];
    for id in r.job_dirs() {
        let job = r.job_dir(&id);
        files.push(job.join("manifest.json"));
        files.push(job.join("artifacts/output.md"));
        dirs.push(job.clone());
        dirs.push(job.join("artifacts"));
    }
    for f in &files {
        assert_eq!(mode_gid(f), (0o640, gid), "{}", f.display());
    }
    for dir in &dirs {
        assert_eq!(mode_gid(dir), (0o750, gid), "{}", dir.display());
    }
    // Not the inbox (the clients' to write, as the operator set it) nor the private state.
    assert_eq!(mode_gid(&inbox).0, 0o700);
    assert_eq!(mode_gid(&r.root.join("state")).0, 0o700);
    assert_ne!(mode_gid(&r.root.join("state")).1, 65534);
    assert_eq!(d.stop().and_then(|s| s.code()), Some(0));

    // doctor sets a file back to output.mode.
    let out = r.job_dir(&r.job_dirs()[0]).join("artifacts/output.md");
    std::fs::set_permissions(&out, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let o = r.mdspool(&["doctor", "--json"]);
    assert_eq!(o.status.code(), Some(8), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("not the 0640 of output.mode"));
    let o = r.mdspool(&["doctor", "--fix"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(mode_gid(&out), (0o640, gid));
}

#[test]
fn a_group_that_does_not_exist_is_a_configuration_error() {
    let r = Root::new("[output]\ngroup = \"no-such-group-mdspool\"\n");
    let mut d = r.start(&[], &[]);
    let st = d.wait_exit(T).expect("the daemon exits");
    assert_eq!(st.code(), Some(2), "{}", d.log_text());
    assert!(d.log_text().contains("output.group"), "{}", d.log_text());
    let o = r.mdspool(&["config"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let o = r.run(&["config"], &[("MDSPOOL_OUTPUT_MODE", "rw-r--r--")]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("MDSPOOL_OUTPUT_MODE"));
}
