//! Lines to blocks: a run of lines (one column, top to bottom) is cut into paragraphs, list items,
//! code blocks, heading candidates and tables, using vertical spacing, indentation, list markers,
//! font changes and column alignment.

use super::markers::split_marker;
use super::model::Line;
use super::tables;

/// A structural unit before Markdown rendering.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    Para(Vec<Line>),
    /// List item: marker x position, marker text (`-` for bullets, `3.` etc. for ordered), lines.
    Item {
        x: f32,
        marker: String,
        lines: Vec<Line>,
    },
    Code(Vec<Line>),
    /// Text set at an angle on an upright page (`asides.rs`): a plain paragraph, never a heading.
    Aside(Vec<Line>),
    Table(Vec<Vec<String>>),
    PageBreak(usize),
    /// A footnote taken from a page's foot (`footnotes.rs`, `notes.rs`): its mark and its lines.
    Note {
        label: String,
        lines: Vec<Line>,
    },
}

/// Group consecutive fragments sharing a baseline band into rows.
fn rows(lines: Vec<Line>) -> Vec<Vec<Line>> {
    let heads: Vec<bool> = (0..lines.len()).map(|k| heads_section(k, &lines)).collect();
    let mut rows: Vec<Vec<Line>> = Vec::new();
    for (k, l) in lines.into_iter().enumerate() {
        let joins = rows.last().and_then(|r| r.last()).is_some_and(|p| {
            let overlap = p.bottom.min(l.bottom) - p.top.max(l.top);
            let plain = p.table.is_none() && l.table.is_none();
            // A title set far larger than the text beside it is not part of that text's row.
            let big = p.size.max(l.size);
            let similar = (p.size - l.size).abs() <= 0.35 * big;
            // Nor is a section heading beside the prose of the next column across a wide gap
            // (in a band whose gutter a spanning table hid).
            let heading =
                k > 0 && heads[k - 1] && p.size > 1.08 * l.size && l.x0 - p.x1 > 2.0 * big;
            plain
                && similar
                && !heading
                && overlap >= 0.5 * p.height().min(l.height())
                && l.x0 >= p.x1 - 1.0
        });
        match rows.last_mut() {
            Some(r) if joins => r.push(l),
            _ => rows.push(vec![l]),
        }
    }
    rows
}

/// A short bold line whose next line below, in its own column, is set smaller or not bold (or that
/// ends its column): it opens a section there (labels of a form are followed by more labels).
fn heads_section(k: usize, lines: &[Line]) -> bool {
    let l = &lines[k];
    if !l.all_bold() || l.text().chars().count() > 80 {
        return false;
    }
    let h = l.height();
    lines
        .iter()
        .filter(|m| m.top > l.bottom - 0.3 * h && m.top < l.bottom + 4.0 * h)
        .filter(|m| m.x0 < l.x1 && m.x1 > l.x0)
        .min_by(|a, b| a.top.total_cmp(&b.top))
        .is_none_or(|m| m.size < 0.93 * l.size || !m.all_bold())
}

/// Merge the fragments of a row into one line (used when the row is not part of a table).
fn merge_row(row: Vec<Line>) -> Line {
    if row.len() == 1 {
        return row
            .into_iter()
            .next()
            .unwrap_or_else(|| Line::from_spans(Vec::new()));
    }
    Line::from_spans(row.into_iter().flat_map(|l| l.spans).collect())
}

