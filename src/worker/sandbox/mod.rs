//! The conversion child's sandbox (`convert.sandbox = "strict"`, docs/security.md): a hostile PDF
//! that takes over the parser must still own nothing. Before the child opens the PDF it
//!
//! 1. sets `PR_SET_NO_NEW_PRIVS` and `RLIMIT_CORE = 0` (no set-uid gain, no core file of a hostile
//!    document anywhere);
//! 2. restricts itself with Landlock (best effort: the strongest ABI the kernel offers): read its
//!    input file, write in its private output folder, nothing else on the file system; no TCP bind
//!    or connect (ABI 4); no signal to, nor abstract socket of, a process outside (ABI 6);
//! 3. installs a seccomp allow-list (`seccomp.rs`): a system call outside it stops the child with
//!    SIGSYS after one line naming the call on stderr.
//!
//! With OCR on (`[ocr]`, docs/conversion.md), the child runs `pdftoppm` and `tesseract` on pages
//! without text: Landlock then also lets it execute those two programs (nothing else), read the
//! system's libraries and data (`/usr`, `/lib*`, the loader's cache, font settings, CPU facts;
//! not the rest of `/etc`), make its scratch folders in its output folder, and use `/dev/null`; no
//! seccomp filter is installed (it would stop `execve` and the programs' own start-up). No new
//! privileges, and the file-system and network rules hold for the programs too.
//!
//! The persistent converter (`serve.rs`) enters the same sandbox with no file at all
//! ([`enter_sealed`]): Landlock then allows no file-system access whatever, and the seccomp list is
//! the same. OCR never runs there.
//!
//! Its parent gave it an empty environment, and [`close_inherited_fds`] leaves it only stdin,
//! stdout and stderr. A kernel without Landlock (or seccomp) runs the child without that layer: the
//! daemon says so once when it starts ([`Probe`]), `mdspool doctor` reports it, and each attempt's
//! `run.log` has a `sandbox:` line saying what was enforced.

mod seccomp;
mod sigsys;
mod syscalls;

use std::fmt;
use std::path::{Path, PathBuf};

use landlock::{
    ABI, Access, AccessFs, AccessNet, CompatLevel, Compatible, PathBeneath, PathFd, Ruleset,
    RulesetAttr, RulesetCreatedAttr, RulesetStatus, Scope,
};

pub use syscalls::{allowed_syscalls, syscall_name};

/// How the SIGSYS handler's line on stderr starts (`classify.rs` looks for it).
pub const SECCOMP_DENIED: &str = "sandbox: seccomp denied";

/// What the SIGSYS handler exits with if raising SIGSYS did not end the child.
pub const SIGSYS_EXIT: i32 = 128 + libc::SIGSYS;

/// The dynamic loaders of the usual Linux systems (those present are allowed to run with OCR on).
const LOADERS: &[&str] = &[
    "/lib64/ld-linux-x86-64.so.2",
    "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
    "/lib/ld-linux-aarch64.so.1",
    "/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1",
];

/// What a child with OCR on may read besides its input (not execute: only the two programs).
const OCR_READ: &[&str] = &[
    "/usr",
    "/lib",
    "/lib64",
    "/etc/ld.so.cache",
    "/etc/fonts",
    "/proc/cpuinfo",
    "/sys/devices/system/cpu",
];

/// The newest Landlock ABI this code was written and tested against; a newer kernel is asked for
/// no more than this, an older one gives what it has.
const LANDLOCK_ABI: ABI = ABI::V7;

/// What the running kernel offers an unprivileged process (probed, nothing is restricted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Probe {
    /// The Landlock ABI version, `None` when the kernel has no Landlock (or it is disabled).
    pub landlock_abi: Option<u32>,
    /// Whether seccomp filters (with the SIGSYS action) are available on this kernel and
    /// architecture.
    pub seccomp: bool,
}

/// Test hook (feature `test-hooks` only): `MDSPOOL_TEST_KERNEL_WITHOUT=landlock,seccomp` makes
/// the probe, and so the child, behave as on a kernel without the layers it names.
#[cfg(feature = "test-hooks")]
pub const WITHOUT_ENV: &str = "MDSPOOL_TEST_KERNEL_WITHOUT";

fn pretend_missing(layer: &str) -> bool {
    #[cfg(feature = "test-hooks")]
    if std::env::var(WITHOUT_ENV).is_ok_and(|v| v.split(',').any(|l| l.trim() == layer)) {
        return true;
    }
    let _ = layer;
    false
}

