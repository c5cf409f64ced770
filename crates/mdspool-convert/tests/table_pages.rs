//! Tables a word processor sets in narrow cells and across pages: the rest of a table under its
//! header repeated on the next page (past a footnote set in the body's size under its separator
//! rule), a header cell wrapped above the header row, a word a narrow cell broke in two, and a
//! header row repeated at the foot and the head of two pages over the rows it heads, a table
//! whose header and first row a page break leaves alone at a page foot, and a browser's table whose
//! header cell is centred over a narrower column at a page foot.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{PageSpec, REG, md_lines};

/// A table's rows, each `(y, [(x, text)])`.
fn rows(p: &mut PageSpec, rows: &[(f32, &[(f32, &str)])]) {
    for (y, cells) in rows {
        for (x, t) in *cells {
            p.text(REG, 12.0, *x, *y, t);
        }
    }
}

#[test]
fn a_table_goes_on_under_its_header_repeated_on_the_next_page() {
    let mut one = PageSpec::default();
    one.text(
        REG,
        12.0,
        72.0,
        740.0,
        "The linear invoice is listed below with the rate of each item.",
    );
    rows(
        &mut one,
        &[
            (700.0, &[(72.0, "Item"), (400.0, "Rate")]),
            (684.0, &[(72.0, "Valley"), (400.0, "11.057")]),
            (668.0, &[(72.0, "Report"), (400.0, "9.636")]),
            (652.0, &[(72.0, "Dispute 50"), (400.0, "8.010")]),
        ],
    );
    // The footnote separator and a note in the body's size after a raised mark.
    one.line(72.0, 110.0, 216.0, 110.0);
    one.text(REG, 7.0, 72.0, 100.0, "1");
    one.text(
        REG,
        12.0,
        78.0,
        95.0,
        "The linear invoice transfers the engine during the record.",
    );
    let mut two = PageSpec::default();
    rows(
        &mut two,
        &[
            (740.0, &[(72.0, "Item"), (400.0, "Rate")]),
            (724.0, &[(72.0, "Protocol 88"), (400.0, "44.154")]),
        ],
    );
    two.text(
        REG,
        12.0,
        72.0,
        690.0,
        "The theoretical estimate follows from the rates above.",
    );
    let md = md_lines(&[one, two]);
    let table: Vec<&String> = md.iter().filter(|l| l.starts_with('|')).collect();
    assert_eq!(
        table.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        [
            "| Item | Rate |",
            "| --- | --- |",
            "| Valley | 11.057 |",
            "| Report | 9.636 |",
            "| Dispute 50 | 8.010 |",
            "| Protocol 88 | 44.154 |",
        ],
        "{md:#?}"
    );
    assert!(
        md.iter()
            .any(|l| l.starts_with("[^1]: The linear invoice transfers")),
        "{md:#?}"
    );
}

#[test]
fn a_header_cell_wrapped_above_the_header_row_is_one_cell() {
    let mut p = PageSpec::default();
    p.text(
        REG,
        12.0,
        72.0,
        740.0,
        "The shipments of the year, by category.",
    );
    // "Categor" / "y": the column is too narrow for the word; the other headers sit on its
    // second line.
    p.text(REG, 12.0, 300.0, 707.0, "Categor");
    rows(
        &mut p,
        &[
            (
                693.0,
                &[
                    (72.0, "Item"),
                    (200.0, "Share"),
                    (300.0, "y"),
                    (400.0, "Count"),
                ],
            ),
            (
                677.0,
                &[
                    (72.0, "Revenue"),
                    (200.0, "59.0%"),
                    (300.0, "Software"),
                    (400.0, "14,063"),
                ],
            ),
            (
                663.0,
                &[
                    (72.0, "Pressure"),
                    (200.0, "37.6%"),
                    (300.0, "Licences"),
                    (400.0, "2,482"),
                ],
            ),
            (
                649.0,
                &[
                    (72.0, "Kiln"),
                    (200.0, "39.5%"),
                    (300.0, "Travel"),
                    (400.0, "8,922"),
                ],
            ),
        ],
    );
    let md = md_lines(&[p]);
    let table: Vec<&String> = md.iter().filter(|l| l.starts_with('|')).collect();
    assert_eq!(
        table.first().map(|l| l.as_str()),
        Some("| Item | Share | Category | Count |"),
        "{md:#?}"
    );
    assert_eq!(table.len(), 5, "{md:#?}");
}

