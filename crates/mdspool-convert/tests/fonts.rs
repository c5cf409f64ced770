//! Text-layer fidelity on generated PDFs whose fonts the parser alone reads wrong: a Type3 font's
//! ToUnicode CMap whose `bfrange` array runs over several lines, and a Type3 font whose glyphs are
//! far smaller than its nominal size (its word spaces are judged against the size the glyphs show),
//! ZapfDingbats text that the parser maps to Unicode symbols, a fake bold (each glyph painted four
//! times over itself), and text only an annotation's appearance stream draws (a form field whose
//! stored value is empty, a stamp, a signature field).

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

/// "Hello world again" in codes 0x21.. of the Type3 font built below.
const HELLO: &str = "<212223232425262427232825292A292B2C>";

/// A one-page PDF showing `text` (a hex string) at `size` in a Type3 font of sixteen blank glyphs
/// (codes 0x21..0x30) with advance `width` in glyph space (half that for the space), glyph space scaled by
/// `matrix`, and `cmap` as its ToUnicode CMap.
fn type3_pdf(matrix: f32, width: u32, cmap: &str, text: &str, size: f32) -> Vec<u8> {
    let names: Vec<String> = (1..=16).map(|k| format!("/g{k}")).collect();
    let procs: Vec<String> = names.iter().map(|n| format!("{n} 6 0 R")).collect();
    // The space (code 0x25) is half as wide as the letters.
    let widths: Vec<String> = (0x21..=0x30)
        .map(|c| if c == 0x25 { width / 2 } else { width }.to_string())
        .collect();
    let widths = widths.join(" ");
    let content = format!("BT /T3 {size} Tf 72 700 Td {text} Tj ET\n");
    let font = format!(
        "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 {width} {width}] /FontMatrix [{matrix} 0 0 {matrix} 0 0] \
         /CharProcs << {} >> /Encoding << /Type /Encoding /Differences [33 {}] >> \
         /FirstChar 33 /LastChar 48 /Widths [{widths}] /ToUnicode 7 0 R /Resources << >> >>",
        procs.join(" "),
        names.join(" ")
    );
    let objs = [
        format!("<< /Length 9 >>\nstream\n{width} 0 d0\nendstream"),
        format!("<< /Length {} >>\nstream\n{cmap}endstream", cmap.len()),
    ];
    one_font_pdf(&font, &objs, &content)
}

/// A one-page PDF drawing `content` with `font` (object 5) as its font `/T3`; `objs` become
/// objects 6, 7, ...
fn one_font_pdf(font: &str, objs: &[String], content: &str) -> Vec<u8> {
    pdf_with(font, objs, content, "")
}

/// As [`one_font_pdf`], with `page` added to the page dictionary (`/Annots [7 0 R]`).
fn pdf_with(font: &str, objs: &[String], content: &str, page: &str) -> Vec<u8> {
    let mut all = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /T3 5 0 R >> >> /Contents 4 0 R {page}>>"
        ),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
        font.to_string(),
    ];
    all.extend_from_slice(objs);
    let all: Vec<Vec<u8>> = all.into_iter().map(String::into_bytes).collect();
    pdfwriter::assemble(b"%PDF-1.4\n", &all, "/Root 1 0 R")
}

