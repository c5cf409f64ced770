//! Column bands too short to prove themselves: two lines of each column at the top of a page (a
//! paragraph going on from the page before) or between two full-width elements (a browser balances
//! a short section's tail over both columns above a heading across them). Two rows are no evidence
//! of a gutter on their own, so `regions.rs` leaves them full-width and reads them across. Here they
//! borrow the gutter of a column band proven elsewhere in the same area: rows that leave it free,
//! whose two sides start where that band's columns start, and which hold a full line on each side,
//! are columns too.

use super::docgutter::Gutter;
use super::model::Span;
use super::regions::{Band, Row};

/// How far (in font sizes) a side's start may be from the proven column's start.
const START_EM: f32 = 0.3;
/// White before the right column's start, in font sizes (as `regions.rs` asks of a gutter).
const MIN_GUTTER_EM: f32 = 0.8;
/// A gap this wide (in font sizes) between two words of a line is one between table cells.
const CELL_GAP_EM: f32 = 1.1;
/// A full line fills this share of its proven column's width.
const FULL_SHARE: f32 = 0.85;

/// One side of a proven column band: where its lines start and end.
#[derive(Clone, Copy)]
struct Column {
    x0: f32,
    x1: f32,
}

/// Split the full-width bands of `bands` where a run of two rows or more reads as the columns of
/// another band of the same area, bounded above or below by that band or by rows across the gutter.
pub(super) fn adopt(rows: &[Row], bands: &mut Vec<Band>, em: f32, lent: Option<&Gutter>) {
    // (gutter, its two columns, whether the document lent it)
    let mut proven: Vec<((f32, f32), Column, Column, bool)> = bands
        .iter()
        .filter_map(|&(a, b, g)| g.and_then(|g| sides(&rows[a..b], g)))
        .map(|(g, l, r)| (g, l, r, false))
        .collect();
    // The document's gutter, proven on its other pages (`docgutter.rs`).
    if let Some(d) = lent {
        let l = Column {
            x0: d.l.0,
            x1: d.l.1,
        };
        let r = Column {
            x0: d.r.0,
            x1: d.r.1,
        };
        proven.push((d.g, l, r, true));
    }
    if proven.is_empty() {
        return;
    }
    let mut out: Vec<Band> = Vec::with_capacity(bands.len());
    for &(a, b, g) in bands.iter() {
        if let Some(g) = g {
            push(&mut out, (a, b, g));
            continue;
        }
        let mut start = a;
        let mut k = a;
        while k < b {
            let run = proven.iter().find_map(|&(g, l, r, lent)| {
                // Rows that leave the gutter free, their sides starting at the columns' starts
                // (`loose`: or further in, as a table centred in its column does).
                let reach = |loose: bool| {
                    let mut e = k;
                    while e < b && two_sides(&rows[e], g, l, r, em, (loose, lent)) {
                        e += 1;
                    }
                    e
                };
                // Bounded: by the band's edge (a column band right above or below) or by rows
                // across the gutter (a heading, a table whose header row may leave it free) on one
                // side at least, not a few rows in the middle of things set side by side.
                let mid = (g.0 + g.1) / 2.0;
                let over = |r: &[Row]| r.iter().any(|row| crosses(row, mid));
                let closed = |e: usize| {
                    k == a
                        || e == b
                        || over(&rows[k.saturating_sub(2).max(a)..k])
                        || over(&rows[e..(e + 2).min(b)])
                };
                let fills = |e: usize| -> Vec<(bool, bool)> {
                    rows[k..e]
                        .iter()
                        .map(|row| full_sides(row, g, l, r))
                        .collect()
                };
                let e = reach(false);
                if e >= k + 2 && fills(e).iter().any(|f| f.0 && f.1) && closed(e) {
                    return Some((g, e));
                }
                // Beside a table: lines of prose filling one side's column on half of three rows
                // or more (a table at the top of the right column beside the left column's first
                // paragraph, under a title across both).
                let e = reach(true);
                let f = fills(e);
                let half = |n: usize| e >= k + 3 && n * 2 >= e - k;
                let one = half(f.iter().filter(|f| f.0).count())
                    || half(f.iter().filter(|f| f.1).count());
                let starts: Vec<(f32, f32)> =
                    rows[k..e].iter().map(|row| sides_start(row, mid)).collect();
                let both =
                    starts.iter().any(|s| s.0 < f32::MAX) && starts.iter().any(|s| s.1 < f32::MAX);
                (one && both && closed(e)).then_some((g, e))
            });
            match run {
                Some((g, e)) => {
                    if k > start {
                        out.push((start, k, None));
                    }
                    push(&mut out, (k, e, g));
                    start = e;
                    k = e;
                }
                None => k += 1,
            }
        }
        if b > start {
            out.push((start, b, None));
        }
    }
    *bands = out;
}

/// Push a column band, joined to the one above when it has the same gutter and nothing between.
fn push(out: &mut Vec<Band>, (a, b, g): (usize, usize, (f32, f32))) {
    match out.last_mut() {
        Some((_, end, Some(p))) if *end == a && p.0.max(g.0) < p.1.min(g.1) => {
            *p = (p.0.max(g.0), p.1.min(g.1));
            *end = b;
        }
        _ => out.push((a, b, Some(g))),
    }
}

