//! Table cells as pandoc's LaTeX routes set them: a long word that overruns its fixed-width column
//! and ends closer to the next cell than a word space (the parser reads both as one span), a loose
//! justified paragraph right above a table, a body row whose cells' tops differ by a fraction of a
//! point on a page with a ruled table, a header ruled off from rows that go on without a rule, and
//! a cell of a wide column wrapped onto lines under the last row.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{PageSpec, REG, helvetica_width, md_lines};

/// Rows of cells at the column edges `cols`, one line each from `y` down at a 12 pt pitch.
fn table(p: &mut PageSpec, cols: &[f32], y: f32, rows: &[&[&str]]) {
    for (k, r) in rows.iter().enumerate() {
        for (x, t) in cols.iter().zip(r.iter()) {
            p.text(REG, 10.0, *x, y - 12.0 * k as f32, t);
        }
    }
}

fn has(md: &[String], line: &str) -> bool {
    md.iter().any(|l| l == line)
}

#[test]
fn a_word_overrunning_its_column_up_to_the_next_cell_is_cut_from_it() {
    let mut p = PageSpec::default();
    let long = "Electromagnetic";
    // The next column starts 1.3 pt after the long word's end: less than a word space.
    let x2 = 72.0 + helvetica_width(long, 10.0) + 1.3;
    let rows: [&[&str]; 7] = [
        &["Item", "Amount", "Share", "Region"],
        &["Garden", "92,721.36", "65.6%", "West"],
        &[long, "18,750.41", "45.7%", "East"],
        &["Invoice", "98,160.09", "48.0%", "Coastal"],
        &["Module 7", "55,249.60", "14.8%", "Central"],
        &["Ledger", "53,224.18", "62.5%", "West"],
        &["Signal", "14,062.16", "68.9%", "Coastal"],
    ];
    table(&mut p, &[72.0, x2, x2 + 70.0, x2 + 140.0], 700.0, &rows);
    let md = md_lines(&[p]);
    assert!(has(&md, "| Item | Amount | Share | Region |"), "{md:#?}");
    assert!(
        has(&md, "| Electromagnetic | 18,750.41 | 45.7% | East |"),
        "{md:#?}"
    );
    assert!(has(&md, "| Garden | 92,721.36 | 65.6% | West |"), "{md:#?}");
}

/// Words set one by one (as xelatex does), `gap` apart, the gap after `wide_after` words `wide`.
fn words(p: &mut PageSpec, y: f32, text: &str, gap: f32, wide: (usize, f32)) {
    let mut x = 72.0;
    for (k, w) in text.split(' ').enumerate() {
        p.text(REG, 10.0, x, y, w);
        x += helvetica_width(w, 10.0) + if k + 1 == wide.0 { wide.1 } else { gap };
    }
}

#[test]
fn a_loose_paragraph_right_above_a_table_stays_a_paragraph() {
    let mut p = PageSpec::default();
    // A sentence's end in a loose justified line leaves a gap as wide as a cell gap.
    words(
        &mut p,
        700.0,
        "The national clause satisfies the rule whenever the measure holds for the humidity. In Russian",
        3.5,
        (14, 9.0),
    );
    let rest = [
        "the report says something about the altitude and the experimental record retrieves it",
        "before the buffer beyond the pump, while the historical reader monitors the furnace",
        "and the colony measures the process along the annual contract of the region.",
    ];
    for (k, l) in rest.iter().enumerate() {
        words(&mut p, 688.0 - 12.0 * k as f32, l, 3.5, (0, 0.0));
    }
    let rows: [&[&str]; 6] = [
        &["Item", "Amount", "Share", "Total"],
        &["Algorithm", "26,905.82", "13.4%", "19,830.97"],
        &["Broad forecast", "72,349.64", "58.6%", "73,243.01"],
        &["Shipment", "47,737.19", "50.0%", "75,122.17"],
        &["Molecule 61", "11,271.97", "67.9%", "89,502.15"],
        &["Document", "43,828.46", "30.4%", "69,841.37"],
    ];
    table(&mut p, &[166.0, 276.0, 345.0, 400.0], 635.0, &rows);
    let md = md_lines(&[p]);
    assert!(has(&md, "| Item | Amount | Share | Total |"), "{md:#?}");
    assert!(
        has(&md, "| Algorithm | 26,905.82 | 13.4% | 19,830.97 |"),
        "{md:#?}"
    );
    assert!(
        md.iter()
            .any(|l| l.starts_with("The national clause") && l.contains("In Russian the report")),
        "{md:#?}"
    );
}

