//! Word spaces from glyph positions. The parser's spans decide spaces by its own rules and sometimes
//! put a word's first glyph at the end of the previous span ("improvest" + "he"), glue words whose gap
//! is a repositioning rather than a space glyph (one show operator per word, tight kerning), or split a
//! word at a kerning step ("Inv oice"). Here consecutive spans of one font on one baseline are pooled
//! into runs, their glyphs ordered by position, and spaces decided again from the gap between glyphs,
//! measured against the font size and the run's usual letter spacing, the same way inside and between
//! the parser's spans. Runs are cut into separate spans at gaps as wide as between table cells.

use super::model::Span;
use super::widths::FontWidths;

/// A gap this much wider than the run's usual letter gap (in font sizes) is a word space.
const WORD_GAP_EM: f32 = 0.1;
/// A space glyph whose gap (from the glyph before to the glyph after) is below this is no word space.
const MIN_SPACE_EM: f32 = 0.05;
/// A gap this wide (in font sizes) ends the span: cells, tab stops and columns stay apart.
const SPLIT_GAP_EM: f32 = 0.35;

/// Two strings overlapping by this much (in font sizes) are set one over the other, not one
/// after the other with a kern.
const OVERLAP_EM: f32 = 0.5;

/// A link annotation's rectangle (page coordinates) and target.
pub(crate) struct LinkRect {
    pub x0: f32,
    pub x1: f32,
    pub top: f32,
    pub bottom: f32,
    pub uri: String,
}

/// Share of a text's height a link's rectangle covers for the link to be that text's: a
/// rectangle a browser misplaces over a larger heading covers only part of its letters.
const LINK_COVER: f32 = 0.7;

impl LinkRect {
    /// Whether the rectangle holds the point `x` of text standing from `top` to `bottom`: `x`
    /// inside, and most of the text's height (a point's slack on every side).
    pub fn covers(&self, x: f32, top: f32, bottom: f32) -> bool {
        let h = (bottom - top).max(0.5);
        let overlap = bottom.min(self.bottom + 1.0) - top.max(self.top - 1.0);
        x >= self.x0 - 1.0 && x <= self.x1 + 1.0 && overlap >= LINK_COVER * h
    }
}

/// One glyph: its character and horizontal extent (page coordinates, left to right).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Glyph {
    pub c: char,
    pub x0: f32,
    pub x1: f32,
    /// Follows a ligature the parser expanded into letters of equal made-up widths ("fi" drawn as
    /// one glyph): the gap before this glyph is not measurable, so it never makes a space.
    pub after_ligature: bool,
}

/// A span as read, with its glyphs when the parser gave usable per-glyph positions.
pub(crate) struct Shown {
    pub span: Span,
    pub glyphs: Vec<Glyph>,
}

/// What a span's per-glyph offsets give.
pub(crate) enum Placed {
    Glyphs(Vec<Glyph>),
    /// Offsets the parser lined up wrong with the text (see `offsets_fit`): the glyphs are to be
    /// found again among the page's characters.
    Misplaced,
    /// No usable offsets: the span keeps the parser's text.
    Unusable,
}

/// Per-glyph positions of a span from the parser's offsets and widths.
pub(crate) fn glyphs_of(
    text: &str,
    offsets: &[f32],
    widths: &[f32],
    (start, size): (f32, f32),
    x_off: f32,
) -> Placed {
    let n = text.chars().count();
    if n == 0 || offsets.len() != n || widths.len() != n {
        return Placed::Unusable;
    }
    if offsets.iter().chain(widths).any(|x| !x.is_finite()) {
        return Placed::Unusable;
    }
    if offsets
        .first()
        .is_none_or(|x| (x - start).abs() > 0.5 * size)
        || !offsets_fit(text, offsets, widths, size)
    {
        return Placed::Misplaced;
    }
    let glyphs: Vec<Glyph> = text
        .chars()
        .zip(offsets.iter().zip(widths))
        .map(|(c, (x, w))| Glyph {
            c,
            x0: x - x_off,
            x1: x + w.max(0.0) - x_off,
            after_ligature: false,
        })
        .collect();
    finish(glyphs)
}

/// Glyphs of a span from its letters as drawn (`glyphs::PageGlyphs::ltr_letters`, page
/// coordinates) and its text, which gives the spaces between them.
pub(crate) fn glyphs_from_letters(text: &str, letters: &[(char, f32, f32)], x_off: f32) -> Placed {
    let mut glyphs: Vec<Glyph> = Vec::with_capacity(text.len());
    let mut drawn = letters.iter();
    let mut end = letters.first().map_or(0.0, |l| l.1);
    for c in text.chars() {
        let (x0, x1) = if c.is_whitespace() {
            (end, end)
        } else {
            match drawn.next() {
                Some(&(l, a, b)) if l == c => (a, b),
                _ => return Placed::Unusable,
            }
        };
        end = x1;
        glyphs.push(Glyph {
            c,
            x0: x0 - x_off,
            x1: x1 - x_off,
            after_ligature: false,
        });
    }
    finish(glyphs)
}

