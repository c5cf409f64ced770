//! Vector graphics that carry structure: ruling lines (stroked segments, thin filled rectangles, the
//! edges of stroked rectangles, thin images) for tables and bands, and list bullets drawn as small shapes instead of
//! glyphs (browsers and word processors draw `disc`, `circle` and `square` markers as paths; beamer
//! draws balls as small forms, `formmarks.rs`). A shape is a bullet only when it stands at the start
//! of a line of text, just left of it.

use pdf_oxide::PdfDocument;
use pdf_oxide::elements::PathOperation as Op;

use super::model::{Rule, Span};

/// Upper bound on ruling-line segments kept per page.
const MAX_RULES_PER_PAGE: usize = 4_000;
/// Upper bound on bullet candidates looked at per page.
const MAX_BULLETS_PER_PAGE: usize = 2_000;

/// What the page's vector graphics give: ruling lines, a `•`/`◦`/`▪` span for each bullet shape
/// standing before a line, and short horizontal bars (under 8 pt: strokes through a glyph, such as
/// the two of a euro sign composed from a "C", see `euro.rs`).
pub(crate) struct Shapes {
    pub rules: Vec<Rule>,
    pub bullets: Vec<Span>,
    pub bars: Vec<Rule>,
    /// The spans whose leading figures stand on a ball (beamer's numbered items, now the `N.`
    /// marks among `bullets`): index, figures to take off, where the rest starts.
    pub numbered: Vec<(usize, usize, f32)>,
}

pub(crate) fn read_shapes(
    doc: &PdfDocument,
    index: usize,
    x_off: f32,
    top: f32,
    spans: &[Span],
) -> Shapes {
    let paths = doc.extract_paths(index).unwrap_or_default();
    let mut rules = Vec::new();
    let mut bars = Vec::new();
    let mut push = |x0: f32, y0: f32, x1: f32, y1: f32| {
        let (w, h) = ((x1 - x0).abs(), (y1 - y0).abs());
        let ok = [x0, y0, x1, y1].iter().all(|v| v.is_finite());
        let rule = Rule {
            x0: x0.min(x1) - x_off,
            x1: x0.max(x1) - x_off,
            top: top - y0.max(y1),
            bottom: top - y0.min(y1),
        };
        if ok
            && ((h <= 3.0 && w > 8.0) || (w <= 3.0 && h > 6.0))
            && rules.len() < MAX_RULES_PER_PAGE
        {
            rules.push(rule);
        } else if ok && h <= 1.0 && w > 1.5 && w <= 8.0 && bars.len() < MAX_RULES_PER_PAGE {
            bars.push(rule);
        }
    };
    let mut marks: Vec<Span> = Vec::new();
    for p in paths.iter().take(MAX_RULES_PER_PAGE * 4) {
        let stroked = p.stroke_color.is_some();
        if marks.len() < MAX_BULLETS_PER_PAGE
            && let Some(mark) = bullet_shape(p, x_off, top)
        {
            marks.push(mark);
        }
        let mut cur = (0.0f32, 0.0f32);
        for op in p.operations.iter().take(10_000) {
            match *op {
                Op::MoveTo(x, y) => cur = (x, y),
                Op::LineTo(x, y) => {
                    if stroked {
                        push(cur.0, cur.1, x, y);
                    }
                    cur = (x, y);
                }
                Op::Rectangle(x, y, w, h) => {
                    let thin = w.abs() <= 3.0 || h.abs() <= 3.0;
                    if thin {
                        push(x, y + h / 2.0, x + w, y + h / 2.0);
                        push(x + w / 2.0, y, x + w / 2.0, y + h);
                    } else if stroked {
                        push(x, y, x + w, y);
                        push(x, y + h, x + w, y + h);
                        push(x, y, x, y + h);
                        push(x + w, y, x + w, y + h);
                    }
                }
                Op::CurveTo(.., x, y) => cur = (x, y),
                Op::ClosePath => {}
            }
        }
    }
    // Ghostscript paints a TeX rule (a footnote's, a table's) as a one-bit image a point or so
    // thick, with no path at all: a thin image is a rule like a thin filled rectangle. Only looked
    // for on a page that draws no path (a second pass over the page's content).
    if paths.is_empty()
        && let Ok(images) = doc.page_image_handles(index)
    {
        for b in images.iter().take(MAX_RULES_PER_PAGE).map(|i| i.bbox) {
            let (x, y, w, h) = (b.x, b.y, b.width, b.height);
            if w.abs().min(h.abs()) <= 3.0 {
                push(x, y + h / 2.0, x + w, y + h / 2.0);
                push(x + w / 2.0, y, x + w / 2.0, y + h);
            }
        }
    }
    // Forms a few points square (beamer's shaded balls) are marks too (`formmarks.rs`).
    for [x0, y0, x1, y1] in super::formmarks::placements(doc, index) {
        let (w, h) = (x1 - x0, y1 - y0);
        // (Up to 12 pt: a ball with a figure on it is larger than a plain one.)
        let square = (1.2..=12.0).contains(&w) && (1.2..=12.0).contains(&h) && w <= 1.5 * h;
        if square && h <= 1.5 * w && marks.len() < MAX_BULLETS_PER_PAGE {
            marks.push(Span {
                x0: x0 - x_off,
                x1: x1 - x_off,
                top: top - y1,
                bottom: top - y0,
                ..Span::plain("•".to_string())
            });
        }
    }
    let mut bullets = Vec::new();
    let mut numbered: Vec<(usize, usize, f32)> = Vec::new();
    for m in marks {
        match on_figures(&m, spans) {
            Some((i, n, mark)) if !numbered.iter().any(|e| e.0 == i) => {
                numbered.push((i, n, m.x1));
                bullets.push(mark);
            }
            Some(_) => {}
            None => bullets.extend(before_text(m, spans)),
        }
    }
    Shapes {
        rules,
        bullets,
        bars,
        numbered,
    }
}

