//! Shared helpers of the integration tests: a temp storage root, the real `mdspool` binary run
//! against it (commands and daemons), manifests read back, and process checks through /proc.
//! Daemons are killed (by the pid the test started) when their handle is dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_mdspool");

/// A temp storage root with a `mdspool.toml`.
pub struct Root {
    pub dir: tempfile::TempDir,
    pub root: PathBuf,
    daemons: std::cell::Cell<u32>,
}

/// A minimal PDF-looking file whose test-converter behaviour is given by `directives`
/// (see `src/worker/testconv.rs`).
pub fn pdf(directives: &[&str]) -> Vec<u8> {
    let mut b = b"%PDF-1.4\n".to_vec();
    for d in directives {
        b.extend_from_slice(format!("%mdspool-test: {d}\n").as_bytes());
    }
    b.extend_from_slice(b"%%EOF\n");
    b
}

impl Root {
    /// A root whose configuration is `toml` (the test converter is selected for every daemon).
    pub fn new(toml: &str) -> Root {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("mdspool.toml"), toml).unwrap();
        Root {
            dir,
            root,
            daemons: std::cell::Cell::new(0),
        }
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--root").arg(&self.root);
        for (k, _) in std::env::vars() {
            if k.starts_with("MDSPOOL_") || k == "CONVERTER_STORAGE_ROOT" {
                c.env_remove(k);
            }
        }
        c.env("MDSPOOL_TEST_CONVERTER", "1")
            .env("RUST_BACKTRACE", "0");
        c
    }

    pub fn mdspool(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// `mdspool submit` of a test PDF named `name`, with key `key`; returns the job id.
    pub fn submit(&self, name: &str, directives: &[&str], key: &str) -> String {
        let src = self.dir.path().join(name);
        std::fs::write(&src, pdf(directives)).unwrap();
        let out = self.mdspool(&["submit", src.to_str().unwrap(), "--key", key]);
        assert!(out.status.success(), "submit: {out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    pub fn job_dir(&self, id: &str) -> PathBuf {
        self.root.join("jobs").join(id)
    }

    pub fn manifest(&self, id: &str) -> Value {
        let p = self.job_dir(id).join("manifest.json");
        serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap()
    }

    pub fn status(&self, id: &str) -> String {
        self.manifest(id)["status"].as_str().unwrap().to_string()
    }

    pub fn error_code(&self, id: &str) -> String {
        self.manifest(id)["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn attempts(&self, id: &str) -> u64 {
        self.manifest(id)["attempts"].as_u64().unwrap()
    }

    pub fn run_log(&self, id: &str) -> String {
        std::fs::read_to_string(self.job_dir(id).join("logs/run.log")).unwrap_or_default()
    }

    /// Names of the job folders.
    pub fn job_dirs(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.root.join("jobs"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// Every temp file (`.~NAME.XXXX.tmp`) anywhere under the root.
    pub fn temp_debris(&self) -> Vec<PathBuf> {
        temp_files_under(&self.root)
    }

    /// Starts `mdspool run` with `args`; its stderr goes to a log file beside the root.
    pub fn start(&self, args: &[&str], env: &[(&str, &str)]) -> Daemon {
        let n = self.daemons.get() + 1;
        self.daemons.set(n);
        let log = self.dir.path().join(format!("daemon-{n}.log"));
        let mut c = self.cmd();
        c.arg("run").args(args).envs(env.iter().copied());
        c.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap());
        Daemon {
            child: c.spawn().unwrap(),
            log,
        }
    }
}

pub struct Daemon {
    pub child: Child,
    pub log: PathBuf,
}

impl Daemon {
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: signals the process this test started.
        unsafe {
            libc::kill(self.pid(), sig);
        }
    }

    /// Waits up to `limit` for the daemon to exit.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if let Some(s) = self.child.try_wait().unwrap() {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Pids of the conversion children this daemon runs now.
    pub fn converters(&self) -> Vec<i32> {
        children_of(self.pid())
            .into_iter()
            .filter(|p| cmdline(*p).contains("__convert-child"))
            .collect()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.kill9();
        }
    }
}

/// Polls `f` every 20ms until it holds; panics after `limit` with `what`.
pub fn wait_until(limit: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out after {limit:?} waiting for: {what}");
}

fn stat_fields(pid: i32) -> Option<Vec<String>> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    let rest = &s[s.rfind(')')? + 2..];
    Some(rest.split_whitespace().map(String::from).collect())
}

/// Live (not zombie) processes whose parent is `pid`.
pub fn children_of(pid: i32) -> Vec<i32> {
    let mut v = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if let Some(f) = stat_fields(p)
            && f[1] == pid.to_string()
            && f[0] != "Z"
        {
            v.push(p);
        }
    }
    v
}

pub fn cmdline(pid: i32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default()
}

/// Is `pid` a running (not zombie) conversion child?
pub fn converter_alive(pid: i32) -> bool {
    match stat_fields(pid) {
        Some(f) => f[0] != "Z" && cmdline(pid).contains("__convert-child"),
        None => false,
    }
}

/// Is `pid` a running (not zombie) process?
pub fn process_alive(pid: i32) -> bool {
    stat_fields(pid).is_some_and(|f| f[0] != "Z")
}

/// Kills `pid` (a process a test started, directly or through the daemon) when dropped, if it
/// still runs: a failing test leaves nothing behind.
pub struct KillOnDrop(pub i32);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if process_alive(self.0) {
            // SAFETY: signals one process by its pid.
            unsafe {
                libc::kill(self.0, libc::SIGKILL);
            }
        }
    }
}

/// Every temp file (`.~NAME.XXXX.tmp`, see `mdspool::fsx::is_temp_name`) under `dir`, recursively.
pub fn temp_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            if mdspool::fsx::is_temp_name(&e.file_name().to_string_lossy()) {
                out.push(e.path());
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(e.path());
            }
        }
    }
    out
}

/// A child process a test started, killed and reaped when dropped.
pub struct ChildGuard(pub Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
