//! Whether a white gap in a band of rows is a gutter between two text columns: both sides must read
//! as columns of prose (or the band as two unrelated halves), so that table cells, labels and lists
//! beside each other are not taken for columns. Where a column band starts and ends is weighed here
//! too: a heading across both columns ends it, and a table's last rows above it stay out of it. The
//! band search itself is in `regions.rs`.

use super::model::Span;
use super::regions::Row;

/// Below this width (in font sizes) a gutter needs a longer band to count (rivers of word spaces).
const NARROW_GUTTER_EM: f32 = 1.5;
/// A gap this wide (in font sizes) inside one side of a row separates table cells, not words.
const CELL_GAP_EM: f32 = 1.1;
/// A side of at most this many rows is a column with a single full line of prose.
const SHORT_SIDE_ROWS: usize = 4;
/// A gap this wide (in font sizes) in the middle splits a band into halves even without prose.
const HALVES_GAP_EM: f32 = 4.0;

/// Whether the rows read as two text columns on either side of the gap `g`: enough rows, and on each
/// side at least two rows of words that fill most of that side (lists, labels and table cells do not).
pub(super) fn columns_ok(rows: &[Row], g: (f32, f32), em: f32) -> bool {
    let width = g.1 - g.0;
    let need = if width < NARROW_GUTTER_EM * em { 5 } else { 3 };
    if rows.len() < need || rows.iter().any(|r| marker_before(r, g)) {
        return false;
    }
    let left: Vec<Option<Part>> = rows.iter().map(|r| part(r, |s| s.x1 <= g.0)).collect();
    let right: Vec<Option<Part>> = rows.iter().map(|r| part(r, |s| s.x0 >= g.1)).collect();
    let (l_ok, l_full) = side(&left, em);
    let (r_ok, r_full) = side(&right, em);
    // The column the text ends in, a few lines at the top of the band beside a long column of
    // prose, may show a single full line.
    let l_ok = l_ok || (r_ok && ends_short(&left, &l_full, &r_full, em));
    let r_ok = r_ok || (l_ok && ends_short(&right, &r_full, &l_full, em));
    if !(l_ok && r_ok) {
        return halves(&left, &right, g, em);
    }
    // Rows with words on both sides where neither side is a full line of prose are table rows
    // that happen to leave the gap free: a band with many of them is a wide table, not columns.
    let (mut both, mut cells) = (0usize, 0usize);
    for (k, (l, r)) in left.iter().zip(&right).enumerate() {
        if l.is_some() && r.is_some() {
            both += 1;
            cells += usize::from(!l_full[k] && !r_full[k]);
        }
    }
    cells < 3 || cells * 4 <= both || halves(&left, &right, g, em)
}

/// Whether the last words of `row` before the gap `g` are a bullet right at its edge: the gap is the
/// one between a bullet and its item's text, never a gutter. (Only drawn bullets: a number, "(1)" or
/// a dash at the edge is as often the last word of a line, an equation's number or a hyphen.)
fn marker_before(row: &Row, g: (f32, f32)) -> bool {
    row.spans
        .iter()
        .filter(|s| s.x1 <= g.0 && !s.text.trim().is_empty())
        .max_by(|a, b| a.x1.total_cmp(&b.x1))
        .is_some_and(|s| {
            let mut chars = s.text.trim().chars();
            // A drawn bullet, not a dash or star (the hyphen ending a line stands there too).
            let bullet = chars.next().is_some_and(|c| {
                super::markers::is_bullet_char(c) && !matches!(c, '-' | '–' | '*')
            });
            s.x1 >= g.0 - s.size && bullet && chars.next().is_none()
        })
}

/// Two independent halves whatever their content (a two-page spread, two forms side by side): a very
/// wide gap in the middle, five rows or more on each side, and rows that mostly do not line up across
/// the gap (the rows of a table do), nor split into cells on one side in half of a side's rows.
fn halves(left: &[Option<Part>], right: &[Option<Part>], g: (f32, f32), em: f32) -> bool {
    let x0 = left.iter().flatten().map(|p| p.x0).fold(f32::MAX, f32::min);
    let x1 = right
        .iter()
        .flatten()
        .map(|p| p.x1)
        .fold(f32::MIN, f32::max);
    let mid = (g.0 + g.1) / 2.0;
    let central = mid > x0 + 0.4 * (x1 - x0) && mid < x0 + 0.6 * (x1 - x0);
    let (l, r) = (
        left.iter().flatten().count(),
        right.iter().flatten().count(),
    );
    let lined: Vec<(&Part, &Part)> = left
        .iter()
        .zip(right)
        .filter_map(|(a, b)| a.as_ref().zip(b.as_ref()))
        .collect();
    let both = lined.len();
    // Rows lining up across the gap with one side split into cells are a table's rows (a word
    // processor's table of three columns whose last one is wide): half of a side's rows or more
    // make the band a table's, not two halves.
    let table = lined.iter().filter(|(a, b)| a.cells || b.cells).count();
    g.1 - g.0 >= HALVES_GAP_EM * em
        && central
        && l >= 5
        && r >= 5
        && both * 5 <= 3 * l.min(r)
        && (table < 2 || table * 2 < l.min(r))
}

