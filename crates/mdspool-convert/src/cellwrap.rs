//! Cells that wrap in tables without rules or padding. A word processor wraps a cell's text inside
//! its column, and in a wide table with narrow columns it even breaks a word that does not fit
//! ("Nonline" / "ar protein", "Softwar" / "e"). Without rules or extra space between rows, the
//! wrapped lines look like rows of their own that fill a few columns. Such a line continues the row
//! above when it fills at most half of the columns, each of its pieces starts like the rest of a
//! word or phrase (a lower-case letter or a digit) and sits under text of the row above. A piece
//! joins that text without a space when the line above is one word that runs to the column's right
//! edge: the word was broken because it did not fit.

use super::model::{Line, Span};
use super::vocab::Vocab;

/// Whether `text` starts like the rest of a word or phrase: a lower-case letter or a digit, but not
/// a list number ("1. Stack" starts an item of its own).
pub(crate) fn goes_on(text: &str) -> bool {
    let t = text.trim();
    let first = t.split_whitespace().next().unwrap_or("");
    (t.chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit())
        && !super::layout::is_marker_text(first))
        || decimals(t)
}

/// Whether `t` starts with the decimals of a number cut before its separator (".59" under
/// "$43,568").
fn decimals(t: &str) -> bool {
    let mut c = t.chars();
    matches!(c.next(), Some('.' | ',')) && c.next().is_some_and(|d| d.is_ascii_digit())
}

/// Whether `row` completes `above`, the table's first line, whose cells are set at the bottom of a
/// taller header row: the header cells that wrap start a line higher ("Priori" over "ty"). The
/// first line fills at most half of the columns, and this line fills more, with the rest of a word
/// (lower case) under each of them.
pub(crate) fn completes_first(row: &[String], above: Option<&Vec<String>>, first: bool) -> bool {
    let Some(above) = above.filter(|_| first) else {
        return false;
    };
    let full = |r: &[String]| r.iter().filter(|c| !c.trim().is_empty()).count();
    let top = full(above);
    top >= 1
        && top * 2 <= above.len()
        && full(row) > top
        && above.iter().zip(row).all(|(a, b)| {
            a.trim().is_empty() || b.trim().chars().next().is_some_and(char::is_lowercase)
        })
}

/// Whether `row` (the cells of one text line of the table) continues `above` (the last row so far).
/// Under the header row (`above_is_header`), only ends of broken words do: a first body row may
/// well start in lower case.
pub(crate) fn continues(
    row: &[String],
    above: Option<&Vec<String>>,
    above_is_header: bool,
) -> bool {
    let Some(above) = above else { return false };
    if above_is_header && !row.iter().filter(|c| !c.is_empty()).all(|c| word_end(c)) {
        return false;
    }
    let filled: Vec<usize> = (0..row.len()).filter(|&c| !row[c].is_empty()).collect();
    // Beyond half of the columns, most pieces must be ends of broken words (under a word of four
    // letters or more) or the decimals of a number (under its figures).
    let broken = filled
        .iter()
        .filter(|&&c| {
            let above = above.get(c).map_or("", String::as_str);
            let word = above
                .split_whitespace()
                .last()
                .is_some_and(|w| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic));
            (word && word_end(&row[c]))
                || (figures(above) && decimals(row[c].trim()))
                || (number_cut(above) && row[c].trim().starts_with(|d: char| d.is_ascii_digit()))
                || (decimal_cut(above) && last_decimal(row[c].trim()))
        })
        .count();
    // The rest of a word a hyphen broke at the end of the cell's line above ("Pricing out-" over
    // "come") can only be that cell's.
    let hyphened = filled.iter().any(|&c| {
        hyphen_broken(above.get(c).map_or("", String::as_str))
            && row[c].trim().starts_with(char::is_lowercase)
    });
    !filled.is_empty()
        && (filled.len() * 2 <= row.len()
            || (filled.len() < row.len() && (broken * 2 > filled.len() || hyphened)))
        && filled
            .iter()
            .all(|&c| goes_on(&row[c]) && above.get(c).is_some_and(|a| !a.is_empty()))
}

