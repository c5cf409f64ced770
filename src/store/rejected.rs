//! `rejected/`: where refused drops go, each beside `NAME.error.json` saying why
//! (`{"code", "message", "at", "key"}`). Nothing a client dropped is deleted without a trace. A
//! refused drop whose key is valid also gets a receipt with `"status": "rejected"`, unless a job
//! owns the key (a conflict, or a bad drop reusing the key of a job): the receipt of the job that
//! owns the key is never touched.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::code::Code;
use crate::durable;
use crate::error::{Error, IoContext, Result};
use crate::failpoint;
use crate::ids::IdemKey;
use crate::store::Store;
use crate::store::admit::StagedDrop;
use crate::store::manifest::JobError;
use crate::store::records::{Receipt, ReceiptStatus};

/// The content of `rejected/NAME.error.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectionNote {
    pub code: Code,
    pub message: String,
    pub at: DateTime<Utc>,
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// A refused drop as listed: the name of the refused file in `rejected/`, and its note.
pub type RejectedEntry = (String, RejectionNote);

/// The suffix of the note written beside a refused file.
pub const NOTE_SUFFIX: &str = ".error.json";

impl Store {
    /// A free name in `rejected/` for a file called `name` (made unique with `tag` if taken).
    pub fn rejected_name(&self, name: &str, tag: &str) -> PathBuf {
        let dir = self.layout.rejected_dir();
        let plain = dir.join(name);
        // A note without its file is reused: a quarantine interrupted between the two.
        let taken = |p: &Path| p.symlink_metadata().is_ok();
        if !taken(&plain) {
            return plain;
        }
        let short: String = tag.chars().take(8).collect();
        let mut n = 0u32;
        loop {
            let cand = match n {
                0 => dir.join(format!("{short}-{name}")),
                _ => dir.join(format!("{short}-{n}-{name}")),
            };
            if !taken(&cand) {
                return cand;
            }
            n += 1;
        }
    }

    /// Moves `files` (the first is the drop itself, named `name`) into `rejected/`, after writing
    /// the note. Returns the new path of the first file.
    pub fn quarantine(
        &self,
        files: &[PathBuf],
        name: &str,
        tag: &str,
        err: &Error,
        key: Option<&IdemKey>,
    ) -> Result<PathBuf> {
        let now = self.now();
        let target = self.rejected_name(name, tag);
        // The receipt goes first: once the files are out of the staging entry, a crash would leave
        // recovery nothing to redo, and the client would never get its receipt. Before them, a crash
        // only means that recovery refuses the drop again (same checks, same receipt).
        let conflict = matches!(err, Error::IdempotencyConflict { .. });
        if let (Some(k), false) = (key, conflict)
            && !self.key_is_owned(k)?
        {
            self.write_receipt(&Receipt {
                job_id: None,
                status: ReceiptStatus::Rejected,
                scope: k.scope.clone(),
                key: k.key.clone(),
                manifest: None,
                output: None,
                error: Some(JobError {
                    code: err.code(),
                    message: err.to_string(),
                }),
                updated_at: now,
            })?;
            failpoint::hit("reject.after_receipt");
        }
        let note = RejectionNote {
            code: err.code(),
            message: err.to_string(),
            at: now,
            key: key.map(|k| k.key.clone()),
            scope: key.map(|k| k.scope.clone()),
        };
        let note_path = PathBuf::from(format!("{}{NOTE_SUFFIX}", target.display()));
        let mut bytes = serde_json::to_vec_pretty(&note).unwrap_or_default();
        bytes.push(b'\n');
        self.write_shared(&note_path, &bytes)?;
        failpoint::hit("reject.after_note");
        let base = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (i, f) in files.iter().enumerate() {
            if f.symlink_metadata().is_err() {
                continue;
            }
            let to = if i == 0 {
                target.clone()
            } else {
                let fname = f.file_name().map(|n| n.to_string_lossy().into_owned());
                let suffix = fname
                    .as_deref()
                    .and_then(|n| n.strip_prefix(name))
                    .map(str::to_string)
                    .unwrap_or_else(|| format!(".{}", fname.unwrap_or_default()));
                target.with_file_name(format!("{base}{suffix}"))
            };
            crate::fsx::rename(f, &to).at(f)?;
            failpoint::hit("reject.after_move");
        }
        durable::fsync_dir(&self.layout.rejected_dir())?;
        Ok(target)
    }

    /// Does a live job own key `k`? Then its receipt is the job's, and a refused drop that reuses
    /// the key must not replace it (as for a conflict).
    fn key_is_owned(&self, k: &IdemKey) -> Result<bool> {
        match self.read_record(k)? {
            Some(rec) => self.record_is_live(&rec),
            None => Ok(false),
        }
    }

    /// The refused drops in `rejected/` as (name of the refused file, its note), oldest first.
    /// Unreadable notes are reported, not fatal.
    pub fn list_rejected(&self) -> Result<(Vec<RejectedEntry>, Vec<Error>)> {
        let dir = self.layout.rejected_dir();
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for n in durable::list_names(&dir)? {
            let Some(name) = n.strip_suffix(NOTE_SUFFIX) else {
                continue;
            };
            if durable::is_temp_name(&n) {
                continue;
            }
            let path = dir.join(&n);
            match durable::read_optional(&path) {
                Ok(Some(bytes)) => match serde_json::from_slice::<RejectionNote>(&bytes) {
                    Ok(note) => out.push((name.to_string(), note)),
                    Err(source) => errors.push(Error::Corrupt { path, source }),
                },
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
        out.sort_by(|a, b| (a.1.at, &a.0).cmp(&(b.1.at, &b.0)));
        Ok((out, errors))
    }

    /// Quarantines every file of a staging entry (the PDF first), then removes the entry.
    pub fn reject_staged(
        &self,
        d: &StagedDrop,
        err: &Error,
        key: Option<&IdemKey>,
    ) -> Result<PathBuf> {
        let entry = self.layout.staging_entry(d.id);
        let mut files = vec![d.pdf.clone()];
        for name in durable::list_names(&entry)? {
            let p = entry.join(&name);
            // Temp files (a copy cut short, the hold file) are not the client's.
            if p != d.pdf && name != "job" && !durable::is_temp_name(&name) {
                files.push(p);
            }
        }
        let key = key.or(d.key.as_ref());
        let target = self.quarantine(&files, &d.name, &d.id.to_string(), err, key)?;
        self.remove_staging(d.id)?;
        Ok(target)
    }
}
