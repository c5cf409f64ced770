//! Accents drawn as glyphs of their own. TeX (and other typesetters whose fonts lack a precomposed
//! letter, such as "ř" in a T1 font) draw the accent as a separate glyph placed over or under the
//! letter, so the text layer reads "Dvoˇrák" or "Gdan´sk". An accent glyph that stands over a
//! letter of its run becomes that letter's combining mark, and the word is composed again (NFC).

use unicode_normalization::UnicodeNormalization;

use super::words::Glyph;

/// The combining mark of a spacing accent glyph. ASCII `^ ~ \`` are left alone (code, formulas).
pub(crate) fn combining(c: char) -> Option<char> {
    Some(match c {
        '\u{B4}' | '\u{2CA}' => '\u{301}', // acute
        '\u{2CB}' => '\u{300}',            // grave
        '\u{2C6}' => '\u{302}',            // circumflex
        '\u{2DC}' => '\u{303}',            // tilde
        '\u{A8}' => '\u{308}',             // diaeresis
        '\u{AF}' | '\u{2C9}' => '\u{304}', // macron
        '\u{2D8}' => '\u{306}',            // breve
        '\u{2D9}' => '\u{307}',            // dot above
        '\u{2DA}' => '\u{30A}',            // ring above
        '\u{2DD}' => '\u{30B}',            // double acute
        '\u{2C7}' => '\u{30C}',            // caron
        '\u{B8}' => '\u{327}',             // cedilla
        '\u{2DB}' => '\u{328}',            // ogonek
        _ => return None,
    })
}

/// Take the accent glyphs that stand over a neighbouring letter (glyphs sorted by x) out of the
/// list; returns, for each remaining glyph, the combining mark to write after it.
pub(crate) fn attach(glyphs: &mut Vec<Glyph>) -> Vec<Option<char>> {
    let n = glyphs.len();
    let mut marks: Vec<Option<char>> = vec![None; n];
    let mut gone = vec![false; n];
    if glyphs.iter().any(|g| combining(g.c).is_some()) {
        for i in 0..n {
            let Some(mark) = combining(glyphs[i].c) else {
                continue;
            };
            let a = glyphs[i];
            let centre = (a.x0 + a.x1) / 2.0;
            let slack = 0.15 * (a.x1 - a.x0).max(0.5);
            let over = |j: usize| {
                let g = &glyphs[j];
                !gone[j]
                    && marks[j].is_none()
                    && g.c.is_alphabetic()
                    && combining(g.c).is_none()
                    && centre >= g.x0 - slack
                    && centre <= g.x1 + slack
            };
            let dist = |j: usize| (centre - (glyphs[j].x0 + glyphs[j].x1) / 2.0).abs();
            // An accent whose advance was taken back before its letter (TeX's `\accent`: the
            // accent, a backward kern, the letter) has next to no width left: it goes with the
            // letter that starts where it ends.
            let backed = a.x1 - a.x0 < 0.5
                && glyphs.get(i + 1).is_some_and(|g| {
                    (g.x0 - a.x1).abs() < 0.5 && g.c.is_alphabetic() && combining(g.c).is_none()
                });
            let target = [i.checked_sub(1), Some(i + 1)]
                .into_iter()
                .flatten()
                .filter(|&j| j < n && over(j))
                .min_by(|&a, &b| dist(a).total_cmp(&dist(b)))
                .or_else(|| (backed && !gone[i + 1] && marks[i + 1].is_none()).then_some(i + 1));
            if let Some(j) = target {
                marks[j] = Some(mark);
                gone[i] = true;
            }
        }
    }
    let mut k = 0;
    glyphs.retain(|_| {
        k += 1;
        !gone[k - 1]
    });
    marks
        .into_iter()
        .zip(gone)
        .filter(|(_, g)| !g)
        .map(|(m, _)| m)
        .collect()
}

/// A spacing accent glyph (drawn apart from its letter, often before it with a backward move).
pub(crate) fn is_accent(c: char) -> bool {
    combining(c).is_some()
}

/// A span's text composed again when it holds combining marks.
pub(crate) fn compose(text: String) -> String {
    if text.chars().any(|c| ('\u{300}'..='\u{36F}').contains(&c)) {
        text.nfc().collect()
    } else {
        text
    }
}

/// Move each span that is a lone accent glyph into the span whose glyphs it stands over (same size,
/// baseline within half an em, its centre over one of that span's letters), so that [`attach`]
/// finds it in the letter's run: the parser often orders such an accent apart from its word (before
/// it, or after the other column's line on that row).
pub(crate) fn gather(shown: &mut Vec<super::words::Shown>) {
    let lone = |s: &super::words::Shown| {
        let t = s.span.text.trim();
        let mut cs = t.chars();
        cs.next().and_then(combining).is_some() && cs.next().is_none() && s.glyphs.len() == 1
    };
    if !shown.iter().any(lone) {
        return;
    }
    let mut k = 0;
    while k < shown.len() {
        if !lone(&shown[k]) {
            k += 1;
            continue;
        }
        let a = shown[k].glyphs[0];
        let (size, bottom) = (shown[k].span.size, shown[k].span.bottom);
        let centre = (a.x0 + a.x1) / 2.0;
        let target = shown.iter().position(|t| {
            !lone(t)
                && (t.span.size - size).abs() <= 0.05 * size
                && (t.span.bottom - bottom).abs() <= 0.5 * size
                && t.glyphs
                    .iter()
                    .any(|g| g.c.is_alphabetic() && centre >= g.x0 && centre <= g.x1)
        });
        match target {
            Some(j) => {
                let accent = shown.remove(k);
                let j = if j > k { j - 1 } else { j };
                shown[j].glyphs.push(accent.glyphs[0]);
                shown[j].glyphs.sort_by(|p, q| p.x0.total_cmp(&q.x0));
            }
            None => k += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(c: char, x0: f32, x1: f32) -> Glyph {
        Glyph {
            c,
            x0,
            x1,
            after_ligature: false,
        }
    }

    /// The glyphs' text with their accents attached and composed.
    fn written(mut glyphs: Vec<Glyph>) -> String {
        let marks = attach(&mut glyphs);
        let text: String = glyphs
            .iter()
            .zip(&marks)
            .flat_map(|(g, m)| std::iter::once(g.c).chain(*m))
            .collect();
        compose(text)
    }

    #[test]
    fn an_accent_over_a_letter_becomes_its_mark() {
        // "Dvoˇrák": the caron is drawn over the "r" that follows it.
        let glyphs = vec![
            g('o', 10.0, 15.0),
            g('\u{2C7}', 15.2, 19.8),
            g('r', 15.5, 19.4),
            g('a', 19.4, 24.0),
        ];
        assert_eq!(written(glyphs), "oř\u{61}");
        // An acute standing apart (an apostrophe-like use) stays as it is.
        let mut apart = vec![g('n', 0.0, 5.0), g('\u{B4}', 9.0, 12.0), g('t', 14.0, 17.0)];
        let marks = attach(&mut apart);
        assert_eq!(apart.len(), 3);
        assert!(marks.iter().all(Option::is_none));
    }

    #[test]
    fn an_accent_whose_advance_was_taken_back_goes_with_the_next_letter() {
        // "Łódź" set by TeX: the acute, a kern back over nearly all of its width, then the "z".
        let glyphs = vec![
            g('d', 270.4, 276.4),
            g('\u{B4}', 276.4, 276.6),
            g('z', 276.6, 281.7),
            g(',', 281.7, 284.7),
        ];
        assert_eq!(written(glyphs), "dź,");
    }
}
