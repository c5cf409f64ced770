//! Region-first page layout: a page is cut into horizontal bands at full-width elements (a title, an
//! abstract, a wide figure or table, a rule of text across the page), and each band is searched for a
//! column gutter: a vertical strip of white space that every text row of the band leaves free, with
//! real text on both sides. A band with a gutter is split into its two sides, and each side is searched
//! again (three columns, a sidebar beside two columns, a two-by-two layout). The result is a list of
//! rectangular regions in reading order; every span belongs to the region holding its centre.

use super::columns::{goes_on, heads_table, spanning_heading, spanning_table};
use super::docgutter::Gutter;
use super::model::{Rule, Span};

/// A rectangle of the page read as one run, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Region {
    pub x0: f32,
    pub x1: f32,
    pub top: f32,
    pub bottom: f32,
}

impl Region {
    fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x0 && x < self.x1 && y >= self.top && y < self.bottom
    }
}

/// How deep sides are searched again for further gutters (2 = up to four columns across).
const MAX_DEPTH: usize = 2;
/// A gutter is at least this many font sizes wide (justified word spaces stay below ~0.6 em).
const MIN_GUTTER_EM: f32 = 0.8;
/// How far a rule may reach into a gutter past the column it belongs to, in points.
const RULE_OVERHANG: f32 = 3.0;
/// The gutter's centre lies in the middle of the text: not within this share of either edge.
const EDGE_SHARE: f32 = 0.18;

/// The regions of a page in reading order. Spans of rotated text are not here (the reader drops them).
/// Horizontal ruling lines count as full-width elements too (a rule across a gutter ends the band: the
/// rows of a bordered table are not columns of text).
pub(crate) fn regions(spans: &[Span], rules: &[Rule], lent: Option<&Gutter>) -> Vec<Region> {
    let whole = Region {
        x0: f32::MIN,
        x1: f32::MAX,
        top: f32::MIN,
        bottom: f32::MAX,
    };
    let x0 = spans.iter().map(|s| s.x0).fold(f32::MAX, f32::min);
    let x1 = spans.iter().map(|s| s.x1).fold(f32::MIN, f32::max);
    // Text boxes without trailing blanks (a span's box often includes its closing space), and the
    // long horizontal rules as text-less boxes.
    let mut boxes: Vec<Span> = spans
        .iter()
        .map(|s| Span {
            x1: s.ink_x1(),
            ..s.clone()
        })
        .collect();
    boxes.extend(
        joined_horizontal(rules)
            .iter()
            .filter(|r| r.x1 - r.x0 >= 0.3 * (x1 - x0))
            // A table's rules reach past its text by the cells' padding: one a little too wide
            // for its column (LaTeX's overfull table) reaches into the gutter beside it.
            .map(|r| Span {
                x0: r.x0 + RULE_OVERHANG,
                x1: r.x1 - RULE_OVERHANG,
                top: r.top,
                bottom: r.bottom.max(r.top + 0.5),
                ..Span::plain(String::new())
            }),
    );
    let refs: Vec<&Span> = boxes.iter().collect();
    let mut out = Vec::new();
    split(&refs, whole, 0, &mut out, lent);
    if out.is_empty() {
        out.push(whole);
    }
    out
}

/// Horizontal rules with the segments of one line joined: a browser draws a bordered table's
/// lines cell by cell, and only the whole line reaches across a gutter.
fn joined_horizontal(rules: &[Rule]) -> Vec<Rule> {
    let mut h: Vec<Rule> = rules.iter().copied().filter(Rule::is_horizontal).collect();
    h.sort_by(|a, b| a.top.total_cmp(&b.top).then(a.x0.total_cmp(&b.x0)));
    let mut out: Vec<Rule> = Vec::with_capacity(h.len());
    for r in h {
        match out.last_mut() {
            Some(l) if (l.top - r.top).abs() < 1.0 && r.x0 <= l.x1 + 2.0 => {
                l.x1 = l.x1.max(r.x1);
                l.bottom = l.bottom.max(r.bottom);
            }
            _ => out.push(r),
        }
    }
    out
}

/// Index of the region holding the point, else the nearest one (by centre distance).
pub(crate) fn region_of(regions: &[Region], x: f32, y: f32) -> usize {
    if let Some(i) = regions.iter().position(|r| r.contains(x, y)) {
        return i;
    }
    let dist = |r: &Region| {
        let dx = if x < r.x0 {
            r.x0 - x
        } else {
            (x - r.x1).max(0.0)
        };
        let dy = if y < r.top {
            r.top - y
        } else {
            (y - r.bottom).max(0.0)
        };
        dx + dy
    };
    regions
        .iter()
        .enumerate()
        .min_by(|a, b| dist(a.1).total_cmp(&dist(b.1)))
        .map_or(0, |(i, _)| i)
}

/// A horizontal band of rows: first row, end row (exclusive), and its column gap if it has one.
pub(super) type Band = (usize, usize, Option<(f32, f32)>);

