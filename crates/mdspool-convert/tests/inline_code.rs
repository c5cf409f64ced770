//! Inline code in running text. Browsers set code a size smaller than the text around it
//! (`font-size: 0.85em`); a line whose longest run is code is still a line of its paragraph, not a
//! break in it.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{MONO, PageSpec, REG, md_lines};

#[test]
fn a_line_mostly_of_smaller_code_stays_in_its_paragraph() {
    let mut p = PageSpec::default();
    p.text(
        REG,
        10.5,
        72.0,
        720.0,
        "The abstract reduces the annual archive across the",
    );
    p.text(REG, 10.5, 72.0, 705.7, "agency, and the option");
    p.text(MONO, 9.0, 72.0, 691.4, "protein_compressor_settings");
    p.text(REG, 10.5, 230.0, 691.4, "describes the");
    p.text(
        REG,
        10.5,
        72.0,
        677.1,
        "protocol of the global measurement.",
    );
    let md = md_lines(&[p]);
    assert_eq!(
        md,
        [
            "The abstract reduces the annual archive across the agency, and the option \
          `protein_compressor_settings` describes the protocol of the global measurement."
        ],
        "{md:#?}"
    );
}
