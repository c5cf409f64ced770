//! Durable file-system primitives. Every record the spool keeps is written through here:
//! temp file in the same directory, write, `sync_all`, rename (or link for exclusive creation),
//! fsync the directory. Temp files are named `.~NAME.XXXXXX.tmp`; `~` never appears in a job id,
//! scope or key, so a temp file can never be mistaken for a record, and startup removes them.
//! Records get the mode the umask gives (0644 under umask 022), like any other file: clients on a
//! share read receipts as other users; [`Share`] (`output.mode`, `output.group`) sets the mode and
//! group of the files clients read instead. What must stay private lives under a private folder
//! ([`make_private`]).

use std::fs::{self, File};
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, IoContext, Result};
use crate::failpoint;
use crate::fsx;

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// fsync a directory so that the entries created, renamed or removed in it are durable.
pub fn fsync_dir(dir: &Path) -> Result<()> {
    fsx::sync_dir(dir).at(dir)
}

/// Is this a temp file left by [`write_atomic`] or [`create_exclusive`]?
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(".~") && name.ends_with(".tmp")
}

pub use crate::share::{Share, group_id};

/// A temp file of [`write_temp_shared`] (or [`write_temp`]): removed on drop unless it was renamed
/// into place.
pub struct TempFile {
    file: File,
    path: PathBuf,
    keep: bool,
}

impl TempFile {
    /// Renames the temp file to `to`.
    pub fn persist(mut self, to: &Path) -> Result<()> {
        fsx::rename(&self.path, to).map_err(|e| Error::io(to, e))?;
        self.keep = true;
        Ok(())
    }

    /// fsyncs the temp file (group commit: written first, synced together, then renamed).
    pub fn sync(&self) -> Result<()> {
        failpoint::hit("durable.after_write_temp");
        fsx::sync(&self.file, &self.path).at(&self.path)
    }

    /// Links the temp file as `to` unless something exists there (`false`); the temp name goes.
    pub fn link(self, to: &Path) -> Result<bool> {
        match fsx::hard_link(&self.path, to) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(Error::io(to, e)),
        }
    }
}

/// A temp file next to `path` holding `bytes`, not yet synced nor named `path`: for a group commit,
/// which syncs many ([`TempFile::sync`]), renames them, then fsyncs each folder once.
pub fn write_temp(path: &Path, bytes: &[u8], share: &Share) -> Result<TempFile> {
    write_temp_shared(path, bytes, share, false)
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fsx::remove_file(&self.path);
        }
    }
}

/// Writes `bytes` to a new temp file next to `path` (synced with `sync`), with the mode and group of
/// `share`; returns it, still unnamed as `path`.
fn write_temp_shared(path: &Path, bytes: &[u8], share: &Share, sync: bool) -> Result<TempFile> {
    let dir = parent(path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let mut tmp = loop {
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let p = dir.join(format!(
            ".~{}.{}.tmp",
            name.clone().unwrap_or_default(),
            &nonce[..6]
        ));
        // As `File::create` would: 0666 less the umask.
        let opened = fsx::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o666)
            .open(&p);
        match opened {
            Ok(file) => {
                break TempFile {
                    file,
                    path: p,
                    keep: false,
                };
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(dir, e)),
        }
    };
    fsx::write_all(&mut tmp.file, &tmp.path, bytes).at(&tmp.path)?;
    if !share.is_default() {
        share.apply_file(&tmp.file, &tmp.path)?;
    }
    if sync {
        failpoint::hit("durable.after_write_temp");
        fsx::sync(&tmp.file, &tmp.path).at(&tmp.path)?;
    }
    Ok(tmp)
}

/// Atomically and durably replaces `path` with `bytes`. A reader sees the old or the new content,
/// never a mix, and after return the new content survives a power cut.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_shared(path, bytes, &Share::default())
}

/// [`write_atomic`] of a file clients read, with the mode and group of `share`.
pub fn write_atomic_shared(path: &Path, bytes: &[u8], share: &Share) -> Result<()> {
    let tmp = write_temp_shared(path, bytes, share, true)?;
    failpoint::hit("durable.before_rename");
    tmp.persist(path)?;
    fsync_dir(parent(path))
}

