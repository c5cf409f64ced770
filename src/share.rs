//! The mode and group of the files clients read (`output.mode`, `output.group`), applied by
//! [`crate::durable`] to each such file before it gets its name, and to their folders.

use std::fs::{self, File};
use std::io;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use crate::error::{Error, IoContext, Result};

/// The mode and group of the files clients read (`output.mode`, `output.group`): set on the file
/// before it gets its final name, so a client never sees it with other permissions. The owner always
/// keeps read and write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    pub mode: Option<u32>,
    pub gid: Option<u32>,
}

impl Share {
    pub fn is_default(&self) -> bool {
        self.mode.is_none() && self.gid.is_none()
    }

    /// The mode of a folder holding shared files: the file bits, plus search where read is given,
    /// and everything for the owner.
    pub fn dir_mode(&self) -> Option<u32> {
        self.mode.map(|m| m | ((m & 0o444) >> 2) | 0o700)
    }

    fn chown(&self, fd: std::os::fd::RawFd, path: &Path) -> Result<()> {
        if let Some(gid) = self.gid {
            // SAFETY: fchown on an open descriptor; uid -1 leaves the owner as it is.
            if unsafe { libc::fchown(fd, u32::MAX, gid) } != 0 {
                return Err(Error::io(path, io::Error::last_os_error()));
            }
        }
        Ok(())
    }

    /// Applies the group, then the mode, to the open file `f` (named `path` for errors).
    pub fn apply_file(&self, f: &File, path: &Path) -> Result<()> {
        use std::os::fd::AsRawFd;
        self.chown(f.as_raw_fd(), path)?;
        if let Some(m) = self.mode {
            f.set_permissions(fs::Permissions::from_mode(m | 0o600))
                .at(path)?;
        }
        Ok(())
    }

    /// Applies the group and the mode to the file at `path` (not following a symlink).
    pub fn apply_path(&self, path: &Path) -> Result<()> {
        if self.is_default() {
            return Ok(());
        }
        let f = fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
            .at(path)?;
        self.apply_file(&f, path)
    }

    /// Applies the group and the folder mode to the folder `dir`.
    pub fn apply_dir(&self, dir: &Path) -> Result<()> {
        if self.is_default() {
            return Ok(());
        }
        let f = fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_DIRECTORY)
            .open(dir)
            .at(dir)?;
        use std::os::fd::AsRawFd;
        self.chown(f.as_raw_fd(), dir)?;
        if let Some(m) = self.dir_mode() {
            let meta = f.metadata().at(dir)?;
            // Keep setgid (a folder whose new entries inherit its group).
            let keep = meta.permissions().mode() & 0o2000;
            f.set_permissions(fs::Permissions::from_mode(m | keep))
                .at(dir)?;
        }
        Ok(())
    }
}

/// The group id of `group`: a number, or a name looked up in the group database.
pub fn group_id(group: &str) -> Option<u32> {
    if let Ok(n) = group.parse::<u32>() {
        return Some(n);
    }
    let c = std::ffi::CString::new(group).ok()?;
    let mut grp: libc::group = unsafe { std::mem::zeroed() };
    let mut buf = vec![0u8; 16384];
    let mut out: *mut libc::group = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call; the result points into `grp` and `buf`.
    let rc = unsafe {
        libc::getgrnam_r(
            c.as_ptr(),
            &mut grp,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut out,
        )
    };
    (rc == 0 && !out.is_null()).then_some(grp.gr_gid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::durable::{
        create_exclusive_shared, remove_temp_files_of, replace_file, write_atomic_shared,
    };

    #[test]
    fn shared_files_get_their_mode_and_folders_search_bits() {
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        // SAFETY: getegid has no preconditions.
        let gid = unsafe { libc::getegid() };
        let share = Share {
            mode: Some(0o640),
            gid: Some(gid),
        };
        let p = dir.path().join("r.json");
        write_atomic_shared(&p, b"{}", &share).unwrap();
        assert_eq!(mode(&p), 0o640);
        let q = dir.path().join("q.md");
        assert!(
            create_exclusive_shared(
                &q,
                b"x",
                &Share {
                    mode: Some(0o604),
                    gid: None
                }
            )
            .unwrap()
        );
        assert_eq!(mode(&q), 0o604);
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        share.apply_dir(&sub).unwrap();
        assert_eq!(mode(&sub), 0o750);
        assert_eq!(
            Share {
                mode: Some(0o044),
                gid: None
            }
            .dir_mode(),
            Some(0o755)
        );
        assert_eq!(group_id("0"), Some(0));
        assert_eq!(group_id("no-such-group-mdspool"), None);
        // Replaced without sync, and its temp files removed by name only.
        let m = dir.path().join("metrics.prom");
        replace_file(&m, b"a 1\n").unwrap();
        fs::write(dir.path().join(".~metrics.prom.x1.tmp"), b"").unwrap();
        fs::write(dir.path().join(".~other.x1.tmp"), b"").unwrap();
        assert_eq!(remove_temp_files_of(&m).unwrap(), 1);
        assert!(dir.path().join(".~other.x1.tmp").exists());
    }
}
