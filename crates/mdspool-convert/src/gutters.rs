//! A band's gutter: the longest run of rows from a row that reads as two columns about a strip of
//! white space every row leaves free (`column_run`), by the two-column test (`columns::columns_ok`),
//! around a table across both columns, or as one of three columns.
//!
//! Three columns side by side with narrow gutters (a newsletter's `multicols{3}`, a browser's
//! `column-count: 3`). A band is split at one gutter at a time, and the side holding two columns
//! reads as one piece of text with a cell-wide gap wherever one column's line ends short: the
//! two-column test of that gutter (`columns::columns_ok`) then sees table rows, not prose, and no
//! gutter is taken. Here each gutter is tested against the columns on its own two sides only.
//! Also here: the short last line of a full-width paragraph right above a column band, which
//! would otherwise open the band and, lying across the first gutter, hide it.

use super::columns::{columns_ok, spanning_table};
use super::model::Span;
use super::regions::Row;
use super::regions::{centred, free, intersect};

/// Whether gutter `g` is one of two that every row of the run leaves free (`gaps`) and splits
/// three columns: the rows left of the right-hand gutter read as two columns about the left-hand
/// one, and the rows right of the left-hand gutter as two columns about the right-hand one.
pub(super) fn three_ok(rows: &[Row], g: (f32, f32), gaps: &[(f32, f32)], em: f32) -> bool {
    gaps.iter().filter(|h| h.0 >= g.1 || h.1 <= g.0).any(|&h| {
        let (a, b) = if h.0 >= g.1 { (g, h) } else { (h, g) };
        let left = restrict(rows, |s| s.x1 <= b.0);
        let right = restrict(rows, |s| s.x0 >= a.1);
        columns_ok(&left, a, em) && columns_ok(&right, b, em)
    })
}

/// The rows with only the spans `keep` takes; rows left empty are dropped.
fn restrict<'a>(rows: &[Row<'a>], keep: impl Fn(&Span) -> bool) -> Vec<Row<'a>> {
    rows.iter()
        .filter_map(|r| {
            let spans: Vec<&Span> = r.spans.iter().copied().filter(|s| keep(s)).collect();
            let size = spans.iter().map(|s| s.size).fold(0.0f32, f32::max);
            (!spans.is_empty()).then_some(Row {
                top: r.top,
                bottom: r.bottom,
                size,
                spans,
            })
        })
        .collect()
}

/// Whether `row` is the next line of the full-width paragraph whose line `above` is: `above`
/// spans most of `width`, `row` starts at its left edge in its size, a line's leading under it.
pub(super) fn continues_paragraph(above: &Row, row: &Row, width: f32) -> bool {
    let extent = |r: &Row| {
        r.spans
            .iter()
            .fold((f32::MAX, f32::MIN), |(a, b), s| (a.min(s.x0), b.max(s.x1)))
    };
    let ((a0, a1), (r0, r1)) = (extent(above), extent(row));
    let height = (row.bottom - row.top).max(0.5);
    let words = |r: &Row| r.spans.iter().any(|s| !s.text.trim().is_empty());
    words(above)
        && words(row)
        && a1 - a0 >= 0.8 * width
        && (r0 - a0).abs() <= 1.0
        && r1 < a1
        && (row.size - above.size).abs() <= 0.05 * row.size.max(above.size)
        && row.top - above.bottom <= 0.5 * height
}

/// The longest run of rows from row `i` that reads as two columns, and its gutter (halving the run
/// when the whole does not: a column band followed by rows that only happen to leave the gap
/// free); `(None, _)` when row `i` opens no column band.
pub(super) fn column_run(
    rows: &[Row],
    i: usize,
    (x0, x1): (f32, f32),
    (lo, hi): (f32, f32),
    min: f32,
    em: f32,
) -> (Option<(f32, f32)>, usize) {
    // A centred line across the middle (a title's second line, an author line) is full-width:
    // it cannot open a column band, or the gap beside it passes for a gutter.
    let mut gaps = if centred(&rows[i], x0, x1, min) {
        Vec::new()
    } else {
        free(&rows[i], lo, hi, min)
    };
    let mut j = i + 1;
    while j < rows.len() && !gaps.is_empty() {
        let next = intersect(&gaps, &free(&rows[j], lo, hi, min), min);
        if next.is_empty() {
            break;
        }
        gaps = next;
        j += 1;
    }
    let mut gutter = None;
    while gutter.is_none() && j >= i + 3 {
        // The gaps of the shorter run: a second gutter of three columns may end before the first.
        let short: Vec<(f32, f32)> = rows[i + 1..j]
            .iter()
            .fold(free(&rows[i], lo, hi, min), |g, r| {
                intersect(&g, &free(r, lo, hi, min), min)
            });
        gutter = gaps
            .iter()
            .copied()
            .filter(|g| {
                columns_ok(&rows[i..j], *g, em)
                    || around_table(&rows[i..j], *g, em)
                    || three_ok(&rows[i..j], *g, &short, em)
            })
            .max_by(|a, b| (a.1 - a.0).total_cmp(&(b.1 - b.0)));
        if gutter.is_none() {
            j = i + (j - i) / 2;
        }
    }
    (gutter, j)
}

/// Whether `rows` are two columns with a table across both in their middle (`split` carves it out):
/// the rows above the table and those below it each read as columns, or are none.
fn around_table(rows: &[Row], g: (f32, f32), em: f32) -> bool {
    let Some((a, b)) = spanning_table(rows, g, em) else {
        return false;
    };
    let (above, below) = (&rows[..a], &rows[b..]);
    (!above.is_empty() || !below.is_empty())
        && (above.is_empty() || columns_ok(above, g, em))
        && (below.is_empty() || columns_ok(below, g, em))
}
