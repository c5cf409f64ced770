//! Text set at an angle on an upright page: a stamp ("E-SIGNED by … on 2023-03-07"), a margin
//! note running up the side, the labels of a drawing or a chart's axis, a title block's turned
//! cells. It is not part of the page's flow, so it is not laid out with the upright text (it would
//! cut across its lines), but it is content the reader of the page sees, so it is not dropped
//! either: each angle's text is read in its own frame, like a page turned by that angle
//! (`rotated.rs`), and written after the page's own text as plain paragraphs (never headings:
//! a big diagonal "DRAFT" is not a title). Quarter-turned header labels of a table are read with
//! their table instead (`labels.rs`) and are not repeated here.

use pdf_oxide::layout::TextChar;

use super::blocks::Block;
use super::furniture;
use super::labels::{self, Turned};
use super::model::Page;
use super::rotated::{self, Frame};

/// Angles read on one page (the largest groups of characters first); the rest is left out.
const MAX_ANGLES: usize = 8;

/// Share of the page's height at its top and bottom where a page number is furniture.
const EDGE: f32 = 0.12;

/// Characters closer than this to one another's angle (degrees) run in one direction.
const SAME_ANGLE: f32 = 2.0;

/// The text among the page's `chars` (angles as drawn, `flip.rs`) at angles other than `main` (the
/// angle its body was read at: 0 on an upright page, the text's angle on a page turned by
/// `rotated.rs`), one turned page per angle, leaving out the characters of the `taken` header
/// labels. `media` is the media box (llx, lly, urx, ury).
pub(crate) fn pages(
    chars: &[TextChar],
    index: usize,
    media: (f32, f32, f32, f32),
    taken: &[Turned],
    main: f32,
) -> Vec<Page> {
    let mut groups: Vec<(f32, Vec<&TextChar>)> = Vec::new();
    for c in chars {
        let a = c.rotation_degrees;
        if !a.is_finite() || rotated::angle_gap(a, main) < SAME_ANGLE {
            continue;
        }
        if labels::holds(taken, c.origin_x, c.origin_y, a) {
            continue;
        }
        match groups
            .iter_mut()
            .find(|(b, _)| rotated::angle_gap(a, *b) < SAME_ANGLE)
        {
            Some(g) => g.1.push(c),
            None => groups.push((a, vec![c])),
        }
    }
    groups.retain(|(_, cs)| cs.iter().any(|c| !c.char.is_whitespace()));
    groups.sort_by_key(|(_, cs)| std::cmp::Reverse(cs.len()));
    groups.truncate(MAX_ANGLES);
    groups
        .into_iter()
        .map(|(angle, cs)| {
            // Upright text beside a turned page's body is read upright.
            let angle = if rotated::angle_gap(angle, 0.0) <= 1.0 {
                0.0
            } else {
                angle
            };
            let frame = Frame::new(angle, media);
            let glyphs = cs
                .into_iter()
                .filter_map(|c| rotated::glyph_of(c, &frame))
                .collect();
            let mut spans = rotated::spans_from_glyphs(glyphs, &frame);
            if angle == 0.0 {
                // The upright page number at the foot of a page printed sideways.
                let h = frame.height;
                spans.retain(|s| {
                    let outer = s.bottom < EDGE * h || s.top > (1.0 - EDGE) * h;
                    !(outer && furniture::is_page_number(&s.text))
                });
            }
            tracing::trace!(
                "page {}: {} spans of text turned by {angle:.1}°",
                index + 1,
                spans.len()
            );
            frame.page(index, spans)
        })
        .collect()
}

/// Blocks made of an aside's text are written as plain paragraphs: not headings (their size says
/// nothing about the page's outline), not list items. Tables stay tables.
pub(crate) fn quiet(blocks: &mut [Block]) {
    for b in blocks {
        let lines = match b {
            Block::Para(lines) | Block::Item { lines, .. } => std::mem::take(lines),
            _ => continue,
        };
        *b = Block::Aside(lines);
    }
}
