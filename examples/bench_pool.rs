//! What isolation costs: the worker pool end to end (queue, `queued -> running`, one conversion
//! child per job with its limits, output publication, `succeeded`, receipt) against two baselines
//! measured in the same run on the same inputs: the same (test) converter called in-process, and
//! the bare conversion child started once per job by as many threads as the daemon has workers
//! (equal parallelism). `cargo run --release --example bench` compares the same with the real
//! converter on real PDFs.
//!
//! `cargo build --release --features test-hooks && cargo run --release --features test-hooks
//! --example bench_pool -- [JOBS] [WORKERS]` (the `mdspool` binary, with the test converter, must
//! be built beside the example).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mdspool::clock::SystemClock;
use mdspool::config::{ConvertConfig, RetentionConfig};
use mdspool::convert::{ConvertOptions, Converter};
use mdspool::ids::{IdemKey, JobId};
use mdspool::layout::Layout;
use mdspool::store::{JobStatus, StagedDrop, Store};
use mdspool::worker::testconv::TestConverter;

fn arg(n: usize, default: usize) -> usize {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn add_job(store: &Store, i: usize) -> JobId {
    let id = JobId::new();
    let entry = store.layout().staging_entry(id);
    std::fs::create_dir_all(&entry).unwrap();
    let pdf = entry.join("doc.pdf");
    std::fs::write(&pdf, format!("%PDF-1.4\n% job {i}\n%%EOF\n")).unwrap();
    let d = StagedDrop {
        id,
        pdf,
        name: "doc.pdf".into(),
        key: Some(IdemKey::new("bench", &format!("k{i}")).unwrap()),
        pinned: false,
        client: None,
    };
    store.admit(&d).unwrap().job_id()
}

fn per_job(t: Duration, n: usize) -> f64 {
    t.as_secs_f64() * 1000.0 / n as f64
}

fn main() {
    let jobs = arg(1, 200);
    let workers = arg(2, 2);
    let exe = std::env::current_exe().unwrap();
    let bin: PathBuf = exe.parent().unwrap().parent().unwrap().join("mdspool");
    if !bin.exists() {
        eprintln!(
            "{} is missing: run `cargo build` (same profile) first",
            bin.display()
        );
        std::process::exit(2);
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let store = Store::open(
        Layout::new(&root),
        Arc::new(SystemClock),
        RetentionConfig::default(),
    )
    .unwrap();
    let ids: Vec<JobId> = (0..jobs).map(|i| add_job(&store, i)).collect();
    let inputs: Vec<PathBuf> = ids.iter().map(|id| store.layout().raw_input(*id)).collect();

    // Baseline 1: the converter in-process.
    let conv = TestConverter { attempt: 1 };
    let t = Instant::now();
    for p in &inputs {
        conv.convert(p, &ConvertOptions::default()).unwrap();
    }
    let in_process = t.elapsed();

    // Baseline 2: the bare conversion child, once per job, `workers` at a time.
    let settings = serde_json::to_string(&ConvertConfig::default()).unwrap();
    let out_dir = tmp.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(p) = inputs.get(i) else { break };
                    let st = Command::new(&bin)
                        .args(["__convert-child", "--settings", &settings, "--input"])
                        .arg(p)
                        .arg("--output")
                        .arg(out_dir.join(format!("{i}.md")))
                        .env("MDSPOOL_TEST_CONVERTER", "1")
                        .env("MDSPOOL_CONFIG", "/dev/null")
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .unwrap();
                    assert!(st.success());
                }
            });
        }
    });
    let bare_child = t.elapsed();

    // The daemon: every job through the pool.
    let t = Instant::now();
    let mut d = Command::new(&bin)
        .arg("--root")
        .arg(&root)
        .args(["run", "--workers", &workers.to_string()])
        .env("MDSPOOL_TEST_CONVERTER", "1")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Only the jobs not seen finished yet are read again.
    let mut left: Vec<JobId> = ids.clone();
    while !left.is_empty() {
        left.retain(|id| !matches!(store.load(*id), Ok(m) if m.status == JobStatus::Succeeded));
        std::thread::sleep(Duration::from_millis(10));
    }
    let pool = t.elapsed();
    // SAFETY: signals the daemon this program started.
    unsafe {
        libc::kill(d.id() as i32, libc::SIGTERM);
    }
    let st = d.wait().unwrap();
    assert!(st.success());

    println!("jobs {jobs}, workers {workers}");
    println!(
        "in-process converter      {:8.3} ms/job",
        per_job(in_process, jobs)
    );
    println!(
        "bare conversion child     {:8.3} ms/job wall ({workers} threads)",
        per_job(bare_child, jobs)
    );
    println!(
        "daemon, end to end        {:8.3} ms/job wall ({:.1} jobs/s)",
        per_job(pool, jobs),
        jobs as f64 / pool.as_secs_f64()
    );
    println!(
        "daemon / bare child       {:8.2}x   (durable bookkeeping and scheduling on top of the child, both {workers} at a time)",
        pool.as_secs_f64() / bare_child.as_secs_f64()
    );
}
