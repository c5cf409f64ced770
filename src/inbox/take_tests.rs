//! Unit tests of taking and recovering drops, on a store in a temp dir.

use std::sync::Arc;

use super::*;
use crate::clock::SystemClock;
use crate::config::RetentionConfig;
use crate::layout::Layout;

fn store() -> (tempfile::TempDir, Store) {
    let d = tempfile::tempdir().unwrap();
    let s = Store::open(
        Layout::new(d.path().to_path_buf()),
        Arc::new(SystemClock),
        RetentionConfig::default(),
    )
    .unwrap();
    (d, s)
}

const PDF: &[u8] = b"%PDF-1.4\n% a tiny test document\n%%EOF\n";

fn note_code(s: &Store, name: &str) -> String {
    let p = s.layout().rejected_dir().join(format!("{name}.error.json"));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
    v["code"].as_str().unwrap().to_string()
}

#[test]
fn take_claims_both_files_and_admits() {
    let (_d, s) = store();
    let inbox = s.layout().inbox();
    std::fs::write(inbox.join("a.pdf"), PDF).unwrap();
    std::fs::write(inbox.join("a.pdf.idem"), "k-a").unwrap();
    let cfg = WatchConfig::default();
    let (staged, out) = take(&s, &cfg, &inbox, "a.pdf");
    let TakeOutcome::Created(id) = out.unwrap() else {
        panic!("not created")
    };
    assert_eq!(staged, Some(id));
    assert!(durable::list_names(&inbox).unwrap().is_empty());
    assert_eq!(s.load(id).unwrap().idempotency.key, "k-a");
    assert!(s.staged_ids().unwrap().is_empty());
    // A second taker of the same name finds nothing and leaves nothing behind.
    let (staged, out) = take(&s, &cfg, &inbox, "a.pdf");
    assert_eq!((staged, out.unwrap()), (None, TakeOutcome::Gone));
    assert!(s.staged_ids().unwrap().is_empty());
}

#[test]
fn recovery_finishes_every_interrupted_claim() {
    let (_d, s) = store();
    let l = s.layout().clone();
    let cfg = WatchConfig::default();
    // 1. Crash right after mkdir: the empty entry goes.
    let id = JobId::new();
    std::fs::create_dir(l.staging_entry(id)).unwrap();
    assert_eq!(
        process_staged(&s, &cfg, id, Some(&l.inbox())).unwrap(),
        TakeOutcome::Gone
    );
    assert!(!l.staging_entry(id).exists());
    // 2. Crash between the two renames: the sidecar is fetched from the inbox.
    let id = JobId::new();
    std::fs::create_dir(l.staging_entry(id)).unwrap();
    std::fs::write(l.staging_entry(id).join("b.pdf"), PDF).unwrap();
    std::fs::write(l.inbox().join("b.pdf.idem"), "k-b").unwrap();
    let out = process_staged(&s, &cfg, id, Some(&l.inbox())).unwrap();
    assert_eq!(out, TakeOutcome::Created(id));
    assert_eq!(s.load(id).unwrap().idempotency.key, "k-b");
    assert!(!l.inbox().join("b.pdf.idem").exists());
    // 3. Crash inside admission after the PDF went into job/raw/: put back, then admitted.
    let id = JobId::new();
    let raw = l.staging_entry(id).join("job").join("raw");
    std::fs::create_dir_all(&raw).unwrap();
    std::fs::write(raw.join("input.pdf"), b"%PDF-1.4\n% three\n").unwrap();
    std::fs::write(l.staging_entry(id).join("c.pdf.idem"), "k-c").unwrap();
    let out = process_staged(&s, &cfg, id, Some(&l.inbox())).unwrap();
    assert_eq!(out, TakeOutcome::Created(id));
    let m = s.load(id).unwrap();
    assert_eq!(
        (m.idempotency.key.as_str(), m.source.name.as_str()),
        ("k-c", "c.pdf")
    );
    // 4. A sidecar alone (an orphan claimed for quarantine).
    let id = JobId::new();
    std::fs::create_dir(l.staging_entry(id)).unwrap();
    std::fs::write(l.staging_entry(id).join("d.pdf.idem"), "k-d").unwrap();
    let out = process_staged(&s, &cfg, id, Some(&l.inbox())).unwrap();
    assert_eq!(out, TakeOutcome::Rejected(Code::OrphanSidecar));
    assert_eq!(note_code(&s, "d.pdf.idem"), "orphan_sidecar");
    assert!(l.rejected_dir().join("d.pdf.idem").exists());
    assert!(s.staged_ids().unwrap().is_empty());
}

#[test]
fn a_reserved_name_is_never_claimed() {
    let (_d, s) = store();
    let inbox = s.layout().inbox();
    std::fs::create_dir(inbox.join("job")).unwrap();
    std::fs::write(inbox.join("job/manifest.json"), "{}").unwrap();
    assert_eq!(claim(&s, &inbox, "job").unwrap(), None);
    assert!(inbox.join("job/manifest.json").exists());
    assert!(s.staged_ids().unwrap().is_empty());
}
