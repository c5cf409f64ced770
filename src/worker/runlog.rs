//! `jobs/<id>/logs/run.log`: what each attempt did (a header line, the conversion child's stderr,
//! a result line with timing, pages and the converter's name/version), appended across attempts and
//! bounded by `convert.max_log`. It is a diagnostic, not a record: it is appended in place and
//! synced at the end of each attempt, before the manifest records the attempt's outcome; the manifest
//! stays the source of truth.

use std::fs::File;

use crate::fsx::{self, OpenOptions};
use std::path::{Path, PathBuf};

use crate::error::{IoContext, Result};

/// An append-only log file that stops growing at `max` bytes (one truncation notice is written).
pub struct RunLog {
    path: PathBuf,
    file: File,
    len: u64,
    max: u64,
    truncated: bool,
}

const NOTICE: &[u8] = b"\n[mdspool: run.log reached convert.max_log; further output dropped]\n";

impl RunLog {
    pub fn open(path: &Path, max: u64) -> Result<RunLog> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .at(path)?;
        let len = file.metadata().at(path)?.len();
        Ok(RunLog {
            path: path.to_path_buf(),
            file,
            len,
            max,
            truncated: false,
        })
    }

    /// A log that goes nowhere, for when `run.log` cannot be opened.
    pub fn sink(max: u64) -> RunLog {
        let path = PathBuf::from("/dev/null");
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            // fsx-exempt: an anonymous file outside the root, never read back.
            .unwrap_or_else(|_| tempfile::tempfile().expect("a temp file"));
        RunLog {
            path,
            file,
            len: 0,
            max,
            truncated: false,
        }
    }

    /// Appends as much of `bytes` as the budget allows. Write errors are logged, not returned: a
    /// full log must not fail a conversion.
    pub fn write(&mut self, bytes: &[u8]) {
        if self.truncated {
            return;
        }
        let room = self.max.saturating_sub(self.len) as usize;
        let (part, cut) = if bytes.len() > room {
            (&bytes[..room], true)
        } else {
            (bytes, false)
        };
        let mut r = fsx::write_all(&mut self.file, &self.path, part);
        self.len += part.len() as u64;
        if cut {
            self.truncated = true;
            r = r.and_then(|_| fsx::write_all(&mut self.file, &self.path, NOTICE));
            self.len += NOTICE.len() as u64;
        }
        if let Err(e) = r {
            tracing::warn!(path = %self.path.display(), error = %e, "cannot write run.log");
            self.truncated = true;
        }
    }

    /// One line, stamped with the time; always written, even past the budget (they are short and
    /// say what happened).
    pub fn line(&mut self, text: &str) {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let l = format!("[mdspool {now}] {text}\n");
        if let Err(e) = fsx::write_all(&mut self.file, &self.path, l.as_bytes()) {
            tracing::warn!(path = %self.path.display(), error = %e, "cannot write run.log");
        }
        self.len += l.len() as u64;
    }

    pub fn sync(&mut self) {
        let _ = fsx::sync(&self.file, &self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_bounded_but_result_lines_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("run.log");
        let mut l = RunLog::open(&p, 100).unwrap();
        l.line("attempt 1");
        l.write(&[b'x'; 500]);
        l.write(b"more");
        l.line("attempt 1 result: succeeded");
        l.sync();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.len() < 300, "{}", text.len());
        assert!(text.contains("max_log"));
        assert!(text.ends_with("result: succeeded\n"));
        assert!(!text.contains("more"));
    }
}
