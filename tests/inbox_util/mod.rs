//! Shared helpers of the integration tests: a daemon child that is always killed and waited for,
//! deadline-bounded polling of the tree, drops written the way the protocol asks, and readers of
//! the store's files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_mdspool");

/// A running `mdspool run` child, killed and reaped when dropped.
pub struct Daemon {
    child: Option<Child>,
    pub root: PathBuf,
    pub log: PathBuf,
}

impl Daemon {
    /// Starts `mdspool run --root ROOT ARGS...` with `env` (on top of a cleaned environment).
    pub fn start(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Daemon {
        Daemon::start_in(None, root, args, env)
    }

    /// Like [`Daemon::start`], run from `cwd` (so that a relative `root` is relative to it).
    pub fn start_in(
        cwd: Option<&Path>,
        root: &Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Daemon {
        let abs = cwd
            .map(|c| c.join(root))
            .unwrap_or_else(|| root.to_path_buf());
        std::fs::create_dir_all(&abs).unwrap();
        static STARTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let log = abs
            .parent()
            .unwrap()
            .join(format!("daemon-{}-{n}.log", std::process::id()));
        let mut cmd = Command::new(BIN);
        if let Some(c) = cwd {
            cmd.current_dir(c);
        }
        cmd.arg("run").arg("--root").arg(root).args(args);
        for (k, _) in std::env::vars() {
            if k.starts_with("MDSPOOL_")
                || k == "CONVERTER_STORAGE_ROOT"
                || k == "SIR_CONVERT_A_LOT_DATA_DIR"
            {
                cmd.env_remove(k);
            }
        }
        cmd.env("MDSPOOL_WORKERS_COUNT", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let file = std::fs::File::create(&log).unwrap();
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(file));
        let child = cmd.spawn().expect("start mdspool run");
        Daemon {
            child: Some(child),
            root: abs,
            log,
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Is the child still running?
    pub fn alive(&mut self) -> bool {
        matches!(self.child.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
    }

    /// Waits for the child to exit on its own (a crash point) and returns its status.
    pub fn wait_exit(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let c = self.child.as_mut().unwrap();
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(s) = c.try_wait().unwrap() {
                self.child = None;
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "daemon did not exit\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM, then wait (SIGKILL after 10 s).
    pub fn stop(mut self) {
        self.terminate();
    }

    fn terminate(&mut self) {
        let Some(mut c) = self.child.take() else {
            return;
        };
        unsafe {
            libc::kill(c.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = c.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = c.kill();
        let _ = c.wait();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Polls `f` until it returns `Some`, or panics with `what` after `timeout`.
pub fn wait_for<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// A tiny valid PDF whose bytes differ per `tag`.
pub fn tiny_pdf(tag: &str) -> Vec<u8> {
    let content = format!("BT /F1 12 Tf 72 720 Td ({tag}) Tj ET");
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objs.len() + 1
    ));
    for off in offsets {
        out.push_str(&format!("{off:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objs.len() + 1
    ));
    out.into_bytes()
}

/// Writes `dir/name` the way the protocol asks: under a temp name, then renamed.
pub fn put(dir: &Path, name: &str, bytes: &[u8]) {
    let tmp = dir.join(format!(".{name}.part"));
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, dir.join(name)).unwrap();
}

/// Drops `name` into `inbox`, then its sidecar (when given) last.
pub fn drop_pdf(inbox: &Path, name: &str, bytes: &[u8], sidecar: Option<&str>) {
    put(inbox, name, bytes);
    if let Some(s) = sidecar {
        put(inbox, &format!("{name}.idem"), s.as_bytes());
    }
}

pub fn read_json(p: &Path) -> Option<serde_json::Value> {
    serde_json::from_slice(&std::fs::read(p).ok()?).ok()
}

/// Every manifest under `jobs/`.
pub fn manifests(root: &Path) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root.join("jobs"))
        .into_iter()
        .flatten()
        .flatten()
    {
        if let Some(m) = read_json(&e.path().join("manifest.json")) {
            out.push(m);
        }
    }
    out
}

/// The manifest of the job whose key is `key` (in any scope).
pub fn job_with_key(root: &Path, key: &str) -> Option<serde_json::Value> {
    manifests(root)
        .into_iter()
        .find(|m| m["idempotency"]["key"] == key)
}

/// Names in `dir` (empty when missing), sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The note `rejected/NAME.error.json` of a refused drop named `name`.
pub fn rejection(root: &Path, name: &str) -> Option<serde_json::Value> {
    read_json(&root.join("rejected").join(format!("{name}.error.json")))
}

/// Waits until `rejected/NAME` and its note are both there (the note is written first, then the
/// drop is moved beside it) and returns the note.
pub fn wait_rejected(root: &Path, name: &str, timeout: Duration) -> serde_json::Value {
    wait_for(&format!("rejection of {name}"), timeout, || {
        let moved = root.join("rejected").join(name).symlink_metadata().is_ok();
        rejection(root, name).filter(|_| moved)
    })
}

/// Every regular file under `dir`, recursively, not following symlinks.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                stack.push(e.path());
            } else if ft.is_file() {
                out.push(e.path());
            }
        }
    }
    out
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