/// One text row: spans sharing a baseline band, with its vertical extent and font size.
pub(super) struct Row<'a> {
    pub top: f32,
    pub bottom: f32,
    pub size: f32,
    pub spans: Vec<&'a Span>,
}

/// Group spans into rows. A glyph taller than two lines (a drop cap) counts only with the line its
/// top stands on, so it does not merge the lines it spans.
fn rows<'a>(spans: &[&'a Span]) -> Vec<Row<'a>> {
    let mut heights: Vec<f32> = spans.iter().map(|s| (s.bottom - s.top).max(0.5)).collect();
    heights.sort_by(f32::total_cmp);
    let typical = heights.get(heights.len() / 2).copied().unwrap_or(10.0);
    let mut sorted: Vec<&Span> = spans.to_vec();
    sorted.sort_by(|a, b| a.top.total_cmp(&b.top).then(a.x0.total_cmp(&b.x0)));
    let mut rows: Vec<Row> = Vec::new();
    for s in sorted {
        let bottom = if s.bottom - s.top > 2.2 * typical {
            s.top + typical
        } else {
            s.bottom
        };
        let h = (bottom - s.top).max(0.5);
        // A ruling line (a text-less box) is a row of its own: it never joins the text just above
        // or below it (a scan's boxes are loose), or it would no longer end a column band.
        let rule = |t: &str| t.is_empty();
        let found = rows.iter_mut().rev().take(4).find(|r| {
            let rh = (r.bottom - r.top).max(0.5);
            let apart = rule(&s.text) || r.spans.iter().any(|o| rule(&o.text));
            !apart && r.bottom.min(bottom) - r.top.max(s.top) >= 0.5 * h.min(rh)
        });
        match found {
            Some(r) => {
                r.spans.push(s);
                r.size = r.size.max(s.size);
            }
            None => rows.push(Row {
                top: s.top,
                bottom,
                size: s.size,
                spans: vec![s],
            }),
        }
    }
    rows
}

/// One run of text (no gap of `min` or more inside), narrower than four fifths of `[x0, x1]`, whose
/// centre is within 3 % of the middle of `[x0, x1]` and which crosses that middle.
pub(super) fn centred(row: &Row, x0: f32, x1: f32, min: f32) -> bool {
    let mut cover: Vec<(f32, f32)> = row.spans.iter().map(|s| (s.x0, s.x1)).collect();
    cover.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (Some(first), Some(last)) = (cover.first(), cover.last()) else {
        return false;
    };
    let (a, b) = (first.0, cover.iter().map(|c| c.1).fold(last.1, f32::max));
    let mut reach = a;
    for &(c0, c1) in &cover {
        if c0 - reach >= min {
            return false;
        }
        reach = reach.max(c1);
    }
    let (width, mid) = (x1 - x0, (x0 + x1) / 2.0);
    b - a < 0.8 * width && ((a + b) / 2.0 - mid).abs() <= 0.03 * width && a < mid && b > mid
}

/// Free horizontal intervals of a row inside `[lo, hi]`, at least `min` wide.
pub(super) fn free(row: &Row, lo: f32, hi: f32, min: f32) -> Vec<(f32, f32)> {
    let mut cover: Vec<(f32, f32)> = row.spans.iter().map(|s| (s.x0, s.x1)).collect();
    cover.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    let mut x = f32::MIN;
    for (a, b) in cover {
        if a > x && a.min(hi) - x.max(lo) >= min {
            out.push((x.max(lo), a.min(hi)));
        }
        x = x.max(b);
    }
    if hi - x.max(lo) >= min {
        out.push((x.max(lo), hi));
    }
    out
}

pub(super) fn intersect(a: &[(f32, f32)], b: &[(f32, f32)], min: f32) -> Vec<(f32, f32)> {
    let mut out = Vec::new();
    for &(a0, a1) in a {
        for &(b0, b1) in b {
            let (x0, x1) = (a0.max(b0), a1.min(b1));
            if x1 - x0 >= min {
                out.push((x0, x1));
            }
        }
    }
    out
}

