//! Each worker's persistent converter (docs/design.md, "Persistent converters"), with the real
//! daemon and the test converter: a crash, a timeout or a memory kill fails only the job it was
//! running, classified and retried as in a one-attempt child; the jobs before and after it on the
//! same worker succeed; the process that failed is replaced; a process is recycled after
//! `convert.recycle_after_jobs` jobs; and an idle converter never outlives a SIGKILLed daemon.

mod support;

use std::time::Duration;

use support::proc::{cmdline, converter_alive};
use support::{Root, wait_until};

const CONFIG: &str = r#"
[ocr]
enabled = false
[workers]
count = 1
max_attempts = 2
backoff = "100ms"
backoff_max = "200ms"
rescan = "200ms"
[convert]
timeout = "2s"
max_memory = "256MiB"
"#;

fn finished(r: &Root, id: &str) -> bool {
    matches!(r.status(id).as_str(), "succeeded" | "failed" | "canceled")
}

/// The (pid, job number of that process) of each attempt in the job's `run.log`.
fn served_by(r: &Root, id: &str) -> Vec<(i32, u32)> {
    r.run_log(id)
        .lines()
        .filter_map(|l| {
            let rest = l.split("converter process ").nth(1)?;
            let (pid, rest) = rest.split_once(" (persistent), job ")?;
            let n = rest.split_whitespace().next()?;
            Some((pid.parse().ok()?, n.parse().ok()?))
        })
        .collect()
}

/// Submits a job and waits until it is finished.
fn run_one(r: &Root, name: &str, directives: &[&str]) -> String {
    let id = r.submit(&format!("{name}.pdf"), directives, name);
    wait_until(Duration::from_secs(60), name, || finished(r, &id));
    id
}

// Guarantee G4 with persistent converters: on one worker, a good job B, then A that crashes, D
// that runs past the timeout and M that allocates past the memory limit, each between good jobs.
// Seen failing with the worker's wall-clock deadline left out (T's converter slept on past
// `convert.timeout`, and the wait for T to finish ran out).
#[test]
fn a_crash_timeout_or_memory_kill_fails_only_its_job_and_replaces_the_process() {
    let r = Root::new(CONFIG);
    let mut d = r.start(&[], &[]);
    assert!(d.wait_log("daemon started", Duration::from_secs(20)));
    let b = run_one(&r, "b", &[]);
    let a = run_one(&r, "a", &["segv"]);
    let c = run_one(&r, "c", &[]);
    let t = run_one(&r, "t", &["sleep:60"]);
    let e = run_one(&r, "e", &[]);
    let m = run_one(&r, "m", &["alloc"]);
    let f = run_one(&r, "f", &[]);
    let expect = [
        (&b, "succeeded", "", 1),
        (&a, "failed", "conversion_crashed", 2),
        (&c, "succeeded", "", 1),
        (&t, "failed", "conversion_timeout", 2),
        (&e, "succeeded", "", 1),
        (&m, "failed", "conversion_memory_limit", 1),
        (&f, "succeeded", "", 1),
    ];
    for (id, status, code, attempts) in expect {
        let man = r.manifest(id);
        assert_eq!(man["status"], status, "{id}: {man:#}\n{}", r.run_log(id));
        assert_eq!(r.error_code(id), code, "{id}: {man:#}");
        assert_eq!(r.attempts(id), attempts, "{id}: {man:#}");
    }
    for id in [&b, &c, &e, &f] {
        let md = std::fs::read_to_string(r.job_dir(id).join("artifacts/output.md")).unwrap();
        assert!(md.starts_with("# input.pdf\n"), "{md}");
        assert!(r.run_log(id).contains("sandbox: "), "{}", r.run_log(id));
    }
    let (sb, sa, sc, st, se, sm, sf) = (
        served_by(&r, &b),
        served_by(&r, &a),
        served_by(&r, &c),
        served_by(&r, &t),
        served_by(&r, &e),
        served_by(&r, &m),
        served_by(&r, &f),
    );
    // B and A's first attempt: one process; it crashed, so each later attempt has a fresh one.
    assert_eq!(sb, vec![(sb[0].0, 1)], "{sb:?}");
    assert_eq!(sa[0], (sb[0].0, 2), "{sa:?}");
    assert_eq!(sa.len(), 2, "{sa:?}");
    assert_eq!(sa[1].1, 1, "a fresh process for the retry: {sa:?}");
    assert_eq!(sc[0].1, 1, "a fresh process after the crash: {sc:?}");
    // C's process also ran T's first attempt, which timed out: replaced again.
    assert_eq!(st[0], (sc[0].0, 2), "{st:?}");
    assert_eq!(se[0].1, 1, "a fresh process after the timeout: {se:?}");
    assert_eq!(sm[0], (se[0].0, 2), "{sm:?}");
    assert_eq!(sf[0].1, 1, "a fresh process after the memory kill: {sf:?}");
    let pids = [sb[0].0, sa[1].0, sc[0].0, st[1].0, se[0].0, sf[0].0];
    for (i, p) in pids.iter().enumerate() {
        assert!(!pids[i + 1..].contains(p), "pid {p} served twice: {pids:?}");
    }
    // Every replaced process is gone; only the last one is left, idle.
    for p in &pids[..pids.len() - 1] {
        assert!(!converter_alive(*p), "{p} still runs");
    }
    assert_eq!(d.converters(), vec![sf[0].0]);
    assert!(d.one_attempt_children().is_empty());
    d.signal(libc::SIGTERM);
    assert!(d.wait_exit(Duration::from_secs(30)).unwrap().success());
    assert!(
        !converter_alive(sf[0].0),
        "the converter outlived its daemon's exit"
    );
    assert!(r.temp_debris().is_empty(), "{:?}", r.temp_debris());
}