/// The rows of a table whose right-hand cells are drawn first and 0.3 pt higher than the left-hand
/// ones (other glyph heights, rounding), on a page that also holds a ruled table.
fn jittered_rows(p: &mut PageSpec, y: f32, body: &[[&str; 4]]) {
    for (k, r) in body.iter().enumerate() {
        let y = y - 12.0 * k as f32;
        p.text(REG, 10.0, 336.0, y + 0.3, r[2]);
        p.text(REG, 10.0, 480.0, y + 0.3, r[3]);
        p.text(REG, 10.0, 72.0, y, r[0]);
        p.text(REG, 10.0, 144.0, y, r[1]);
    }
}

const BODY: [[&str; 4]; 4] = [
    ["333.37", "growth revenue", "987.60", "Account"],
    ["3261", "carrier strategy", "1153", "Leverage"],
    ["2540", "contract capacity", "778.24", "Capacity"],
    ["105.95", "invoice notice", "326", "Freight"],
];

#[test]
fn a_row_whose_cells_sit_a_fraction_higher_on_the_right_is_one_row() {
    let mut p = PageSpec::default();
    // A table ruled row by row at the top of the page.
    for y in [762.0, 748.0, 734.0, 720.0] {
        p.line(72.0, y, 300.0, y);
    }
    table(
        &mut p,
        &[76.0, 180.0],
        752.0,
        &[&["Code", "Name"], &["A1", "Alpha"], &["B2", "Beta"]],
    );
    p.text(
        REG,
        10.0,
        72.0,
        700.0,
        "The rates of the year are listed below.",
    );
    table(
        &mut p,
        &[72.0, 144.0, 336.0, 480.0],
        676.0,
        &[&["Detail", "Horizon operator", "Analysis", "Network"]],
    );
    jittered_rows(&mut p, 664.0, &BODY);
    let md = md_lines(&[p]);
    assert!(has(&md, "| A1 | Alpha |"), "{md:#?}");
    for r in BODY {
        let line = format!("| {} |", r.join(" | "));
        assert!(has(&md, &line), "{line}\n{md:#?}");
    }
}

/// A header between two rules, two of its cells wrapped over two lines, over rows that go on
/// without a rule under them (a page break cuts the table): one table, its header one row.
#[test]
fn a_header_ruled_off_from_its_rows_heads_them() {
    let mut p = PageSpec::default();
    p.text(
        REG,
        10.0,
        72.0,
        740.0,
        "The rates of the year are listed below.",
    );
    p.line(72.0, 722.0, 540.0, 722.0);
    p.text(REG, 10.0, 72.0, 712.0, "Detail");
    p.text(REG, 10.0, 480.0, 712.0, "Network");
    table(
        &mut p,
        &[72.0, 144.0, 336.0, 480.0],
        700.0,
        &[&["evidence", "Horizon operator", "Analysis", "yield"]],
    );
    p.line(72.0, 695.0, 540.0, 695.0);
    jittered_rows(&mut p, 682.0, &BODY);
    let md = md_lines(&[p]);
    assert_eq!(
        md[1..4],
        [
            "| Detail evidence | Horizon operator | Analysis | Network yield |",
            "| --- | --- | --- | --- |",
            "| 333.37 | growth revenue | 987.60 | Account |",
        ],
        "{md:#?}"
    );
    assert_eq!(md.len(), 7, "{md:#?}");
}

