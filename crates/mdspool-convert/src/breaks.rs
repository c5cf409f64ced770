//! Where one block of text ends and the next begins, line by line down a column (`blocks.rs`): a
//! gap wider than a line's, a change of size, weight, slant or face, a list marker, a short line
//! ending a sentence, a first-line indent, a return to the margin after lines set in from it, a
//! heading centred over its paragraph.

use super::markers::split_marker;
use super::model::Line;

/// Whether `line` starts a new block after `prev` (the last line of the block `cur`).
pub(super) fn breaks_block(
    prev: &Line,
    line: &Line,
    cur: &[Line],
    (col_x0, col_x1): (f32, f32),
    next: Option<&Line>,
) -> bool {
    let size = prev.size.max(line.size);
    let gap = line.top - prev.bottom;
    if gap > 0.75 * size || gap < -0.5 * size {
        return true;
    }
    if (prev.size - line.size).abs() > 0.12 * size {
        return true;
    }
    // (A bold term at the text's size, itself set in from the column's edge, over its
    // description set in by two and a half ems or more, a man page's tagged paragraph, goes on
    // with it. It is no paragraph's indented first line under a heading: that runs to the
    // column's right edge and the paragraph's next line goes back to the margin.)
    let described =
        line.x1 < col_x1 - 4.0 * size || next.is_none_or(|n| (n.x0 - line.x0).abs() < 0.5 * size);
    let tagged = cur.len() == 1
        && prev.x0 > col_x0 + size
        && (prev.size - line.size).abs() <= 0.05 * size
        && line.x0 >= prev.x0 + 2.5 * size
        && described;
    // (A bold line ending in regular words is a paragraph's bold lead-in: it goes on; so does a
    // list item's bold opening that filled its line, over the item's next line set in under its
    // words past the marker.)
    let first = cur.first().unwrap_or(prev);
    // (Looked at last: the item's marker needs its first line's text.)
    let wrapped_item = || {
        line.x0 > first.x0 + 0.5 * size
            && !line.all_mono()
            && !fits_after(prev, line, cur.iter().chain(next).map(|l| l.x1))
            && split_marker(&first.text()).is_some()
    };
    let prev_bold = prev.all_bold() && prev.ends_bold();
    // (Lines of code keep together whatever their highlighting: a comment in italics, a keyword
    // in bold.)
    let code = prev.all_mono() && line.all_mono();
    if prev_bold != line.all_bold()
        && (prev_bold || cur.len() == 1)
        && !tagged
        && !code
        && !wrapped_item()
    {
        return true;
    }
    // A line set in bold a size apart (5 % or more) from the line before, or under a bold line
    // so apart: a heading in a larger bold face (groff's man pages set "EXIT STATUS" at 10.9 pt
    // over and under 10 pt text, a bold option name under it).
    // (Two bold lines so apart at one indent are one title's lines.)
    let bold = if prev_bold && line.all_bold() {
        (line.x0 - prev.x0).abs() >= size
    } else {
        prev_bold || line.all_bold()
    };
    if bold && (prev.size - line.size).abs() > 0.05 * size && !code {
        return true;
    }
    // A short first line in another, not smaller font: a heading over its paragraph.
    if cur.len() == 1 && prev.font != line.font && prev.size > line.size * 1.04 {
        return true;
    }
    // A lone line centred in the column over a line that runs past it on both sides, centred
    // elsewhere (a paragraph's indented first line): a heading set at body size (IEEE's
    // "I. INTRODUCTION") over its paragraph. A title's second line shares its first's centre.
    if cur.len() == 1 && centred(prev, (col_x0, col_x1)) {
        let wider = line.x0 < prev.x0 - size && line.x1 > prev.x1 + size;
        let shift = (line.x0 + line.x1 - prev.x0 - prev.x1) / 2.0;
        if wider && shift.abs() > 0.3 * size {
            return true;
        }
    }
    // A lone italic line over roman text: a run-in heading.
    if cur.len() == 1
        && prev.all_italic()
        && !line.all_italic()
        && prev.text().chars().count() < 80
        && !code
    {
        return true;
    }
    if prev.all_mono() != line.all_mono() {
        return true;
    }
    let text = line.text();
    let in_item = split_marker(&first.text()).is_some();
    if split_marker(&text).is_some() {
        // "(3)" wrapped to a line start inside a paragraph's sentence ("as in Eq.\n(3) and")
        // goes on with it; in a list it starts the next item.
        let enclosed = text.trim_start().starts_with('(');
        let open = !prev.text().ends_with(['.', ':', ';', '!', '?']);
        return !(enclosed && open && !in_item);
    }
    let prev_text = prev.text();
    let ends = prev_text.ends_with(['.', ':', '!', '?']);
    if in_item {
        // A continuation line of a list item is indented past the marker; after a short line
        // that ends a sentence with room left for this line's first word, it starts another
        // paragraph of the item (a producer setting no gap between paragraphs).
        let fits = col_x1 - prev.x1 > 4.0 * size && fits_after(prev, line, [col_x1].into_iter());
        // A sentence ended (not a colon, which leads on to what it introduces), and another
        // begins with a capital (a clause numbered ① ② on its own line stays in the item).
        let sentence =
            prev_text.ends_with(['.', '!', '?']) && line.text().starts_with(char::is_uppercase);
        // A paragraph numbered "(1)" (a legal style) runs on flush with its number.
        let hang = if first.text().trim_start().starts_with('(') {
            -0.5
        } else {
            0.5
        };
        return line.x0 < first.x0 + hang * size || (sentence && fits && !line.all_mono());
    }
    // Back at the block's first line's start, or left of it, after lines set in from it (a tagged
    // paragraph's description under its term, a reference's hanging lines): the next term or
    // entry, or a subheading further out.
    if cur.len() >= 2
        && !prev.all_bold()
        && prev.x0 > first.x0 + size
        && line.x0 - first.x0 < 0.5 * size
        && !line.all_mono()
    {
        return true;
    }
    // A line further out than every line of the block so far (a subheading at a lesser indent
    // than the section's text).
    if cur.len() >= 2 && line.x0 < prev.x0 - size && line.x0 < first.x0 - size && !line.all_mono() {
        return true;
    }
    // Paragraph ended with a short line and sentence punctuation.
    if ends && prev.x1 < col_x1 - 4.0 * size && !line.all_mono() {
        return true;
    }
    // First-line indent of a new paragraph.
    cur.len() > 1 && line.x0 > first.x0.min(prev.x0) + 1.0 * size && ends && !line.all_mono()
}

/// Whether `line`'s first word would have fitted at the end of `prev`, within the right edge of
/// the lines around (`x1s`): if not, `prev` ended where its text wrapped, not where it stopped.
fn fits_after(prev: &Line, line: &Line, x1s: impl Iterator<Item = f32>) -> bool {
    let right = x1s.fold(prev.x1.max(line.x1), f32::max);
    let text = line.text();
    let word = text
        .split_whitespace()
        .next()
        .map_or(0, |w| w.chars().count());
    let per_char = (line.x1 - line.x0) / text.chars().count().max(1) as f32;
    (word as f32 + 1.0) * per_char < right - prev.x1
}

/// A line with a margin of two ems or more on each side, the two within an em of each other.
fn centred(l: &Line, (x0, x1): (f32, f32)) -> bool {
    let (left, right) = (l.x0 - x0, x1 - l.x1);
    left > 2.0 * l.size && right > 2.0 * l.size && (left - right).abs() < l.size
}
