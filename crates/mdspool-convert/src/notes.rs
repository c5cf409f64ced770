//! Footnotes found by their type size (after `footnotes.rs` has taken those under a footnote rule in
//! their column): the lines at the foot of a page set smaller than the body, the first of them
//! starting with a note mark (`1`, `²`, `*`, `†`), are the page's footnotes. Read in place they cut
//! the body's last sentence on the page from its continuation on the next page and put the notes of
//! every page in the middle of the text. They are taken out of the page's reading order and written
//! at the end of the document as Markdown footnotes (`[^1]: text`), one per mark, the way a
//! Markdown source that made the PDF holds them.

use super::blocks::Block;
use super::model::{Line, PageLayout, Span};
use super::regions::region_of;

/// A footnote line is at most this share of the body's font size.
const SMALLER: f32 = 0.92;
/// ... and at least this share (smaller print is a figure's labels, not notes).
const SMALLEST: f32 = 0.5;
/// Footnotes take at most this share of a page's rows.
const MOST_ROWS: f32 = 0.5;

/// The font size carrying most characters of the document (rounded to half points).
fn body_size(pages: &[PageLayout]) -> Option<f32> {
    let mut hist: Vec<(i32, usize)> = Vec::new();
    for l in pages.iter().flat_map(|p| &p.lines) {
        for s in l.spans.iter().filter(|_| l.table.is_none()) {
            let k = (s.size * 2.0).round() as i32;
            let n = s.text.chars().filter(|c| !c.is_whitespace()).count();
            match hist.iter_mut().find(|(h, _)| *h == k) {
                Some(e) => e.1 += n,
                None => hist.push((k, n)),
            }
        }
    }
    hist.into_iter()
        .max_by_key(|&(k, n)| (n, k))
        .map(|(k, _)| k as f32 / 2.0)
}

/// The note mark at the start of a row's text and the text after it: 1-3 digits (optionally
/// with `.` or `)`) or a reference symbol, followed by a letter, with or without a space.
fn mark_of(text: &str) -> Option<(String, &str)> {
    let t = text.trim_start();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let (mark, rest) = if digits.is_empty() {
        let c = t.chars().next()?;
        if !matches!(c, '*' | '†' | '‡' | '§') {
            return None;
        }
        (c.to_string(), &t[c.len_utf8()..])
    } else if digits.len() <= 3 {
        let rest = t[digits.len()..].trim_start_matches(['.', ')']);
        (digits, rest)
    } else {
        return None;
    };
    rest.trim_start()
        .starts_with(char::is_alphabetic)
        .then_some((mark, rest.trim_start()))
}

/// A scan's reading of a superscript mark: one or two marks of punctuation (`'`, `?`, `*`, `°`)
/// right before a capital letter, as tesseract reads a raised digit it cannot make out.
fn look_alike(text: &str) -> Option<String> {
    let t = text.trim_start();
    let mark: String = t
        .chars()
        .take_while(|c| !c.is_alphanumeric() && !c.is_whitespace())
        .collect();
    let rest = t[mark.len()..].trim_start();
    let plain = !mark.contains(['(', '[', '"', '“']);
    let ok = (1..=2).contains(&mark.chars().count()) && plain;
    (ok && rest.starts_with(char::is_uppercase)).then_some(mark)
}

/// The label after the last numbered note (1 for the first).
fn next_label(notes: &[(String, Vec<Line>)]) -> String {
    let last = notes.iter().rev().find_map(|(l, _)| l.parse::<u32>().ok());
    (last.unwrap_or(0) + 1).to_string()
}

/// Lines of one baseline (fragments of one visual row), left to right, as one line.
fn row_line(fragments: &[&Line]) -> Line {
    let mut spans: Vec<Span> = fragments.iter().flat_map(|l| l.spans.clone()).collect();
    spans.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    Line::from_spans(spans)
}

