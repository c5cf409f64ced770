//! `outbox/`: where a person who dropped `report.pdf` without a sidecar finds `report.md`, or
//! `report.error.txt` saying in plain words why there is none and what to do: the job failed
//! ([`deliver_error`]), or the drop was refused before it became a job ([`deliver_refusal`]: not a
//! PDF, empty, too large, not a regular file). Which jobs deliver is the [`Rule`]: by default only
//! those whose key is their content key (a drop without a sidecar, a `submit` without `--key`; a
//! client that chose a key follows its receipt instead), which `watch.outbox = false` turns off;
//! `watch.outbox_scopes` adds every job of the scopes it lists, sidecar or not.
//!
//! A name already taken gets a number: `report (2).md`, `report (3).md`... Every file is created
//! exclusively and durably (`durable::create_exclusive`): never overwritten, whole or absent. A
//! delivery is idempotent: when a taken name already holds exactly these bytes (a delivery done just
//! before a crash, repeated by the job's next run), nothing is written again. The sweeper removes
//! outbox files after `retention.outbox`.

use std::path::PathBuf;

use crate::code::Code;
use crate::convert::ConvertCode;
use crate::durable;
use crate::error::{IoContext, Result};
use crate::ids::DEFAULT_SCOPE;
use crate::inbox::names::markdown_stem;
use crate::store::{Manifest, Store};

/// Which jobs and refusals deliver to the outbox (`watch.outbox`, `watch.outbox_scopes`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rule {
    /// Jobs whose key is their content key: drops without a sidecar, `submit` without `--key`.
    pub bare: bool,
    /// Every job of these scopes, whatever its key.
    pub scopes: Vec<String>,
}

impl Rule {
    /// Does job `m` deliver to the outbox?
    pub fn wants(&self, m: &Manifest) -> bool {
        (self.bare && wants(m)) || self.has_scope(&m.idempotency.scope)
    }

    /// Does a refused drop deliver its `NAME.error.txt`? `scope`: the scope its sidecar gave
    /// (`None` for a drop without a sidecar, or one whose sidecar could not be read).
    pub fn wants_refusal(&self, has_sidecar: bool, scope: Option<&str>) -> bool {
        match has_sidecar {
            false => self.bare,
            true => scope.is_some_and(|s| self.has_scope(s)),
        }
    }

    fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// Is this job's key its content key (in the default scope)? Such jobs deliver when `watch.outbox`.
pub fn wants(m: &Manifest) -> bool {
    m.idempotency.scope == DEFAULT_SCOPE
        && m.idempotency.key == format!("sha256-{}", m.idempotency.fingerprint)
}

/// The client's file name (`sub/report.pdf` in a recursive inbox) less its folder and `.pdf`, safe
/// as a visible file name.
fn stem(name: &str) -> String {
    markdown_stem(name.rsplit('/').next().unwrap_or_default())
}

/// Creates `outbox/STEM[ (N)]SUFFIX` with `bytes` under the first free name for the drop named
/// `name`; returns it.
fn deliver(store: &Store, name: &str, suffix: &str, bytes: &[u8]) -> Result<PathBuf> {
    let l = store.layout();
    if !l.outbox_dir().is_dir() {
        durable::create_dir_all_durable(&l.outbox_dir())?;
        store.share().apply_dir(&l.outbox_dir())?;
    }
    let stem = stem(name);
    for n in 1.. {
        let name = match n {
            1 => format!("{stem}{suffix}"),
            n => format!("{stem} ({n}){suffix}"),
        };
        let path = l.outbox_file(&name);
        if durable::create_exclusive_shared(&path, bytes, store.share())? {
            return Ok(path);
        }
        match std::fs::read(&path) {
            Ok(there) if there == bytes => return Ok(path),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).at(&path),
        }
    }
    unreachable!("the names are endless")
}

/// Delivers the Markdown of job `m` (the bytes of its `artifacts/output.md`).
pub fn deliver_markdown(store: &Store, m: &Manifest, markdown: &[u8]) -> Result<PathBuf> {
    deliver(store, &m.source.name, ".md", markdown)
}

/// Delivers `NAME.error.txt` for failed or canceled job `m`.
pub fn deliver_error(store: &Store, m: &Manifest) -> Result<PathBuf> {
    deliver(
        store,
        &m.source.name,
        ".error.txt",
        error_text(m).as_bytes(),
    )
}

