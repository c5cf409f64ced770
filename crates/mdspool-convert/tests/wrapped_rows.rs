//! Rows that wrap, and lines that only look like rows:
//! - a bulleted list whose items wrap in a narrow justified column: a line of three words stretched
//!   apart has gaps as wide as a table's, so the bullets and the text read as two columns; a
//!   first column of nothing but bullets, beside one column of text, is a list;
//! - a word processor's table with narrow columns: header cells set at the bottom of a taller
//!   header row (the cells that wrap start a line higher: "Priori" over "ty"), and continuation
//!   lines that fill more than half of the columns with ends of broken words and the rest of a cut
//!   amount (".59" under "$43,568", "2.67" under "$53,46"), stay in their row;
//! - a browser's table whose cells are centred on a first cell wrapped over two lines: the first
//!   line alone above the row's other cells and the second below them are one row.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;
#[allow(dead_code)]
#[path = "support/samples.rs"]
mod samples;

use pdfwriter::{PageSpec, REG, md_lines};

/// Words set one by one from `x`, `gap` points apart (Helvetica widths estimated high, so the real
/// gaps are at least `gap`).
fn spaced(p: &mut PageSpec, size: f32, x: f32, y: f32, words: &[&str], gap: f32) {
    let mut x = x;
    for w in words {
        p.text(REG, size, x, y, w);
        x += w.chars().count() as f32 * 0.6 * size + gap;
    }
}

#[test]
fn a_bulleted_list_in_stretched_justified_lines_is_a_list() {
    let mut p = PageSpec::default();
    p.text(REG, 10.5, 72.0, 720.0, "The ledger names these items.");
    let (bullet, text) = (72.0, 90.0);
    let mut y = 700.0;
    p.text(REG, 10.5, bullet, y, "•");
    p.text(REG, 10.5, text, y, "Cache");
    y -= 14.0;
    p.text(REG, 10.5, bullet, y, "•");
    spaced(
        &mut p,
        10.5,
        text,
        y,
        &["implementation", "linear", "channel"],
        9.5,
    );
    for words in [
        ["satisfies", "whenever", "holds"],
        ["comprehensibility", "station", "preserves"],
        ["optional", "altitude", "slowly"],
    ] {
        y -= 14.0;
        spaced(&mut p, 10.5, text, y, &words, 9.5);
    }
    y -= 14.0;
    p.text(REG, 10.5, bullet, y, "•");
    spaced(
        &mut p,
        10.5,
        text,
        y,
        &["Reliable", "paragraph", "under"],
        14.0,
    );
    y -= 14.0;
    p.text(REG, 10.5, text, y, "current");
    let md = md_lines(&[p]);
    assert!(!md.iter().any(|l| l.starts_with('|')), "{md:#?}");
    let items: Vec<&String> = md.iter().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(items.len(), 3, "{md:#?}");
    assert!(items[1].contains("channel satisfies"), "{md:#?}");
    assert!(items[2].ends_with("under current"), "{md:#?}");
}

/// One line of a table: `cells[c]` at column `c` (empty cells left out).
fn row(p: &mut PageSpec, y: f32, cells: &[&str]) {
    for (c, t) in cells.iter().enumerate() {
        if !t.is_empty() {
            p.text(REG, 9.0, 72.0 + 52.0 * c as f32, y, t);
        }
    }
}

#[test]
fn narrow_table_cells_broken_over_lines_stay_in_their_rows() {
    let mut p = PageSpec::default();
    p.text(
        REG,
        10.0,
        72.0,
        740.0,
        "The inventory of the harbour follows.",
    );
    let mut y = 716.0;
    let mut line = |p: &mut PageSpec, cells: &[&str]| {
        row(p, y, cells);
        y -= 11.0;
    };
    line(
        &mut p,
        &["", "", "Priori", "", "", "Regio", "Grad", "Statu", ""],
    );
    line(
        &mut p,
        &[
            "Item", "Year", "ty", "Weight", "Type", "n", "e", "s", "Total",
        ],
    );
    for (first, second) in [
        (
            [
                "Pump", "2007", "Low", "3.718", "Exter", "North", "B", "Pendi", "$43,568",
            ],
            ["", "", "", "", "nal", "", "", "ng", ".59"],
        ),
        (
            [
                "Fores", "2000", "High", "35.987", "Inter", "Coast", "B", "On", "$36,670",
            ],
            ["t", "", "", "", "nal", "al", "", "hold", ".72"],
        ),
        (
            [
                "Mont", "2011", "Medi", "39.", "Exte", "South", "A", "On", "$53,46",
            ],
            ["hly valve", "", "um", "547", "rnal", "", "", "hold", "2.67"],
        ),
        (
            [
                "Meth", "1996", "Low", "5.673", "Mixe", "Centr", "C", "Close", "$50,748",
            ],
            ["od", "", "", "", "d", "al", "", "d", ".05"],
        ),
    ] {
        line(&mut p, &first);
        line(&mut p, &second);
    }
    line(
        &mut p,
        &[
            "Socket",
            "2003",
            "Low",
            "31.758",
            "Mixed",
            "North",
            "C",
            "Draft",
            "$94,842.47",
        ],
    );
    let md = md_lines(&[p]);
    let rows = samples::table_rows(&md.join("\n"));
    assert_eq!(rows.len(), 6, "a header and five rows: {md:#?}");
    assert_eq!(rows[0][0], "Item", "{md:#?}");
    assert!(rows[0][2].starts_with("Priori"), "{md:#?}");
    for r in &rows[1..] {
        assert!(
            !r[0].is_empty(),
            "a row of its own for a continuation line: {md:#?}"
        );
    }
    assert!(rows[2].join(" ").contains("hold"), "{md:#?}");
    assert!(
        rows[1][8].replace(' ', "").contains("$43,568.59"),
        "{md:#?}"
    );
    // A number cut inside a group of thousands goes on with figures.
    assert!(rows[3][8].contains("2.67"), "{md:#?}");
}

