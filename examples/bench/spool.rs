//! Spool against bare conversion at equal parallelism, on the same PDFs in the same run.
//!
//! - bare: `workers` threads, each starting the very conversion child the daemon starts
//!   (`mdspool __convert-child`, same settings) for the next file and waiting for it to exit;
//! - `mdspool convert FILES -o DIR --jobs N`: the batch command (limited children, polled);
//! - spool: a daemon with `--workers N` on a fresh root; every file is dropped into the inbox
//!   with a sidecar (protocol: temp name, rename), timed until every receipt says `succeeded`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Times of the phases of the spool's jobs, from their manifests (means, ms).
#[derive(Debug, Default, Clone, Copy)]
pub struct Phases {
    /// created_at - first drop (claim and admission, including the wait behind earlier drops).
    pub admit: f64,
    /// started_at - created_at (queued until a worker took it and wrote `running`).
    pub queued: f64,
    /// finished_at - started_at (child start, conversion, publish).
    pub run: f64,
}

pub fn corpus(dir: &Path, copies: usize) -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("corpus folder") {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "pdf") {
                files.push(p);
            }
        }
    }
    files.sort();
    let bytes: Vec<Vec<u8>> = files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    (0..copies).flat_map(|_| bytes.iter().cloned()).collect()
}

/// Writes the corpus as files `d-NNNN.pdf` under `dir` (for the bare runs).
pub fn write_inputs(dir: &Path, docs: &[Vec<u8>]) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    docs.iter()
        .enumerate()
        .map(|(i, b)| {
            let p = dir.join(format!("d-{i:04}.pdf"));
            std::fs::write(&p, b).unwrap();
            p
        })
        .collect()
}

/// `workers` threads, each running one bare conversion child after the other; seconds.
pub fn bare(bin: &Path, inputs: &[PathBuf], out: &Path, workers: usize) -> f64 {
    let _ = std::fs::remove_dir_all(out);
    std::fs::create_dir_all(out).unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    let inputs = Arc::new(inputs.to_vec());
    let t = Instant::now();
    let hs: Vec<_> = (0..workers)
        .map(|_| {
            let (next, inputs) = (next.clone(), inputs.clone());
            let (bin, out) = (bin.to_path_buf(), out.to_path_buf());
            std::thread::spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(p) = inputs.get(i) else { break };
                    let st = Command::new(&bin)
                        .args(["__convert-child", "--input"])
                        .arg(p)
                        .arg("--output")
                        .arg(out.join(format!("{i}.md")))
                        .env("MDSPOOL_CONFIG", "/dev/null")
                        .stdin(Stdio::null())
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .unwrap();
                    assert!(st.success(), "bare conversion of {} failed", p.display());
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    t.elapsed().as_secs_f64()
}

/// `mdspool convert FILES -o OUT --jobs N --quiet`; seconds.
pub fn convert_cmd(bin: &Path, inputs: &[PathBuf], out: &Path, workers: usize) -> f64 {
    let _ = std::fs::remove_dir_all(out);
    let t = Instant::now();
    let st = Command::new(bin)
        .arg("convert")
        .args(inputs)
        .arg("-o")
        .arg(out)
        .args(["--jobs", &workers.to_string(), "--quiet"])
        .env("MDSPOOL_CONFIG", "/dev/null")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success(), "mdspool convert failed");
    t.elapsed().as_secs_f64()
}

pub fn put(dir: &Path, name: &str, bytes: &[u8]) {
    let tmp = dir.join(format!(".{name}.part"));
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, dir.join(name)).unwrap();
}

pub fn status_of(receipt: &Path) -> Option<String> {
    let b = std::fs::read(receipt).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&b).ok()?;
    Some(v["status"].as_str()?.to_string())
}

fn ms(v: &serde_json::Value, a: &str, b: &str) -> f64 {
    let t = |k: &str| {
        chrono::DateTime::parse_from_rfc3339(v[k].as_str().unwrap())
            .unwrap()
            .timestamp_micros() as f64
            / 1000.0
    };
    t(b) - t(a)
}

/// Starts a daemon with `workers` workers on a fresh `root`, once its start-up scans are over.
pub fn start(bin: &Path, root: &Path, workers: usize) -> Child {
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root).unwrap();
    let pid_file = root.join("daemon.pid");
    let mut d = Command::new(bin)
        .arg("--root")
        .arg(root)
        .args(["run", "--workers", &workers.to_string(), "--pid-file"])
        .arg(&pid_file)
        .env("MDSPOOL_CONFIG", "/dev/null")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while !pid_file.exists() {
        assert!(d.try_wait().unwrap().is_none(), "daemon exited");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(300)); // start-up scans over
    d
}

/// Stops a daemon of [`start`] (SIGTERM) and checks that it exited cleanly.
pub fn stop(mut d: Child) {
    // SAFETY: signals the daemon this program started.
    unsafe {
        libc::kill(d.id() as i32, libc::SIGTERM);
    }
    assert!(d.wait().unwrap().success());
}

/// A daemon with `workers` workers on a fresh `root`: drops every document, waits for every
/// receipt to say `succeeded`; (seconds, phases).
pub fn spool(bin: &Path, root: &Path, docs: &[Vec<u8>], workers: usize) -> (f64, Phases) {
    let d = start(bin, root, workers);
    let inbox = root.join("inbox");
    let started = chrono::Utc::now();
    let t = Instant::now();
    for (i, b) in docs.iter().enumerate() {
        let name = format!("d-{i:04}.pdf");
        put(&inbox, &name, b);
        let sidecar = format!("{{\"key\": \"k{i}\", \"scope\": \"bench\"}}");
        put(&inbox, &format!("{name}.idem"), sidecar.as_bytes());
    }
    let receipts = root.join("receipts").join("bench");
    for i in 0..docs.len() {
        let r = receipts.join(format!("k{i}.json"));
        loop {
            match status_of(&r).as_deref() {
                Some("succeeded") => break,
                Some("failed") | Some("rejected") => panic!("job k{i} did not succeed"),
                _ => std::thread::sleep(Duration::from_millis(2)),
            }
        }
    }
    let secs = t.elapsed().as_secs_f64();
    stop(d);
    let mut p = Phases::default();
    let start = serde_json::json!({ "t": started.to_rfc3339() });
    let jobs = std::fs::read_dir(root.join("jobs")).unwrap();
    let mut n = 0.0;
    for e in jobs {
        let m = std::fs::read(e.unwrap().path().join("manifest.json")).unwrap();
        let m: serde_json::Value = serde_json::from_slice(&m).unwrap();
        let mut both = m.clone();
        both["t"] = start["t"].clone();
        p.admit += ms(&both, "t", "created_at");
        p.queued += ms(&m, "created_at", "started_at");
        p.run += ms(&m, "started_at", "finished_at");
        n += 1.0;
    }
    p.admit /= n;
    p.queued /= n;
    p.run /= n;
    (secs, p)
}