/// Take the figures standing on a ball off their span: they are its mark's now (`on_figures`).
pub(crate) fn take_figures(spans: &mut Vec<Span>, numbered: &[(usize, usize, f32)]) {
    let mut emptied = Vec::new();
    for &(i, n, x) in numbered {
        if let Some(s) = spans.get_mut(i) {
            let t = s.text.trim_start();
            let cut: usize = t.chars().take(n).map(char::len_utf8).sum();
            s.text = t[cut..].trim_start().to_string();
            s.x0 = s.x0.max(x);
            if s.text.is_empty() {
                emptied.push(i);
            }
        }
    }
    let mut k = 0;
    spans.retain(|_| {
        k += 1;
        !emptied.contains(&(k - 1))
    });
}

/// A mark with a figure drawn on it (beamer's numbered items: "1" on a ball): the span starting
/// inside the mark with one to three figures, on its middle, the count of figures, and the mark as
/// `N.` on that span's line.
fn on_figures(mark: &Span, spans: &[Span]) -> Option<(usize, usize, Span)> {
    let mid = (mark.top + mark.bottom) / 2.0;
    spans.iter().enumerate().find_map(|(i, s)| {
        let t = s.text.trim_start();
        let n = t.chars().take_while(char::is_ascii_digit).count();
        let inside =
            s.x0 >= mark.x0 - 1.0 && s.x0 < mark.x1 - 0.5 && s.top <= mid && s.bottom >= mid;
        (inside && (1..=3).contains(&n)).then(|| {
            // The line's geometry: the text right of the mark on its middle, else the figure's.
            let line = spans
                .iter()
                .filter(|o| o.top <= mid && o.bottom >= mid && o.x0 >= mark.x1 - 0.5)
                .filter(|o| o.x0 - mark.x1 <= 3.0 * o.size && !o.text.trim().is_empty())
                .min_by(|a, b| a.x0.total_cmp(&b.x0))
                .unwrap_or(s);
            let out = Span {
                x0: mark.x0,
                x1: mark.x1,
                top: line.top,
                bottom: line.bottom,
                size: line.size,
                font: "vector-bullet".to_string(),
                ..Span::plain(format!("{}.", &t[..n]))
            };
            (i, n, out)
        })
    })
}

/// A small, roughly square shape: a filled disc (`•`), a stroked circle (`◦`) or a filled square
/// (`▪`), as a span without a size yet.
fn bullet_shape(p: &pdf_oxide::elements::PathContent, x_off: f32, top: f32) -> Option<Span> {
    let b = p.bbox;
    let (w, h) = (b.width.abs(), b.height.abs());
    if !(b.x.is_finite() && b.y.is_finite() && w.is_finite() && h.is_finite()) {
        return None;
    }
    if !(1.2..=8.0).contains(&w) || !(1.2..=8.0).contains(&h) || w > 1.5 * h || h > 1.5 * w {
        return None;
    }
    let curved = p.operations.iter().any(|o| matches!(o, Op::CurveTo(..)));
    let boxed = p.operations.iter().any(|o| matches!(o, Op::Rectangle(..)));
    let text = match (
        p.fill_color.is_some(),
        p.stroke_color.is_some(),
        curved,
        boxed,
    ) {
        (true, _, true, _) => "•",
        (false, true, true, _) => "◦",
        (true, _, false, true) => "▪",
        _ => return None,
    };
    let y_top = b.y.max(b.y + b.height);
    Some(Span {
        x0: b.x.min(b.x + b.width) - x_off,
        x1: b.x.max(b.x + b.width) - x_off,
        top: top - y_top,
        bottom: top - y_top + h,
        ..Span::plain(text.to_string())
    })
}

/// Keep a shape that stands just left of the first span of a text line (within three font sizes, on
/// the line's middle), with no text of that line to its left; it takes that line's geometry and size.
fn before_text(mark: Span, spans: &[Span]) -> Option<Span> {
    let mid = (mark.top + mark.bottom) / 2.0;
    let on_line = |s: &&Span| s.top <= mid && s.bottom >= mid && !s.text.trim().is_empty();
    let next = spans
        .iter()
        .filter(on_line)
        .filter(|s| s.x0 >= mark.x1 - 0.5 && s.x0 - mark.x1 <= 3.0 * s.size)
        .min_by(|a, b| a.x0.total_cmp(&b.x0))?;
    let (w, h) = (mark.x1 - mark.x0, mark.bottom - mark.top);
    if w > 0.6 * next.size || h > 0.6 * next.size {
        return None;
    }
    let covered = spans
        .iter()
        .filter(on_line)
        .any(|s| s.x0 < mark.x0 && s.x1 > mark.x0 - 1.5 * next.size);
    (!covered).then(|| Span {
        top: next.top,
        bottom: next.bottom,
        size: next.size,
        font: "vector-bullet".to_string(),
        ..mark
    })
}
