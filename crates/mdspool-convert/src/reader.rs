//! The only place that talks to `pdf_oxide`: opens the document (empty user password for encrypted
//! files), reads metadata, and turns each page's text spans, link annotations and ruling lines into the
//! engine's own plain geometry types (top-down coordinates). Opening a document and reading a page
//! are wrapped in `catch_unwind` ([`guarded`]): a panic located in the parser on hostile input becomes
//! a `Malformed` error (counted, see `panics.rs`), and a page that panicked there is never read again
//! from the same document object (it is reopened). A panic located in our own code is not contained:
//! it unwinds on, out of the engine, as the bug it is.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use pdf_oxide::PdfDocument;
use pdf_oxide::object::Object;

use super::ConvertError;
use super::annots;
use super::bidi;
use super::fonts::{
    font_key, is_dingbat_font, is_mono_name, name_is_bold, name_is_italic, name_is_regular,
};
use super::glyphs;
use super::labels;
use super::model::{Page, Span};
use super::rotated;
use super::widths;
use super::words;

/// Upper bound on pages read from one document (a page tree claiming more is hostile or broken).
const MAX_PAGES: usize = 20_000;
/// Upper bound on spans kept per page; beyond this the page is noise (fuzzed or vector-text art).
const MAX_SPANS_PER_PAGE: usize = 60_000;

/// An opened document plus what we know about it.
pub(crate) struct Document {
    /// The parser's document; replaced by a fresh one after a page panicked inside the parser
    /// (its caches may be half-built), `None` when that reopening failed.
    doc: Mutex<Option<Arc<PdfDocument>>>,
    path: PathBuf,
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

/// Parse `path` afresh: the parser's document, authenticated with the empty user password.
fn open_doc(path: &Path) -> Result<PdfDocument, ConvertError> {
    let data = std::fs::read(path).map_err(|source| ConvertError::Io {
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
        Ok(doc)
    }))
}

impl Document {
    pub fn open(path: &Path) -> Result<Document, ConvertError> {
        let doc = open_doc(path)?;
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
        match guarded(path, "page", || page_inner(&doc, path, index)) {
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
            *slot = open_doc(&self.path).ok().map(Arc::new);
            tracing::debug!(
                reopened = slot.is_some(),
                "document reopened after a parser panic"
            );
        }
    }
}

