//! Cell boundaries no wide gap shows. A spreadsheet prints a column of right-aligned figures so
//! close to the next column's left-aligned words that the gap between them is narrower than a word
//! space ("$51,087.85 C", "1995 External": 2 pt at 10 pt), so each row reads as one span and the
//! table loses a column. What gives the boundary away is that the rows agree on it: the figures end
//! at one x and the next words start at one x, row after row, while the words on either side
//! change. Spans are cut at such a gap before the layout sees them. So are two left-aligned columns
//! of words set as close (LNCS: "Coastal External", both words starting at one x on every row), and
//! a header or a long name run into the next cells ("Grade Region Type" over separate cells), cut
//! where a column of cells over or under it starts.

use super::model::Span;
use super::words::WordGap;

/// Gap edges that agree within this (points) are one boundary.
const TOLERANCE: f32 = 0.6;
/// Rows needing to agree: a figure left of the gap on this many rows.
const MIN_ROWS: usize = 3;
/// Spans of more words than this are prose, not packed cells.
const MAX_WORDS: usize = 5;

/// One candidate: the span, its gap, the words beside the gap.
struct Cand<'a> {
    span: usize,
    gap: WordGap,
    left: &'a str,
    right: &'a str,
}

/// A token that is a figure: digits with separators, a sign, a currency, a percent, a date's "/"
/// or a time's ":".
fn figure(t: &str) -> bool {
    super::packed::figure_or(t, "/:")
}

/// `spans` with each span cut at the word gaps that rows agree on (module header). `gaps` holds,
/// for the spans that have them, their word gaps (`words::respace_with_gaps`).
pub(crate) fn split(spans: &mut Vec<Span>, gaps: &[(usize, Vec<WordGap>)]) {
    let mut cands: Vec<Cand> = Vec::new();
    for (i, gs) in gaps {
        let Some(s) = spans.get(*i) else { continue };
        let words: Vec<&str> = s.text.split(' ').collect();
        if s.mono || words.len() > MAX_WORDS || words.len() != gs.len() + 1 {
            continue;
        }
        for g in gs {
            cands.push(Cand {
                span: *i,
                gap: *g,
                left: words[g.k],
                right: words[g.k + 1],
            });
        }
    }
    if cands.is_empty() {
        return;
    }
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    // Right-aligned figures against left-aligned words: the figures' ends and the words' starts
    // agree.
    for run in runs(&cands, spans, |g| (g.x1, g.x0)) {
        if agree(&cands, &run) {
            cuts.extend(run.iter().map(|&k| (cands[k].span, cands[k].gap.k)));
        }
    }
    // Two left-aligned columns of words: the starts of the words on both sides agree, while the
    // first words' ends do not (they differ in width).
    for run in runs(&cands, spans, |g| (g.x0, g.left_x0)) {
        let (lo, hi) = run.iter().fold((f32::MAX, f32::MIN), |(lo, hi), &k| {
            (lo.min(cands[k].gap.x1), hi.max(cands[k].gap.x1))
        });
        if run.len() >= MIN_ROWS && hi - lo > 1.0 && sides_differ(&cands, &run) {
            cuts.extend(run.iter().map(|&k| (cands[k].span, cands[k].gap.k)));
        }
    }
    // A header or a long name run into the next cells: a word starting where spans start on three
    // rows or more nearby, in a span that itself starts where they do.
    let starts = column_starts(spans);
    for c in &cands {
        let s = &spans[c.span];
        if starts.proven(s.x0, s) && starts.proven(c.gap.x0, s) {
            cuts.push((c.span, c.gap.k));
        }
    }
    if cuts.is_empty() {
        return;
    }
    cut(spans, cuts, gaps);
}

/// Where the page's spans start, by x, with their tops.
struct Starts(Vec<(f32, f32)>);

fn column_starts(spans: &[Span]) -> Starts {
    let mut v: Vec<(f32, f32)> = spans.iter().map(|s| (s.x0, s.top)).collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    Starts(v)
}

impl Starts {
    /// Whether spans start at `x` (within `TOLERANCE`) on three rows or more that run on from
    /// `s`'s row, each within two and a half of its lines of the next: a column of cells over or
    /// under `s`, not a coincidence of words in running text.
    fn proven(&self, x: f32, s: &Span) -> bool {
        let from = self.0.partition_point(|p| p.0 < x - TOLERANCE);
        let mut tops: Vec<f32> = self.0[from..]
            .iter()
            .take_while(|p| p.0 <= x + TOLERANCE)
            .map(|p| p.1)
            .filter(|&t| (t - s.top).abs() >= 0.5 * s.size)
            .chain([s.top])
            .collect();
        tops.sort_by(f32::total_cmp);
        tops.dedup_by(|a, b| (*a - *b).abs() < 0.5 * s.size);
        let at = tops
            .iter()
            .position(|&t| (t - s.top).abs() < 0.5 * s.size)
            .unwrap_or(0);
        let step = 2.5 * s.size;
        let up = (1..=at)
            .take_while(|&k| tops[at - k + 1] - tops[at - k] <= step)
            .count();
        let down = (at + 1..tops.len())
            .take_while(|&k| tops[k] - tops[k - 1] <= step)
            .count();
        up + down >= MIN_ROWS
    }
}

