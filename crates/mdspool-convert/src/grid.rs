//! Ruled tables: horizontal ruling lines that line up form a table frame; rows come from the
//! horizontal rules (or from text lines when only top/header/bottom rules exist), columns from the
//! vertical rules (or from vertical white gaps in the text). Each span inside the frame goes to the
//! cell holding its centre. Frames that do not yield at least two rows and two filled columns are
//! left alone, so boxed paragraphs stay text.

use super::model::{Line, Page, Rule, Span};
use super::text::collapse_spaces;

/// A table cut out of the page: its frame and its cells (first row = header).
pub(crate) struct GridTable {
    pub x0: f32,
    pub x1: f32,
    pub top: f32,
    pub bottom: f32,
    pub cells: Vec<Vec<String>>,
}

impl GridTable {
    /// A placeholder line standing for the table in the page's reading order.
    pub fn into_line(self) -> Line {
        Line {
            spans: Vec::new(),
            x0: self.x0,
            x1: self.x1,
            top: self.top,
            bottom: self.bottom,
            size: 0.0,
            font: String::new(),
            table: Some(self.cells),
        }
    }
}

/// Largest vertical distance between two consecutive rules of one table.
const MAX_ROW_GAP: f32 = 150.0;
const MAX_TABLES: usize = 50;
const MAX_DIM: usize = 200;

/// Find ruled tables, remove their spans from the page and return them.
pub(crate) fn take_tables(page: &mut Page) -> Vec<GridTable> {
    let mut h: Vec<Rule> = page
        .rules
        .iter()
        .copied()
        .filter(|r| r.is_horizontal() && !running_rule(r, &page.rules, &page.spans))
        .collect();
    let v: Vec<Rule> = page
        .rules
        .iter()
        .copied()
        .filter(|r| !r.is_horizontal())
        .collect();
    h.sort_by(|a, b| a.top.total_cmp(&b.top));
    let mut groups: Vec<Vec<Rule>> = Vec::new();
    for r in h {
        let joins = groups.last().is_some_and(|g| {
            let (gx0, gx1) = span_of(g);
            let last = g.last().map(|l| l.top).unwrap_or(f32::MIN);
            let overlap = gx1.min(r.x1) - gx0.max(r.x0);
            overlap >= 0.5 * (r.x1 - r.x0).min(gx1 - gx0)
                && r.top - last <= MAX_ROW_GAP
                && !heading_between(g, r.top, &page.spans)
                && !prose_between(g, &r, &page.spans)
                && !end_to_end(g, &r, &page.spans)
        });
        match groups.last_mut() {
            Some(g) if joins => g.push(r),
            _ => groups.push(vec![r]),
        }
    }
    let mut out = Vec::new();
    for g in groups.into_iter().take(MAX_TABLES) {
        if let Some(t) = build(&g, &v, &page.spans) {
            page.spans.retain(|s| !inside(s, &t));
            out.push(t);
        }
    }
    out
}

/// Whether `r` is the rule under a running header or over a running footer: as wide as the page's
/// text, and the only thing above it (below it) is one line of text right against it, with no rule
/// beyond (a table at the top of a page has its top rule over its header row). It frames no table:
/// a table under it would take in the page's first lines.
fn running_rule(r: &Rule, rules: &[Rule], spans: &[Span]) -> bool {
    let x0 = spans.iter().map(|s| s.x0).fold(f32::MAX, f32::min);
    let x1 = spans.iter().map(|s| s.x1).fold(f32::MIN, f32::max);
    if r.x1 - r.x0 < 0.8 * (x1 - x0) {
        return false;
    }
    let edge =
        |side: Vec<&Span>, gap: &dyn Fn(&Span) -> f32, beyond: &dyn Fn(&Rule, f32) -> bool| {
            let Some(first) = side.first() else {
                return false;
            };
            let size = side.iter().map(|s| s.size).fold(0.0f32, f32::max).max(1.0);
            side.iter().all(|s| (s.top - first.top).abs() < 0.5 * size)
                && side
                    .iter()
                    .all(|s| gap(s) <= 0.6 * size && gap(s) >= -0.2 * size)
                && !rules
                    .iter()
                    .any(|o| o.is_horizontal() && beyond(o, (first.top + first.bottom) / 2.0))
        };
    let above: Vec<&Span> = spans.iter().filter(|s| s.bottom <= r.top + 1.0).collect();
    let below: Vec<&Span> = spans.iter().filter(|s| s.top >= r.bottom - 1.0).collect();
    edge(above, &|s| r.top - s.bottom, &|o, y| o.bottom < y)
        || edge(below, &|s| s.top - r.bottom, &|o, y| o.top > y)
}

