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

#[test]
fn a_page_of_more_code_than_prose_keeps_its_code_block() {
    // A README of short sentences between long examples sets most of its characters in a
    // typewriter face; that face was taken for the body (as in a book set in one) and the code
    // came out as prose.
    let mut p = PageSpec::default();
    let prose = [
        "Paths of either family are typed, so a Unix path never",
        "meets a Windows one by mistake. Normalizing one drops",
        "the dots it holds. Normalize a path:",
    ];
    p.lines(REG, 10.0, 72.0, 740.0, 12.0, &prose);
    let code = [
        "use typed_path::{utils, Utf8UnixPath};",
        "let path = Utf8UnixPath::new(\"/a/b/../c/./d\");",
        "assert_eq!(path.normalize(), Utf8UnixPath::new(\"/a/c/d\"));",
        "let cwd = utils::utf8_current_dir().unwrap();",
    ];
    p.lines(MONO, 10.0, 72.0, 690.0, 12.0, &code);
    let md = md_lines(&[p]);
    let joined = prose.join(" ");
    let mut want = vec![joined.as_str(), "```"];
    want.extend(code);
    want.push("```");
    assert_eq!(md, want, "{md:#?}");
}
