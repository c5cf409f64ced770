//! Table detection from aligned text columns (and ruling lines as supporting evidence). A table is a
//! run of rows that split into the same set of column bands; wrapped cell lines are folded into the
//! row above. When the evidence is weak nothing is emitted, so the text stays in reading order.

use super::cellwrap;
use super::layout::is_marker_text;
use super::model::{Line, Rule, Span};
use super::prose::{evenly_spaced_words, mostly_prose, prose_line, prose_piece};
use super::rowsize::{code_column, code_or_same, codeish, row_size, rows_same_size};
use super::vocab::Vocab;

pub(crate) struct Table {
    pub start: usize,
    pub end: usize,
    pub cells: Vec<Vec<String>>,
}

/// Longest run of candidate rows retried from each of its rows after a failed attempt.
const MAX_RETRY_RUN: usize = 60;

/// How many shorter runs are tried from one row after the whole run failed.
const MAX_SHRINK: usize = 8;

/// Most columns a table may have (beyond this, it is more likely scattered text).
const MAX_COLS: usize = 20;

/// A gap between two spans of one row this wide (in font sizes) can separate table cells; narrower
/// gaps are word spaces (justified text stays below ~0.6 em).
pub(crate) const CELL_GAP_EM: f32 = 0.8;

/// Cells of a row: clusters of spans separated by gaps of at least `CELL_GAP_EM`.
fn cell_count(row: &[Line]) -> usize {
    let mut spans: Vec<&Span> = row.iter().flat_map(|l| &l.spans).collect();
    spans.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    // A list marker and its item text are one cell.
    if row.len() == 1 && spans.first().is_some_and(|s| is_marker_text(&s.text)) {
        return 1;
    }
    let mut n = usize::from(!spans.is_empty());
    let mut x1 = f32::MIN;
    for s in spans {
        if x1 > f32::MIN && s.x0 - x1 >= CELL_GAP_EM * s.size {
            n += 1;
        }
        x1 = x1.max(s.x1);
    }
    n.max(row.len())
}

/// What the document around a run tells its tables.
#[derive(Default, Clone, Copy)]
pub(crate) struct Hints<'a> {
    /// The header row of a table the run before ended with: a row repeating it opens the rest of
    /// that table, however few rows follow.
    pub open: Option<&'a [String]>,
    /// The document's words, to join a word a narrow cell broke.
    pub vocab: Option<&'a Vocab>,
}