/// Cut one reading-order run into blocks (`hints`: what the document around it tells its tables).
pub(crate) fn blocks_of_run(
    run: Vec<Line>,
    rules: &[super::model::Rule],
    hints: tables::Hints,
    out: &mut Vec<Block>,
) {
    let start = out.len();
    let rows = rows(run);
    let tables = tables::find_tables(&rows, rules, hints);
    let mut lines: Vec<(Line, Option<usize>)> = Vec::new(); // (line, table index starting here)
    let mut skip_until = 0usize;
    for (i, row) in rows.into_iter().enumerate() {
        if i < skip_until {
            continue;
        }
        if let Some((ti, t)) = tables.iter().enumerate().find(|(_, t)| t.start == i) {
            skip_until = t.end;
            lines.push((Line::from_spans(Vec::new()), Some(ti)));
            continue;
        }
        lines.push((merge_row(row), None));
    }
    // Edges of the column: a line ending well short of the right one ends its paragraph. (The
    // right edge is the prose's: a line of code may run further.)
    let prose = lines
        .iter()
        .filter(|(l, _)| !l.spans.is_empty() && !l.all_mono());
    let col_x1 = match prose.map(|(l, _)| l.x1).reduce(f32::max) {
        Some(x1) => x1,
        None => lines.iter().map(|(l, _)| l.x1).fold(f32::MIN, f32::max),
    };
    let col_x0 = lines
        .iter()
        .filter(|(l, t)| t.is_none() && !l.spans.is_empty())
        .map(|(l, _)| l.x0)
        .fold(f32::MAX, f32::min);
    let col = (col_x0, col_x1);
    let mut cur: Vec<Line> = Vec::new();
    let mut toc: Vec<Vec<String>> = Vec::new();
    let mut tables = tables.into_iter().map(Some).collect::<Vec<_>>();
    let mut lines = lines.into_iter().peekable();
    while let Some((mut line, table)) = lines.next() {
        if let Some(cells) = line.table.take() {
            flush_toc(&mut toc, &mut cur, out);
            flush(&mut cur, out);
            out.push(Block::Table(cells));
            continue;
        }
        let entry = if table.is_none() {
            toc_entry(&line.text())
        } else {
            None
        };
        match entry {
            Some(row) => {
                flush(&mut cur, out);
                toc.push(row);
                continue;
            }
            None => flush_toc(&mut toc, &mut cur, out),
        }
        if let Some(ti) = table {
            flush(&mut cur, out);
            if let Some(t) = tables.get_mut(ti).and_then(Option::take) {
                out.push(Block::Table(t.cells));
            }
            continue;
        }
        if cur.last().is_some_and(|prev| {
            let next = lines.peek().map(|(l, _)| l);
            super::breaks::breaks_block(prev, &line, &cur, col, next)
        }) {
            flush(&mut cur, out);
        }
        cur.push(line);
    }
    flush_toc(&mut toc, &mut cur, out);
    flush(&mut cur, out);
    join_code(out, start);
}

/// A code block's blank lines cut it where a paragraph would end, and a producer that sets code
/// with a loose line pitch (Chromium printing `<pre>`) cuts it at every line: blocks of code and
/// paragraphs set wholly in a monospaced face that follow each other within a blank line, their
/// left edges within five ems (indented or not), are one code block again when they read as code
/// (`code_like`: the lines' punctuation, or a code block among them).
fn join_code(out: &mut Vec<Block>, start: usize) {
    let mono = Block::monospaced;
    let mut k = start;
    while k < out.len() {
        let Some(first) = mono(&out[k]) else {
            k += 1;
            continue;
        };
        let left = first.iter().map(|l| l.x0).fold(f32::MAX, f32::min);
        let mut end = k + 1;
        while let (Some(a), Some(b)) = (mono(&out[end - 1]), out.get(end).and_then(mono)) {
            let (last, next) = (&a[a.len() - 1], &b[0]);
            let size = last.size.max(next.size);
            let gap = next.top - last.bottom;
            let b_left = b.iter().map(|l| l.x0).fold(f32::MAX, f32::min);
            if gap <= -0.2 * size
                || gap > 3.0 * size
                || (last.size - next.size).abs() > 0.05 * size
                || (b_left - left).abs() > 5.0 * size
            {
                break;
            }
            end += 1;
        }
        let lines: Vec<Line> = out[k..end]
            .iter()
            .filter_map(mono)
            .flatten()
            .cloned()
            .collect();
        let has_code = out[k..end].iter().any(|b| matches!(b, Block::Code(_)));
        if end - k >= 2 && (has_code || code_punct(&lines) * 2 >= lines.len()) {
            out.splice(k..end, [Block::Code(lines)]);
        }
        k += 1;
    }
}

impl Block {
    /// The lines of a code block, or of a paragraph set wholly in a monospaced face (a piece of a
    /// code block that a blank line or a page break cut off).
    pub(crate) fn monospaced(&self) -> Option<&[Line]> {
        match self {
            Block::Code(l) => Some(l),
            Block::Para(l) if !l.is_empty() && l.iter().all(Line::all_mono) => Some(l),
            _ => None,
        }
    }
}

/// A table-of-contents line: title, dot leader, page number (arabic or roman).
fn toc_entry(text: &str) -> Option<Vec<String>> {
    let (head, page) = text.trim().rsplit_once(' ')?;
    let page_ok = !page.is_empty()
        && page.len() <= 6
        && (page.chars().all(|c| c.is_ascii_digit()) || page.chars().all(|c| "ivxlc".contains(c)));
    let title = head.trim_end_matches(['.', ' ', '…']);
    let leader = head.len() - title.len();
    if !page_ok || leader < 6 || head.matches('.').count() < 4 || title.is_empty() {
        return None;
    }
    Some(vec![title.to_string(), page.to_string()])
}

/// Two or more contents lines in a row become a two-column table; a single one stays text.
fn flush_toc(toc: &mut Vec<Vec<String>>, cur: &mut Vec<Line>, out: &mut Vec<Block>) {
    match toc.len() {
        0 => {}
        1 => {
            let row = std::mem::take(toc).concat().join(" ");
            cur.push(Line::from_spans(vec![super::model::Span::plain(row)]));
            flush(cur, out);
        }
        _ => out.push(Block::Table(std::mem::take(toc))),
    }
}

