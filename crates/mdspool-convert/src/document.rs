//! Opening a document with `pdf_oxide`: the empty user password for encrypted files, metadata
//! (`/Title`, `/Author`), parser errors mapped to our error kinds, and the guard around every call
//! into the parser. Opening a document and reading a page are wrapped in `catch_unwind`
//! ([`guarded`]): a panic located in the parser on hostile input becomes a `Malformed` error
//! (counted, see `panics.rs`), and a page that panicked there is never read again from the same
//! document object (it is reopened). A panic located in our own code is not contained: it unwinds
//! on, out of the engine, as the bug it is. A file whose ToUnicode CMaps the parser would misread
//! is parsed again with them rewritten (`cmaps.rs`).

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use pdf_oxide::PdfDocument;
use pdf_oxide::object::Object;

use super::ConvertError;
use super::model::Page;

/// Upper bound on pages read from one document (a page tree claiming more is hostile or broken).
const MAX_PAGES: usize = 20_000;

/// An opened document plus what we know about it.
pub(crate) struct Document {
    /// The parser's document; replaced by a fresh one after a page panicked inside the parser
    /// (its caches may be half-built), `None` when that reopening failed.
    doc: Mutex<Option<Arc<PdfDocument>>>,
    path: PathBuf,
    /// The file's bytes when the caller handed them over (nothing is read from `path` then).
    data: Option<Arc<Vec<u8>>>,
    pub pages: usize,
    pub title: Option<String>,
    pub author: Option<String>,
}

