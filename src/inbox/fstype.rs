//! Is the inbox on a network (or FUSE) file system? There, inotify sees only the changes made by
//! this host, so drops made by other clients would go unnoticed: the watcher polls instead.

use std::path::Path;

/// `statfs` f_type magic numbers of file systems whose changes inotify does not report.
const NETWORK: &[(i64, &str)] = &[
    (0x6969, "nfs"),
    (0x517B, "smb"),
    (0xFF53_4D42, "cifs"),
    (0xFE53_4D42, "smb2"),
    (0x6573_5546, "fuse"),
    (0x0102_1997, "9p"),
    (0x00C3_6400, "ceph"),
    (0x5346_414F, "afs"),
    (0x7375_7245, "coda"),
    (0x564C, "ncp"),
    (0x0BD0_0BD0, "lustre"),
    (0x0116_1970, "gfs2"),
    (0x7461_636F, "ocfs2"),
];

/// The name of the network file system `path` is on, or `None` for a local one (or when unknown).
pub fn network_fs(path: &Path) -> Option<&'static str> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid C string and `st` a properly sized out-parameter.
    if unsafe { libc::statfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    #[allow(clippy::unnecessary_cast)]
    let magic = (st.f_type as i64) & 0xFFFF_FFFF;
    NETWORK.iter().find(|(m, _)| *m == magic).map(|(_, n)| *n)
}

/// (free bytes for an unprivileged user, total bytes) of the file system `path` is on.
pub fn space(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid C string and `st` a properly sized out-parameter.
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    #[allow(clippy::unnecessary_cast)]
    let (avail, blocks, frsize) = (st.f_bavail as u64, st.f_blocks as u64, st.f_frsize as u64);
    Some((avail * frsize, blocks * frsize))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_local_temp_dir_is_not_network() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(super::network_fs(d.path()), None);
        let (free, size) = super::space(d.path()).unwrap();
        assert!(size > 0 && free <= size);
    }
}