/// Whether each piece of a line (`parts`, by column) could be the rest of a cell wrapped on the line
/// above (`above`): the line above in that column is there and its first word would not have fitted
/// after it within the column's width (`widths`: the widest line of a row filling half of the
/// columns), so a row whose cells are short words in lower case ("`ankr` table | yes" under
/// "Rendering | -1") is a row of its own. A piece starting with figures, or one word the document
/// uses nowhere else ("t" of "Fores" / "t"), is the rest of a number or word a narrow cell broke,
/// whatever the widths.
pub(crate) fn wrapped(
    above: &[Vec<Span>],
    parts: &[Vec<Span>],
    widths: &[f32],
    em: f32,
    vocab: Option<&Vocab>,
) -> bool {
    parts.iter().enumerate().all(|(c, p)| {
        let Some(first) = p.first() else { return true };
        let (Some(a), Some(&width)) = (above.get(c).and_then(|a| extent(a)), widths.get(c)) else {
            return false;
        };
        let text = first.text.trim();
        let head = text.split_whitespace().next().unwrap_or("");
        let word = head
            .split(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("");
        let alone = p.len() == 1 && head == text;
        let broken = !head.starts_with(char::is_alphabetic)
            || (alone && vocab.is_some_and(|v| v.count(word) <= 1));
        let per_char = (first.x1 - first.x0) / text.chars().count().max(1) as f32;
        // (Nine tenths: the letters' widths are estimated from the piece's average.)
        broken || a + 0.25 * em + head.chars().count() as f32 * per_char > 0.9 * width
    })
}

/// The width of a cell's pieces on one line.
pub(crate) fn extent(p: &[Span]) -> Option<f32> {
    let x0 = p.iter().map(|s| s.x0).reduce(f32::min)?;
    Some(p.iter().map(Span::ink_x1).reduce(f32::max)? - x0)
}

/// Whether `above` (the last row so far, not the header) is only the first line of a cell whose row
/// is `row`: a cell wrapped over lines with the row's other cells centred on it (a browser's
/// `vertical-align: middle`), so its first line stands alone above them ("Disproportionately"
/// over the row's figures, "region" under them). `above` fills one cell and `row` more; `row`'s
/// piece in that cell goes on in lower case, or it has none there and starts before `above` ends
/// (`overlaps`: the centred cells sit between the wrapped cell's lines).
pub(crate) fn opens(row: &[String], above: Option<&Vec<String>>, overlaps: bool) -> bool {
    let Some(above) = above else { return false };
    let filled: Vec<usize> = (0..above.len()).filter(|&c| !above[c].is_empty()).collect();
    let [c] = filled.as_slice() else {
        return false;
    };
    let mine = row.get(*c).map_or("", |t| t.trim());
    let goes = mine.chars().next().is_some_and(char::is_lowercase) && goes_on(mine);
    row.iter().filter(|t| !t.is_empty()).count() >= 2 && (goes || (mine.is_empty() && overlaps))
}

/// How many lines after `rows[last]` (the table's last row of several cells) continue its cells:
/// single fragments close below it (under 0.6 of a line apart), each narrower than a third of the
/// table or inside a column right of the first, and starting like the rest of a word or phrase. A
/// paragraph set right under the table runs wider or starts with a capital.
pub(crate) fn trailing(rows: &[Vec<Line>], last: usize) -> usize {
    let x0 = rows.iter().flatten().map(|l| l.x0).fold(f32::MAX, f32::min);
    let x1 = rows.iter().flatten().map(|l| l.x1).fold(f32::MIN, f32::max);
    let mut n = 0;
    for pair in rows.get(last..).unwrap_or(&[]).windows(2) {
        let (prev, row) = (&pair[0], &pair[1]);
        let [line] = row.as_slice() else { break };
        let prev_bottom = prev.iter().map(|l| l.bottom).fold(f32::MIN, f32::max);
        let close = line.top - prev_bottom < 0.6 * (line.bottom - line.top).max(1.0);
        let narrow = line.x1 - line.x0 < (x1 - x0) / 3.0;
        // or inside a column right of the first, under the start of its cell in the last row and
        // short of the next cell's
        let mut cells: Vec<&Line> = rows[last].iter().collect();
        cells.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let inside = line.x0 > x0 + 1.0
            && cells.iter().enumerate().any(|(k, c)| {
                (c.x0 - line.x0).abs() <= 1.0
                    && cells
                        .get(k + 1)
                        .is_none_or(|n| line.x1 < n.x0 - 0.5 * line.size)
            });
        if !(close && (narrow || inside) && goes_on(&line.text())) {
            break;
        }
        n += 1;
    }
    n
}

/// Per column, where the last line of its text ends and whether it is one word, and the edge at
/// which the column's words break.
pub(crate) struct LastLines<'a> {
    ends: Vec<Option<(f32, bool)>>,
    /// Per column: its right edge when two lines or more end there (within `slack`): the width its
    /// text is wrapped to. A column whose widest line stands alone shows no such width.
    edges: Vec<Option<f32>>,
    slack: f32,
    vocab: Option<&'a Vocab>,
}

