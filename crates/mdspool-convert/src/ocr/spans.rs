//! Recognised words as the engine's spans: a font size for each line from its word boxes (a box
//! spans the cap or x-height plus any descender, so its height over that share of the em gives the
//! size), sizes of the document snapped together so that body lines share one size, and a weight
//! guessed from the stroke width in the scan (bold strokes are thicker for their size).

use super::pgm::Gray;
use super::tsv::{Turn, Word};
use crate::model::{Rule, Span};

/// Shares of the em (typical Latin faces) above the baseline for a word with ascenders or
/// capitals, for one of x-height letters only, and below it for descenders.
const ASCENT: f32 = 0.70;
const X_HEIGHT: f32 = 0.47;
const DESCENT: f32 = 0.21;
/// Stroke width (per em) this many times the document's typical one is bold.
const BOLD_STROKE: f32 = 1.2;
/// Words at most this far apart (in em) are one phrase, one span.
const JOIN_GAP: f32 = 0.45;
/// Sizes within this share of each other are one size (noise of box heights).
const SNAP: f32 = 0.12;

/// One line of spans, with what the document-level passes need.
pub(super) struct OcrLine {
    pub spans: Vec<Span>,
    /// Stroke width per em, if it could be measured.
    pub stroke: Option<f32>,
}

/// The size in pixels of the em of a word set in one line, from its box height.
fn word_em(w: &Word) -> Option<f32> {
    em_of(&w.text, w.y1 - w.y0)
}

/// The em of a word of text `text` whose box is `height` pixels thick across its line: the box
/// spans the cap or x-height plus any descender, whichever its letters reach.
pub(super) fn em_of(text: &str, height: f32) -> Option<f32> {
    let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
    if letters == 0 {
        return None;
    }
    let tall = text.chars().any(|c| {
        // The dots of i and j, and accents, reach about as high as ascenders.
        c.is_uppercase()
            || c.is_ascii_digit()
            || (c.is_alphabetic() && !c.is_ascii())
            || "bdfhijklt()[]{}|/!?'\"".contains(c)
    });
    // How far below the baseline the deepest letter reaches: a comma or a dollar sign less far
    // than a descender.
    let depth = text
        .chars()
        .map(|c| {
            if "gjpqy()[]{}|".contains(c) {
                DESCENT
            } else if c == '$' {
                // A dollar sign's bar reaches above the capitals and below the baseline: about
                // 0.79 em in all (Times, Latin Modern) to 0.91 (DejaVu Sans), 0.85 taken.
                0.7 * DESCENT
            } else if ",;".contains(c) {
                DESCENT / 2.0
            } else {
                0.0
            }
        })
        .fold(0.0, f32::max);
    let share = if tall || text.contains('$') {
        ASCENT
    } else {
        X_HEIGHT
    } + depth;
    Some(height / share)
}

/// A number as a table cell holds it: digits with separators, signs, currency or percent.
fn numeric(t: &str) -> bool {
    t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || ",.%$€£+-−–()".contains(c))
}

/// The lower of the two middle values of a list (none when empty).
fn lower_median(mut v: Vec<f32>) -> Option<f32> {
    v.sort_by(f32::total_cmp);
    v.get(v.len().saturating_sub(1) / 2).copied()
}

/// Median of a list (none when empty).
pub(super) fn median(mut v: Vec<f32>) -> Option<f32> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    Some(v[v.len() / 2])
}

