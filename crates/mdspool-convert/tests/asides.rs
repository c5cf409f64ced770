//! Text set at an angle on an upright page (a stamp up the margin, a diagonal watermark, the
//! turned labels of a drawing) is kept: read in its own direction and written after the page's
//! text as plain paragraphs, without cutting into the page's lines or becoming a heading.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{BOLD, PageSpec, REG, md_lines};

const BODY: [&str; 4] = [
    "The harbour survey was finished in the spring and its figures",
    "were checked against the records of the previous three years,",
    "which showed the same slow rise of the water along the quay.",
    "The council accepted the report without any further changes.",
];

fn body(p: &mut PageSpec) {
    p.text(BOLD, 16.0, 72.0, 720.0, "Harbour Survey");
    p.lines(REG, 10.0, 72.0, 690.0, 14.0, &BODY);
}

#[test]
fn a_stamp_up_the_margin_and_a_diagonal_mark_are_written_after_the_page() {
    let mut p = PageSpec::default();
    body(&mut p);
    // Up the left margin (+90°), and down the right margin (-90°), each over several words.
    p.raw("BT /F1 8 Tf 0 1 -1 0 40 200 Tm (Signed by the harbour master on 2023-03-07) Tj ET");
    p.raw("BT /F1 8 Tf 0 -1 1 0 560 600 Tm (Copy for the council archive) Tj ET");
    // A large watermark at 45°: its size must not make a heading of it.
    p.raw("BT /F2 60 Tf 0.7071 0.7071 -0.7071 0.7071 150 250 Tm (DRAFT COPY) Tj ET");
    let md = md_lines(&[p]);
    assert_eq!(md[0], "# Harbour Survey", "{md:?}");
    // The page's own lines are whole and come first.
    let para = BODY.join(" ");
    assert_eq!(md[1], para, "{md:?}");
    let rest: Vec<&str> = md[2..].iter().map(String::as_str).collect();
    for stamp in [
        "Signed by the harbour master on 2023-03-07",
        "Copy for the council archive",
    ] {
        assert!(rest.contains(&stamp), "{stamp:?} in {md:?}");
    }
    assert!(
        rest.iter()
            .any(|l| l.contains("DRAFT COPY") && !l.starts_with('#')),
        "{md:?}"
    );
    assert_eq!(md.len(), 5, "{md:?}");
}

#[test]
fn upright_text_beside_a_sideways_page_is_kept() {
    // A landscape table printed sideways (most of the text runs up the page) with an upright
    // note and an upright page number at the foot: the note is kept, the number is furniture.
    let mut p = PageSpec::default();
    let rows = [
        "Quay North 12.5 13.1 13.8",
        "Quay South 11.0 11.4 12.2",
        "Old Basin 9.8 10.1 10.9",
        "New Basin 14.2 14.9 15.3",
        "Ferry Dock 8.1 8.8 9.4",
    ];
    for (k, r) in rows.iter().enumerate() {
        let x = 120.0 + 16.0 * k as f32;
        p.raw(&format!("BT /F1 10 Tf 0 1 -1 0 {x} 100 Tm ({r}) Tj ET"));
    }
    p.text(
        REG,
        9.0,
        200.0,
        60.0,
        "Annex B, prepared for the harbour council",
    );
    p.text(REG, 9.0, 300.0, 30.0, "7");
    let md = md_lines(&[p]);
    let text = md.join("\n");
    for r in rows {
        assert!(text.contains(r), "{r:?} in {md:?}");
    }
    assert!(
        md.last()
            .is_some_and(|l| l == "Annex B, prepared for the harbour council"),
        "{md:?}"
    );
}

#[test]
fn a_stamp_on_a_page_drawn_with_its_y_axis_flipped_reads_forwards() {
    // A producer that draws top-down: the page starts with a y flip and each text matrix flips the
    // glyphs back. The stamp runs up the left margin; read with the parser's angle it came out
    // backwards, last letter first.
    let mut p = PageSpec::default();
    let mut ops = String::from("q 1 0 0 -1 0 792 cm\n");
    for (k, l) in BODY.iter().enumerate() {
        let y = 100.0 + 14.0 * k as f32;
        ops.push_str(&format!("BT /F1 10 Tf 1 0 0 -1 72 {y} Tm ({l}) Tj ET\n"));
    }
    ops.push_str("BT /F1 8 Tf 0 -1 -1 0 40 600 Tm (Signed by the harbour master) Tj ET\nQ");
    p.raw(&ops);
    let md = md_lines(&[p]);
    assert_eq!(md[0], BODY.join(" "), "{md:?}");
    assert_eq!(
        md.last().map(String::as_str),
        Some("Signed by the harbour master"),
        "{md:?}"
    );
}