/// The tables among `rows`.
pub(crate) fn find_tables(rows: &[Vec<Line>], rules: &[Rule], hints: Hints) -> Vec<Table> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        if rows.get(i).is_none_or(|r| {
            cell_count(r) < 2 || r.iter().any(|l| l.table.is_some()) || prose_line(r)
        }) {
            i += 1;
            continue;
        }
        // Extend over rows with >= 2 fragments, tolerating single-fragment (wrapped) rows inside.
        let (base, base_code) = row_size(rows, i);
        let mut j = i + 1;
        let mut last_multi = i;
        // Single-fragment rows since the last row of several cells that do not read as a cell's
        // wrapped line (close under the row above, in lower case): more than two end the run.
        let mut loose = 0;
        let mono = |r: &[Line]| r.iter().all(Line::all_mono);
        // Whether the body rows taken so far (after row i) are all monospaced, all not, or mixed.
        let mut body_mono: Option<Option<bool>> = None;
        while j < rows.len() {
            let (Some(prev), Some(row)) = (rows.get(j - 1), rows.get(j)) else {
                break;
            };
            let gap = top(row) - bottom(prev);
            let h = row_height(prev).max(row_height(row));
            // A row in another type size (a heading over or under the table) is not part of it,
            // nor text beside the table in another size (prose of the next column, a heading).
            // Code in a cell may be set smaller than the text beside it (`row_size`).
            let in_code = code_column(rows, j);
            let resized = !rows_same_size(rows, j, j - 1)
                || row
                    .iter()
                    .any(|l| !code_or_same(l.size, in_code && codeish(l), base, base_code, 0.08));
            // Bold after the body has begun: a heading under the table, not a header row.
            let bold = |r: &[Line]| r.iter().all(Line::all_bold);
            let heading =
                j > i + 1 && bold(row) && !bold(prev) && !super::stacked::totals_row(row, prev);
            // Code in a monospaced font beside a body set in another (a code block over or under
            // a table, side by side when a browser balances it over two columns) is no row of it.
            // A header row over a monospaced body is.
            let row_mono = mono(row);
            // (A row of several cells of a column of code, whose other cells hold code too, stays.)
            let code = match body_mono {
                None => mono(prev) && !row_mono,
                Some(b) => b.is_some_and(|b| b != row_mono),
            } && !(in_code && cell_count(row) >= 2);
            // A line of running prose under the rows (a justified paragraph's first line, split
            // like cells at its wide word spaces) starts the text after the table.
            let words: usize = row
                .iter()
                .map(|l| l.text().split_whitespace().count())
                .sum();
            // (A long piece starting where a later cell of the row above or of the two below
            // starts is a long description in its column, or the first line of one a browser set
            // higher than its row.)
            let in_column = |x: f32| {
                let near = || {
                    [Some(prev), rows.get(j + 1), rows.get(j + 2)]
                        .into_iter()
                        .flatten()
                        .flatten()
                };
                let left = near().map(|l| l.x0).fold(f32::MAX, f32::min);
                x > left + 1.0
                    && near()
                        .flat_map(|l| &l.spans)
                        .any(|s| (s.x0 - x).abs() <= 1.0)
            };
            let long = || {
                prose_piece(row).or_else(|| {
                    (cell_count(row) < 2 && words >= 10)
                        .then(|| row.iter().map(|l| l.x0).fold(f32::MAX, f32::min))
                })
            };
            let prose = j > last_multi && gap > 0.6 * h && long().is_some_and(|x| !in_column(x));
            if gap > 2.0 * h
                || resized
                || heading
                || code
                || prose
                || row.iter().any(|l| l.table.is_some())
            {
                break;
            }
            let wrapped = gap < 0.6 * row_height(row)
                && matches!(row.as_slice(), [line] if cellwrap::goes_on(&line.text()));
            if cell_count(row) >= 2 {
                last_multi = j;
                loose = 0;
            } else if !wrapped {
                loose += 1;
                if loose > 2 {
                    break;
                }
            }
            body_mono = Some(match body_mono {
                None => Some(row_mono),
                Some(b) => b.filter(|b| *b == row_mono),
            });
            j += 1;
        }
        let end = last_multi + 1 + cellwrap::trailing(&rows[i..j.min(rows.len())], last_multi - i);
        // Two tables one under the other: the first is tried alone (`stacked.rs`).
        let end = super::stacked::cut(rows, i, end, rules, hints).unwrap_or(end);
        // The run may have taken in rows below the table (a line of prose whose math is set apart
        // like cells): shorter runs from the same row are tried before the next row.
        let found = build(rows, i, end, rules, hints).or_else(|| {
            // A shorter run needs more evidence: four rows or more, each with two cells filled.
            (i + 4..end)
                .rev()
                .take(MAX_SHRINK)
                .filter_map(|e| {
                    build(
                        rows,
                        i,
                        e,
                        rules,
                        Hints {
                            open: None,
                            ..hints
                        },
                    )
                })
                .find(|t| {
                    t.cells.len() >= 4
                        && t.cells
                            .iter()
                            .all(|r| r.iter().filter(|c| !c.is_empty()).count() >= 2)
                })
        });
        // The first line of a header cell wrapped over two, standing alone above the header row
        // whose other cells sit lower (centred or at the bottom of the row).
        let after = out.last().map_or(0, |t: &Table| t.end);
        let found = found.map(|t| {
            let opens = i > after && i >= 1 && opens_cell(&rows[i - 1], &rows[i]);
            opens
                .then(|| build(rows, i - 1, t.end, rules, hints))
                .flatten()
                .filter(|w| w.cells.len() == t.cells.len())
                .unwrap_or(t)
        });
        if let Some(t) = found {
            i = t.end;
            out.push(t);
        } else if end - i > MAX_RETRY_RUN {
            i = end; // long runs are not retried row by row (keeps the search linear)
        } else {
            i += 1;
        }
    }
    out
}