/// Spans of one line's words (`words` share one tesseract line), in points (`scale` = points
/// per pixel).
///
/// Words are not joined across a vertical ruling line of the page (`walls`, in points).
pub(super) fn line_spans(
    words: &[Word],
    scale: f32,
    img: Option<&Gray>,
    turn: Turn,
    walls: &[Rule],
) -> OcrLine {
    let ems: Vec<f32> = words.iter().filter_map(word_em).collect();
    let fallback = words.iter().map(|w| w.y1 - w.y0).fold(0.0, f32::max);
    // The lower median: a speck or a stray mark only ever enlarges a word's box.
    let em = lower_median(ems).unwrap_or(fallback).max(1.0);
    // Baseline: the feet of words without descenders, else the lowest foot less a descender.
    let feet: Vec<f32> = words
        .iter()
        .filter(|w| !w.text.chars().any(|c| "gjpqy()[]{}|,;".contains(c)))
        .map(|w| w.y1)
        .collect();
    let low = words.iter().map(|w| w.y1).fold(f32::MIN, f32::max);
    let base = median(feet).unwrap_or(low - DESCENT * em);
    let size = em * scale;
    let strokes: Vec<f32> = match img {
        Some(g) => words
            .iter()
            .filter(|w| w.text.chars().filter(|c| c.is_alphabetic()).count() >= 2)
            .filter_map(|w| g.stroke_width(w.raw, turn))
            .collect(),
        None => Vec::new(),
    };
    let stroke = median(strokes).map(|s| s / em);
    // Words a word space apart make one span, as a text-show operator of a born-digital page
    // does, so that the layout stages see phrases and the gaps between them (table cells, columns)
    // as they would there. A bullet stays a span of its own.
    let mut spans: Vec<Span> = Vec::new();
    for w in words {
        if let Some(last) = spans.last_mut() {
            let gap = w.x0 - last.x1 / scale;
            let (a, b) = (last.x1, w.x0 * scale);
            let walled = walls.iter().any(|r| {
                let x = (r.x0 + r.x1) / 2.0;
                x > a && x < b && r.top < last.bottom && r.bottom > last.top
            });
            // Two numbers side by side are two table cells, however close.
            let numbers = numeric(last.text.rsplit(' ').next().unwrap_or("")) && numeric(&w.text);
            if gap < JOIN_GAP * em && last.text != "•" && w.text != "•" && !walled && !numbers {
                last.text.push(' ');
                last.text.push_str(&w.text);
                last.x1 = last.x1.max(w.x1 * scale);
                continue;
            }
        }
        spans.push(Span {
            text: w.text.clone(),
            x0: w.x0 * scale,
            x1: w.x1 * scale,
            top: (base - 0.8 * em) * scale,
            bottom: (base + 0.2 * em) * scale,
            size,
            bold: false,
            italic: false,
            mono: false,
            link: None,
            font: "ocr".into(),
        });
    }
    OcrLine { spans, stroke }
}

/// Snap the sizes of all lines of the document together (the most common size first, so body
/// lines agree) and mark as bold the lines whose strokes are clearly thicker than the typical
/// line's.
pub(super) fn settle_styles(lines: &mut [&mut OcrLine]) {
    smooth_runs(lines);
    // Sizes weighted by characters, snapped greedily from the most common one.
    let mut sizes: Vec<(f32, usize)> = Vec::new();
    for l in lines.iter() {
        let n: usize = l.spans.iter().map(|s| s.text.chars().count()).sum();
        if let Some(s) = l.spans.first() {
            sizes.push(((s.size * 2.0).round() / 2.0, n));
        }
    }
    let mut centres: Vec<f32> = Vec::new();
    loop {
        let mut weight: Vec<(f32, usize)> = Vec::new();
        for &(s, n) in &sizes {
            if centres.iter().any(|c| (s - c).abs() <= c * SNAP) {
                continue;
            }
            match weight.iter_mut().find(|(w, _)| (*w - s).abs() < 0.01) {
                Some(e) => e.1 += n,
                None => weight.push((s, n)),
            }
        }
        let Some(&(best, _)) = weight.iter().max_by_key(|(_, n)| *n) else {
            break;
        };
        centres.push(best);
    }
    // The typical stroke, over lines at the most common size.
    let body = centres.first().copied().unwrap_or(10.0);
    let typical = median(
        lines
            .iter()
            .filter(|l| {
                l.spans
                    .first()
                    .is_some_and(|s| (s.size - body).abs() <= body * SNAP)
            })
            .filter_map(|l| l.stroke)
            .collect(),
    );
    for l in lines.iter_mut() {
        let bold = matches!((l.stroke, typical), (Some(s), Some(t)) if s > t * BOLD_STROKE);
        tracing::trace!(
            "ocr line stroke {:?} typical {:?} size {:?} {:?}",
            l.stroke,
            typical,
            l.spans.first().map(|s| s.size),
            l.spans.first().map(|s| s.text.as_str())
        );
        for s in &mut l.spans {
            if let Some(c) = centres.iter().find(|c| (s.size - *c).abs() <= *c * SNAP) {
                s.size = *c;
            }
            s.bold = bold;
        }
    }
}

