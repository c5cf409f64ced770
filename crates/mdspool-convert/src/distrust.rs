//! Fonts whose glyph widths do not fit their positions. A width table read wrong puts gaps inside
//! words, and re-spacing such a font's spans from their glyph positions would cut its words apart;
//! its spans keep the parser's text instead (`words.rs`).

use super::words::{Shown, emit};

/// Words of a font the parser must have found before its widths can be judged unreliable.
const MIN_EVIDENCE_WORDS: usize = 20;

/// Fonts whose glyph widths do not fit their positions (a width table read wrong would put spaces
/// inside words): re-spaced alone, their spans gain more than one space per five words the parser
/// found (judged on fonts with enough words to tell). Their spans keep the parser's text.
pub(crate) fn distrusted_fonts(shown: &[Shown]) -> std::collections::HashSet<String> {
    use std::collections::HashMap;
    let mut tally: HashMap<&str, (usize, usize)> = HashMap::new();
    for s in shown {
        let mut alone = Vec::new();
        emit(
            vec![Shown {
                span: s.span.clone(),
                glyphs: s.glyphs.clone(),
            }],
            &[],
            &mut alone,
        );
        let ours: Vec<&str> = alone.iter().map(|a| a.text.as_str()).collect();
        let theirs = s.span.text.split_whitespace().count();
        let t = tally.entry(s.span.font.as_str()).or_default();
        t.0 += inner_spaces(&s.span.text, &ours.join(" "));
        t.1 += theirs;
    }
    tally
        .into_iter()
        .filter(|(_, (added, words))| *words >= MIN_EVIDENCE_WORDS && added * 5 > *words)
        .map(|(f, _)| f.to_string())
        .collect()
}

/// Spaces `ours` puts between letters that `theirs` (the parser's text of the same span) joins,
/// not counting one that sets apart the span's first or last letter: the parser often hangs the
/// first letter of the next word on a span, or the last of the previous one ("valleyn",
/// ".T"), which a word gap rightly cuts off. Spaces inside the span's words mean its font's widths
/// are wrong; only a space between two lower-case letters counts: between a figure and a letter,
/// or before a capital, the parser may have joined two table cells ("€74,945.64Low").
fn inner_spaces(theirs: &str, ours: &str) -> usize {
    let letters = theirs.chars().filter(|c| !c.is_whitespace()).count();
    let mut a = theirs.chars().peekable();
    let (mut seen, mut added) = (0usize, 0usize);
    let mut gap = false;
    let mut prev = ' ';
    for c in ours.chars() {
        if c.is_whitespace() {
            gap = true;
            continue;
        }
        // The parser's text up to this letter: did it have a space before it?
        let mut theirs_gap = false;
        while a.peek().is_some_and(|x| x.is_whitespace()) {
            a.next();
            theirs_gap = true;
        }
        if a.next() != Some(c) {
            return 0; // the texts differ beyond spaces: no evidence either way
        }
        let in_word = prev.is_lowercase() && c.is_lowercase();
        if gap && !theirs_gap && seen != 1 && seen + 1 != letters && in_word {
            added += 1;
        }
        seen += 1;
        gap = false;
        prev = c;
    }
    added
}

/// A gap this wide (in font sizes) between two glyphs of a distrusted font is a jump between table
/// cells, wider than any width table read wrong opens inside a word.
const JUMP_EM: f32 = 0.8;

/// A span of a distrusted font as the parser wrote it, cut only where its glyphs jump a cell's
/// width (`realign::glyphs_over_jumps` turns advances with folded moves into such gaps).
pub(crate) fn keep_text(s: Shown, out: &mut Vec<super::model::Span>) {
    let size = s.span.size.max(1.0);
    let jumps = s
        .glyphs
        .windows(2)
        .any(|w| w[1].x0 - w[0].x1 >= JUMP_EM * size);
    if !jumps || s.glyphs.len() != s.span.text.chars().count() {
        out.push(s.span);
        return;
    }
    let (mut text, mut x0, mut x1) = (String::new(), f32::MAX, f32::MIN);
    let mut flush = |text: &mut String, x0: &mut f32, x1: &mut f32| {
        let t = text.trim().to_string();
        if !t.is_empty() {
            out.push(super::model::Span {
                text: t,
                x0: *x0,
                x1: *x1,
                ..s.span.clone()
            });
        }
        text.clear();
        (*x0, *x1) = (f32::MAX, f32::MIN);
    };
    for g in &s.glyphs {
        if !g.c.is_whitespace() {
            if x1 > f32::MIN && g.x0 - x1 >= JUMP_EM * size {
                flush(&mut text, &mut x0, &mut x1);
            }
            x0 = x0.min(g.x0);
            x1 = x1.max(g.x1);
        }
        text.push(g.c);
    }
    flush(&mut text, &mut x0, &mut x1);
}

#[cfg(test)]
mod tests {
    use super::distrusted_fonts;
    use crate::model::Span;
    use crate::words::{Glyph, Shown};

    /// A span of font "F" at 12 pt whose letters stand 6 pt apart from `x`, with `gap` more
    /// before the letter at index `at`.
    fn shown(text: &str, x: f32, at: usize, gap: f32) -> Shown {
        let mut glyphs = Vec::new();
        let mut pos = x;
        for (i, c) in text.chars().enumerate() {
            if i == at {
                pos += gap;
            }
            glyphs.push(Glyph {
                c,
                x0: pos,
                x1: pos + 6.0,
                after_ligature: false,
            });
            pos += 6.0;
        }
        let mut span = Span::test(text, x, pos, 100.0, 12.0);
        span.font = "F".into();
        Shown { span, glyphs }
    }

    #[test]
    fn table_cells_the_parser_joined_are_no_evidence_against_a_font() {
        // An amount and a priority 4.3 pt apart in every row, which the parser joined without a
        // space: a word gap between a figure and a capital, not one inside a word.
        let mut spans: Vec<Shown> = (0..12)
            .map(|_| shown("74,945.64Low", 376.0, 9, 4.3))
            .collect();
        spans.extend((0..10).map(|_| shown("the meteor report", 72.0, usize::MAX, 0.0)));
        assert!(distrusted_fonts(&spans).is_empty());
        // Gaps inside words ("met eor") on every span are.
        let mut wrong: Vec<Shown> = (0..12).map(|_| shown("meteor", 72.0, 3, 4.3)).collect();
        wrong.extend((0..10).map(|_| shown("the meteor report", 72.0, usize::MAX, 0.0)));
        assert!(distrusted_fonts(&wrong).contains("F"));
    }
}
