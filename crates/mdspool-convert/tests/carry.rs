//! Blocks cut by a page or column end: a list item whose text runs on at the head of the next page,
//! set at the item's text indent, stays one item, even when its first part ended a sentence; a
//! paragraph that starts the next page at its left edge stays a paragraph of its own.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{PageSpec, REG, md_lines};

#[test]
fn a_list_item_cut_by_the_page_end_goes_on_at_its_indent() {
    let mut one = PageSpec::default();
    one.text(
        REG,
        10.0,
        72.0,
        720.0,
        "The ledger names the following inventories.",
    );
    one.text(REG, 10.0, 72.0, 700.0, "1.");
    one.text(REG, 10.0, 90.0, 700.0, "Population of the western harbour");
    one.text(REG, 10.0, 72.0, 686.0, "2.");
    one.text(
        REG,
        10.0,
        90.0,
        686.0,
        "The queue list names the archive and the",
    );
    one.text(REG, 10.0, 90.0, 672.0, "southern office.");
    let mut two = PageSpec::default();
    two.text(
        REG,
        10.0,
        90.0,
        720.0,
        "The village supports the parser over the",
    );
    two.text(
        REG,
        10.0,
        90.0,
        706.0,
        "section and strictly supports each frequency.",
    );
    two.text(
        REG,
        10.0,
        72.0,
        686.0,
        "The option describes the protocol of the survey.",
    );
    let md = md_lines(&[one, two]);
    assert_eq!(
        md,
        [
            "The ledger names the following inventories.",
            "1. Population of the western harbour",
            "2. The queue list names the archive and the southern office. The village supports \
             the parser over the section and strictly supports each frequency.",
            "The option describes the protocol of the survey.",
        ],
        "{md:#?}"
    );
}
