//! Pages whose text runs at an angle: a landscape table printed sideways on a portrait page, a
//! print-out turned by a quarter, a stamp set diagonally, vertical Japanese or Chinese writing. The
//! horizontal reader keeps only upright text, so on such a page it would find nothing and the
//! document would look scanned. Here the page is turned into the frame of its text instead: every
//! character at the page's dominant angle is moved into coordinates where it runs left to right, and
//! the usual layout stages read the result. Text at other angles on that page is left out, as the
//! horizontal reader leaves out rotated text on an upright page.
//!
//! The parser's span boxes are not usable at an angle, but its per-character origins are, so lines
//! and words are rebuilt from them. Vertical writing (`/WMode 1`) comes as spans whose box gives the
//! column and where it starts; each span is one column, read top to bottom, columns right to left,
//! which is the frame of text turned by -90°.

use pdf_oxide::layout::{TextChar, TextSpan};

use super::fonts::{font_key, is_mono_name, name_is_bold, name_is_italic, name_is_regular};
use super::model::{Page, Span, baseline_step};

/// Characters kept from one rotated page (beyond this the page is noise).
pub(crate) const MAX_CHARS: usize = 200_000;

/// How a page's text is turned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Turn {
    /// Runs at this angle, in degrees counter-clockwise from the x axis (as `atan2(b, a)`).
    Angle(f32),
    /// Vertical writing mode: columns top to bottom, right to left.
    Vertical,
}

/// The angle most of the page's text runs at, when that is not upright.
pub(crate) fn dominant(raw: &[TextSpan]) -> Option<Turn> {
    let mut upright = 0usize;
    let mut vertical = 0usize;
    let mut angles: Vec<(f32, usize)> = Vec::new();
    for s in raw {
        let n = s.text.chars().filter(|c| !c.is_whitespace()).count();
        if n == 0 {
            continue;
        }
        let a = s.rotation_degrees;
        if s.wmode != 0 {
            vertical += n;
        } else if !a.is_finite() || a.abs() <= 1.0 {
            upright += n;
        } else if let Some(slot) = angles.iter_mut().find(|(b, _)| angle_gap(a, *b) < 2.0) {
            slot.1 += n;
        } else {
            angles.push((a, n));
        }
    }
    let (angle, n) = angles
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .unwrap_or((0.0, 0));
    if vertical > upright && vertical >= n {
        Some(Turn::Vertical)
    } else if n > upright {
        Some(Turn::Angle(angle))
    } else {
        None
    }
}

/// Smallest difference between two angles in degrees.
pub(crate) fn angle_gap(a: f32, b: f32) -> f32 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

/// The page read in the frame of its text. `media` is the media box (llx, lly, urx, ury).
pub(crate) fn page(
    index: usize,
    turn: Turn,
    raw: &[TextSpan],
    chars: &[TextChar],
    media: (f32, f32, f32, f32),
) -> Page {
    let theta = match turn {
        Turn::Angle(a) => a,
        Turn::Vertical => -90.0,
    };
    let frame = Frame::new(theta, media);
    let glyphs = match turn {
        Turn::Angle(a) => char_glyphs(chars, a, &frame),
        Turn::Vertical => Vec::new(),
    };
    let spans = match turn {
        Turn::Angle(_) => spans_from_glyphs(glyphs, &frame),
        Turn::Vertical => vertical_spans(raw, &frame),
    };
    tracing::trace!(
        "page {}: text turned by {theta:.1}°, {} spans",
        index + 1,
        spans.len()
    );
    frame.page(index, spans)
}

/// Turns PDF user space (y up) into the text's frame: `x` along the text, `y` down the page.
pub(crate) struct Frame {
    cos: f32,
    sin: f32,
    x_min: f32,
    y_max: f32,
    pub(crate) width: f32,
    pub(crate) height: f32,
}

impl Frame {
    pub(crate) fn new(theta: f32, (llx, lly, urx, ury): (f32, f32, f32, f32)) -> Frame {
        let (sin, cos) = theta.to_radians().sin_cos();
        let mut f = Frame {
            cos,
            sin,
            x_min: f32::MAX,
            y_max: f32::MIN,
            width: 0.0,
            height: 0.0,
        };
        let (mut x_max, mut y_min) = (f32::MIN, f32::MAX);
        for (x, y) in [(llx, lly), (llx, ury), (urx, lly), (urx, ury)] {
            let (u, v) = f.turn(x, y);
            f.x_min = f.x_min.min(u);
            x_max = x_max.max(u);
            f.y_max = f.y_max.max(v);
            y_min = y_min.min(v);
        }
        f.width = (x_max - f.x_min).max(1.0);
        f.height = (f.y_max - y_min).max(1.0);
        f
    }

