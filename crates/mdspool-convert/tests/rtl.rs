//! Right-to-left text on generated PDFs: Hebrew lines (font `HEB`: capitals read as Hebrew letters)
//! drawn in visual order, as one string or word by word in either stream order, with numbers and
//! Latin words inside, come out in logical order.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{HEB, PageSpec, md_lines};

const SIZE: f32 = 12.0;

/// Helvetica advance widths (per 1000 em) of the characters used here.
fn width(s: &str) -> f32 {
    s.chars()
        .map(|c| match c {
            'A' | 'B' | 'E' => 667.0,
            'C' | 'D' | 'H' => 722.0,
            'F' => 611.0,
            'G' => 778.0,
            'I' | ' ' | '/' => 278.0,
            '0'..='9' | 'a' | 'e' | 'g' | 'p' => 556.0,
            _ => 500.0,
        })
        .sum::<f32>()
        * SIZE
        / 1000.0
}

/// Draw `pieces` (left to right on the page, each in visual order) ending at `right`, with a
/// space after those marked, in right-to-left stream order.
fn draw_from_right(p: &mut PageSpec, right: f32, y: f32, pieces: &[(&str, bool)]) {
    let mut x = right;
    for (s, spaced) in pieces.iter().rev() {
        if *spaced {
            x -= width(" ");
        }
        x -= width(s);
        p.text(HEB, SIZE, x, y, s);
    }
}

fn hebrew(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'A'..='Z' => char::from_u32(0x05D0 + (c as u32 - 'A' as u32)).unwrap_or(c),
            c => c,
        })
        .collect()
}

#[test]
fn visual_order_line_in_one_string() {
    let mut p = PageSpec::default();
    // Logical "ABC DEF 1403/09/19", drawn left to right as the eye sees it.
    p.text(HEB, SIZE, 300.0, 700.0, "1403/09/19 FED CBA");
    p.text(HEB, SIZE, 300.0, 670.0, "%50 IHG");
    assert_eq!(
        md_lines(&[p]),
        vec![hebrew("ABC DEF 1403/09/19"), hebrew("GHI %50")]
    );
}

#[test]
fn words_drawn_one_by_one_from_the_right() {
    let mut p = PageSpec::default();
    draw_from_right(&mut p, 500.0, 700.0, &[("FED", true), ("CBA", false)]);
    // A date drawn in pieces, and a Latin phrase, inside Hebrew lines.
    draw_from_right(
        &mut p,
        500.0,
        670.0,
        &[
            ("1403", false),
            ("/", false),
            ("09", false),
            ("/", false),
            ("19", true),
            ("IHG", false),
        ],
    );
    draw_from_right(
        &mut p,
        500.0,
        640.0,
        &[("page", true), ("7", true), ("CBA", false)],
    );
    assert_eq!(
        md_lines(&[p]),
        vec![
            hebrew("ABC DEF"),
            hebrew("GHI 1403/09/19"),
            hebrew("ABC page 7"),
        ]
    );
}