/// Drop the note mark (the first `mark.len()` non-blank characters) from the row's spans.
fn strip_mark(line: &mut Line, mark: &str) {
    let mut left = mark.chars().count();
    for s in &mut line.spans {
        let text = s.text.trim_start();
        let n = text.chars().count();
        if n <= left {
            left -= n;
            s.text.clear();
        } else {
            let cut: usize = text.chars().take(left).map(char::len_utf8).sum();
            let rest = text[cut..].trim_start_matches(['.', ')']);
            s.text = rest.trim_start().to_string();
            left = 0;
        }
        if left == 0 {
            break;
        }
    }
    line.spans.retain(|s| !s.text.is_empty());
}

/// Rows of notes set in the body's size (a word processor's footnote style can be): the last rows
/// of the page under a short rule at the text's left edge (the footnote separator), the first of
/// them opening with a raised mark (a figure or sign smaller than the text after it). The count of
/// those rows, or 0.
fn ruled_foot(page: &PageLayout, idx: &[usize], rows: &[Vec<usize>]) -> usize {
    let lines = || idx.iter().map(|&i| &page.lines[i]);
    let left = lines().map(|l| l.x0).fold(f32::MAX, f32::min);
    let right = lines().map(|l| l.x1).fold(f32::MIN, f32::max);
    let Some(rule) = page
        .rules
        .iter()
        .filter(|r| r.is_horizontal() && r.x1 - r.x0 <= 0.5 * (right - left))
        .filter(|r| (r.x0 - left).abs() <= 3.0)
        .max_by(|a, b| a.top.total_cmp(&b.top))
    else {
        return 0;
    };
    let below = rows
        .iter()
        .rev()
        .take_while(|r| r.iter().all(|&i| page.lines[i].top >= rule.bottom))
        .count();
    let first = rows.len() - below;
    let raised = rows.get(first).is_some_and(|r| {
        r.iter().map(|&i| &page.lines[i]).any(|l| {
            let (Some(mark), Some(next)) = (l.spans.first(), l.spans.get(1)) else {
                return false;
            };
            let t = mark.text.trim();
            let sign = !t.is_empty()
                && t.chars().count() <= 3
                && t.chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '*' | '†' | '‡'));
            sign && mark.size <= 0.8 * next.size && l.table.is_none()
        })
    });
    if raised && first > 0 && below <= 8 {
        below
    } else {
        0
    }
}

/// Take the footnotes out of every page; they come back as blocks for the document's end, in page
/// order. A note without a legible mark (a scan that lost it) is numbered after the one before.
pub(crate) fn take_notes(pages: &mut [PageLayout]) -> Vec<Block> {
    let Some(body) = body_size(pages) else {
        return Vec::new();
    };
    let mut notes: Vec<(String, Vec<Line>)> = Vec::new();
    // Pages after the last one with body text hold notes only when notes came before (a browser
    // prints a document's notes as a list at its end, which a page break can cut): they go too,
    // whole, so that the notes stay in order.
    let body_line = |l: &Line| l.table.is_some() || l.size > SMALLER * body;
    let last_body = pages.iter().rposition(|p| p.lines.iter().any(body_line));
    for (n, page) in pages.iter_mut().enumerate() {
        let after = last_body.is_some_and(|b| n > b) && !notes.is_empty();
        let all: Vec<usize> = (0..page.lines.len()).collect();
        let mark = Mark::of(&notes);
        let (mut gone, indented) = foot_notes(page, &all, body, (after, false), &mut notes);
        // A page in columns sets its notes under each column, side by side (a two-column paper):
        // each column's foot is looked at alone, for notes whose marks are bare figures or signs
        // ("1The", "¹ The"; "1) The" is as much a list item of the column's end), when the page's
        // foot gives none, or gives rows that start far in from its left edge (under the right
        // column: that column's own foot tells its notes better), if the columns give some.
        if (gone.is_empty() || indented) && page.regions.len() > 1 {
            let mut groups: Vec<Vec<usize>> = vec![Vec::new(); page.regions.len()];
            for (i, l) in page.lines.iter().enumerate() {
                groups[region_of(&page.regions, (l.x0 + l.x1) / 2.0, l.top)].push(i);
            }
            let columns = groups.iter().filter(|g| !g.is_empty()).count();
            let wide = mark.take(&mut notes);
            let mut taken = Vec::new();
            for g in groups.iter().filter(|g| !g.is_empty() && columns > 1) {
                taken.extend(foot_notes(page, g, body, (after, true), &mut notes).0);
            }
            if taken.is_empty() {
                mark.put(&mut notes, wide);
            } else {
                gone = taken;
            }
        }
        let mut k = 0;
        page.lines.retain(|_| {
            k += 1;
            !gone.contains(&(k - 1))
        });
    }
    notes
        .into_iter()
        .map(|(label, lines)| Block::Note { label, lines })
        .collect()
}

