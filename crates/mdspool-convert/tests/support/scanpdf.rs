//! Scanned-document fixtures made at test time: a born-digital page (from `pdfwriter.rs`) is
//! rendered by `pdftoppm` to a grey image, which is wrapped, alone on its page, in an image-only PDF
//! (no text layer, like a scanner's output). Pages with text (Helvetica) can sit beside image pages
//! for mixed documents. Also the OCR prerequisites: under `CI=true` a missing program fails.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// One page of a scanned-document fixture.
pub enum Sheet {
    /// Content-stream operators using font `/F1` (Helvetica), on a 612 x 792 page.
    Text(String),
    /// A grey image (binary PGM bytes) filling a page of `w` x `h` points.
    Image { pgm: Vec<u8>, w: f32, h: f32 },
}

/// Whether `tesseract` and `pdftoppm` can run here. Under `CI=true` their absence fails the test
/// (`.ci/run` installs them); elsewhere the test is skipped with a message.
pub fn ocr_available() -> bool {
    let ok = ["tesseract", "pdftoppm"]
        .iter()
        .all(|p| mdspool_convert::find_program(Path::new(p)).is_some());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tesseract and pdftoppm are required under CI=true (.ci/run installs them)"
        );
        eprintln!("skipped: tesseract or pdftoppm not installed");
    }
    ok
}

/// Render page 1 of `pdf` in grey at `dpi` (a binary PGM).
pub fn render(pdf: &[u8], dpi: u32) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join("in.pdf");
    std::fs::write(&src, pdf).expect("write pdf");
    let base = dir.path().join("page");
    let st = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray", "-singlefile"])
        .arg(&src)
        .arg(&base)
        .status()
        .expect("run pdftoppm");
    assert!(st.success(), "pdftoppm failed");
    std::fs::read(dir.path().join("page.pgm")).expect("rendered page")
}

/// Width, height and pixels of a binary PGM.
fn pgm_parts(pgm: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut i = 2;
    while fields.len() < 3 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while pgm[i].is_ascii_digit() {
            i += 1;
        }
        fields.push(
            std::str::from_utf8(&pgm[start..i])
                .unwrap()
                .parse::<usize>()
                .unwrap(),
        );
    }
    let (w, h) = (fields[0], fields[1]);
    (w, h, &pgm[i + 1..i + 1 + w * h])
}

/// The image turned a quarter clockwise (a page scanned sideways).
pub fn turn_clockwise(pgm: &[u8]) -> Vec<u8> {
    let (w, h, px) = pgm_parts(pgm);
    let mut out = format!("P5\n{h} {w}\n255\n").into_bytes();
    for y in 0..w {
        for x in 0..h {
            // New pixel (x, y) comes from old (y, h - 1 - x).
            out.push(px[(h - 1 - x) * w + y]);
        }
    }
    out
}

/// Build the PDF.
pub fn build(sheets: &[Sheet]) -> Vec<u8> {
    let mut objs: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        Vec::new(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    ];
    let mut kids = Vec::new();
    for s in sheets {
        let (content, res, (w, h)) = match s {
            Sheet::Text(ops) => (
                ops.clone(),
                "/Font << /F1 3 0 R >>".to_string(),
                (612.0, 792.0),
            ),
            Sheet::Image { pgm, w, h } => {
                let (iw, ih, px) = pgm_parts(pgm);
                let mut img = format!(
                    "<< /Type /XObject /Subtype /Image /Width {iw} /Height {ih} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length {} >>\nstream\n",
                    px.len()
                )
                .into_bytes();
                img.extend_from_slice(px);
                img.extend_from_slice(b"\nendstream");
                objs.push(img);
                let id = objs.len();
                let ops = format!("q {w} 0 0 {h} 0 0 cm /Im1 Do Q\n");
                (ops, format!("/XObject << /Im1 {id} 0 R >>"), (*w, *h))
            }
        };
        objs.push(
            format!(
                "<< /Length {} >>\nstream\n{content}endstream",
                content.len()
            )
            .into_bytes(),
        );
        let cid = objs.len();
        objs.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Resources << {res} >> /Contents {cid} 0 R >>"
            )
            .into_bytes(),
        );
        kids.push(objs.len());
    }
    let refs: Vec<String> = kids.iter().map(|k| format!("{k} 0 R")).collect();
    objs[1] = format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        refs.join(" "),
        kids.len()
    )
    .into_bytes();
    super::pdfwriter::assemble(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", &objs, "/Root 1 0 R")
}
