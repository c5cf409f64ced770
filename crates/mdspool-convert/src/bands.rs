//! Column bands of a table: where its cells stand across the page. A band is the union of the
//! x-extents of the cells of its column over the rows (word gaps fall at different places from row
//! to row and close up; the gaps between columns stay open). A cell that overruns its column into
//! the next one (a long word in a fixed-width column, set over its neighbour) would close a gap
//! that every other row leaves open and run two columns together: a gap left open by all rows but
//! one in eight, half an em wide or more, still parts two bands. Cells that fill their columns up
//! to a narrow padding leave no such gaps; their columns show where the cells start.

use super::model::{Line, Span};

/// A gap left open by all rows but the overrunning ones parts two bands when it is this wide (in
/// font sizes): text filling a fixed-width column comes within two thirds of an em of the next.
const OPEN_GAP_EM: f32 = 0.5;

/// Text on the two sides of such a gap is this far apart (in font sizes) in the middle row: the
/// columns of a table, not a river of word gaps through justified lines.
const APART_EM: f32 = 1.5;

/// A gap narrower than this (in font sizes) between pieces of a row in two styles is a word space.
const WORD_GAP_EM: f32 = 0.5;

/// Column bands of `rows` (the table's rows of several cells), left to right; `em` is their type
/// size.
pub(crate) fn column_bands(rows: &[&Vec<Line>], em: f32, right: f32) -> Vec<(f32, f32)> {
    let extents: Vec<Vec<Ext>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .flat_map(|l| &l.spans)
                .map(|s| Ext::of(s, s.ink_x1()))
                .collect()
        })
        .collect();
    // Rows that may overrun: one in eight (one at least); at least three must leave the gap open.
    let spare = (rows.len() / 8).max(1);
    let bands = union(extents.iter().flatten().map(Ext::pair), 1.0);
    if rows.len() < spare + 3 {
        // Too few rows to tell word gaps from column gaps by where they fall: pieces of a row in
        // two styles a word space apart are one cell (a word in code, bold or italic amid a
        // cell's words is no column of its own; pieces of one style stand apart only where the
        // producer set them apart, as cells).
        let styled = |s: &Span| (s.mono, s.bold, s.italic);
        let mut joins: Vec<(f32, f32)> = Vec::new();
        for r in rows {
            let mut spans: Vec<&Span> = r.iter().flat_map(|l| &l.spans).collect();
            spans.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            joins.extend(
                spans
                    .windows(2)
                    .filter(|w| {
                        styled(w[0]) != styled(w[1]) && w[1].x0 - w[0].ink_x1() < WORD_GAP_EM * em
                    })
                    .map(|w| (w[0].x0, w[1].ink_x1())),
            );
        }
        let bands = union(bands.into_iter().chain(joins), 1.0);
        return last_header(centred_headers(bands, &extents, em), &extents, em, right);
    }
    let bands: Vec<(f32, f32)> = bands
        .into_iter()
        .flat_map(|b| split(b, &extents, spare, (1.0, OPEN_GAP_EM * em, APART_EM * em)))
        .collect();
    last_header(centred_headers(bands, &extents, em), &extents, em, right)
}

/// A band holding a cell of the first row only, centred between the start of the band on its left
/// and the start of the band on its right (within an em), is that left column's header cell
/// centred over cells narrower than the column (a browser's `<th>` over left-aligned `<td>`s): it
/// joins that band. So does a band holding one row's piece that ends in a broken word.
fn centred_headers(mut bands: Vec<(f32, f32)>, rows: &[Vec<Ext>], em: f32) -> Vec<(f32, f32)> {
    let mut k = 1;
    while k + 1 < bands.len() {
        let b = bands[k];
        let inside = |e: &Ext| e.x0 >= b.0 - 0.5 && e.x1 <= b.1 + 0.5;
        let header_only = rows.first().is_some_and(|r| r.iter().any(inside))
            && rows.iter().skip(1).all(|r| !r.iter().any(inside));
        let middle = (bands[k - 1].0 + bands[k + 1].0) / 2.0;
        // A piece of one row ending in a broken word, alone in its band: a justified cell pushed
        // the word's first part to the cell's edge ("Multidisciplinary      pre-" over "cise").
        let mut holding = rows.iter().filter(|r| r.iter().any(inside));
        let broken = holding
            .next()
            .is_some_and(|r| r.iter().filter(|e| inside(e)).all(|e| e.broken))
            && holding.next().is_none();
        if rows.len() >= 3 && (broken || header_only && ((b.0 + b.1) / 2.0 - middle).abs() <= em) {
            bands[k - 1].1 = b.1;
            bands.remove(k);
        } else {
            k += 1;
        }
    }
    bands
}

