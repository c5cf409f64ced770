//! The README's first command, as a new user runs it: `mdspool run` with no root given (so
//! `./mdspool-data`, relative to the working directory, created on first use), a PDF dropped with
//! its sidecar as docs/protocol.md says, and the Markdown read back from where the receipt points.

mod support;

use std::time::Duration;

use support::pdfwriter::{self, BOLD, PageSpec, REG};

use support::fs::read_json;
use support::{Daemon, wait_until};

#[test]
fn default_root_drop_to_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("mdspool-data");
    // No `--root`: the default, relative to the working directory.
    let mut cmd = support::command();
    cmd.args(["run", "--workers", "1"]).current_dir(tmp.path());
    let _d = Daemon::spawn(cmd, &root, tmp.path());
    let inbox = root.join("inbox");
    wait_until(
        Duration::from_secs(30),
        "the default root was created",
        || inbox.is_dir(),
    );

    // The first drop may be found by the startup scan; the second, made once the first is done,
    // only by watching (the periodic rescan is a minute away).
    for (key, title) in [
        ("q3-report", "Quarterly Report"),
        ("q4-report", "Annual Summary"),
    ] {
        let mut page = PageSpec::default();
        page.text(BOLD, 20.0, 72.0, 700.0, title).text(
            REG,
            11.0,
            72.0,
            660.0,
            "Revenue grew in every region this quarter.",
        );
        let pdf = pdfwriter::build(&[page], None, None);
        // Written under temp names, renamed; the sidecar last.
        let name = format!("{key}.pdf");
        std::fs::write(inbox.join(".drop.part"), &pdf).unwrap();
        std::fs::rename(inbox.join(".drop.part"), inbox.join(&name)).unwrap();
        std::fs::write(inbox.join(".idem.part"), format!(r#"{{"key": "{key}"}}"#)).unwrap();
        std::fs::rename(inbox.join(".idem.part"), inbox.join(format!("{name}.idem"))).unwrap();

        let receipt = root.join(format!("receipts/default/{key}.json"));
        let r = wait_until(
            Duration::from_secs(15),
            &format!("{key}: a final receipt"),
            || {
                read_json(&receipt)
                    .filter(|r| r["status"] == "succeeded" || r["status"] == "failed")
            },
        );
        assert_eq!(r["status"], "succeeded", "{r}");
        let md = std::fs::read_to_string(root.join(r["output"].as_str().unwrap())).unwrap();
        assert!(md.contains(&format!("# {title}")), "{md}");
        assert!(
            md.contains("Revenue grew in every region this quarter."),
            "{md}"
        );
    }
    assert_eq!(
        std::fs::read_dir(&inbox).unwrap().count(),
        0,
        "the drop was taken"
    );
}
