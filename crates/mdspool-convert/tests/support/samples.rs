//! The committed samples of the generated corpora (`bench/corpus/sample/ROUTE/NAME.{pdf,md}`, the
//! `.md` being the Markdown the PDF was made from), converted, and the scorer's ways of reading
//! Markdown: its words and its headings.

use std::path::{Path, PathBuf};

use mdspool_convert::{Builtin, ConvertOptions, Converter};

/// The sample's PDF path, its ground truth and its conversion.
pub fn sample(route: &str, name: &str) -> (PathBuf, String, String) {
    let pdf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../bench/corpus/sample")
        .join(route)
        .join(format!("{name}.pdf"));
    let truth = std::fs::read_to_string(pdf.with_extension("md"))
        .unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
    let md = Builtin
        .convert(&pdf, &ConvertOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", pdf.display()))
        .markdown;
    (pdf, truth, md)
}

/// Lower-case words, Markdown punctuation dropped (as the scorer reads text).
pub fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The headings of a Markdown text (`#` lines, and lines wholly bold, as the scorer counts them),
/// each as its words joined by spaces.
pub fn headings(md: &str) -> Vec<String> {
    md.lines()
        .map(str::trim)
        .filter_map(|l| {
            l.strip_prefix('#').or_else(|| {
                l.strip_prefix("**")
                    .and_then(|b| b.strip_suffix("**"))
                    .filter(|b| !b.contains("**"))
            })
        })
        .map(|h| words(h).join(" "))
        .collect()
}

/// The ground truth's headings that the output does not write as headings.
pub fn missing_headings(truth: &str, md: &str) -> Vec<String> {
    let found = headings(md);
    headings(truth)
        .into_iter()
        .filter(|h| !found.contains(h))
        .collect()
}

/// The rows of the Markdown tables of `md`, each as its trimmed cells (rule rows left out).
#[allow(dead_code)] // not every test file reads tables
pub fn table_rows(md: &str) -> Vec<Vec<String>> {
    md.lines()
        .map(str::trim)
        .filter(|l| l.starts_with('|') && !l.contains("---"))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}
