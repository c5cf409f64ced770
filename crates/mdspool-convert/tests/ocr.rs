//! OCR of scanned pages, with the real `pdftoppm` and `tesseract`: a scanned page without OCR (off,
//! or the program missing) is `no_text_layer`; with OCR it becomes Markdown with its heading and
//! list, a mixed document keeps the text layer of its born-digital page and reads only the image
//! page, and a page scanned sideways reads upright. Fixtures are made at test time by rendering a
//! page of the test PDF writer and wrapping the image alone in a PDF (`support/scanpdf.rs`).
//!
//! Checked against breakage: with the engine hook removed (`fill_pages` not called) the OCR tests
//! fail with `no_text_layer`; with `turn_upright` returning the boxes unchanged the sideways page
//! loses its heading and reads its words out of order. With the OCR stage as it was before
//! bullets were recognised by shape and strokes measured against each word's own ink level, the
//! field-notes page lost its grey heading and read its drawn bullets as a column of `=`.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;
#[path = "support/scanpdf.rs"]
mod scanpdf;

use std::path::PathBuf;

use mdspool_convert::{ConvertError, ConvertOptions, OcrOptions};
use pdfwriter::{BOLD, PageSpec, REG};
use scanpdf::{Sheet, build, ocr_available, render, turn_clockwise};

/// A one-page report: a large bold title, two paragraphs and a bulleted list.
fn report_page() -> Vec<u8> {
    let mut p = PageSpec::default();
    p.text(BOLD, 22.0, 72.0, 700.0, "Quarterly Harbour Report");
    let body = [
        "The harbour office counted more ships this quarter than in any",
        "quarter before, and the new crane moved twice as many containers.",
        "Repairs to the northern pier are finished and the berth is open.",
    ];
    p.lines(REG, 12.0, 72.0, 660.0, 16.0, &body);
    p.text(BOLD, 15.0, 72.0, 590.0, "Next Steps");
    let items = ["Dredge the eastern channel", "Paint the lighthouse"];
    for (i, l) in items.iter().enumerate() {
        let y = 560.0 - 18.0 * i as f32;
        p.text(REG, 12.0, 80.0, y, "\u{2022}");
        p.text(REG, 12.0, 96.0, y, l);
    }
    p.text(
        REG,
        12.0,
        72.0,
        500.0,
        "The council meets again in the spring to plan the budget.",
    );
    pdfwriter::build(&[p], None, None)
}

fn ocr_opts() -> ConvertOptions {
    ConvertOptions {
        ocr: Some(OcrOptions::default()),
        ..ConvertOptions::default()
    }
}

fn scanned_report(dpi: u32) -> Vec<u8> {
    let pgm = render(&report_page(), dpi);
    build(&[Sheet::Image {
        pgm,
        w: 612.0,
        h: 792.0,
    }])
}

#[test]
fn scan_without_ocr_is_no_text_layer() {
    if !ocr_available() {
        return;
    }
    let pdf = scanned_report(150);
    let err = pdfwriter::convert(&pdf, &ConvertOptions::default()).expect_err("no OCR");
    assert!(
        matches!(err, ConvertError::NoTextLayer { pages: 1, .. }),
        "{err:?}"
    );
    // OCR asked for, but its program is missing: the same outcome, whatever else is installed.
    let missing = ConvertOptions {
        ocr: Some(OcrOptions {
            command: PathBuf::from("/nonexistent/tesseract"),
            ..OcrOptions::default()
        }),
        ..ConvertOptions::default()
    };
    let err = pdfwriter::convert(&pdf, &missing).expect_err("no tesseract");
    assert_eq!(err.code(), "no_text_layer", "{err:?}");
}

#[test]
fn scan_with_ocr_has_heading_paragraphs_and_list() {
    if !ocr_available() {
        return;
    }
    let out = pdfwriter::convert(&scanned_report(200), &ocr_opts()).expect("OCR converts");
    let md = out.markdown;
    assert!(md.contains("# Quarterly Harbour Report\n"), "{md}");
    assert!(md.contains("## Next Steps\n"), "{md}");
    assert!(md.contains("- Dredge the eastern channel\n"), "{md}");
    assert!(
        md.contains("moved twice as many containers. Repairs to the northern pier"),
        "{md}"
    );
    let ocr = out.stats.ocr.expect("OCR stats");
    assert_eq!(ocr.pages, vec![1]);
    assert!(ocr.mean_confidence > 80.0, "{ocr:?}");
    assert_eq!(ocr.languages, vec!["eng".to_string()]);
    assert!(out.stats.warnings.is_empty(), "{:?}", out.stats.warnings);
}