/// Delivers `NAME.error.txt` for the drop `name` (as the client named it) refused with `code` and
/// `message`, whose file is kept as `kept` (relative to the root) in `rejected/`. The text holds no
/// time: a refusal repeated by recovery after a crash finds its own bytes and writes nothing twice.
pub fn deliver_refusal(
    store: &Store,
    name: &str,
    code: Code,
    message: &str,
    kept: &str,
) -> Result<PathBuf> {
    let text = refusal_text(name, code, message, kept);
    deliver(store, name, ".error.txt", text.as_bytes())
}

/// What to do about a refused drop, for the person who dropped it.
fn refusal_advice(code: Code) -> &'static str {
    match code {
        Code::NotAPdf => {
            "The file is not a PDF, whatever its name says. Open it and export or print it to \
             PDF, then drop the PDF."
        }
        Code::EmptyFile => {
            "The file was empty (0 bytes): it was probably copied before it was complete. Drop \
             it again."
        }
        Code::TooLarge => {
            "The file is larger than this spool accepts. Split it into smaller PDFs, or ask the \
             administrator to raise the limit (watch.max_size)."
        }
        Code::UnsafeEntry => {
            "Only plain files are taken: a link (shortcut, alias, symlink), a folder or a special \
             file is never opened. Copy the PDF itself into the inbox."
        }
        Code::IdempotencyConflict => {
            "Its key already names another document with different content. Drop it again with \
             a key of its own (its sidecar names the key), or ask the administrator which job \
             holds the key."
        }
        _ => {
            "Ask the administrator, giving the details below: the file is kept in the rejected \
             folder."
        }
    }
}

/// The text of `NAME.error.txt` for a refused drop.
pub fn refusal_text(name: &str, code: Code, message: &str, kept: &str) -> String {
    format!(
        "{name} was not accepted, so it was not converted to Markdown.\n\n\
         Why: {why}.\n\
         What to do: {todo}\n\n\
         Details for the administrator:\n  code: {code}\n  kept as: {kept}\n  \
         message: {message}\n",
        why = code.meaning(),
        todo = refusal_advice(code),
    )
}

/// What to do about a failure, for the person who dropped the file.
fn advice(code: Code) -> &'static str {
    match code {
        Code::Convert(ConvertCode::PdfEncrypted) => {
            "Remove the password (open the PDF and print or export it to a new PDF), then drop \
             the new file."
        }
        Code::Convert(ConvertCode::NoTextLayer) => {
            "The pages are images (a scan). Run text recognition (OCR) on the PDF first, then \
             drop the result."
        }
        Code::Convert(ConvertCode::PdfMalformed) => {
            "The file is damaged or not a real PDF. Open it and save or export it again as PDF, \
             then drop the new file."
        }
        Code::Convert(ConvertCode::PdfTooComplex)
        | Code::ConversionTimeout
        | Code::ConversionMemoryLimit => {
            "The document is too large or complex for the current limits. Split it into smaller \
             PDFs, or ask the administrator to raise the limits (convert.timeout, \
             convert.max_memory, convert.max_stream) and retry the job."
        }
        Code::Canceled => "The job was canceled. Drop the file again if you still need it.",
        _ => {
            "Dropping the same file again will not help. Ask the administrator, giving the job id \
             below: they can read the job's log and retry it."
        }
    }
}

/// The text of `NAME.error.txt`: what happened, why, what to do, and the job to quote.
pub fn error_text(m: &Manifest) -> String {
    let (code, detail) = match &m.error {
        Some(e) => (e.code, e.message.as_str()),
        None => (Code::Canceled, ""),
    };
    format!(
        "{name} could not be converted to Markdown.\n\n\
         Why: {why}.\n\
         What to do: {todo}\n\n\
         Details for the administrator:\n  code: {code}\n  job: {id}\n  attempts: {n}\n  \
         message: {detail}\n",
        name = m.source.name,
        why = code.meaning(),
        todo = advice(code),
        id = m.job_id,
        n = m.attempts,
    )
}

/// The files in `outbox/` (temp files aside) with their modification time, for retention.
pub fn listing(store: &Store) -> Result<Vec<(String, std::time::SystemTime)>> {
    let dir = store.layout().outbox_dir();
    let mut out = Vec::new();
    for name in durable::list_names(&dir)? {
        if durable::is_temp_name(&name) {
            continue;
        }
        let path = dir.join(&name);
        match std::fs::symlink_metadata(&path) {
            Ok(md) if md.is_file() => out.push((name, md.modified().at(&path)?)),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).at(&path),
        }
    }
    Ok(out)
}

