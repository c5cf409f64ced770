//! PDF -> Markdown conversion. This module knows nothing of the spool: it takes a path and returns
//! Markdown plus statistics, or a [`ConvertError`] with a stable machine code. The daemon runs it in an
//! isolated child process; `mdspool convert` runs exactly the same code in-process.

use std::path::{Path, PathBuf};

pub use ocr::{OcrOptions, OcrStats, find_program};
pub use panics::{ParserPanics, last_own_panic, parser_panics, payload_text};
pub use tether::tie_to_parent;

mod accents;
mod aligned;
mod annots;
mod appearance;
mod asides;
mod bands;
mod bidi;
mod blocks;
mod breaks;
mod carry;
mod celltext;
mod cellwrap;
mod chapters;
mod cmaps;
mod columns;
mod distrust;
mod docgutter;
mod document;
mod engine;
mod euro;
pub mod external;
mod fasthash;
mod flip;
mod fonts;
mod footnotes;
mod formmarks;
mod furniture;
mod glyphs;
mod grid;
mod gutters;
mod ink;
mod labels;
mod layout;
mod links;
mod markdown;
mod markers;
mod model;
mod notes;
mod ocr;
mod overprint;
mod packed;
mod panics;
mod pipe;
mod prose;
mod reader;
mod realign;
mod regions;
mod resources;
mod rotated;
mod rowsize;
mod runin;
mod shapes;
mod shortcols;
mod stacked;
mod tables;
mod tether;
mod text;
mod update;
mod vocab;
mod widths;
mod wording;
mod words;

/// Options shared by every converter.
#[derive(Debug, Clone)]
pub struct ConvertOptions {
    /// Insert a page separator (`<!-- page N -->` line) between pages.
    pub page_breaks: bool,
    /// Upper bound for the decompressed size of any single stream, in bytes. Process-wide: the
    /// first conversion of a process fixes it (see `docs/conversion.md`).
    pub max_stream_bytes: u64,
    /// Threads that read the pages of one document (1 = sequential, at most 4). Sequential is the
    /// default: the parser serialises on shared caches, and the daemon converts files in parallel.
    pub threads: usize,
    /// OCR pages without a text layer (scans) with these settings; `None`: such pages stay empty,
    /// and a document without any text is `no_text_layer`.
    pub ocr: Option<OcrOptions>,
}

impl Default for ConvertOptions {
    fn default() -> Self {
        ConvertOptions {
            page_breaks: false,
            max_stream_bytes: 256 * 1024 * 1024,
            threads: 1,
            ocr: None,
        }
    }
}

/// What a successful conversion produced besides the Markdown.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct ConvertStats {
    pub pages: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Present when pages were read by OCR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr: Option<Box<OcrStats>>,
}

#[derive(Debug, Clone)]
pub struct ConvertOutput {
    pub markdown: String,
    pub stats: ConvertStats,
}

/// Why a conversion failed. `code()` is stable and goes into manifests and `--json` output.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("{path}: malformed PDF: {reason}")]
    Malformed { path: PathBuf, reason: String },
    #[error("{path}: PDF is encrypted and needs a user password")]
    Encrypted { path: PathBuf },
    #[error("{path}: no text layer on any of its {pages} page(s) (scanned document?)")]
    NoTextLayer { path: PathBuf, pages: u32 },
    #[error("{path}: PDF too complex: {reason}")]
    TooComplex { path: PathBuf, reason: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: external converter failed: {reason}")]
    External { path: PathBuf, reason: String },
}

/// The stable machine codes of conversion failures: the same strings go into manifests and `--json`
/// output (serialized snake_case, as [`ConvertCode::as_str`] spells them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConvertCode {
    PdfMalformed,
    PdfEncrypted,
    NoTextLayer,
    PdfTooComplex,
    IoError,
    ExternalConverterFailed,
}

