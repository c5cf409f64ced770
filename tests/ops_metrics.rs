//! Liveness and metrics without a network port, with the real daemon: `state/daemon.json` is kept
//! current, the Prometheus text file holds jobs by status, totals by code, the conversion
//! histogram, pages, queue and disk figures, and is replaced atomically (a reader polling it never
//! sees a part of it; its inode changes); `mdspool stats` prints the same, daemon or not.
//!
//! Checked to fail: with the metrics file rewritten in place (`std::fs::write`) instead of replaced,
//! the polling reader sees a partial file.

mod support;

use std::collections::BTreeSet;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::fs::{drop_pdf, put, read_json};
use support::{Root, pdf, wait_until};

const T: Duration = Duration::from_secs(60);

const CONFIG: &str = r#"
[watch]
settle = "100ms"
[workers]
count = 1
rescan = "200ms"
[metrics]
interval = "200ms"
"#;

/// The value of the sample `name{root=...,LABELS}` in `text` (labels after root, as written).
fn sample(text: &str, name: &str, labels: &str) -> Option<f64> {
    text.lines().find_map(|l| {
        let rest = l.strip_prefix(name)?.strip_prefix("{root=\"")?;
        let (_, rest) = rest.split_once('"')?;
        let (got, value) = rest.split_once("} ")?;
        let got = got.strip_prefix(',').unwrap_or(got);
        (got == labels).then(|| value.parse().ok())?
    })
}

/// Every line is a `# HELP`/`# TYPE` comment or `name{labels} number`; the file ends with a
/// newline after its last series.
fn well_formed(text: &str) -> bool {
    text.ends_with('\n')
        && text.contains("mdspool_metrics_timestamp_seconds{")
        && text.lines().all(|l| {
            l.starts_with("# HELP ")
                || l.starts_with("# TYPE ")
                || l.split_once("} ")
                    .is_some_and(|(s, v)| s.contains('{') && v.parse::<f64>().is_ok())
        })
}

/// The series of a metrics text without the figures that move on their own (time, disk).
fn series(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| {
            ![
                "mdspool_metrics_timestamp",
                "mdspool_disk_",
                "mdspool_oldest",
                "mdspool_daemon_",
            ]
            .iter()
            .any(|p| l.starts_with(p))
        })
        .map(str::to_string)
        .collect()
}

