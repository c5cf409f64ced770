//! Table rows come back whole, on the committed sample of the generated corpus
//! (`bench/corpus/sample/PRODUCER`), scored the way `../shared/bench/score.py` scores table rows (a
//! row of the ground truth is found when one output table row holds all its cells):
//! - cells set apart by word spacing and text moves within a few strings (groff `tbl` through
//!   ghostscript);
//! - cells that wrap, words broken inside narrow columns, in a table without rules or padding
//!   (LibreOffice Writer).

use std::path::Path;

use mdspool_convert::{Builtin, ConvertOptions, Converter};

/// Lower-case words of a cell, joined by one space (the scorer's `norm`).
fn norm(cell: &str) -> String {
    cell.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The table rows of a Markdown text, each as its normalised cells (separator rows left out).
fn rows(md: &str) -> Vec<Vec<String>> {
    md.lines()
        .map(str::trim)
        .filter(|l| l.starts_with('|'))
        .filter(|l| !l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')))
        .map(|l| l.trim_matches('|').split('|').map(norm).collect())
        .collect()
}

/// The ground-truth table rows of the sample of `producer` (after skipping the first `skip` of each
/// table) that no output table row holds; and how many were checked.
fn missing(producer: &str, skip: usize) -> (Vec<String>, usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../bench/corpus/sample")
        .join(producer);
    let (mut missing, mut checked) = (Vec::new(), 0);
    for entry in std::fs::read_dir(&dir).expect("sample") {
        let pdf = entry.expect("entry").path();
        if pdf.extension().is_none_or(|x| x != "pdf") {
            continue;
        }
        let truth = std::fs::read_to_string(pdf.with_extension("md")).expect("ground truth");
        let md = Builtin
            .convert(&pdf, &ConvertOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", pdf.display()))
            .markdown;
        let found = rows(&md);
        for table in tables(&truth) {
            for row in table.into_iter().skip(skip) {
                let cells: Vec<&String> = row.iter().filter(|c| !c.is_empty()).collect();
                checked += 1;
                if !found.iter().any(|o| cells.iter().all(|c| o.contains(c))) {
                    missing.push(format!("{}: {row:?}", pdf.display()));
                }
            }
        }
    }
    (missing, checked)
}

/// The tables of a Markdown text, each as its rows of normalised cells.
fn tables(md: &str) -> Vec<Vec<Vec<String>>> {
    let mut out: Vec<Vec<Vec<String>>> = Vec::new();
    let mut open = false;
    for line in md.lines() {
        let table_line = line.trim().starts_with('|');
        if table_line {
            if !open {
                out.push(Vec::new());
            }
            out.last_mut().expect("a table").extend(rows(line));
        }
        open = table_line;
    }
    out
}

#[test]
fn cells_set_apart_by_word_spacing_stay_in_their_columns() {
    let (missing, checked) = missing("groff", 0);
    assert!(missing.is_empty(), "rows not found: {missing:#?}");
    assert!(
        checked >= 10,
        "too few table rows in the sample ({checked})"
    );
}

/// The header row is left out: its cells are set at the foot of the row, so a header that wraps
/// starts above the first line of the table.
#[test]
fn wrapped_cells_and_words_broken_in_narrow_columns_stay_in_their_row() {
    let (missing, checked) = missing("writer", 1);
    assert!(missing.is_empty(), "rows not found: {missing:#?}");
    assert!(checked >= 5, "too few table rows in the sample ({checked})");
}
