//! A program started by a conversion (an external converter, OCR's `pdftoppm` and `tesseract`, the
//! daemon's conversion child) never outlives the process that started it, even one killed by
//! SIGKILL: one setup for all of them.

use std::os::unix::process::CommandExt;
use std::process::Command;

/// Ties the process `cmd` will start to this one: `PR_SET_PDEATHSIG = SIGKILL`, then a check that
/// this process is still its parent (it may have died before `prctl`, and then no signal would
/// ever come). Other `pre_exec` steps may be added after this one.
pub fn tie_to_parent(cmd: &mut Command) -> &mut Command {
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: only async-signal-safe system calls (prctl, getppid) run between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let sig = libc::SIGKILL as libc::c_ulong;
            if libc::prctl(libc::PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::getppid() != parent {
                return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        })
    }
}
