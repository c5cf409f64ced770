//! Angles of turned text on pages drawn with a flipped y axis. Some producers (Haru, libraries that
//! draw top-down) start the page with `1 0 0 -1 0 h cm` and set every text matrix with a negative
//! `d` to stand the glyphs upright again. The parser reports a glyph's angle from the text matrix
//! and the page's transformation multiplied in the wrong order (`CTM x Tm` where text space goes
//! through `Tm` first), which is harmless for upright text and for a page transformation that only
//! scales, but under a flipped y axis it gives turned text the opposite angle: a stamp running up
//! the margin is read as running down, letters reversed ("вни" for "инв"). The positions it reports
//! are right, so the flip shows in them: between two glyphs set with the same text matrix shape,
//! a step of the (wrongly composed) matrix's `f` moves the glyph's position the other way in y.
//! When most such pairs on a page say so (and those in x do not), the page's reported angles are
//! negated.

use pdf_oxide::PdfDocument;
use pdf_oxide::layout::TextChar;

/// Pairs of glyphs that must agree before a page counts as flipped.
const MIN_PAIRS: usize = 3;

/// A glyph's reported matrix translation `(e, f)` and its position `(x, y)`.
type Point = (f32, f32, f32, f32);

/// Whether the page's y axis is flipped by its transformation, judged from its characters.
fn y_flipped(chars: &[TextChar]) -> bool {
    // Glyphs by the shape of their reported matrix (size and direction, without the translation).
    let mut by_shape: Vec<([i32; 4], Vec<Point>)> = Vec::new();
    for c in chars {
        let Some(m) = c.matrix else { continue };
        if !(m.iter().all(|v| v.is_finite()) && c.origin_x.is_finite() && c.origin_y.is_finite()) {
            continue;
        }
        let key = [m[0], m[1], m[2], m[3]].map(|v| (v * 100.0).round() as i32);
        let point = (m[4], m[5], c.origin_x, c.origin_y);
        match by_shape.iter_mut().find(|(k, _)| *k == key) {
            Some((_, pts)) => pts.push(point),
            None => by_shape.push((key, vec![point])),
        }
    }
    let (mut x_same, mut x_other, mut y_same, mut y_other) = (0usize, 0usize, 0usize, 0usize);
    for (_, pts) in &mut by_shape {
        // Glyphs on one vertical of the matrix (same `e`) tell how its `f` maps to y; glyphs on one
        // horizontal (same `f`) how its `e` maps to x.
        let (same, other) = tally(pts, |p| p.0, |p| (p.1, p.3));
        (y_same, y_other) = (y_same + same, y_other + other);
        let (same, other) = tally(pts, |p| p.1, |p| (p.0, p.2));
        (x_same, x_other) = (x_same + same, x_other + other);
    }
    y_other >= MIN_PAIRS && y_other > 4 * y_same && x_other * 4 <= x_same.max(1)
}

/// Pairs of glyphs with the same `fixed` matrix coordinate, next to each other in the `moved` one
/// (`(matrix coordinate, position)`), whose position moves the same way (first) or the other way.
fn tally(
    pts: &mut [Point],
    fixed: fn(&Point) -> f32,
    moved: fn(&Point) -> (f32, f32),
) -> (usize, usize) {
    pts.sort_by(|a, b| {
        fixed(a)
            .total_cmp(&fixed(b))
            .then(moved(a).0.total_cmp(&moved(b).0))
    });
    let (mut same, mut other) = (0, 0);
    for w in pts.windows(2) {
        let ((m0, p0), (m1, p1)) = (moved(&w[0]), moved(&w[1]));
        if (fixed(&w[1]) - fixed(&w[0])).abs() < 0.01
            && (m1 - m0).abs() > 0.5
            && (p1 - p0).abs() > 0.1
        {
            if (p1 - p0).signum() == (m1 - m0).signum() {
                same += 1;
            } else {
                other += 1;
            }
        }
    }
    (same, other)
}

/// The page's characters (at most [`super::rotated::MAX_CHARS`]) with their angles as drawn, and
/// whether the page's y axis is flipped (their reported angles were negated then, and the page's
/// spans' must be too).
pub(crate) fn chars(doc: &PdfDocument, index: usize) -> (Vec<TextChar>, bool) {
    let mut chars = doc.extract_chars(index).unwrap_or_default();
    chars.truncate(super::rotated::MAX_CHARS);
    let flipped = y_flipped(&chars);
    if flipped {
        for c in &mut chars {
            c.rotation_degrees = -c.rotation_degrees;
        }
    }
    (chars, flipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A character as the parser reports it under the page transformation `(sx, sy)` (a scale, y
    /// flipped when `sy` is negative, moved down by `h`): text matrix `tm`, drawn at its origin.
    fn reported(tm: [f32; 6], (sx, sy, h): (f32, f32, f32)) -> TextChar {
        let ctm = [sx, 0.0, 0.0, sy, 0.0, h];
        // The parser's order: CTM first, then Tm.
        let m = [
            ctm[0] * tm[0],
            ctm[0] * tm[1],
            ctm[3] * tm[2],
            ctm[3] * tm[3],
            ctm[4] * tm[0] + ctm[5] * tm[2] + tm[4],
            ctm[4] * tm[1] + ctm[5] * tm[3] + tm[5],
        ];
        let (x, y) = (tm[4] * sx, tm[5] * sy + h);
        TextChar {
            char: 'a',
            bbox: pdf_oxide::geometry::Rect::new(x, y, 5.0, 10.0),
            font_name: String::new(),
            font_size: 10.0,
            font_weight: pdf_oxide::layout::FontWeight::Normal,
            is_italic: false,
            is_monospace: false,
            color: pdf_oxide::layout::Color::new(0.0, 0.0, 0.0),
            mcid: None,
            origin_x: x,
            origin_y: y,
            rotation_degrees: m[1].atan2(m[0]).to_degrees(),
            advance_width: 5.0,
            rendered_advance: 5.0,
            ascent: 8.0,
            descent: -2.0,
            matrix: Some(m),
        }
    }

    #[test]
    fn a_flipped_page_is_told_from_its_glyph_positions() {
        // Upright glyphs (`d` negative against the flip) on three lines, and a quarter-turned stamp.
        let lines = |page: (f32, f32, f32)| -> Vec<TextChar> {
            let mut v = Vec::new();
            for k in 0..4 {
                let y = 100.0 + 40.0 * k as f32;
                let d = if page.1 < 0.0 { -10.0 } else { 10.0 };
                v.push(reported([10.0, 0.0, 0.0, d, 50.0, y], page));
                v.push(reported([10.0, 0.0, 0.0, d, 80.0, y], page));
            }
            v
        };
        assert!(y_flipped(&lines((0.24, -0.24, 845.0))));
        assert!(!y_flipped(&lines((0.24, 0.24, 0.0))));
        assert!(!y_flipped(&lines((1.0, 1.0, 0.0))));
    }
}
