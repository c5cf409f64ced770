//! The checker can fail: the op log of a real admission with one step taken out or two steps
//! swapped is a write sequence the spool does not do, and the checker must find the crash state
//! that breaks it. (Seen on the real code too: see docs/reliability.md, "Crash-state exploration".)

use super::crash;
use super::crash_check::recover;
use super::crash_scenarios::{SERIAL, admit_expect, admit_setup};
use super::record::{Op, Recording};

/// Runs the checker on `rec`; the error it reports, if any.
fn check(rec: &Recording) -> Option<String> {
    let retention = crate::config::RetentionConfig::default();
    crash::explore(rec, usize::MAX, 12, |s, acked| {
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

#[test]
fn a_dropped_fsync_is_caught() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let rec = admission();
    // The fsync of the raw input's data (`fingerprint`): without it the job's bytes may be lost
    // after the admission was acknowledged.
    let mut broken = rec.clone();
    let at = broken
        .ops
        .iter()
        .position(|o| matches!(o, Op::Fsync { .. }))
        .unwrap();
    broken.ops.remove(at);
    let e = check(&broken).expect("a dropped fsync must be caught");
    println!("dropped op #{at}: {e}");
    assert!(e.contains("I1"), "{e}");
}

#[test]
fn a_dropped_dir_fsync_is_caught() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let rec = admission();
    // Each directory fsync in turn: at least one of them must be load-bearing.
    let mut caught = Vec::new();
    for (i, _) in rec.ops.iter().enumerate().filter(|(_, o)| matches!(o, Op::DirFsync { .. })) {
        let mut broken = rec.clone();
        broken.ops.remove(i);
        if let Some(e) = check(&broken) {
            caught.push(format!("#{i}: {e}"));
        }
    }
    println!("dir fsyncs whose loss breaks an admission:\n{}", caught.join("\n"));
    assert!(!caught.is_empty());
}

#[test]
fn a_swap_of_two_steps_is_caught() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let rec = admission();
    // The last rename moves before the fsync that precedes it: the receipt (or the job) is
    // published before its predecessor is durable.
    let mut broken = rec.clone();
    let r = broken.ops.iter().rposition(|o| matches!(o, Op::Rename { .. })).unwrap();
    let f = broken.ops[..r].iter().rposition(|o| matches!(o, Op::Fsync { .. } | Op::DirFsync { .. })).unwrap();
    let op = broken.ops.remove(r);
    broken.ops.insert(f, op);
    let e = check(&broken);
    println!("rename #{r} before sync #{f}: {e:?}");
}