/// Whether `above`, one line alone, is the first line of a cell of `row` (the table's first row)
/// wrapped over two: close above it, in the same type size and weight, starting where a piece of
/// `row` that goes on in lower case starts ("Categor" over "y"). A heading or a caption over a
/// table is none.
fn opens_cell(above: &[Line], row: &[Line]) -> bool {
    let [line] = above else { return false };
    if cell_count(above) != 1 || top(row) - bottom(above) >= 0.6 * row_height(row) {
        return false;
    }
    // Or reaching down into the row, in its size and weight, beside its pieces: a browser centres
    // the row's other cells on the wrapped one, half a line lower.
    if bottom(above) - top(row) > 0.1 * line.size
        && row.iter().all(|l| {
            (l.size - line.size).abs() <= 0.1 * line.size
                && l.all_bold() == line.all_bold()
                && (l.x1 <= line.x0 || l.x0 >= line.x1)
        })
    {
        return true;
    }
    row.iter().flat_map(|l| &l.spans).any(|s| {
        (s.x0 - line.x0).abs() <= 1.0
            && (s.size - line.size).abs() <= 0.1 * line.size.max(s.size)
            && s.bold == line.all_bold()
            && s.text.trim_start().starts_with(char::is_lowercase)
    })
}

pub(crate) fn top(row: &[Line]) -> f32 {
    row.iter().map(|l| l.top).fold(f32::MAX, f32::min)
}
pub(crate) fn bottom(row: &[Line]) -> f32 {
    row.iter().map(|l| l.bottom).fold(f32::MIN, f32::max)
}
pub(crate) fn row_height(row: &[Line]) -> f32 {
    (bottom(row) - top(row)).max(1.0)
}

