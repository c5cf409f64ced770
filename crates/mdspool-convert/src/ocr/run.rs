//! Running the external OCR programs (`pdftoppm`, `tesseract`) for one page: with a wall-clock
//! limit, killed when it runs out, and never outliving the process that started them (they stay in
//! its process group, so a kill of the conversion child's group reaches them, and they get
//! `PR_SET_PDEATHSIG = SIGKILL`, so they die with it). Output goes to files, not pipes, so nothing
//! can block on a full pipe.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Poll interval while a program runs.
const POLL: Duration = Duration::from_millis(5);
/// Most bytes of a program's stderr quoted in an error.
const ERR_TAIL: usize = 400;

/// Run `program args...` until it exits or `timeout` passes; `Err` says why it did not succeed.
/// Its stderr goes to `stderr_file` (quoted on failure).
pub(super) fn run(
    program: &Path,
    args: &[&std::ffi::OsStr],
    stderr_file: &Path,
    timeout: Duration,
) -> Result<(), String> {
    let err = std::fs::File::create(stderr_file).map_err(|e| format!("{e}"))?;
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err)
        // One thread: the daemon converts several files at once, and tesseract's OpenMP threads
        // only add contention (and address space, which the child's limit counts).
        .env("OMP_THREAD_LIMIT", "1");
    crate::tie_to_parent(&mut cmd);
    let name = program.display();
    let mut child = cmd.spawn().map_err(|e| format!("cannot run {name}: {e}"))?;
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{name} timed out after {timeout:?}"));
            }
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{name}: {e}"));
            }
        }
    };
    if status.success() {
        return Ok(());
    }
    let text = std::fs::read(stderr_file).unwrap_or_default();
    let tail = String::from_utf8_lossy(&text[text.len().saturating_sub(ERR_TAIL)..]);
    Err(format!("{name} failed ({status}): {}", tail.trim()))
}

/// `name` as given when it has a slash, else the first executable `name` on `PATH`.
pub fn find_program(name: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let executable = |p: &Path| {
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if name.components().count() > 1 || name.is_absolute() {
        return executable(name).then(|| name.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| executable(p))
}