/// Whether text larger than the group's own (a heading between two tables) stands between the
/// group's last rule and `next` (checked only across gaps wider than a table row).
fn heading_between(g: &[Rule], next: f32, spans: &[Span]) -> bool {
    let (Some(first), Some(last)) = (g.first(), g.last()) else {
        return false;
    };
    if next - last.top < 20.0 {
        return false;
    }
    let (x0, x1) = span_of(g);
    let within = |s: &&Span| s.x1 > x0 && s.x0 < x1;
    let mut sizes: Vec<f32> = spans
        .iter()
        .filter(within)
        .filter(|s| s.top >= first.top && s.bottom <= last.top)
        .map(|s| s.size)
        .collect();
    if sizes.is_empty() {
        return false;
    }
    sizes.sort_by(f32::total_cmp);
    let typical = sizes[sizes.len() / 2];
    // The heading stands over the table itself, not in a column beside it.
    let over = |s: &&Span| (s.x0 + s.x1) / 2.0 > x0 && (s.x0 + s.x1) / 2.0 < x1 && s.x1 <= x1 + 2.0;
    spans
        .iter()
        .filter(over)
        .filter(|s| s.top >= last.top && s.bottom <= next)
        .any(|s| s.size > 1.15 * typical)
}

/// Whether a line of text wider than both the group's last rule and the next rule `r` by an em on
/// each side (prose across the page between two tables) stands between them, or a line of its own
/// spans over the rules reaching an em past one end (a heading and a list between two tables
/// narrower than the text, which pandoc's LaTeX centres; a span whose middle lies beside the rules,
/// in the next column, is no part of such a line): a table's own rows stay within its rules.
fn prose_between(g: &[Rule], r: &Rule, spans: &[Span]) -> bool {
    let Some(last) = g.last() else {
        return false;
    };
    let (x0, x1) = (last.x0.min(r.x0), last.x1.max(r.x1));
    let between = || {
        spans
            .iter()
            .filter(|s| s.top >= last.top && s.bottom <= r.top)
    };
    let across = lines(between())
        .iter()
        .any(|&(_, a, b, size)| a < x0 - size && b > x1 + size);
    let over = lines(between().filter(|s| (s.x0 + s.x1) / 2.0 > x0 && (s.x0 + s.x1) / 2.0 < x1))
        .iter()
        .any(|&(_, a, b, size)| a < x0 - size || b > x1 + size);
    across || over
}

/// Spans gathered into lines, as (top, x0, x1, size) of each line's extent.
fn lines<'a>(spans: impl Iterator<Item = &'a Span>) -> Vec<(f32, f32, f32, f32)> {
    let mut lines: Vec<(f32, f32, f32, f32)> = Vec::new();
    for s in spans {
        match lines
            .iter_mut()
            .find(|l| (l.0 - s.top).abs() < 0.5 * s.size)
        {
            Some(l) => {
                l.1 = l.1.min(s.x0);
                l.2 = l.2.max(s.x1);
            }
            None => lines.push((s.top, s.x0, s.x1, s.size)),
        }
    }
    lines
}

/// Whether the group's last rule and the next rule `r` close one table and open another: nothing
/// stands between them, and they differ in extent (by over 2 pt at an end) or lie over 10 pt apart.
/// A double rule inside a table is two rules of one extent close together.
fn end_to_end(g: &[Rule], r: &Rule, spans: &[Span]) -> bool {
    let Some(last) = g.last() else {
        return false;
    };
    let empty = !spans.iter().any(|s| {
        let (cx, cy) = ((s.x0 + s.x1) / 2.0, (s.top + s.bottom) / 2.0);
        cy > last.bottom && cy < r.top && cx > last.x0.min(r.x0) && cx < last.x1.max(r.x1)
    });
    let other_extent = (last.x0 - r.x0).abs() > 2.0 || (last.x1 - r.x1).abs() > 2.0;
    empty && (other_extent || r.top - last.bottom > 10.0)
}

fn span_of(g: &[Rule]) -> (f32, f32) {
    let x0 = g.iter().map(|r| r.x0).fold(f32::MAX, f32::min);
    let x1 = g.iter().map(|r| r.x1).fold(f32::MIN, f32::max);
    (x0, x1)
}

fn inside(s: &Span, t: &GridTable) -> bool {
    let (cx, cy) = ((s.x0 + s.x1) / 2.0, (s.top + s.bottom) / 2.0);
    cx >= t.x0 - 2.0 && cx <= t.x1 + 2.0 && cy >= t.top && cy <= t.bottom
}

