//! `outbox/` with the real daemon: a drop without a sidecar gives `outbox/NAME.md` (`NAME (2).md`
//! when the name is taken), a failed one `outbox/NAME.error.txt` in plain words; a drop with a
//! sidecar delivers nothing there; `watch.outbox = false` turns it off; retention removes old files.

mod support;

use std::path::Path;
use std::time::{Duration, SystemTime};

use support::fs::{drop_pdf, job_with_key, manifests, names};
use support::{Root, pdf, wait_until};

const T: Duration = Duration::from_secs(60);

const CONFIG: &str = r#"
[watch]
settle = "100ms"
[workers]
count = 2
rescan = "200ms"
"#;

fn daemon(r: &Root) -> support::Daemon {
    let d = r.start(&[], &[]);
    assert!(d.wait_log("daemon started", T), "{}", d.log_text());
    d
}

fn wait_file(p: &Path) -> String {
    wait_until(T, &format!("{} delivered", p.display()), || {
        std::fs::read_to_string(p).ok()
    })
}

/// The Markdown of every job of the root.
fn outputs(root: &Path) -> Vec<String> {
    manifests(root)
        .iter()
        .filter_map(|m| {
            let id = m["job_id"].as_str()?;
            std::fs::read_to_string(root.join("jobs").join(id).join("artifacts/output.md")).ok()
        })
        .collect()
}

#[test]
fn drops_without_sidecar_are_delivered_with_collision_safe_names_and_error_files() {
    let r = Root::new(CONFIG);
    let _d = daemon(&r);
    let inbox = r.root.join("inbox");
    let outbox = r.root.join("outbox");

    // The test converter echoes the size: two different `report.pdf` give different Markdown.
    drop_pdf(&inbox, "report.pdf", &pdf("first", &[]), None);
    let first = wait_file(&outbox.join("report.md"));
    drop_pdf(&inbox, "report.pdf", &pdf("the second one", &[]), None);
    let second = wait_file(&outbox.join("report (2).md"));
    assert_ne!(first, second);
    let all = outputs(&r.root);
    assert!(all.contains(&first) && all.contains(&second), "{all:?}");

    drop_pdf(&inbox, "bad.pdf", &pdf("", &["malformed"]), None);
    let text = wait_file(&outbox.join("bad.error.txt"));
    assert!(
        text.starts_with("bad.pdf could not be converted to Markdown."),
        "{text}"
    );
    assert!(text.contains("Why: the PDF cannot be parsed"), "{text}");
    assert!(text.contains("What to do: "), "{text}");
    assert!(text.contains("code: pdf_malformed"), "{text}");

    // A drop with a sidecar: the client follows its receipt; nothing in the outbox.
    drop_pdf(&inbox, "keyed.pdf", &pdf("keyed", &[]), Some("key-1"));
    wait_until(T, "the keyed job succeeded", || {
        job_with_key(&r.root, "key-1").filter(|m| m["status"] == "succeeded")
    });
    assert_eq!(
        names(&outbox),
        ["bad.error.txt", "report (2).md", "report.md"]
    );
}

#[test]
fn outbox_can_be_turned_off() {
    let r = Root::new(CONFIG);
    let d = r.start(&[], &[("MDSPOOL_WATCH_OUTBOX", "false")]);
    assert!(d.wait_log("daemon started", T), "{}", d.log_text());
    drop_pdf(&r.root.join("inbox"), "quiet.pdf", &pdf("", &[]), None);
    wait_until(T, "the job succeeded", || {
        manifests(&r.root)
            .into_iter()
            .find(|m| m["status"] == "succeeded")
    });
    assert!(names(&r.root.join("outbox")).is_empty());
}