/// Try to read rows[start..end] as a table.
pub(crate) fn build(
    rows: &[Vec<Line>],
    start: usize,
    end: usize,
    rules: &[Rule],
    hints: Hints,
) -> Option<Table> {
    let slice = rows.get(start..end)?;
    let multi = slice.iter().filter(|r| cell_count(r) >= 2).count();
    if multi < 2 {
        return None;
    }
    // Justified prose in a narrow column: its stretched word gaps look like cell gaps.
    let even = slice.iter().filter(|r| evenly_spaced_words(r)).count();
    if even * 2 >= multi {
        return None;
    }
    // Column bands (`bands.rs`).
    let em = slice
        .iter()
        .flatten()
        .map(|l| l.size)
        .fold(0.0f32, f32::max)
        .max(1.0);
    let multi_rows: Vec<&Vec<Line>> = slice.iter().filter(|r| cell_count(r) >= 2).collect();
    // The right edge of the run's text, wrapped cells' lines included.
    let right = slice
        .iter()
        .flatten()
        .map(|l| l.x1)
        .fold(f32::MIN, f32::max);
    let bands = super::bands::column_bands(&multi_rows, em, right);
    let ncols = bands.len();
    if !(2..=MAX_COLS).contains(&ncols) {
        return None;
    }
    // Bullets hanging left of all the text, and nowhere else: a list whose items wrap in justified
    // lines (their stretched word gaps make rows of several cells), not a table. (A table of ticks
    // has bullets under its headings too: a survey's answers.)
    let spans = || slice.iter().flatten().flat_map(|l| &l.spans);
    let text_left = spans()
        .filter(|s| !is_bullet_text(&s.text))
        .map(|s| s.x0)
        .fold(f32::MAX, f32::min);
    let (hanging, inside) =
        spans()
            .filter(|s| is_bullet_text(&s.text))
            .fold((0, 0), |(h, i), s| {
                if s.x1 <= text_left {
                    (h + 1, i)
                } else {
                    (h, i + 1)
                }
            });
    if hanging > 0 && inside == 0 {
        return None;
    }
    // Aligned monospace text is code (comments lined up after statements), not a table; unless a
    // header row of several cells in the text's font stands over it (a table of figures set as
    // code: "| `glyf` | `0.901 ms` | ...").
    let frags: Vec<&Line> = slice.iter().flatten().collect();
    let header = slice
        .first()
        .is_some_and(|r| cell_count(r) >= 2 && !r.iter().any(Line::all_mono));
    if !header && frags.iter().filter(|l| l.all_mono()).count() * 5 >= frags.len() * 4 {
        return None;
    }
    let (left, right) = (bands.first()?.0, bands.last()?.1);
    let ruled = has_rules(
        rules,
        top(slice.first()?),
        bottom(slice.last()?),
        left,
        right,
    );
    // Need enough evidence: three aligned rows, or two with ruling lines around them, a rule
    // between them across the columns (a header row over the first row, a table a page break
    // cuts after it), or under a repeated header.
    let repeated = hints
        .open
        .is_some_and(|h| super::carry::repeats(slice.first(), h));
    let header_rule = || match slice {
        [a, b] => rules.iter().any(|r| {
            r.is_horizontal()
                && r.top >= bottom(a) - 1.0
                && r.bottom <= top(b) + 1.0
                && r.x1.min(right) - r.x0.max(left) >= 0.8 * (right - left)
        }),
        _ => false,
    };
    if multi < 3 && !ruled && !repeated && !header_rule() {
        return None;
    }
    // Columns must be set apart by more than word spaces: a gap between two column bands at
    // least a cell gap somewhere (text columns were already told apart by the region layout), or
    // cells aligned at the columns' starts.
    if bands.windows(2).all(|w| w[1].0 - w[0].1 < CELL_GAP_EM * em)
        && !super::bands::aligned_starts(&multi_rows, &bands)
    {
        return None;
    }
    let mut cells: Vec<Vec<String>> = Vec::new();
    let mut prev_bottom = f32::MIN;
    let mut prev_bold = false;
    let parts: Vec<Vec<Vec<Span>>> = slice
        .iter()
        .map(|row| {
            let mut parts: Vec<Vec<Span>> = vec![Vec::new(); ncols];
            for s in row.iter().flat_map(|l| &l.spans) {
                let pieces = match super::bands::cut_overrun(s, &bands, em) {
                    Some((a, b)) => vec![a, b],
                    None => vec![s.clone()],
                };
                for s in pieces {
                    let c = band_of(&bands, s.x0, s.ink_x1());
                    if let Some(p) = parts.get_mut(c) {
                        p.push(s);
                    }
                }
            }
            parts
        })
        .collect();
    let rights: Vec<Vec<Option<f32>>> = parts
        .iter()
        .map(|row| {
            row.iter()
                .map(|p| p.iter().map(Span::ink_x1).reduce(f32::max))
                .collect()
        })
        .collect();
    let mut last_lines = cellwrap::LastLines::new(&bands, &rights, 0.75 * em, hints.vocab);
    // A line that fills the first column (where a row names itself) is looked at for a wrap
    // (`cellwrap::wrapped`); one that leaves it empty goes on with the row above, as a cell's
    // next line after a break the producer made ("getImageData(" / "float sx, ...") does.
    // Each column's widest line in rows that fill half of the columns or more (most wrapped
    // cells' next lines left out; in a table of two columns they are all in, so no widths there).
    let mut widths = vec![0.0f32; ncols];
    for row in parts
        .iter()
        .filter(|r| r.iter().filter(|p| !p.is_empty()).count() * 2 >= ncols)
    {
        for (w, p) in widths.iter_mut().zip(row) {
            *w = w.max(cellwrap::extent(p).unwrap_or(0.0));
        }
    }
    let mut prev_parts: Option<&Vec<Vec<Span>>> = None;
    for ((row, parts), right) in slice.iter().zip(&parts).zip(&rights) {
        let unlinked = super::celltext::shared_links(parts.iter());
        let r: Vec<String> = parts.iter().map(|p| cell_text(p, &unlinked)).collect();
        // A line close below the previous row continues its wrapped cells: a single fragment, or
        // the ends of words and phrases under some of its cells (`cellwrap.rs`).
        let close = top(row) - prev_bottom < 0.6 * row_height(row);
        // A line reaching up into the line above belongs to its row: a browser centres a row's
        // cells on its tallest one, so their lines stand half a line apart and overlap.
        let size = row.iter().map(|l| l.size).fold(0.0f32, f32::max);
        let stacked = prev_bottom - top(row) > 0.1 * size;
        // A bold line under the bold first line, under some of its cells: the header cells'
        // wrapped lines (a word processor sets its header cells at their top).
        let bold = row.iter().all(Line::all_bold);
        let header_wrap = cells.len() == 1
            && close
            && bold
            && prev_bold
            && cells.first().is_some_and(|h| {
                let under = r.iter().zip(h).filter(|(c, _)| !c.is_empty());
                under.clone().all(|(_, above)| !above.is_empty())
                    && under.count() < h.iter().filter(|c| !c.is_empty()).count()
            });
        let continues = stacked
            || header_wrap
            || close
                && (cell_count(row) == 1 && !super::bands::cells_at_starts(row, &r, &bands)
                    || cellwrap::continues(&r, cells.last(), cells.len() == 1)
                        && (ncols < 3
                            || r.first().is_none_or(String::is_empty)
                            || prev_parts.is_none_or(|above| {
                                cellwrap::wrapped(above, parts, &widths, em, hints.vocab)
                            }))
                    || cellwrap::completes_first(&r, cells.last(), cells.len() == 1));
        // The first line of a wrapped cell standing alone above its row's centred cells.
        let overlaps = top(row) < prev_bottom;
        let opened =
            !continues && close && !cells.is_empty() && cellwrap::opens(&r, cells.last(), overlaps);
        match cells.last_mut() {
            Some(last) if continues || opened => {
                for (c, (dst, src)) in last.iter_mut().zip(&r).enumerate() {
                    last_lines.join(c, dst, src);
                }
            }
            _ => cells.push(r.clone()),
        }
        last_lines.record(&r, right);
        prev_parts = Some(parts);
        prev_bottom = bottom(row);
        prev_bold = bold;
    }
    // Mostly empty grid = not a table.
    let filled = cells.iter().flatten().filter(|c| !c.is_empty()).count();
    if filled * 2 < cells.len() * ncols || cells.len() < 2 {
        return None;
    }
    // Cells of running prose are text beside text.
    if mostly_prose(&cells, filled) {
        return None;
    }
    // Figures packed closer than a word space (LNCS's tables) are columns of their own.
    let cells = super::packed::rebalance(super::packed::split(cells));
    Some(Table { start, end, cells })
}

