//! A crash at any step of taking a drop (the process aborts at a crash point) is finished by the
//! next start: exactly one job with the drop's key and bytes, nothing left in the inbox or in
//! staging, nothing rejected.

mod support;

use std::time::Duration;

use support::fs::*;
use support::{Daemon, pdf, wait_until};

const T: Duration = Duration::from_secs(30);

const POINTS: &[&str] = &[
    "inbox.after_mkdir",
    "inbox.after_claim",
    "inbox.after_claim_sidecar",
    "admit.before_record",
    "admit.after_record",
    "admit.before_publish",
    "admit.after_publish",
    "admit.after_receipt",
    "durable.after_write_temp:1",
    "durable.after_write_temp:3",
    "durable.before_rename:2",
];

#[test]
fn a_crash_at_any_step_of_a_take_is_finished_at_restart() {
    for point in POINTS {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        let inbox = root.join("inbox");
        std::fs::create_dir_all(&inbox).unwrap();
        let bytes = pdf(point, &[]);
        drop_pdf(
            &inbox,
            "c.pdf",
            &bytes,
            Some(r#"{"key": "k-crash", "scope": "s"}"#),
        );
        let mut d = Daemon::start(&root, &[], &[("MDSPOOL_FAILPOINT", point)]);
        let status = d
            .wait_exit(T)
            .unwrap_or_else(|| panic!("{point}: the daemon does not exit: {}", d.log_text()));
        assert!(!status.success(), "{point}: the daemon stopped");
        assert!(
            d.log_text().contains("crash point"),
            "{point}: {}",
            d.log_text()
        );
        let d = Daemon::start(&root, &[], &[]);
        let m = wait_until(T, point, || job_with_key(&root, "k-crash"));
        wait_until(T, point, || {
            let receipt = read_json(&root.join("receipts/s/k-crash.json"));
            let clean = names(&inbox).is_empty() && names(&root.join("state/staging")).is_empty();
            (clean && receipt.is_some_and(|r| r["job_id"] == m["job_id"])).then_some(())
        });
        let id = m["job_id"].as_str().unwrap();
        assert_eq!(manifests(&root).len(), 1, "{point}");
        assert_eq!(m["source"]["name"], "c.pdf", "{point}");
        assert_eq!(
            std::fs::read(root.join("jobs").join(id).join("raw/input.pdf")).unwrap(),
            bytes,
            "{point}"
        );
        assert!(names(&root.join("rejected")).is_empty(), "{point}");
        d.stop();
    }
}