impl Probe {
    pub fn now() -> Probe {
        // SAFETY: a NULL attribute with size 0 and the VERSION flag only asks for the ABI version.
        let abi = unsafe {
            libc::syscall(
                libc::SYS_landlock_create_ruleset,
                std::ptr::null::<libc::c_void>(),
                0usize,
                1u32, // LANDLOCK_CREATE_RULESET_VERSION
            )
        };
        Probe {
            landlock_abi: u32::try_from(abi)
                .ok()
                .filter(|v| *v > 0 && !pretend_missing("landlock")),
            seccomp: seccomp::available() && !pretend_missing("seccomp"),
        }
    }

    /// The layers missing for `strict`, as one sentence (`None` when all are there).
    pub fn missing(&self) -> Option<String> {
        let mut gone = Vec::new();
        if self.landlock_abi.is_none() {
            gone.push("Landlock (file-system and network rules)");
        }
        if !self.seccomp {
            gone.push("seccomp (the system-call allow-list)");
        }
        if gone.is_empty() {
            return None;
        }
        Some(format!(
            "this kernel offers no {}: conversion children run without it",
            gone.join(" and no ")
        ))
    }
}

impl fmt::Display for Probe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.landlock_abi {
            Some(v) => write!(f, "landlock ABI {v}")?,
            None => write!(f, "landlock unavailable")?,
        }
        match self.seccomp {
            true => write!(f, ", seccomp available"),
            false => write!(f, ", seccomp unavailable"),
        }
    }
}

/// What [`enter`] enforced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entered {
    /// `fully`, `partially` (an older ABI) or `not` enforced; with the kernel's ABI.
    pub landlock: String,
    /// Number of system calls the seccomp filter allows (`None`: no seccomp on this kernel).
    pub seccomp: Option<usize>,
    /// Whether the OCR programs may run (no seccomp filter then).
    pub ocr: bool,
    /// How long [`enter`] took.
    pub took: std::time::Duration,
}

impl fmt::Display for Entered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "strict: no_new_privs, {}", self.landlock)?;
        match (self.seccomp, self.ocr) {
            (_, true) => write!(f, ", OCR programs allowed (no seccomp filter)")?,
            (Some(n), false) => write!(f, ", seccomp allow-list of {n} system calls")?,
            (None, false) => write!(f, ", seccomp unavailable (not enforced)")?,
        }
        write!(f, " (set up in {} µs)", self.took.as_micros())
    }
}

/// Closes every descriptor above stderr that the child inherited (none should be open: the
/// parent's are close-on-exec; this covers any that are not, in the parent's own parents too).
pub fn close_inherited_fds() {
    // SAFETY: nothing in this process owns a descriptor above 2 yet (called first thing in the
    // child, before it opens anything); close_range only closes.
    let rc = unsafe { libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32) };
    if rc != 0 {
        // A kernel before 5.9: close them one by one.
        let max = unsafe { libc::sysconf(libc::_SC_OPEN_MAX) }.clamp(256, 65536) as i32;
        for fd in 3..max {
            // SAFETY: as above.
            unsafe { libc::close(fd) };
        }
    }
}

/// Confines this process (see the module comment): it may read `input` and write in `outdir` (a
/// private folder of its own); with `ocr`, also run the OCR programs (see the module comment). Call
/// once, single-threaded, before the input is opened.
pub fn enter(input: &Path, outdir: &Path, ocr: Option<&[PathBuf]>) -> Result<Entered, String> {
    enter_with(Some((input, outdir)), ocr)
}

/// Confines this process as [`enter`] does, but with no file at all: the persistent converter
/// (`serve.rs`), which gets each PDF's bytes on a pipe and sends the Markdown back, opens nothing.
pub fn enter_sealed() -> Result<Entered, String> {
    enter_with(None, None)
}

fn enter_with(files: Option<(&Path, &Path)>, ocr: Option<&[PathBuf]>) -> Result<Entered, String> {
    let start = std::time::Instant::now();
    // SAFETY: plain prctl/setrlimit on our own process.
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            return Err(format!(
                "PR_SET_NO_NEW_PRIVS: {}",
                std::io::Error::last_os_error()
            ));
        }
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &none);
    }
    let probe = Probe::now();
    let landlock = match probe.landlock_abi {
        Some(abi) => landlock(files, abi, ocr)?,
        None => "landlock unavailable (not enforced)".to_string(),
    };
    let seccomp = match probe.seccomp && ocr.is_none() {
        true => Some(seccomp::install()?),
        false => None,
    };
    if let (Some(_), Some((_, outdir))) = (ocr, files) {
        // The OCR programs' scratch files go to the output folder, the one place writable.
        // SAFETY: single-threaded (called before the converter starts any thread).
        unsafe { std::env::set_var("TMPDIR", outdir) };
    }
    Ok(Entered {
        landlock,
        seccomp,
        ocr: ocr.is_some(),
        took: start.elapsed(),
    })
}