#[test]
fn a_wide_cell_wrapped_under_the_last_row_stays_in_it() {
    let mut p = PageSpec::default();
    let rows: [&[&str]; 5] = [
        &["Amount", "Description", "Count", "Region"],
        &["333.37", "growth revenue supplier", "987", "Account"],
        &["3261", "carrier strategy harbour", "1153", "Leverage"],
        &["2540", "contract capacity sample", "778", "Capacity"],
        &["105.95", "invoice notice margin quarter", "326", "Freight"],
    ];
    table(&mut p, &[72.0, 144.0, 336.0, 408.0], 700.0, &rows);
    // The last row's description goes on under it, in its column: wider than a third of the
    // table.
    p.text(REG, 10.0, 144.0, 640.0, "harbour margin transfer analysis");
    p.text(REG, 10.0, 144.0, 628.0, "metric network account workflow");
    p.text(
        REG,
        10.0,
        72.0,
        600.0,
        "The paragraph under the table starts here and runs across the page.",
    );
    let md = md_lines(&[p]);
    assert!(
        has(
            &md,
            "| 105.95 | invoice notice margin quarter harbour margin transfer analysis metric network account workflow | 326 | Freight |"
        ),
        "{md:#?}"
    );
    assert!(
        has(
            &md,
            "The paragraph under the table starts here and runs across the page."
        ),
        "{md:#?}"
    );
}

/// groff's `tbl` sets a row's lines at the text's pitch, rows with no more space between them:
/// a line whose pieces start in lower case under cells of several lines could start a row, but
/// the rest of a word a hyphen broke at the end of a cell's line above can only go on that cell.
#[test]
fn the_rest_of_a_word_broken_in_a_cell_keeps_its_line_in_the_row() {
    let mut p = PageSpec::default();
    let rows: [&[&str]; 7] = [
        &["Delivery", "Utility", "Network"],
        &["evidence pricing justice", "Pricing out-", "Margin"],
        &["quality summary variance", "come"],
        &["transfer outcome budget", "4586", "Supplier de-"],
        &["flow notice receipt", "", "mand"],
        &["Freight invoice justice", "187.22", "3425"],
        &["Ledger storage", "77.10", "Carrier"],
    ];
    table(&mut p, &[90.0, 315.0, 400.0], 700.0, &rows);
    let md = md_lines(&[p]);
    assert_eq!(
        md,
        [
            "| Delivery | Utility | Network |",
            "| --- | --- | --- |",
            "| evidence pricing justice quality summary variance | Pricing outcome | Margin |",
            "| transfer outcome budget flow notice receipt | 4586 | Supplier demand |",
            "| Freight invoice justice | 187.22 | 3425 |",
            "| Ledger storage | 77.10 | Carrier |",
        ],
        "{md:#?}"
    );
}

