//! The one door of the spool to the file system for everything that changes it: create, write,
//! fsync, rename, link, unlink, mkdir, rmdir, directory fsync, permissions. Production calls go
//! straight to `std::fs` (each function is a thin inline wrapper). In builds with the `test-hooks`
//! feature a test can switch on the recorder ([`record`]), which logs every mutating call under
//! one root, with its data, so that the crash-state checker (`fsx/crash*.rs`) can rebuild every
//! state a power cut could leave.
//!
//! Reads (`read`, `read_dir`, `metadata`, opening for reading) stay direct `std::fs` calls: they
//! change nothing a crash could lose. `fsx/guard_tests.rs` fails when a mutating `std::fs` call
//! appears elsewhere in `src/`.

#[cfg(feature = "test-hooks")]
pub mod record;
#[cfg(not(feature = "test-hooks"))]
mod record {
    //! Without `test-hooks` there is no recorder: every hook is an empty inline function.
    use std::path::Path;
    #[inline(always)]
    pub(super) fn active() -> bool {
        false
    }
    #[inline(always)]
    pub(super) fn note(_: impl FnOnce() -> super::Event) {}
    #[inline(always)]
    pub(super) fn before_open(_: &Path) -> bool {
        false
    }
}

#[cfg(test)]
mod crash;
#[cfg(test)]
mod crash_check;
#[cfg(test)]
mod crash_negative;
#[cfg(test)]
mod crash_scenarios;
#[cfg(test)]
mod crash_worker;
#[cfg(test)]
mod guard_tests;

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// A mutating call, as the recorder sees it (paths as given by the caller).
#[derive(Debug, Clone)]
pub enum Event {
    /// A file was created empty (open with create, on a name that did not exist).
    Create(PathBuf),
    /// The file was truncated to zero length.
    Truncate(PathBuf),
    /// Bytes appended to the file (every write of the spool appends: fresh temp files, run.log).
    Write(PathBuf, Vec<u8>),
    /// `fsync` of a file: its data is durable.
    Fsync(PathBuf),
    Rename(PathBuf, PathBuf),
    Link(PathBuf, PathBuf),
    Unlink(PathBuf),
    Mkdir(PathBuf),
    Rmdir(PathBuf),
    /// `fsync` of a directory: its entries are durable.
    DirFsync(PathBuf),
}

pub fn create_dir(p: impl AsRef<Path>) -> io::Result<()> {
    let p = p.as_ref();
    fs::create_dir(p)?;
    record::note(|| Event::Mkdir(p.to_path_buf()));
    Ok(())
}

/// `mkdir` with `mode` (less the umask).
pub fn create_dir_mode(p: &Path, mode: u32) -> io::Result<()> {
    fs::DirBuilder::new().mode(mode).create(p)?;
    record::note(|| Event::Mkdir(p.to_path_buf()));
    Ok(())
}

