//! Type sizes of a table's rows. A row in another size than the rows above is a heading or text
//! beside the table, not a row of it; but browsers and word processors set code a sixth smaller than
//! the text around it, so a column of code beside a column of text (a table of options, a list of
//! modules) counts as the text's size. A single smaller monospaced word at a line's start is no
//! column: a wrapped line of prose opening with code keeps its size apart.

use super::model::Line;

/// Smallest share of the text's size at which browsers and word processors set inline code
/// (Chromium 0.81-0.85, Writer's source text 0.83).
const CODE_SIZE: f32 = 0.78;

/// Rows above and below looked at for a column of code (a cell's wrapped lines stand between).
const NEAR_ROWS: usize = 4;

/// Whether row `k` holds a cell of code beside text: a monospaced line starting where a
/// monospaced line of another row within `NEAR_ROWS` starts, or one opening the row with the rest
/// of the row one cell of text right under a bold row of several pieces (a table's first row
/// under its header, the last on its page).
pub(crate) fn code_column(rows: &[Vec<Line>], k: usize) -> bool {
    let header = |r: &Vec<Line>| r.len() >= 2 && r.iter().all(Line::all_bold);
    repeated_code(rows, k)
        || rows.get(k).is_some_and(|r| names_one_cell(r))
            && k.checked_sub(1)
                .and_then(|a| rows.get(a))
                .is_some_and(header)
        // A cell's wrapped line of code ("[no_std].") near such a column.
        || rows.get(k).is_some_and(|r| r.iter().any(codeish))
            && (k.saturating_sub(NEAR_ROWS)..=k + NEAR_ROWS)
                .filter(|&n| n != k && n < rows.len())
                .any(|n| repeated_code(rows, n))
}

/// Whether a line is code: monospaced, or mostly (code wrapped with the stop after it).
pub(crate) fn codeish(line: &Line) -> bool {
    let count = |mono: bool| -> usize {
        line.spans
            .iter()
            .filter(|s| s.mono == mono)
            .map(|s| s.text.chars().filter(|c| !c.is_whitespace()).count())
            .sum()
    };
    line.all_mono() || count(true) > 2 * count(false)
}

/// Whether `row` is a monospaced line at its left and one cell of text right of it (no gap of a
/// cell's width between its pieces).
fn names_one_cell(row: &[Line]) -> bool {
    let mut lines: Vec<&Line> = row.iter().collect();
    lines.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let [first, rest @ ..] = lines.as_slice() else {
        return false;
    };
    if !first.all_mono() || rest.is_empty() || rest.iter().any(|l| l.all_mono()) {
        return false;
    }
    let mut spans: Vec<_> = rest.iter().flat_map(|l| &l.spans).collect();
    spans.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    spans
        .windows(2)
        .all(|w| w[1].x0 - w[0].x1 < super::tables::CELL_GAP_EM * w[0].size.max(w[1].size))
}

/// Whether row `k` has a monospaced line starting where one of another row within `NEAR_ROWS`
/// starts.
fn repeated_code(rows: &[Vec<Line>], k: usize) -> bool {
    let starts =
        |r: &[Line]| -> Vec<f32> { r.iter().filter(|l| l.all_mono()).map(|l| l.x0).collect() };
    let Some(mine) = rows.get(k).map(|r| starts(r)) else {
        return false;
    };
    !mine.is_empty()
        && (k.saturating_sub(NEAR_ROWS)..=k + NEAR_ROWS)
            .filter(|&n| n != k)
            .filter_map(|n| rows.get(n))
            .any(|r| {
                starts(r)
                    .iter()
                    .any(|x| mine.iter().any(|m| (m - x).abs() <= 1.5))
            })
}

/// Row `k`'s type size, and whether it is code alone (every line monospaced). Its size is its
/// largest line's; in a row of a column of code (`code_column`), a monospaced line set a little
/// smaller than the row's other text counts as that text.
pub(crate) fn row_size(rows: &[Vec<Line>], k: usize) -> (f32, bool) {
    let row: &[Line] = rows.get(k).map_or(&[], |r| r.as_slice());
    let largest = |mono: bool| {
        row.iter()
            .filter(|l| codeish(l) == mono)
            .map(|l| l.size)
            .fold(0.0f32, f32::max)
    };
    let (text, code) = (largest(false), largest(true));
    if !code_column(rows, k) {
        (text.max(code), false)
    } else if text == 0.0 {
        (code, true)
    } else {
        (text.max(line_size(code, text)), false)
    }
}

/// A monospaced size `code` beside text of size `text`: the text's when a little smaller.
fn line_size(code: f32, text: f32) -> f32 {
    if code <= text && code >= CODE_SIZE * text {
        text
    } else {
        code
    }
}

/// Whether a line of size `size` (of a column of code: `code`) is set in the size of a row of size
/// `base` (code alone: `base_code`): the same within `tol`, or code a little smaller than the text
/// beside it.
pub(crate) fn code_or_same(size: f32, code: bool, base: f32, base_code: bool, tol: f32) -> bool {
    let smaller_code = |code: f32, text: f32| code <= text && code >= CODE_SIZE * text;
    (size - base).abs() <= tol * size.max(base)
        || (code && !base_code && smaller_code(size, base))
        || (base_code && !code && smaller_code(base, size))
}

/// Whether rows `a` and `b` are set in one type size (within 15 %), code beside text allowed smaller.
pub(crate) fn rows_same_size(rows: &[Vec<Line>], a: usize, b: usize) -> bool {
    let ((sa, ca), (sb, cb)) = (row_size(rows, a), row_size(rows, b));
    code_or_same(sa, ca, sb, cb, 0.15)
}
