//! `mdspool run` as a child of the test: its stderr goes to a log file beside the root, and it is
//! killed and reaped when dropped, so a failing test leaves nothing running.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub struct Daemon {
    child: Option<Child>,
    /// The storage root (absolute).
    pub root: PathBuf,
    /// Its stderr.
    pub log: PathBuf,
}

impl Daemon {
    /// Spawns `cmd` (an `mdspool ... run` command) for `root`; stderr goes to a fresh log file
    /// in `log_dir`.
    pub fn spawn(cmd: Command, root: &Path, log_dir: &Path) -> Daemon {
        static STARTS: AtomicUsize = AtomicUsize::new(0);
        let n = STARTS.fetch_add(1, Ordering::SeqCst);
        std::fs::create_dir_all(log_dir).unwrap();
        let log = log_dir.join(format!("daemon-{}-{n}.log", std::process::id()));
        let file = std::fs::File::create(&log).unwrap();
        Daemon::spawn_logging_to(cmd, root, file, log)
    }

    /// Like [`Daemon::spawn`], with stderr going to `stderr` (`log` names it, for the messages).
    pub fn spawn_logging_to(
        mut cmd: Command,
        root: &Path,
        stderr: std::fs::File,
        log: PathBuf,
    ) -> Daemon {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr);
        Daemon {
            child: Some(cmd.spawn().expect("start mdspool run")),
            root: root.to_path_buf(),
            log,
        }
    }

    /// `mdspool run --root ROOT ARGS...` with one worker and `env` (after the clean-up).
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
        let abs = cwd.map_or_else(|| root.to_path_buf(), |c| c.join(root));
        std::fs::create_dir_all(&abs).unwrap();
        let mut cmd = super::command();
        if let Some(c) = cwd {
            cmd.current_dir(c);
        }
        cmd.arg("run").arg("--root").arg(root).args(args);
        cmd.env("MDSPOOL_WORKERS_COUNT", "1");
        cmd.envs(env.iter().copied());
        // The log goes beside the root.
        Daemon::spawn(cmd, &abs, abs.parent().unwrap_or(&abs))
    }

    pub fn pid(&self) -> i32 {
        self.child.as_ref().map_or(0, |c| c.id() as i32)
    }

    /// Sends `sig` to the daemon (if it was not reaped yet).
    pub fn signal(&self, sig: i32) {
        if self.child.is_some() {
            // SAFETY: signals the process this test started and has not reaped.
            unsafe {
                libc::kill(self.pid(), sig);
            }
        }
    }

    /// Is it still running?
    pub fn alive(&mut self) -> bool {
        matches!(self.child.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
    }

    /// Waits up to `limit` for it to exit on its own (a crash point, a signal sent before);
    /// `None` if it still runs. Once it exited, returns the same status again.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let c = self.child.as_mut()?;
        super::poll(limit, || c.try_wait().unwrap())
    }

    /// SIGTERM (a drain), then waits up to 10 s for the exit, then SIGKILL.
    pub fn stop(mut self) -> Option<ExitStatus> {
        self.signal(libc::SIGTERM);
        let st = self.wait_exit(Duration::from_secs(10));
        self.kill();
        st
    }

    /// SIGKILL and reap.
    pub fn kill(&mut self) {
        if let Some(c) = self.child.as_mut() {
            if let Ok(None) = c.try_wait() {
                let _ = c.kill();
            }
            let _ = c.wait();
        }
    }

    /// Its stderr so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits up to `limit` until its log contains `text`; whether it did.
    pub fn wait_log(&self, text: &str, limit: Duration) -> bool {
        super::poll(limit, || self.log_text().contains(text)).is_some()
    }

    /// Pids of its conversion processes now: one-attempt children and persistent converters
    /// (which stay, idle, between jobs).
    pub fn converters(&self) -> Vec<i32> {
        super::proc::children_of(self.pid())
            .into_iter()
            .filter(|p| super::proc::is_converter(&super::proc::cmdline(*p)))
            .collect()
    }

    /// Pids of its one-attempt conversion children now.
    pub fn one_attempt_children(&self) -> Vec<i32> {
        super::proc::children_of(self.pid())
            .into_iter()
            .filter(|p| super::proc::cmdline(*p).contains("__convert-child"))
            .collect()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.kill();
    }
}
