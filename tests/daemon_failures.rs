//! Isolation and retries with the real daemon: conversions that panic, hang, eat memory, crash or
//! fail cleanly each fail only their own job, with the right stable code, while the other jobs
//! complete; transient failures are retried with backoff and the attempt count shows it.

mod support;

use std::time::Duration;

use support::{Root, wait_until};

const CONFIG: &str = r#"
[workers]
count = 3
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

// Guarantee G4: a conversion that panics, loops past the timeout, allocates past the memory limit
// or dies by a signal takes down only its own job, with a stable code; good jobs still succeed.
// Guarantee G6: transient failures are retried up to workers.max_attempts, permanent ones never.
#[test]
fn misbehaving_conversions_fail_only_their_own_job() {
    let r = Root::new(CONFIG);
    let good1 = r.submit("good1.pdf", &[], "good1");
    let panic = r.submit("panic.pdf", &["panic"], "panic");
    let sleep = r.submit("sleep.pdf", &["sleep:60"], "sleep");
    let alloc = r.submit("alloc.pdf", &["alloc"], "alloc");
    let segv = r.submit("segv.pdf", &["segv"], "segv");
    let enc = r.submit("enc.pdf", &["encrypted"], "enc");
    let scan = r.submit("scan.pdf", &["no-text"], "scan");
    let bad = r.submit("bad.pdf", &["malformed"], "bad");
    let good2 = r.submit("good2.pdf", &["stdout", "stderr:5000"], "good2");
    let all = [
        &good1, &panic, &sleep, &alloc, &segv, &enc, &scan, &bad, &good2,
    ];
    let mut d = r.start(&[], &[]);
    wait_until(Duration::from_secs(60), "every job finished", || {
        all.iter().all(|id| finished(&r, id))
    });
    let expect = [
        (&good1, "succeeded", "", 1),
        (&good2, "succeeded", "", 1),
        (&panic, "failed", "conversion_crashed", 2),
        (&segv, "failed", "conversion_crashed", 2),
        (&sleep, "failed", "conversion_timeout", 2),
        (&alloc, "failed", "conversion_memory_limit", 1),
        (&enc, "failed", "pdf_encrypted", 1),
        (&scan, "failed", "no_text_layer", 1),
        (&bad, "failed", "pdf_malformed", 1),
    ];
    for (id, status, code, attempts) in expect {
        let m = r.manifest(id);
        assert_eq!(m["status"], status, "{id}: {m:#}\n{}", d.log_text());
        assert_eq!(r.error_code(id), code, "{id}: {m:#}");
        assert_eq!(r.attempts(id), attempts, "{id}: {m:#}");
        let out = r.job_dir(id).join("artifacts/output.md");
        assert_eq!(out.exists(), status == "succeeded", "{id}");
    }
    // The good job's artifact and manifest details.
    let md = std::fs::read_to_string(r.job_dir(&good2).join("artifacts/output.md")).unwrap();
    assert!(md.starts_with("# input.pdf\n"), "{md}");
    let m = r.manifest(&good2);
    assert_eq!(m["converter"]["name"], "test");
    assert_eq!(m["pages"], 1);
    assert_eq!(m["output_bytes"], md.len() as u64);
    // The child's noise (stdout and stderr) went to run.log, not into the result.
    let log = r.run_log(&good2);
    assert!(log.contains("noise on stdout"), "{log}");
    assert!(log.contains("attempt 1 result: succeeded"), "{log}");
    // The panic's message and the allocation failure are explained.
    let m = r.manifest(&panic);
    assert!(
        m["error"]["message"]
            .as_str()
            .unwrap()
            .contains("panic directive"),
        "{m:#}"
    );
    let log = r.run_log(&alloc);
    assert!(log.contains("memory allocation of"), "{log}");
    assert!(
        d.one_attempt_children().is_empty(),
        "no one-attempt conversion child is left running"
    );
    // Only the idle persistent converters stay: one per worker at most.
    let left = d.converters();
    assert!(left.len() <= 3, "{left:?}");
    d.signal(libc::SIGTERM);
    assert!(d.wait_exit(Duration::from_secs(30)).unwrap().success());
    assert!(r.temp_debris().is_empty(), "{:?}", r.temp_debris());
}