/// Sorted positions with near-duplicates (within `tol`) merged.
fn cluster(mut xs: Vec<f32>, tol: f32) -> Vec<f32> {
    xs.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    for x in xs {
        match out.last() {
            Some(l) if x - l <= tol => {}
            _ => out.push(x),
        }
    }
    out
}

fn build(g: &[Rule], verticals: &[Rule], spans: &[Span]) -> Option<GridTable> {
    let (x0, x1) = span_of(g);
    // Row separators: rules across most of the table (partial rules group header cells).
    let full: Vec<f32> = g
        .iter()
        .filter(|r| r.x1 - r.x0 >= 0.6 * (x1 - x0))
        .map(|r| (r.top + r.bottom) / 2.0)
        .collect();
    let mut ys = cluster(full, 2.0);
    // With vertical rules, an edge band between two rules that no vertical rule crosses lies outside
    // the table (a footer rule or a header rule lined up with the table's edges)...
    let crossed = |a: f32, b: f32| {
        let mid = (a + b) / 2.0;
        verticals
            .iter()
            .any(|r| r.x0 >= x0 - 2.0 && r.x1 <= x1 + 2.0 && r.top < mid && r.bottom > mid)
    };
    let mut rows: Vec<f32> = ys
        .windows(2)
        .filter(|w| crossed(w[0], w[1]))
        .map(|w| w[1] - w[0])
        .collect();
    rows.sort_by(f32::total_cmp);
    if let Some(&row) = rows.get(rows.len() / 2) {
        // ... and is much taller than the table's rows.
        let outside = |a: f32, b: f32| !crossed(a, b) && b - a > 3.0 * row;
        while ys.len() >= 2 && outside(ys[ys.len() - 2], ys[ys.len() - 1]) {
            ys.pop();
        }
        while ys.len() >= 2 && outside(ys[0], ys[1]) {
            ys.remove(0);
        }
    }
    let (top, bottom) = (*ys.first()?, *ys.last()?);
    if ys.len() < 2 || bottom - top < 8.0 || x1 - x0 < 40.0 {
        return None;
    }
    let frame = GridTable {
        x0,
        x1,
        top,
        bottom,
        cells: Vec::new(),
    };
    let inner: Vec<&Span> = spans.iter().filter(|s| inside(s, &frame)).collect();
    if inner.len() < 4 {
        return None;
    }
    // Two rules and a body going on right under the second without one (a table a page break
    // cuts, a header ruled off from unruled rows): the frame holds the header alone. The text
    // table finder reads the header with its rows.
    if ys.len() == 2 && verticals.is_empty() && rows_under(spans, &frame) {
        return None;
    }
    let vs: Vec<&Rule> = verticals
        .iter()
        .filter(|r| r.x0 > x0 + 2.0 && r.x1 < x1 - 2.0 && r.top < bottom && r.bottom > top)
        .filter(|r| r.bottom - r.top >= 6.0)
        .collect();
    let mut cols = cluster(vs.iter().map(|r| (r.x0 + r.x1) / 2.0).collect(), 2.0);
    if cols.is_empty() {
        let mut sizes: Vec<f32> = inner.iter().map(|s| s.size).collect();
        sizes.sort_by(f32::total_cmp);
        let size = sizes.get(sizes.len() / 2).copied().unwrap_or(10.0).max(4.0);
        cols = super::bands::gap_cuts(&inner, x0, x1, 0.6 * size);
    }
    // Row boundaries: the rules, or every text line when the rules only frame header and body.
    // With three rules (top, below the header, bottom) the header band stays one row.
    let row_cuts: Vec<f32> = if ys.len() >= 4 || !vs.is_empty() {
        ys.clone()
    } else {
        let body_from = if ys.len() == 3 {
            ys.get(1).copied().unwrap_or(top)
        } else {
            top
        };
        let mut cuts = ys.clone();
        cuts.extend(line_cuts(&inner).into_iter().filter(|y| *y > body_from));
        cluster(cuts, 1.0)
    };
    let (ncols, nrows) = (cols.len() + 1, row_cuts.len().saturating_sub(1));
    if ncols < 2 || nrows < 2 || ncols > MAX_DIM || nrows > MAX_DIM {
        return None;
    }
    // A span across a vertical rule (cells set closer than a word space) is cut there.
    let pieces: Vec<Span> = inner
        .iter()
        .flat_map(|s| super::packed::cut_at(s, if vs.is_empty() { &[] } else { &cols }))
        .collect();
    let mut grid: Vec<Vec<Vec<&Span>>> = vec![vec![Vec::new(); ncols]; nrows];
    for s in &pieces {
        let (cx, cy) = ((s.x0 + s.x1) / 2.0, (s.top + s.bottom) / 2.0);
        let c = cols.iter().filter(|x| cx > **x).count();
        let r = row_cuts
            .iter()
            .filter(|y| cy > **y)
            .count()
            .saturating_sub(1);
        if let Some(cell) = grid.get_mut(r).and_then(|row| row.get_mut(c)) {
            cell.push(s);
        }
    }
    let mut cells: Vec<Vec<String>> = grid
        .into_iter()
        .map(|row| {
            let unlinked = super::celltext::shared_links(row.iter().map(|c| c.iter().copied()));
            row.into_iter()
                .map(|c| cell_text(c, &unlinked))
                .collect::<Vec<String>>()
        })
        .filter(|row| row.iter().any(|c| !c.is_empty()))
        .collect();
    // Drop columns that are empty in every row (a rule drawn inside a cell).
    let keep: Vec<bool> = (0..ncols)
        .map(|c| {
            cells
                .iter()
                .any(|r| r.get(c).is_some_and(|t| !t.is_empty()))
        })
        .collect();
    for row in &mut cells {
        let mut i = 0;
        row.retain(|_| {
            let k = keep.get(i).copied().unwrap_or(false);
            i += 1;
            k
        });
    }
    // Body rows cut at every line: wrapped cells' lines join their rows.
    if ys.len() < 4 && vs.is_empty() {
        super::cellwrap::fold_lines(&mut cells, 1);
    }
    let width = keep.iter().filter(|k| **k).count();
    let filled = cells.iter().flatten().filter(|c| !c.is_empty()).count();
    if width < 2 || cells.len() < 2 || filled * 10 < cells.len() * width * 4 {
        return None;
    }
    // Without vertical rules, a frame of running prose (a page between a header rule and a footer
    // rule, a boxed paragraph) is no table.
    if vs.is_empty() && super::prose::mostly_prose(&cells, filled) {
        return None;
    }
    // Without vertical rules, cells packed closer than a word space (`packed.rs`).
    let cells = if vs.is_empty() {
        super::packed::rebalance(super::packed::split(cells))
    } else {
        cells
    };
    Some(GridTable { cells, ..frame })
}

