//! Blocks cut by the end of a column or page. A paragraph, a list item or a table that runs on past
//! the foot of a column continues at the head of the next, and the layout reads the two parts as two
//! blocks: they are joined when the parts show they are one.

use super::blocks::Block;
use super::model::{Line, Span};

/// A paragraph cut by a column or page end continues in the next run when the first part does
/// not end a sentence and the second starts in lower case: join them.
pub(crate) fn join_split_paragraph(blocks: &mut Vec<Block>, boundary: usize) {
    let (Some(Block::Para(a)), Some(Block::Para(b))) = (
        boundary.checked_sub(1).and_then(|i| blocks.get(i)),
        blocks.get(boundary),
    ) else {
        return;
    };
    let (Some(last), Some(first)) = (a.last(), b.first()) else {
        return;
    };
    let ends = last.text().ends_with(['.', '!', '?', ':', ';']);
    let lower = first.text().starts_with(char::is_lowercase);
    if ends || !lower || (last.size - first.size).abs() > 0.5 || a.len() < 2 {
        return;
    }
    if let (Block::Para(b), Some(Block::Para(a))) =
        (blocks.remove(boundary), blocks.get_mut(boundary - 1))
    {
        a.extend(b);
    }
}

/// A code block cut by a page or column break goes on in the next run when that run opens with
/// lines set wholly in a monospaced face in its size (the block's last lines, "}" at the head of
/// the next page).
pub(crate) fn join_split_code(blocks: &mut Vec<Block>, boundary: usize) {
    let before = boundary.checked_sub(1).and_then(|i| blocks.get(i));
    let joins = match (before, blocks.get(boundary).and_then(Block::monospaced)) {
        (Some(Block::Code(a)), Some(b)) => (a.last().zip(b.first()))
            .is_some_and(|(last, first)| (last.size - first.size).abs() <= 0.05 * last.size),
        _ => false,
    };
    if !joins {
        return;
    }
    if let (Block::Code(b) | Block::Para(b), Some(Block::Code(a))) =
        (blocks.remove(boundary), blocks.get_mut(boundary - 1))
    {
        a.extend(b);
    }
}

/// The head of a page: its first block when that is a short paragraph (a title), as text and size.
pub(crate) type Head = (String, f32);

/// A slide continued over several frames repeats its title at the head of each (beamer's
/// `allowframebreaks`), cutting the text it continues. When the page's first block (at `boundary`)
/// is the head of the page before, again, it goes, so the text joins up across it. Returns the
/// page's head.
pub(crate) fn drop_repeated_head(
    blocks: &mut Vec<Block>,
    boundary: usize,
    before: Option<&Head>,
) -> Option<Head> {
    let Some(Block::Para(lines)) = blocks.get(boundary) else {
        return None;
    };
    let text = lines.iter().map(Line::text).collect::<Vec<_>>().join(" ");
    let size = lines.iter().map(|l| l.size).fold(0.0f32, f32::max);
    if lines.len() > 2 || text.chars().count() > 120 {
        return None;
    }
    // A title: words, bold or larger than the text under it (a label repeated over each page's
    // figures, or a row of figures, is no title, and stays).
    let bold = lines.iter().all(Line::all_bold);
    let under = match blocks.get(boundary + 1) {
        Some(Block::Para(l) | Block::Item { lines: l, .. }) => l.first().map(|l| l.size),
        _ => None,
    };
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let worded = letters * 2 >= text.chars().filter(|c| !c.is_whitespace()).count();
    let title = worded && (bold || under.is_none_or(|u| size >= 1.1 * u));
    if title && before.is_some_and(|(t, s)| *t == text && (s - size).abs() <= 0.5) {
        blocks.remove(boundary);
    }
    Some((text, size))
}

/// The header row of the table that ends the blocks before `boundary` (a table the column or page
/// end may have cut), for the next run to recognise when it repeats it.
pub(crate) fn open_table(blocks: &[Block], boundary: usize) -> Option<Vec<String>> {
    match boundary.checked_sub(1).and_then(|i| blocks.get(i)) {
        Some(Block::Table(cells)) => cells.first().cloned(),
        _ => None,
    }
}

/// A table cut by a column or page end goes on in the next run under its header row repeated
/// (a word processor repeats it on every page): the rows below the repeated header join the table.
pub(crate) fn join_split_table(blocks: &mut Vec<Block>, boundary: usize) {
    let boundary = rest_of_split_row(blocks, boundary);
    let (Some(Block::Table(a)), Some(Block::Table(b))) = (
        boundary.checked_sub(1).and_then(|i| blocks.get(i)),
        blocks.get(boundary),
    ) else {
        return;
    };
    if a.is_empty() || a.first() != b.first() {
        return;
    }
    if let (Block::Table(b), Some(Block::Table(a))) =
        (blocks.remove(boundary), blocks.get_mut(boundary - 1))
    {
        a.extend(b.into_iter().skip(1));
    }
}