/// A browser centres a row's cells on its tallest one (`vertical-align: middle`): with two cells
/// wrapped over two and three lines, the row's lines stand half a line apart and overlap.
#[test]
fn cells_centred_half_a_line_apart_are_one_row() {
    let mut p = PageSpec::default();
    let cols = [96.0, 277.0, 338.0, 398.0];
    // (baseline, [cells]) at 12 pt with 18 pt lines: rows 22.5 pt apart at their edges.
    let lines: [(f32, [&str; 4]); 11] = [
        (700.0, ["Detail margin", "Parcel", "Account", "Estimate"]),
        (673.0, ["notice quarter evidence", "", "", ""]),
        (664.0, ["", "Estimate", "", ""]),
        (655.0, ["horizon leverage contract", "", "Margin", "Sample"]),
        (646.0, ["", "carrier", "", ""]),
        (637.0, ["demand", "", "", ""]),
        (614.5, ["receipt contract forecast", "", "", "Contract"]),
        (605.5, ["", "241.13", "Demand", ""]),
        (596.5, ["report vessel threshold", "", "", "storage"]),
        (574.0, ["revenue zone network", "Metric", "2928", "746.78"]),
        (556.0, ["ledger freight metric", "margin", "", ""]),
    ];
    for (y, cells) in lines {
        for (x, t) in cols.iter().zip(cells) {
            if !t.is_empty() {
                p.text(REG, 12.0, *x, y, t);
            }
        }
    }
    let md = md_lines(&[p]);
    assert_eq!(
        md,
        [
            "| Detail margin | Parcel | Account | Estimate |",
            "| --- | --- | --- | --- |",
            "| notice quarter evidence horizon leverage contract demand | Estimate carrier | Margin | Sample |",
            "| receipt contract forecast report vessel threshold | 241.13 | Demand | Contract storage |",
            "| revenue zone network ledger freight metric | Metric margin | 2928 | 746.78 |",
        ],
        "{md:#?}"
    );
}

/// The same in a wider table whose first cells all wrap over two lines: the gaps between the rows
/// are wider than between their lines, and do not part two tables stacked one under the other.
#[test]
fn rows_of_centred_cells_are_one_table() {
    let mut p = PageSpec::default();
    let cols = [96.0, 169.0, 213.0, 267.0, 335.0, 401.0, 462.0];
    let header = [
        "Item", "Count", "Priority", "Total", "Price", "Category", "Cost",
    ];
    for (x, t) in cols.iter().zip(header) {
        p.text(pdfwriter::BOLD, 12.0, *x, 700.0, t);
    }
    let rows: [[&str; 8]; 6] = [
        [
            "Steep",
            "summary",
            "11,476",
            "High",
            "$27,215.67",
            "$26,250.82",
            "Services",
            "$83,243.92",
        ],
        [
            "Tentative",
            "paragraph",
            "11,493",
            "Medium",
            "$26,792.11",
            "$75,734.18",
            "Travel",
            "$98,940.84",
        ],
        [
            "Annual",
            "library",
            "5,781",
            "Low",
            "$84,257.40",
            "$3,667.13",
            "Hardware",
            "$82,777.12",
        ],
        [
            "Member",
            "56",
            "10,299",
            "High",
            "$26,770.74",
            "$23,591.58",
            "Software",
            "$2,672.67",
        ],
        [
            "Accurate",
            "abstract",
            "483",
            "Medium",
            "$80,857.75",
            "$64,200.83",
            "Services",
            "$3,190.83",
        ],
        [
            "Accurate",
            "council",
            "9,086",
            "Low",
            "$48,779.61",
            "$48,919.63",
            "Hardware",
            "$55,014.71",
        ],
    ];
    // Each row: the first cell's two lines 18 pt apart, the other cells centred between them; 22.5
    // pt from a row's last line to the next row's first.
    for (k, r) in rows.iter().enumerate() {
        let y = 677.0 - 40.5 * k as f32;
        p.text(REG, 12.0, 96.0, y, r[0]);
        for (x, t) in cols[1..].iter().zip(&r[2..]) {
            p.text(REG, 12.0, *x, y - 9.0, t);
        }
        p.text(REG, 12.0, 96.0, y - 18.0, r[1]);
    }
    let md = md_lines(&[p]);
    assert_eq!(md.len(), 8, "{md:#?}");
    assert_eq!(
        md[0], "| Item | Count | Priority | Total | Price | Category | Cost |",
        "{md:#?}"
    );
    for r in rows {
        let line = format!("| {} {} | {} |", r[0], r[1], r[2..].join(" | "));
        assert!(has(&md, &line), "{line}\n{md:#?}");
    }
}

