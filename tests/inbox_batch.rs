//! Group commit of admission (#14): drops waiting together are admitted as one batch. Many drops
//! at once (with keys given twice in the burst, with the same bytes or other ones) each become one
//! job with a receipt, or a replay, or a refusal; a crash at each admission step inside a batch
//! leaves every drop either fully admitted with its receipt or still claimable, never a receipt
//! that points at missing bytes, and a restart admits each drop exactly once.

mod support;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use support::fs::*;
use support::{Daemon, pdf, wait_until};

/// Drops `n` PDFs keyed `g0..g{n-1}` into `inbox` (no daemon runs yet); their bytes by key.
fn place(inbox: &Path, n: usize) -> HashMap<String, Vec<u8>> {
    std::fs::create_dir_all(inbox).unwrap();
    (0..n)
        .map(|i| {
            let (name, key) = (format!("g-{i:04}.pdf"), format!("g{i}"));
            let bytes = pdf(&format!("batch drop {i}"), &[]);
            let sidecar = format!("{{\"key\": \"{key}\", \"scope\": \"b\"}}");
            drop_pdf(inbox, &name, &bytes, Some(&sidecar));
            (key, bytes)
        })
        .collect()
}

/// Every receipt under `receipts/b/` points at a job whose manifest parses and whose
/// `raw/input.pdf` holds the bytes dropped with that key. Returns the keys with a receipt.
fn receipts_point_at_bytes(
    root: &Path,
    bytes: &HashMap<String, Vec<u8>>,
    when: &str,
) -> Vec<String> {
    let mut keys = Vec::new();
    for name in names(&root.join("receipts/b")) {
        let Some(key) = name
            .strip_suffix(".json")
            .filter(|_| !name.starts_with(".~"))
        else {
            continue;
        };
        let r = read_json(&root.join("receipts/b").join(&name))
            .unwrap_or_else(|| panic!("{when}: receipt {name} does not parse"));
        let id = r["job_id"]
            .as_str()
            .unwrap_or_else(|| panic!("{when}: {r}"));
        let job = root.join("jobs").join(id);
        assert!(
            read_json(&job.join("manifest.json")).is_some(),
            "{when}: the receipt of {key} names job {id}, whose manifest is missing"
        );
        let raw = std::fs::read(job.join("raw/input.pdf"))
            .unwrap_or_else(|e| panic!("{when}: the receipt of {key} names job {id}: raw: {e}"));
        assert!(
            raw == bytes[key],
            "{when}: job {id} of {key} holds other bytes"
        );
        keys.push(key.to_string());
    }
    keys
}

/// Waits until every key has a job and the inbox and staging are empty, then stops the daemon.
fn drain(d: Daemon, root: &Path, n: usize) {
    wait_until(Duration::from_secs(600), "every drop admitted", || {
        let staged = names(&root.join("state/staging")).is_empty();
        (staged && names(&root.join("inbox")).is_empty() && manifests(root).len() >= n)
            .then_some(())
    });
    assert!(d.stop().is_some_and(|s| s.success()), "clean stop");
}

