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
/// are wrong.
fn inner_spaces(theirs: &str, ours: &str) -> usize {
    let letters = theirs.chars().filter(|c| !c.is_whitespace()).count();
    let mut a = theirs.chars().peekable();
    let (mut seen, mut added) = (0usize, 0usize);
    let mut gap = false;
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
        if gap && !theirs_gap && seen != 1 && seen + 1 != letters {
            added += 1;
        }
        seen += 1;
        gap = false;
    }
    added
}
