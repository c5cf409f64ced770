//! Tests of table detection (`tables.rs`) on lines placed by hand.
use super::{Hints, find_tables};
use crate::model::{Line, Span};

/// One row of cells at `top`, each a line of its own 100 pt from the last.
fn row(cells: &[&str], top: f32, mono: bool, bold: bool) -> Vec<Line> {
    cells
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let x0 = 50.0 + 100.0 * k as f32;
            let mut s = Span::test(c, x0, x0 + 6.0 * c.len() as f32, top, 10.0);
            (s.mono, s.bold) = (mono, bold);
            Line::from_spans(vec![s])
        })
        .collect()
}

#[test]
fn figures_set_as_code_under_a_header_in_the_texts_font_are_a_table() {
    // "| Table/Library | ttf-parser | FreeType | stb_truetype |" over rows of code ("| `glyf` |
    // `0.901 ms` | ..."): four in five of the lines monospaced read as code with its comments
    // lined up, not a table.
    let mut rows = vec![row(
        &["Table", "ttf-parser", "FreeType", "stb"],
        100.0,
        false,
        true,
    )];
    for (k, name) in ["glyf", "gvar", "CFF", "CFF2"].into_iter().enumerate() {
        let top = 114.0 + 14.0 * k as f32;
        rows.push(row(
            &[name, "0.901 ms", "1.171 ms", "0.675 ms"],
            top,
            true,
            false,
        ));
    }
    let tables = find_tables(&rows, &[], Hints::default());
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].cells.len(), 5, "{:?}", tables[0].cells);
    assert_eq!(tables[0].cells[1][1], "`0.901 ms`");
    // Monospaced rows alone (code whose comments line up) stay text.
    assert!(find_tables(&rows[1..], &[], Hints::default()).is_empty());
}