/// Vertically adjacent lines (consecutive in reading order, one under the other, a normal line
/// gap apart) whose sizes agree within [`SNAP`] of their run's median get that median: the rows of
/// one table or paragraph are set in one size, and box heights of single lines are too noisy to
/// snap each on its own (rows of 9 pt measured 8.9 and 9.5 would go to 8 and 10.5).
fn smooth_runs(lines: &mut [&mut OcrLine]) {
    /// A line's box and size.
    struct Geometry {
        x0: f32,
        x1: f32,
        top: f32,
        bottom: f32,
        size: f32,
    }
    let geo: Vec<Option<Geometry>> = lines
        .iter()
        .map(|l| {
            let first = l.spans.first()?;
            let mut g = Geometry {
                x0: first.x0,
                x1: first.x1,
                top: first.top,
                bottom: first.bottom,
                size: first.size,
            };
            for s in &l.spans {
                (g.x0, g.x1) = (g.x0.min(s.x0), g.x1.max(s.x1));
                (g.top, g.bottom) = (g.top.min(s.top), g.bottom.max(s.bottom));
            }
            Some(g)
        })
        .collect();
    // `b` is the line under `a`, a normal line gap below it, overlapping it across.
    let follows = |a: &Geometry, b: &Geometry| {
        let below = b.top >= a.top && b.top - a.bottom < 0.8 * a.size.max(b.size);
        below && b.x0 < a.x1 && b.x1 > a.x0
    };
    let mut start = 0;
    while start < lines.len() {
        let Some(mut prev) = geo[start].as_ref() else {
            start += 1;
            continue;
        };
        let mut run = vec![prev.size];
        let mut end = start + 1;
        while let Some(g) = geo.get(end).and_then(Option::as_ref) {
            let centre = median(run.clone()).unwrap_or(g.size);
            let near = |size: f32, share: f32| (size - centre).abs() <= centre * share;
            // One line measured off between two that agree (a line of short or capital-free
            // words) stays in the run.
            let next = geo.get(end + 1).and_then(Option::as_ref);
            let sandwiched = near(g.size, 2.0 * SNAP)
                && next.is_some_and(|n| follows(g, n) && near(n.size, SNAP));
            if !(follows(prev, g) && (near(g.size, SNAP) || sandwiched)) {
                break;
            }
            run.push(g.size);
            prev = g;
            end += 1;
        }
        if end - start >= 2 {
            let m = median(run).unwrap_or(prev.size);
            for l in lines[start..end].iter_mut() {
                for s in &mut l.spans {
                    s.size = m;
                }
            }
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x0: f32, y0: f32, x1: f32, y1: f32) -> Word {
        Word::test(text, 1, [x0, y0, x1, y1], 90.0)
    }

    #[test]
    fn size_comes_from_box_heights_by_letter_shape() {
        // 12 pt at 300 dpi: em 50 px; "Hello" spans 0.70 em, "gap" 0.68 em, "one" 0.47 em.
        let ws = [
            word("Hello", 0.0, 65.0, 100.0, 100.0),
            word("one", 120.0, 76.5, 180.0, 100.0),
            word("gap", 200.0, 76.5, 260.0, 110.5),
        ];
        let l = line_spans(&ws, 72.0 / 300.0, None, Turn::None, &[]);
        let s = &l.spans[0];
        assert!((s.size - 12.0).abs() < 0.3, "{}", s.size);
        assert!((s.bottom - s.top - 12.0).abs() < 0.3);
    }

    fn ocr_line(text: &str, top: f32, size: f32) -> OcrLine {
        OcrLine {
            spans: vec![Span::test(text, 72.0, 300.0, top, size)],
            stroke: None,
        }
    }

    /// Rows of one table measured 8.4 to 9.0 pt (box heights are noisy) end in one size, not
    /// split between the 8 pt of a caption and a size of their own; lines of other sizes keep
    /// theirs.
    #[test]
    fn adjacent_lines_of_one_block_share_a_size() {
        let mut lines: Vec<OcrLine> = (0..12)
            .map(|k| ocr_line("body text of the page", 60.0 + 14.0 * k as f32, 10.5))
            .collect();
        lines.push(ocr_line("caption", 250.0, 8.0));
        lines.push(ocr_line("caption", 261.0, 8.0));
        for (k, size) in [8.7, 8.4, 9.0, 8.6, 8.9, 8.45].into_iter().enumerate() {
            lines.push(ocr_line("row", 300.0 + 12.0 * k as f32, size));
        }
        lines.push(ocr_line("Heading", 420.0, 14.0));
        let mut refs: Vec<&mut OcrLine> = lines.iter_mut().collect();
        settle_styles(&mut refs);
        let rows: Vec<f32> = lines[14..20].iter().map(|l| l.spans[0].size).collect();
        assert!(rows.iter().all(|s| *s == rows[0]), "{rows:?}");
        assert_eq!(lines[0].spans[0].size, 10.5);
        assert_eq!(lines[20].spans[0].size, 14.0);
    }

    /// A dollar sign reaches above the capitals and below the baseline: an amount is measured
    /// at the size of the label beside it (12 pt at 300 dpi: em 50 px).
    #[test]
    fn amounts_with_a_dollar_sign_measure_like_their_row() {
        let label = em_of("Bridge", 0.91 * 50.0).unwrap();
        let amount = em_of("$1,717.66", 0.85 * 50.0).unwrap();
        assert!((label - 50.0).abs() < 1.0, "{label}");
        assert!((amount - 50.0).abs() < 1.5, "{amount}");
    }
}
