//! Processes, through /proc: children of a daemon, conversion children (also those whose daemon
//! died), and guards that kill what a test started when it ends.

use std::path::Path;
use std::process::Child;
use std::time::Duration;

/// The fields of `/proc/PID/stat` after the command name (state first, then the parent's pid).
fn stat_fields(pid: i32) -> Option<Vec<String>> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    let rest = &s[s.rfind(')')? + 2..];
    Some(rest.split_whitespace().map(String::from).collect())
}

/// Every pid in /proc.
fn pids() -> Vec<i32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_string_lossy().parse().ok())
        .collect()
}

/// Live (not zombie) processes whose parent is `pid`.
pub fn children_of(pid: i32) -> Vec<i32> {
    pids()
        .into_iter()
        .filter(|p| stat_fields(*p).is_some_and(|f| f[1] == pid.to_string() && f[0] != "Z"))
        .collect()
}

pub fn cmdline(pid: i32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default()
}

/// Is `pid` a running (not zombie) process?
pub fn process_alive(pid: i32) -> bool {
    stat_fields(pid).is_some_and(|f| f[0] != "Z")
}

/// Is `pid` a running (not zombie) conversion process: a one-attempt child or a worker's
/// persistent converter?
pub fn converter_alive(pid: i32) -> bool {
    process_alive(pid) && is_converter(&cmdline(pid))
}

/// Whether a command line is a conversion process's.
pub fn is_converter(cmdline: &str) -> bool {
    cmdline.contains("__convert-child") || cmdline.contains("__convert-server")
}

/// Live conversion children working on files under `root`, whoever their parent is now (a child
/// whose daemon died is re-parented).
pub fn converters_under(root: &Path) -> Vec<i32> {
    let needle = root.to_string_lossy().into_owned();
    pids()
        .into_iter()
        .filter(|p| cmdline(*p).contains(&needle) && converter_alive(*p))
        .collect()
}

/// Waits up to `limit` for every conversion child under `root` to be gone; returns the survivors
/// (and SIGKILLs them, so that a failing run leaves nothing behind).
pub fn orphans_after(root: &Path, limit: Duration) -> Vec<i32> {
    let gone = super::poll(limit, || converters_under(root).is_empty());
    if gone.is_some() {
        return Vec::new();
    }
    let left = converters_under(root);
    for p in &left {
        // SAFETY: a conversion child of a daemon this test started (found by its root).
        unsafe {
            libc::kill(*p, libc::SIGKILL);
        }
    }
    left
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

/// A child process a test started, killed and reaped when dropped.
pub struct ChildGuard(pub Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
