//! Footnotes at the foot of a page, under a short rule in a smaller type, become Markdown footnotes
//! at the end of the document; a short label under a short rule (a signature line) stays where it is.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{PageSpec, REG, md_lines};

fn body(p: &mut PageSpec, first: &str) {
    p.text(REG, 10.0, 72.0, 720.0, first);
    p.text(
        REG,
        10.0,
        72.0,
        706.0,
        "over the protocol, and the catalogue allocates the meadow.",
    );
}

#[test]
fn numbered_notes_under_a_short_rule_go_to_the_end() {
    let mut one = PageSpec::default();
    body(
        &mut one,
        "The device improves the secondary archive along the quarterly line",
    );
    one.line(72.0, 120.0, 210.0, 120.0);
    one.text(
        REG,
        8.0,
        72.0,
        108.0,
        "1The mandatory freight satisfies the crystal.",
    );
    one.text(
        REG,
        8.0,
        72.0,
        98.0,
        "2The organism captures the tissue during the volume and",
    );
    one.text(REG, 8.0, 72.0, 89.0, "restores each protein.");
    let mut two = PageSpec::default();
    body(
        &mut two,
        "The river reports the window between the periodic statute and the",
    );
    let md = md_lines(&[one, two]);
    assert_eq!(
        md,
        [
            "The device improves the secondary archive along the quarterly line over the \
             protocol, and the catalogue allocates the meadow.",
            "The river reports the window between the periodic statute and the over the \
             protocol, and the catalogue allocates the meadow.",
            "[^1]: The mandatory freight satisfies the crystal.",
            "[^2]: The organism captures the tissue during the volume and restores each protein.",
        ],
        "{md:#?}"
    );
}

#[test]
fn a_label_under_a_short_rule_stays_in_place() {
    let mut p = PageSpec::default();
    body(
        &mut p,
        "The device improves the secondary archive along the quarterly line",
    );
    p.line(72.0, 120.0, 210.0, 120.0);
    p.text(REG, 8.0, 72.0, 108.0, "Western office");
    let md = md_lines(&[p]);
    assert_eq!(
        md,
        [
            "The device improves the secondary archive along the quarterly line over the \
             protocol, and the catalogue allocates the meadow.",
            "Western office",
        ],
        "{md:#?}"
    );
}
