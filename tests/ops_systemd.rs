//! systemd without systemd: the test plays the notification socket (`$NOTIFY_SOCKET`, a path or an
//! abstract `@name`) for the real daemon and checks the protocol: `READY=1` with a `STATUS=` line
//! once recovery is done, `WATCHDOG=1` every half `$WATCHDOG_USEC` while every thread beats,
//! `STOPPING=1` on SIGTERM, and no more pings once a thread is stuck (a fail point hangs the watcher
//! or the dispatcher), which `state/daemon.json` and `STATUS=` then name. The unit files in
//! `contrib/` ask for all of it and run only what `mdspool run` accepts.
//!
//! Checked to fail: with the watchdog pinged whatever the threads' health (`daemon/watch.rs`), both
//! stuck-thread tests fail (seven pings after `STUCK`).

mod support;

use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::path::Path;
use std::time::{Duration, Instant};

use support::fs::read_json;
use support::{Root, wait_until};

const T: Duration = Duration::from_secs(60);

const CONFIG: &str = r#"
[metrics]
interval = "200ms"
stuck_after = "2s"
"#;

/// What the daemon sent, with when it arrived.
struct Socket {
    sock: UnixDatagram,
    got: Vec<(Instant, String)>,
}

impl Socket {
    fn new(sock: UnixDatagram) -> Socket {
        sock.set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        Socket {
            sock,
            got: Vec::new(),
        }
    }

    /// Reads what arrives for `d`.
    fn listen(&mut self, d: Duration) {
        let end = Instant::now() + d;
        let mut buf = [0u8; 4096];
        while Instant::now() < end {
            if let Ok(n) = self.sock.recv(&mut buf) {
                let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
                self.got.push((Instant::now(), msg));
            }
        }
    }

    /// Listens until a datagram satisfies `f`; returns it.
    fn until(&mut self, what: &str, f: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + T;
        loop {
            if let Some((_, m)) = self.got.iter().find(|(_, m)| f(m)) {
                return m.clone();
            }
            assert!(
                Instant::now() < end,
                "no datagram {what}: {:?}",
                self.msgs()
            );
            self.listen(Duration::from_millis(100));
        }
    }

    fn msgs(&self) -> Vec<&str> {
        self.got.iter().map(|(_, m)| m.as_str()).collect()
    }

    fn pings_since(&self, t: Instant) -> usize {
        self.got
            .iter()
            .filter(|(at, m)| *at >= t && m.lines().any(|l| l == "WATCHDOG=1"))
            .count()
    }
}

#[test]
fn ready_status_watchdog_pings_and_stopping_over_an_abstract_socket() {
    let r = Root::new(CONFIG);
    let name = format!("mdspool-test-notify-{}", std::process::id());
    let addr = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
    let mut s = Socket::new(UnixDatagram::bind_addr(&addr).unwrap());
    let spec = format!("@{name}");
    let d = r.start(
        &[],
        &[
            ("NOTIFY_SOCKET", spec.as_str()),
            ("WATCHDOG_USEC", "1000000"),
        ],
    );
    let ready = s.until("READY=1", |m| m.lines().any(|l| l == "READY=1"));
    assert!(d.log_text().contains("daemon started"), "{}", d.log_text());
    assert!(
        ready
            .lines()
            .any(|l| l.starts_with("STATUS=serving: 0 queued")),
        "{ready}"
    );
    assert!(ready.contains(&format!("MAINPID={}", d.pid())), "{ready}");
    let first = s.msgs().iter().position(|m| m.contains("READY=1")).unwrap();
    assert!(
        s.msgs()[..first]
            .iter()
            .any(|m| m.starts_with("STATUS=recovering")),
        "{:?}",
        s.msgs()
    );
    // Every half WATCHDOG_USEC: about 6 pings in 3 s.
    let t = Instant::now();
    s.listen(Duration::from_secs(3));
    let pings = s.pings_since(t);
    assert!((4..=9).contains(&pings), "{pings} pings: {:?}", s.msgs());
    d.signal(libc::SIGTERM);
    let stopping = s.until("STOPPING=1", |m| m.lines().any(|l| l == "STOPPING=1"));
    assert!(stopping.contains("STATUS=stopping"), "{stopping}");
    let mut d = d;
    assert_eq!(d.wait_exit(T).and_then(|s| s.code()), Some(0));
}

