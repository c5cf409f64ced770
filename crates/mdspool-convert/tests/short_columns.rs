//! Two-column pages whose columns are hard to prove: two lines of each column above a heading across
//! both (a page that opens with the end of a paragraph), a list in one column beside prose in the
//! other, a right column of three lines where a list ends, and a link rectangle a browser set over
//! part of a heading it does not belong to.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{BOLD, PageSpec, REG, md_lines};

const LEFT: [&str; 4] = [
    "The culture list names the harbour and",
    "the census restores the galaxy during",
    "the temporary tunnel of the turbine and",
    "the vessel influences the section of it.",
];
const RIGHT: [&str; 4] = [
    "The synchronisation organism restores",
    "the boundary during the coastal forecast",
    "and strictly influences each annual filter",
    "which adjusts three hundred measurements.",
];

/// Four rows of two columns from `y` down.
fn columns(p: &mut PageSpec, y: f32) {
    for (k, (l, r)) in LEFT.iter().zip(&RIGHT).enumerate() {
        let yy = y - 14.0 * k as f32;
        p.text(REG, 10.0, 72.0, yy, l);
        p.text(REG, 10.0, 320.0, yy, r);
    }
}

fn position(md: &[String], needle: &str) -> usize {
    md.iter()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in {md:#?}"))
}

#[test]
fn two_lines_of_each_column_above_a_heading_read_column_by_column() {
    let mut p = PageSpec::default();
    p.text(
        REG,
        10.0,
        72.0,
        740.0,
        "branch of the survey and the procedure is",
    );
    p.text(REG, 10.0, 72.0, 726.0, "the one the council gave.");
    p.text(
        REG,
        10.0,
        320.0,
        740.0,
        "The internal colony improves the global",
    );
    p.text(
        REG,
        10.0,
        320.0,
        726.0,
        "protein, which exceeds the offices.",
    );
    p.text(
        BOLD,
        14.0,
        72.0,
        690.0,
        "2 Statistical Ministry Warehouse Membrane",
    );
    columns(&mut p, 660.0);
    let md = md_lines(&[p]);
    let text = md.join("\n");
    assert!(
        text.contains("branch of the survey and the procedure is the one the council gave."),
        "the left column's two lines are one run: {md:#?}"
    );
    assert!(
        position(&md, "the one the council gave") < position(&md, "The internal colony"),
        "{md:#?}"
    );
    assert!(
        text.contains(
            "The internal colony improves the global protein, which exceeds the offices."
        ),
        "{md:#?}"
    );
}

#[test]
fn a_list_in_one_column_beside_prose_in_the_other_is_a_column() {
    let mut p = PageSpec::default();
    let prose = [
        "The longitude increases the invoice during",
        "the multidisciplinary permanent variable.",
        "The linear volume restores the satellite",
        "over the shallow capacity of the region.",
        "The spectrophotometry modern resistance",
        "records the incomprehensibility socket",
        "within the experimental survey. The large",
        "turbine receives the northern system and",
        "during the accurate algorithm, which turns",
        "monitors five hundred and sixty witnesses.",
    ];
    // Bullets and items, with one item wrapped over three lines (indented like its text).
    let list: [(bool, &str); 10] = [
        (true, "Spectrum"),
        (true, "Railway"),
        (true, "The river captures the workflow and"),
        (false, "the density filters the section over"),
        (false, "the secondary council."),
        (true, "Turbine"),
        (true, "Volume"),
        (true, "Density."),
        (true, "Buffer."),
        (true, "Periodic window."),
    ];
    for (k, (l, (bullet, r))) in prose.iter().zip(&list).enumerate() {
        let y = 700.0 - 14.0 * k as f32;
        p.text(REG, 10.0, 72.0, y, l);
        if *bullet {
            p.text(REG, 10.0, 320.0, y, "•");
        }
        p.text(REG, 10.0, 332.0, y, r);
    }
    let md = md_lines(&[p]);
    let text = md.join("\n");
    assert!(
        text.contains(&prose.join(" ")),
        "the prose column is one paragraph: {md:#?}"
    );
    for item in ["- Spectrum", "- Railway", "- Turbine", "- Periodic window."] {
        assert!(md.iter().any(|l| l == item), "{item:?} in {md:#?}");
    }
    assert!(
        md.iter().any(|l| l
            == "- The river captures the workflow and the density filters the section over the secondary council."),
        "{md:#?}"
    );
}

#[test]
fn a_link_rectangle_over_part_of_a_larger_heading_is_not_the_headings() {
    let mut p = PageSpec::default();
    p.text(
        BOLD,
        14.0,
        72.0,
        700.0,
        "Statistical Ministry Warehouse Membrane",
    );
    // Body-sized (12 pt), from the upper part of the heading's letters up into the white above.
    p.link(
        [150.0, 706.0, 190.0, 718.0],
        "https://example.org/misplaced",
    );
    p.text(
        REG,
        10.0,
        72.0,
        660.0,
        "See the agency railway guide for the packet.",
    );
    p.link([92.0, 657.0, 203.0, 669.0], "https://example.org/railway");
    let md = md_lines(&[p]);
    let text = md.join("\n");
    assert!(
        text.contains("Statistical Ministry Warehouse Membrane"),
        "the heading is whole: {md:#?}"
    );
    assert!(!text.contains("misplaced"), "{md:#?}");
    assert!(
        text.contains("[the agency railway guide](https://example.org/railway)"),
        "the body's own link stays: {md:#?}"
    );
}

#[test]
fn a_list_cut_at_the_foot_of_a_column_ends_in_a_short_column_beside_it() {
    let mut p = PageSpec::default();
    let prose = [
        "The longitude filters the stable review, which",
        "explains many abstracts. The hidden policy",
        "increases the hidden invoice and rapidly",
        "reduces each empirical editor, which filters",
        "two hundred processes. The satellite now",
        "normalises the accurate function. The witness",
        "replaces the empirical printer before the",
        "mountain. See the review longitude guide for",
        "the microarchitecture efficient harbour today.",
    ];
    p.lines(REG, 10.0, 57.0, 700.0, 12.0, &prose);
    // The list at the foot of the left column; its last item goes on at the top of the right one,
    // where one more item ends the text.
    p.text(REG, 10.0, 68.0, 580.0, "•");
    p.text(REG, 10.0, 76.0, 580.0, "Robust schedule.");
    p.text(REG, 10.0, 68.0, 566.0, "•");
    p.text(
        REG,
        10.0,
        76.0,
        566.0,
        "The committee balances the photosynthesis",
    );
    p.text(
        REG,
        10.0,
        323.0,
        700.0,
        "shipment between the population and slowly",
    );
    p.text(REG, 10.0, 323.0, 688.0, "each stack.");
    p.text(REG, 10.0, 314.0, 674.0, "•");
    p.text(REG, 10.0, 323.0, 674.0, "Accurate comet.");
    let md = md_lines(&[p]);
    let text = md.join("\n");
    assert!(
        text.contains(&prose.join(" ")),
        "the left column is one paragraph: {md:#?}"
    );
    let items: Vec<&String> = md
        .iter()
        .filter(|l| l.trim_start().starts_with("- "))
        .collect();
    assert_eq!(
        items.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        [
            "- Robust schedule.",
            "- The committee balances the photosynthesis shipment between the population and slowly each stack.",
            "- Accurate comet.",
        ],
        "{md:#?}"
    );
}