/// The candidates whose gaps agree on both edges that `edges` names (within `TOLERANCE`), in
/// the same type size, one per row, top to bottom, in runs of rows close together (broken where
/// more than four lines' height lies between).
fn runs(cands: &[Cand], spans: &[Span], edges: impl Fn(&WordGap) -> (f32, f32)) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..cands.len()).collect();
    order.sort_by(|&a, &b| edges(&cands[a].gap).0.total_cmp(&edges(&cands[b].gap).0));
    let mut used = vec![false; cands.len()];
    let mut out = Vec::new();
    for (n, &a) in order.iter().enumerate() {
        if used[a] {
            continue;
        }
        let (e0, e1) = edges(&cands[a].gap);
        let size = spans[cands[a].span].size;
        let mut group: Vec<usize> = order[n..]
            .iter()
            .copied()
            .take_while(|&b| edges(&cands[b].gap).0 - e0 <= TOLERANCE)
            .filter(|&b| {
                (edges(&cands[b].gap).1 - e1).abs() <= TOLERANCE
                    && (spans[cands[b].span].size - size).abs() <= 0.5
            })
            .collect();
        let top = |k: usize| spans[cands[k].span].top;
        group.sort_by(|&x, &y| top(x).total_cmp(&top(y)));
        group.dedup_by(|x, y| (top(*x) - top(*y)).abs() < 0.5 * size);
        for run in group.chunk_by(|&x, &y| top(y) - top(x) <= 4.0 * size) {
            if run.len() >= MIN_ROWS {
                for &k in run {
                    used[k] = true;
                }
                out.push(run.to_vec());
            }
        }
    }
    out
}

/// Whether the words on each side of the gap are not the same on every row of `run` (a unit, a
/// label's constant word).
fn sides_differ(cands: &[Cand], run: &[usize]) -> bool {
    let first = &cands[run[0]];
    run.iter().any(|&k| cands[k].left != first.left)
        && run.iter().any(|&k| cands[k].right != first.right)
}

/// Whether the rows of `run` show a column boundary: figures left of the gap on three rows or
/// more, the words on each side not the same on every row (a unit, a label's constant word), and
/// the figures right-aligned (their left edges differ), or, where they are all as wide (years),
/// no space glyph drawn between three of them and their words, on four rows or more (a header
/// row among them).
fn agree(cands: &[Cand], run: &[usize]) -> bool {
    let figures = run.iter().filter(|&&k| figure(cands[k].left)).count();
    let (lo, hi) = run.iter().fold((f32::MAX, f32::MIN), |(lo, hi), &k| {
        (lo.min(cands[k].gap.left_x0), hi.max(cands[k].gap.left_x0))
    });
    let right_aligned = hi - lo > 1.0;
    let unspaced = run.len() >= 4
        && run
            .iter()
            .filter(|&&k| !cands[k].gap.spaced && figure(cands[k].left))
            .count()
            >= MIN_ROWS;
    figures >= MIN_ROWS && sides_differ(cands, run) && (right_aligned || unspaced)
}

/// Cut each span at its chosen gaps (by ordinal), the pieces taking the gap's edges.
fn cut(spans: &mut Vec<Span>, mut cuts: Vec<(usize, usize)>, gaps: &[(usize, Vec<WordGap>)]) {
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len() + cuts.len());
    let mut c = 0;
    for (i, s) in spans.drain(..).enumerate() {
        let mut mine: Vec<usize> = Vec::new();
        while c < cuts.len() && cuts[c].0 == i {
            mine.push(cuts[c].1);
            c += 1;
        }
        // (`gaps` is in the order of the spans it notes.)
        let found = gaps.binary_search_by_key(&i, |(j, _)| *j);
        let Some((_, gs)) = found.ok().map(|g| &gaps[g]).filter(|_| !mine.is_empty()) else {
            out.push(s);
            continue;
        };
        let words: Vec<&str> = s.text.split(' ').collect();
        let mut from = 0;
        let mut x0 = s.x0;
        for k in mine.into_iter().chain([words.len() - 1]) {
            let x1 = gs.get(k).map_or(s.x1, |g| g.x1);
            out.push(Span {
                text: words[from..=k].join(" "),
                x0,
                x1,
                ..s.clone()
            });
            from = k + 1;
            x0 = gs.get(k).map_or(s.x1, |g| g.x0);
        }
    }
    *spans = out;
}

#[cfg(test)]
#[path = "aligned_tests.rs"]
mod tests;