#[test]
fn retention_removes_old_outbox_files() {
    let r = Root::new("[retention]\noutbox = \"1d\"\n");
    let outbox = r.root.join("outbox");
    std::fs::create_dir_all(&outbox).unwrap();
    for n in ["old.md", "old.error.txt", "new.md"] {
        std::fs::write(outbox.join(n), b"x").unwrap();
    }
    let two_days_ago = SystemTime::now() - Duration::from_secs(2 * 86400);
    for n in ["old.md", "old.error.txt"] {
        let f = std::fs::File::options()
            .write(true)
            .open(outbox.join(n))
            .unwrap();
        f.set_modified(two_days_ago).unwrap();
    }
    let o = r.mdspool(&["sweep", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let report = String::from_utf8_lossy(&o.stdout);
    assert!(report.contains("remove_outbox"), "{report}");
    assert_eq!(names(&outbox), ["new.md"]);
}

#[test]
fn a_refused_drop_without_sidecar_gets_an_error_file_and_names_never_collide() {
    let r = Root::new(CONFIG);
    let _d = daemon(&r);
    let inbox = r.root.join("inbox");
    let outbox = r.root.join("outbox");

    // Not a PDF: refused before it becomes a job.
    support::fs::put(
        &inbox,
        "notes.pdf",
        b"meeting notes, typed in a text editor",
    );
    let text = wait_file(&outbox.join("notes.error.txt"));
    assert!(
        text.starts_with("notes.pdf was not accepted, so it was not converted to Markdown."),
        "{text}"
    );
    assert!(text.contains("Why: no `%PDF-` header"), "{text}");
    assert!(text.contains("What to do: The file is not a PDF"), "{text}");
    assert!(text.contains("code: not_a_pdf"), "{text}");
    assert!(text.contains("kept as: rejected/notes.pdf"), "{text}");
    // The text is written first, then the drop moves there.
    wait_until(T, "the refused drop kept", || {
        r.root.join("rejected/notes.pdf").exists()
    });

    // The same name again, empty this time: the next free name, never an overwrite.
    support::fs::put(&inbox, "notes.pdf", b"");
    let second = wait_file(&outbox.join("notes (2).error.txt"));
    assert!(second.contains("code: empty_file"), "{second}");
    assert!(second.contains("Drop it again"), "{second}");

    // A job of that name that fails: its error file takes the third name.
    drop_pdf(&inbox, "notes.pdf", &pdf("", &["encrypted"]), None);
    let third = wait_file(&outbox.join("notes (3).error.txt"));
    assert!(
        third.starts_with("notes.pdf could not be converted"),
        "{third}"
    );
    assert!(third.contains("code: pdf_encrypted"), "{third}");
    assert!(third.contains("Remove the password"), "{third}");

    // And one that succeeds: `notes.md`, its own suffix.
    drop_pdf(&inbox, "notes.pdf", &pdf("fine", &[]), None);
    wait_file(&outbox.join("notes.md"));

    // A refused drop with a sidecar: the client reads its receipt, nothing in the outbox.
    drop_pdf(&inbox, "keyed.pdf", b"not a pdf either", Some("key-2"));
    wait_until(T, "the keyed drop refused", || {
        r.root.join("rejected/keyed.pdf.error.json").exists()
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        names(&outbox),
        [
            "notes (2).error.txt",
            "notes (3).error.txt",
            "notes.error.txt",
            "notes.md"
        ]
    );
}

/// `watch.outbox_scopes`: every drop of a listed scope delivers, sidecar and key or not (its Markdown,
/// its failure, its refusal, a key conflict), under collision-safe names; a keyed drop of another
/// scope delivers nothing, and `watch.outbox = false` switches off drops without a sidecar.
/// Seen failing with `Rule::wants` reduced to `self.bare && wants(m)` (nothing but the bare rule:
/// `outbox/inv.md` never came) and with the conflict delivery left out (no `clash.error.txt`).
#[test]
fn scopes_listed_in_outbox_scopes_deliver_keyed_drops_and_bare_drops_can_be_off() {
    let config = CONFIG.replace(
        "settle = \"100ms\"\n",
        "settle = \"100ms\"\noutbox = false\noutbox_scopes = [\"accounting\"]\n",
    );
    let r = Root::new(&config);
    let shown = r.mdspool(&["config"]);
    let shown = String::from_utf8_lossy(&shown.stdout).into_owned();
    assert!(
        shown.contains("outbox_scopes = [\"accounting\"]  # file"),
        "{shown}"
    );
    let _d = daemon(&r);
    let inbox = r.root.join("inbox");
    let outbox = r.root.join("outbox");
    let sc = |key: &str, scope: &str| format!(r#"{{"key": "{key}", "scope": "{scope}"}}"#);

    drop_pdf(
        &inbox,
        "inv.pdf",
        &pdf("one", &[]),
        Some(&sc("inv-1", "accounting")),
    );
    let first = wait_file(&outbox.join("inv.md"));
    drop_pdf(
        &inbox,
        "inv.pdf",
        &pdf("two two", &[]),
        Some(&sc("inv-2", "accounting")),
    );
    let second = wait_file(&outbox.join("inv (2).md"));
    assert_ne!(first, second);

    drop_pdf(
        &inbox,
        "broken.pdf",
        &pdf("", &["malformed"]),
        Some(&sc("b-1", "accounting")),
    );
    let failed = wait_file(&outbox.join("broken.error.txt"));
    assert!(failed.contains("code: pdf_malformed"), "{failed}");

    drop_pdf(
        &inbox,
        "text.pdf",
        b"plain words",
        Some(&sc("t-1", "accounting")),
    );
    let refused = wait_file(&outbox.join("text.error.txt"));
    assert!(refused.contains("code: not_a_pdf"), "{refused}");

    // The key of the first drop with other bytes: refused, and told so in the outbox.
    drop_pdf(
        &inbox,
        "clash.pdf",
        &pdf("other", &[]),
        Some(&sc("inv-1", "accounting")),
    );
    let clash = wait_file(&outbox.join("clash.error.txt"));
    assert!(clash.contains("code: idempotency_conflict"), "{clash}");
    assert!(
        clash.contains("Drop it again with a key of its own"),
        "{clash}"
    );

    // Another scope, and a drop without a sidecar (watch.outbox = false): nothing delivered.
    drop_pdf(
        &inbox,
        "legal.pdf",
        &pdf("l", &[]),
        Some(&sc("l-1", "legal")),
    );
    drop_pdf(&inbox, "bare.pdf", &pdf("bare", &[]), None);
    wait_until(T, "both jobs succeeded", || {
        let done = manifests(&r.root)
            .iter()
            .filter(|m| m["status"] == "succeeded")
            .count();
        (done == 4).then_some(())
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        names(&outbox),
        [
            "broken.error.txt",
            "clash.error.txt",
            "inv (2).md",
            "inv.md",
            "text.error.txt"
        ]
    );
}