/// What one row holds on one side of a gap.
struct Part {
    x0: f32,
    x1: f32,
    letters: usize,
    words: usize,
    /// Split by a gap as wide as between table cells (a justified line's even word gaps are not).
    cells: bool,
    /// Opens with a list marker (a bullet, "1.", "a)"): a list item's line.
    item: bool,
}

fn part(row: &Row, on_side: impl Fn(&Span) -> bool) -> Option<Part> {
    let mut mine: Vec<&Span> = row
        .spans
        .iter()
        .copied()
        .filter(|s| !s.text.is_empty() && on_side(s))
        .collect();
    mine.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let x0 = mine.first()?.x0;
    Some(Part {
        x0,
        x1: mine.iter().map(|s| s.x1).fold(f32::MIN, f32::max),
        letters: mine
            .iter()
            .map(|s| s.text.chars().filter(|c| c.is_alphabetic()).count())
            .sum(),
        words: mine.iter().map(|s| s.text.split_whitespace().count()).sum(),
        cells: !super::prose::evenly_spaced(&mine)
            && mine
                .windows(2)
                .any(|w| w[1].x0 - w[0].x1 > CELL_GAP_EM * w[0].size.max(w[1].size)),
        item: super::layout::is_marker_text(&mine[0].text),
    })
}

/// How many cells one side of a row holds: its spans cut at gaps as wide as between table cells,
/// a list marker before its item's text not counted (two lists side by side are no table).
fn cells(row: &Row, on_side: impl Fn(&Span) -> bool) -> usize {
    let mut mine: Vec<&Span> = row
        .spans
        .iter()
        .copied()
        .filter(|s| !s.text.trim().is_empty() && on_side(s))
        .collect();
    mine.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    if mine.len() > 1 && super::layout::is_marker_text(&mine[0].text) {
        mine.remove(0);
    }
    if mine.is_empty() {
        return 0;
    }
    1 + mine
        .windows(2)
        .filter(|w| w[1].x0 - w[0].x1 > CELL_GAP_EM * w[0].size.max(w[1].size))
        .count()
}

/// Whether a side that is not a text column by [`side`] is the short end of one: at most
/// `SHORT_SIDE_ROWS` rows, at the top of the band, one a full line, the rest list items or
/// short last lines, at least 6 em wide, beside a side of eight full lines or more.
fn ends_short(parts: &[Option<Part>], full: &[bool], other_full: &[bool], em: f32) -> bool {
    let rows: Vec<usize> = (0..parts.len()).filter(|&k| parts[k].is_some()).collect();
    // At the band's top: from its first row, within twice as many rows (the other column's lines
    // fall between them).
    let top = rows.first() == Some(&0) && rows.last().is_some_and(|&k| k < 2 * SHORT_SIDE_ROWS);
    let (x0, x1) = extent(parts);
    let n_full = full.iter().filter(|f| **f).count();
    !rows.is_empty()
        && rows.len() <= SHORT_SIDE_ROWS
        && top
        && n_full == 1
        && x1 - x0 >= 6.0 * em
        && other_full.iter().filter(|f| **f).count() >= 8
}

/// Where the text of one side starts and ends, over all its rows.
fn extent(parts: &[Option<Part>]) -> (f32, f32) {
    parts
        .iter()
        .flatten()
        .fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p.x0), b.max(p.x1)))
}