impl<'a> LastLines<'a> {
    /// `bands`: the columns' extents; `rights[row][c]`: where column `c`'s text ends on each line;
    /// `vocab`: the document's words (a longer end of a broken word joins when they have the word).
    pub(crate) fn new(
        bands: &[(f32, f32)],
        rights: &[Vec<Option<f32>>],
        slack: f32,
        vocab: Option<&'a Vocab>,
    ) -> LastLines<'a> {
        let edges = bands
            .iter()
            .enumerate()
            .map(|(c, b)| {
                let at_edge = rights
                    .iter()
                    .filter(|r| {
                        r.get(c)
                            .copied()
                            .flatten()
                            .is_some_and(|x| x >= b.1 - slack)
                    })
                    .count();
                (at_edge >= 2).then_some(b.1)
            })
            .collect();
        LastLines {
            ends: Vec::new(),
            edges,
            slack,
            vocab,
        }
    }

    /// Records the lines of one row: `right[c]` is where column `c`'s text ends on it.
    pub(crate) fn record(&mut self, row: &[String], right: &[Option<f32>]) {
        self.ends.resize(row.len(), None);
        for (c, text) in row.iter().enumerate() {
            if let (false, Some(x)) = (text.is_empty(), right.get(c).copied().flatten()) {
                self.ends[c] = Some((x, !text.trim().contains(' ')));
            }
        }
    }

    /// Joins `next` (column `c`'s text on a continuation line) to `dst`: without a space when the
    /// line above is one word reaching the column's wrapping edge and `next` starts in lower case
    /// (a hyphen at the break is left to [`super::text::join_wrapped`]), else as a wrapped line.
    pub(crate) fn join(&self, c: usize, dst: &mut String, next: &str) {
        let edge = self.edges.get(c).copied().flatten();
        let broken = self
            .ends
            .get(c)
            .copied()
            .flatten()
            .zip(edge)
            .is_some_and(|((x, one_word), e)| one_word && x >= e - self.slack);
        let number_goes_on = (number_cut(dst)
            && next.trim().starts_with(|c: char| c.is_ascii_digit()))
            || (figures(dst) && decimals(next.trim()))
            || (decimal_cut(dst) && last_decimal(next.trim()));
        let known = self.vocab.is_some_and(|v| {
            let head = dst.split_whitespace().last().unwrap_or("");
            let tail = next.split_whitespace().next().unwrap_or("");
            v.joins(head, tail)
        });
        let word_goes_on =
            (word_end(next) || adverb_end(dst, next) || known) && !dst.ends_with(['-', '\u{ad}']);
        // The first part of a broken word filled the column's width: a few letters at least.
        let long = dst
            .split_whitespace()
            .last()
            .is_some_and(|w| w.chars().count() >= 4);
        if broken && long && (word_goes_on || number_goes_on) {
            dst.push_str(next.trim());
        } else {
            super::text::join_wrapped(dst, next);
        }
    }
}

/// Whether the last word of `dst` is a number (figures, separators, a currency sign).
/// Whether `dst` ends with a word broken by a hyphen: letters, then "-" or a soft hyphen.
pub(crate) fn hyphen_broken(dst: &str) -> bool {
    let mut rev = dst.trim_end().chars().rev();
    rev.next().is_some_and(|c| matches!(c, '-' | '\u{ad}'))
        && rev.next().is_some_and(char::is_alphabetic)
}

fn figures(dst: &str) -> bool {
    let last = dst.split_whitespace().last().unwrap_or("");
    last.chars().any(|c| c.is_ascii_digit())
        && last.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, '.' | ',' | '$' | '€' | '£' | '¥' | '+' | '-' | '−')
        })
}