/// Mark the letters after an expanded ligature, and check that enough glyphs have a width.
fn finish(mut glyphs: Vec<Glyph>) -> Placed {
    for k in 2..glyphs.len() {
        let (a, b) = (glyphs[k - 2], glyphs[k - 1]);
        let split = a.c == 'f'
            && matches!(b.c, 'f' | 'i' | 'l')
            && ((a.x1 - a.x0) - (b.x1 - b.x0)).abs() < 0.01
            && (b.x0 - a.x1).abs() < 0.01;
        if split && let Some(g) = glyphs.get_mut(k) {
            g.after_ligature = true;
        }
    }
    let sized = glyphs
        .iter()
        .filter(|g| !g.c.is_whitespace() && g.x1 > g.x0)
        .count();
    let visible = glyphs.iter().filter(|g| !g.c.is_whitespace()).count();
    if sized * 2 > visible {
        Placed::Glyphs(glyphs)
    } else {
        Placed::Unusable
    }
}

/// The parser takes per-glyph offsets from a second reading of the page and lines them up with the
/// span's text; where that goes wrong (justified lines of a browser's print, a table row whose
/// cells are one string), the offsets step back, and letters sorted by them come out scrambled
/// ("hte" for "the", "hOonld" for "On hold"). A glyph starts where the one before it ends, give
/// or take kerning (a tenth of an em or so), but for an accent, and for the letters of a
/// ligature, which share made-up widths.
fn offsets_fit(text: &str, offsets: &[f32], widths: &[f32], size: f32) -> bool {
    let chars: Vec<char> = text.chars().collect();
    !offsets
        .windows(2)
        .zip(chars.windows(2))
        .zip(widths)
        .any(|((x, c), w)| {
            let back = x[1] < x[0] + w.max(0.0) - 0.25 * size;
            let ligature = matches!(c[0], 'f' | 'i' | 'l') && matches!(c[1], 'f' | 'i' | 'l');
            let accent = super::accents::is_accent(c[0]) || super::accents::is_accent(c[1]);
            back && !ligature && !accent && c[0] != '\u{ad}'
        })
}

/// Pool consecutive spans of one font and size on one baseline into runs and rebuild their text.
/// Spans are also cut where a link starts or ends, so a link covers its own words only.
#[cfg(test)]
pub(crate) fn respace(
    shown: Vec<Shown>,
    links: &[LinkRect],
    declared: &FontWidths,
    out: &mut Vec<Span>,
) {
    respace_with_gaps(shown, links, declared, out, &mut Vec::new());
}

/// [`respace`], also noting the word gaps inside each span it makes (`gaps`: the span's index in
/// `out` and its gaps), for [`super::aligned`].
pub(crate) fn respace_with_gaps(
    mut shown: Vec<Shown>,
    links: &[LinkRect],
    declared: &FontWidths,
    out: &mut Vec<Span>,
    gaps: &mut Vec<(usize, Vec<WordGap>)>,
) {
    super::accents::gather(&mut shown);
    super::ink::narrow_to_ink(&mut shown, declared);
    let distrusted = super::distrust::distrusted_fonts(&shown);
    let mut run: Vec<Shown> = Vec::new();
    for s in shown {
        if distrusted.contains(&s.span.font) {
            super::distrust::keep_text(s, out);
            continue;
        }
        let joins = run.last().is_some_and(|p| same_run(&p.span, &s.span));
        if !joins && !run.is_empty() {
            emit_with_gaps(std::mem::take(&mut run), links, out, Some(&mut *gaps));
        }
        run.push(s);
    }
    if !run.is_empty() {
        emit_with_gaps(run, links, out, Some(gaps));
    }
}

/// A word space inside a span: the `k`-th space of its text, between a word drawn from `left_x0`
/// to `x1` and the next word, drawn from `x0`; `spaced` when a space glyph was drawn there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WordGap {
    pub k: usize,
    pub left_x0: f32,
    pub x1: f32,
    pub x0: f32,
    pub spaced: bool,
}

fn same_run(a: &Span, b: &Span) -> bool {
    let size = a.size.max(b.size);
    a.font == b.font
        && (a.size - b.size).abs() < 0.05 * size
        && (a.bottom - b.bottom).abs() <= super::model::STEP_MIN * size
        && b.x0 >= a.x0
        && b.x0 - a.x1 < SPLIT_GAP_EM * size
        // A string that starts well inside the one before is another string set over it (a word
        // overrunning a table cell into the next one): sorting their glyphs together would
        // interleave their letters.
        && b.x0 > a.x1 - OVERLAP_EM * size
}

/// A soft hyphen inside a line is not drawn: a browser gives it no advance, and the letter after it
/// starts where it does. Its font width would read as a step back (or, sorted after that letter, as
/// a gap before the next one, a word space in "microarc hitecture"): such a glyph is dropped. One at
/// the end of a line, where the word broke, stays for the line-joining rule.
fn drop_undrawn_soft_hyphens(glyphs: &mut Vec<Glyph>, size: f32) {
    if !glyphs.iter().any(|g| g.c == '\u{ad}') {
        return;
    }
    let undrawn: Vec<bool> = (0..glyphs.len())
        .map(|k| {
            glyphs[k].c == '\u{ad}'
                && glyphs
                    .get(k + 1)
                    .is_some_and(|g| g.x0 < glyphs[k].x1 - 0.05 * size)
        })
        .collect();
    if undrawn.contains(&true) {
        let mut k = 0;
        glyphs.retain(|_| {
            k += 1;
            !undrawn[k - 1]
        });
    }
}