/// The last band holding a cell of the first row only, centred between the start of the band on its
/// left and the right edge of the table's text (`right`, its wrapped lines included), within an em:
/// the last column's header cell centred over cells that stop short of it. It joins that band.
fn last_header(
    mut bands: Vec<(f32, f32)>,
    rows: &[Vec<Ext>],
    em: f32,
    right: f32,
) -> Vec<(f32, f32)> {
    let n = bands.len();
    if n < 3 || rows.len() < 3 {
        return bands;
    }
    let b = bands[n - 1];
    let inside = |e: &Ext| e.x0 >= b.0 - 0.5 && e.x1 <= b.1 + 0.5;
    let header_only = rows.first().is_some_and(|r| r.iter().any(inside))
        && rows.iter().skip(1).all(|r| !r.iter().any(inside));
    let middle = (bands[n - 2].0 + right) / 2.0;
    if header_only && right > b.1 + em && ((b.0 + b.1) / 2.0 - middle).abs() <= em {
        bands[n - 2].1 = b.1;
        bands.pop();
    }
    bands
}

/// Column cuts of a ruled table's `spans` (between `x0` and `x1`): the middles of vertical white
/// gaps at least `open` wide, left open by every text line, or by all but the overrunning ones
/// (one in eight).
pub(crate) fn gap_cuts(spans: &[&Span], x0: f32, x1: f32, open: f32) -> Vec<f32> {
    let mut sorted: Vec<&Span> = spans.to_vec();
    sorted.sort_by(|a, b| a.top.total_cmp(&b.top));
    let mut lines: Vec<Vec<&Span>> = Vec::new();
    for s in sorted {
        let mid = (s.top + s.bottom) / 2.0;
        match lines.last_mut() {
            Some(l) if l.iter().any(|o| mid > o.top && mid < o.bottom) => l.push(s),
            _ => lines.push(vec![s]),
        }
    }
    let extents: Vec<Vec<Ext>> = lines
        .iter()
        .map(|l| l.iter().map(|s| Ext::of(s, s.x1)).collect())
        .collect();
    let mut bands = union(extents.iter().flatten().map(Ext::pair), open);
    let spare = (lines.len() / 8).max(1);
    if lines.len() >= spare + 3 {
        bands = bands
            .into_iter()
            .flat_map(|b| split(b, &extents, spare, (open, open, APART_EM / 0.6 * open)))
            .collect();
    }
    bands
        .windows(2)
        .filter(|w| w[0].1 > x0)
        .map(|w| (w[0].1 + w[1].0) / 2.0)
        .filter(|c| *c < x1)
        .collect()
}

/// A piece of text's extent across the page, and whether it is one word.
#[derive(Clone, Copy)]
struct Ext {
    x0: f32,
    x1: f32,
    word: bool,
    /// Where its first word ends, when it holds several (`first_word_end`).
    first_end: Option<f32>,
    /// Ends in a word broken by a hyphen ("pre-", a soft hyphen drawn).
    broken: bool,
}

impl Ext {
    fn of(s: &Span, x1: f32) -> Ext {
        let t = s.text.trim();
        let broken = super::cellwrap::hyphen_broken(t);
        Ext {
            x0: s.x0,
            x1,
            word: !t.contains(char::is_whitespace),
            first_end: first_word_end(s),
            broken,
        }
    }
    fn pair(&self) -> (f32, f32) {
        (self.x0, self.x1)
    }
}

/// Merge intervals less than `tol` apart into bands.
fn union(iv: impl Iterator<Item = (f32, f32)>, tol: f32) -> Vec<(f32, f32)> {
    let mut iv: Vec<(f32, f32)> = iv.collect();
    iv.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut bands: Vec<(f32, f32)> = Vec::new();
    for (a, b) in iv {
        match bands.last_mut() {
            Some(last) if a < last.1 + tol => last.1 = last.1.max(b),
            _ => bands.push((a, b)),
        }
    }
    bands
}