/// Removes `outbox/NAME` (gone already is fine).
pub fn remove(store: &Store, name: &str) -> Result<()> {
    let path = store.layout().outbox_file(name);
    match crate::fsx::remove_file(&path) {
        Ok(()) => durable::fsync_dir(&store.layout().outbox_dir()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).at(&path),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ids::JobId;
    use crate::layout::Layout;
    use crate::store::manifest::{Idempotency, Source};

    fn manifest(name: &str, key: &str) -> Manifest {
        let idem = Idempotency {
            scope: DEFAULT_SCOPE.into(),
            key: key.into(),
            fingerprint: "ab12".into(),
        };
        let src = Source {
            name: name.into(),
            size: 1,
        };
        Manifest::new(JobId::new(), idem, src, chrono::Utc::now())
    }

    #[test]
    fn a_repeated_delivery_writes_nothing_twice_and_names_never_clash() {
        let t = tempfile::tempdir().unwrap();
        let store = Store::open(
            Layout::new(t.path()),
            Arc::new(crate::clock::SystemClock),
            crate::config::RetentionConfig::default(),
        )
        .unwrap();
        let m = manifest("sub/Report.PDF", "sha256-ab12");
        // A refusal of another drop called Report.pdf takes the next free name of its suffix.
        let refused = deliver_refusal(
            &store,
            "Report.pdf",
            Code::NotAPdf,
            "no %PDF- header",
            "rejected/Report.pdf",
        )
        .unwrap();
        assert_eq!(refused, store.layout().outbox_file("Report.error.txt"));
        let text = std::fs::read_to_string(&refused).unwrap();
        assert!(text.starts_with("Report.pdf was not accepted"), "{text}");
        assert!(text.contains("code: not_a_pdf"), "{text}");
        assert_eq!(
            deliver_refusal(
                &store,
                "Report.pdf",
                Code::NotAPdf,
                "no %PDF- header",
                "rejected/Report.pdf"
            )
            .unwrap(),
            refused,
            "a repeated refusal writes nothing twice"
        );
        let other = deliver_refusal(
            &store,
            "Report.pdf",
            Code::EmptyFile,
            "empty",
            "rejected/x-Report.pdf",
        )
        .unwrap();
        assert_eq!(other, store.layout().outbox_file("Report (2).error.txt"));
        std::fs::remove_file(&refused).unwrap();
        std::fs::remove_file(&other).unwrap();
        assert!(wants(&m));
        assert!(!wants(&manifest("a.pdf", "invoice-7")));
        let rule = |bare, scopes: &[&str]| Rule {
            bare,
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        };
        assert!(rule(true, &[]).wants(&m));
        assert!(!rule(false, &[]).wants(&m));
        assert!(!rule(true, &[]).wants(&manifest("a.pdf", "invoice-7")));
        assert!(rule(false, &["default"]).wants(&manifest("a.pdf", "invoice-7")));
        assert!(!rule(true, &["accounting"]).wants_refusal(true, Some("default")));
        assert!(rule(false, &["accounting"]).wants_refusal(true, Some("accounting")));
        assert!(!rule(false, &["accounting"]).wants_refusal(false, None));
        assert!(rule(true, &[]).wants_refusal(false, None));
        let a = deliver_markdown(&store, &m, b"one").unwrap();
        assert_eq!(a, store.layout().outbox_file("Report.md"));
        assert_eq!(deliver_markdown(&store, &m, b"one").unwrap(), a);
        let b = deliver_markdown(&store, &m, b"two").unwrap();
        assert_eq!(b, store.layout().outbox_file("Report (2).md"));
        let hidden = deliver_markdown(&store, &manifest(".pdf", "sha256-ab12"), b"x").unwrap();
        assert_eq!(hidden, store.layout().outbox_file("_.pdf.md"));
        let names: Vec<_> = listing(&store)
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["Report (2).md", "Report.md", "_.pdf.md"]);
        // A delivery cut short by a crash leaves a temp file: the next start removes it.
        let tmp = store.layout().outbox_file(".~Report.md.abc123.tmp");
        std::fs::write(&tmp, b"half").unwrap();
        assert_eq!(listing(&store).unwrap().len(), 3);
        assert_eq!(store.remove_temp_files().unwrap(), 1);
        assert!(!tmp.exists());
    }
}