// Guarantee G6: a transient failure is retried after a backoff recorded in next_attempt_at, and
// the attempt count shows every attempt.
#[test]
fn transient_failures_are_retried_until_they_succeed() {
    let r = Root::new(&CONFIG.replace("max_attempts = 2", "max_attempts = 4"));
    let flaky = r.submit("flaky.pdf", &["panic-until:3"], "flaky");
    let io = r.submit("io.pdf", &["io-error"], "io");
    let _d = r.start(&[], &[]);
    wait_until(Duration::from_secs(60), "flaky job done", || {
        finished(&r, &flaky) && finished(&r, &io)
    });
    assert_eq!(r.status(&flaky), "succeeded");
    assert_eq!(r.attempts(&flaky), 3);
    let log = r.run_log(&flaky);
    assert_eq!(
        log.matches("result: failed [conversion_crashed]").count(),
        2,
        "{log}"
    );
    assert_eq!(log.matches("result: succeeded").count(), 1, "{log}");
    // io_error is transient: retried up to max_attempts, then failed.
    assert_eq!(r.status(&io), "failed");
    assert_eq!(r.error_code(&io), "io_error");
    assert_eq!(r.attempts(&io), 4);
}

// Guarantee G6: next_attempt_at is durable, so a backoff survives a restart (the job is not run
// before it).
#[test]
fn backoff_is_recorded_in_the_manifest() {
    let r = Root::new(
        &CONFIG
            .replace("backoff = \"100ms\"", "backoff = \"1h\"")
            .replace("backoff_max = \"200ms\"", "backoff_max = \"2h\""),
    );
    let flaky = r.submit("flaky.pdf", &["panic-until:2"], "flaky");
    let mut d = r.start(&[], &[]);
    wait_until(Duration::from_secs(30), "first attempt failed", || {
        r.manifest(&flaky)["next_attempt_at"].is_string()
    });
    let m = r.manifest(&flaky);
    assert_eq!(m["status"], "queued");
    assert_eq!(m["attempts"], 1);
    assert_eq!(m["error"]["code"], "conversion_crashed");
    d.signal(libc::SIGTERM);
    assert!(d.wait_exit(Duration::from_secs(20)).unwrap().success());
    let _d = r.start(&[], &[]);
    std::thread::sleep(Duration::from_millis(1500));
    let m = r.manifest(&flaky);
    assert_eq!(
        m["status"], "queued",
        "not run before next_attempt_at: {m:#}"
    );
    assert_eq!(m["attempts"], 1);
}

// Guarantee G5: on timeout the whole process group of the conversion is killed, including the
// processes the converter started.
#[test]
fn timeout_kills_what_the_converter_started() {
    // Starting a process is what the sandbox forbids: this is the external converter's case.
    let config = CONFIG.replace("max_attempts = 2", "max_attempts = 1");
    let r = Root::new(&format!("{config}sandbox = \"off\"\n"));
    let id = r.submit("gc.pdf", &["grandchild"], "gc");
    let mut d = r.start(&[], &[]);
    wait_until(Duration::from_secs(30), "job failed", || finished(&r, &id));
    assert_eq!(r.error_code(&id), "conversion_timeout");
    let log = r.run_log(&id);
    let pid: i32 = log
        .lines()
        .find_map(|l| l.strip_prefix("grandchild pid "))
        .expect("the grandchild's pid is in run.log")
        .trim()
        .parse()
        .unwrap();
    assert!(pid > 0, "{log}");
    let _cleanup = support::proc::KillOnDrop(pid);
    wait_until(Duration::from_secs(10), "grandchild gone", || {
        !support::proc::process_alive(pid)
    });
    d.signal(libc::SIGTERM);
    assert!(d.wait_exit(Duration::from_secs(30)).unwrap().success());
}

// An outside SIGKILL of the conversion child (the kernel's OOM killer, an operator) is not one of
// our limits: `conversion_killed`, retried, never the permanent `conversion_memory_limit`. (Seen
// failing with the old classification: the job failed `conversion_memory_limit` after its first
// attempt, so no second conversion child ever came and the wait for it timed out.)
#[test]
fn an_outside_sigkill_of_the_child_is_retried_as_conversion_killed() {
    let config = CONFIG.replace("timeout = \"2s\"", "timeout = \"60s\"");
    let r = Root::new(&config);
    let id = r.submit("slow.pdf", &["sleep:30"], "outside-kill");
    let mut d = r.start(&[], &[]);
    for attempt in 1..=2u64 {
        let child = wait_until(Duration::from_secs(30), "a conversion child", || {
            (r.attempts(&id) == attempt)
                .then(|| d.converters().first().copied())
                .flatten()
        });
        // SAFETY: signals a conversion child of the daemon this test started.
        unsafe { libc::kill(child, libc::SIGKILL) };
    }
    wait_until(Duration::from_secs(30), "job failed", || finished(&r, &id));
    let m = r.manifest(&id);
    assert_eq!(m["error"]["code"], "conversion_killed", "{m}");
    assert_eq!(m["attempts"], 2, "retried once (max_attempts = 2): {m}");
    let msg = m["error"]["message"].as_str().unwrap_or_default();
    assert!(msg.contains("from outside"), "{msg}");
    d.signal(libc::SIGTERM);
    assert!(d.wait_exit(Duration::from_secs(30)).unwrap().success());
}