/// The band `b` cut at the gaps that all rows but `spare` leave open inside it, when each is
/// `open` wide, has text of several rows on both sides, and parts the rows' text by `apart` at
/// the median (a river of word gaps through justified lines parts them by a word gap); a row
/// left out runs over one gap, never across several (a line of prose in the frame).
/// (`tol`: the gap that joins extents.)
fn split(
    b: (f32, f32),
    rows: &[Vec<Ext>],
    spare: usize,
    (tol, open, apart): (f32, f32, f32),
) -> Vec<(f32, f32)> {
    // The overrunning rows are among those with the widest text in the band: leave out the
    // widest row, then the two widest, and so on up to `spare`.
    let inside = |r: &Vec<Ext>| -> Vec<Ext> {
        r.iter()
            .copied()
            .filter(|e| e.x0 >= b.0 - 1.0 && e.x1 <= b.1 + 1.0)
            .collect()
    };
    let per_row: Vec<Vec<Ext>> = rows.iter().map(inside).collect();
    let mut widest: Vec<usize> = (0..per_row.len()).collect();
    let span_w = |r: &Vec<Ext>| r.iter().map(|e| e.x1 - e.x0).fold(0.0f32, f32::max);
    widest.sort_by(|&a, &b| span_w(&per_row[b]).total_cmp(&span_w(&per_row[a])));
    for left_out in 1..=spare {
        let out = &widest[..left_out.min(widest.len())];
        let kept = || {
            per_row
                .iter()
                .enumerate()
                .filter(|(k, _)| !out.contains(k))
                .map(|(_, r)| r)
        };
        let mut parts = union(kept().flatten().map(Ext::pair), tol);
        if parts.len() < 2 {
            continue;
        }
        let cuts: Vec<(f32, f32)> = parts.windows(2).map(|w| (w[0].1, w[1].0)).collect();
        let wide = cuts.iter().all(|(a, b)| b - a >= open);
        // Text of three rows or more on each side of every cut.
        let rows_in = |p: &(f32, f32)| {
            per_row
                .iter()
                .filter(|r| r.iter().any(|e| e.x0 >= p.0 - 0.5 && e.x1 <= p.1 + 0.5))
                .count()
        };
        // A row left out runs over one gap at most, with one word (a long word that cannot wrap)
        // from where the column's text starts; not a stretch of prose, nor from inside a column
        // (justified lines).
        let starts = |x0: f32| parts.iter().any(|p| at_start(x0, p));
        // The word may be run together with the next cell's text when it ends closer to it than a
        // word space (`cut_overrun`): its end reaches the column's edge.
        let overruns = out.iter().all(|&k| {
            let r = &per_row[k];
            let over: Vec<(f32, &Ext)> = cuts
                .iter()
                .filter_map(|(a, b)| Some((*a, r.iter().find(|e| e.x0 < *a && e.x1 > *b)?)))
                .collect();
            over.len() <= 1
                && over.iter().all(|(a, e)| {
                    starts(e.x0) && (e.word || e.first_end.is_some_and(|f| f >= a - 2.0 * open))
                })
        });
        if wide
            && overruns
            && parts.iter().all(|p| rows_in(p) >= 3)
            && apart_enough(&cuts, kept(), apart)
        {
            if let Some(f) = parts.first_mut() {
                f.0 = f.0.min(b.0);
            }
            if let Some(l) = parts.last_mut() {
                l.1 = l.1.max(b.1);
            }
            return parts;
        }
    }
    vec![b]
}

/// Whether at every cut the rows with text on both sides have it `apart` apart at the median.
fn apart_enough<'a>(
    cuts: &[(f32, f32)],
    rows: impl Iterator<Item = &'a Vec<Ext>> + Clone,
    apart: f32,
) -> bool {
    cuts.iter().all(|(a, b)| {
        let mut gaps: Vec<f32> = rows
            .clone()
            .filter_map(|r| {
                let left = r
                    .iter()
                    .filter(|e| e.x1 <= *a + 0.5)
                    .map(|e| e.x1)
                    .reduce(f32::max)?;
                let right = r
                    .iter()
                    .filter(|e| e.x0 >= *b - 0.5)
                    .map(|e| e.x0)
                    .reduce(f32::min)?;
                Some(right - left)
            })
            .collect();
        gaps.sort_by(f32::total_cmp);
        gaps.get(gaps.len() / 2).is_some_and(|g| *g >= apart)
    })
}

