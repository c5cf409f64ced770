//! The checker can fail: the op log of a real admission with one step taken out or two steps
//! swapped is a write sequence the spool does not do, and the checker must find the crash state
//! that breaks it. (Seen on the real code too: see docs/reliability.md, "Crash-state exploration".)

use super::crash;
use super::crash_check::recover;
use super::crash_scenarios::{SERIAL, admit_expect, admit_setup, limit};
use super::record::{Op, Recording};

/// Runs the checker on `rec`; the error it reports, if any.
fn check(rec: &Recording) -> Option<String> {
    let retention = crate::config::RetentionConfig::default();
    crash::explore(rec, limit(), 12, |s, acked| {
        let r = recover(s, &retention)?;
        admit_expect(&r, acked)
    })
    .err()
}

fn admission() -> Recording {
    let (s, act) = admit_setup();
    let rec = s.record(act);
    assert!(check(&rec).is_none(), "the real sequence passes");
    rec
}

fn renamed_to(op: &Op, end: &str) -> bool {
    matches!(op, Op::Rename { to, .. } if to.ends_with(end))
}

#[test]
fn a_dropped_fsync_is_caught() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let rec = admission();
    // The fsync of the receipt's temp file: the receipt can then be published empty, after the
    // admission was acknowledged.
    let mut broken = rec.clone();
    let r = broken
        .ops
        .iter()
        .rposition(|o| renamed_to(o, "k-a.json"))
        .unwrap();
    let at = broken.ops[..r]
        .iter()
        .rposition(|o| matches!(o, Op::Fsync { .. }))
        .unwrap();
    broken.ops.remove(at);
    let e = check(&broken).expect("a dropped fsync must be caught");
    println!("dropped op #{at}: {e}");
}

#[test]
fn a_dropped_dir_fsync_is_caught() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let rec = admission();
    // Each directory fsync in turn: those that carry a step of the admission must be caught.
    let mut caught = Vec::new();
    for (i, _) in rec
        .ops
        .iter()
        .enumerate()
        .filter(|(_, o)| matches!(o, Op::DirFsync { .. }))
    {
        let mut broken = rec.clone();
        broken.ops.remove(i);
        if let Some(e) = check(&broken) {
            caught.push(format!("#{i}: {e}"));
        }
    }
    println!(
        "dir fsyncs whose loss breaks an admission:\n{}",
        caught.join("\n")
    );
    assert!(caught.len() >= 2, "{caught:?}");
}

#[test]
fn a_swap_of_two_steps_is_caught() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let rec = admission();
    // The job folder is published (renamed into `jobs/`) before the fsync that makes the move
    // of the bytes into its `raw/` durable.
    let mut broken = rec.clone();
    let raw = broken
        .ops
        .iter()
        .position(|o| renamed_to(o, "raw/input.pdf"))
        .unwrap();
    let f = raw
        + broken.ops[raw..]
            .iter()
            .position(|o| matches!(o, Op::DirFsync { .. }))
            .unwrap();
    let publish = broken
        .ops
        .iter()
        .position(|o| matches!(o, Op::Rename { ino: None, to, .. } if to.starts_with("jobs")))
        .unwrap();
    assert!(f < publish);
    let sync = broken.ops.remove(f);
    broken.ops.insert(publish, sync);
    let e = check(&broken).expect("a swap must be caught");
    println!("publish #{publish} before the fsync #{f} of raw/: {e}");
    assert!(e.contains("I1"), "{e}");
}
