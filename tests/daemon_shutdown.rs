//! Stopping the daemon: the first SIGTERM drains (running jobs finish within `shutdown.grace`,
//! nothing new starts, exit 0), past the grace period the children are killed and their jobs go
//! back to `queued`; a second signal stops at once and the next start recovers.

mod support;

use std::time::{Duration, Instant};

use support::proc::converter_alive;
use support::{Root, wait_until};

fn config(grace: &str) -> String {
    format!(
        r#"
[workers]
count = 2
backoff = "100ms"
rescan = "200ms"
[convert]
timeout = "120s"
[shutdown]
grace = "{grace}"
"#
    )
}

// Guarantee G7: SIGTERM lets running jobs finish, starts nothing new, exits 0.
#[test]
fn sigterm_drains_running_jobs_and_exits_zero() {
    let r = Root::new(&config("60s"));
    let a = r.submit("a.pdf", &["sleep:2"], "a");
    let b = r.submit("b.pdf", &["sleep:2"], "b");
    let c = r.submit("c.pdf", &[], "c");
    let mut d = r.start(&[], &[]);
    wait_until(Duration::from_secs(30), "two conversions running", || {
        d.converters().len() == 2
    });
    d.signal(libc::SIGTERM);
    let st = d.wait_exit(Duration::from_secs(60)).expect("daemon exits");
    assert!(st.success(), "{}", d.log_text());
    assert_eq!(r.status(&a), "succeeded");
    assert_eq!(r.status(&b), "succeeded");
    // Nothing new started after the signal.
    assert_eq!(r.status(&c), "queued");
    assert_eq!(r.attempts(&c), 0);
    assert!(r.temp_debris().is_empty());
}

// Guarantee G7 and G5: past shutdown.grace the children are killed, their jobs go back to
// `queued` without the interrupted attempt counting, and the daemon exits 0.
#[test]
fn past_the_grace_period_running_jobs_are_requeued() {
    let r = Root::new(&config("1s"));
    let slow = r.submit("slow.pdf", &["sleep:100"], "slow");
    let mut d = r.start(&[], &[]);
    wait_until(Duration::from_secs(30), "conversion running", || {
        d.converters().len() == 1
    });
    let child = d.converters()[0];
    let t = Instant::now();
    d.signal(libc::SIGTERM);
    let st = d.wait_exit(Duration::from_secs(60)).expect("daemon exits");
    // Well before the 100 s conversion could have finished.
    assert!(t.elapsed() < Duration::from_secs(60));
    assert!(st.success(), "{}", d.log_text());
    let m = r.manifest(&slow);
    assert_eq!(m["status"], "queued", "{m:#}");
    assert_eq!(m["attempts"], 0, "{m:#}");
    assert!(r.run_log(&slow).contains("interrupted by shutdown"));
    wait_until(Duration::from_secs(10), "child gone", || {
        !converter_alive(child)
    });
    assert!(r.temp_debris().is_empty());
}

// Guarantee G7 and G3: a second signal stops at once, leaving the job `running`; the next start
// puts it back to `queued` and runs it again.
#[test]
fn second_signal_stops_at_once_and_restart_recovers() {
    let r = Root::new(&config("60s"));
    let slow = r.submit("slow.pdf", &["sleep:100"], "slow");
    let mut d = r.start(&[], &[]);
    wait_until(Duration::from_secs(30), "conversion running", || {
        d.converters().len() == 1
    });
    let child = d.converters()[0];
    d.signal(libc::SIGINT);
    std::thread::sleep(Duration::from_millis(300));
    d.signal(libc::SIGINT);
    let st = d.wait_exit(Duration::from_secs(30)).expect("daemon exits");
    assert_eq!(st.code(), Some(1), "{}", d.log_text());
    wait_until(Duration::from_secs(10), "child gone", || {
        !converter_alive(child)
    });
    assert_eq!(r.status(&slow), "running");
    let d = r.start(&[], &[]);
    wait_until(Duration::from_secs(30), "rerun after recovery", || {
        r.attempts(&slow) == 2 && r.status(&slow) == "running" && d.converters().len() == 1
    });
}

#[test]
fn the_pid_file_names_the_daemon_and_is_removed_when_it_exits() {
    let r = Root::new(&config("5s"));
    let pid_file = r.outside("mdspool.pid");
    let mut d = r.start(&["--pid-file", pid_file.to_str().unwrap()], &[]);
    let pid = wait_until(Duration::from_secs(30), "the pid file", || {
        std::fs::read_to_string(&pid_file).ok()
    });
    assert_eq!(pid.trim(), d.pid().to_string());
    // A second daemon on the locked root neither writes nor removes it.
    let second = r.mdspool(&["run", "--pid-file", pid_file.to_str().unwrap()]);
    assert_eq!(second.status.code(), Some(5), "{second:?}");
    assert_eq!(std::fs::read_to_string(&pid_file).unwrap(), pid);
    d.signal(libc::SIGTERM);
    assert!(d.wait_exit(Duration::from_secs(30)).unwrap().success());
    assert!(!pid_file.exists(), "the pid file outlived the daemon");
}