#[test]
fn mixed_document_keeps_its_text_layer_and_reads_only_the_image_page() {
    if !ocr_available() {
        return;
    }
    // Page 1 has a text layer whose words differ from what its glyphs would say to OCR: the text
    // layer must win, and the page must not be rendered or read again.
    let text = "BT /F1 12 Tf 72 700 Td (Born digital page one text layer) Tj ET\n".to_string();
    let pgm = render(&report_page(), 200);
    let pdf = build(&[
        Sheet::Text(text),
        Sheet::Image {
            pgm,
            w: 612.0,
            h: 792.0,
        },
    ]);
    let out = pdfwriter::convert(&pdf, &ocr_opts()).expect("converts");
    let md = out.markdown;
    assert!(md.starts_with("Born digital page one text layer\n"), "{md}");
    assert!(md.contains("Quarterly Harbour Report"), "{md}");
    assert_eq!(out.stats.ocr.expect("OCR stats").pages, vec![2]);
    // Without OCR the born-digital page alone is converted.
    let plain = pdfwriter::convert(&pdf, &ConvertOptions::default()).expect("converts");
    assert_eq!(plain.markdown, "Born digital page one text layer\n");
    assert!(plain.stats.ocr.is_none());
}

#[test]
fn sideways_scan_reads_upright() {
    if !ocr_available() {
        return;
    }
    let pgm = turn_clockwise(&render(&report_page(), 200));
    let pdf = build(&[Sheet::Image {
        pgm,
        w: 792.0,
        h: 612.0,
    }]);
    let out = pdfwriter::convert(&pdf, &ocr_opts()).expect("OCR converts");
    let md = out.markdown;
    assert!(md.contains("# Quarterly Harbour Report\n"), "{md}");
    assert!(md.contains("- Paint the lighthouse\n"), "{md}");
    assert!(
        md.contains("The council meets again in the spring to plan the budget."),
        "{md}"
    );
}

/// A page with what scans of office documents have and a plain text layer would not show: a grey
/// bold heading at nearly the body size, list bullets drawn as small filled squares (no glyph at
/// all), and a table ruled on every side whose rules tesseract would read as `|`.
fn field_notes_page() -> Vec<u8> {
    let mut p = PageSpec::default();
    p.text(BOLD, 20.0, 72.0, 720.0, "Field Survey Notes");
    let body = [
        "The survey team walked the whole ridge in two days and marked",
        "every place where the old path has washed away since the spring.",
    ];
    p.lines(REG, 11.0, 72.0, 685.0, 15.0, &body);
    p.raw("q 0.45 g");
    p.text(BOLD, 12.0, 72.0, 635.0, "Site Conditions");
    p.raw("Q");
    let items = [
        "Loose gravel on the northern slope",
        "Two fallen trees across the lower path",
        "Fresh water at the second spring",
    ];
    for (i, l) in items.iter().enumerate() {
        let y = 610.0 - 17.0 * i as f32;
        p.raw(&format!("q 0 g 80 {} 3.5 3.5 re f Q", y + 2.5));
        p.text(REG, 11.0, 94.0, y, l);
    }
    p.text(
        REG,
        11.0,
        72.0,
        540.0,
        "The counts below are the markers set along each side of the ridge.",
    );
    let (cols, top, row) = ([72.0f32, 200.0, 280.0, 360.0], 520.0f32, 20.0f32);
    let cells = [
        ["Side", "Markers", "Share"],
        ["North", "1,204", "37.5%"],
        ["East", "968", "30.1%"],
        ["South", "1,043", "32.4%"],
    ];
    for (r, cells) in cells.iter().enumerate() {
        let base = top - row * r as f32 - 14.0;
        for (c, t) in cells.iter().enumerate() {
            p.text(REG, 11.0, cols[c] + 6.0, base, t);
        }
    }
    for r in 0..=cells.len() {
        let y = top - row * r as f32;
        p.line(cols[0], y, cols[3], y);
    }
    for x in cols {
        p.line(x, top, x, top - row * cells.len() as f32);
    }
    pdfwriter::build(&[p], None, None)
}

#[test]
fn scan_keeps_grey_bold_headings_drawn_bullets_and_ruled_tables() {
    if !ocr_available() {
        return;
    }
    let pgm = render(&field_notes_page(), 300);
    let pdf = build(&[Sheet::Image {
        pgm,
        w: 612.0,
        h: 792.0,
    }]);
    let md = pdfwriter::convert(&pdf, &ocr_opts())
        .expect("OCR converts")
        .markdown;
    assert!(md.contains("# Field Survey Notes\n"), "{md}");
    assert!(md.contains("# Site Conditions\n"), "{md}");
    for item in [
        "- Loose gravel on the northern slope\n",
        "- Two fallen trees across the lower path\n",
        "- Fresh water at the second spring\n",
    ] {
        assert!(md.contains(item), "{item:?} in\n{md}");
    }
    for row in [
        "| Side | Markers | Share |",
        "| North | 1,204 | 37.5% |",
        "| East | 968 | 30.1% |",
        "| South | 1,043 | 32.4% |",
    ] {
        assert!(md.contains(row), "{row:?} in\n{md}");
    }
    assert!(!md.contains("\\|"), "a rule read as text:\n{md}");
}