/// Whether `dst` ends with a number cut after its separator ("$67,937." before "37") or inside a
/// group of thousands ("$53,46" before "2.67"): its last word is figures, currency signs and
/// separators, and ends with "." or ",", or with a group of one or two figures after a "," that
/// follows figures and has no "." after it.
fn number_cut(dst: &str) -> bool {
    let last = dst.split_whitespace().last().unwrap_or("");
    let short_group = last.rsplit_once(',').is_some_and(|(head, tail)| {
        (1..=2).contains(&tail.len())
            && tail.chars().all(|c| c.is_ascii_digit())
            && head.ends_with(|c: char| c.is_ascii_digit())
    });
    (last.ends_with(['.', ',']) || short_group) && figures(last)
}

/// Whether `dst` ends with an amount cut inside its decimals ("€60,007.9" over "4"): figures with
/// one figure after the decimal point.
fn decimal_cut(dst: &str) -> bool {
    let last = dst.split_whitespace().last().unwrap_or("");
    figures(last)
        && last.rsplit_once('.').is_some_and(|(head, tail)| {
            tail.len() == 1 && head.ends_with(|c: char| c.is_ascii_digit())
        })
}

/// Whether `t` is the last figure of an amount cut inside its decimals: one figure alone.
fn last_decimal(t: &str) -> bool {
    t.len() == 1 && t.chars().all(|c| c.is_ascii_digit())
}

/// Whether `next` is the "y" that ends a word broken before it ("Categor" / "y", "Quarterl" / "y"):
/// `dst` ends in a letter that "-ry", "-ly" and "-ty" follow. Elsewhere "y" is a word of its own.
fn adverb_end(dst: &str, next: &str) -> bool {
    let mut tokens = next.split_whitespace();
    tokens.next() == Some("y") && tokens.next().is_none() && dst.ends_with(['r', 'l', 't'])
}

/// Whether `next` starts with what reads as the end of a broken word: up to three lower-case
/// letters that are not a short word of their own ("ar protein", "e", "ry"). A longer word after a
/// line that reached the edge is the next word, wrapped ("Contemporary" / "current").
fn word_end(next: &str) -> bool {
    const SHORT_WORDS: &[&str] = &[
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "de", "del", "der", "des", "die",
        "du", "el", "en", "et", "for", "in", "is", "la", "le", "les", "of", "on", "or", "per",
        "the", "to", "und", "von", "y",
    ];
    let first: String = next
        .trim()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    let len = first.chars().count();
    (1..=3).contains(&len)
        && first.chars().all(char::is_lowercase)
        && !next.trim()[first.len()..].starts_with(char::is_alphanumeric)
        && !SHORT_WORDS.contains(&first.as_str())
}

#[cfg(test)]
#[path = "cellwrap_tests.rs"]
mod tests;

/// Rows of a ruled table whose body rows were cut at every text line (rules frame only its header
/// and body): a line that fills only a cell or two where the table's rows fill most of theirs is
/// the next line of a wrapped cell in the row above, when it reads on from it (in lower case, in
/// figures, or after a hyphen). Rows from `from` on are body rows.
pub(crate) fn fold_lines(cells: &mut Vec<Vec<String>>, from: usize) {
    let width = cells.first().map_or(0, Vec::len);
    let filled = |r: &[String]| r.iter().filter(|c| !c.is_empty()).count();
    let anchor = (width / 2).max(2);
    if width < 3 {
        return;
    }
    let mut out: Vec<Vec<String>> = Vec::with_capacity(cells.len());
    for (k, row) in std::mem::take(cells).into_iter().enumerate() {
        let reads_on = |above: &[String]| {
            row.iter().zip(above).all(|(c, a)| {
                c.is_empty()
                    || (!a.is_empty()
                        && (a.ends_with('-')
                            || c.starts_with(|ch: char| ch.is_lowercase() || ch.is_ascii_digit())))
            })
        };
        match out.last_mut() {
            Some(above)
                if k > from
                    && filled(&row) < anchor
                    && filled(above) >= anchor
                    && reads_on(above) =>
            {
                for (dst, src) in above.iter_mut().zip(&row) {
                    super::text::join_wrapped(dst, src);
                }
            }
            _ => out.push(row),
        }
    }
    *cells = out;
}
