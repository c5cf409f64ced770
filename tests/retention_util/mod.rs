//! Shared helpers of the integration tests: a temp storage root, running the real `mdspool` binary
//! (one-shot commands and the daemon, killed when dropped), small PDFs, and driving jobs to a final
//! state through the library while there is no worker pool to do it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mdspool::clock::SystemClock;
use mdspool::config::RetentionConfig;
use mdspool::ids::JobId;
use mdspool::layout::Layout;
use mdspool::store::{JobStatus, Manifest, Store};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_mdspool")
}

/// A temp dir holding a storage root (`<tmp>/root`) and room for files outside it.
pub struct Root {
    pub tmp: tempfile::TempDir,
    pub layout: Layout,
}

impl Root {
    /// A new root whose `mdspool.toml` is `config`.
    pub fn new(config: &str) -> Root {
        let tmp = tempfile::tempdir().expect("tempdir");
        let layout = Layout::new(tmp.path().join("root"));
        std::fs::create_dir_all(layout.root()).unwrap();
        std::fs::write(layout.config_file(), config).unwrap();
        Root { tmp, layout }
    }

    pub fn path(&self) -> &Path {
        self.layout.root()
    }

    /// A path in the temp dir, outside the root.
    pub fn outside(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// `mdspool --root ROOT args...` with `env` added; waits for it.
    pub fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut c = Command::new(bin());
        c.arg("--root").arg(self.path()).args(args);
        c.env_remove("MDSPOOL_FAILPOINT");
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().expect("run mdspool")
    }

    /// Exit code of `mdspool --root ROOT args...` (`None`: killed by a signal).
    pub fn code(&self, args: &[&str]) -> Option<i32> {
        self.run(args, &[]).status.code()
    }

    /// Writes a small PDF outside the root and submits it with `key`; returns the job id.
    pub fn submit(&self, name: &str, key: &str, extra: &[&str]) -> JobId {
        let pdf = self.outside(name);
        std::fs::write(&pdf, pdf_bytes(name)).unwrap();
        let mut args = vec!["submit", pdf.to_str().unwrap(), "--key", key];
        args.extend_from_slice(extra);
        let out = self.run(&args, &[]);
        assert!(out.status.success(), "submit failed: {out:?}");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("job id")
    }

    /// The store, opened by this (test) process.
    pub fn store(&self) -> Store {
        Store::open(
            self.layout.clone(),
            Arc::new(SystemClock),
            RetentionConfig::default(),
        )
        .expect("open store")
    }

    /// Drives job `id` to `to` (running, then `to`) through the library, as a worker would.
    pub fn finish(&self, id: JobId, to: JobStatus) -> Manifest {
        let s = self.store();
        s.transition(id, JobStatus::Running, |_| {}).unwrap();
        if to == JobStatus::Succeeded {
            std::fs::write(self.layout.output_md(id), "# done\n").unwrap();
        }
        s.transition(id, to, |_| {}).unwrap()
    }

    pub fn manifest(&self, id: JobId) -> Manifest {
        self.store().load(id).expect("manifest")
    }

    /// Starts `mdspool run` on this root (stderr goes to `<tmp>/daemon-N.log`).
    pub fn daemon(&self, env: &[(&str, &str)]) -> Daemon {
        let n = std::fs::read_dir(self.tmp.path()).map_or(0, |d| d.count());
        let log = self.outside(&format!("daemon-{n}.log"));
        let mut c = Command::new(bin());
        c.arg("--root").arg(self.path()).arg("run");
        c.env_remove("MDSPOOL_FAILPOINT");
        // These tests finish jobs themselves: the workers must not pick up submitted jobs.
        c.env("MDSPOOL_WORKERS_RESCAN", "24h");
        for (k, v) in env {
            c.env(k, v);
        }
        c.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap());
        Daemon {
            child: c.spawn().expect("start daemon"),
            log,
        }
    }
}

/// A running daemon, killed (by its pid) and reaped when dropped.
pub struct Daemon {
    pub child: Child,
    pub log: PathBuf,
}

impl Daemon {
    /// Waits up to `timeout` for the daemon to exit on its own; its exit code (`None`: signal).
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<Option<i32>> {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            if let Some(st) = self.child.try_wait().unwrap() {
                return Some(st.code());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Waits until the daemon's log contains `text`.
    pub fn wait_log(&self, text: &str, timeout: Duration) -> bool {
        wait_until(timeout, || self.log_text().contains(text))
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tiny PDF whose bytes depend on `tag`.
pub fn pdf_bytes(tag: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n% {tag}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    .into_bytes()
}

/// Polls `f` every 100 ms until it holds or `timeout` passes; returns whether it held.
pub fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + timeout;
    loop {
        if f() {
            return true;
        }
        if Instant::now() >= end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Admits `bytes` as a drop named `name` with `key` (scope `default`) through the library, as the
/// inbox would after claiming it.
pub fn admit(
    store: &Store,
    name: &str,
    key: &str,
    bytes: &[u8],
    pinned: bool,
) -> mdspool::store::Admission {
    let id = JobId::new();
    let entry = store.layout().staging_entry(id);
    std::fs::create_dir_all(&entry).unwrap();
    let pdf = entry.join(name);
    std::fs::write(&pdf, bytes).unwrap();
    let drop = mdspool::store::Drop {
        id,
        pdf,
        name: name.to_string(),
        key: Some(mdspool::ids::IdemKey::new("default", key).unwrap()),
        pinned,
        client: None,
    };
    store.admit(&drop).expect("admit")
}