#[test]
fn a_word_a_narrow_cell_broke_is_joined_when_the_document_uses_it() {
    let mut p = PageSpec::default();
    p.text(
        REG,
        12.0,
        72.0,
        740.0,
        "The permanent interval converts the nonlinear scanner.",
    );
    // "Perma" / "nent article": the first column wraps at its edge inside the word.
    rows(
        &mut p,
        &[
            (
                700.0,
                &[(72.0, "Item"), (200.0, "Region"), (300.0, "Count")],
            ),
            (
                684.0,
                &[(72.0, "Verdict"), (200.0, "North"), (300.0, "14,075")],
            ),
            (668.0, &[(72.0, "Perma"), (200.0, "North"), (300.0, "664")]),
            (654.0, &[(72.0, "nent article")]),
            (
                638.0,
                &[(72.0, "Election"), (200.0, "West"), (300.0, "4,938")],
            ),
            (
                622.0,
                &[(72.0, "Galaxy"), (200.0, "South"), (300.0, "5,969")],
            ),
        ],
    );
    let md = md_lines(&[p]);
    assert!(
        md.iter()
            .any(|l| l == "| Permanent article | North | 664 |"),
        "{md:#?}"
    );
}

/// A browser repeats a table's header row at the head of every page the table runs onto; with
/// the table starting at the foot of page one, the header row stands in the outer band of two
/// pages of three, like a running header, but over the table's rows it is the table's header.
#[test]
fn a_header_row_repeated_at_a_page_foot_and_head_stays_with_its_table() {
    let prose = "The seasonal revenue of every office is given below with its type and amount.";
    let mut one = PageSpec::default();
    one.text(REG, 12.0, 72.0, 700.0, prose);
    let header: &[(f32, &str)] = &[(72.0, "Item"), (300.0, "Type"), (420.0, "Amount")];
    rows(
        &mut one,
        &[
            (60.0, header),
            (
                44.0,
                &[
                    (72.0, "Shallow revenue"),
                    (300.0, "Internal"),
                    (420.0, "88,181.76"),
                ],
            ),
        ],
    );
    // The header row's rules, above and below it, on both pages.
    one.line(72.0, 73.0, 480.0, 73.0)
        .line(72.0, 56.0, 480.0, 56.0);
    let mut two = PageSpec::default();
    rows(
        &mut two,
        &[
            (760.0, header),
            (
                744.0,
                &[(72.0, "Index 99"), (300.0, "Mixed"), (420.0, "53,826.44")],
            ),
            (
                728.0,
                &[
                    (72.0, "Eastern function"),
                    (300.0, "External"),
                    (420.0, "38,090.19"),
                ],
            ),
            (
                712.0,
                &[
                    (72.0, "Organism 98"),
                    (300.0, "Internal"),
                    (420.0, "53,196.22"),
                ],
            ),
        ],
    );
    two.line(72.0, 773.0, 480.0, 773.0)
        .line(72.0, 756.0, 480.0, 756.0);
    two.text(
        REG,
        12.0,
        72.0,
        680.0,
        "The amounts are rounded to the cent.",
    );
    let mut three = PageSpec::default();
    three.text(
        REG,
        12.0,
        72.0,
        700.0,
        "The offices report again next quarter.",
    );
    let md = md_lines(&[one, two, three]);
    let table: Vec<&str> = md
        .iter()
        .filter(|l| l.starts_with('|'))
        .map(|l| l.as_str())
        .collect();
    assert_eq!(
        table,
        [
            "| Item | Type | Amount |",
            "| --- | --- | --- |",
            "| Shallow revenue | Internal | 88,181.76 |",
            "| Index 99 | Mixed | 53,826.44 |",
            "| Eastern function | External | 38,090.19 |",
            "| Organism 98 | Internal | 53,196.22 |",
        ],
        "{md:#?}"
    );
}