    /// The page of `spans` read in this frame (page `index`, from 0), top to bottom.
    pub(crate) fn page(&self, index: usize, mut spans: Vec<Span>) -> Page {
        spans.sort_by(|a, b| a.top.total_cmp(&b.top).then(a.x0.total_cmp(&b.x0)));
        Page {
            number: index + 1,
            width: self.width,
            height: self.height,
            spans,
            rules: Vec::new(),
            rtl: false,
            asides: Vec::new(),
            codes: false,
        }
    }

    /// (along the text, up the text), both in points.
    fn turn(&self, x: f32, y: f32) -> (f32, f32) {
        (x * self.cos + y * self.sin, -x * self.sin + y * self.cos)
    }

    /// A point of user space as (x from the frame's left, baseline from the frame's top).
    fn place(&self, x: f32, y: f32) -> (f32, f32) {
        let (u, v) = self.turn(x, y);
        (u - self.x_min, self.y_max - v)
    }
}

/// One character placed in the text's frame.
pub(crate) struct Glyph {
    ch: char,
    x: f32,
    baseline: f32,
    /// Advance along the text, when the parser gave one.
    advance: Option<f32>,
    size: f32,
    font: String,
    bold: bool,
    italic: bool,
    mono: bool,
}

fn char_glyphs(chars: &[TextChar], angle: f32, frame: &Frame) -> Vec<Glyph> {
    chars
        .iter()
        .filter(|c| angle_gap(c.rotation_degrees, angle) < 2.0)
        .filter_map(|c| glyph_of(c, frame))
        .collect()
}

/// One character of the page placed in `frame`; `None` when the parser gave no usable origin.
pub(crate) fn glyph_of(c: &TextChar, frame: &Frame) -> Option<Glyph> {
    let ok = c.origin_x.is_finite() && c.origin_y.is_finite() && c.font_size.is_finite();
    if !ok {
        return None;
    }
    let along = frame.cos.abs();
    let (x, baseline) = frame.place(c.origin_x, c.origin_y);
    let size = c.font_size.clamp(1.0, 500.0);
    // The parser reports the advance projected on the page's x axis.
    let advance = (along > 0.5 && c.rendered_advance.abs() > 0.0)
        .then(|| c.rendered_advance.abs() / along)
        .filter(|a| a.is_finite() && *a < 3.0 * size);
    let name = font_key(&c.font_name);
    Some(Glyph {
        ch: c.char,
        x,
        baseline,
        advance,
        size,
        bold: name_is_bold(&name) || (c.font_weight.is_bold() && !name_is_regular(&name)),
        italic: c.is_italic || name_is_italic(&name),
        mono: c.is_monospace || is_mono_name(&name),
        font: c.font_name.clone(),
    })
}

/// A glyph's width when the parser gave no advance: a rough proportional-font estimate in em.
fn estimated_width(g: &Glyph) -> f32 {
    let em = if g.mono {
        0.6
    } else if "iljtf.,;:'|!()[]".contains(g.ch) {
        0.3
    } else if "mwMW".contains(g.ch) {
        0.85
    } else if g.ch.is_uppercase() || g.ch.is_ascii_digit() {
        0.65
    } else if g.ch.is_alphabetic() && !g.ch.is_ascii() && (g.ch as u32) >= 0x2E80 {
        1.0
    } else {
        0.5
    };
    em * g.size
}

/// Lines from baselines, then spans cut at wide gaps, with word spaces from the gaps.
pub(crate) fn spans_from_glyphs(mut glyphs: Vec<Glyph>, frame: &Frame) -> Vec<Span> {
    glyphs.sort_by(|a, b| a.baseline.total_cmp(&b.baseline));
    let mut lines: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match lines.last_mut() {
            Some(line) if (g.baseline - line[0].baseline).abs() <= 0.3 * g.size => line.push(g),
            _ => lines.push(vec![g]),
        }
    }
    let mut spans = Vec::new();
    for mut line in lines {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        line_spans(&line, frame, &mut spans);
    }
    spans
}

