//! The conversion child's seccomp allow-list. It was derived from `strace -f` of the child over
//! every PDF of `../shared/corpus/{pdfjs,pdfminer,docling}` (`bench/sandbox_syscalls.sh`: after
//! the input is opened the engine makes only read, write, openat, close, statx, mmap, munmap,
//! mremap, brk, fsync, sigaltstack and exit_group), plus what the Rust runtime needs on its rarer
//! paths: threads (futex, clone with `CLONE_THREAD`; clone3 answers ENOSYS so that the C library
//! falls back to clone, whose flags a filter can see), sleeping, panics and aborts (a signal to
//! itself only), allocation failure, clocks and randomness.
//!
//! Everything else (sockets, exec, fork, ptrace, process_vm_*, mount, namespaces, ioctl, io_uring,
//! bpf, signals to other processes, executable memory, directory listing...) raises SIGSYS: the
//! handler writes `sandbox: seccomp denied system call NAME (NR)` on stderr and the child dies of
//! SIGSYS, which the worker records as `conversion_sandbox_violation`.

use std::collections::BTreeMap;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen as Len, SeccompCmpOp as Op, SeccompCondition,
    SeccompFilter, SeccompRule,
};

/// `SECCOMP_GET_ACTION_AVAIL` and `SECCOMP_RET_TRAP` (linux/seccomp.h).
const GET_ACTION_AVAIL: libc::c_uint = 2;
const RET_TRAP: u32 = 0x0003_0000;

macro_rules! names {
    ($($name:ident),* $(,)?) => {
        &[$((libc::$name, strip(stringify!($name)))),*]
    };
}

const fn strip(s: &'static str) -> &'static str {
    // "SYS_read" -> "read"
    let (_, rest) = s.as_bytes().split_at(4);
    match std::str::from_utf8(rest) {
        Ok(r) => r,
        Err(_) => s,
    }
}

/// Allowed without conditions.
const PLAIN: &[(libc::c_long, &str)] = names![
    SYS_read,
    SYS_write,
    SYS_readv,
    SYS_writev,
    SYS_pread64,
    SYS_lseek,
    SYS_close,
    SYS_fsync,
    SYS_fdatasync,
    SYS_openat,
    SYS_statx,
    SYS_newfstatat,
    SYS_fstat,
    SYS_brk,
    SYS_munmap,
    SYS_mremap,
    SYS_madvise,
    SYS_futex,
    SYS_clone3,
    SYS_set_robust_list,
    SYS_rseq,
    SYS_sched_yield,
    SYS_sched_getaffinity,
    SYS_exit,
    SYS_exit_group,
    SYS_getpid,
    SYS_gettid,
    SYS_rt_sigaction,
    SYS_rt_sigprocmask,
    SYS_rt_sigreturn,
    SYS_sigaltstack,
    SYS_restart_syscall,
    SYS_getrandom,
    SYS_clock_gettime,
    SYS_clock_getres,
    SYS_gettimeofday,
    SYS_clock_nanosleep,
    SYS_nanosleep,
];

/// Allowed when their arguments say so (see [`rules`]).
const CONDITIONAL: &[(libc::c_long, &str)] = names![
    SYS_mmap,
    SYS_mprotect,
    SYS_clone,
    SYS_kill,
    SYS_tgkill,
    SYS_prctl,
    SYS_prlimit64,
    SYS_fcntl,
];

/// Denied calls worth a name in the message (any other is given by number).
const DENIED: &[(libc::c_long, &str)] = names![
    SYS_socket,
    SYS_socketpair,
    SYS_connect,
    SYS_bind,
    SYS_listen,
    SYS_accept4,
    SYS_sendto,
    SYS_sendmsg,
    SYS_recvfrom,
    SYS_execve,
    SYS_execveat,
    SYS_ptrace,
    SYS_process_vm_readv,
    SYS_process_vm_writev,
    SYS_mount,
    SYS_umount2,
    SYS_pivot_root,
    SYS_chroot,
    SYS_unshare,
    SYS_setns,
    SYS_tkill,
    SYS_rt_sigqueueinfo,
    SYS_rt_tgsigqueueinfo,
    SYS_pidfd_open,
    SYS_pidfd_send_signal,
    SYS_pidfd_getfd,
    SYS_ioctl,
    SYS_getdents64,
    SYS_unlinkat,
    SYS_mkdirat,
    SYS_renameat2,
    SYS_linkat,
    SYS_symlinkat,
    SYS_chdir,
    SYS_fchdir,
    SYS_bpf,
    SYS_perf_event_open,
    SYS_keyctl,
    SYS_add_key,
    SYS_userfaultfd,
    SYS_io_uring_setup,
    SYS_memfd_create,
    SYS_personality,
    SYS_setuid,
    SYS_setgid,
    SYS_seccomp,
    SYS_landlock_create_ruleset,
    SYS_openat2,
    SYS_pkey_mprotect,
];

#[cfg(target_arch = "x86_64")]
const DENIED_X86: &[(libc::c_long, &str)] = names![
    SYS_fork,
    SYS_vfork,
    SYS_open,
    SYS_stat,
    SYS_lstat,
    SYS_accept,
    SYS_getdents,
    SYS_unlink,
    SYS_mkdir,
    SYS_rename,
];
#[cfg(not(target_arch = "x86_64"))]
const DENIED_X86: &[(libc::c_long, &str)] = &[];

/// The name of system call `nr` on this architecture, when it is one the sandbox knows.
pub fn syscall_name(nr: i64) -> Option<&'static str> {
    PLAIN
        .iter()
        .chain(CONDITIONAL)
        .chain(DENIED)
        .chain(DENIED_X86)
        .find(|(n, _)| *n == nr)
        .map(|(_, name)| *name)
}

