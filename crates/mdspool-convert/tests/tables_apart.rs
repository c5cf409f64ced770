//! Ruled tables one above the other on a page, with prose across the page between them or right
//! one under the other: each is its own table, and the prose stays text between them.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{BOLD, PageSpec, REG, md_lines};

/// A table with a rule above and below every row, between `x0` and `x1`, from `top` down.
fn ruled_table(p: &mut PageSpec, x0: f32, x1: f32, top: f32, rows: &[[&str; 2]]) -> f32 {
    let mid = (x0 + x1) / 2.0;
    for (k, row) in rows.iter().enumerate() {
        let y = top - 16.0 * k as f32;
        p.line(x0, y, x1, y);
        p.text(REG, 10.0, x0 + 4.0, y - 12.0, row[0]);
        p.text(REG, 10.0, mid + 4.0, y - 12.0, row[1]);
    }
    let bottom = top - 16.0 * rows.len() as f32;
    p.line(x0, bottom, x1, bottom);
    p.line(x0, top, x0, bottom);
    p.line(mid, top, mid, bottom);
    p.line(x1, top, x1, bottom);
    bottom
}

#[test]
fn prose_across_the_page_between_two_ruled_tables_keeps_them_apart() {
    let mut p = PageSpec::default();
    let first = [
        ["Item", "Grade"],
        ["Final parameter", "D"],
        ["Efficient office", "C"],
    ];
    let second = [
        ["Item", "Total"],
        ["Seasonal scanner", "30,038"],
        ["Rapid crane", "79,032"],
    ];
    let y = ruled_table(&mut p, 200.0, 390.0, 720.0, &first);
    p.text(BOLD, 10.0, 72.0, y - 24.0, "Primary Journal Review");
    let prose = [
        "The option combines the approximation comet and the catalogue allocates the modern meadow",
        "under the protocol, while the secondary section confirms the numerical socket beyond it.",
    ];
    for (k, l) in prose.iter().enumerate() {
        p.text(REG, 10.0, 72.0, y - 42.0 - 14.0 * k as f32, l);
    }
    ruled_table(&mut p, 140.0, 450.0, y - 90.0, &second);
    let md = md_lines(&[p]);
    assert_eq!(
        md,
        [
            "| Item | Grade |",
            "| --- | --- |",
            "| Final parameter | D |",
            "| Efficient office | C |",
            "# Primary Journal Review",
            &prose.join(" "),
            "| Item | Total |",
            "| --- | --- |",
            "| Seasonal scanner | 30,038 |",
            "| Rapid crane | 79,032 |",
        ],
        "{md:#?}"
    );
}

/// A table ruled above, under its header and below (booktabs), between `x0` and `x1`, from `top`
/// down; rows 14 pt apart.
fn booktabs(p: &mut PageSpec, x0: f32, x1: f32, top: f32, rows: &[[&str; 2]]) -> f32 {
    p.line(x0, top, x1, top);
    for (k, row) in rows.iter().enumerate() {
        let y = top - 12.0 - 14.0 * k as f32;
        p.text(REG, 10.0, x0 + 2.0, y, row[0]);
        p.text(REG, 10.0, x0 + 0.6 * (x1 - x0), y, row[1]);
        if k == 0 {
            p.line(x0, y - 4.0, x1, y - 4.0);
        }
    }
    let bottom = top - 14.0 * rows.len() as f32 - 4.0;
    p.line(x0, bottom, x1, bottom);
    bottom
}

#[test]
fn two_tables_one_right_under_the_other_stay_apart() {
    let mut p = PageSpec::default();
    let first = [
        ["Item", "Price"],
        ["Urban ledger", "67,648.60"],
        ["Paragraph 29", "84,111.77"],
    ];
    let second = [
        ["Item", "Rate"],
        ["Mandatory comet", "41.533"],
        ["Temporary teacher", "27.989"],
    ];
    let y = booktabs(&mut p, 220.0, 380.0, 720.0, &first);
    booktabs(&mut p, 200.0, 400.0, y - 12.0, &second);
    let md = md_lines(&[p]);
    assert_eq!(
        md,
        [
            "| Item | Price |",
            "| --- | --- |",
            "| Urban ledger | 67,648.60 |",
            "| Paragraph 29 | 84,111.77 |",
            "| Item | Rate |",
            "| --- | --- |",
            "| Mandatory comet | 41.533 |",
            "| Temporary teacher | 27.989 |",
        ],
        "{md:#?}"
    );
}
