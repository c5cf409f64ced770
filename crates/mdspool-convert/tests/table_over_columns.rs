//! A table set across the page right above text in two columns (a browser's multi-column section
//! after a full-width table): the table's last rows leave the gutter free like the columns below,
//! but they stay rows of the table, because their cells start or end where the rows above do.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{BOLD, PageSpec, REG, md_lines};

#[test]
fn the_last_rows_of_a_table_over_two_columns_stay_in_the_table() {
    let mut p = PageSpec::default();
    p.text(
        REG,
        10.0,
        72.0,
        740.0,
        "The survey of the harbour follows below.",
    );
    let rows = [
        ["Item", "Total", "Region", "Cost"],
        ["Volume", "35.10", "Central", "34.38"],
        ["Linear council", "78.31", "South", "94.44"],
        ["Document", "35.58", "West", "73.32"],
        ["Seasonal heap", "52.38", "Central", "76.06"],
        ["Threshold", "67.60", "Coastal", "22.99"],
        ["Galaxy", "82.31", "Central", "64.64"],
    ];
    let mut y = 716.0;
    for r in &rows {
        for (c, t) in r.iter().enumerate() {
            p.text(REG, 10.0, [72.0, 200.0, 340.0, 460.0][c], y, t);
        }
        y -= 15.0;
    }
    let left = [
        "The culture list names the harbour and",
        "the census restores the galaxy during",
        "the temporary tunnel of the turbine and",
        "the vessel influences the section of it",
        "after the river and the central journal.",
    ];
    let right = [
        "The synchronisation organism restores",
        "the boundary during the coastal forecast",
        "and strictly influences each annual filter",
        "which adjusts three hundred measurements",
        "and balances the seasonal interface now.",
    ];
    y -= 6.0;
    for (k, (l, r)) in left.iter().zip(&right).enumerate() {
        let yy = y - 14.0 * k as f32;
        p.text(REG, 10.0, 72.0, yy, l);
        p.text(REG, 10.0, 320.0, yy, r);
    }
    let md = md_lines(&[p]);
    let table: Vec<&String> = md.iter().filter(|l| l.starts_with('|')).collect();
    assert_eq!(table.len(), rows.len() + 1, "{md:#?}");
    assert!(
        table.last().is_some_and(|l| l.contains("Galaxy")),
        "{md:#?}"
    );
    assert!(md.contains(&left.join(" ")), "{md:#?}");
    assert!(md.contains(&right.join(" ")), "{md:#?}");
}

const LEFT_ABOVE: [&str; 4] = [
    "The culture list names the harbour and",
    "the census restores the galaxy during",
    "the temporary tunnel of the turbine and",
    "the vessel influences the section of it.",
];
const RIGHT_ABOVE: [&str; 4] = [
    "The synchronisation organism restores",
    "the boundary during the coastal forecast",
    "and strictly influences each annual filter",
    "which adjusts three hundred measurements.",
];

/// Two columns of prose, then `rows` drawn at the cell positions `xs`, then two columns again.
fn columns_around(rows: &[[&str; 6]], xs: [f32; 6]) -> Vec<String> {
    let mut p = PageSpec::default();
    let mut y = 740.0;
    for (l, r) in LEFT_ABOVE.iter().zip(&RIGHT_ABOVE) {
        p.text(REG, 10.0, 72.0, y, l);
        p.text(REG, 10.0, 320.0, y, r);
        y -= 14.0;
    }
    y -= 8.0;
    for r in rows {
        for (t, x) in r.iter().zip(xs) {
            p.text(REG, 10.0, x, y, t);
        }
        y -= 15.0;
    }
    y -= 8.0;
    for (l, r) in LEFT_ABOVE.iter().zip(&RIGHT_ABOVE) {
        p.text(REG, 10.0, 72.0, y, &l.replace("The", "A"));
        p.text(REG, 10.0, 320.0, y, &r.replace("The", "A"));
        y -= 14.0;
    }
    md_lines(&[p])
}

