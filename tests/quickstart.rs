//! The README's first command, as a new user runs it: `mdspool run` with no root given (so
//! `./mdspool-data`, relative to the working directory, created on first use), a PDF dropped with
//! its sidecar as docs/protocol.md says, and the Markdown read back from where the receipt points.

mod util;

#[path = "../crates/mdspool-convert/tests/support/pdfwriter.rs"]
mod pdfwriter;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pdfwriter::{BOLD, PageSpec, REG};

use util::pool::ChildGuard as Daemon;

#[test]
fn default_root_drop_to_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    let _d = Daemon(
        Command::new(env!("CARGO_BIN_EXE_mdspool"))
            .args(["run", "--workers", "1"])
            .current_dir(tmp.path())
            .env_remove("CONVERTER_STORAGE_ROOT")
            .env_remove("SIR_CONVERT_A_LOT_DATA_DIR")
            .env_remove("MDSPOOL_CONFIG")
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let root = tmp.path().join("mdspool-data");
    let inbox = root.join("inbox");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !inbox.is_dir() {
        assert!(
            Instant::now() < deadline,
            "the default root was never created"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

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
        let deadline = Instant::now() + Duration::from_secs(15);
        let r = loop {
            if let Ok(bytes) = std::fs::read(&receipt) {
                let r: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                if r["status"] == "succeeded" || r["status"] == "failed" {
                    break r;
                }
            }
            assert!(Instant::now() < deadline, "{key}: no final receipt in time");
            std::thread::sleep(Duration::from_millis(100));
        };
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