/// The system calls the filter lets through (some only with the arguments it checks).
pub fn allowed_syscalls() -> Vec<&'static str> {
    PLAIN.iter().chain(CONDITIONAL).map(|(_, n)| *n).collect()
}

fn arch() -> Option<seccompiler::TargetArch> {
    std::env::consts::ARCH.try_into().ok()
}

/// Whether this kernel and architecture take seccomp filters with the SIGSYS action.
pub fn available() -> bool {
    let action = RET_TRAP;
    // SAFETY: asks the kernel whether an action is supported; reads `action` only.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            GET_ACTION_AVAIL,
            0u32,
            &action as *const u32,
        )
    };
    rc == 0 && arch().is_some()
}

fn cond(arg: u8, len: Len, op: Op, value: u64) -> Result<SeccompCondition, String> {
    SeccompCondition::new(arg, len, op, value).map_err(|e| e.to_string())
}

fn rule(conds: Vec<SeccompCondition>) -> Result<SeccompRule, String> {
    SeccompRule::new(conds).map_err(|e| e.to_string())
}

/// The allow-list: system call -> rules (an empty list allows it whatever its arguments).
fn rules() -> Result<BTreeMap<i64, Vec<SeccompRule>>, String> {
    let me = std::process::id() as u64;
    let mut m: BTreeMap<i64, Vec<SeccompRule>> = PLAIN.iter().map(|(n, _)| (*n, vec![])).collect();
    let mut add = |nr: libc::c_long, r: Vec<SeccompRule>| m.insert(nr, r);
    // Memory, never executable: no new code can be mapped after the start.
    let no_exec = || cond(2, Len::Dword, Op::MaskedEq(libc::PROT_EXEC as u64), 0);
    add(libc::SYS_mmap, vec![rule(vec![no_exec()?])?]);
    add(libc::SYS_mprotect, vec![rule(vec![no_exec()?])?]);
    // Threads only, never a new process.
    let thread = libc::CLONE_THREAD as u64;
    let clone = cond(0, Len::Qword, Op::MaskedEq(thread), thread)?;
    add(libc::SYS_clone, vec![rule(vec![clone])?]);
    // Signals to itself only (raise, abort).
    add(
        libc::SYS_kill,
        vec![rule(vec![cond(0, Len::Dword, Op::Eq, me)?])?],
    );
    add(
        libc::SYS_tgkill,
        vec![rule(vec![cond(0, Len::Dword, Op::Eq, me)?])?],
    );
    // Thread names; its own limits, read only.
    let mut prctl = Vec::new();
    for opt in [libc::PR_SET_NAME, libc::PR_GET_NAME] {
        prctl.push(rule(vec![cond(0, Len::Dword, Op::Eq, opt as u64)?])?);
    }
    add(libc::SYS_prctl, prctl);
    let own = cond(0, Len::Dword, Op::Eq, 0)?;
    let read_only = cond(2, Len::Qword, Op::Eq, 0)?;
    add(libc::SYS_prlimit64, vec![rule(vec![own, read_only])?]);
    // Descriptor flags; not F_SETOWN/F_SETSIG (signals to others) nor locks.
    let mut fcntl = Vec::new();
    for cmd in [
        libc::F_GETFD,
        libc::F_SETFD,
        libc::F_GETFL,
        libc::F_DUPFD_CLOEXEC,
    ] {
        fcntl.push(rule(vec![cond(1, Len::Dword, Op::Eq, cmd as u64)?])?);
    }
    add(libc::SYS_fcntl, fcntl);
    Ok(m)
}

