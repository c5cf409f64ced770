//! Deciding when a drop is complete. With its sidecar present it is (the protocol writes the
//! sidecar last), once the sidecar itself reads whole: an empty or unparsable sidecar gets a short
//! grace to be finished (a client writing it in place). Without a sidecar, a PDF is complete once
//! its size, mtime, ctime and inode have stayed the same for `watch.settle` and, when it starts
//! like a PDF, it also ends like one.

use std::collections::HashMap;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::inbox::validate::{MAX_SIDECAR, open_safe, parse_sidecar};

/// Longest wait for an empty or unparsable sidecar to become whole (shorter when `watch.settle` is).
pub const SIDECAR_GRACE: Duration = Duration::from_secs(1);

/// What identifies one state of a file: size, mtime, ctime (any change of its metadata, the link
/// count included) and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileState {
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    ino: u64,
}

impl FileState {
    pub fn of(m: &std::fs::Metadata) -> FileState {
        FileState {
            size: m.len(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
            ino: m.ino(),
        }
    }
}

/// `None`: the sidecar at `path` can be used now. `Some(stamp)`: it is empty or does not parse
/// yet; wait until it has kept this stamp for the grace.
pub fn sidecar_pending(path: &Path) -> Option<FileState> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.nlink() > 1 || meta.len() > MAX_SIDECAR {
        return None; // refused when taken
    }
    let stamp = FileState::of(&meta);
    if meta.len() == 0 {
        return Some(stamp);
    }
    let mut bytes = Vec::new();
    let read = open_safe(path).and_then(|f| {
        f.take(MAX_SIDECAR)
            .read_to_end(&mut bytes)
            .map_err(|e| crate::error::Error::io(path, e))
    });
    match read {
        Ok(_) if parse_sidecar(path, &bytes).is_ok() => None,
        Ok(_) => Some(stamp),
        Err(_) => None,
    }
}

/// Whether the file at `path` starts like a PDF (`%PDF-` in its first KiB) but does not end like
/// one (no `%%EOF` in its last KiB): an upload under its final name still under way or cut (smbd,
/// sftp and `rsync --inplace` write in place). Such a PDF is not taken without its sidecar, however
/// long it stays unchanged. Anything else (not a PDF, unreadable) is for the take to judge.
pub fn cut_short(path: &Path) -> bool {
    use std::io::{Seek, SeekFrom};
    const WINDOW: u64 = 1024;
    let Ok(mut f) = open_safe(path) else {
        return false;
    };
    let mut head = Vec::new();
    if (&mut f).take(WINDOW).read_to_end(&mut head).is_err()
        || !head.windows(5).any(|w| w == b"%PDF-")
    {
        return false;
    }
    let mut tail = Vec::new();
    let len = f.metadata().map_or(0, |m| m.len());
    let read = f
        .seek(SeekFrom::Start(len.saturating_sub(WINDOW)))
        .and_then(|_| f.take(WINDOW).read_to_end(&mut tail));
    read.is_ok() && !tail.windows(5).any(|w| w == b"%%EOF")
}

/// Drops waiting to be complete: path -> (stamp, since, how long it must hold).
#[derive(Default)]
pub struct Settling {
    map: HashMap<PathBuf, (FileState, Instant, Duration)>,
}

impl Settling {
    /// Records `stamp` for `path`; true once it has held for `wait`.
    pub fn stable(&mut self, path: &Path, stamp: FileState, wait: Duration) -> bool {
        match self.map.get(path) {
            Some((s, since, _)) if *s == stamp => since.elapsed() >= wait,
            _ => {
                self.map
                    .insert(path.to_path_buf(), (stamp, Instant::now(), wait));
                wait.is_zero()
            }
        }
    }

    pub fn forget(&mut self, path: &Path) {
        self.map.remove(path);
    }

    /// Forgets `path` if its wait is over (it was looked at again and not re-armed).
    pub fn forget_if_due(&mut self, path: &Path) {
        if self
            .map
            .get(path)
            .is_some_and(|(_, since, wait)| since.elapsed() >= *wait)
        {
            self.map.remove(path);
        }
    }

    /// Forgets the paths for which `keep` is false.
    pub fn retain(&mut self, mut keep: impl FnMut(&Path) -> bool) {
        self.map.retain(|p, _| keep(p));
    }

    /// Paths whose wait is over (to look at again).
    pub fn due(&self) -> Vec<PathBuf> {
        self.map
            .iter()
            .filter(|(_, (_, since, wait))| since.elapsed() >= *wait)
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// The earliest end of a wait.
    pub fn next(&self) -> Option<Instant> {
        self.map
            .values()
            .map(|(_, since, wait)| *since + *wait)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecars_are_pending_until_they_parse() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.pdf.idem");
        std::fs::write(&p, b"").unwrap();
        assert!(sidecar_pending(&p).is_some());
        std::fs::write(&p, b"{\"key\": \"a").unwrap();
        assert!(sidecar_pending(&p).is_some());
        std::fs::write(&p, b"{\"key\": \"a\"}").unwrap();
        assert!(sidecar_pending(&p).is_none());
        std::fs::write(&p, b"plain-key").unwrap();
        assert!(sidecar_pending(&p).is_none());
    }

    #[test]
    fn a_pdf_is_cut_short_until_its_end_arrives() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.pdf");
        let mut body = b"%PDF-1.7\n".to_vec();
        body.resize(5000, b'x');
        std::fs::write(&p, &body).unwrap();
        assert!(cut_short(&p));
        body.extend_from_slice(b"\nstartxref\n9\n%%EOF\n% a comment after the end\n");
        std::fs::write(&p, &body).unwrap();
        assert!(!cut_short(&p));
        // Not a PDF, or empty: refused when taken, not kept waiting.
        std::fs::write(&p, b"not a pdf").unwrap();
        assert!(!cut_short(&p));
        std::fs::write(&p, b"").unwrap();
        assert!(!cut_short(&p));
    }

    #[test]
    fn stable_after_wait_and_reset_on_change() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.pdf");
        std::fs::write(&p, b"1").unwrap();
        let mut s = Settling::default();
        let st = FileState::of(&std::fs::metadata(&p).unwrap());
        let w = Duration::from_millis(50);
        assert!(!s.stable(&p, st, w));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(s.due(), vec![p.clone()]);
        std::fs::write(&p, b"12").unwrap();
        let st2 = FileState::of(&std::fs::metadata(&p).unwrap());
        assert!(!s.stable(&p, st2, w), "a change restarts the wait");
        std::thread::sleep(Duration::from_millis(60));
        assert!(s.stable(&p, st2, w));
    }
}
