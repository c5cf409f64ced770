//! A daemon whose stderr cannot be written (the disk of its log file is full, or the program
//! reading its log is gone) loses log lines and goes on serving: it never aborts on a log line.
//! Seen failing before the fix: started with stderr on `/dev/full`, `mdspool run` died at once by
//! SIGABRT (exit 134): the log layer reported its own write error with `eprintln!`, which panicked,
//! and so did the panic hook, which aborts the process.

mod support;

use std::path::PathBuf;
use std::time::Duration;

use support::{Daemon, Root, wait_until};

const CONFIG: &str = r#"
[watch]
settle = "100ms"
[workers]
count = 1
backoff = "100ms"
rescan = "200ms"
"#;

#[test]
fn a_daemon_whose_log_cannot_be_written_keeps_serving() {
    let r = Root::new(CONFIG);
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let mut c = r.cmd();
    c.arg("run");
    let mut d = Daemon::spawn_logging_to(c, &r.root, full, PathBuf::from("/dev/full"));
    let live = r.root.join("state/daemon.json");
    wait_until(Duration::from_secs(30), "the daemon serves", || {
        std::fs::read_to_string(&live).is_ok_and(|s| s.contains("serving")) || !d.alive()
    });
    assert!(
        d.alive(),
        "the daemon died: {:?}",
        d.wait_exit(Duration::ZERO)
    );
    // A job through the inbox, converted and published, with every log line lost.
    let id = r.submit("logless.pdf", &[], "logless");
    wait_until(Duration::from_secs(60), "the job succeeds", || {
        r.status(&id) == "succeeded"
    });
    assert!(r.job_dir(&id).join("artifacts/output.md").is_file());
    let st = d.stop().expect("the daemon exits on SIGTERM");
    assert_eq!(st.code(), Some(0), "{st:?}");
}
