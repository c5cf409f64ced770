//! Cell boundaries no wide gap shows. A spreadsheet prints a column of right-aligned figures so
//! close to the next column's left-aligned words that the gap between them is narrower than a word
//! space ("$51,087.85 C", "1995 External": 2 pt at 10 pt), so each row reads as one span and the
//! table loses a column. What gives the boundary away is that the rows agree on it: the figures end
//! at one x and the next words start at one x, row after row, while the words on either side
//! change. Spans are cut at such a gap before the layout sees them.

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
    if cands.len() < MIN_ROWS {
        return;
    }
    cands.sort_by(|a, b| a.gap.x1.total_cmp(&b.gap.x1));
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut used = vec![false; cands.len()];
    for a in 0..cands.len() {
        if used[a] {
            continue;
        }
        let ca = &cands[a];
        let size = spans[ca.span].size;
        // The candidates on this boundary, one per row, top to bottom.
        let mut group: Vec<usize> = (a..cands.len())
            .take_while(|&b| cands[b].gap.x1 - ca.gap.x1 <= TOLERANCE)
            .filter(|&b| {
                let cb = &cands[b];
                (cb.gap.x0 - ca.gap.x0).abs() <= TOLERANCE
                    && (spans[cb.span].size - size).abs() <= 0.5
            })
            .collect();
        group.sort_by(|&x, &y| {
            spans[cands[x].span]
                .top
                .total_cmp(&spans[cands[y].span].top)
        });
        group.dedup_by(|x, y| {
            (spans[cands[*x].span].top - spans[cands[*y].span].top).abs() < 0.5 * size
        });
        // Rows close together: a run broken where more than four lines' height lies between.
        for run in group
            .chunk_by(|&x, &y| spans[cands[y].span].top - spans[cands[x].span].top <= 4.0 * size)
        {
            if agree(&cands, run) {
                for &k in run {
                    used[k] = true;
                    cuts.push((cands[k].span, cands[k].gap.k));
                }
            }
        }
    }
    if cuts.is_empty() {
        return;
    }
    cut(spans, cuts, gaps);
}

/// Whether the rows of `run` show a column boundary: figures left of the gap on three rows or
/// more, the words on each side not the same on every row (a unit, a label's constant word), and
/// the figures right-aligned (their left edges differ), or, where they are all as wide (years),
/// no space glyph drawn between three of them and their words, on four rows or more (a header
/// row among them).
fn agree(cands: &[Cand], run: &[usize]) -> bool {
    let figures = run.iter().filter(|&&k| figure(cands[k].left)).count();
    let first = &cands[run[0]];
    let lefts_differ = run.iter().any(|&k| cands[k].left != first.left);
    let rights_differ = run.iter().any(|&k| cands[k].right != first.right);
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
    figures >= MIN_ROWS && lefts_differ && rights_differ && (right_aligned || unspaced)
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
}