/// Whether one side is a text column (at least 6 em wide, two full lines of words or more, and a
/// third of its rows or more full lines or list items), and which rows are full lines: most of the
/// side's width, words, no cell gap.
fn side(parts: &[Option<Part>], em: f32) -> (bool, Vec<bool>) {
    let (x0, x1) = extent(parts);
    let full: Vec<bool> = parts
        .iter()
        .map(|p| {
            p.as_ref().is_some_and(|p| {
                p.x1 - p.x0 >= 0.6 * (x1 - x0) && p.letters >= 10 && p.words >= 3 && !p.cells
            })
        })
        .collect();
    let n_full = full.iter().filter(|f| **f).count();
    // A list item's lines are the column's text too, full or not (a list beside prose).
    let n_text = full
        .iter()
        .zip(parts)
        .filter(|(f, p)| **f || p.as_ref().is_some_and(|p| p.item && !p.cells))
        .count();
    let n = parts.iter().flatten().count();
    (x1 - x0 >= 6.0 * em && n_full >= 2 && n_text * 3 >= n, full)
}

/// The rows `(start, end)` of a column band with gutter `g` that are a table set across both
/// columns (a browser's multi-column section with a table spanning it, whose cells leave the
/// gutter free): three or more rows in a row with words on both sides of the gutter, neither side a
/// full line of prose, both sides split into two cells or more (or one side into one, the other
/// into two or more, all on one baseline), and each row's spans starting or
/// ending where the row above's do. A narrow table inside one column has prose or a list beside it.
pub(super) fn spanning_table(rows: &[Row], g: (f32, f32), em: f32) -> Option<(usize, usize)> {
    let left: Vec<Option<Part>> = rows.iter().map(|r| part(r, |s| s.x1 <= g.0)).collect();
    let right: Vec<Option<Part>> = rows.iter().map(|r| part(r, |s| s.x0 >= g.1)).collect();
    let (_, l_full) = side(&left, em);
    let (_, r_full) = side(&right, em);
    let tabular = |k: usize| match (&left[k], &right[k]) {
        (Some(_), Some(_)) => {
            let all = rows[k].spans.iter().all(|s| s.x1 <= g.0 || s.x0 >= g.1);
            let (l, r) = (
                cells(&rows[k], |s| s.x1 <= g.0),
                cells(&rows[k], |s| s.x0 >= g.1),
            );
            // One side may hold a single column (a centred table's names on the left of the
            // gutter, its figures on the right) when the whole row stands on one baseline.
            let bottoms = rows[k].spans.iter().map(|s| s.bottom);
            let level =
                bottoms.clone().fold(f32::MIN, f32::max) - bottoms.fold(f32::MAX, f32::min) <= 0.5;
            let split = (l >= 2 && r >= 2) || (l.min(r) == 1 && l.max(r) >= 2 && level);
            all && !l_full[k] && !r_full[k] && split
        }
        _ => false,
    };
    let mut k = 0;
    while k < rows.len() {
        if !tabular(k) {
            k += 1;
            continue;
        }
        let mut e = k + 1;
        while e < rows.len() && tabular(e) && same_columns(&rows[e - 1], &rows[e], g) {
            e += 1;
        }
        if e - k >= 3 {
            if super::model::debug() {
                let texts: Vec<String> = rows[k..e]
                    .iter()
                    .map(|r| {
                        r.spans
                            .iter()
                            .map(|s| s.text.as_str())
                            .collect::<Vec<_>>()
                            .join(" | ")
                    })
                    .collect();
                tracing::trace!("table across the columns: {texts:?}");
            }
            return Some((k, e));
        }
        k = e;
    }
    None
}

/// Whether `row` has words on both sides of the gutter `g`.
fn both_sides(row: &Row, g: (f32, f32)) -> bool {
    row.spans.iter().any(|s| s.x1 <= g.0) && row.spans.iter().any(|s| s.x0 >= g.1)
}

/// Whether `row` reads as a row of the table `other` belongs to: words on both sides of the gutter
/// `g`, no line of prose (five words or more in one span start a column, not a cell), and each of
/// its pieces (spans, those that touch taken together) starting or ending where one of `other`'s
/// spans does, within a point.
fn aligned(row: &Row, other: &Row, g: (f32, f32)) -> bool {
    let edge =
        |x: f32, pick: fn(&Span) -> f32| other.spans.iter().any(|s| (pick(s) - x).abs() <= 1.0);
    let prose = row
        .spans
        .iter()
        .any(|s| s.text.split_whitespace().count() >= 5);
    // Spans that touch are one piece (a word the parser cut in two: "cra" + "ne").
    let mut spans: Vec<&Span> = row.spans.to_vec();
    spans.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let mut pieces: Vec<(f32, f32)> = Vec::new();
    for s in spans {
        match pieces.last_mut() {
            Some(p) if (s.x0 - p.1).abs() <= 0.5 => p.1 = p.1.max(s.x1),
            _ => pieces.push((s.x0, s.x1)),
        }
    }
    both_sides(row, g)
        && !prose
        && pieces
            .iter()
            .all(|&(x0, x1)| edge(x0, |o| o.x0) || edge(x1, |o| o.x1))
}

