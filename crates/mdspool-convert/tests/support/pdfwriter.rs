//! A tiny PDF writer for the conversion tests: base-14 fonts (Helvetica, Helvetica-Bold, Courier,
//! Helvetica-Oblique) in WinAnsi encoding with `fi`/`fl` ligature glyphs at codes 128/129, text at
//! explicit positions, ruling lines, URI link annotations and an Info dictionary. Font `HEB` is
//! Helvetica whose ToUnicode map reads the capitals `A`..`Z` as the Hebrew letters U+05D0..U+05E9
//! (the glyphs drawn are Latin capitals; only the text layer matters here).

#![allow(dead_code)]

/// Font resource names: regular, bold, monospace, italic.
pub const REG: &str = "F1";
pub const BOLD: &str = "F2";
pub const MONO: &str = "F3";
pub const ITAL: &str = "F4";
pub const HEB: &str = "F5";
/// Helvetica-Bold with a `/Widths` array.
pub const BOLD_W: &str = "F6";
/// Helvetica with a `/Widths` array (`helvetica_width` gives its text's widths).
pub const REG_W: &str = "F7";

/// Advance widths of Helvetica-Bold for codes 32..126 (1/1000 em).
const HELVETICA_BOLD_WIDTHS: &str = "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 611 278 278 556 278 889 611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584";

/// Advance widths of Helvetica for codes 32..126 (1/1000 em), from its font metrics.
const HELVETICA_WIDTHS: &str = "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584";

/// Width in points of ASCII `s` set in Helvetica (`REG`) at `size`.
pub fn helvetica_width(s: &str, size: f32) -> f32 {
    let widths: Vec<f32> = HELVETICA_WIDTHS
        .split(' ')
        .map(|w| w.parse().unwrap_or(556.0))
        .collect();
    s.bytes()
        .map(|b| {
            widths
                .get(usize::from(b).wrapping_sub(32))
                .copied()
                .unwrap_or(556.0)
        })
        .sum::<f32>()
        * size
        / 1000.0
}

#[derive(Default)]
pub struct PageSpec {
    content: String,
    /// Annotation dictionaries (links, form fields, text boxes).
    annots: Vec<String>,
}

impl PageSpec {
    /// Text with its baseline at (x, y) in PDF coordinates (origin bottom-left, 612 x 792 page).
    pub fn text(&mut self, font: &str, size: f32, x: f32, y: f32, s: &str) -> &mut Self {
        let mut esc = String::new();
        for c in s.chars() {
            match c {
                '(' | ')' | '\\' => {
                    esc.push('\\');
                    esc.push(c);
                }
                'ﬁ' => esc.push_str("\\200"),
                'ﬂ' => esc.push_str("\\201"),
                '•' => esc.push_str("\\225"),
                '\u{AD}' => esc.push_str("\\255"),
                c => esc.push(c),
            }
        }
        self.content
            .push_str(&format!("BT /{font} {size} Tf {x} {y} Td ({esc}) Tj ET\n"));
        self
    }

    /// Raw content-stream operators, for text the helpers above cannot draw (rotated, TJ arrays).
    /// Lines of text one under another: the first with its baseline at (x, top), each next one
    /// `leading` points lower.
    pub fn lines(
        &mut self,
        font: &str,
        size: f32,
        x: f32,
        top: f32,
        leading: f32,
        lines: &[&str],
    ) -> &mut Self {
        for (k, line) in lines.iter().enumerate() {
            self.text(font, size, x, top - leading * k as f32, line);
        }
        self
    }

    pub fn raw(&mut self, ops: &str) -> &mut Self {
        self.content.push_str(ops);
        self.content.push('\n');
        self
    }

    pub fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32) -> &mut Self {
        self.content
            .push_str(&format!("0.5 w {x0} {y0} m {x1} {y1} l S\n"));
        self
    }

    pub fn filled_rect(&mut self, x: f32, y: f32, w: f32, h: f32) -> &mut Self {
        self.content
            .push_str(&format!("0.5 g {x} {y} {w} {h} re f\n"));
        self
    }

    pub fn link(&mut self, rect: [f32; 4], uri: &str) -> &mut Self {
        self.annotation(
            rect,
            &format!("/Subtype /Link /Border [0 0 0] /A << /S /URI /URI ({uri}) >>"),
        )
    }

    /// Any annotation: `entries` go into its dictionary beside `/Type /Annot /Rect [..]`.
    pub fn annotation(&mut self, rect: [f32; 4], entries: &str) -> &mut Self {
        self.annots.push(format!(
            "<< /Type /Annot /Rect [{} {} {} {}] {entries} >>",
            rect[0], rect[1], rect[2], rect[3]
        ));
        self
    }
}