/// A daemon whose thread `point` hangs after a few turns: the pings stop, the heartbeat and the
/// status name the thread.
fn pings_stop_when_stuck(point: &str, thread: &str) {
    let r = Root::new(CONFIG);
    let path = r.outside("notify.sock");
    let mut s = Socket::new(UnixDatagram::bind(&path).unwrap());
    let fp = format!("{point}:4=hang");
    let d = r.start(
        &[],
        &[
            ("NOTIFY_SOCKET", path.to_str().unwrap()),
            ("WATCHDOG_USEC", "600000"),
            ("MDSPOOL_FAILPOINT", fp.as_str()),
        ],
    );
    s.until("READY=1", |m| m.lines().any(|l| l == "READY=1"));
    s.until("a ping", |m| m == "WATCHDOG=1");
    assert!(d.wait_log("this thread hangs", T), "{}", d.log_text());
    // Silent for stuck_after (2 s): then the daemon says so, and pings no more.
    let status = s.until("a STATUS naming the stuck thread", |m| m.contains("STUCK"));
    assert!(status.contains(thread), "{status}");
    assert!(d.log_text().contains("thread stuck"), "{}", d.log_text());
    let hb = read_json(&r.root.join("state/daemon.json")).unwrap();
    assert_eq!(hb["healthy"], false, "{hb}");
    assert_eq!(hb["stuck"], serde_json::json!([thread]), "{hb}");
    let t = Instant::now();
    s.listen(Duration::from_secs(2));
    assert_eq!(s.pings_since(t), 0, "{:?}", s.msgs());
    // The metrics thread still writes, and says so too.
    wait_until(T, "the metrics say unhealthy", || {
        let t = std::fs::read_to_string(r.root.join("state/metrics.prom")).ok()?;
        t.lines()
            .any(|l| l.starts_with("mdspool_daemon_healthy{") && l.ends_with("} 0"))
            .then_some(())
    });
}

#[test]
fn a_stuck_watcher_stops_the_watchdog_pings() {
    pings_stop_when_stuck("watcher.loop", "watcher");
}

#[test]
fn a_stuck_dispatcher_stops_the_watchdog_pings() {
    pings_stop_when_stuck("dispatcher.loop", "dispatcher");
}

/// `KEY=value` lines of a unit file (comments aside).
fn unit(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('['))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn the_unit_files_ask_for_notify_watchdog_and_hardening_and_run_what_mdspool_accepts() {
    let contrib = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib");
    let run_help = support::help(&["run"]);
    for (file, root) in [
        ("mdspool.service", "/srv/mdspool"),
        ("mdspool@.service", "/srv/mdspool/%i"),
    ] {
        let u = unit(&contrib.join(file));
        let get = |k: &str| {
            u.iter()
                .filter(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        for (k, v) in [
            ("Type", "notify"),
            ("NoNewPrivileges", "yes"),
            ("ProtectSystem", "strict"),
            ("KillMode", "mixed"),
            ("User", "mdspool"),
            ("ReadWritePaths", root),
            ("RequiresMountsFor", root),
        ] {
            assert_eq!(get(k), [v], "{file}: {k}");
        }
        for k in ["WatchdogSec", "UMask", "TimeoutStopSec", "ExecReload"] {
            assert_eq!(get(k).len(), 1, "{file}: {k}");
        }
        // More time to stop than shutdown.grace (30 s) lets the running jobs finish.
        let stop: u64 = get("TimeoutStopSec")[0]
            .trim_end_matches('s')
            .parse()
            .unwrap();
        assert!(stop > 30, "{file}");
        let exec = get("ExecStart")[0];
        assert!(
            exec.contains(&format!(" run --root {root} ")),
            "{file}: {exec}"
        );
        for word in exec.split_whitespace().filter(|w| w.starts_with("--")) {
            let top = support::help(&[]);
            assert!(
                run_help.contains(word) || top.contains(word),
                "{file}: {word}"
            );
        }
    }
}
