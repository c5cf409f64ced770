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

/// A token that is a figure: digits with separators, a sign, a currency or a percent.
fn figure(t: &str) -> bool {
    t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || ".,%$€£¥−-+()/:".contains(c))
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
        let Some((_, gs)) = gaps
            .iter()
            .find(|(j, _)| *j == i)
            .filter(|_| !mine.is_empty())
        else {
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
mod tests {
    use super::super::model::Span;
    use super::super::words::WordGap;
    use super::split;

    /// A row "LEFT RIGHT" with the figure drawn from `lx0` to 100 and the word from 102.
    fn row(left: &str, right: &str, lx0: f32, top: f32, spaced: bool) -> (Span, Vec<WordGap>) {
        let text = format!("{left} {right}");
        let gap = WordGap {
            k: 0,
            left_x0: lx0,
            x1: 100.0,
            x0: 102.0,
            spaced,
        };
        (Span::test(&text, lx0, 140.0, top, 10.0), vec![gap])
    }

    fn run(rows: Vec<(Span, Vec<WordGap>)>) -> Vec<String> {
        let mut spans = Vec::new();
        let mut gaps = Vec::new();
        for (i, (s, g)) in rows.into_iter().enumerate() {
            spans.push(s);
            gaps.push((i, g));
        }
        split(&mut spans, &gaps);
        spans.into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn right_aligned_figures_against_words_are_two_cells() {
        let got = run(vec![
            row("$51,087.85", "C", 50.0, 100.0, true),
            row("$5,263.30", "A", 56.0, 112.0, true),
            row("$69,651.63", "A", 50.0, 124.0, true),
            row("$73,357.14", "D", 50.0, 136.0, true),
        ]);
        assert_eq!(
            got,
            [
                "$51,087.85",
                "C",
                "$5,263.30",
                "A",
                "$69,651.63",
                "A",
                "$73,357.14",
                "D"
            ]
        );
    }

    #[test]
    fn a_unit_a_date_or_rows_far_apart_stay_whole() {
        // The same unit in every row.
        let units = run(vec![
            row("12.5", "kg", 80.0, 100.0, true),
            row("3.25", "kg", 81.0, 112.0, true),
            row("47.0", "kg", 80.0, 124.0, true),
        ]);
        assert_eq!(units, ["12.5 kg", "3.25 kg", "47.0 kg"]);
        // Days as wide as each other, a space glyph between them and the month.
        let dates = run(vec![
            row("12", "March", 88.0, 100.0, true),
            row("14", "June", 88.0, 112.0, true),
            row("21", "May", 88.0, 124.0, true),
            row("28", "July", 88.0, 136.0, true),
        ]);
        assert_eq!(dates, ["12 March", "14 June", "21 May", "28 July"]);
        // Three rows, but pages of text apart.
        let apart = run(vec![
            row("$51,087.85", "C", 50.0, 100.0, true),
            row("$5,263.30", "A", 56.0, 300.0, true),
            row("$69,651.63", "B", 50.0, 500.0, true),
        ]);
        assert_eq!(apart, ["$51,087.85 C", "$5,263.30 A", "$69,651.63 B"]);
    }

    #[test]
    fn years_against_words_without_space_glyphs_are_two_cells() {
        let got = run(vec![
            row("1995", "External", 78.0, 100.0, false),
            row("2000", "Mixed", 78.0, 112.0, false),
            row("2016", "External", 78.0, 124.0, false),
            row("2021", "Internal", 78.0, 136.0, false),
        ]);
        assert_eq!(got.len(), 8, "{got:?}");
    }

    /// A span of `words` from `x0`, each word `w` points wide with a 3 pt gap, and its gaps.
    fn packed(words: &[&str], x0: f32, w: &[f32], top: f32) -> (Span, Vec<WordGap>) {
        let mut gaps = Vec::new();
        let mut x = x0;
        for k in 0..words.len() - 1 {
            gaps.push(WordGap {
                k,
                left_x0: x,
                x1: x + w[k],
                x0: x + w[k] + 3.0,
                spaced: false,
            });
            x += w[k] + 3.0;
        }
        let x1 = x + w[words.len() - 1];
        (Span::test(&words.join(" "), x0, x1, top, 10.0), gaps)
    }

    #[test]
    fn two_left_aligned_columns_of_words_are_two_cells() {
        // "Central Mixed" over "East External" over "Coastal External": both words start at one
        // x on each row (100 and 135), the first words' widths differ.
        let row = |a: &str, b: &str, wa: f32, top: f32| {
            let gap = WordGap {
                k: 0,
                left_x0: 100.0,
                x1: 100.0 + wa,
                x0: 135.0,
                spaced: false,
            };
            (
                Span::test(&format!("{a} {b}"), 100.0, 170.0, top, 10.0),
                vec![gap],
            )
        };
        let got = run(vec![
            row("Central", "Mixed", 32.0, 100.0),
            row("East", "External", 29.0, 112.0),
            row("Coastal", "External", 32.0, 124.0),
            row("North", "Internal", 30.0, 136.0),
        ]);
        assert_eq!(got.len(), 8, "{got:?}");
        // One word the same on every row (a label and its unit) keeps the spans whole.
        let same = run(vec![
            row("Central", "zone", 32.0, 100.0),
            row("East", "zone", 29.0, 112.0),
            row("Coastal", "zone", 32.0, 124.0),
        ]);
        assert_eq!(same.len(), 3, "{same:?}");
    }

    #[test]
    fn a_header_run_into_its_neighbours_is_cut_where_the_cells_below_start() {
        // "Grade Region Type" over rows of separate cells starting at its words' starts.
        let mut rows = vec![packed(
            &["Grade", "Region", "Type"],
            100.0,
            &[25.0, 30.0, 20.0],
            88.0,
        )];
        for (k, (a, b, c)) in [
            ("A", "Central", "Mixed"),
            ("B", "East", "External"),
            ("D", "Coastal", "Mixed"),
        ]
        .into_iter()
        .enumerate()
        {
            let top = 100.0 + 12.0 * k as f32;
            rows.push((Span::test(a, 100.0, 107.0, top, 10.0), Vec::new()));
            rows.push((Span::test(b, 128.0, 158.0, top, 10.0), Vec::new()));
            rows.push((Span::test(c, 161.0, 190.0, top, 10.0), Vec::new()));
        }
        let got = run(rows);
        assert_eq!(got[..3], ["Grade", "Region", "Type"], "{got:?}");
        // The same words in a line of text whose neighbours start there only far apart stay whole.
        let lone = run(vec![
            packed(
                &["Grade", "Region", "Type"],
                100.0,
                &[25.0, 30.0, 20.0],
                88.0,
            ),
            (Span::test("Central", 128.0, 158.0, 300.0, 10.0), Vec::new()),
            (Span::test("Central", 128.0, 158.0, 400.0, 10.0), Vec::new()),
            (Span::test("Central", 128.0, 158.0, 500.0, 10.0), Vec::new()),
        ]);
        assert_eq!(lone[0], "Grade Region Type");
    }
}