/// A browser breaks a table's row across a page: the rest of its tallest cell stands at the head
/// of the next page, above the header row repeated (in a run of its own, or in the table's run).
/// Up to three lines, the first in lower case, between a table and the same table's header
/// repeated go on the last row's longest cell. Returns where the second table now starts (the boundary otherwise).
fn rest_of_split_row(blocks: &mut Vec<Block>, boundary: usize) -> usize {
    for p in [boundary, boundary.saturating_sub(1)] {
        let (Some(Block::Table(a)), Some(Block::Para(lines)), Some(Block::Table(b))) = (
            p.checked_sub(1).and_then(|i| blocks.get(i)),
            blocks.get(p),
            blocks.get(p + 1),
        ) else {
            continue;
        };
        let text: Vec<String> = lines.iter().map(|l| l.text().trim().to_string()).collect();
        let lower = text
            .first()
            .is_some_and(|t| t.starts_with(char::is_lowercase));
        if a.len() < 2 || a.first() != b.first() || !lower || text.len() > 3 {
            continue;
        }
        let rest = text.join(" ");
        blocks.remove(p);
        if let Some(Block::Table(a)) = blocks.get_mut(p - 1)
            && let Some(cell) = a
                .last_mut()
                .and_then(|r| r.iter_mut().max_by_key(|c| c.split_whitespace().count()))
        {
            cell.push(' ');
            cell.push_str(&rest);
        }
        return p;
    }
    boundary
}

/// Whether `row` reads as the header row `header` again: the same words in the same order.
pub(crate) fn repeats(row: Option<&Vec<Line>>, header: &[String]) -> bool {
    let Some(row) = row else { return false };
    let mut spans: Vec<&Span> = row.iter().flat_map(|l| &l.spans).collect();
    spans.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    let mine: Vec<String> = spans.iter().flat_map(|s| words(&s.text)).collect();
    let theirs: Vec<String> = header.iter().flat_map(|c| words(c)).collect();
    header.len() >= 2 && !mine.is_empty() && mine == theirs
}

/// A list item cut by a column or page end continues in the next run as a paragraph set at the
/// item's text indent: its lines (two or more, or one in lower case) all start at one x, indented from the next run's left edge
/// (`left`) by the item text's indent from the previous run's (`prev_left`), within an em. A
/// paragraph that starts a column is set at its left edge; the indent carries the item over, even
/// when its part in the previous column ended a sentence.
pub(crate) fn join_split_item(blocks: &mut Vec<Block>, boundary: usize, prev_left: f32, left: f32) {
    let (Some(Block::Item { lines: a, .. }), Some(Block::Para(b))) = (
        boundary.checked_sub(1).and_then(|i| blocks.get(i)),
        blocks.get(boundary),
    ) else {
        return;
    };
    let (Some(first), Some(text_x)) = (b.first(), a.get(1).or(a.first()).map(|l| l.x0)) else {
        return;
    };
    let em = first.size.max(1.0);
    let indent = first.x0 - left;
    let item_indent = text_x - prev_left;
    // Two lines or more at the indent (one line could be a paragraph's indented first line), or
    // one that goes on in lower case.
    let aligned = b.iter().all(|l| (l.x0 - first.x0).abs() <= 2.0)
        && (b.len() >= 2 || first.text().starts_with(char::is_lowercase));
    if !(aligned && indent > 0.8 * em && (indent - item_indent).abs() <= em) {
        return;
    }
    if let (Block::Para(b), Some(Block::Item { lines, .. })) =
        (blocks.remove(boundary), blocks.get_mut(boundary - 1))
    {
        lines.extend(b);
    }
}

/// A list that goes on in the next column: its items there are set further right on the page by the
/// distance between the columns, which would nest them under the items before. Their positions are
/// moved back by the distance between the runs' left edges (`prev_left`, `left`), when that is a
/// column's width (more than three ems) and the list runs on across the boundary.
pub(crate) fn align_list(blocks: &mut [Block], boundary: usize, prev_left: f32, left: f32) {
    let Some(Block::Item { lines, .. }) = boundary.checked_sub(1).and_then(|i| blocks.get(i))
    else {
        return;
    };
    let em = lines.first().map_or(10.0, |l| l.size.max(1.0));
    let shift = prev_left - left;
    if shift.abs() <= 3.0 * em {
        return;
    }
    for b in blocks.iter_mut().skip(boundary) {
        match b {
            Block::Item { x, .. } => *x += shift,
            _ => break,
        }
    }
}