fn compile(
    rules: BTreeMap<i64, Vec<SeccompRule>>,
    mismatch: SeccompAction,
    matched: SeccompAction,
) -> Result<BpfProgram, String> {
    let arch = arch().ok_or("seccomp: unsupported architecture")?;
    let filter = SeccompFilter::new(rules, mismatch, matched, arch).map_err(|e| e.to_string())?;
    filter
        .try_into()
        .map_err(|e: seccompiler::BackendError| e.to_string())
}

/// Installs the SIGSYS handler and the filters; the number of system calls allowed, or `None`
/// when this kernel has no seccomp.
pub fn install() -> Result<Option<usize>, String> {
    if !available() {
        return Ok(None);
    }
    let main = compile(rules()?, SeccompAction::Trap, SeccompAction::Allow)?;
    let clone3: BTreeMap<i64, Vec<SeccompRule>> =
        [(libc::SYS_clone3, vec![])].into_iter().collect();
    let enosys = SeccompAction::Errno(libc::ENOSYS as u32);
    let clone3 = compile(clone3, SeccompAction::Allow, enosys)?;
    on_sigsys()?;
    // The allow-list last: installing a filter needs the seccomp call, which it forbids.
    for prog in [&clone3, &main] {
        apply(prog)?;
    }
    Ok(Some(PLAIN.len() + CONDITIONAL.len()))
}

/// `struct sock_fprog` (linux/filter.h).
#[repr(C)]
struct SockFprog {
    len: libc::c_ushort,
    filter: *const seccompiler::sock_filter,
}

/// Installs `prog` on every thread (TSYNC) with `SPEC_ALLOW`: without it the kernel would also
/// turn on the speculative-store-bypass mitigation for the child, which costs time and protects
/// nothing here (it guards secrets inside one address space; the child's only holds the input).
/// A kernel before 4.17 does not know the flag: then without it.
fn apply(prog: &BpfProgram) -> Result<(), String> {
    const SET_MODE_FILTER: libc::c_uint = 1;
    const TSYNC: libc::c_ulong = 1;
    const SPEC_ALLOW: libc::c_ulong = 4;
    let fprog = SockFprog {
        len: libc::c_ushort::try_from(prog.len()).map_err(|_| "seccomp: filter too long")?,
        filter: prog.as_ptr(),
    };
    for flags in [TSYNC | SPEC_ALLOW, TSYNC] {
        // SAFETY: `fprog` points to `prog`, which outlives the call; the kernel copies it.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_seccomp,
                SET_MODE_FILTER,
                flags,
                &fprog as *const SockFprog,
            )
        };
        if rc == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINVAL) || flags == TSYNC {
            return Err(format!("seccomp: {e}"));
        }
    }
    Ok(())
}

fn on_sigsys() -> Result<(), String> {
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
    put(buf, &mut at, b"sandbox: seccomp denied system call ");
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
        libc::_exit(128 + libc::SIGSYS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_compiles_and_names_calls() {
        assert!(compile(rules().unwrap(), SeccompAction::Trap, SeccompAction::Allow).is_ok());
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
        assert!(allowed_syscalls().contains(&"futex"));
        assert!(!allowed_syscalls().contains(&"socket"));
    }
}
