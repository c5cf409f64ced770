//! Prose that looks like table rows: justified lines whose stretched word spaces, or a sentence's
//! end in a loose line, open gaps as wide as the gaps between cells. The table finder asks these
//! before it takes rows, and a frame of text before it calls it a table.

use super::layout::is_marker_text;
use super::model::{Line, Span};
use super::tables::CELL_GAP_EM;

/// A line of justified prose: four or more words (spans starting with a letter) set apart by gaps
/// that are all alike and wider than a plain space, after a list marker if it opens the line.
/// Justification spreads a line's slack evenly; the gaps between table cells follow the columns'
/// widths instead.
pub(crate) fn evenly_spaced(spans: &[&Span]) -> bool {
    let mut spans: Vec<&Span> = spans.to_vec();
    spans.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    if spans.len() > 1 && is_marker_text(&spans[0].text) {
        spans.remove(0);
    }
    if spans.len() < 4 {
        return false;
    }
    let size = spans.iter().map(|s| s.size).fold(0.0f32, f32::max).max(1.0);
    let words = spans
        .iter()
        .filter(|s| s.text.trim_start().starts_with(char::is_alphabetic))
        .count();
    if words * 4 < spans.len() * 3 {
        return false;
    }
    let gaps: Vec<f32> = spans.windows(2).map(|w| w[1].x0 - w[0].ink_x1()).collect();
    let (lo, hi) = gaps
        .iter()
        .fold((f32::MAX, f32::MIN), |(l, h), g| (l.min(*g), h.max(*g)));
    lo >= 0.3 * size && hi - lo <= 0.12 * size
}

/// A line of running prose that a wide word space splits like cells (a sentence's end in a loose
/// justified line): a piece of ten words or more, twelve words in all. No table starts there; the
/// lines of its paragraph under it would read as a cell's wrapped lines.
pub(crate) fn prose_line(row: &[Line]) -> bool {
    prose_piece(row).is_some()
}

/// Where the long piece of a `prose_line` starts.
pub(crate) fn prose_piece(row: &[Line]) -> Option<f32> {
    let mut spans: Vec<&Span> = row.iter().flat_map(|l| &l.spans).collect();
    spans.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let (mut longest, mut words, mut total) = (0, 0, 0);
    let (mut start, mut long_start) = (f32::MIN, f32::MIN);
    let mut x1 = f32::MIN;
    for s in spans {
        if x1 == f32::MIN || s.x0 - x1 >= CELL_GAP_EM * s.size {
            (words, start) = (0, s.x0);
        }
        let n = s.text.split_whitespace().count();
        (words, total) = (words + n, total + n);
        if words > longest {
            (longest, long_start) = (words, start);
        }
        x1 = x1.max(s.x1);
    }
    (longest >= 10 && total >= 12).then_some(long_start)
}

pub(crate) fn evenly_spaced_words(row: &[Line]) -> bool {
    evenly_spaced(&row.iter().flat_map(|l| &l.spans).collect::<Vec<_>>())
}

/// Whether a quarter or more of the `filled` cells run to more than fifteen words: running prose,
/// not table cells. A table of three columns or more whose long cells all stand in one column (a
/// description beside names and figures) is a table.
pub(crate) fn mostly_prose(cells: &[Vec<String>], filled: usize) -> bool {
    let long = |c: &String| c.split_whitespace().count() > 15;
    let prose = cells.iter().flatten().filter(|c| long(c)).count();
    if prose * 4 <= filled {
        return false;
    }
    let width = cells.iter().map(Vec::len).max().unwrap_or(0);
    let columns = (0..width)
        .filter(|&k| cells.iter().any(|r| r.get(k).is_some_and(long)))
        .count();
    width < 3 || columns > 1
}
