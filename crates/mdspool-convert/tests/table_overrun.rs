//! Tables as pandoc's LaTeX, groff's `tbl` and Typst set them: fixed-width columns whose long words
//! wrap onto more lines or run over into the next column, a justified cell that pushes a broken
//! word's first part to its edge, and two tables stacked a little apart.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{PageSpec, REG, md_lines};

/// Columns of the five-column tables below (left edges; the first column is 70 pt wide).
const COLS: [f32; 5] = [72.0, 150.0, 220.0, 290.0, 360.0];

/// One table line: the cells at the column edges, `None` for an empty cell.
fn line(p: &mut PageSpec, y: f32, cells: [Option<&str>; 5]) {
    for (x, c) in COLS.iter().zip(cells) {
        if let Some(c) = c {
            p.text(REG, 10.0, *x, y, c);
        }
    }
}

/// A table framed by three rules (top, under the header, bottom), body rows set line by line at
/// the same pitch as the lines of a wrapped cell. The first column's word "Spectrophotometry"
/// runs over into the second column; "Northern expense" and "Temperature 78" wrap.
#[test]
fn booktabs_table_with_wrapped_and_overrunning_cells_keeps_its_columns() {
    let mut p = PageSpec::default();
    let mut y = 700.0;
    p.line(72.0, y + 12.0, 420.0, y + 12.0);
    line(
        &mut p,
        y,
        [
            Some("Item"),
            Some("Category"),
            Some("Rate"),
            Some("Grade"),
            Some("Amount"),
        ],
    );
    p.line(72.0, y - 4.0, 420.0, y - 4.0);
    let body: [[Option<&str>; 5]; 8] = [
        [
            Some("Spectrophotometry"),
            Some("Training"),
            Some("24.692"),
            Some("B"),
            Some("74,370.70"),
        ],
        [
            Some("Velocity"),
            Some("Licences"),
            Some("13.684"),
            Some("A"),
            Some("95,604.62"),
        ],
        [
            Some("Module 68"),
            Some("Services"),
            Some("37.911"),
            Some("C"),
            Some("10,461.03"),
        ],
        [
            Some("Northern"),
            Some("Hardware"),
            Some("27.794"),
            Some("C"),
            Some("25,643.69"),
        ],
        [Some("expense"), None, None, None, None],
        [
            Some("Temperature"),
            Some("Licences"),
            Some("19.298"),
            Some("B"),
            Some("57,652.35"),
        ],
        [Some("78"), None, None, None, None],
        [
            Some("Ballot"),
            Some("Services"),
            Some("1.187"),
            Some("B"),
            Some("80,661.45"),
        ],
    ];
    for row in body {
        y -= 12.0;
        line(&mut p, y, row);
    }
    p.line(72.0, y - 4.0, 420.0, y - 4.0);
    let md = md_lines(&[p]);
    assert_eq!(
        md,
        [
            "| Item | Category | Rate | Grade | Amount |",
            "| --- | --- | --- | --- | --- |",
            "| Spectrophotometry | Training | 24.692 | B | 74,370.70 |",
            "| Velocity | Licences | 13.684 | A | 95,604.62 |",
            "| Module 68 | Services | 37.911 | C | 10,461.03 |",
            "| Northern expense | Hardware | 27.794 | C | 25,643.69 |",
            "| Temperature 78 | Licences | 19.298 | B | 57,652.35 |",
            "| Ballot | Services | 1.187 | B | 80,661.45 |",
        ],
        "{md:#?}"
    );
}

/// The same table without rules: the word that runs over still leaves the columns apart.
#[test]
fn borderless_table_with_an_overrunning_word_keeps_its_columns() {
    let mut p = PageSpec::default();
    let rows = [
        ["Item", "Category", "Rate", "Grade", "Amount"],
        ["Spectrophotometry", "Training", "24.692", "B", "74,370.70"],
        ["Velocity", "Licences", "13.684", "A", "95,604.62"],
        ["Module 68", "Services", "37.911", "C", "10,461.03"],
        ["Ballot", "Services", "1.187", "B", "80,661.45"],
        ["Northern", "Hardware", "27.794", "C", "25,643.69"],
    ];
    for (k, r) in rows.iter().enumerate() {
        line(&mut p, 700.0 - 12.0 * k as f32, r.map(Some));
    }
    let md = md_lines(&[p]);
    assert_eq!(md.len(), 7, "{md:#?}");
    assert_eq!(
        md[0], "| Item | Category | Rate | Grade | Amount |",
        "{md:#?}"
    );
    assert_eq!(
        md[2], "| Spectrophotometry | Training | 24.692 | B | 74,370.70 |",
        "{md:#?}"
    );
}