// `convert.recycle_after_jobs`: a process serves that many jobs, then the next job gets a fresh
// one. Seen failing with the count ignored (one process served all five).
#[test]
fn a_process_is_recycled_after_its_jobs() {
    let r = Root::new(&format!("{CONFIG}recycle_after_jobs = 2\n"));
    let mut d = r.start(&[], &[]);
    assert!(d.wait_log("daemon started", Duration::from_secs(20)));
    let served: Vec<(i32, u32)> = (0..5)
        .map(|i| {
            let id = run_one(&r, &format!("j{i}"), &[]);
            assert_eq!(r.status(&id), "succeeded", "{}", r.run_log(&id));
            served_by(&r, &id)[0]
        })
        .collect();
    let jobs: Vec<u32> = served.iter().map(|s| s.1).collect();
    assert_eq!(jobs, vec![1, 2, 1, 2, 1], "{served:?}");
    assert_eq!(served[0].0, served[1].0);
    assert_ne!(served[1].0, served[2].0);
    assert_ne!(served[3].0, served[4].0);
    d.signal(libc::SIGTERM);
    assert!(d.wait_exit(Duration::from_secs(30)).unwrap().success());
}

// Guarantee G5 for the persistent converter: busy with its second job, it dies with a daemon
// killed by SIGKILL (PR_SET_PDEATHSIG); idle, it would also see its stdin close and exit. Seen
// failing with the death signal left out of its start-up (the converter lived on, re-parented,
// until its 300 s job ended).
#[test]
fn a_persistent_converter_dies_with_a_sigkilled_daemon() {
    let r = Root::new(&CONFIG.replace("timeout = \"2s\"", "timeout = \"600s\""));
    let mut d = r.start(&[], &[]);
    assert!(d.wait_log("daemon started", Duration::from_secs(20)));
    let id = run_one(&r, "one", &[]);
    assert_eq!(r.status(&id), "succeeded", "{}", r.run_log(&id));
    let conv = d.converters();
    assert_eq!(conv.len(), 1, "{conv:?}");
    let pid = conv[0];
    let _cleanup = support::proc::KillOnDrop(pid);
    assert!(
        cmdline(pid).contains("__convert-server"),
        "{}",
        cmdline(pid)
    );
    assert_eq!(served_by(&r, &id), vec![(pid, 1)]);
    let slow = r.submit("slow.pdf", &["sleep:300"], "slow");
    wait_until(Duration::from_secs(30), "second job running", || {
        served_by(&r, &slow) == vec![(pid, 2)]
    });
    d.kill();
    wait_until(Duration::from_secs(10), "converter gone", || {
        !converter_alive(pid)
    });
}
