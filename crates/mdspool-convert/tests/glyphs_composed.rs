//! Glyphs a producer composes from pieces when the font lacks them: LaTeX's `\texteuro` without a
//! euro glyph draws a "C" and strokes two short bars through it. The Markdown has "€".

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{PageSpec, REG, md_lines};

/// The euro of amounts: a "C" at `x` on baseline `y`, two bars 1.3 pt apart across its left half.
fn euro_amount(p: &mut PageSpec, x: f32, y: f32, digits: &str) {
    p.text(REG, 10.9, x, y, &format!("C{digits}"));
    p.line(x - 0.5, y + 3.3, x + 4.7, y + 3.3);
    p.line(x - 0.5, y + 4.6, x + 4.3, y + 4.6);
}

#[test]
fn a_c_with_two_bars_through_it_is_a_euro_sign() {
    let mut p = PageSpec::default();
    p.text(REG, 10.9, 72.0, 720.0, "The amount due is");
    euro_amount(&mut p, 170.0, 720.0, "26,196.69");
    p.text(REG, 10.9, 72.0, 700.0, "Cache and Copper stay as they are.");
    let md = md_lines(&[p]);
    assert_eq!(
        md,
        [
            "The amount due is €26,196.69",
            "Cache and Copper stay as they are."
        ],
        "{md:#?}"
    );
}
