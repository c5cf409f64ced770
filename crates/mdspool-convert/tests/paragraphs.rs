//! Paragraph breaks that no vertical gap shows: a list item of two paragraphs set at the pitch of
//! its lines (groff's `-ms` through pandoc), and a run-in heading (LaTeX's `\paragraph`) set in
//! bold a quad before the text it heads.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{BOLD, PageSpec, REG, md_lines};

#[test]
fn a_second_paragraph_of_a_list_item_at_the_line_pitch_is_not_its_first() {
    let mut p = PageSpec::default();
    let items = [
        (
            Some("1."),
            "Water level was read from a fixed staff gauge at each visit.",
        ),
        (
            Some("2."),
            "Salinity was measured with a handheld refractometer.",
        ),
        (
            None,
            "Readings were taken at three depths where the water was deep enough.",
        ),
        (
            Some("3."),
            "Vegetation cover was estimated in one-metre quadrats.",
        ),
    ];
    for (k, (marker, text)) in items.iter().enumerate() {
        let y = 700.0 - 16.8 * k as f32;
        if let Some(m) = marker {
            p.text(REG, 10.0, 92.5, y, m);
        }
        p.text(REG, 10.0, 110.0, y, text);
    }
    // A wrapped item: its first line runs to the column's edge, the second goes on with it.
    p.text(REG, 10.0, 92.5, 620.0, "4.");
    p.text(
        REG,
        10.0,
        110.0,
        620.0,
        "Quadrats were laid every ten metres along each transect from the landward edge to the",
    );
    p.text(
        REG,
        10.0,
        110.0,
        603.2,
        "water line, and their corners marked with stakes.",
    );
    let md = md_lines(&[p]);
    assert_eq!(
        md,
        [
            "1. Water level was read from a fixed staff gauge at each visit.",
            "2. Salinity was measured with a handheld refractometer.",
            "Readings were taken at three depths where the water was deep enough.",
            "3. Vegetation cover was estimated in one-metre quadrats.",
            "4. Quadrats were laid every ten metres along each transect from the landward edge to \
             the water line, and their corners marked with stakes.",
        ],
        "{md:#?}"
    );
}

#[test]
fn a_bold_title_a_quad_before_its_paragraph_is_a_heading() {
    let mut p = PageSpec::default();
    p.text(BOLD, 14.0, 72.0, 720.0, "Methods");
    p.text(
        REG,
        10.0,
        72.0,
        690.0,
        "Sites were chosen from the regional habitat map and visited three times each season.",
    );
    // "Quality control" in bold, its text a quad (10 pt) after it.
    p.text(BOLD, 10.0, 72.0, 660.0, "Quality control");
    p.text(
        REG,
        10.0,
        155.4,
        660.0,
        "All instruments were calibrated before each field week, and readings",
    );
    p.text(
        REG,
        10.0,
        72.0,
        646.0,
        "outside the expected range were repeated once.",
    );
    let md = md_lines(&[p]);
    assert_eq!(
        md,
        [
            "# Methods",
            "Sites were chosen from the regional habitat map and visited three times each season.",
            "## Quality control",
            "All instruments were calibrated before each field week, and readings outside the \
             expected range were repeated once.",
        ],
        "{md:#?}"
    );
}