#[test]
fn a_header_and_one_row_at_a_page_foot_under_a_rule_start_the_table() {
    // A word processor's table: a rule under the header row; the page break leaves the header and
    // one row at the foot of the page, the header is repeated on the next.
    let mut one = PageSpec::default();
    one.text(
        REG,
        12.0,
        72.0,
        740.0,
        "The characterisation teacher aggregates the paragraph between the sockets.",
    );
    let header: &[(f32, &str)] = &[(72.0, "Item"), (250.0, "Share"), (400.0, "Rate")];
    rows(
        &mut one,
        &[
            (90.0, header),
            (
                70.0,
                &[(72.0, "Measurement"), (250.0, "17.8%"), (400.0, "11.250")],
            ),
        ],
    );
    one.line(70.0, 85.0, 440.0, 85.0);
    let mut two = PageSpec::default();
    rows(
        &mut two,
        &[
            (740.0, header),
            (
                720.0,
                &[(72.0, "Heap 3"), (250.0, "5.5%"), (400.0, "12.269")],
            ),
            (
                704.0,
                &[(72.0, "Student 95"), (250.0, "14.6%"), (400.0, "17.333")],
            ),
        ],
    );
    two.line(70.0, 735.0, 440.0, 735.0);
    let md = md_lines(&[one, two]);
    let table: Vec<&str> = md
        .iter()
        .filter(|l| l.starts_with('|'))
        .map(|l| l.as_str())
        .collect();
    assert_eq!(
        table,
        [
            "| Item | Share | Rate |",
            "| --- | --- | --- |",
            "| Measurement | 17.8% | 11.250 |",
            "| Heap 3 | 5.5% | 12.269 |",
            "| Student 95 | 14.6% | 17.333 |",
        ],
        "{md:#?}"
    );
}

#[test]
fn a_centred_header_over_a_table_at_a_page_foot_stays_its_header() {
    // A browser's table: "Item" centred over a column of left-aligned names, "Year" right-aligned;
    // the page break leaves the header and two rows at the foot of page 1, the header is repeated
    // at the head of page 2; a third page of prose.
    let prose = |p: &mut PageSpec, y: f32| {
        p.text(
            REG,
            12.0,
            72.0,
            y,
            "The quarterly scanner reports the national abstract and the annual figures below.",
        );
    };
    let header: &[(f32, &str)] = &[(162.0, "Item"), (264.0, "Year")];
    let mut one = PageSpec::default();
    prose(&mut one, 700.0);
    rows(
        &mut one,
        &[
            (87.0, header),
            (64.0, &[(80.0, "Cache"), (264.0, "2004")]),
            (41.0, &[(80.0, "Method 97"), (264.0, "2017")]),
        ],
    );
    let mut two = PageSpec::default();
    rows(
        &mut two,
        &[
            (748.0, header),
            (725.0, &[(80.0, "Customer 49"), (264.0, "2000")]),
            (702.0, &[(80.0, "Historical sample"), (264.0, "2025")]),
            (679.0, &[(80.0, "Sample"), (264.0, "2026")]),
        ],
    );
    prose(&mut two, 600.0);
    let mut three = PageSpec::default();
    prose(&mut three, 700.0);
    let md = md_lines(&[one, two, three]);
    let table: Vec<&str> = md
        .iter()
        .filter(|l| l.starts_with('|'))
        .map(|l| l.as_str())
        .collect();
    assert_eq!(
        table,
        [
            "| Item | Year |",
            "| --- | --- |",
            "| Cache | 2004 |",
            "| Method 97 | 2017 |",
            "| Customer 49 | 2000 |",
            "| Historical sample | 2025 |",
            "| Sample | 2026 |",
        ],
        "{md:#?}"
    );
}