impl ConvertCode {
    /// Every code, for tables and tests.
    pub const ALL: [ConvertCode; 6] = [
        ConvertCode::PdfMalformed,
        ConvertCode::PdfEncrypted,
        ConvertCode::NoTextLayer,
        ConvertCode::PdfTooComplex,
        ConvertCode::IoError,
        ConvertCode::ExternalConverterFailed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConvertCode::PdfMalformed => "pdf_malformed",
            ConvertCode::PdfEncrypted => "pdf_encrypted",
            ConvertCode::NoTextLayer => "no_text_layer",
            ConvertCode::PdfTooComplex => "pdf_too_complex",
            ConvertCode::IoError => "io_error",
            ConvertCode::ExternalConverterFailed => "external_converter_failed",
        }
    }

    /// Permanent failures are not retried: the same bytes fail the same way again.
    pub fn is_permanent(self) -> bool {
        self != ConvertCode::IoError
    }
}

impl std::fmt::Display for ConvertCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ConvertError {
    /// Stable machine code.
    pub fn kind(&self) -> ConvertCode {
        match self {
            ConvertError::Malformed { .. } => ConvertCode::PdfMalformed,
            ConvertError::Encrypted { .. } => ConvertCode::PdfEncrypted,
            ConvertError::NoTextLayer { .. } => ConvertCode::NoTextLayer,
            ConvertError::TooComplex { .. } => ConvertCode::PdfTooComplex,
            ConvertError::Io { .. } => ConvertCode::IoError,
            ConvertError::External { .. } => ConvertCode::ExternalConverterFailed,
        }
    }

    /// Stable machine code, as text (`kind().as_str()`).
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }

    /// Permanent failures are not retried by the worker pool.
    pub fn is_permanent(&self) -> bool {
        self.kind().is_permanent()
    }
}

/// Page count, `/Title` and `/Author` of a PDF, without converting it (for converters that produce
/// the Markdown some other way, and for callers that want to look before they convert).
pub fn metadata(input: &Path) -> Result<ConvertStats, ConvertError> {
    let doc = document::Document::open(input)?;
    Ok(ConvertStats {
        pages: u32::try_from(doc.pages).unwrap_or(u32::MAX),
        title: doc.title,
        author: doc.author,
        ..Default::default()
    })
}

/// A PDF -> Markdown converter.
pub trait Converter: Send + Sync {
    /// Short name recorded in manifests (`builtin`, `external`).
    fn name(&self) -> &str;
    /// Version recorded in manifests.
    fn version(&self) -> String;
    fn convert(&self, input: &Path, opts: &ConvertOptions) -> Result<ConvertOutput, ConvertError>;
}

/// The built-in engine: `pdf_oxide` for objects, fonts and text spans; layout analysis and the
/// Markdown writer are ours (see `docs/conversion.md`).
pub struct Builtin;

impl Converter for Builtin {
    fn name(&self) -> &str {
        "builtin"
    }
    fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").to_string()
    }
    /// A panic inside the PDF parser is contained (`pdf_malformed`, see `panics.rs`); a panic in
    /// our own code is not: it unwinds out of here, and the caller reports it as the bug it is.
    fn convert(&self, input: &Path, opts: &ConvertOptions) -> Result<ConvertOutput, ConvertError> {
        let before = panics::own_count();
        let out = engine::convert(input, opts);
        // A page read on a helper thread (`threads` > 1) that panicked in our code left only an
        // unread page behind: raise it here, where a panic on this thread would have ended up.
        if panics::own_count() != before {
            let site = last_own_panic().unwrap_or_default();
            std::panic::resume_unwind(Box::new(format!("engine panicked at {site}")));
        }
        out
    }
}

impl Builtin {
    /// Converts the PDF `data` without opening any file (`path` only names it in messages and
    /// errors): for a process that may not open files. With `opts.ocr`, a document that has pages
    /// OCR would read is not converted (`Ok(None)`): OCR runs programs on files. Panics as
    /// [`Converter::convert`].
    pub fn convert_bytes(
        &self,
        path: &Path,
        data: Vec<u8>,
        opts: &ConvertOptions,
    ) -> Result<Option<ConvertOutput>, ConvertError> {
        let before = panics::own_count();
        let out = engine::convert_with(path, Some(std::sync::Arc::new(data)), opts, true);
        if panics::own_count() != before {
            let site = last_own_panic().unwrap_or_default();
            std::panic::resume_unwind(Box::new(format!("engine panicked at {site}")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::ConvertCode;

    #[test]
    fn codes_serialize_as_their_text() {
        for c in ConvertCode::ALL {
            let json = serde_json::to_string(&c).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
    }
}
