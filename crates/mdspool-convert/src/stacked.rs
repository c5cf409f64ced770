//! Two tables set one under the other, a little apart. The table search takes rows while they keep
//! several cells and stay close, so it reads both as one run; the union of their column bands then
//! closes the gutters that differ between them, and their columns run together ("Count Priority
//! Total" in one cell), or leave it too sparse to be a table at all. A run is cut where a wider gap
//! than between its rows parts two stretches that are tables each, when each has more columns than
//! the whole (and, when the whole is no table, each is well filled: not a paragraph of justified
//! prose above a table), or when the two have different numbers of columns and each is well filled
//! (three rows or more, four-fifths of the cells). A run whose lines reach up into the lines above
//! (a browser's cells centred on a taller one) is not cut. A bold row under a table's body ends it
//! (a heading, the header of the table under it) unless it is the table's totals row
//! (`totals_row`).

use super::model::{Line, Rule};
use super::tables::{Hints, Table, bottom, build, row_height, top};

/// A gap this many times the run's usual gap between rows may part two tables.
const PARTING: f32 = 1.5;

/// Where the run `rows[start..end]` is best cut into two stacked tables, if anywhere.
pub(crate) fn cut(
    rows: &[Vec<Line>],
    start: usize,
    end: usize,
    rules: &[Rule],
    hints: Hints,
) -> Option<usize> {
    let run = rows.get(start..end)?;
    if run.len() < 4 {
        return None;
    }
    let gaps: Vec<f32> = run.windows(2).map(|w| top(&w[1]) - bottom(&w[0])).collect();
    // Lines reaching up into the line above are cells centred on a taller one in one row (a
    // browser's table): the gaps between such rows are wider than between their lines, and part no
    // tables.
    let size = |r: &[Line]| r.iter().map(|l| l.size).fold(0.0f32, f32::max);
    if gaps.iter().zip(&run[1..]).any(|(g, r)| *g < -0.1 * size(r)) {
        return None;
    }
    let mut sorted = gaps.clone();
    sorted.sort_by(f32::total_cmp);
    let usual = sorted.get(sorted.len() / 2).copied()?.max(0.0);
    // Candidate rows: two rows at least on each side, after a gap clearly wider than usual.
    let candidates: Vec<usize> = (2..run.len() - 1)
        .filter(|&k| {
            let g = gaps[k - 1];
            g > PARTING * usual && g > 0.4 * row_height(&run[k])
        })
        .collect();
    if candidates.is_empty() {
        return None; // the caller builds the run as it stands
    }
    // A run that does not read as one table at all (the union of two tables' columns left
    // little filled) is cut only into two well-filled tables.
    let whole = build(rows, start, end, rules, hints).map(|t| width(&t));
    let well_filled = |t: &Table| {
        let filled = t.cells.iter().flatten().filter(|c| !c.is_empty()).count();
        t.cells.len() >= 3 && filled * 5 >= t.cells.len() * width(t) * 4
    };
    let full = |t: &Table| whole.is_some() || well_filled(t);
    let whole = whole.unwrap_or(0);
    candidates
        .into_iter()
        .find(|&k| {
            let (a, b) = (
                build(rows, start, start + k, rules, hints),
                build(
                    rows,
                    start + k,
                    end,
                    rules,
                    Hints {
                        open: None,
                        ..hints
                    },
                ),
            );
            // Two well-filled tables of different widths are two tables too (the narrower one's
            // rows would leave a column of the whole empty).
            matches!((a, b), (Some(a), Some(b))
                if (width(&a) > whole && width(&b) > whole && full(&a) && full(&b))
                    || (width(&a) != width(&b) && well_filled(&a) && well_filled(&b)))
        })
        .map(|k| start + k)
}

fn width(t: &Table) -> usize {
    t.cells.first().map_or(0, Vec::len)
}

/// Whether `row`, bold under the body of a table, is its totals row rather than a heading or the
/// header of a table under it: two cells or more, figures among them, each starting or ending
/// within a point of a cell of the row above ("Total ... $124,051.68").
pub(super) fn totals_row(row: &[Line], above: &[Line]) -> bool {
    let edges: Vec<(f32, f32)> = above
        .iter()
        .flat_map(|l| &l.spans)
        .map(|s| (s.x0, s.x1))
        .collect();
    let spans: Vec<&super::model::Span> = row.iter().flat_map(|l| &l.spans).collect();
    spans.len() >= 2
        && spans
            .iter()
            .any(|s| s.text.chars().any(|c| c.is_ascii_digit()))
        && spans.iter().all(|s| {
            edges
                .iter()
                .any(|e| (e.0 - s.x0).abs() <= 1.0 || (e.1 - s.x1).abs() <= 1.0)
        })
}
