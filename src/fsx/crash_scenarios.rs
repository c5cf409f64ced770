//! Crash-state exploration of the spool's write sequences (issue #12, ALICE / CrashMonkey style,
//! in-process): each scenario sets up a store, records the file-system ops of one call through the
//! library (an admit, a refusal, a publish, a retry, a sweep, a recovery), then every crash state
//! the model of `fsx/crash.rs` allows is written out, recovered as the daemon does at start
//! (`fsx/crash_check.rs`) and checked: the common invariants, and what the call had acknowledged
//! when the crash came after it returned.
//!
//! `MDSPOOL_CRASH_LONG=1` takes every subset of every prefix (CI samples: at most `CI_LIMIT`
//! subsets per prefix, from a fixed seed). Each scenario prints its counts.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::crash::{self, Counts};
use super::crash_check::{Recovered, recover};
use super::record::{self, Recording};
use crate::clock::SystemClock;
use crate::code::Code;
use crate::config::{Config, RetentionConfig, WatchConfig};
use crate::inbox::take::{self, TakeOutcome};
use crate::layout::Layout;
use crate::store::{JobStatus, Store};

/// Subsets per prefix in the default (CI) run.
const CI_LIMIT: usize = 1024;
pub(super) const PDF: &[u8] = b"%PDF-1.4\n% crash-state test document\n%%EOF\n";
pub(super) const MD: &[u8] = b"# converted\n\ncrash-state test output\n";

/// One recording at a time (the recorder is global; other tests' calls are outside its root).
pub(super) static SERIAL: Mutex<()> = Mutex::new(());

pub(super) fn limit() -> usize {
    match std::env::var("MDSPOOL_CRASH_LONG").as_deref() {
        Ok("1") => usize::MAX,
        _ => CI_LIMIT,
    }
}

pub(super) struct Setup {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub retention: RetentionConfig,
}

pub(super) fn setup(retention: RetentionConfig) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let layout = Layout::new(dir.path().join("root"));
    let store = Store::open(layout, Arc::new(SystemClock), retention.clone()).unwrap();
    Setup {
        dir,
        store,
        retention,
    }
}

impl Setup {
    pub fn drop_file(&self, name: &str, bytes: &[u8], key: &str) {
        let inbox = self.store.layout().inbox();
        std::fs::write(inbox.join(name), bytes).unwrap();
        std::fs::write(inbox.join(format!("{name}.idem")), key).unwrap();
    }

    /// A job admitted through the inbox, as the watcher does.
    pub fn job(&self, name: &str, key: &str) -> crate::ids::JobId {
        self.drop_file(name, PDF, key);
        let inbox = self.store.layout().inbox();
        match take::take(&self.store, &WatchConfig::default(), &inbox, name).1 {
            Ok(TakeOutcome::Created(id)) => id,
            o => panic!("set-up admission: {o:?}"),
        }
    }

