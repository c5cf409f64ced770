//! The SIGSYS handler of the conversion child: a system call outside the seccomp allow-list lands
//! here. It writes `sandbox: seccomp denied system call NAME (NR)` on stderr (which the worker copies
//! into `run.log` and reads back to name the violation) and ends the child by SIGSYS. Everything in
//! it is async-signal-safe: no allocation, only system calls the filter allows.

use super::syscalls::syscall_name;
use super::{SECCOMP_DENIED, SIGSYS_EXIT};

pub(super) fn on_sigsys() -> Result<(), String> {
    // SAFETY: installs an async-signal-safe handler (it only formats on the stack and makes
    // system calls the filter allows).
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = sigsys as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut sa.sa_mask);
        if libc::sigaction(libc::SIGSYS, &sa, std::ptr::null_mut()) != 0 {
            return Err(format!(
                "SIGSYS handler: {}",
                std::io::Error::last_os_error()
            ));
        }
    }
    Ok(())
}

/// Appends `s` to `buf` at `*at`, as far as it fits.
fn put(buf: &mut [u8], at: &mut usize, s: &[u8]) {
    for b in s {
        if let Some(slot) = buf.get_mut(*at) {
            *slot = *b;
            *at += 1;
        }
    }
}

fn put_num(buf: &mut [u8], at: &mut usize, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    put(buf, at, &digits[i..]);
}

/// The message of the SIGSYS handler for system call `nr`.
fn message(buf: &mut [u8], nr: i64) -> usize {
    let mut at = 0;
    put(buf, &mut at, SECCOMP_DENIED.as_bytes());
    put(buf, &mut at, b" system call ");
    match syscall_name(nr) {
        Some(name) => {
            put(buf, &mut at, name.as_bytes());
            put(buf, &mut at, b" (");
            put_num(buf, &mut at, nr as u64);
            put(buf, &mut at, b")");
        }
        None => put_num(buf, &mut at, nr as u64),
    }
    put(buf, &mut at, b"; the conversion child is stopped\n");
    at
}

extern "C" fn sigsys(_sig: libc::c_int, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    // SAFETY: `info` is the kernel's siginfo for SIGSYS: `_sigsys._syscall` (an int) follows
    // si_signo, si_errno, si_code, padding and `_call_addr`, at byte 24 on 64-bit Linux. Only
    // system calls the filter allows follow: write to stderr, then SIGSYS with its default action
    // (terminate; no core: RLIMIT_CORE is 0), raised on this thread and unblocked.
    unsafe {
        let nr = if info.is_null() {
            -1
        } else {
            i64::from(*((info as *const u8).add(24) as *const i32))
        };
        let mut buf = [0u8; 160];
        let n = message(&mut buf, nr);
        libc::write(2, buf.as_ptr().cast(), n);
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(libc::SIGSYS, &sa, std::ptr::null_mut());
        libc::syscall(
            libc::SYS_tgkill,
            libc::getpid(),
            libc::syscall(libc::SYS_gettid),
            libc::SIGSYS,
        );
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGSYS);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::_exit(SIGSYS_EXIT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_call() {
        assert_eq!(syscall_name(libc::SYS_socket), Some("socket"));
        assert_eq!(syscall_name(libc::SYS_execve), Some("execve"));
        let mut buf = [0u8; 160];
        let n = message(&mut buf, libc::SYS_connect);
        let text = std::str::from_utf8(&buf[..n]).unwrap();
        assert!(
            text.starts_with("sandbox: seccomp denied system call connect ("),
            "{text}"
        );
        let n = message(&mut buf, 99_999);
        assert!(
            std::str::from_utf8(&buf[..n])
                .unwrap()
                .contains("call 99999;")
        );
    }
}