fn malformed(path: &Path, reason: impl Into<String>) -> ConvertError {
    ConvertError::Malformed {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Map a parser error to our stable error kinds.
pub(crate) fn map_err(path: &Path, e: pdf_oxide::error::Error) -> ConvertError {
    use pdf_oxide::error::Error as E;
    let text = e.to_string();
    match e {
        E::EncryptedPdf => ConvertError::Encrypted {
            path: path.to_path_buf(),
        },
        E::Io(source) => ConvertError::Io {
            path: path.to_path_buf(),
            source,
        },
        E::RecursionLimitExceeded(_) => ConvertError::TooComplex {
            path: path.to_path_buf(),
            reason: text,
        },
        _ if text.contains("safety limit")
            || text.to_lowercase().contains("decompression bomb") =>
        {
            ConvertError::TooComplex {
                path: path.to_path_buf(),
                reason: text,
            }
        }
        _ => malformed(path, text),
    }
}

/// How a guarded call ended: its own result, or a panic inside the parser (a `Malformed` error).
pub(crate) enum Guarded<T> {
    Done(Result<T, ConvertError>),
    ParserPanicked(ConvertError),
}

/// Run `f`; a panic located in the parser (or any code but ours) becomes `ParserPanicked` with a
/// `Malformed` error and is counted; a panic located in our own code unwinds on (`panics.rs`).
pub(crate) fn guarded<T>(
    path: &Path,
    what: &str,
    f: impl FnOnce() -> Result<T, ConvertError>,
) -> Guarded<T> {
    super::panics::install();
    super::panics::clear();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => Guarded::Done(r),
        Err(payload) => match super::panics::take_last() {
            Some(p) if p.own => resume_unwind(payload),
            site => {
                super::panics::count_parser_panic(what);
                let msg = super::panics::payload_text(payload.as_ref());
                let at = site
                    .map(|p| format!(" at {}", p.location))
                    .unwrap_or_default();
                let reason = format!("parser panicked in {what}{at}: {msg}");
                Guarded::ParserPanicked(malformed(path, reason))
            }
        },
    }
}

fn flatten<T>(g: Guarded<T>) -> Result<T, ConvertError> {
    match g {
        Guarded::Done(r) => r,
        Guarded::ParserPanicked(e) => Err(e),
    }
}

/// The bytes of the document: those handed over, else the file `path`.
fn bytes_of(path: &Path, data: Option<&Arc<Vec<u8>>>) -> std::io::Result<Vec<u8>> {
    match data {
        Some(d) => Ok(d.as_ref().clone()),
        None => std::fs::read(path),
    }
}

/// Parse `path` (or `given`, its bytes) afresh: the parser's document, authenticated with the
/// empty user password.
fn open_doc(path: &Path, given: Option<&Arc<Vec<u8>>>) -> Result<PdfDocument, ConvertError> {
    let data = bytes_of(path, given).map_err(|source| ConvertError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    flatten(guarded(path, "open", || {
        let doc = PdfDocument::from_bytes(data).map_err(|e| map_err(path, e))?;
        if doc.is_encrypted() {
            let ok = doc.authenticate(b"").map_err(|e| map_err(path, e))?;
            if !ok || !doc.is_authenticated() {
                return Err(ConvertError::Encrypted {
                    path: path.to_path_buf(),
                });
            }
        }
        // ToUnicode CMaps the parser would misread: the file again with them rewritten.
        let pages = doc.page_count().unwrap_or(0).min(MAX_PAGES);
        if let Some(bytes) = super::cmaps::repaired(&doc, pages, || bytes_of(path, given).ok())
            && let Ok(fixed) = PdfDocument::from_bytes(bytes)
            && fixed.page_count().ok() == doc.page_count().ok()
        {
            return Ok(fixed);
        }
        Ok(doc)
    }))
}

impl Document {
    pub fn open(path: &Path) -> Result<Document, ConvertError> {
        Document::open_with(path, None)
    }

    /// Like [`Document::open`], on the bytes `data` of the file `path` (only named in messages).
    pub fn open_with(path: &Path, data: Option<Arc<Vec<u8>>>) -> Result<Document, ConvertError> {
        let doc = open_doc(path, data.as_ref())?;
        flatten(guarded(path, "open", || {
            let pages = doc.page_count().map_err(|e| map_err(path, e))?;
            if pages > MAX_PAGES {
                return Err(ConvertError::TooComplex {
                    path: path.to_path_buf(),
                    reason: format!("{pages} pages (limit {MAX_PAGES})"),
                });
            }
            let title = info_string(&doc, "Title");
            let author = info_string(&doc, "Author");
            Ok((pages, title, author))
        }))
        .map(|(pages, title, author)| Document {
            doc: Mutex::new(Some(Arc::new(doc))),
            path: path.to_path_buf(),
            data,
            pages,
            title,
            author,
        })
    }

    /// Read one page. Errors on a single page are reported to the caller, which keeps going. After
    /// a panic inside the parser, the document object is replaced by a freshly parsed one before any
    /// other page is read from it; if that fails, every later page fails too.
    pub fn page(&self, path: &Path, index: usize) -> Result<Page, ConvertError> {
        let current = self.doc.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let Some(doc) = current else {
            let reason = "document could not be reopened after a parser panic";
            return Err(malformed(path, reason));
        };
        match guarded(path, "page", || {
            super::reader::page_inner(&doc, path, index)
        }) {
            Guarded::Done(r) => r,
            Guarded::ParserPanicked(e) => {
                self.reopen_after_panic(&doc);
                Err(e)
            }
        }
    }

    /// Replace `broken` (unless another page's panic replaced it already) by a fresh parse.
    fn reopen_after_panic(&self, broken: &Arc<PdfDocument>) {
        let mut slot = self.doc.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_some_and(|d| Arc::ptr_eq(d, broken)) {
            *slot = open_doc(&self.path, self.data.as_ref()).ok().map(Arc::new);
            tracing::debug!(
                reopened = slot.is_some(),
                "document reopened after a parser panic"
            );
        }
    }
}

/// A text entry of the document information dictionary (`/Title`, `/Author`).
fn info_string(doc: &PdfDocument, key: &str) -> Option<String> {
    let info = doc.trailer().as_dict()?.get("Info")?.clone();
    let info = doc.resolve_object(&info).ok()?;
    let val = info.as_dict()?.get(key)?.clone();
    let val = doc.resolve_object(&val).ok()?;
    let Object::String(bytes) = val else {
        return None;
    };
    let s = decode_text_string(&bytes);
    let s = s.trim().trim_matches('\0').trim();
    (!s.is_empty() && s.len() < 1_000).then(|| s.to_string())
}

/// PDF text strings are UTF-16BE with a BOM, UTF-8 with a BOM, or PDFDocEncoding (~Latin-1).
pub(crate) fn decode_text_string(b: &[u8]) -> String {
    if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .filter_map(|c| <[u8; 2]>::try_from(c).ok())
            .map(u16::from_be_bytes)
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = b.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    b.iter().map(|&c| c as char).collect()
}
