//! The scale figures of issue #14: a root of N finished jobs (`--scale N`), a daemon started on it,
//! and what that costs, each printed beside its target:
//!
//! - ready: from the start of `mdspool run` to its `READY=1` (sd_notify, read on a socket of our
//!   own), with a warm cache and, when run as root, after `echo 3 > /proc/sys/vm/drop_caches`;
//! - settled: until the daemon's CPU use falls to idle (its start-up work done in the background);
//! - RSS (VmRSS and VmHWM of the daemon once settled) and idle CPU (over `IDLE_SECS` seconds);
//! - `mdspool status <id>` (the whole process, median of 7);
//! - one idle sweeper pass (in this process, the library's `Sweeper`, median of 5).
//!
//! With `--compare OLD` the same daemon figures are taken for the older binary on the same root.
//! Jobs up to 200,000 have the folders of a real finished job (manifest, `raw/input.pdf`,
//! `artifacts/output.md`, `logs/run.log`, receipt, idempotency record); larger roots are lean (the
//! job folder with its manifest, the receipt and the record) to spare the disk.

use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mdspool::clock::SystemClock;
use mdspool::config::RetentionConfig;
use mdspool::ids::{IdemKey, JobId};
use mdspool::layout::Layout;
use mdspool::store::manifest::{Idempotency, Source};
use mdspool::store::records::IdemRecord;
use mdspool::store::{JobStatus, Manifest, Store};

/// How long idle CPU is measured (covers a full look of the rescanner, every 30 s).
const IDLE_SECS: u64 = 32;

/// (ready s, RSS MB, idle CPU % of a core) that issue #14 asks for with `n` jobs.
fn targets(n: usize) -> (f64, f64, Option<f64>) {
    if n >= 1_000_000 {
        (15.0, 300.0, Some(5.0))
    } else {
        (3.0, 60.0, None)
    }
}

/// Writes `n` finished jobs (finished a minute ago: nothing is due for retention) into `root`,
/// with their receipts, records and final markers. Plain writes: the setup needs no durability.
fn build(root: &Path, n: usize) -> (Store, Vec<JobId>) {
    let layout = Layout::new(root);
    let store = Store::open(
        layout.clone(),
        Arc::new(SystemClock),
        RetentionConfig::default(),
    )
    .unwrap();
    let full = n <= 200_000;
    let now = chrono::Utc::now();
    let ret = RetentionConfig::default();
    let mut ids = Vec::with_capacity(n);
    for dir in [
        layout.receipts_dir().join("default"),
        layout.idempotency_dir().join("default"),
    ] {
        std::fs::create_dir_all(dir).unwrap();
    }
    for i in 0..n {
        let id = JobId::new();
        let key = format!("k{i}");
        let idem = Idempotency {
            scope: "default".into(),
            key: key.clone(),
            fingerprint: format!("{i:064x}"),
        };
        let src = Source {
            name: format!("doc-{i}.pdf"),
            size: 1000,
        };
        let done = now - chrono::Duration::seconds(60);
        let mut m = Manifest::new(id, idem, src, done - chrono::Duration::seconds(1));
        m.status = JobStatus::Succeeded;
        m.attempts = 1;
        m.started_at = Some(done - chrono::Duration::milliseconds(100));
        m.finished_at = Some(done);
        m.updated_at = done;
        m.raw_expires_at = Some(done + chrono::Duration::from_std(ret.raw.0).unwrap());
        m.expires_at = Some(done + chrono::Duration::from_std(ret.artifacts.0).unwrap());
        std::fs::create_dir_all(layout.job_dir(id)).unwrap();
        if full {
            for d in [
                layout.raw_dir(id),
                layout.artifacts_dir(id),
                layout.logs_dir(id),
            ] {
                std::fs::create_dir(d).unwrap();
            }
            std::fs::write(layout.raw_input(id), b"%PDF-1.4\n%%EOF\n").unwrap();
            std::fs::write(layout.output_md(id), format!("# doc {i}\n")).unwrap();
            std::fs::write(layout.run_log(id), b"attempt 1: succeeded\n").unwrap();
        }
        std::fs::write(layout.manifest(id), m.to_json()).unwrap();
        let k = IdemKey::new("default", &key).unwrap();
        let rec = IdemRecord {
            scope: "default".into(),
            key,
            job_id: id,
            fingerprint: format!("{i:064x}"),
            created_at: m.created_at,
            host: None,
        };
        std::fs::write(
            layout.idempotency_record(&k),
            serde_json::to_vec(&rec).unwrap(),
        )
        .unwrap();
        let receipt = serde_json::to_vec(&store.receipt_for(&m)).unwrap();
        std::fs::write(layout.receipt(&k), receipt).unwrap();
        store.mark_final(&m).unwrap();
        ids.push(id);
        if i % 50_000 == 49_999 {
            eprintln!("scale: {} jobs written", i + 1);
        }
    }
    (store, ids)
}