/// A word processor sets its header cells at their top: a header cell wrapped over two lines
/// leaves a second bold line under the header, whose words (lower case, like a first body row's
/// may be) are the header cells' rest.
#[test]
fn a_bold_header_wrapped_over_two_lines_is_one_row() {
    let mut p = PageSpec::default();
    let cols = [74.0, 152.0, 230.0, 464.0];
    let bold = pdfwriter::BOLD;
    for (x, t) in cols
        .iter()
        .zip(["Forecast", "Freight", "Supplier estimate", "Metric"])
    {
        p.text(bold, 12.0, *x, 700.0, t);
    }
    p.text(bold, 12.0, 152.0, 686.2, "method");
    p.text(bold, 12.0, 464.0, 686.2, "network");
    let rows: [&[&str]; 4] = [
        &["538.70", "578.03", "network contract knowledge", "Summary"],
        &["Threshold", "Yield", "budget quarter threshold", "4861"],
        &[
            "Pricing ledger",
            "784.19",
            "pricing freight supplier",
            "Margin",
        ],
        &["6504", "Carrier", "analysis operator storage", "Detail"],
    ];
    for (k, r) in rows.iter().enumerate() {
        for (x, t) in cols.iter().zip(r.iter()) {
            p.text(REG, 12.0, *x, 672.4 - 13.8 * k as f32, t);
        }
    }
    let md = md_lines(&[p]);
    assert_eq!(
        md[0], "| Forecast | Freight method | Supplier estimate | Metric network |",
        "{md:#?}"
    );
    assert_eq!(md.len(), 6, "{md:#?}");
}

/// A header cell wrapped over two lines in a browser's table: the other header cells are centred
/// half a line lower, so the wrapped cell's first line stands alone above the header row.
#[test]
fn a_centred_header_cells_first_line_above_the_row_is_in_it() {
    let mut p = PageSpec::default();
    let bold = pdfwriter::BOLD;
    p.text(bold, 12.0, 456.0, 700.0, "Network");
    p.text(bold, 12.0, 198.0, 691.0, "Delivery");
    p.text(bold, 12.0, 376.0, 691.0, "Utility");
    p.text(bold, 12.0, 461.0, 682.0, "budget");
    let rows: [[&str; 3]; 4] = [
        ["Evidence pricing justice", "Pricing", "Margin"],
        ["Transfer outcome budget", "4586", "Supplier"],
        ["Freight invoice justice", "187.22", "3425"],
        ["Contract margin region", "Estimate", "Carrier"],
    ];
    for (k, r) in rows.iter().enumerate() {
        for (x, t) in [96.0, 355.0, 455.0].iter().zip(r) {
            p.text(REG, 12.0, *x, 658.0 - 22.5 * k as f32, t);
        }
    }
    let md = md_lines(&[p]);
    assert_eq!(md[0], "| Delivery | Utility | Network budget |", "{md:#?}");
    assert_eq!(md.len(), 6, "{md:#?}");
}

/// `text` broken into lines no wider than `width` at 12 pt (Helvetica).
fn fill(text: &str, width: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for w in text.split(' ') {
        match lines.last_mut() {
            Some(l) if helvetica_width(&format!("{l} {w}"), 12.0) <= width => {
                l.push(' ');
                l.push_str(w);
            }
            _ => lines.push(w.to_string()),
        }
    }
    lines
}