/// Where the first word of `s` ends, when `s` holds more than one: the parser gives the span's box,
/// not its glyphs' places, so each character is taken as an equal share of the box.
fn first_word_end(s: &Span) -> Option<f32> {
    let n = s.text.chars().count();
    let mut chars = s
        .text
        .chars()
        .enumerate()
        .skip_while(|(_, c)| c.is_whitespace());
    let end = chars.find(|(_, c)| c.is_whitespace())?.0;
    chars
        .any(|(_, c)| !c.is_whitespace())
        .then(|| s.x0 + (s.x1 - s.x0) * end as f32 / n as f32)
}

/// `s` cut after its first word when that word overruns its column into the gap before the next
/// and the rest is the next column's cell, set closer than a word space and so read as one span
/// with it (a long word in pandoc's fixed-width LaTeX column: "Electromagnetic $18,750.41"). `s`
/// must start where its column starts and end inside the next one; the word must reach the
/// column's edge (within an em).
pub(crate) fn cut_overrun(s: &Span, bands: &[(f32, f32)], em: f32) -> Option<(Span, Span)> {
    let k = bands.iter().position(|b| at_start(s.x0, b))?;
    let (col, next) = (bands[k], *bands.get(k + 1)?);
    let right = s.ink_x1();
    if right <= next.0 + 0.5 || right > next.1 + 1.0 {
        return None;
    }
    let fe = first_word_end(s)?;
    if fe < col.1 - em {
        return None;
    }
    let t = s.text.trim_start();
    let cut = t.find(char::is_whitespace)?;
    let (a, b) = (t[..cut].to_string(), t[cut..].trim_start().to_string());
    let mut left = s.clone();
    (left.text, left.x1) = (a, fe.min(col.1));
    let mut rest = s.clone();
    (rest.text, rest.x0) = (b, fe.max(next.0));
    Some((left, rest))
}

/// Whether the cells of `rows` (five or more) stand at their columns' starts: each band but the
/// first starts where a piece of text starts in two rows of three, every piece of all rows but
/// one starts at a band's start, and the text of the first band ends raggedly (in fewer than half
/// of the rows within a point of its right edge). So a word processor's cells that fill their
/// columns up to a narrow padding still make columns; words of prose, or two justified text
/// columns (which end their lines evenly), do not.
pub(crate) fn aligned_starts(rows: &[&Vec<Line>], bands: &[(f32, f32)]) -> bool {
    let n = rows.len();
    if n < 5 || bands.len() < 2 {
        return false;
    }
    let rows: Vec<Vec<&Span>> = rows
        .iter()
        .map(|r| r.iter().flat_map(|l| &l.spans).collect())
        .collect();
    let starts = bands[1..].iter().all(|b| {
        let hits = rows
            .iter()
            .filter(|r| r.iter().any(|s| at_start(s.x0, b)))
            .count();
        hits * 3 >= n * 2
    });
    let on_starts = rows
        .iter()
        .filter(|r| r.iter().all(|s| bands.iter().any(|b| at_start(s.x0, b))))
        .count();
    let edge = bands[0].1;
    let even = rows
        .iter()
        .filter(|r| {
            r.iter()
                .any(|s| s.x0 < edge && (s.ink_x1() - edge).abs() <= 1.0)
        })
        .count();
    starts && on_starts + 1 >= n && even * 2 < n
}

/// Whether `x` is where the band `b` starts (within a point).
fn at_start(x: f32, b: &(f32, f32)) -> bool {
    (x - b.0).abs() <= 1.0
}

/// Whether `row`, read into the cells `r`, fills two of them or more with pieces that each start
/// at a column's start: cells set close together, not a line of one cell.
pub(crate) fn cells_at_starts(row: &[Line], r: &[String], bands: &[(f32, f32)]) -> bool {
    r.iter().filter(|c| !c.is_empty()).count() >= 2
        && row
            .iter()
            .flat_map(|l| &l.spans)
            .all(|s| bands.iter().any(|b| at_start(s.x0, b)))
}