/// Cut the spans of `area` into bands and columns; push the regions in reading order.
fn split(
    spans: &[&Span],
    area: Region,
    depth: usize,
    out: &mut Vec<Region>,
    lent: Option<&Gutter>,
) {
    let rows = rows(spans);
    if rows.is_empty() {
        return;
    }
    let mut sizes: Vec<f32> = spans.iter().map(|s| s.size).collect();
    sizes.sort_by(f32::total_cmp);
    let em = sizes.get(sizes.len() / 2).copied().unwrap_or(10.0).max(1.0);
    let x0 = spans.iter().map(|s| s.x0).fold(f32::MAX, f32::min);
    let x1 = spans.iter().map(|s| s.x1).fold(f32::MIN, f32::max);
    let (lo, hi) = (x0 + EDGE_SHARE * (x1 - x0), x1 - EDGE_SHARE * (x1 - x0));
    let min = MIN_GUTTER_EM * em;
    // Bands: (first row, end row, gutter) in top-down order; single-column rows have no gutter.
    let mut bands: Vec<Band> = Vec::new();
    let mut i = 0;
    // The gutter and end row of a column band that a spanning heading interrupted: the columns
    // go on below the heading.
    let mut carry: Option<((f32, f32), usize)> = None;
    while i < rows.len() {
        // The short last line of a full-width paragraph stays with it.
        if carry.is_none()
            && i > 0
            && bands.last().is_some_and(|b| b.2.is_none() && b.1 == i)
            && super::gutters::continues_paragraph(&rows[i - 1], &rows[i], x1 - x0)
        {
            if let Some(last) = bands.last_mut() {
                last.1 = i + 1;
            }
            i += 1;
            continue;
        }
        let (gutter, j) = match carry.take() {
            Some((g, end)) if end > i => (Some(g), end),
            _ => super::gutters::column_run(&rows, i, (x0, x1), (lo, hi), min, em),
        };
        // A heading across the columns (a browser's `column-span: all`) that is short enough to
        // stand on one side: it ends the column band, and the columns start again below it.
        let spanning = gutter.and_then(|g| spanning_heading(&rows[i..j], g, em));
        // A table across both columns: the columns stop above it and go on below it.
        let table = gutter.and_then(|g| spanning_table(&rows[i..j], g, em));
        if let (Some(g), Some((a, b))) = (gutter, table)
            && spanning.is_none_or(|k| k >= a)
        {
            if a > 0 {
                bands.push((i, i + a, Some(g)));
            }
            match bands.last_mut() {
                Some(last) if last.2.is_none() => last.1 = i + b,
                _ => bands.push((i + a, i + b, None)),
            }
            carry = Some((g, j));
            i += b;
            continue;
        }
        if let (Some(g), Some(k)) = (gutter, spanning) {
            bands.push((i, i + k, Some(g)));
            bands.push((i + k, i + k + 1, None));
            carry = Some((g, j));
            i += k + 1;
            continue;
        }
        match gutter {
            Some(g) => {
                // A column band right under one with the same gutter continues it (nothing
                // full-width stands between them).
                match bands.last_mut() {
                    Some((_, end, Some(prev))) if prev.0.max(g.0) < prev.1.min(g.1) => {
                        *prev = (prev.0.max(g.0), prev.1.min(g.1));
                        *end = j;
                    }
                    _ => bands.push((i, j, Some(g))),
                }
                i = j;
            }
            None => {
                match bands.last_mut() {
                    Some(last) if last.2.is_none() => last.1 = i + 1,
                    _ => bands.push((i, i + 1, None)),
                }
                i += 1;
            }
        }
    }
    // A column band's first rows that go on with the table above it stay in the full-width band.
    for k in 1..bands.len() {
        while let (Some(g), None) = (bands[k].2, bands[k - 1].2) {
            let a = bands[k].0;
            if a >= bands[k].1 || !goes_on(&rows[a - 1], &rows[a], g) {
                break;
            }
            bands[k - 1].1 += 1;
            bands[k].0 += 1;
        }
    }
    // A column band's last rows that head the table under it (its header, and first rows whose
    // cells leave the gutter free too) go down to the table.
    for k in 0..bands.len().saturating_sub(1) {
        while let (Some(g), None) = (bands[k].2, bands[k + 1].2) {
            let b = bands[k].1;
            if bands[k].0 >= b || !heads_table(&rows[b - 1], &rows[b], g) {
                break;
            }
            bands[k].1 -= 1;
            bands[k + 1].0 -= 1;
        }
    }
    bands.retain(|b| b.0 < b.1);
    super::shortcols::adopt(&rows, &mut bands, em, lent);
    if super::model::debug() {
        tracing::trace!("bands {bands:?} of {} rows", rows.len());
    }
    let n = bands.len();
    for (k, &(a, b, gutter)) in bands.iter().enumerate() {
        // Bands meet halfway between their rows, so every point of the area falls in one.
        let top = if k == 0 {
            area.top
        } else {
            (rows[a - 1].bottom + rows[a].top) / 2.0
        };
        let bottom = if k + 1 == n {
            area.bottom
        } else {
            (rows[b - 1].bottom + rows[b].top) / 2.0
        };
        let band = Region {
            top,
            bottom,
            ..area
        };
        let Some((g0, g1)) = gutter else {
            out.push(band);
            continue;
        };
        let mid = (g0 + g1) / 2.0;
        let left = Region { x1: mid, ..band };
        let right = Region { x0: mid, ..band };
        for side in [left, right] {
            let inside: Vec<&Span> = rows[a..b]
                .iter()
                .flat_map(|r| r.spans.iter().copied())
                .filter(|s| side.contains((s.x0 + s.x1) / 2.0, (s.top + s.bottom) / 2.0))
                .collect();
            if depth + 1 < MAX_DEPTH && !inside.is_empty() {
                split(&inside, side, depth + 1, out, None);
            } else {
                out.push(side);
            }
        }
    }
}
