//! A temp dir holding a storage root (`<tmp>/root`, with its `mdspool.toml`) and room for files
//! outside it; the `mdspool` binary run against it (commands and daemons), its jobs read back as
//! JSON, and its store opened by the test process itself.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use mdspool::clock::SystemClock;
use mdspool::config::RetentionConfig;
use mdspool::ids::{IdemKey, JobId};
use mdspool::layout::Layout;
use mdspool::store::{Admission, JobStatus, Manifest, Store};
use serde_json::Value;

use super::Daemon;

pub struct Root {
    pub dir: tempfile::TempDir,
    /// The storage root, `<dir>/root`.
    pub root: PathBuf,
    pub layout: Layout,
    /// Whether commands and daemons run the test converter (`MDSPOOL_TEST_CONVERTER=1`).
    fake_converter: bool,
}

impl Root {
    /// A root whose configuration is `toml`; the test converter is selected for every command
    /// and daemon (an env of `MDSPOOL_TEST_CONVERTER=""` turns it off again).
    pub fn new(toml: &str) -> Root {
        let dir = tempfile::tempdir().expect("tempdir");
        let layout = Layout::new(dir.path().join("root"));
        std::fs::create_dir_all(layout.root()).unwrap();
        std::fs::write(layout.config_file(), toml).unwrap();
        Root {
            root: layout.root().to_path_buf(),
            dir,
            layout,
            fake_converter: true,
        }
    }

    /// Like [`Root::new`], with the configured converter (the built-in engine by default).
    pub fn with_engine(toml: &str) -> Root {
        Root {
            fake_converter: false,
            ..Root::new(toml)
        }
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// A path in the temp dir, outside the root.
    pub fn outside(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `mdspool --root ROOT` (after the environment clean-up).
    pub fn cmd(&self) -> Command {
        let mut c = super::command();
        c.arg("--root").arg(&self.root);
        if self.fake_converter {
            c.env("MDSPOOL_TEST_CONVERTER", "1");
        }
        c
    }

    /// `mdspool --root ROOT args...`; waits for it.
    pub fn mdspool(&self, args: &[&str]) -> Output {
        self.run(args, &[])
    }

    /// `mdspool --root ROOT args...` with `env` added; waits for it.
    pub fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut c = self.cmd();
        c.args(args).envs(env.iter().copied());
        c.output().expect("run mdspool")
    }

    /// Exit code of `mdspool --root ROOT args...` (`None`: killed by a signal).
    pub fn code(&self, args: &[&str]) -> Option<i32> {
        self.mdspool(args).status.code()
    }

    /// Writes [`super::pdf`]`("", directives)` outside the root as `name` and submits it with
    /// `key`; returns the job id.
    pub fn submit(&self, name: &str, directives: &[&str], key: &str) -> String {
        let src = self.outside(name);
        std::fs::write(&src, super::pdf("", directives)).unwrap();
        let out = self.mdspool(&["submit", src.to_str().unwrap(), "--key", key]);
        assert!(out.status.success(), "submit: {out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// Writes a PDF whose text is `name` outside the root and submits it with `key` and `extra`
    /// arguments, straight into the store (`--direct`: a daemon of [`Root::daemon`] leaves the job
    /// queued for the test to drive); returns the job id.
    pub fn submit_job(&self, name: &str, key: &str, extra: &[&str]) -> JobId {
        let pdf = self.outside(name);
        std::fs::write(&pdf, super::pdf(name, &[])).unwrap();
        let mut args = vec!["submit", pdf.to_str().unwrap(), "--key", key, "--direct"];
        args.extend_from_slice(extra);
        let out = self.mdspool(&args);
        assert!(out.status.success(), "submit failed: {out:?}");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("job id")
    }

    pub fn job_dir(&self, id: &str) -> PathBuf {
        self.root.join("jobs").join(id)
    }

    /// The manifest of job `id`, as JSON.
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
        super::fs::names(&self.root.join("jobs"))
    }

    /// Every temp file (`.~NAME.XXXX.tmp`) anywhere under the root.
    pub fn temp_debris(&self) -> Vec<PathBuf> {
        super::fs::temp_files_under(&self.root)
    }

    /// Starts `mdspool run` with `args` and `env`.
    pub fn start(&self, args: &[&str], env: &[(&str, &str)]) -> Daemon {
        let mut c = self.cmd();
        c.arg("run").args(args).envs(env.iter().copied());
        Daemon::spawn(c, &self.root, self.dir.path())
    }

    /// Starts `mdspool run` whose workers do not pick up submitted jobs by themselves (tests that
    /// finish jobs through the library).
    pub fn daemon(&self, env: &[(&str, &str)]) -> Daemon {
        let mut all = vec![("MDSPOOL_WORKERS_RESCAN", "24h")];
        all.extend_from_slice(env);
        self.start(&[], &all)
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

    /// The manifest of job `id`, through the library.
    pub fn load(&self, id: JobId) -> Manifest {
        self.store().load(id).expect("manifest")
    }
}

/// Admits `bytes` as a drop named `name` with `key` (scope `default`) through the library, as the
/// inbox would after claiming it.
pub fn admit(store: &Store, name: &str, key: &str, bytes: &[u8], pinned: bool) -> Admission {
    let id = JobId::new();
    let entry = store.layout().staging_entry(id);
    std::fs::create_dir_all(&entry).unwrap();
    let pdf = entry.join(name);
    std::fs::write(&pdf, bytes).unwrap();
    let drop = mdspool::store::StagedDrop {
        id,
        pdf,
        name: name.to_string(),
        key: Some(IdemKey::new("default", key).unwrap()),
        pinned,
        client: None,
    };
    store.admit(&drop).expect("admit")
}