/// utime + stime of `pid`, in seconds.
fn cpu_secs(pid: u32) -> f64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = s.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64
}

/// (VmRSS, VmHWM) of `pid` in MB.
fn mem_mb(pid: u32) -> (f64, f64) {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        s.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn drop_caches() -> bool {
    if unsafe { libc::geteuid() } != 0 {
        return false;
    }
    unsafe { libc::sync() };
    std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

/// What one start of a daemon measured.
#[derive(Default)]
struct Start {
    ready: f64,
    settled: f64,
    rss: f64,
    hwm: f64,
    idle_cpu: f64,
}

/// Starts `bin` on `root`, waits for `READY=1`, then (with `settle`) until it is idle, and measures.
fn start(bin: &Path, root: &Path, dir: &Path, tag: &str, settle: bool) -> Start {
    let sock = dir.join(format!("notify-{tag}.sock"));
    let _ = std::fs::remove_file(&sock);
    let rx = UnixDatagram::bind(&sock).unwrap();
    rx.set_read_timeout(Some(Duration::from_secs(600))).unwrap();
    let log = std::fs::File::create(dir.join(format!("daemon-{tag}.log"))).unwrap();
    let t0 = Instant::now();
    let mut d = Command::new(bin)
        .arg("--root")
        .arg(root)
        .args(["run", "--workers", "2"])
        .env("NOTIFY_SOCKET", &sock)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut buf = [0u8; 4096];
    loop {
        let n = rx.recv(&mut buf).expect("no READY=1 from the daemon");
        if String::from_utf8_lossy(&buf[..n]).contains("READY=1") {
            break;
        }
    }
    let mut s = Start {
        ready: t0.elapsed().as_secs_f64(),
        ..Start::default()
    };
    if settle {
        // Settled: under 5 % of a core over two seconds in a row (or 20 minutes).
        let (mut last, mut quiet) = (cpu_secs(d.id()), 0);
        while quiet < 2 && t0.elapsed() < Duration::from_secs(1200) {
            std::thread::sleep(Duration::from_secs(1));
            let now = cpu_secs(d.id());
            quiet = if now - last < 0.05 { quiet + 1 } else { 0 };
            last = now;
        }
        s.settled = t0.elapsed().as_secs_f64() - 2.0;
        let c0 = cpu_secs(d.id());
        std::thread::sleep(Duration::from_secs(IDLE_SECS));
        s.idle_cpu = (cpu_secs(d.id()) - c0) / IDLE_SECS as f64 * 100.0;
        (s.rss, s.hwm) = mem_mb(d.id());
    }
    unsafe { libc::kill(d.id() as i32, libc::SIGTERM) };
    assert!(d.wait().unwrap().success(), "daemon {tag} failed");
    s
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// `mdspool status <id>`, whole process, median of 7 (ms).
fn status_ms(bin: &Path, root: &Path, id: JobId) -> f64 {
    median(
        (0..7)
            .map(|_| {
                let t = Instant::now();
                let st = Command::new(bin)
                    .arg("--root")
                    .arg(root)
                    .args(["status", &id.to_string()])
                    .stdout(Stdio::null())
                    .status()
                    .unwrap();
                assert!(st.success());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
}

/// One binary's figures on `root`: a warm start (settled, RSS, idle CPU), `status`, and a cold
/// start when the page cache can be dropped.
fn figures(
    bin: &Path,
    root: &Path,
    dir: &Path,
    tag: &str,
    id: JobId,
    n: usize,
) -> (Start, Option<Start>, f64) {
    // The first start warms the cache for the binary itself; the measured warm start is the
    // second. With a million jobs the cold start is timed to ready only (its background walk
    // reads every job folder from disk: many minutes).
    let _ = start(bin, root, dir, &format!("{tag}-prime"), false);
    let warm = start(bin, root, dir, &format!("{tag}-warm"), true);
    let status = status_ms(bin, root, id);
    let settle_cold = n < 1_000_000;
    let cold = drop_caches().then(|| start(bin, root, dir, &format!("{tag}-cold"), settle_cold));
    (warm, cold, status)
}

fn row(what: &str, value: f64, unit: &str, target: Option<f64>) {
    match target {
        Some(t) => println!(
            "| {what} | {value:.1} {unit} | <= {t} {unit} | {:.2} |",
            value / t
        ),
        None => println!("| {what} | {value:.1} {unit} | | |"),
    }
}

/// The scale benchmark: builds a root of `n` finished jobs under `base`, prints the table. Returns
/// whether the other benchmarks are to be left out (`--rounds 0`).
pub fn run(bin: &Path, compare: Option<&PathBuf>, base: &Path, n: usize, rounds: usize) -> bool {
    println!("machine: {}", crate::machine());
    let dir = base.join("scale");
    let root = dir.join("root");
    std::fs::create_dir_all(&dir).unwrap();
    let t = Instant::now();
    let (store, ids) = build(&root, n);
    println!(
        "scale: {n} finished jobs written in {:.1} s ({})",
        t.elapsed().as_secs_f64(),
        if n <= 200_000 {
            "full job folders"
        } else {
            "lean job folders"
        }
    );
    let store = Arc::new(store);
    let t = Instant::now();
    let sweeper =
        mdspool::sweeper::Sweeper::start(store.clone(), &RetentionConfig::default()).unwrap();
    let built = t.elapsed().as_secs_f64();
    let pass = median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                let r = sweeper.pass(false).unwrap();
                assert!(r.entries.is_empty(), "nothing is due");
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    );
    drop(sweeper);
    let id = ids[ids.len() / 2];
    let mut runs = vec![("", bin.to_path_buf())];
    if let Some(c) = compare {
        runs.push((" (compared binary)", c.clone()));
    }
    let (t_ready, t_rss, t_cpu) = targets(n);
    println!();
    println!("| {n} finished jobs | measured | target | ratio to target |");
    println!("|---|---:|---:|---:|");
    row(
        "sweeper index build (in process, background in the daemon)",
        built,
        "s",
        None,
    );
    row(
        "idle sweeper pass",
        pass,
        "ms",
        (n < 1_000_000).then_some(100.0),
    );
    for (i, (label, b)) in runs.iter().enumerate() {
        let (warm, cold, status) = figures(b, &root, &dir, &format!("b{i}"), id, n);
        row(
            &format!("ready, warm cache{label}"),
            warm.ready,
            "s",
            Some(t_ready),
        );
        match &cold {
            Some(c) => {
                row(
                    &format!("ready, cold cache{label}"),
                    c.ready,
                    "s",
                    Some(t_ready),
                );
                row(
                    &format!("settled (start-up work done), cold{label}"),
                    c.settled,
                    "s",
                    None,
                );
            }
            None => println!("| ready, cold cache{label} | not measured (needs root) | | |"),
        }
        row(&format!("settled, warm{label}"), warm.settled, "s", None);
        row(
            &format!("daemon VmRSS, settled{label}"),
            warm.rss,
            "MB",
            Some(t_rss),
        );
        row(&format!("daemon VmHWM (peak){label}"), warm.hwm, "MB", None);
        row(
            &format!("idle CPU over {IDLE_SECS} s{label}"),
            warm.idle_cpu,
            "% of a core",
            t_cpu,
        );
        row(
            &format!("`mdspool status <id>` (process){label}"),
            status,
            "ms",
            (n < 1_000_000).then_some(20.0),
        );
    }
    println!();
    rounds == 0
}