fn landlock(
    files: Option<(&Path, &Path)>,
    kernel: u32,
    ocr: Option<&[PathBuf]>,
) -> Result<String, String> {
    let kernel = format!("ABI {kernel}");
    let abi = LANDLOCK_ABI;
    let err = |e: &dyn fmt::Display| format!("landlock: {e}");
    // The input (read) and the output folder (write), when there are files at all.
    let files = match files {
        Some((input, outdir)) => Some((
            PathFd::new(input).map_err(|e| err(&e))?,
            PathFd::new(outdir).map_err(|e| err(&e))?,
        )),
        None => None,
    };
    let write = AccessFs::ReadFile
        | AccessFs::ReadDir
        | AccessFs::WriteFile
        | AccessFs::MakeReg
        | AccessFs::RemoveFile
        | AccessFs::Truncate;
    // OCR renders each page into a scratch folder of its own there.
    let write = if ocr.is_some() {
        write | AccessFs::MakeDir | AccessFs::RemoveDir
    } else {
        write
    };
    let status = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(AccessFs::from_all(abi))
        .and_then(|r| r.handle_access(AccessNet::from_all(abi)))
        .and_then(|r| r.scope(Scope::from_all(abi)))
        .and_then(|r| r.create())
        .and_then(|r| {
            r.add_rules(files.into_iter().flat_map(|(input, outdir)| {
                [
                    Ok(PathBeneath::new(input, AccessFs::ReadFile)),
                    Ok(PathBeneath::new(outdir, write)),
                ]
            }))
        })
        .and_then(|r| {
            // The OCR programs, their libraries and data: read and execute, never write.
            let system = if ocr.is_some() { OCR_READ } else { &[] };
            r.add_rules(system.iter().map(Path::new).filter_map(|p| {
                // A folder's rule may also list it; a file's rule may only read it.
                let read = match p.is_dir() {
                    true => AccessFs::ReadFile | AccessFs::ReadDir,
                    false => AccessFs::ReadFile.into(),
                };
                PathFd::new(p).ok().map(|fd| Ok(PathBeneath::new(fd, read)))
            }))
        })
        .and_then(|r| {
            // The two programs themselves may be run, with the dynamic loader the kernel opens
            // for them.
            let run = AccessFs::ReadFile | AccessFs::Execute;
            let loaders = if ocr.is_some() { LOADERS } else { &[] };
            r.add_rules(
                ocr.unwrap_or_default()
                    .iter()
                    .map(PathBuf::as_path)
                    .chain(loaders.iter().map(Path::new))
                    .filter_map(|p| PathFd::new(p).ok())
                    .map(|fd| Ok(PathBeneath::new(fd, run))),
            )
        })
        .and_then(|r| {
            // The programs' standard input and unwanted output.
            let null = ocr.and_then(|_| PathFd::new("/dev/null").ok());
            let rw = AccessFs::ReadFile | AccessFs::WriteFile;
            r.add_rules(null.map(|fd| Ok(PathBeneath::new(fd, rw))))
        })
        .and_then(|r| r.restrict_self())
        .map_err(|e| err(&e))?;
    Ok(match status.ruleset {
        RulesetStatus::FullyEnforced => format!("landlock fully enforced ({kernel})"),
        RulesetStatus::PartiallyEnforced => format!("landlock partially enforced ({kernel})"),
        RulesetStatus::NotEnforced => "landlock unavailable (not enforced)".to_string(),
    })
}

/// The path a conversion error names when it is a denial the sandbox would explain (permission
/// denied on a file), for the `conversion_sandbox_violation` message.
pub fn denied(e: &crate::convert::ConvertError) -> Option<String> {
    match e {
        crate::convert::ConvertError::Io { path, source }
            if matches!(source.raw_os_error(), Some(libc::EACCES | libc::EPERM)) =>
        {
            Some(format!("{}: {source}", path.display()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_reads_the_kernel() {
        let p = Probe::now();
        let text = p.to_string();
        assert!(
            text.contains("landlock") && text.contains("seccomp"),
            "{text}"
        );
        assert_eq!(p.missing().is_none(), p.landlock_abi.is_some() && p.seccomp);
    }

    #[test]
    fn denials_name_the_path() {
        let e = crate::convert::ConvertError::Io {
            path: "/etc/passwd".into(),
            source: std::io::Error::from_raw_os_error(libc::EACCES),
        };
        assert!(denied(&e).unwrap().starts_with("/etc/passwd: "));
        let e = crate::convert::ConvertError::Io {
            path: "/x".into(),
            source: std::io::Error::from_raw_os_error(libc::ENOENT),
        };
        assert_eq!(denied(&e), None);
    }
}
