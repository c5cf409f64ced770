//! Crash-state exploration of a worker's attempt (see `crash_scenarios.rs`): the job goes
//! `queued -> running`, the conversion child's output is written as the child writes it (create,
//! write, fsync), and the worker's own code records the outcome (`worker::record::record`):
//! published (`succeeded`) or scheduled for a retry (`queued`, `next_attempt_at`). The child process
//! itself is not run: its output file is all the worker sees of it.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use super::crash_check::Recovered;
use super::crash_scenarios::{MD, SERIAL, Setup, ensure, setup};
use crate::code::Code;
use crate::config::{Config, RetentionConfig};
use crate::ids::JobId;
use crate::store::{JobStatus, Store};
use crate::worker::child::ChildReport;
use crate::worker::classify::{AttemptOutcome, Failure};
use crate::worker::runlog::RunLog;
use crate::worker::supervise::ChildSpec;
use crate::worker::{Settings, WorkerCtx};

fn ctx(store: Store) -> (WorkerCtx, Settings) {
    let cfg = Config::default();
    let settings = Settings {
        workers: cfg.workers.clone(),
        convert: cfg.convert.clone(),
        ocr: cfg.ocr.clone(),
        outbox: crate::store::outbox::Rule::default(),
    };
    let clock = store.clock().clone();
    let (queue, _dispatcher, jobs) = crate::queue::channel(4, clock);
    let ctx = WorkerCtx {
        store: Arc::new(store),
        settings: Arc::new(RwLock::new(Arc::new(settings.clone()))),
        control: Arc::default(),
        queue,
        jobs,
        child: ChildSpec {
            exe: "/nonexistent".into(),
        },
        metrics: Arc::default(),
        cluster: None,
    };
    (ctx, settings)
}

/// One attempt of job `id` ending in `outcome` (`None`: converted to [`MD`]), as `run_job` runs it.
fn attempt(store: &Store, id: JobId, failure: Option<Failure>) {
    let l = store.layout().clone();
    let s2 = Store::inspect(l.clone(), store.clock().clone(), store.retention().clone());
    let (ctx, settings) = ctx(s2);
    let m = store.transition(id, JobStatus::Running, |_| {}).unwrap();
    crate::durable::create_dir_all_durable(&l.logs_dir(id)).unwrap();
    crate::durable::create_dir_all_durable(&l.artifacts_dir(id)).unwrap();
    let log = Mutex::new(RunLog::open(&l.run_log(id), 1 << 20).unwrap());
    let say = |s: &str| log.lock().unwrap().line(s);
    let outdir = l.artifacts_dir(id).join(".~attempt-1-00000001.tmp");
    crate::worker::private_dir(&outdir).unwrap();
    let output = outdir.join("output.md");
    let outcome = match failure {
        Some(f) => AttemptOutcome::Failed(f),
        None => {
            // As the child's `write_output`.
            let mut f = super::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&output)
                .unwrap();
            super::write_all(&mut f, &output, MD).unwrap();
            super::sync(&f, &output).unwrap();
            AttemptOutcome::Converted {
                report: ChildReport {
                    converter: "test".into(),
                    converter_version: "1".into(),
                    ok: true,
                    stats: None,
                    output_bytes: Some(MD.len() as u64),
                    code: None,
                    message: None,
                    permanent: false,
                },
                elapsed: Duration::from_millis(5),
            }
        }
    };
    let mut retry_at = None;
    crate::worker::record::record(
        &ctx,
        &m,
        &settings,
        outcome,
        &output,
        &say,
        &mut retry_at,
        crate::cluster::Fence::none(),
    )
    .unwrap();
    log.lock().unwrap().sync();
    crate::durable::remove_tree_nofollow(&outdir).unwrap();
}

fn job_of(r: &Recovered, key: &str) -> Result<crate::store::Manifest, String> {
    let jobs = r.jobs_of(key);
    ensure(jobs.len() == 1, || {
        format!("I1: {} jobs for {key}", jobs.len())
    })?;
    let m = jobs[0].clone();
    let rc = r.receipt(key).ok_or("I4: no receipt")?;
    ensure(rc["status"] == m.status.as_str(), || {
        format!("I4: receipt {rc}")
    })?;
    Ok(m)
}

#[test]
fn publish_of_a_converted_job() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let s: Setup = setup(RetentionConfig::default());
    let id = s.job("p.pdf", "k-p");
    let c = s.explore(
        "publish",
        |st| attempt(st, id, None),
        |r, acked| {
            let m = job_of(r, "k-p")?;
            let out = r.read(format!("jobs/{id}/artifacts/output.md"));
            match m.status {
                // I6: complete output, exactly.
                JobStatus::Succeeded => {
                    ensure(out.as_deref() == Some(MD), || format!("I6: output {out:?}"))
                }
                // Interrupted before the manifest said so: runs again; never acknowledged.
                JobStatus::Queued => ensure(!acked, || "I5: acknowledged success lost".into()),
                s => Err(format!("unexpected status {s:?}")),
            }
        },
    );
    assert!(c.checked >= 20, "{c:?}");
}

#[test]
fn retry_after_a_transient_failure() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let s = setup(RetentionConfig::default());
    let id = s.job("t.pdf", "k-t");
    let f = Failure::new(Code::ConversionCrashed, "crashed (test)", false);
    let c = s.explore(
        "retry",
        |st| attempt(st, id, Some(f.clone())),
        |r, acked| {
            let m = job_of(r, "k-t")?;
            ensure(m.status == JobStatus::Queued, || {
                format!("status {:?}", m.status)
            })?;
            ensure(
                r.read(format!("jobs/{id}/artifacts/output.md")).is_none(),
                || "output of a failed attempt".into(),
            )?;
            // I5: the attempt is counted once it was acknowledged, and its error recorded.
            ensure(
                !acked || (m.attempts == 1 && m.error.is_some() && m.next_attempt_at.is_some()),
                || format!("retry not recorded: {m:?}"),
            )
        },
    );
    assert!(c.checked >= 20, "{c:?}");
}
