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

use super::syscalls::{CONDITIONAL, PLAIN};

/// `SECCOMP_GET_ACTION_AVAIL` and `SECCOMP_RET_TRAP` (linux/seccomp.h).
const GET_ACTION_AVAIL: libc::c_uint = 2;
const RET_TRAP: u32 = 0x0003_0000;

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

/// Installs the SIGSYS handler and the filters (the caller checked [`available`]); the number of
/// system calls allowed.
pub fn install() -> Result<usize, String> {
    let main = compile(rules()?, SeccompAction::Trap, SeccompAction::Allow)?;
    let clone3: BTreeMap<i64, Vec<SeccompRule>> =
        [(libc::SYS_clone3, vec![])].into_iter().collect();
    let enosys = SeccompAction::Errno(libc::ENOSYS as u32);
    let clone3 = compile(clone3, SeccompAction::Allow, enosys)?;
    super::sigsys::on_sigsys()?;
    // The allow-list last: installing a filter needs the seccomp call, which it forbids.
    for prog in [&clone3, &main] {
        apply(prog)?;
    }
    Ok(PLAIN.len() + CONDITIONAL.len())
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

#[cfg(test)]
mod tests {
    use super::super::syscalls::allowed_syscalls;
    use super::*;

    #[test]
    fn the_filter_compiles() {
        assert!(compile(rules().unwrap(), SeccompAction::Trap, SeccompAction::Allow).is_ok());
        assert!(allowed_syscalls().contains(&"futex"));
        assert!(!allowed_syscalls().contains(&"socket"));
    }
}