/// Exactly one job per key, a receipt for each, nothing left behind.
fn each_once(root: &Path, bytes: &HashMap<String, Vec<u8>>, when: &str) {
    let ms = manifests(root);
    let keys: HashSet<String> = ms
        .iter()
        .map(|m| m["idempotency"]["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ms.len(), bytes.len(), "{when}: one job per key");
    assert_eq!(keys.len(), bytes.len(), "{when}: no key admitted twice");
    let with_receipt = receipts_point_at_bytes(root, bytes, when);
    assert_eq!(with_receipt.len(), bytes.len(), "{when}: a receipt per key");
    assert!(temp_files_under(root).is_empty(), "{when}: temp files left");
    assert!(names(&root.join("state/staging")).is_empty());
}

#[test]
fn two_hundred_drops_at_once_are_each_admitted_once_with_a_receipt() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let inbox = root.join("inbox");
    let mut bytes = place(&inbox, 200);
    // The same key and bytes twice in the burst (a replay), and a key given to two other PDFs (a
    // conflict: one becomes the job, the other is refused).
    for i in 0..10 {
        let sidecar = format!("{{\"key\": \"g{i}\", \"scope\": \"b\"}}");
        drop_pdf(
            &inbox,
            &format!("dup-{i}.pdf"),
            &bytes[&format!("g{i}")],
            Some(&sidecar),
        );
    }
    let mut conflicts = Vec::new();
    for j in 0..5 {
        let sidecar = format!("{{\"key\": \"c{j}\", \"scope\": \"b\"}}");
        for side in ["a", "b"] {
            let name = format!("c-{side}-{j}.pdf");
            drop_pdf(&inbox, &name, &pdf(&name, &[]), Some(&sidecar));
        }
        conflicts.push(j);
    }
    let d = Daemon::start(&root, &[], &[]);
    wait_until(Duration::from_secs(600), "every drop taken", || {
        let staged = names(&root.join("state/staging")).is_empty();
        (staged && names(&inbox).is_empty() && manifests(&root).len() >= 205).then_some(())
    });
    let log = d.log_text();
    assert!(d.stop().is_some_and(|s| s.success()), "clean stop");
    assert!(
        log.contains("admitting drops together"),
        "no batch of more than one drop was admitted: {log}"
    );
    // Each conflicting key: one job, and the other drop refused.
    for j in conflicts {
        let key = format!("c{j}");
        let job = job_with_key(&root, &key).unwrap_or_else(|| panic!("no job for {key}"));
        let won = job["source"]["name"].as_str().unwrap().to_string();
        let lost = if won.starts_with("c-a") {
            format!("c-b-{j}.pdf")
        } else {
            format!("c-a-{j}.pdf")
        };
        let note = rejection(&root, &lost).unwrap_or_else(|| panic!("{lost} not refused"));
        assert_eq!(note["code"], "idempotency_conflict", "{lost}: {note}");
        let id = job["job_id"].as_str().unwrap();
        let raw = std::fs::read(root.join("jobs").join(id).join("raw/input.pdf")).unwrap();
        assert!(raw == pdf(&won, &[]), "{key}: the bytes of {won}");
        bytes.insert(key, pdf(&won, &[]));
    }
    each_once(&root, &bytes, "burst");
}

/// Crash points of admission, each reached in the middle of the first batches (the 6th time).
const POINTS: &[&str] = &[
    "admit.before_record:6",
    "admit.after_record:6",
    "admit.after_manifest:6",
    "admit.before_publish:6",
    "admit.after_publish:6",
    "admit.after_receipt:6",
];

#[test]
fn a_crash_inside_a_batch_leaves_each_drop_admitted_or_claimable() {
    for point in POINTS {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        let bytes = place(&root.join("inbox"), 40);
        let mut d = Daemon::start(&root, &[], &[("MDSPOOL_FAILPOINT", point)]);
        let st = d.wait_exit(Duration::from_secs(120));
        let log = d.log_text();
        assert!(
            st.is_some_and(|s| !s.success()),
            "{point}: the daemon should have aborted: {log}"
        );
        // Ingest threads pass the point concurrently: the one that aborts first may hold a later
        // hit than the armed one (the failpoint fires on every hit from that one on).
        let (name, nth) = point.split_once(':').unwrap();
        let nth: u64 = nth.parse().unwrap();
        let prefix = format!("crash point {name} reached (hit ");
        let hit: Option<u64> = log
            .split(&prefix)
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .and_then(|n| n.parse().ok());
        assert!(hit.is_some_and(|h| h >= nth), "{point}: {log}");
        assert!(
            log.contains("admitting drops together"),
            "{point}: no batch began before the crash: {log}"
        );
        // The tree as the crash left it: no receipt points at missing bytes.
        let early = receipts_point_at_bytes(&root, &bytes, point);
        // A restart finishes or starts over each drop.
        let d = Daemon::start(&root, &[], &[]);
        drain(d, &root, bytes.len());
        each_once(&root, &bytes, point);
        let after = receipts_point_at_bytes(&root, &bytes, point);
        for k in early {
            assert!(
                after.contains(&k),
                "{point}: receipt of {k} lost by recovery"
            );
        }
        eprintln!("{point}: recovered");
    }
}