pub(crate) fn emit(run: Vec<Shown>, links: &[LinkRect], out: &mut Vec<Span>) {
    emit_with_gaps(run, links, out, None);
}

fn emit_with_gaps(
    run: Vec<Shown>,
    links: &[LinkRect],
    out: &mut Vec<Span>,
    mut noted: Option<&mut Vec<(usize, Vec<WordGap>)>>,
) {
    let Some(first) = run.first() else { return };
    let style = first.span.clone();
    let size = style.size.max(1.0);
    let (top, bottom) = run.iter().fold((f32::MAX, f32::MIN), |(t, b), s| {
        (t.min(s.span.top), b.max(s.span.bottom))
    });
    let mut glyphs: Vec<Glyph> = run.into_iter().flat_map(|s| s.glyphs).collect();
    drop_undrawn_soft_hyphens(&mut glyphs, size);
    glyphs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    // A monospaced face gives an accent its own cell: a code block's "^^^" (TeX draws "^" with
    // its circumflex accent) is carets, not a letter with its accents.
    let marks = if style.mono {
        glyphs.iter_mut().for_each(|g| g.c = ascii_accent(g.c));
        vec![None; glyphs.len()]
    } else {
        super::accents::attach(&mut glyphs)
    };
    // The run's usual gap between letters (tracking, kerning), from glyph pairs with no space glyph.
    let mut gaps: Vec<f32> = Vec::new();
    let mut prev: Option<&Glyph> = None;
    for g in &glyphs {
        if g.c.is_whitespace() {
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            gaps.push(g.x0 - p.x1);
        }
        prev = Some(g);
    }
    gaps.sort_by(f32::total_cmp);
    let usual = gaps
        .get(gaps.len() / 2)
        .copied()
        .unwrap_or(0.0)
        .clamp(0.0, 0.1 * size);
    let word_gap = usual + WORD_GAP_EM * size;
    let mut text = String::new();
    let (mut x0, mut x1) = (f32::MAX, f32::MIN);
    let mut last: Option<Glyph> = None;
    let mut spaced = false;
    let mut word_gaps: Vec<WordGap> = Vec::new();
    let mut word_x0 = f32::MAX;
    let mut flush = |text: &mut String, x0: &mut f32, x1: &mut f32, gaps: &mut Vec<WordGap>| {
        let t = super::accents::compose(text.trim_end().to_string());
        if !t.is_empty() {
            if let Some(noted) = noted.as_deref_mut()
                && !gaps.is_empty()
            {
                noted.push((out.len(), std::mem::take(gaps)));
            }
            out.push(Span {
                text: t,
                x0: *x0,
                x1: *x1,
                top,
                bottom,
                ..style.clone()
            });
        }
        gaps.clear();
        text.clear();
        *x0 = f32::MAX;
        *x1 = f32::MIN;
    };
    let link_of = |g: &Glyph| {
        links
            .iter()
            .rposition(|l| l.covers((g.x0 + g.x1) / 2.0, top, bottom))
    };
    let mut link = None;
    for (g, mark) in glyphs.into_iter().zip(marks) {
        if g.c.is_whitespace() {
            spaced = true;
            continue;
        }
        let here = if links.is_empty() { None } else { link_of(&g) };
        if let Some(p) = last {
            let gap = if g.after_ligature { 0.0 } else { g.x0 - p.x1 };
            let space = gap > word_gap || (spaced && gap > MIN_SPACE_EM * size);
            if gap >= SPLIT_GAP_EM * size || here != link {
                flush(&mut text, &mut x0, &mut x1, &mut word_gaps);
                word_x0 = g.x0;
            } else if space {
                word_gaps.push(WordGap {
                    k: word_gaps.len(),
                    left_x0: word_x0,
                    x1: p.x1,
                    x0: g.x0,
                    spaced,
                });
                word_x0 = g.x0;
                text.push(' ');
            }
        } else {
            word_x0 = g.x0;
        }
        link = here;
        text.push(g.c);
        text.extend(mark);
        x0 = x0.min(g.x0);
        x1 = x1.max(g.x1);
        last = Some(g);
        spaced = false;
    }
    flush(&mut text, &mut x0, &mut x1, &mut word_gaps);
}

/// The ASCII character a spacing accent stands for in a monospaced face (TeX's typewriter fonts
/// draw "^" and "~" with their circumflex and tilde accents).
fn ascii_accent(c: char) -> char {
    match c {
        '\u{02C6}' | '\u{0302}' => '^',
        '\u{02DC}' | '\u{0303}' => '~',
        _ => c,
    }
}

#[cfg(test)]
#[path = "words_tests.rs"]
mod tests;
