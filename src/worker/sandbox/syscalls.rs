//! The system calls the sandbox knows by name: those the seccomp filter allows (`seccomp.rs`
//! builds the filter from these lists) and the denied ones worth naming in a violation's message.

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
pub(super) const PLAIN: &[(libc::c_long, &str)] = names![
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
pub(super) const CONDITIONAL: &[(libc::c_long, &str)] = names![
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