/// Two borderless tables one under the other, 16 pt apart where their rows are 2 pt apart, with
/// columns in other places: each keeps its own columns.
#[test]
fn two_stacked_tables_with_other_columns_stay_two_tables() {
    let mut p = PageSpec::default();
    let first = [
        ("Item", 72.0),
        ("Count", 160.0),
        ("Priority", 215.0),
        ("Total", 300.0),
    ];
    let first_rows = [
        ["Steep summary", "11,476", "High", "27,215.67"],
        ["Tentative", "11,493", "Medium", "26,792.11"],
        ["Annual library", "5,781", "Low", "84,257.40"],
    ];
    let second = [
        ("Item", 72.0),
        ("Share", 150.0),
        ("Region", 195.0),
        ("Cost", 250.0),
        ("Rate", 330.0),
    ];
    let second_rows = [
        ["Steep schedule", "68.0%", "North", "35,703.79", "35.717"],
        ["Student 66", "2.1%", "South", "53,698.51", "5.668"],
        ["Local membrane", "14.3%", "Central", "26,717.83", "28.209"],
    ];
    let mut y = 700.0;
    for (t, x) in first {
        p.text(REG, 10.0, x, y, t);
    }
    for r in first_rows {
        y -= 12.0;
        for ((_, x), c) in first.iter().zip(r) {
            p.text(REG, 10.0, *x, y, c);
        }
    }
    y -= 26.0;
    for (t, x) in second {
        p.text(REG, 10.0, x, y, t);
    }
    for r in second_rows {
        y -= 12.0;
        for ((_, x), c) in second.iter().zip(r) {
            p.text(REG, 10.0, *x, y, c);
        }
    }
    let md = md_lines(&[p]);
    assert_eq!(
        md,
        [
            "| Item | Count | Priority | Total |",
            "| --- | --- | --- | --- |",
            "| Steep summary | 11,476 | High | 27,215.67 |",
            "| Tentative | 11,493 | Medium | 26,792.11 |",
            "| Annual library | 5,781 | Low | 84,257.40 |",
            "| Item | Share | Region | Cost | Rate |",
            "| --- | --- | --- | --- | --- |",
            "| Steep schedule | 68.0% | North | 35,703.79 | 35.717 |",
            "| Student 66 | 2.1% | South | 53,698.51 | 5.668 |",
            "| Local membrane | 14.3% | Central | 26,717.83 | 28.209 |",
        ],
        "{md:#?}"
    );
}

/// A two-column table right above a four-column one: two tables, though the narrower one has no
/// more columns than the two read as one.
#[test]
fn a_narrow_table_stacked_over_a_wider_one_stays_apart() {
    let mut p = PageSpec::default();
    let narrow = [
        ["Modular velocity", "Mixed"],
        ["Channel", "External"],
        ["External boiler", "Internal"],
        ["Annual estimate", "External"],
    ];
    let wide = [
        ["Item", "Change", "Region", "Status"],
        ["Frame 32", "+3.5", "West", "Active"],
        ["Rural report", "+28.4", "East", "On hold"],
        ["Revenue", "+12.8", "North", "Pending"],
    ];
    let mut y = 700.0;
    for r in narrow {
        p.text(REG, 10.0, 72.0, y, r[0]);
        p.text(REG, 10.0, 250.0, y, r[1]);
        y -= 12.0;
    }
    y -= 14.0;
    for r in wide {
        for (x, c) in [72.0, 160.0, 250.0, 330.0].iter().zip(r) {
            p.text(REG, 10.0, *x, y, c);
        }
        y -= 12.0;
    }
    let md = md_lines(&[p]);
    assert_eq!(
        md,
        [
            "| Modular velocity | Mixed |",
            "| --- | --- |",
            "| Channel | External |",
            "| External boiler | Internal |",
            "| Annual estimate | External |",
            "| Item | Change | Region | Status |",
            "| --- | --- | --- | --- |",
            "| Frame 32 | +3.5 | West | Active |",
            "| Rural report | +28.4 | East | On hold |",
            "| Revenue | +12.8 | North | Pending |",
        ],
        "{md:#?}"
    );
}

/// Typst justifies the lines of a table cell: "Multidisciplinary pre-" spreads over the cell, its
/// broken word's first part alone at the cell's right edge, and "cise packet" goes on under it.
#[test]
fn a_broken_word_pushed_to_a_justified_cell_edge_stays_in_its_cell() {
    let mut p = PageSpec::default();
    let rows: [(&str, Option<&str>, &str, &str); 5] = [
        ("Item", None, "Price", "Priority"),
        ("Longitude 41", None, "24,517.40", "Low"),
        ("Multidisciplinary", Some("pre-"), "90,334.94", "Medium"),
        ("cise packet", None, "", ""),
        ("Mountain 53", None, "26,853.67", "High"),
    ];
    let mut y = 700.0;
    for (name, tail, price, priority) in rows {
        p.text(REG, 10.0, 72.0, y, name);
        if let Some(t) = tail {
            p.text(REG, 10.0, 160.0, y, t);
        }
        if !price.is_empty() {
            p.text(REG, 10.0, 190.0, y, price);
            p.text(REG, 10.0, 260.0, y, priority);
        }
        y -= 12.0;
    }
    let md = md_lines(&[p]);
    assert_eq!(
        md,
        [
            "| Item | Price | Priority |",
            "| --- | --- | --- |",
            "| Longitude 41 | 24,517.40 | Low |",
            "| Multidisciplinary precise packet | 90,334.94 | Medium |",
            "| Mountain 53 | 26,853.67 | High |",
        ],
        "{md:#?}"
    );
}