/// Monospaced lines (two or more; a single one stays inline code) are a code block only when they
/// read like it: code punctuation on at least every other
/// line, or indentation. Titles and contents pages set in a typewriter face stay text.
fn code_like(lines: &[Line]) -> bool {
    let punct = code_punct(lines);
    let min_x = lines.iter().map(|l| l.x0).fold(f32::MAX, f32::min);
    let indented = lines.iter().any(|l| l.x0 > min_x + l.size);
    punct * 2 >= lines.len() || (indented && lines.len() >= 3)
}

/// How many of `lines` hold code punctuation.
fn code_punct(lines: &[Line]) -> usize {
    lines
        .iter()
        .map(|l| l.text())
        .filter(|t| t.contains("--") || t.chars().any(|c| "{}()[];=<>/\\#*+|&$@_`~^%".contains(c)))
        .count()
}

fn flush(cur: &mut Vec<Line>, out: &mut Vec<Block>) {
    if cur.is_empty() {
        return;
    }
    let lines = std::mem::take(cur);
    let first = lines.first().map(Line::text).unwrap_or_default();
    if lines.len() >= 2 && lines.iter().all(Line::all_mono) && code_like(&lines) {
        out.push(Block::Code(lines));
    } else if let Some((marker, _)) = split_marker(&first) {
        let x = lines.first().map(|l| l.x0).unwrap_or(0.0);
        out.push(Block::Item { x, marker, lines });
    } else {
        out.push(Block::Para(lines));
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Line;

    fn line(text: &str, x0: f32, top: f32, size: f32, bold: bool) -> Line {
        let mut s = super::super::model::Span::plain(text.to_string());
        s.x0 = x0;
        s.x1 = x0 + 0.5 * size * text.chars().count() as f32;
        s.top = top;
        s.bottom = top + size;
        s.size = size;
        s.bold = bold;
        Line::from_spans(vec![s])
    }

    #[test]
    fn a_heading_beside_the_next_columns_last_line_is_its_own_row() {
        // A band without a gutter: the left column's heading shares a baseline band with the last
        // line of the right column's paragraph; body text follows under the heading.
        let lines = vec![
            line("Permanent Article Resistance", 63.0, 449.3, 12.0, true),
            line("statute.", 313.7, 454.5, 10.5, false),
            line("The section goes on below.", 63.0, 475.0, 10.5, false),
        ];
        assert_eq!(super::rows(lines).len(), 3);
        // Labels of a form (bold, followed by more labels) stay with their values.
        let form = vec![
            line("Standard name", 76.0, 157.6, 14.0, true),
            line("Billets cast in one piece", 331.0, 156.7, 12.0, false),
            line("Standard number", 76.0, 211.5, 14.0, true),
            line("20300", 330.0, 210.6, 12.0, false),
            line("Issued by", 76.0, 256.8, 14.0, true),
            line("National standards body", 330.0, 255.9, 12.0, false),
        ];
        let rows = super::rows(form);
        assert!(rows[0].len() == 2 && rows[1].len() == 2, "{}", rows.len());
    }

    #[test]
    fn a_centred_line_over_an_indented_paragraph_is_a_block_of_its_own() {
        let col = (49.0, 300.0);
        let heading = line("I. FLEXIBLE VOLTAGE", 127.0, 135.8, 10.0, false);
        let first = line(
            "The method replaces the reliable surface",
            58.9,
            152.4,
            10.0,
            false,
        );
        let first = Line { x1: 300.0, ..first };
        assert!(crate::breaks::breaks_block(
            &heading,
            &first,
            std::slice::from_ref(&heading),
            col,
            None
        ));
        // The second line of a title centred like the first stays with it.
        let second = line("Central Section Protein", 100.0, 150.0, 10.0, false);
        let second = Line {
            x0: 98.0,
            x1: 252.0,
            ..second
        };
        assert!(!crate::breaks::breaks_block(
            &heading,
            &second,
            std::slice::from_ref(&heading),
            col,
            None
        ));
    }

    #[test]
    fn a_number_in_parentheses_wrapped_to_a_line_start_goes_on_with_its_sentence() {
        let col = (49.0, 300.0);
        let prose = line("the rate follows from Equation", 49.0, 100.0, 10.0, false);
        let prose = Line { x1: 300.0, ..prose };
        let wrapped = line("(3) and the limit above.", 49.0, 112.0, 10.0, false);
        assert!(!crate::breaks::breaks_block(
            &prose,
            &wrapped,
            std::slice::from_ref(&prose),
            col,
            None
        ));
        let item = line(
            "(1) Warehouse during the ministry",
            49.0,
            100.0,
            10.0,
            false,
        );
        let next = line("(2) External budget", 49.0, 112.0, 10.0, false);
        assert!(crate::breaks::breaks_block(
            &item,
            &next,
            std::slice::from_ref(&item),
            col,
            None
        ));
    }
}