/// Atomically replaces `path` with `bytes`, without any fsync: for files that are rewritten every
/// few seconds and only ever describe the present (heartbeat, metrics). A reader sees the old or
/// the new content, never a part; after a power cut the file may be the old one, or empty.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = write_temp_shared(path, bytes, &Share::default(), false)?;
    tmp.persist(path)
}

/// Durably creates `path` with `bytes` only if nothing exists there: race-free between threads,
/// processes and hosts (temp file + `link`, the maildir way, which also works over NFS).
/// Returns `false`, changing nothing, when `path` already exists.
pub fn create_exclusive(path: &Path, bytes: &[u8]) -> Result<bool> {
    create_exclusive_shared(path, bytes, &Share::default())
}

/// [`create_exclusive`] of a file clients read, with the mode and group of `share`.
pub fn create_exclusive_shared(path: &Path, bytes: &[u8], share: &Share) -> Result<bool> {
    let tmp = write_temp_shared(path, bytes, share, true)?;
    let linked = match fsx::hard_link(&tmp.path, path) {
        Ok(()) => true,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => false,
        Err(e) => return Err(Error::io(path, e)),
    };
    drop(tmp); // unlinks the temp name
    if linked {
        fsync_dir(parent(path))?;
    }
    Ok(linked)
}

/// Renames `from` to `to` and makes the change durable in both directories.
pub fn rename_durable(from: &Path, to: &Path) -> Result<()> {
    fsx::rename(from, to).map_err(|e| Error::io(from, e))?;
    fsync_dir(parent(to))?;
    if parent(from) != parent(to) {
        fsync_dir(parent(from))?;
    }
    Ok(())
}

/// Renames `from` to `to` with one directory fsync, of `to`'s folder. A rename is one journal entry
/// (ext4, xfs, btrfs; an NFS server commits it before it answers): it persists whole or not at all,
/// and the fsync of either folder makes it durable (the model of `fsx/crash.rs`). For the renames of
/// each job (the output into `artifacts/`, the built job folder into `jobs/`), whose source folder
/// is a temp folder removed next.
pub fn rename_into(from: &Path, to: &Path) -> Result<()> {
    fsx::rename(from, to).map_err(|e| Error::io(from, e))?;
    fsync_dir(parent(to))
}

/// Writes `bytes` to a temp file next to `path`, syncs it and renames it over `path`, without the
/// fsync of the folder: the caller makes the folder durable once for several entries (a job folder
/// built in one go). Until then a power cut may leave the old content or none.
pub fn write_synced_no_dir_sync(path: &Path, bytes: &[u8], share: &Share) -> Result<()> {
    let tmp = write_temp_shared(path, bytes, share, true)?;
    failpoint::hit("durable.before_rename");
    tmp.persist(path)
}

/// Creates the folder `dir` if it is missing, without any fsync (see
/// [`write_synced_no_dir_sync`]).
pub fn create_dir_unsynced(dir: &Path) -> Result<()> {
    match fsx::create_dir(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::io(dir, e)),
    }
}

/// Creates `dir` and any missing parents, fsyncing each parent whose entries changed.
pub fn create_dir_all_durable(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut missing: Vec<PathBuf> = Vec::new();
    let mut cur = Some(dir);
    while let Some(d) = cur {
        if d.as_os_str().is_empty() || d.exists() {
            break;
        }
        missing.push(d.to_path_buf());
        cur = d.parent();
    }
    for d in missing.iter().rev() {
        match fsx::create_dir(d) {
            Ok(()) => fsync_dir(parent(d))?,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::io(d, e)),
        }
    }
    Ok(())
}

/// Makes the folder `dir` accessible to its owner only (0700), when this process owns it and it is
/// not already so. A folder of another user is left as it is: that user's daemon keeps it private.
pub fn make_private(dir: &Path) -> Result<()> {
    let meta = fs::metadata(dir).at(dir)?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() == me && meta.permissions().mode() & 0o077 != 0 {
        fsx::set_permissions(dir, fs::Permissions::from_mode(0o700)).at(dir)?;
    }
    Ok(())
}