/// `mkdir -p`, nothing fsynced (for folders whose loss costs nothing).
pub fn create_dir_all(p: impl AsRef<Path>) -> io::Result<()> {
    let p = p.as_ref();
    let mut missing = Vec::new();
    let mut cur = Some(p);
    while let Some(d) = cur {
        if d.as_os_str().is_empty() || d.exists() {
            break;
        }
        missing.push(d);
        cur = d.parent();
    }
    for d in missing.into_iter().rev() {
        match create_dir(d) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

pub fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let (from, to) = (from.as_ref(), to.as_ref());
    fs::rename(from, to)?;
    record::note(|| Event::Rename(from.to_path_buf(), to.to_path_buf()));
    Ok(())
}

pub fn hard_link(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let (from, to) = (from.as_ref(), to.as_ref());
    fs::hard_link(from, to)?;
    record::note(|| Event::Link(from.to_path_buf(), to.to_path_buf()));
    Ok(())
}

pub fn remove_file(p: impl AsRef<Path>) -> io::Result<()> {
    let p = p.as_ref();
    fs::remove_file(p)?;
    record::note(|| Event::Unlink(p.to_path_buf()));
    Ok(())
}

pub fn remove_dir(p: impl AsRef<Path>) -> io::Result<()> {
    let p = p.as_ref();
    fs::remove_dir(p)?;
    record::note(|| Event::Rmdir(p.to_path_buf()));
    Ok(())
}

/// `rm -r` without following symlinks (std's `remove_dir_all`). Recorded as the unlink of every
/// entry, children first.
pub fn remove_dir_all(p: impl AsRef<Path>) -> io::Result<()> {
    let p = p.as_ref();
    let mut gone = Vec::new();
    if record::active() {
        list_tree(p, &mut gone);
    }
    fs::remove_dir_all(p)?;
    for (path, dir) in gone {
        record::note(|| {
            if dir {
                Event::Rmdir(path)
            } else {
                Event::Unlink(path)
            }
        });
    }
    Ok(())
}

/// Entries of the tree `p`, children before their folder (`true`: a folder).
fn list_tree(p: &Path, out: &mut Vec<(PathBuf, bool)>) {
    let Ok(meta) = fs::symlink_metadata(p) else {
        return;
    };
    if meta.is_dir() {
        for e in fs::read_dir(p).into_iter().flatten().flatten() {
            list_tree(&e.path(), out);
        }
    }
    out.push((p.to_path_buf(), meta.is_dir()));
}

/// Permissions are metadata the crash model does not track: not recorded.
pub fn set_permissions(p: impl AsRef<Path>, perm: fs::Permissions) -> io::Result<()> {
    fs::set_permissions(p, perm)
}

/// `fs::write`: creates or truncates `p` and writes `bytes`, no fsync.
pub fn write(p: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> io::Result<()> {
    let (p, bytes) = (p.as_ref(), bytes.as_ref());
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(p)?;
    write_all(&mut f, p, bytes)
}

/// Writes `bytes` at the end of the file `f` opened from `p`.
pub fn write_all(f: &mut File, p: &Path, bytes: &[u8]) -> io::Result<()> {
    f.write_all(bytes)?;
    record::note(|| Event::Write(p.to_path_buf(), bytes.to_vec()));
    Ok(())
}

/// `fsync` of the file `f` opened from `p`.
pub fn sync(f: &File, p: &Path) -> io::Result<()> {
    f.sync_all()?;
    record::note(|| Event::Fsync(p.to_path_buf()));
    Ok(())
}

/// `fsync` of the directory `dir`: the entries created, renamed or removed in it are durable.
pub fn sync_dir(dir: impl AsRef<Path>) -> io::Result<()> {
    let dir = dir.as_ref();
    File::open(dir)?.sync_all()?;
    record::note(|| Event::DirFsync(dir.to_path_buf()));
    Ok(())
}

/// `std::fs::OpenOptions` that tells the recorder what an open created or truncated.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    std: fs::OpenOptions,
    create: bool,
    truncate: bool,
}

impl OpenOptions {
    pub fn new() -> OpenOptions {
        OpenOptions {
            std: fs::OpenOptions::new(),
            create: false,
            truncate: false,
        }
    }
    pub fn read(&mut self, v: bool) -> &mut Self {
        self.std.read(v);
        self
    }
    pub fn write(&mut self, v: bool) -> &mut Self {
        self.std.write(v);
        self
    }
    pub fn append(&mut self, v: bool) -> &mut Self {
        self.std.append(v);
        self
    }
    pub fn create(&mut self, v: bool) -> &mut Self {
        self.std.create(v);
        self.create |= v;
        self
    }
    pub fn create_new(&mut self, v: bool) -> &mut Self {
        self.std.create_new(v);
        self.create |= v;
        self
    }
    pub fn truncate(&mut self, v: bool) -> &mut Self {
        self.std.truncate(v);
        self.truncate = v;
        self
    }
    pub fn mode(&mut self, m: u32) -> &mut Self {
        self.std.mode(m);
        self
    }
    pub fn custom_flags(&mut self, f: i32) -> &mut Self {
        self.std.custom_flags(f);
        self
    }
    pub fn open(&self, p: impl AsRef<Path>) -> io::Result<File> {
        let p = p.as_ref();
        let existed = self.create && record::before_open(p);
        let f = self.std.open(p)?;
        if self.create && !existed {
            record::note(|| Event::Create(p.to_path_buf()));
        } else if self.truncate {
            record::note(|| Event::Truncate(p.to_path_buf()));
        }
        Ok(f)
    }
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions::new()
    }
}

/// Truncates the file `f` opened from `p` to zero length.
pub fn truncate(f: &File, p: &Path) -> io::Result<()> {
    f.set_len(0)?;
    record::note(|| Event::Truncate(p.to_path_buf()));
    Ok(())
}

/// `io::copy` of `src` to the end of the file `f` opened from `p`; returns the bytes copied.
pub fn copy(src: &mut impl io::Read, f: &mut File, p: &Path) -> io::Result<u64> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut n = 0u64;
    loop {
        let got = match src.read(&mut buf) {
            Ok(0) => return Ok(n),
            Ok(got) => got,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        write_all(f, p, &buf[..got])?;
        n += got as u64;
    }
}