/// Whether a line of two cells or more (pieces of text an em apart or more) starts within a line's
/// height under `frame`, inside its width.
fn rows_under(spans: &[Span], frame: &GridTable) -> bool {
    let mut under: Vec<&Span> = spans
        .iter()
        .filter(|s| s.x0 >= frame.x0 - 1.0 && s.x1 <= frame.x1 + 1.0)
        .filter(|s| s.top > frame.bottom && s.top < frame.bottom + 1.5 * s.size)
        .collect();
    under.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let first = under.first().map_or(0.0, |s| s.top);
    let line: Vec<&&Span> = under
        .iter()
        .filter(|s| (s.top - first).abs() < 0.5 * s.size)
        .collect();
    line.windows(2)
        .any(|w| w[1].x0 - w[0].x1 >= w[0].size.max(w[1].size))
}

/// Cuts between text lines (gaps in the vertical coverage of the spans).
fn line_cuts(spans: &[&Span]) -> Vec<f32> {
    let mut iv: Vec<(f32, f32)> = spans.iter().map(|s| (s.top, s.bottom)).collect();
    iv.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut cuts = Vec::new();
    let mut reach = f32::MIN;
    for (a, b) in iv {
        if reach > f32::MIN && a > reach {
            cuts.push((a + reach) / 2.0);
        }
        reach = reach.max(b);
    }
    cuts
}

fn cell_text(mut spans: Vec<&Span>, unlinked: &[String]) -> String {
    spans.sort_by(|a, b| a.top.total_cmp(&b.top));
    let mut lines: Vec<Vec<Span>> = Vec::new();
    for s in spans {
        let same = lines
            .last()
            .and_then(|l| l.first())
            .is_some_and(|f| (s.top - f.top).abs() < 0.5 * f.size.min(s.size));
        match lines.last_mut() {
            Some(l) if same => l.push(s.clone()),
            _ => lines.push(vec![s.clone()]),
        }
    }
    let mut out = String::new();
    for mut l in lines {
        l.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let t = super::celltext::inline(&l, unlinked);
        if t.trim().is_empty() {
            continue;
        }
        super::text::join_wrapped(&mut out, &t);
    }
    collapse_spaces(&out.replace('|', "\\|"))
}

#[cfg(test)]
#[path = "grid_tests.rs"]
mod tests;