/// Whether `row`, the first of a column band with gutter `g`, goes on with `above`, the last row of
/// the full-width band over it: a table's last rows that a column band below takes in, because their
/// cells leave the gutter free. `above` has text on both sides of the gutter too, and `row` is
/// [`aligned`] with it: the columns of one table.
pub(super) fn same_columns(above: &Row, row: &Row, g: (f32, f32)) -> bool {
    both_sides(above, g) && aligned(row, above, g)
}

/// [`same_columns`] for the first row of a column band under a full-width band: `above` may reach
/// into the gutter (a cell a little wider than the one under it, which is why the band starts below
/// it) and only leave the gutter's middle free.
pub(super) fn goes_on(above: &Row, row: &Row, g: (f32, f32)) -> bool {
    let mid = (g.0 + g.1) / 2.0;
    both_sides(above, (mid, mid)) && aligned(row, above, g)
}

/// Whether `row`, the last of a column band with gutter `g`, heads the table that starts right under
/// it in a full-width band (`below` its first row, of two spans or more): a header row whose cells
/// leave the gutter free ("Item" over the names, "Total" over the amounts of a centred table),
/// [`aligned`] with the row under it.
pub(super) fn heads_table(row: &Row, below: &Row, g: (f32, f32)) -> bool {
    // `row` may reach into the gutter (a cell a little wider than those under it, which is why
    // the band takes it in): its words only leave the gutter's middle free.
    let mid = (g.0 + g.1) / 2.0;
    below.spans.len() >= 2 && aligned(row, below, (mid, mid))
}

/// The row (index into `rows`, a column band with gutter `g`) of a heading that interrupts both
/// columns: a row larger than the body, all on the left of the gutter, where the right column
/// breaks off too, for at least three times the heading's height and about as long as the
/// left one does around it (or all along the heading): both columns stop above it and start again
/// together below it. A heading inside the left column of a flowing text has text beside it, or a
/// gap on the right that does not match its own.
pub(super) fn spanning_heading(rows: &[Row], g: (f32, f32), em: f32) -> Option<usize> {
    let left = |r: &Row| r.spans.iter().any(|s| s.x1 <= g.0 + 0.1 * em);
    let right = |r: &Row| r.spans.iter().any(|s| s.x0 >= g.1 - 0.1 * em);
    (1..rows.len().saturating_sub(1)).find(|&k| {
        let r = &rows[k];
        // Its words are larger than the body (not just a bullet or box drawn beside them).
        let worded = r
            .spans
            .iter()
            .filter(|s| s.text.chars().any(char::is_alphabetic));
        if worded.clone().next().is_none()
            || worded.clone().any(|s| s.size < 1.15 * em)
            || right(r)
            || !left(r)
        {
            return false;
        }
        let (above, below) = (&rows[..k], &rows[k + 1..]);
        let (Some(ra), Some(rb), Some(la), Some(lb)) = (
            above.iter().rev().find(|r| right(r)),
            below.iter().find(|r| right(r)),
            above.iter().rev().find(|r| left(r)),
            below.iter().find(|r| left(r)),
        ) else {
            return false;
        };
        let (right_gap, left_gap) = (rb.top - ra.bottom, lb.top - la.bottom);
        let tall = 3.0 * (r.bottom - r.top);
        if super::model::debug() {
            let spans = r.spans.iter().map(|s| s.text.as_str()).collect::<Vec<_>>();
            let tops = (lb.top, rb.top);
            tracing::trace!(
                "spanning heading? {spans:?} gaps {right_gap} {left_gap} tops {tops:?}"
            );
        }
        // The right column's break is about as long as the left one's, or holds the heading's
        // whole height (a browser balancing the columns above may end the left one early, after
        // a block it cannot break or a heading with its margin).
        let beside = ra.bottom <= r.top && rb.top >= r.bottom;
        right_gap >= tall
            && (right_gap >= left_gap - 2.5 * em || beside)
            && right_gap <= left_gap + 2.5 * em
            && (lb.top - rb.top).abs() <= 1.5 * em
    })
}

#[cfg(test)]
#[path = "columns_tests.rs"]
mod tests;
