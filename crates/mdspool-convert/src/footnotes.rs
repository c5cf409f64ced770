//! Footnotes. LaTeX, Typst and word processors set a page's footnotes at its foot, under a short
//! rule, in a smaller type, each starting with its number. Read in place they cut the text at every
//! page end and glue their number to their first word ("1The mandatory ..."). They are taken out of
//! the page and written once at the end of the document as Markdown footnotes (`[^1]: The ...`).
//!
//! A page has footnotes when, in its lower half, a horizontal rule between a tenth and a half of the
//! page's width has text under it in its column, all of that text is smaller than the page's body
//! text, and its first line starts with a number. Each line that starts with a number (up to three figures)
//! starts a note; the lines after it continue that note.

use super::model::{Line, PageLayout, Rule};
use super::regions::region_of;

/// One footnote: its number and its lines (the number taken off the first).
pub(crate) struct Footnote {
    pub number: String,
    pub lines: Vec<Line>,
}

/// Takes the footnotes out of `page`, in order.
pub(crate) fn take(page: &mut PageLayout, width: f32) -> Vec<Footnote> {
    let Some(body) = body_size(&page.lines) else {
        return Vec::new();
    };
    let h = page.height;
    let regions = &page.regions;
    // The lines under rule `r` in its own column (a two-column page has text beside the notes).
    let under = |r: &Rule, l: &Line| {
        let column = region_of(regions, r.x0 + 1.0, r.top);
        l.top >= r.bottom && region_of(regions, (l.x0 + l.x1) / 2.0, l.top) == column
    };
    let rule = page
        .rules
        .iter()
        .filter(|r| r.is_horizontal() && r.top > 0.5 * h)
        .filter(|r| (0.1 * width..=0.5 * width).contains(&(r.x1 - r.x0)))
        .find(|r| {
            let below: Vec<&Line> = page.lines.iter().filter(|l| under(r, l)).collect();
            !below.is_empty()
                && below
                    .iter()
                    .all(|l| l.size < 0.95 * body && l.table.is_none())
                && below
                    .iter()
                    .min_by(|a, b| a.top.total_cmp(&b.top))
                    .is_some_and(|l| number_of(&l.text()).is_some())
        })
        .copied();
    let Some(rule) = rule else {
        return Vec::new();
    };
    let (mut under, kept): (Vec<Line>, Vec<Line>) = std::mem::take(&mut page.lines)
        .into_iter()
        .partition(|l| under(&rule, l));
    page.lines = kept;
    under.sort_by(|a, b| a.top.total_cmp(&b.top).then(a.x0.total_cmp(&b.x0)));
    let mut notes: Vec<Footnote> = Vec::new();
    for mut line in under {
        match number_of(&line.text()) {
            Some(n) => {
                strip_number(&mut line, n.len());
                notes.push(Footnote {
                    number: n,
                    lines: vec![line],
                });
            }
            None => match notes.last_mut() {
                Some(note) => note.lines.push(line),
                None => page.lines.push(line),
            },
        }
    }
    notes.retain(|n| n.lines.iter().any(|l| !l.text().trim().is_empty()));
    notes
}

/// The size carrying most characters of the page's lines.
fn body_size(lines: &[Line]) -> Option<f32> {
    let mut hist: Vec<(i32, usize)> = Vec::new();
    for l in lines.iter().filter(|l| l.table.is_none()) {
        let key = (l.size * 2.0).round() as i32;
        let n = l.text().chars().count();
        match hist.iter_mut().find(|e| e.0 == key) {
            Some(e) => e.1 += n,
            None => hist.push((key, n)),
        }
    }
    hist.into_iter()
        .max_by_key(|e| e.1)
        .map(|e| e.0 as f32 / 2.0)
}

/// The number a footnote's text starts with: one to three figures followed by a letter, a space
/// or a quote (not "3.5 mm" or "2024").
fn number_of(text: &str) -> Option<String> {
    let t = text.trim_start();
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = t[digits.len()..].chars().next();
    let follows =
        rest.is_some_and(|c| c.is_alphabetic() || c.is_whitespace() || "\"'“‘(".contains(c));
    ((1..=3).contains(&digits.len()) && follows).then_some(digits)
}

/// Takes the `n` figures of the note's number off the start of `line`.
fn strip_number(line: &mut Line, mut n: usize) {
    for s in line.spans.iter_mut() {
        let t = s.text.trim_start();
        let take: String = t
            .chars()
            .take(n)
            .take_while(|c| c.is_ascii_digit())
            .collect();
        n -= take.len();
        s.text = t[take.len()..].trim_start().to_string();
        if n == 0 {
            break;
        }
    }
    line.spans.retain(|s| !s.text.is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_starts_with_a_short_number_before_its_text() {
        assert_eq!(number_of("1The mandatory freight"), Some("1".into()));
        assert_eq!(number_of("12 The report"), Some("12".into()));
        assert_eq!(number_of("2024 was a year"), None);
        assert_eq!(number_of("3.5 mm"), None);
        assert_eq!(number_of("The end"), None);
    }
}
