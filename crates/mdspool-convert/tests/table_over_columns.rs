//! A table set across the page right above text in two columns (a browser's multi-column section
//! after a full-width table): the table's last rows leave the gutter free like the columns below,
//! but they stay rows of the table, because their cells start or end where the rows above do.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{PageSpec, REG, md_lines};

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