    /// Records `act`, then checks every crash state with `expect(recovered, acked)`.
    pub fn explore(
        &self,
        name: &str,
        act: impl FnOnce(&Store),
        expect: impl Fn(&Recovered, bool) -> Result<(), String>,
    ) -> Counts {
        let rec = self.record(act);
        let started = Instant::now();
        let counts = crash::explore(&rec, limit(), 12, |s, acked| {
            let r = recover(s, &self.retention)?;
            expect(&r, acked)
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        println!(
            "crash states {name}: ops={} space={} built={} impossible={} checked={} sampled_prefixes={} in {:.1?}",
            counts.ops,
            counts.space,
            counts.built,
            counts.impossible,
            counts.checked,
            counts.sampled_prefixes,
            started.elapsed()
        );
        counts
    }

    pub fn record(&self, act: impl FnOnce(&Store)) -> Recording {
        record::start(self.store.layout().root());
        act(&self.store);
        let rec = record::stop();
        assert!(!rec.ops.is_empty(), "nothing recorded");
        rec
    }
}

/// `Ok` when `cond`, else the message.
pub(super) fn ensure(cond: bool, msg: impl FnOnce() -> String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(msg()) }
}

/// The drop `name` of key `key` is still whole in the inbox (PDF and sidecar).
fn in_inbox(r: &Recovered, name: &str, bytes: &[u8], key: &str) -> bool {
    r.read(format!("inbox/{name}")).as_deref() == Some(bytes)
        && r.read(format!("inbox/{name}.idem")).as_deref() == Some(key.as_bytes())
}

/// I1: one job of `key` with the test PDF, its receipt pointing to it.
fn has_job(r: &Recovered, key: &str) -> Result<(), String> {
    let jobs = r.jobs_of(key);
    ensure(jobs.len() == 1, || {
        format!("I1: {} jobs for {key}", jobs.len())
    })?;
    let id = jobs[0].job_id;
    ensure(
        r.read(format!("jobs/{id}/raw/input.pdf")).as_deref() == Some(PDF),
        || format!("I1: the bytes of {key}"),
    )?;
    let rc = r
        .receipt(key)
        .ok_or_else(|| format!("I4: no receipt for {key}"))?;
    ensure(rc["job_id"] == id.to_string(), || {
        format!("I4: receipt of {key}: {rc}")
    })
}

/// Not acknowledged: the drop may still wait in the inbox (whole, with its key); else one job.
pub(super) fn admit_expect(r: &Recovered, acked: bool) -> Result<(), String> {
    if !acked && r.jobs_of("k-a").is_empty() {
        return ensure(in_inbox(r, "a.pdf", PDF, "k-a"), || {
            "I1: the drop vanished".into()
        });
    }
    has_job(r, "k-a")
}

/// The admission of `inbox/a.pdf` (key `k-a`) as the watcher takes it.
pub(super) fn admit_setup() -> (Setup, impl FnOnce(&Store)) {
    let s = setup(RetentionConfig::default());
    s.drop_file("a.pdf", PDF, "k-a");
    let inbox = s.store.layout().inbox();
    let act = move |st: &Store| {
        let out = take::take(st, &WatchConfig::default(), &inbox, "a.pdf").1;
        assert!(matches!(out, Ok(TakeOutcome::Created(_))), "{out:?}");
    };
    (s, act)
}

#[test]
fn admit_through_the_inbox() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (s, act) = admit_setup();
    let c = s.explore("admit", act, admit_expect);
    assert!(c.checked >= 20, "{c:?}");
}

/// Group commit (#14): two drops admitted as one batch, as an ingest thread takes them. Until the
/// call returned, each drop is still whole in the inbox or a job with its bytes and receipt.
#[test]
fn admit_a_batch_through_the_inbox() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let s = setup(RetentionConfig::default());
    let drops = [("a.pdf", "k-a"), ("b.pdf", "k-b")];
    for (name, key) in drops {
        s.drop_file(name, PDF, key);
    }
    let inbox = s.store.layout().inbox();
    let batch: Vec<_> = drops
        .iter()
        .map(|(name, _)| (inbox.clone(), name.to_string()))
        .collect();
    let c = s.explore(
        "admit batch",
        |st| {
            let out = take::take_batch(st, &WatchConfig::default(), &batch);
            for (_, o) in &out {
                assert!(matches!(o, Ok(TakeOutcome::Created(_))), "{out:?}");
            }
        },
        |r, acked| {
            for (name, key) in drops {
                if !acked && r.jobs_of(key).is_empty() {
                    ensure(in_inbox(r, name, PDF, key), || {
                        format!("I1: the drop {name} vanished")
                    })?;
                } else {
                    has_job(r, key)?;
                }
            }
            Ok(())
        },
    );
    assert!(c.checked >= 20, "{c:?}");
}

