//! Table rows whose cells are set apart by word spacing and text moves within a few strings (groff
//! `tbl` through ghostscript): every row of the ground truth comes back as one table row with the
//! same cells, on the committed sample of the generated corpus (`bench/corpus/sample/groff`),
//! scored the way `../shared/bench/score.py` scores table rows.

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

#[test]
fn cells_set_apart_by_word_spacing_stay_in_their_columns() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/corpus/sample/groff");
    let mut checked = 0;
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
        for row in rows(&truth) {
            let cells: Vec<&String> = row.iter().filter(|c| !c.is_empty()).collect();
            checked += 1;
            assert!(
                found.iter().any(|o| cells.iter().all(|c| o.contains(c))),
                "{}: row {row:?} is not one table row of the output",
                pdf.display()
            );
        }
    }
    assert!(
        checked >= 10,
        "too few table rows in the sample ({checked})"
    );
}