fn stats(r: &Root) -> String {
    let o = r.mdspool(&["stats"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn the_daemon_keeps_its_heartbeat_and_an_atomic_metrics_file_and_stats_prints_the_same() {
    let r = Root::new(CONFIG);
    let d = r.start(&[], &[]);
    assert!(d.wait_log("daemon started", T), "{}", d.log_text());
    let inbox = r.root.join("inbox");
    let prom = r.root.join("state/metrics.prom");
    drop_pdf(&inbox, "good.pdf", &pdf("good", &[]), None);
    drop_pdf(&inbox, "bad.pdf", &pdf("", &["malformed"]), None);
    put(&inbox, "notes.pdf", b"just some text, no PDF at all");

    let text = wait_until(T, "the metrics count the three drops", || {
        let t = std::fs::read_to_string(&prom).ok()?;
        let done = sample(&t, "mdspool_jobs_succeeded_total", "") == Some(1.0)
            && sample(&t, "mdspool_jobs_failed_total", "code=\"pdf_malformed\"") == Some(1.0)
            && sample(&t, "mdspool_rejected_total", "code=\"not_a_pdf\"") == Some(1.0);
        done.then_some(t)
    });
    assert!(well_formed(&text), "{text}");
    for (name, labels, want) in [
        ("mdspool_daemon_up", "", 1.0),
        ("mdspool_daemon_healthy", "", 1.0),
        ("mdspool_ingested_total", "", 2.0),
        ("mdspool_pages_converted_total", "", 1.0),
        (
            "mdspool_attempts_failed_total",
            "code=\"pdf_malformed\"",
            1.0,
        ),
        ("mdspool_jobs", "status=\"succeeded\"", 1.0),
        ("mdspool_jobs", "status=\"failed\"", 1.0),
        ("mdspool_jobs", "status=\"queued\"", 0.0),
        ("mdspool_queue_depth", "", 0.0),
        ("mdspool_oldest_queued_age_seconds", "", 0.0),
        ("mdspool_conversion_seconds_count", "", 2.0),
        ("mdspool_conversion_seconds_bucket", "le=\"+Inf\"", 2.0),
    ] {
        assert_eq!(
            sample(&text, name, labels),
            Some(want),
            "{name}{{{labels}}}\n{text}"
        );
    }
    assert!(sample(&text, "mdspool_disk_free_bytes", "").unwrap() > 0.0);
    let root_label = format!("root=\"{}\"", r.root.display());
    assert!(text.contains(&format!("mdspool_info{{{root_label},version=\"")));

    // Atomic replacement: polled as fast as it goes, the file is always whole, and it is a new
    // file (inode) each time, never one rewritten in place. Polled until four writes were seen
    // (a loaded machine slows the daemon's writes; the deadline only bounds a broken daemon).
    let mut inodes = BTreeSet::new();
    let mut reads = 0;
    let end = Instant::now() + Duration::from_secs(30);
    while inodes.len() < 4 && Instant::now() < end {
        let f = std::fs::File::open(&prom).unwrap();
        inodes.insert(f.metadata().unwrap().ino());
        let t = std::io::read_to_string(f).unwrap();
        assert!(well_formed(&t), "a partial metrics file was seen:\n{t}");
        reads += 1;
    }
    assert!(
        inodes.len() >= 4,
        "{} inodes in {reads} reads",
        inodes.len()
    );

    // The heartbeat.
    let daemon_json = r.root.join("state/daemon.json");
    let hb = read_json(&daemon_json).unwrap();
    assert_eq!(hb["pid"], d.pid());
    assert_eq!(hb["state"], "serving");
    assert_eq!(hb["healthy"], true);
    assert_eq!(hb["queue_depth"], 0);
    assert_eq!(hb["running"], 0);
    assert_eq!(hb["workers"], 1);
    assert_eq!(hb["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(hb["metrics_file"], prom.display().to_string());
    assert!(!hb["host"].as_str().unwrap().is_empty());
    let later = wait_until(T, "a newer beat", || {
        read_json(&daemon_json).filter(|v| v["last_beat"] != hb["last_beat"])
    });
    assert_eq!(later["started_at"], hb["started_at"]);

    // `mdspool stats` beside the daemon: the same series.
    let printed = stats(&r);
    assert!(well_formed(&printed), "{printed}");
    let file = std::fs::read_to_string(&prom).unwrap();
    assert_eq!(series(&printed), series(&file));
    assert_eq!(sample(&printed, "mdspool_daemon_up", ""), Some(1.0));
    let o = r.mdspool(&["stats", "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["daemon_up"], true);
    assert_eq!(v["daemon"]["pid"], d.pid());
    assert_eq!(v["jobs"]["succeeded"], 1);
    assert_eq!(v["counters"]["rejected"]["not_a_pdf"], 1);
    assert_eq!(v["counters"]["conversion_seconds"]["count"], 2);

    // Stopped: the file says the daemon is down, the totals are saved for the next start and
    // for `mdspool stats`.
    assert_eq!(d.stop().and_then(|s| s.code()), Some(0));
    assert_eq!(read_json(&daemon_json).unwrap()["state"], "stopped");
    let last = std::fs::read_to_string(&prom).unwrap();
    assert_eq!(sample(&last, "mdspool_daemon_up", ""), Some(0.0), "{last}");
    let printed = stats(&r);
    assert_eq!(sample(&printed, "mdspool_daemon_up", ""), Some(0.0));
    assert_eq!(
        sample(&printed, "mdspool_rejected_total", "code=\"not_a_pdf\""),
        Some(1.0)
    );
    assert_eq!(
        sample(&printed, "mdspool_jobs", "status=\"succeeded\""),
        Some(1.0)
    );
    assert!(support::fs::temp_files_under(&r.root.join("state")).is_empty());

    // The totals go on from where they were after a restart.
    let d = r.start(&[], &[]);
    assert!(d.wait_log("daemon started", T), "{}", d.log_text());
    put(&inbox, "more.pdf", b"");
    wait_until(T, "the second refusal is counted", || {
        let t = std::fs::read_to_string(&prom).ok()?;
        (sample(&t, "mdspool_rejected_total", "code=\"empty_file\"") == Some(1.0)
            && sample(&t, "mdspool_daemon_up", "") == Some(1.0))
        .then_some(t)
    });
    let t = std::fs::read_to_string(&prom).unwrap();
    assert_eq!(
        sample(&t, "mdspool_rejected_total", "code=\"not_a_pdf\""),
        Some(1.0)
    );
    assert_eq!(sample(&t, "mdspool_ingested_total", ""), Some(2.0));
}

#[test]
fn metrics_go_where_metrics_file_says_and_stats_works_without_a_daemon() {
    let r = Root::new(CONFIG);
    // Before any daemon ever ran: zeros, and a queued job with its age.
    let id = r.submit_job("waiting.pdf", "k-1", &[]);
    let text = stats(&r);
    assert_eq!(sample(&text, "mdspool_daemon_up", ""), Some(0.0));
    assert_eq!(sample(&text, "mdspool_queue_depth", ""), Some(1.0));
    assert_eq!(
        sample(&text, "mdspool_jobs", "status=\"queued\""),
        Some(1.0)
    );
    assert_eq!(sample(&text, "mdspool_ingested_total", ""), Some(0.0));
    assert!(sample(&text, "mdspool_oldest_queued_age_seconds", "").is_some());
    assert!(!text.contains("mdspool_daemon_healthy"));
    assert!(r.load(id).status == mdspool::store::JobStatus::Queued);
    let missing = r.outside("no-root");
    let o = support::command()
        .args(["--root", missing.to_str().unwrap(), "stats"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(8), "{o:?}");

    // An absolute metrics.file, outside the private state/ (for node_exporter).
    let dir = r.outside("textfile");
    let file = dir.join("mdspool.prom");
    let d = r.start(&[], &[("MDSPOOL_METRICS_FILE", file.to_str().unwrap())]);
    assert!(d.wait_log("daemon started", T), "{}", d.log_text());
    let text = wait_until(T, "the metrics file", || {
        let t = std::fs::read_to_string(&file).ok()?;
        (sample(&t, "mdspool_jobs", "status=\"succeeded\"") == Some(1.0)).then_some(t)
    });
    assert!(well_formed(&text));
    assert!(!r.root.join("state/metrics.prom").exists());
    let mode = std::fs::metadata(&file).unwrap().mode() & 0o777;
    assert_eq!(mode & 0o044, 0o044, "readable by node_exporter: {mode:o}");
    assert_eq!(
        read_json(&r.root.join("state/daemon.json")).unwrap()["metrics_file"],
        file.display().to_string()
    );
    assert_eq!(d.stop().and_then(|s| s.code()), Some(0));
    let names = support::fs::names(&dir);
    assert_eq!(names, ["mdspool.prom"], "no temp file left beside it");
    assert!(Path::new(&file).exists());
}
