//! Ruled tables one above the other on a page, with prose across the page between them or right
//! one under the other: each is its own table, and the prose stays text between them.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{BOLD, MONO, PageSpec, REG, md_lines};

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

/// A borderless table, then a code block a browser balanced over two columns (its lines side by
/// side, the left one across the gap between the table's last two columns), then a table: the
/// code is no row of either table, and the first table keeps its columns.
#[test]
fn code_side_by_side_under_a_table_is_no_row_of_it() {
    let mut p = PageSpec::default();
    let rows = [
        ["Item", "Count", "Amount"],
        ["Peripheral cargo", "9,003", "82,988.82"],
        ["Inventory", "18,032", "68,355.38"],
        ["Linear crystal", "8,816", "3,074.62"],
        ["Specimen", "17,280", "8,052.76"],
    ];
    for (k, r) in rows.iter().enumerate() {
        let y = 700.0 - 15.0 * k as f32;
        p.text(REG, 9.5, 200.0, y, r[0]);
        p.text(REG, 9.5, 300.0, y, r[1]);
        p.text(REG, 9.5, 350.0, y, r[2]);
    }
    let left = ["; settings", "[algorithm]", "name = \"verdict\""];
    let right = [
        "size = 3068",
        "ratio = 0.06",
        "[verdict.sensor]",
        "enabled = true",
    ];
    p.lines(MONO, 9.0, 72.0, 610.0, 12.0, &left);
    p.lines(MONO, 9.0, 320.0, 622.0, 12.0, &right);
    let second = [
        ["Item", "Total", "Share"],
        ["Experimental evidence", "19,684.04", "65.4%"],
        ["Population 30", "43,396.29", "9.6%"],
        ["Historical publisher", "36,167.32", "90.8%"],
    ];
    for (k, r) in second.iter().enumerate() {
        let y = 560.0 - 15.0 * k as f32;
        p.text(REG, 9.5, 150.0, y, r[0]);
        p.text(REG, 9.5, 330.0, y, r[1]);
        p.text(REG, 9.5, 400.0, y, r[2]);
    }
    let md = md_lines(&[p]);
    let table_rows: Vec<&String> = md.iter().filter(|l| l.starts_with('|')).collect();
    assert_eq!(
        table_rows,
        [
            "| Item | Count | Amount |",
            "| --- | --- | --- |",
            "| Peripheral cargo | 9,003 | 82,988.82 |",
            "| Inventory | 18,032 | 68,355.38 |",
            "| Linear crystal | 8,816 | 3,074.62 |",
            "| Specimen | 17,280 | 8,052.76 |",
            "| Item | Total | Share |",
            "| --- | --- | --- |",
            "| Experimental evidence | 19,684.04 | 65.4% |",
            "| Population 30 | 43,396.29 | 9.6% |",
            "| Historical publisher | 36,167.32 | 90.8% |",
        ],
        "{md:#?}"
    );
    for code in left.iter().chain(&right) {
        assert!(
            md.iter().any(|l| l.contains(code) && !l.starts_with('|')),
            "{code}: {md:#?}"
        );
    }
}