#[test]
fn refusal_of_a_drop() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let s = setup(RetentionConfig::default());
    let junk: &[u8] = b"this is not a PDF\n";
    s.drop_file("b.pdf", junk, "k-b");
    let inbox = s.store.layout().inbox();
    let c = s.explore(
        "refusal",
        |st| {
            let out = take::take(st, &WatchConfig::default(), &inbox, "b.pdf").1;
            assert_eq!(out.unwrap(), TakeOutcome::Rejected(Code::NotAPdf));
        },
        |r, acked| {
            let refused = r.names("rejected").iter().any(|n| {
                n.ends_with(".error.json")
                    && r.read(format!("rejected/{n}")).is_some_and(|b| {
                        serde_json::from_slice::<serde_json::Value>(&b)
                            .is_ok_and(|v| v["code"] == "not_a_pdf")
                    })
            });
            let kept = r.names("rejected").iter().any(|n| {
                !n.ends_with(".error.json")
                    && r.read(format!("rejected/{n}")).as_deref() == Some(junk)
            });
            let receipt = r.receipt("k-b").is_some_and(|v| v["status"] == "rejected");
            // Not acknowledged: the drop may still wait in the inbox (refused again when taken),
            // with its sidecar, or without it once the key's `rejected` receipt is written (the
            // claim of the PDF lost, the later move of the sidecar to `rejected/` not).
            let pdf_back = r.read("inbox/b.pdf").as_deref() == Some(junk);
            if !acked && pdf_back && (in_inbox(r, "b.pdf", junk, "k-b") || receipt) {
                return Ok(());
            }
            ensure(refused && kept && receipt, || {
                format!("I3: refusal incomplete: note {refused}, drop {kept}, receipt {receipt}")
            })
        },
    );
    assert!(c.checked >= 20, "{c:?}");
}

#[test]
fn sweep_expires_a_failed_job() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let s = setup(RetentionConfig::default());
    let id = s.job("e.pdf", "k-e");
    s.store.transition(id, JobStatus::Running, |_| {}).unwrap();
    let err = crate::store::manifest::JobError {
        code: Code::ConversionCrashed,
        message: "set-up".into(),
    };
    s.store
        .transition(id, JobStatus::Failed, |m| m.error = Some(err))
        .unwrap();
    let mut p = crate::sweeper::policy::Policy::from_config(&s.retention);
    p.failed = Duration::ZERO;
    let c = s.explore(
        "sweep",
        |st| {
            let (out, _) = crate::sweeper::apply::expire(st, &p, id).unwrap();
            assert_eq!(out, crate::sweeper::apply::SweepOutcome::Done);
        },
        |r, acked| {
            let tomb = r.read(format!("state/tombstones/{id}.json")).is_some();
            if r.jobs_of("k-e").is_empty() {
                ensure(tomb, || "expired without a tombstone".into())?;
                ensure(r.receipt("k-e").is_none(), || {
                    "receipt of an expired job".into()
                })?;
                ensure(r.names("state/idempotency/default").is_empty(), || {
                    "record of an expired job".into()
                })
            } else {
                ensure(!acked, || "acknowledged expiry, job still there".into())?;
                has_job(r, "k-e")
            }
        },
    );
    assert!(c.checked >= 10, "{c:?}");
}

#[test]
fn recovery_of_a_crashed_daemon() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let s = setup(RetentionConfig::default());
    // What a daemon killed at work leaves: a job `running`, a drop claimed into staging with its
    // sidecar still in the inbox, a temp file of an atomic write.
    let id = s.job("r.pdf", "k-r");
    s.store.transition(id, JobStatus::Running, |_| {}).unwrap();
    s.drop_file("c.pdf", PDF, "k-c");
    take::claim(&s.store, &s.store.layout().inbox(), "c.pdf")
        .unwrap()
        .unwrap();
    std::fs::write(
        s.store.layout().receipts_dir().join(".~x.json.abc123.tmp"),
        b"{",
    )
    .unwrap();
    let cfg = Config::default();
    let c = s.explore(
        "recovery",
        |st| {
            crate::daemon::recovery::recover(st, &cfg, None).unwrap();
        },
        // Recovery of any state of an interrupted recovery ends where a whole one does.
        |r, _| {
            has_job(r, "k-r")?;
            let m = r.jobs_of("k-r")[0];
            ensure(m.status == JobStatus::Queued, || {
                format!("k-r is {:?}", m.status)
            })?;
            has_job(r, "k-c")
        },
    );
    assert!(c.checked >= 20, "{c:?}");
    drop(s.dir);
}