fn page_inner(doc: &PdfDocument, path: &Path, index: usize) -> Result<Page, ConvertError> {
    let (llx, lly, urx, ury) = doc
        .get_page_media_box(index)
        .unwrap_or((0.0, 0.0, 612.0, 792.0));
    let (x_off, top) = (llx.min(urx), lly.max(ury));
    let width = (urx - llx).abs().max(1.0);
    let height = (ury - lly).abs().max(1.0);
    let raw = doc.extract_spans(index).map_err(|e| map_err(path, e))?;
    if let Some(turn) = rotated::dominant(&raw) {
        return Ok(rotated::page(doc, index, turn, &raw, (llx, lly, urx, ury)));
    }
    let mut spans = Vec::with_capacity(raw.len().min(MAX_SPANS_PER_PAGE));
    let mut glyphs: Option<glyphs::PageGlyphs> = None;
    // Spans with usable glyph positions get their word spaces decided again (`words.rs`).
    let mut shown: Vec<words::Shown> = Vec::new();
    // On a right-to-left page every span holding right-to-left letters is read from the right
    // (a Latin word drawn with a neighbouring Arabic letter); elsewhere only mostly-RTL spans.
    let rtl_page = bidi::mostly_rtl_texts(raw.iter().map(|s| s.text.as_str()));
    let mut turned: Vec<labels::Turned> = Vec::new();
    for s in raw.into_iter().take(MAX_SPANS_PER_PAGE) {
        if s.rotation_degrees.abs() > 1.0 || s.wmode != 0 {
            let quarter = (s.rotation_degrees.abs() - 90.0).abs() < 1.0;
            if quarter && s.wmode == 0 {
                let name = font_key(&s.font_name);
                turned.push(labels::Turned {
                    text: s.text,
                    x: s.bbox.x,
                    y: s.bbox.y,
                    length: s.bbox.width.abs(),
                    size: s.font_size,
                    up: s.rotation_degrees > 0.0,
                    bold: name_is_bold(&name) || s.font_weight.is_bold(),
                    font: s.font_name,
                });
            }
            continue;
        }
        let b = s.bbox;
        if !(b.x.is_finite() && b.y.is_finite() && b.width.is_finite() && b.height.is_finite()) {
            continue;
        }
        if s.text.trim().is_empty() {
            continue;
        }
        let size = if s.font_size.is_finite() && s.font_size > 0.5 {
            s.font_size.min(500.0)
        } else {
            b.height.abs().clamp(1.0, 500.0)
        };
        let name = font_key(&s.font_name);
        let mut s = s;
        if is_dingbat_font(&name) {
            // Check boxes and bullets: in these fonts even letters ("y", "n") are symbols.
            s.text = "•".to_string();
        }
        let span = Span {
            x0: b.x - x_off,
            x1: b.x + b.width.abs() - x_off,
            top: top - (b.y + b.height.abs()),
            bottom: top - b.y,
            size,
            bold: name_is_bold(&name) || (s.font_weight.is_bold() && !name_is_regular(&name)),
            italic: s.is_italic || name_is_italic(&name),
            mono: s.is_monospace || is_mono_name(&name),
            link: None,
            font: s.font_name.clone(),
            text: String::new(),
        };
        let wide = 2.5 * size;
        let splits = s.char_x_offsets.len() == s.text.chars().count()
            && s.char_widths.iter().any(|w| *w > wide);
        let rtl_span = bidi::mostly_rtl(&s.text) || rtl_page && bidi::has_rtl_letter(&s.text);
        let several = s
            .text
            .chars()
            .filter(|c| !c.is_whitespace())
            .nth(1)
            .is_some();
        if !splits && rtl_span && several {
            let g = glyphs.get_or_insert_with(|| glyphs::PageGlyphs::read(doc, index));
            if let Some(text) = g.logical_text(&s.text, b.x, b.x + b.width.abs(), b.y, size) {
                spans.push(Span { text, ..span });
                continue;
            }
        }
        // A span whose advances hide a positioning jump ("B" and "On hold" in two table
        // columns as one span) keeps the cut at the jump below: its offsets miss the jump.
        if !rtl_span && !splits {
            let (offsets, widths) = (&s.char_x_offsets, &s.char_widths);
            let mut placed = words::glyphs_of(&s.text, offsets, widths, (b.x, size), x_off);
            if matches!(placed, words::Placed::Misplaced) {
                let g = glyphs.get_or_insert_with(|| glyphs::PageGlyphs::read(doc, index));
                placed = match g.ltr_letters(&s.text, b.x, b.y, size) {
                    Some(letters) => words::glyphs_from_letters(&s.text, &letters, x_off),
                    None => words::Placed::Unusable,
                };
            }
            if let words::Placed::Glyphs(glyphs) = placed {
                shown.push(words::Shown {
                    span: Span {
                        text: s.text.clone(),
                        ..span
                    },
                    glyphs,
                });
                continue;
            }
        }
        split_at_wide_advances(
            span,
            &s.text,
            &s.char_x_offsets,
            &s.char_widths,
            x_off,
            &mut spans,
        );
    }
    let annots = doc.get_annotations(index).unwrap_or_default();
    let links = annots::link_rects(&annots, x_off, top);
    let declared = if shown.is_empty() {
        widths::FontWidths::new()
    } else {
        widths::page_widths(doc, index)
    };
    words::respace(shown, &links, &declared, &mut spans);
    let fields = annots::field_spans(doc, &annots, x_off, top, &spans);
    spans.extend(fields);
    spans.extend(labels::header_labels(turned, x_off, top));
    if spans.is_empty() {
        // The parser drops a content stream that hits the decompression cap without an error;
        // decoding it once more tells a bomb from a page that has no text.
        if let Err(e) = doc.get_page_content_data(index) {
            let e = map_err(path, e);
            if matches!(e, ConvertError::TooComplex { .. }) {
                return Err(e);
            }
        }
    }
    annots::attach_links(&mut spans, &links);
    let (rules, bullets) = super::shapes::read_shapes(doc, index, x_off, top, &spans);
    spans.extend(bullets);
    #[cfg(feature = "test-hooks")]
    super::panics::test_trigger("page");
    Ok(Page {
        number: index + 1,
        width,
        height,
        spans,
        rules,
        rtl: false,
    })
}

/// Push `span` with `text`, cut into pieces wherever one glyph's advance is far wider than a glyph
/// (the parser folds a positioning jump into the advance, so "X" in two table columns arrives as one
/// span "XX" 100 pt wide). Needs per-glyph positions; without them the span stays whole.
fn split_at_wide_advances(
    span: Span,
    text: &str,
    offsets: &[f32],
    widths: &[f32],
    x_off: f32,
    out: &mut Vec<Span>,
) {
    let n = text.chars().count();
    let wide = 2.5 * span.size;
    if offsets.len() != n || widths.len() != n || !widths.iter().any(|w| *w > wide) {
        out.push(Span {
            text: text.to_string(),
            ..span
        });
        return;
    }
    let mut piece = String::new();
    let mut start: Option<f32> = None;
    for ((c, x), w) in text.chars().zip(offsets).zip(widths) {
        if !(x.is_finite() && w.is_finite()) {
            continue;
        }
        if !c.is_whitespace() {
            start.get_or_insert(*x);
            piece.push(c);
        }
        // Once a span has shown one jump, a narrower one is believed too: no letter advances
        // 1.5 em ("Share" and "Status" of two columns, the jump folded into the "e").
        let jump = if c.is_whitespace() { 0.6 } else { 1.5 } * span.size;
        if *w > jump {
            if let Some(x0) = start.take() {
                let x1 = if c.is_whitespace() {
                    *x
                } else {
                    x + w.min(0.7 * span.size)
                };
                out.push(Span {
                    text: std::mem::take(&mut piece),
                    x0: x0 - x_off,
                    x1: x1 - x_off,
                    ..span.clone()
                });
            }
        } else if c.is_whitespace() {
            piece.push(c);
        }
    }
    if let Some(x0) = start {
        out.push(Span {
            text: piece.trim_end().to_string(),
            x0: x0 - x_off,
            x1: span.x1,
            ..span
        });
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
