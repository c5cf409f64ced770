//! The limits every conversion process starts with, whether it runs one attempt
//! (`__convert-child`, `supervise.rs`) or many (`__convert-server`, `pool.rs`), and the few system
//! calls that watch, measure and end it. One place, so the two kinds cannot drift apart.
//!
//! Set between fork and exec: its own process group (so a kill reaches anything it started),
//! `PR_SET_PDEATHSIG = SIGKILL` then a `getppid` check (it never outlives the daemon, even one
//! killed by SIGKILL), `RLIMIT_AS = convert.max_memory`, and for a one-attempt child `RLIMIT_CPU` =
//! the timeout plus one second (a backstop to the wall-clock timeout; a persistent process gets
//! its CPU limit before each job instead, see `pool.rs`). With `convert.sandbox = "strict"` its
//! environment is empty but for what it needs (and `RUST_LOG`, `RUST_BACKTRACE`): no secret of
//! the daemon's environment reaches a parser that hostile input may own.

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::config::{ConvertConfig, Sandbox};
use crate::worker::classify::Ended;
use crate::worker::supervise::ChildSpec;

/// The command of a conversion process of `spec` under `convert`'s limits, stdout and stderr
/// piped, stdin null (the caller adds its arguments). `cpu`: set `RLIMIT_CPU` to the timeout plus
/// one second (one attempt per process).
pub(crate) fn command(spec: &ChildSpec, convert: &ConvertConfig, cpu: bool) -> Command {
    let mut cmd = Command::new(&spec.exe);
    // The PDF parser reads its decompression cap from its environment: set it from the start.
    let cap_mb = (convert.max_stream.0 / (1024 * 1024)).max(1);
    if convert.sandbox() == Sandbox::Strict {
        cmd.env_clear();
        // PATH: where OCR finds `pdftoppm` and `tesseract` (the child runs them only with OCR on).
        let keep = ["RUST_LOG", "RUST_BACKTRACE", "PATH"];
        #[cfg(feature = "test-hooks")]
        let keep = [
            keep[0],
            keep[1],
            keep[2],
            crate::worker::testconv::ENV,
            crate::worker::sandbox::WITHOUT_ENV,
        ];
        for k in keep {
            if let Some(v) = std::env::var_os(k) {
                cmd.env(k, v);
            }
        }
    }
    // systemd's notification socket is the daemon's alone.
    cmd.env_remove("NOTIFY_SOCKET")
        .env_remove("WATCHDOG_USEC")
        .env_remove("WATCHDOG_PID");
    cmd.env("MDSPOOL_CONFIG", "/dev/null")
        .env("PDF_OXIDE_MAX_DECOMPRESS_MB", cap_mb.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    // It dies with the daemon (PR_SET_PDEATHSIG, checked against the daemon's pid).
    crate::convert::tie_to_parent(&mut cmd);
    let mem = convert.max_memory.0 as libc::rlim_t;
    let cpu = cpu.then_some((convert.timeout.0.as_secs() + 1) as libc::rlim_t);
    // SAFETY: only async-signal-safe system calls run between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let rl = libc::rlimit {
                rlim_cur: mem,
                rlim_max: mem,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &rl) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if let Some(cpu) = cpu {
                let rl = libc::rlimit {
                    rlim_cur: cpu,
                    rlim_max: cpu + 2,
                };
                if libc::setrlimit(libc::RLIMIT_CPU, &rl) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    cmd
}

/// Has the child exited? Does not reap it, so its pid (= process group id) stays reserved until
/// the group is killed.
pub(crate) fn exited(pid: libc::pid_t) -> bool {
    // SAFETY: waitid writes only into the zeroed siginfo it is given.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let rc = libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        );
        if rc != 0 {
            // EINTR: look again; ECHILD: it is gone already (reaped elsewhere).
            return std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR);
        }
        info.si_pid() != 0
    }
}

/// A pidfd of the child (Linux 5.3 and later): readable once it has exited. `None` where the
/// kernel has none; the watcher then sleeps between looks.
pub(crate) fn pidfd_open(pid: libc::pid_t) -> Option<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    // SAFETY: a descriptor just returned by the kernel, owned by nobody else.
    (fd >= 0).then(|| unsafe { std::os::fd::OwnedFd::from_raw_fd(fd as i32) })
}

/// Waits until `fd` (a pidfd) is readable, at most `d`.
pub(crate) fn wait_readable(fd: &std::os::fd::OwnedFd, d: Duration) {
    use std::os::fd::AsRawFd;
    let mut p = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let ts = libc::timespec {
        tv_sec: d.as_secs() as libc::time_t,
        tv_nsec: d.subsec_nanos() as libc::c_long,
    };
    // SAFETY: one valid pollfd and a valid timespec; no signal mask change.
    unsafe {
        libc::ppoll(&mut p, 1, &ts, std::ptr::null());
    }
}

/// SIGKILL to the child's whole process group.
pub(crate) fn kill_group(pid: libc::pid_t) {
    // SAFETY: signals the child's own process group (its pgid is its pid).
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
}

/// Reaps the child; returns how it ended.
pub(crate) fn reap(pid: libc::pid_t) -> Ended {
    let mut status = 0;
    loop {
        // SAFETY: plain waitpid on our own child.
        let rc = unsafe { libc::waitpid(pid, &mut status, 0) };
        if rc == pid {
            break;
        }
        if rc < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return Ended::Exited(-1);
        }
    }
    if libc::WIFSIGNALED(status) {
        Ended::Signaled(libc::WTERMSIG(status))
    } else {
        Ended::Exited(libc::WEXITSTATUS(status))
    }
}

/// Resident memory of `pid`, in bytes (0 if unknown).
pub(crate) fn rss(pid: libc::pid_t) -> u64 {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    // SAFETY: sysconf only reads a system constant.
    pages * unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(0) as u64
}

/// Sets `pid`'s CPU-time soft limit to what it used so far plus `timeout` plus one second (the
/// one-attempt child's limit, counted from this job's start).
pub(crate) fn limit_cpu(pid: libc::pid_t, timeout: Duration) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, s)| s).unwrap_or("");
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // SAFETY: sysconf only reads a system constant.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    let used = (f.get(11).unwrap_or(&0) + f.get(12).unwrap_or(&0)).div_ceil(hz);
    let mut old = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: prlimit on our own child, reading into and from valid rlimit structs.
    unsafe {
        if libc::prlimit(pid, libc::RLIMIT_CPU, std::ptr::null(), &mut old) != 0 {
            return;
        }
        let cur = (used + timeout.as_secs() + 1).min(old.rlim_max);
        let new = libc::rlimit {
            rlim_cur: cur,
            rlim_max: old.rlim_max,
        };
        libc::prlimit(pid, libc::RLIMIT_CPU, &new, std::ptr::null_mut());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Resident memory is read from /proc as it is: this process holds at least what it touched.
    #[test]
    fn rss_of_a_live_process_and_of_none() {
        let me = std::process::id() as libc::pid_t;
        let v: Vec<u8> = vec![1; 8 << 20];
        assert!(rss(me) >= 8 << 20, "{}", rss(me));
        drop(v);
        assert_eq!(rss(-1), 0);
    }
}