#[test]
fn a_cell_wrapped_over_four_lines_stays_in_its_row() {
    let mut p = PageSpec::default();
    p.text(
        REG,
        12.0,
        72.0,
        740.0,
        "The register of the harbour follows.",
    );
    let mut y = 716.0;
    let cols = [72.0, 142.0, 227.0, 350.0];
    let mut line = |p: &mut PageSpec, cells: &[&str]| {
        for (c, t) in cells.iter().enumerate() {
            if !t.is_empty() {
                p.text(REG, 12.0, cols[c], y, t);
            }
        }
        y -= 14.0;
    };
    line(&mut p, &["Item", "Price", "Cost", "Year"]);
    line(&mut p, &["Sensor", "$89,177.51", "$54,043.11", "1998"]);
    line(&mut p, &["Expe-", "$50,543.66", "$49,166.52", "1997"]);
    line(&mut p, &["rimental"]);
    line(&mut p, &["compres"]);
    line(&mut p, &["sor"]);
    line(&mut p, &["Verdict", "$25,291.98", "$17,322.09", "1993"]);
    line(&mut p, &["Boiler", "$5,749.20", "$3,046.00", "2004"]);
    let md = md_lines(&[p]);
    let rows: Vec<&String> = md.iter().filter(|l| l.starts_with('|')).collect();
    assert_eq!(rows.len(), 6, "a header, its rule and four rows: {md:#?}");
    assert!(
        rows[3].contains("Experimental compressor")
            || rows[3].contains("Expe-rimental compres sor"),
        "{md:#?}"
    );
    assert!(!md.iter().any(|l| l == "sor"), "{md:#?}");
}

#[test]
fn a_wrapped_first_cell_beside_cells_centred_on_it_is_one_row() {
    // A browser's table with `vertical-align: middle`: a name wrapped over two lines, the row's
    // other cells set halfway between them, so the name's first line stands alone above them and
    // its second line below them.
    let mut p = PageSpec::default();
    p.text(
        REG,
        10.0,
        72.0,
        740.0,
        "The survey of the harbour gives these figures.",
    );
    let xs = [72.0, 200.0, 260.0, 330.0, 400.0];
    let header = ["Item", "Units", "Change", "Year", "Amount"];
    let mut y = 715.0;
    for (t, x) in header.iter().zip(xs) {
        p.text(REG, 9.0, x, y, t);
    }
    let rows: [(&[&str], [&str; 4]); 4] = [
        (
            &["Disproportionately", "region"],
            ["11,863", "-13.1", "2012", "$48,227.92"],
        ),
        (&["Capacity 99"], ["9,850", "-18.9", "1990", "$45,131.12"]),
        (
            &["Thermodynamically", "valve"],
            ["6,519", "+6.9", "2005", "$89,750.33"],
        ),
        (&["Horizon"], ["1,687", "+2.6", "2008", "$71,711.96"]),
    ];
    for (name, cells) in rows {
        y -= 16.0;
        if let [first, second] = name {
            // Two lines 12.8 pt apart, the other cells in the middle.
            p.text(REG, 9.0, xs[0], y, first);
            for (t, x) in cells.iter().zip(&xs[1..]) {
                p.text(REG, 9.0, *x, y - 6.4, t);
            }
            y -= 12.8;
            p.text(REG, 9.0, xs[0], y, second);
        } else {
            p.text(REG, 9.0, xs[0], y, name[0]);
            for (t, x) in cells.iter().zip(&xs[1..]) {
                p.text(REG, 9.0, *x, y, t);
            }
        }
    }
    let md = md_lines(&[p]);
    let table: Vec<&String> = md.iter().filter(|l| l.starts_with('|')).collect();
    assert_eq!(table.len(), rows.len() + 2, "{md:#?}");
    assert!(
        md.contains(
            &"| Disproportionately region | 11,863 | -13.1 | 2012 | $48,227.92 |".to_string()
        ),
        "{md:#?}"
    );
    assert!(
        md.contains(&"| Thermodynamically valve | 6,519 | +6.9 | 2005 | $89,750.33 |".to_string()),
        "{md:#?}"
    );
}