/// Where the two columns of a proven band start and end.
fn sides(rows: &[Row], g: (f32, f32)) -> Option<((f32, f32), Column, Column)> {
    let spans = rows.iter().flat_map(|r| r.spans.iter());
    let extent = |on: &dyn Fn(f32, f32) -> bool| {
        spans
            .clone()
            .filter(|s| !s.text.trim().is_empty() && on(s.x0, s.ink_x1()))
            .fold(None, |acc: Option<Column>, s| {
                let (x0, x1) = (s.x0, s.ink_x1());
                Some(acc.map_or(Column { x0, x1 }, |c| Column {
                    x0: c.x0.min(x0),
                    x1: c.x1.max(x1),
                }))
            })
    };
    let left = extent(&|_, x1| x1 <= g.0)?;
    let right = extent(&|x0, _| x0 >= g.1)?;
    Some((g, left, right))
}

/// Whether `row` starts a line at the start of each column (`loose`: at or after it), with a
/// gutter's width of white before the right one (a ragged left column may reach further into the
/// gutter than the proven rows).
fn two_sides(
    row: &Row,
    g: (f32, f32),
    l: Column,
    r: Column,
    em: f32,
    (loose, lent): (bool, bool),
) -> bool {
    let words = || row.spans.iter().filter(|s| !s.text.trim().is_empty());
    let mid = (g.0 + g.1) / 2.0;
    // (Loose: a word run over the left column's edge may reach up to half an em before the
    // right side's first word (an overfull table's last figure), or, with nothing beside it, the
    // right column's start: a typewriter word that would not break.)
    let right_start = row
        .spans
        .iter()
        .filter(|s| s.x0 >= mid)
        .map(|s| s.x0)
        .fold(f32::MAX, f32::min);
    let edge = match (loose, right_start == f32::MAX) {
        (true, true) => r.x0,
        (true, false) => right_start.min(r.x0 + 2.0 * em) - 0.5 * em,
        _ => r.x0 - MIN_GUTTER_EM * em,
    };
    if words().any(|s| s.x0 < mid && s.ink_x1() > edge) {
        return false;
    }
    let start = |on: &dyn Fn(f32) -> bool| {
        words()
            .map(|s| s.x0)
            .filter(|&x| on(x))
            .fold(f32::MAX, f32::min)
    };
    let (ls, rs) = (start(&|x| x < mid), start(&|x| x >= mid));
    let tol = START_EM * em;
    let strict = (ls - l.x0).abs() <= tol && (rs - r.x0).abs() <= tol;
    if loose && !strict {
        // Words on one side only: the other may be empty, or hold a table the page took out (a
        // span without text). Words on both sides: one side a full line of prose at its column's
        // start, the other at or after its column's start (a table beside the text, centred in
        // its column); else they are a wide table's cells.
        if ls < f32::MAX && rs < f32::MAX {
            // (On a page that proves no gutter, with the document's: any such row, the run's
            // prose on one side telling columns from a wide table.)
            let (lf, rf) = full_sides(row, g, l, r);
            return (lf && (ls - l.x0).abs() <= tol && rs >= r.x0 - tol)
                || (rf && (rs - r.x0).abs() <= tol && ls >= l.x0 - tol)
                || (lent && ls >= l.x0 - tol && rs >= r.x0 - tol);
        }
        let (ls, rs) = sides_start(row, mid);
        return (ls < f32::MAX || rs < f32::MAX)
            && (ls == f32::MAX || ls >= l.x0 - tol)
            && (rs == f32::MAX || rs >= r.x0 - tol);
    }
    strict
}

/// Where the first piece of `row` on each side of `mid` starts, a table's placeholder (a span
/// without text) included; `f32::MAX` for a side without one.
fn sides_start(row: &Row, mid: f32) -> (f32, f32) {
    row.spans.iter().fold((f32::MAX, f32::MAX), |(l, r), s| {
        if s.x0 < mid {
            (l.min(s.x0), r)
        } else {
            (l, r.min(s.x0))
        }
    })
}

/// Whether a span of `row` crosses the line `x`.
fn crosses(row: &Row, x: f32) -> bool {
    row.spans
        .iter()
        .any(|s| !s.text.trim().is_empty() && s.x0 < x && s.ink_x1() > x)
}

/// Whether `row` is a full line of prose in each column: words filling most of the column's width
/// with word spaces between them, not the gaps between table cells.
fn full_sides(row: &Row, g: (f32, f32), l: Column, r: Column) -> (bool, bool) {
    let line = |on: &dyn Fn(f32) -> bool, c: Column| {
        let mut mine: Vec<&Span> = row
            .spans
            .iter()
            .copied()
            .filter(|s| !s.text.trim().is_empty() && on(s.x0))
            .collect();
        mine.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let reach = mine.iter().map(|s| s.ink_x1()).fold(f32::MIN, f32::max);
        let words: usize = mine.iter().map(|s| s.text.split_whitespace().count()).sum();
        let spaced = super::prose::evenly_spaced(&mine)
            || mine
                .windows(2)
                .all(|w| w[1].x0 - w[0].ink_x1() < CELL_GAP_EM * w[0].size.max(w[1].size));
        reach - c.x0 >= FULL_SHARE * (c.x1 - c.x0) && words >= 3 && spaced
    };
    (line(&|x| x < g.0, l), line(&|x| x >= g.1, r))
}