/// Build a complete PDF file.
pub fn build(pages: &[PageSpec], title: Option<&str>, author: Option<&str>) -> Vec<u8> {
    let mut objs: Vec<String> = Vec::new(); // object n is objs[n - 1]
    objs.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    objs.push(String::new()); // pages, filled below
    let enc = "<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [128 /fi /fl] >>";
    for base in [
        "Helvetica",
        "Helvetica-Bold",
        "Courier",
        "Helvetica-Oblique",
    ] {
        objs.push(format!(
            "<< /Type /Font /Subtype /Type1 /BaseFont /{base} /Encoding {enc} >>"
        ));
    }
    let mut info = String::from("<< /Producer (mdspool tests)");
    if let Some(t) = title {
        info.push_str(&format!(" /Title ({t})"));
    }
    if let Some(a) = author {
        info.push_str(&format!(" /Author ({a})"));
    }
    info.push_str(" >>");
    objs.push(info); // 7
    objs.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /ToUnicode 9 0 R >>"
            .to_string(),
    ); // 8
    let cmap = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
        /CMapName /Heb def\n/CMapType 2 def\n\
        1 begincodespacerange\n<00> <FF>\nendcodespacerange\n\
        3 beginbfrange\n<20> <40> <0020>\n<41> <5A> <05D0>\n<5B> <7E> <005B>\nendbfrange\n\
        endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    objs.push(format!(
        "<< /Length {} >>\nstream\n{cmap}endstream",
        cmap.len()
    )); // 9
    // F6: Helvetica-Bold with its /Widths written out (codes 32..126, standard metrics).
    objs.push(format!(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 126 /Widths [{HELVETICA_BOLD_WIDTHS}] >>"
    )); // 10
    objs.push(format!(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 126 /Widths [{HELVETICA_WIDTHS}] >>"
    )); // 11
    let mut kids = Vec::new();
    for p in pages {
        let content_id = objs.len() + 1;
        objs.push(format!(
            "<< /Length {} >>\nstream\n{}endstream",
            p.content.len(),
            p.content
        ));
        let mut annots = Vec::new();
        for a in &p.annots {
            annots.push(objs.len() + 1);
            objs.push(a.clone());
        }
        let annots = if annots.is_empty() {
            String::new()
        } else {
            let refs: Vec<String> = annots.iter().map(|a| format!("{a} 0 R")).collect();
            format!(" /Annots [{}]", refs.join(" "))
        };
        kids.push(objs.len() + 1);
        objs.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R /F4 6 0 R /F5 8 0 R /F6 10 0 R /F7 11 0 R >> >> /Contents {content_id} 0 R{annots} >>"
        ));
    }
    let refs: Vec<String> = kids.iter().map(|k| format!("{k} 0 R")).collect();
    objs[1] = format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        refs.join(" "),
        kids.len()
    );
    let objs: Vec<Vec<u8>> = objs.into_iter().map(String::into_bytes).collect();
    assemble(
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        &objs,
        "/Root 1 0 R /Info 7 0 R",
    )
}

/// A PDF file: `header` (the `%PDF-` line, and a comment of binary bytes if wanted), the objects
/// `objs` (object n is `objs[n - 1]`, its body), the cross-reference table, and a trailer with
/// `/Size` and the entries `trailer` (`/Root 1 0 R`...).
pub fn assemble(header: &[u8], objs: &[Vec<u8>], trailer: &str) -> Vec<u8> {
    let mut out = header.to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} {trailer} >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Write the PDF to a temporary file and convert it.
pub fn convert(
    pdf: &[u8],
    opts: &mdspool_convert::ConvertOptions,
) -> Result<mdspool_convert::ConvertOutput, mdspool_convert::ConvertError> {
    use mdspool_convert::Converter;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("in.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    mdspool_convert::Builtin.convert(&path, opts)
}

/// Convert with default options and return the Markdown's non-empty lines.
pub fn md_lines(pages: &[PageSpec]) -> Vec<String> {
    let out = convert(&build(pages, None, None), &Default::default()).expect("converts");
    out.markdown
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}