/// A span that is one bullet glyph.
fn is_bullet_text(t: &str) -> bool {
    let mut c = t.trim().chars();
    matches!((c.next(), c.next()), (Some(b), None) if super::markers::is_bullet_char(b))
}

/// The column of a piece from `x0` to `x1`: the band holding its middle, else one it overlaps,
/// else the band it stands closest to (a cell's line running on past the last band's right edge,
/// which rows of few cells set, belongs to that last column, not to the first).
fn band_of(bands: &[(f32, f32)], x0: f32, x1: f32) -> usize {
    let cx = (x0 + x1) / 2.0;
    let away = |b: &(f32, f32)| (b.0 - x1).max(x0 - b.1);
    bands
        .iter()
        .position(|b| cx >= b.0 - 1.0 && cx <= b.1 + 1.0)
        .or_else(|| bands.iter().position(|b| x0 < b.1 && x1 > b.0))
        .or_else(|| (0..bands.len()).min_by(|&a, &b| away(&bands[a]).total_cmp(&away(&bands[b]))))
        .unwrap_or(0)
}

fn cell_text(spans: &[Span], unlinked: &[String]) -> String {
    super::celltext::inline(spans, unlinked).replace('|', "\\|")
}

/// Two or more horizontal rules around the rows and under them (a rule of a table in the next
/// column, beside the rows, does not count).
fn has_rules(rules: &[Rule], top: f32, bottom: f32, left: f32, right: f32) -> bool {
    rules
        .iter()
        .filter(|r| r.is_horizontal() && r.top >= top - 20.0 && r.bottom <= bottom + 20.0)
        .filter(|r| r.x1.min(right) - r.x0.max(left) > 0.0)
        .count()
        >= 2
}

#[cfg(test)]
#[path = "tables_tests.rs"]
mod tests;