/// Removes a file or a whole tree without ever following a symlink (a symlink is removed itself,
/// its target is untouched). Missing is fine.
pub fn remove_tree_nofollow(path: &Path) -> Result<()> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(path, e)),
    };
    let res = if meta.is_dir() {
        // std's remove_dir_all does not follow symlinks inside the tree.
        fsx::remove_dir_all(path)
    } else {
        fsx::remove_file(path)
    };
    match res {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Removes leftover temp files of [`write_atomic`] (or [`replace_file`]) of `path` only (a folder
/// shared with other programs: their files are left alone); returns how many.
pub fn remove_temp_files_of(path: &Path) -> Result<usize> {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(0);
    };
    let prefix = format!(".~{name}.");
    let dir = parent(path);
    let mut n = 0;
    for entry in list_names(dir)? {
        if entry.starts_with(&prefix) && is_temp_name(&entry) {
            remove_tree_nofollow(&dir.join(entry))?;
            n += 1;
        }
    }
    Ok(n)
}

/// Removes leftover temp files (see [`is_temp_name`]) directly inside `dir`; returns how many.
pub fn remove_temp_files(dir: &Path) -> Result<usize> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut n = 0;
    for entry in entries {
        let entry = entry.at(dir)?;
        if is_temp_name(&entry.file_name().to_string_lossy()) {
            remove_tree_nofollow(&entry.path())?;
            n += 1;
        }
    }
    if n > 0 {
        fsync_dir(dir)?;
    }
    Ok(n)
}

/// Reads a whole file; `Ok(None)` when it does not exist.
pub fn read_optional(path: &Path) -> Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Whether `name` is an NFS client's silly-renamed file (`.nfsXXXX`: a file removed while still
/// open somewhere); it is never a record of the store and is never touched.
pub fn is_nfs_silly_name(name: &str) -> bool {
    name.starts_with(".nfs")
}

/// Names of the entries of `dir` (empty when it does not exist), sorted; NFS silly-renamed files
/// ([`is_nfs_silly_name`]) are left out.
pub fn list_names(dir: &Path) -> Result<Vec<String>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let name = entry.at(dir)?.file_name().to_string_lossy().into_owned();
        if !is_nfs_silly_name(&name) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(list_names(dir.path()).unwrap(), vec!["a.json"]);
    }

    #[test]
    fn records_get_the_mode_the_umask_gives() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.json");
        write_atomic(&p, b"{}").unwrap();
        let q = dir.path().join("q.json");
        assert!(create_exclusive(&q, b"{}").unwrap());
        let plain = dir.path().join("plain");
        File::create(&plain).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&p), mode(&plain));
        assert_eq!(mode(&q), mode(&plain));
        let sub = dir.path().join("state");
        fs::create_dir(&sub).unwrap();
        make_private(&sub).unwrap();
        assert_eq!(mode(&sub), 0o700);
    }

    #[test]
    fn create_exclusive_creates_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.json");
        assert!(create_exclusive(&p, b"first").unwrap());
        assert!(!create_exclusive(&p, b"second").unwrap());
        assert_eq!(fs::read(&p).unwrap(), b"first");
        assert_eq!(list_names(dir.path()).unwrap(), vec!["r.json"]);
    }

    #[test]
    fn temp_files_are_recognized_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".~manifest.json.abc123.tmp"), b"x").unwrap();
        fs::write(dir.path().join("manifest.json"), b"{}").unwrap();
        assert_eq!(remove_temp_files(dir.path()).unwrap(), 1);
        assert_eq!(list_names(dir.path()).unwrap(), vec!["manifest.json"]);
        assert!(!is_temp_name("key.json"));
    }

    #[test]
    fn remove_tree_does_not_follow_symlinks() {
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim.txt");
        fs::write(&victim, b"keep me").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let job = dir.path().join("job");
        fs::create_dir(&job).unwrap();
        std::os::unix::fs::symlink(&victim, job.join("link")).unwrap();
        std::os::unix::fs::symlink(outside.path(), job.join("dirlink")).unwrap();
        remove_tree_nofollow(&job).unwrap();
        assert!(!job.exists());
        assert_eq!(fs::read(&victim).unwrap(), b"keep me");
    }
}