/// How far the notes went before a page was looked at: how many there were, and how many lines
/// the last had (a page's first rows may go on with it). What a look at the page added comes off
/// and goes back without copying the notes before it.
struct Mark {
    notes: usize,
    lines: usize,
}

/// What one look at a page added: lines to the note before it, and notes.
type Added = (Vec<Line>, Vec<(String, Vec<Line>)>);

impl Mark {
    fn of(notes: &[(String, Vec<Line>)]) -> Mark {
        let lines = notes.last().map_or(0, |n| n.1.len());
        Mark {
            notes: notes.len(),
            lines,
        }
    }

    fn take(&self, notes: &mut Vec<(String, Vec<Line>)>) -> Added {
        let added = notes.split_off(self.notes);
        let more = notes
            .last_mut()
            .map_or_else(Vec::new, |n| n.1.split_off(self.lines));
        (more, added)
    }

    fn put(&self, notes: &mut Vec<(String, Vec<Line>)>, (more, added): Added) {
        if let Some(n) = notes.last_mut() {
            n.1.extend(more);
        }
        notes.extend(added);
    }
}

/// The footnotes at the foot of the lines `idx` of `page` (the page, or one of its columns),
/// pushed onto `notes`; the indices of the lines they took, and whether the first starts more than
/// two and a half ems in from the lines' left edge. `after`: the page comes after the body's last;
/// `bare`: the first note's mark must be a bare figure or sign.
fn foot_notes(
    page: &PageLayout,
    idx: &[usize],
    body: f32,
    (after, bare): (bool, bool),
    notes: &mut Vec<(String, Vec<Line>)>,
) -> (Vec<usize>, bool) {
    // Rows: lines whose vertical extents overlap, bottom row last.
    let mut order: Vec<usize> = idx.to_vec();
    order.sort_by(|&a, &b| page.lines[a].top.total_cmp(&page.lines[b].top));
    let mut rows: Vec<Vec<usize>> = Vec::new();
    for i in order {
        let l = &page.lines[i];
        match rows.last_mut() {
            Some(r)
                if {
                    let p = &page.lines[r[0]];
                    let overlap = l.bottom.min(p.bottom) - l.top.max(p.top);
                    overlap > 0.5 * (l.bottom - l.top).min(p.bottom - p.top)
                } =>
            {
                r.push(i)
            }
            _ => rows.push(vec![i]),
        }
    }
    let small = |r: &Vec<usize>| {
        r.iter().all(|&i| {
            let l = &page.lines[i];
            l.table.is_none() && l.size <= SMALLER * body && l.size >= SMALLEST * body
        })
    };
    // A row of notes is one run of text, after a mark set apart in the margin; more pieces
    // are the cells of a small table.
    let prose = |r: &Vec<usize>| {
        let mut parts: Vec<&Line> = r.iter().map(|&i| &page.lines[i]).collect();
        parts.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let bare = |l: &Line| {
            let t = l.text();
            let t = t.trim();
            !t.is_empty() && t.chars().count() <= 3 && !t.chars().any(char::is_alphabetic)
        };
        parts.len() == 1 || (parts.len() == 2 && bare(parts[0]))
    };
    let mut foot = rows.iter().rev().take_while(|r| small(r)).count();
    // Crowded with small text that is no note (a slide's items, set smaller than its body, over
    // its notes): the notes are the last rows no larger than the last.
    if foot as f32 > MOST_ROWS * rows.len() as f32 {
        let size = |r: &Vec<usize>| r.iter().map(|&i| page.lines[i].size).fold(0.0f32, f32::max);
        if let Some(last) = rows.last().map(size) {
            foot = rows
                .iter()
                .rev()
                .take_while(|r| small(r) && size(r) <= last + 0.5)
                .count();
        }
    }
    if foot == 0 {
        foot = ruled_foot(page, idx, &rows);
    }
    if !rows[rows.len() - foot..].iter().all(prose) {
        return (Vec::new(), false);
    }
    // The first footnote row must carry a mark, and the notes must leave a body above them.
    let first = rows.len() - foot;
    let crowded = first == 0 || foot as f32 > MOST_ROWS * rows.len() as f32;
    if foot == 0 || (crowded && !after) {
        return (Vec::new(), false);
    }
    let mut lines: Vec<Line> = rows[first..]
        .iter()
        .map(|r| row_line(&r.iter().map(|&i| &page.lines[i]).collect::<Vec<_>>()))
        .collect();
    // The first row carries a mark, or a short rule (the footnote separator) lies above it.
    let above = first.checked_sub(1).map_or(f32::MIN, |a| {
        let bottoms = rows[a].iter().map(|&i| page.lines[i].bottom);
        bottoms.fold(f32::MIN, f32::max)
    });
    let (left, right) = idx
        .iter()
        .map(|&i| &page.lines[i])
        .fold((f32::MAX, f32::MIN), |(a, b), l| (a.min(l.x0), b.max(l.x1)));
    let separator = page.rules.iter().any(|r| {
        let short = r.x1 - r.x0 <= 0.5 * (right - left);
        let between = r.top >= above - 2.0 && r.bottom <= lines[0].top + 2.0;
        first > 0 && r.is_horizontal() && short && between
    });
    let lower = lines[0].text().trim_start().starts_with(char::is_lowercase);
    // Without a mark, the first row is prose: a note whose mark a scan lost, not a code or a
    // label under a rule.
    let prose = lines[0].text().split_whitespace().count() >= 3;
    let unmarked = (separator && prose) || (after && lower);
    if mark_of(&lines[0].text()).is_none() && !unmarked {
        return (Vec::new(), false);
    }
    let first_text = lines[0].text();
    let listed = first_text
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .starts_with(['.', ')']);
    // Rows numbered "1." set further in than a note's mark hangs (two and a half ems) are the
    // nested items of a list in a smaller size (beamer's) ending the page (a bare figure further
    // in is a note under the right column).
    let lines_x0 = lines[0].x0;
    if (bare || lines_x0 > left + 2.5 * body) && listed {
        return (Vec::new(), false);
    }
    // Rows numbered "1." set in from a list item above them are that item's nested items (a
    // slide's list ending the page in a smaller size); a note's mark is no further in than the
    // items above it.
    let nested = rows[..first].iter().flatten().any(|&i| {
        let l = &page.lines[i];
        l.x0 < lines_x0 - 0.5 * body && crate::markers::split_marker(&l.text()).is_some()
    });
    if listed && nested {
        return (Vec::new(), false);
    }
    for (k, mut line) in lines.drain(..).enumerate() {
        let text = line.text();
        let mark = mark_of(&text)
            .map(|(m, _)| (m.clone(), m))
            .or_else(|| look_alike(&text).map(|m| (next_label(notes), m)));
        let lower = text.trim_start().starts_with(char::is_lowercase);
        // A number out of sequence opening a line under a note is its wrapped text ("599
        // invoices."): notes count up from 1, by one (a few, when some sit in another column).
        let last = notes.last().and_then(|(l, _)| l.parse::<u32>().ok());
        let mark = mark.filter(|(label, _)| {
            let n = label.parse::<u32>().ok();
            let (Some(n), Some(last), true) = (n, last, k > 0) else {
                return true;
            };
            n == 1 || (last < n && n <= last + 3)
        });
        match (mark, notes.last_mut()) {
            (Some((label, mark)), _) => {
                strip_mark(&mut line, &mark);
                notes.push((label, vec![line]));
            }
            // A note's next line, or a note run on from the page before.
            (None, Some(n)) if k > 0 || lower => n.1.push(line),
            // A note whose mark the scan lost.
            (None, _) => notes.push((next_label(notes), vec![line])),
        }
    }
    let indented = lines_x0 > left + 2.5 * body;
    (rows[first..].iter().flatten().copied().collect(), indented)
}

#[cfg(test)]
#[path = "notes_tests.rs"]
mod tests;