/// A ToUnicode CMap for codes 0x21..0x30 ("Helo wrdgain" and spares) with `ranges` as its bfrange
/// section.
fn cmap(ranges: &str) -> String {
    format!(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /T def\n/CMapType 2 def\n\
         1 begincodespacerange\n<00> <FF>\nendcodespacerange\n{ranges}endcmap\n\
         CMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
}

fn markdown(pdf: &[u8]) -> String {
    pdfwriter::convert(pdf, &Default::default())
        .expect("converts")
        .markdown
}

#[test]
fn a_tounicode_array_written_over_several_lines_is_read_whole() {
    // One bfrange whose destination array runs over four lines, as some drivers write it.
    let ranges = "1 beginbfrange\n<21><30>[<0048><0065><006C>\n<006F><0020>\n<0077><0072><0064><0061><0067>\n\
                  <0069><006E><0021><0021><0021><0021>]\nendbfrange\n";
    let md = markdown(&type3_pdf(0.001, 500, &cmap(ranges), HELLO, 12.0));
    assert!(md.contains("Hello world again"), "{md}");
}

#[test]
fn words_of_a_type3_font_with_small_glyphs_keep_their_spaces() {
    // Glyphs of a tenth of the nominal size: 5 pt advances at "100 pt".
    let ranges = "1 beginbfrange\n<21> <30> [<0048> <0065> <006C> <006F> <0020> <0077> <0072> <0064> <0061> <0067> <0069> <006E> <0021> <0021> <0021> <0021>]\nendbfrange\n";
    let md = markdown(&type3_pdf(0.0001, 1000, &cmap(ranges), HELLO, 100.0));
    assert!(md.contains("Hello world again"), "{md}");
}

#[test]
fn zapf_dingbats_mapped_to_symbols_keep_them() {
    // Codes 0x21..0x23 of ZapfDingbats are the scissors "✁✂✃"; codes 0xAC..0xAE the circled
    // numbers "①②③".
    let font = "<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>";
    let content = "BT /T3 12 Tf 72 700 Td (!\"#) Tj 0 -20 Td <ACADAE> Tj ET\n";
    let md = markdown(&one_font_pdf(font, &[], content));
    assert!(md.contains("✁✂✃") && md.contains("①②③"), "{md}");
}

#[test]
fn a_fake_bold_painting_each_glyph_four_times_reads_once() {
    // Courier at 12 pt advances 7.2 pt a glyph; each glyph is painted four times in one text
    // object, a quarter point apart across and half a point up (as a print driver simulating
    // bold does).
    let mut page = pdfwriter::PageSpec::default();
    for (i, c) in "Bold words here".chars().enumerate() {
        let mut ops = format!("BT /{} 12 Tf", pdfwriter::MONO);
        for (dx, dy) in [(0.0, 0.0), (0.25, 0.0), (0.0, 0.5), (0.25, 0.5)] {
            let x = 72.0 + 7.2 * i as f32 + dx;
            ops.push_str(&format!(" 1 0 0 1 {x} {} Tm ({c}) Tj", 700.0 + dy));
        }
        page.raw(&format!("{ops} ET"));
    }
    page.text(pdfwriter::REG, 12.0, 72.0, 670.0, "A plain line follows.");
    let lines = pdfwriter::md_lines(&[page]);
    assert!(
        lines.iter().any(|l| l.contains("Bold words here")),
        "{lines:?}"
    );
}

/// A form XObject drawing `text` in Helvetica (object 5), as an annotation's appearance.
fn appearance(text: &str) -> String {
    let ops = format!("/Tx BMC q BT /Helv 10 Tf 2 6 Td ({text}) Tj ET Q EMC\n");
    format!(
        "<< /Type /XObject /Subtype /Form /BBox [0 0 150 20] /Resources << /Font << /Helv 5 0 R >> >> /Length {} >>\nstream\n{ops}endstream",
        ops.len()
    )
}

#[test]
fn text_drawn_only_by_an_annotation_appearance_is_read() {
    // A text field whose stored value is empty while its appearance shows the formatted amount,
    // a stamp whose appearance is text, and a signature field.
    let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
    let objs = [
        appearance("1,234.50"),
        "<< /Type /Annot /Subtype /Widget /FT /Tx /T (amount) /V () /Rect [300 690 450 710] /AP << /N 6 0 R >> /DA (/Helv 10 Tf 0 g) >>".to_string(),
        appearance("APPROVED by J. Smith"),
        "<< /Type /Annot /Subtype /Stamp /Rect [300 500 450 520] /AP << /N 8 0 R >> >>".to_string(),
        // A signature field whose appearance draws its text through a nested form.
        "<< /Type /XObject /Subtype /Form /BBox [0 0 150 20] /Resources << /XObject << /FRM 11 0 R >> >> /Length 8 >>\nstream\n/FRM Do\nendstream".to_string(),
        appearance("Signed by A. Lovelace"),
        "<< /Type /Annot /Subtype /Widget /FT /Sig /T (sig) /Rect [300 300 450 320] /AP << /N 10 0 R >> >>".to_string(),
    ];
    let content = "BT /T3 12 Tf 72 700 Td (Amount due:) Tj 0 -200 Td (Reviewed:) Tj ET\n";
    let md = markdown(&pdf_with(
        font,
        &objs,
        content,
        "/Annots [7 0 R 9 0 R 12 0 R] ",
    ));
    assert!(md.contains("1,234.50"), "{md}");
    assert!(md.contains("APPROVED by J. Smith"), "{md}");
    assert!(md.contains("Signed by A. Lovelace"), "{md}");
}

#[test]
fn the_options_a_list_box_appearance_draws_on_lines_of_their_own_stay_apart() {
    // A list box with nothing selected: its appearance draws each option under the last, each
    // placed by its own text matrix (no line-move operator between them).
    let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
    let ops = "/Tx BMC BT /Helv 12 Tf 1 0 0 1 3 60 Tm (North) Tj 1 0 0 1 3 45 Tm (South) Tj 1 0 0 1 3 30 Tm (East) Tj ET EMC\n";
    let objs = [
        format!(
            "<< /Type /XObject /Subtype /Form /BBox [0 0 150 75] /Resources << /Font << /Helv 5 0 R >> >> /Length {} >>\nstream\n{ops}endstream",
            ops.len()
        ),
        "<< /Type /Annot /Subtype /Widget /FT /Ch /T (side) /Opt [(North) (South) (East)] /Rect [300 620 450 695] /AP << /N 6 0 R >> /DA (/Helv 12 Tf 0 g) >>".to_string(),
    ];
    let content = "BT /T3 12 Tf 72 680 Td (Side of the harbour:) Tj ET\n";
    let md = markdown(&pdf_with(font, &objs, content, "/Annots [7 0 R] "));
    let words: Vec<&str> = md.split_whitespace().collect();
    for w in ["North", "South", "East"] {
        assert!(words.contains(&w), "{w} in {md}");
    }
}
