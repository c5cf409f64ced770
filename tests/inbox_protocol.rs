//! The drop protocol end to end, against the real daemon: sidecar forms, settling, slow writers,
//! replays across restarts, conflicts, polling mode and drops made while the daemon was down.

mod support;

use std::io::Write;
use std::time::Duration;

use support::fs::*;
use support::{Daemon, pdf, wait_until};

const T: Duration = Duration::from_secs(30);

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    std::fs::create_dir_all(root.join("inbox")).unwrap();
    (tmp, root)
}

#[test]
fn sidecar_forms_are_taken_at_once() {
    let (_tmp, root) = setup();
    // A settle far longer than the deadline: only the sidecar can make these drops be taken.
    let _d = Daemon::start(&root, &[], &[("MDSPOOL_WATCH_SETTLE", "10m")]);
    let inbox = root.join("inbox");
    let a = pdf("json", &[]);
    drop_pdf(
        &inbox,
        "a.pdf",
        &a,
        Some(r#"{"key": "inv-1", "scope": "acme", "pin": true, "customer": "c42"}"#),
    );
    drop_pdf(&inbox, "B.PDF", &pdf("plain", &[]), Some("inv-2\n"));
    let c = pdf("marker", &[]);
    drop_pdf(&inbox, "c.pdf", &c, Some(""));
    wait_until(T, "3 jobs, admissions finished", || {
        let done = names(&root.join("state/staging")).is_empty() && names(&inbox).is_empty();
        (manifests(&root).len() == 3 && done).then_some(())
    });

    let m = job_with_key(&root, "inv-1").unwrap();
    assert_eq!(m["idempotency"]["scope"], "acme");
    assert_eq!(m["pinned"], true);
    assert_eq!(m["client"]["customer"], "c42");
    assert_eq!(m["source"]["name"], "a.pdf");
    let id = m["job_id"].as_str().unwrap();
    assert_eq!(
        std::fs::read(root.join("jobs").join(id).join("raw/input.pdf")).unwrap(),
        a
    );
    let r = read_json(&root.join("receipts/acme/inv-1.json")).unwrap();
    assert_eq!(r["job_id"], id);

    let m = job_with_key(&root, "inv-2").unwrap();
    assert_eq!(m["idempotency"]["scope"], "default");
    assert_eq!(m["source"]["name"], "B.PDF");
    assert_eq!(m["pinned"], false);

    let key = format!("sha256-{}", sha256_hex(&c));
    assert!(
        job_with_key(&root, &key).is_some(),
        "empty sidecar: content key"
    );
    wait_until(T, "inbox and staging emptied", || {
        (names(&inbox).is_empty() && names(&root.join("state/staging")).is_empty()).then_some(())
    });
    assert!(names(&root.join("rejected")).is_empty());
}

#[test]
fn no_sidecar_drop_is_taken_after_settle_and_slow_writers_are_not_taken_early() {
    let (_tmp, root) = setup();
    let inbox = root.join("inbox");
    let _d = Daemon::start(&root, &[], &[("MDSPOOL_WATCH_SETTLE", "1500ms")]);

    let plain = pdf("settled", &[]);
    put(&inbox, "plain.pdf", &plain);
    let key = format!("sha256-{}", sha256_hex(&plain));
    let m = wait_until(T, "settled drop", || job_with_key(&root, &key));
    assert_eq!(m["idempotency"]["scope"], "default");

    // Written in place, in chunks 400 ms apart (shorter than the settle time), over ~4 s.
    let mut full = pdf("slow", &[]);
    full.extend(std::iter::repeat_n(b'%', 4000));
    full.extend_from_slice(b"\n%%EOF\n");
    let slow_key = format!("sha256-{}", sha256_hex(&full));
    // And one with a sidecar that comes last, after the same slow write.
    let full2: Vec<u8> = [full.as_slice(), b"% two\n"].concat();
    let mut f = std::fs::File::create(inbox.join("slow.pdf")).unwrap();
    let mut f2 = std::fs::File::create(inbox.join("slow2.pdf")).unwrap();
    let chunks1: Vec<&[u8]> = full.chunks(full.len() / 10 + 1).collect();
    let chunks2: Vec<&[u8]> = full2.chunks(full2.len() / 10 + 1).collect();
    for (c1, c2) in chunks1.iter().zip(&chunks2) {
        f.write_all(c1).unwrap();
        f2.write_all(c2).unwrap();
        std::thread::sleep(Duration::from_millis(400));
        assert!(
            inbox.join("slow.pdf").exists(),
            "slow.pdf taken while written"
        );
        assert!(
            inbox.join("slow2.pdf").exists(),
            "slow2.pdf taken while written"
        );
        assert_eq!(manifests(&root).len(), 1);
    }
    for c in &chunks2[chunks1.len()..] {
        f2.write_all(c).unwrap();
    }
    drop(f);
    drop(f2);
    put(&inbox, "slow2.pdf.idem", b"slow-two");
    let m = wait_until(T, "slow drop", || job_with_key(&root, &slow_key));
    let id = m["job_id"].as_str().unwrap();
    assert_eq!(
        std::fs::read(root.join("jobs").join(id).join("raw/input.pdf")).unwrap(),
        full
    );
    let m = wait_until(T, "slow drop with sidecar", || {
        job_with_key(&root, "slow-two")
    });
    let id = m["job_id"].as_str().unwrap();
    assert_eq!(
        std::fs::read(root.join("jobs").join(id).join("raw/input.pdf")).unwrap(),
        full2
    );
    assert_eq!(manifests(&root).len(), 3);
}

#[test]
fn require_sidecar_leaves_bare_pdfs_alone() {
    let (_tmp, root) = setup();
    let inbox = root.join("inbox");
    let _d = Daemon::start(
        &root,
        &[],
        &[
            ("MDSPOOL_WATCH_SETTLE", "200ms"),
            ("MDSPOOL_WATCH_REQUIRE_SIDECAR", "true"),
            ("MDSPOOL_WATCH_RESCAN", "300ms"),
        ],
    );
    put(&inbox, "bare.pdf", &pdf("bare", &[]));
    put(&inbox, "notes.txt", b"not a drop");
    put(&inbox, "x.pdf.part", b"half");
    drop_pdf(&inbox, "ok.pdf", &pdf("ok", &[]), Some("with-sidecar"));
    wait_until(T, "sidecar drop", || job_with_key(&root, "with-sidecar"));
    // Several settle times and rescans later, the bare PDF and the others are still there.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(names(&inbox), vec!["bare.pdf", "notes.txt", "x.pdf.part"]);
    assert_eq!(manifests(&root).len(), 1);
    assert!(names(&root.join("rejected")).is_empty());
}

#[test]
fn replay_after_restart_and_conflict() {
    let (_tmp, root) = setup();
    let inbox = root.join("inbox");
    let env = [("MDSPOOL_WATCH_SETTLE", "500ms")];
    let bytes = pdf("replay", &[]);
    // Made while no daemon runs: taken at startup.
    drop_pdf(&inbox, "r.pdf", &bytes, Some("k-replay"));
    drop_pdf(&inbox, "early.pdf", &pdf("early", &[]), None);
    let d = Daemon::start(&root, &[], &env);
    let m = wait_until(T, "first job", || job_with_key(&root, "k-replay"));
    let id = m["job_id"].as_str().unwrap().to_string();
    wait_until(T, "bare drop made while down", || {
        (manifests(&root).len() == 2).then_some(())
    });
    d.stop();

    let receipt = root.join("receipts/default/k-replay.json");
    std::fs::remove_file(&receipt).unwrap();
    let d = Daemon::start(&root, &[], &env);
    drop_pdf(&inbox, "r-again.pdf", &bytes, Some("k-replay"));
    let r = wait_until(T, "receipt of the replay", || read_json(&receipt));
    assert_eq!(r["job_id"], id.as_str());
    wait_until(T, "inbox emptied", || {
        names(&inbox).is_empty().then_some(())
    });
    assert_eq!(manifests(&root).len(), 2, "a replay creates no job");
    assert!(names(&root.join("rejected")).is_empty());

    drop_pdf(
        &inbox,
        "other.pdf",
        &pdf("different", &[]),
        Some("k-replay"),
    );
    let note = wait_rejected(&root, "other.pdf", T);
    assert_eq!(note["code"], "idempotency_conflict");
    assert!(note["message"].as_str().unwrap().contains(&id));
    assert!(root.join("rejected/other.pdf").exists());
    wait_until(T, "sidecar beside it", || {
        root.join("rejected/other.pdf.idem").exists().then_some(())
    });
    let r = read_json(&receipt).unwrap();
    assert_eq!(
        r["job_id"],
        id.as_str(),
        "a conflict leaves the receipt alone"
    );
    assert_eq!(manifests(&root).len(), 2);
    d.stop();
}

#[test]
fn poll_mode_takes_drops() {
    let (_tmp, root) = setup();
    let inbox = root.join("inbox");
    let _d = Daemon::start(
        &root,
        &["--poll", "300ms"],
        &[
            ("MDSPOOL_WATCH_SETTLE", "500ms"),
            ("MDSPOOL_WATCH_RESCAN", "1h"),
        ],
    );
    // Once this first drop is taken, the startup scan is over: the next ones come by polling.
    drop_pdf(&inbox, "first.pdf", &pdf("first", &[]), Some("k-first"));
    wait_until(T, "first drop", || job_with_key(&root, "k-first"));
    assert!(_d.log_text().contains("polling"), "{}", _d.log_text());
    drop_pdf(&inbox, "p.pdf", &pdf("poll", &[]), Some("k-poll"));
    let bare = pdf("poll-bare", &[]);
    put(&inbox, "q.pdf", &bare);
    wait_until(T, "sidecar drop by polling", || {
        job_with_key(&root, "k-poll")
    });
    let key = format!("sha256-{}", sha256_hex(&bare));
    wait_until(T, "bare drop by polling", || job_with_key(&root, &key));
    assert!(names(&inbox).is_empty());
}

#[test]
fn crash_between_claiming_the_pdf_and_its_sidecar_is_finished_by_recovery() {
    let (_tmp, root) = setup();
    let inbox = root.join("inbox");
    drop_pdf(&inbox, "c.pdf", &pdf("crash", &[]), Some("k-crash"));
    let mut d = Daemon::start(&root, &[], &[("MDSPOOL_FAILPOINT", "inbox.after_claim")]);
    d.wait_exit(T).expect("the daemon exits");
    assert_eq!(names(&inbox), vec!["c.pdf.idem"], "the PDF was claimed");
    let _d = Daemon::start(&root, &[], &[]);
    let m = wait_until(T, "recovered job", || job_with_key(&root, "k-crash"));
    assert_eq!(m["source"]["name"], "c.pdf");
    wait_until(T, "inbox emptied", || {
        names(&inbox).is_empty().then_some(())
    });
    wait_until(T, "staging emptied", || {
        names(&root.join("state/staging")).is_empty().then_some(())
    });
    assert_eq!(manifests(&root).len(), 1);
}

#[test]
fn a_sidecar_written_in_place_is_read_once_whole() {
    let (_tmp, root) = setup();
    let inbox = root.join("inbox");
    let _d = Daemon::start(&root, &[], &[("MDSPOOL_WATCH_SETTLE", "10m")]);
    put(&inbox, "j.pdf", &pdf("in-place json", &[]));
    put(&inbox, "t.pdf", &pdf("in-place text", &[]));
    // Created empty first (as `open` + later `write` does), then half a JSON object, then whole.
    let mut j = std::fs::File::create(inbox.join("j.pdf.idem")).unwrap();
    let t = std::fs::File::create(inbox.join("t.pdf.idem")).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    j.write_all(br#"{"key": "in-pl"#).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    j.write_all(br#"ace-1"}"#).unwrap();
    (&t).write_all(b"in-place-2\n").unwrap();
    drop((j, t));
    wait_until(T, "json sidecar drop", || job_with_key(&root, "in-place-1"));
    wait_until(T, "text sidecar drop", || job_with_key(&root, "in-place-2"));
    assert_eq!(manifests(&root).len(), 2);
    assert!(names(&root.join("rejected")).is_empty());
}

#[test]
fn events_are_used_with_a_relative_root() {
    let (tmp, _) = setup();
    // No periodic rescan during the test: only events can make these drops be taken quickly.
    let d = Daemon::start_in(
        Some(tmp.path()),
        std::path::Path::new("rel"),
        &[],
        &[
            ("MDSPOOL_WATCH_SETTLE", "300ms"),
            ("MDSPOOL_WATCH_RESCAN", "1h"),
        ],
    );
    let root = d.root.clone();
    let inbox = root.join("inbox");
    wait_until(T, "watcher up", || {
        d.log_text().contains("watching the inbox").then_some(())
    });
    std::thread::sleep(Duration::from_millis(200)); // startup scan over
    drop_pdf(&inbox, "r.pdf", &pdf("relative", &[]), Some("k-rel"));
    let bare = pdf("relative-bare", &[]);
    drop_pdf(&inbox, "m.pdf", &bare, Some(""));
    wait_until(T, "drop taken by events", || job_with_key(&root, "k-rel"));
    let key = format!("sha256-{}", sha256_hex(&bare));
    wait_until(T, "marker drop taken by events", || {
        job_with_key(&root, &key)
    });
}

#[test]
fn a_failed_store_stops_the_watcher_and_recovery_finishes_the_drop() {
    let (_tmp, root) = setup();
    let inbox = root.join("inbox");
    let mut d = Daemon::start(&root, &[], &[]);
    wait_until(T, "watcher up", || {
        d.log_text().contains("watching the inbox").then_some(())
    });
    // A file where the idempotency records of scope `sf` must go: the record write fails.
    std::fs::write(root.join("state/idempotency/sf"), b"in the way").unwrap();
    drop_pdf(
        &inbox,
        "f.pdf",
        &pdf("store failure", &[]),
        Some(r#"{"key": "k-sf", "scope": "sf"}"#),
    );
    let status = d.wait_exit(T).expect("the daemon exits");
    assert!(!status.success(), "the daemon stops when its store fails");
    assert!(
        d.log_text().contains("store write failed"),
        "{}",
        d.log_text()
    );
    assert!(
        d.log_text()
            .lines()
            .any(|l| l.contains("a thread failed") && l.contains("watcher")),
        "{}",
        d.log_text()
    );
    assert!(manifests(&root).is_empty());
    assert!(
        names(&root.join("rejected")).is_empty(),
        "not the drop's fault"
    );
    assert_eq!(
        names(&root.join("state/staging")).len(),
        1,
        "claimed, kept in staging"
    );

    std::fs::remove_file(root.join("state/idempotency/sf")).unwrap();
    let _d = Daemon::start(&root, &[], &[]);
    let m = wait_until(T, "job after recovery", || job_with_key(&root, "k-sf"));
    assert_eq!(m["source"]["name"], "f.pdf");
}

#[test]
fn a_name_reused_while_its_previous_drop_is_being_taken_is_taken_too() {
    let (_tmp, root) = setup();
    let inbox = root.join("inbox");
    // No periodic rescan: only events (and a second look after each take) can find these.
    let _d = Daemon::start(&root, &[], &[("MDSPOOL_WATCH_RESCAN", "1h")]);
    for i in 0..20 {
        // As soon as the previous drop was claimed (usually while it is still being admitted).
        wait_until(T, "claim", || {
            let free = !inbox.join("same.pdf").exists() && !inbox.join("same.pdf.idem").exists();
            free.then_some(())
        });
        let key = format!("k-same-{i}");
        drop_pdf(&inbox, "same.pdf", &pdf(&key, &[]), Some(&key));
    }
    wait_until(T, "20 jobs", || {
        (manifests(&root).len() == 20).then_some(())
    });
    for i in 0..20 {
        assert!(job_with_key(&root, &format!("k-same-{i}")).is_some());
    }
}
