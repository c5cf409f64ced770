//! A loop-mounted ext4 image for the power-cut test: created and mounted (root only), cut with
//! `FS_IOC_SHUTDOWN` and no log flush (every write not yet durable is lost, as xfstests' godown
//! does), remounted; unmounted and detached when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// `_IOR('X', 125, __u32)`.
const FS_IOC_SHUTDOWN: libc::c_ulong = 0x8004_587D;
const FS_GOING_FLAGS_NOLOGFLUSH: u32 = 2;

fn sh(cmd: &str, args: &[&str]) -> Result<String, String> {
    let o = Command::new(cmd)
        .args(args)
        .output()
        .map_err(|e| format!("{cmd}: {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "{cmd} {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// A mounted ext4 image; unmounted and detached on drop.
pub struct Image {
    pub mnt: PathBuf,
    dev: String,
}

impl Image {
    pub fn new(dir: &Path) -> Result<Image, String> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err("not root".into());
        }
        let img = dir.join("disk.img");
        let f = std::fs::File::create(&img).map_err(|e| e.to_string())?;
        f.set_len(1 << 30).map_err(|e| e.to_string())?;
        sh("mkfs.ext4", &["-q", "-F", img.to_str().unwrap()])?;
        let dev = sh("losetup", &["--find", "--show", img.to_str().unwrap()])?;
        let mnt = dir.join("mnt");
        std::fs::create_dir_all(&mnt).map_err(|e| e.to_string())?;
        let img = Image { mnt, dev };
        img.mount()?;
        Ok(img)
    }

    fn mount(&self) -> Result<(), String> {
        sh(
            "mount",
            &["-t", "ext4", &self.dev, self.mnt.to_str().unwrap()],
        )
        .map(|_| ())
    }

    /// Cuts the power: nothing that was not durable survives.
    pub fn cut(&self) {
        let f = std::fs::File::open(&self.mnt).unwrap();
        let flags = FS_GOING_FLAGS_NOLOGFLUSH;
        // SAFETY: valid fd and a pointer to a u32, as the ioctl expects.
        let rc = unsafe {
            libc::ioctl(
                std::os::fd::AsRawFd::as_raw_fd(&f),
                FS_IOC_SHUTDOWN as _,
                &flags as *const u32,
            )
        };
        assert_eq!(
            rc,
            0,
            "FS_IOC_SHUTDOWN: {}",
            std::io::Error::last_os_error()
        );
    }

    pub fn remount(&self) {
        let m = self.mnt.to_str().unwrap();
        // The killed daemon's conversion children may hold files a moment longer.
        let unmounted = super::poll(Duration::from_secs(20), || sh("umount", &[m]).is_ok());
        assert!(unmounted.is_some(), "umount {m} stayed busy");
        self.mount().expect("remount");
    }
}

impl Drop for Image {
    fn drop(&mut self) {
        let _ = sh("umount", &["-l", self.mnt.to_str().unwrap()]);
        let _ = sh("losetup", &["-d", &self.dev]);
    }
}