/// A word processor's table whose cells fill their columns up to a narrow padding (under 0.8 em),
/// a long description in the middle column wrapped over several lines (each of its cells over
/// fifteen words), a bold header: the columns show in where their text starts, row after row,
/// while their text ends raggedly.
#[test]
fn cells_filling_their_columns_up_to_a_narrow_padding_are_a_table() {
    let mut p = PageSpec::default();
    let cols = [(74.0, 87.0), (168.0, 277.0), (449.0, 80.0)];
    let bold = pdfwriter::BOLD_W;
    for ((x, _), t) in cols.iter().zip(["Pricing", "Notice", "Demand receipt"]) {
        p.text(bold, 12.0, *x, 700.0, t);
    }
    let rows: [[&str; 3]; 5] = [
        [
            "Parcel Outcome",
            "vessel supplier knowledge utility policy operator ledger invoice warehouse threshold quarter variance strategy freight customer summary",
            "Vessel quality",
        ],
        [
            "Summary report",
            "policy invoice station strategy parcel schedule yield freight margin notice summary growth vessel demand ledger detail",
            "Warehouse",
        ],
        [
            "443.77",
            "capacity vessel operator schedule warehouse vessel quarter demand invoice harbour quarter method account parcel threshold leverage volume",
            "Threshold",
        ],
        [
            "Supplier",
            "update forecast freight supplier sample policy parcel revenue quarter account parcel demand customer knowledge supplier report utility freight",
            "6075",
        ],
        [
            "Benefit",
            "quarter outcome operator metric delivery quality region outcome margin notice summary growth vessel demand ledger detail receipt",
            "Schedule",
        ],
    ];
    let mut y = 686.2;
    let mut widest = (0.0f32, 0.0f32);
    for r in rows {
        let cells: Vec<Vec<String>> = cols.iter().zip(r).map(|((_, w), t)| fill(t, *w)).collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        for ((x, _), lines) in cols.iter().zip(&cells) {
            for (k, l) in lines.iter().enumerate() {
                p.text(pdfwriter::REG_W, 12.0, *x, y - 13.8 * k as f32, l);
                let end = x + helvetica_width(l, 12.0);
                if *x < 100.0 {
                    widest.0 = widest.0.max(end);
                } else if *x < 400.0 {
                    widest.1 = widest.1.max(end);
                }
            }
        }
        y -= 13.8 * height as f32;
    }
    // The set-up: a line of each column but the last comes within 0.8 em of the next column.
    assert!(
        widest.0 > 168.0 - 9.6 && widest.1 > 449.0 - 9.6,
        "{widest:?}"
    );
    let md = md_lines(&[p]);
    assert_eq!(md[0], "| Pricing | Notice | Demand receipt |", "{md:#?}");
    for r in rows {
        let line = format!("| {} |", r.join(" | "));
        assert!(has(&md, &line), "{line}\n{md:#?}");
    }
}

/// A browser breaks a row across a page: the rest of its tallest cell heads the next page, above
/// the table's header repeated. It goes on that cell, and the table goes on under the header.
#[test]
fn the_rest_of_a_row_a_page_break_cut_goes_on_its_cell() {
    let cols = [72.0, 160.0, 420.0];
    let header: &[&str] = &["Item", "Description", "Count"];
    let mut one = PageSpec::default();
    one.text(
        REG,
        10.0,
        72.0,
        740.0,
        "The stock of the year is listed below.",
    );
    table(
        &mut one,
        &cols,
        700.0,
        &[
            header,
            &["Zone", "analysis justice benefit parcel", "194"],
            &["Margin", "operator revenue leverage", "297"],
            &["Yield", "budget pricing delivery revenue", "986"],
        ],
    );
    let mut two = PageSpec::default();
    two.text(REG, 10.0, 160.0, 760.0, "freight volume delivery revenue");
    table(
        &mut two,
        &cols,
        736.0,
        &[
            header,
            &["Storage", "customer tariff evidence", "2891"],
            &["Update", "invoice revenue transfer", "3702"],
        ],
    );
    let md = md_lines(&[one, two]);
    assert_eq!(
        md[1..],
        [
            "| Item | Description | Count |",
            "| --- | --- | --- |",
            "| Zone | analysis justice benefit parcel | 194 |",
            "| Margin | operator revenue leverage | 297 |",
            "| Yield | budget pricing delivery revenue freight volume delivery revenue | 986 |",
            "| Storage | customer tariff evidence | 2891 |",
            "| Update | invoice revenue transfer | 3702 |",
        ],
        "{md:#?}"
    );
}