fn line_spans(line: &[Glyph], frame: &Frame, out: &mut Vec<Span>) {
    // Pitches between letters of the line: in a fixed-pitch font they are all alike, and a word
    // gap is a multiple of them.
    let mut pitches: Vec<f32> = line
        .windows(2)
        .filter(|w| !w[0].ch.is_whitespace() && !w[1].ch.is_whitespace())
        .map(|w| w[1].x - w[0].x)
        .filter(|p| *p > 0.0)
        .collect();
    pitches.sort_by(f32::total_cmp);
    let usual = pitches.get(pitches.len() / 2).copied();
    let mut cur: Option<Span> = None;
    let mut end = 0.0f32;
    for (i, g) in line.iter().enumerate() {
        let width = g.advance.unwrap_or_else(|| estimated_width(g));
        if let Some(span) = cur.as_mut() {
            let gap = g.x - end;
            let pitch = g.x - line[i - 1].x;
            let style = span.bold != g.bold || span.italic != g.italic;
            if gap > 1.5 * g.size || (style && gap > 0.1 * g.size) {
                out.extend(cur.take().map(finish));
            } else if !g.ch.is_whitespace() && !span.text.ends_with(' ') {
                // A word set on its own baseline (an OCR layer places each word where the scan
                // shows it, and a skewed scan's words step up or down the line) starts a word.
                let prev = &line[i - 1];
                let stepped = baseline_step(
                    g.size,
                    (g.size - prev.size, g.baseline - prev.baseline),
                    (prev.ch, g.ch),
                );
                let spaced = stepped
                    || match (g.advance, usual) {
                        (Some(_), _) => gap > 0.2 * g.size,
                        (None, Some(u)) => gap > 0.25 * g.size && pitch > 1.3 * u,
                        (None, None) => gap > 0.25 * g.size,
                    };
                if spaced {
                    span.text.push(' ');
                }
            }
        }
        if g.ch.is_whitespace() {
            if let Some(span) = cur.as_mut()
                && !span.text.ends_with(' ')
            {
                span.text.push(' ');
            }
            end = end.max(g.x + width);
            continue;
        }
        let span = cur.get_or_insert_with(|| Span {
            text: String::new(),
            x0: g.x,
            x1: g.x,
            top: g.baseline - g.size,
            bottom: g.baseline,
            size: g.size,
            bold: g.bold,
            italic: g.italic,
            mono: g.mono,
            link: None,
            font: g.font.clone(),
        });
        span.text.push(g.ch);
        span.x1 = span.x1.max(g.x + width).min(frame.width.max(g.x + width));
        span.top = span.top.min(g.baseline - g.size);
        span.bottom = span.bottom.max(g.baseline);
        end = g.x + width;
    }
    out.extend(cur.map(finish));
}

fn finish(mut s: Span) -> Span {
    let t = s.text.trim_end().len();
    s.text.truncate(t);
    s
}

/// Vertical-writing spans: the box's x is the column, its y where the text starts, and its width
/// (negative) the column's length.
fn vertical_spans(raw: &[TextSpan], frame: &Frame) -> Vec<Span> {
    let mut out = Vec::new();
    for s in raw.iter().filter(|s| s.wmode != 0) {
        let b = s.bbox;
        let text = s.text.trim();
        if text.is_empty() || !(b.x.is_finite() && b.y.is_finite() && b.width.is_finite()) {
            continue;
        }
        let size = if s.font_size.is_finite() && s.font_size > 0.5 {
            s.font_size.min(500.0)
        } else {
            b.height.abs().clamp(1.0, 500.0)
        };
        let lead = s.text.chars().take_while(|c| c.is_whitespace()).count() as f32;
        let (x, baseline) = frame.place(b.x, b.y);
        let name = font_key(&s.font_name);
        out.push(Span {
            text: text.to_string(),
            x0: x + lead * size,
            x1: x + b.width.abs(),
            top: baseline - size,
            bottom: baseline,
            size,
            bold: name_is_bold(&name),
            italic: false,
            mono: false,
            link: None,
            font: s.font_name.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_turn_text_into_reading_direction() {
        // A portrait letter page; text running up the page (+90°) starts at the bottom.
        let f = Frame::new(90.0, (0.0, 0.0, 612.0, 792.0));
        assert!((f.width - 792.0).abs() < 0.01 && (f.height - 612.0).abs() < 0.01);
        let (a, _) = f.place(100.0, 100.0);
        let (b, _) = f.place(100.0, 300.0);
        assert!(a < b, "text running up reads from low y to high y");
        // The glyphs' tops point to -x, so the next line is the one further right.
        let (_, l1) = f.place(100.0, 100.0);
        let (_, l2) = f.place(110.0, 100.0);
        assert!(
            l1 < l2,
            "the next line (to the right) is further down the turned page"
        );
        // Text running down the page (-90°): the first line is the rightmost.
        let f = Frame::new(-90.0, (0.0, 0.0, 612.0, 792.0));
        let (_, l1) = f.place(500.0, 100.0);
        let (_, l2) = f.place(480.0, 100.0);
        assert!(l1 < l2);
    }

    #[test]
    fn angles_compare_across_the_wrap() {
        assert!(angle_gap(179.0, -179.0) < 2.1);
        assert!(angle_gap(90.0, -90.0) > 179.0);
    }
}