#[test]
fn a_table_across_both_columns_of_a_column_section_is_one_table() {
    // A browser's multi-column section with a table spanning it: the columns stop above the
    // table and go on below it, and every cell leaves the gutter free.
    let rows = [
        ["Item", "Type", "Grade", "Amount", "Priority", "Count"],
        ["Index", "External", "A", "65,574.56", "Medium", "4,471"],
        ["Device 2", "Mixed", "B", "84,452.41", "Low", "2,275"],
        ["Volume", "External", "B", "3,747.16", "High", "6,042"],
        ["Mandatory", "Mixed", "D", "58,098.59", "High", "4,984"],
    ];
    let md = columns_around(&rows, [72.0, 150.0, 230.0, 320.0, 400.0, 480.0]);
    let table: Vec<&String> = md.iter().filter(|l| l.starts_with('|')).collect();
    assert_eq!(table.len(), rows.len() + 1, "{md:#?}");
    assert_eq!(
        table[0].as_str(),
        "| Item | Type | Grade | Amount | Priority | Count |",
        "{md:#?}"
    );
    assert!(md.contains(&LEFT_ABOVE.join(" ")), "{md:#?}");
    assert!(md.contains(&RIGHT_ABOVE.join(" ")), "{md:#?}");
}

#[test]
fn lists_side_by_side_in_two_columns_stay_in_their_columns() {
    // A bulleted list in each column at the same height: each side is one marker and one item,
    // not cells of a table across the columns.
    let rows = [
        [
            "•",
            "Yes, at the national level",
            "",
            "•",
            "Yes, for every child",
            "",
        ],
        [
            "•",
            "Yes, at the regional level",
            "",
            "•",
            "Yes, for some children",
            "",
        ],
        [
            "•",
            "Yes, at the local level",
            "",
            "•",
            "Only for witnesses",
            "",
        ],
        ["•", "No", "", "•", "No", ""],
    ];
    let md = columns_around(&rows, [72.0, 84.0, 280.0, 320.0, 332.0, 540.0]);
    assert!(!md.iter().any(|l| l.starts_with('|')), "{md:#?}");
    let left = md
        .iter()
        .position(|l| l.contains("Yes, at the local level"));
    let right = md.iter().position(|l| l.contains("Yes, for every child"));
    assert!(left.zip(right).is_some_and(|(l, r)| l < r), "{md:#?}");
}

/// Two columns of `blocks` times four lines (the right one a line longer), then a centred table of
/// `rows` under the header "Item" / "Total": the Markdown must hold the whole table with that
/// header, and the columns.
fn table_under_columns(blocks: usize, rows: &[(&str, &str)]) {
    let mut p = PageSpec::default();
    let mut y = 740.0;
    for b in 0..blocks {
        for (k, r) in RIGHT_ABOVE.iter().enumerate() {
            if let Some(l) = LEFT_ABOVE.get(k).filter(|_| k < 3 || b + 1 < blocks) {
                p.text(REG, 10.0, 72.0, y, l);
            }
            p.text(REG, 10.0, 320.0, y, r);
            y -= 14.0;
        }
    }
    y -= 12.0;
    p.text(BOLD, 9.0, 150.0, y, "Item");
    p.text(BOLD, 9.0, 425.0, y, "Total");
    for (name, amount) in rows {
        y -= 14.0;
        p.text(REG, 9.0, 150.0, y, name);
        p.text(REG, 9.0, 425.0, y, amount);
    }
    let md = md_lines(&[p]);
    let table: Vec<&String> = md.iter().filter(|l| l.starts_with('|')).collect();
    assert_eq!(table.len(), rows.len() + 2, "{md:#?}");
    assert_eq!(table[0].as_str(), "| Item | Total |", "{md:#?}");
    assert!(
        md.iter().any(|l| l.ends_with(&RIGHT_ABOVE.join(" "))),
        "{md:#?}"
    );
}

#[test]
fn the_header_row_of_a_table_under_two_columns_stays_with_its_table() {
    // A centred table right after a two-column section: its header cells ("Item" over the names,
    // "Total" over the amounts) leave the gutter free like the column lines above,
    // the first name under them crosses it, and they start or end where the cells under them do.
    table_under_columns(
        1,
        &[
            ("Infrastructure of the western current area", "76,190.91"),
            ("Bridge 27", "1,717.66"),
            ("Implementation warehouse", "50,135.82"),
            ("Tentative review", "62,311.10"),
        ],
    );
    // Under a longer column section, the first rows under the header leave the gutter free too;
    // the third crosses it.
    table_under_columns(
        3,
        &[
            ("Bridge 27", "1,717.66"),
            ("Tentative review", "62,311.10"),
            ("Infrastructure of the western current area", "76,190.91"),
            ("Implementation warehouse", "50,135.82"),
        ],
    );
}
