//! Failure classes seen on the documents of `bench/corpus/office.py` (slide decks printed by
//! Impress, spreadsheets printed by Calc), each on a committed sample
//! (`bench/corpus/sample/ROUTE/NAME.{pdf,md}`, the `.md` being what the PDF was made from).

#[path = "support/samples.rs"]
mod samples;

use samples::{missing_headings, sample, table_rows, words};

#[test]
fn nested_numbered_items_ending_a_slide_are_items_not_footnotes() {
    // A slide's last bullet holds items numbered "1.", "2." in a smaller size at the foot of the
    // page: they read as the page's footnotes and left the list for the end of the document.
    let (pdf, truth, md) = sample("impress", "o2-010");
    assert!(
        !md.lines().any(|l| l.starts_with("[^")),
        "{}: list items taken as notes\n{md}",
        pdf.display()
    );
    let nested: Vec<&str> = truth
        .lines()
        .filter(|l| l.starts_with("   1. ") || l.starts_with("   2. "))
        .collect();
    assert!(nested.len() >= 2, "the sample has no nested numbered items");
    for item in nested {
        assert!(
            md.lines()
                .any(|l| l.trim_start().starts_with(char::is_numeric) && words(l) == words(item)),
            "{}: {item:?} is no list item\n{md}",
            pdf.display()
        );
    }
}

#[test]
fn a_one_page_sheet_drops_the_page_head_that_mirrors_its_page_number() {
    // Calc prints the sheet's name centred at the head of each page and "Page N" at its foot, in
    // the same font and size. On a one-page file repetition cannot show the head to be furniture;
    // the foot's page number, on its axis and in its face, does.
    let (pdf, truth, md) = sample("calc", "o2-004");
    assert!(missing_headings(&truth, &md).is_empty(), "{md}");
    assert!(
        !md.contains("Central Station") && !md.contains("Page 1"),
        "{}: page furniture kept\n{md}",
        pdf.display()
    );
    let first = md.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    assert_eq!(
        words(first),
        words(truth.lines().next().unwrap_or("")),
        "{}: the sheet's title does not open the document\n{md}",
        pdf.display()
    );
}

#[test]
fn right_aligned_figures_set_close_to_the_next_columns_words_are_two_cells() {
    // Calc sets a column of right-aligned figures 2 pt from the next column's left-aligned words,
    // less than a word space: "58.6% Training" was one cell under "Share Category".
    let (pdf, truth, md) = sample("calc", "o2-003");
    let found = table_rows(&md);
    for row in table_rows(&truth) {
        assert!(
            found.contains(&row),
            "{}: row {row:?} not found\n{md}",
            pdf.display()
        );
    }
}

#[test]
fn each_sheets_page_head_goes_and_a_bold_totals_row_stays_in_its_table() {
    // Three sheets, a page each: Calc heads each page with its sheet's name (a different one on
    // each page, so repetition cannot find them) over "Page N" at the foot. A sheet's bold
    // "Total" row under its figures ended the table and became a bold paragraph.
    let (pdf, truth, md) = sample("calc", "o3-003");
    let truth_lines: Vec<Vec<String>> = truth.lines().map(words).collect();
    for line in md
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('|'))
    {
        assert!(
            truth_lines.contains(&words(line)),
            "{}: {line:?} is not in the document\n{md}",
            pdf.display()
        );
    }
    let found = table_rows(&md);
    let rows = table_rows(&truth);
    assert!(
        rows.iter().any(|r| r[0] == "Total"),
        "no totals row in the sample"
    );
    for row in rows {
        assert!(
            found.contains(&row),
            "{}: row {row:?} not found\n{md}",
            pdf.display()
        );
    }
}

#[test]
fn a_link_over_part_of_a_line_links_only_the_words_it_covers() {
    // Impress's link rectangle covers "committee kiln guide" inside a list item the parser gave
    // as one span: the whole item became the link's text.
    let (pdf, truth, md) = sample("impress", "o1602-003");
    let link = "[committee kiln guide](https://www.example.org/committee/kiln)";
    assert!(truth.contains(link), "the sample has no such link");
    assert!(
        md.contains(&format!("See the {link} for the analytical freight.")),
        "{}: link not placed on its words\n{md}",
        pdf.display()
    );
}

#[test]
fn a_capital_kerned_in_its_other_copies_keeps_its_word_whole() {
    // In a table set with kerning, two of the three "T"s at the cells' size are kerned ("To",
    // "Te"): their median advance, taken as the width of every "T", left a word gap after the
    // unkerned one ("T hermodynamically").
    let (pdf, truth, md) = sample("impress", "o1602-001");
    assert!(truth.contains("| Thermodynamically frame |"));
    assert!(
        md.contains("| Thermodynamically frame |") && !md.contains("T hermodynamically"),
        "{}: word cut after its capital\n{md}",
        pdf.display()
    );
}
