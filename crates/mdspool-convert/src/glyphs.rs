//! The page's characters as the parser drew them, one by one with their positions: right-to-left
//! spans are read again from these (the parser's span text can be in visual order or repeat a glyph),
//! and so are the glyph positions of a left-to-right span whose offsets the parser lined up wrong.

use pdf_oxide::PdfDocument;

use super::bidi;

/// Upper bound on the characters of one baseline searched when reading a right-to-left span from
/// its glyph positions (beyond it the span keeps the parser's text).
const MAX_CHARS_PER_BASELINE: usize = 5_000;

/// The page's characters as drawn (content-stream order, horizontal only), sorted by baseline, for
/// reading right-to-left spans from their glyph positions.
pub(crate) struct PageGlyphs {
    /// (baseline y, stream index, character, x0, x1), sorted by y then stream index.
    chars: Vec<(f32, usize, char, f32, f32)>,
}

impl PageGlyphs {
    pub(crate) fn read(doc: &PdfDocument, index: usize) -> PageGlyphs {
        let mut chars: Vec<(f32, usize, char, f32, f32)> = doc
            .extract_chars(index)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .filter(|(_, c)| {
                let b = c.bbox;
                c.rotation_degrees.abs() <= 1.0
                    && b.x.is_finite()
                    && b.y.is_finite()
                    && b.width.is_finite()
            })
            .map(|(i, c)| (c.bbox.y, i, c.char, c.bbox.x, c.bbox.x + c.bbox.width.abs()))
            .collect();
        chars.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        PageGlyphs { chars }
    }

    /// The text of a right-to-left span (`text` as the parser gave it, box `x0..x1`, baseline `y`)
    /// rebuilt in logical order from the positions of its glyphs, or `None` when the glyphs found
    /// there are not the span's characters (see `same_letters`) or the baseline is too crowded to
    /// search.
    pub(crate) fn logical_text(
        &self,
        text: &str,
        x0: f32,
        x1: f32,
        y: f32,
        size: f32,
    ) -> Option<String> {
        let tol = 0.3 * size;
        let lo = self.chars.partition_point(|c| c.0 < y - tol);
        let hi = self.chars.partition_point(|c| c.0 <= y + tol);
        if hi.saturating_sub(lo) > MAX_CHARS_PER_BASELINE {
            return None;
        }
        let mut mine: Vec<(usize, char, f32, f32)> = self
            .chars
            .get(lo..hi)?
            .iter()
            .filter(|c| {
                let mid = (c.3 + c.4) / 2.0;
                mid >= x0 - 0.5 && mid <= x1 + 0.5
            })
            .map(|c| (c.1, c.2, c.3, c.4))
            .collect();
        mine.sort_by_key(|c| c.0);
        let drawn: String = mine.iter().map(|c| c.1).collect();
        if !same_letters(&drawn, text) {
            return None;
        }
        let letters: Vec<(char, f32, f32)> = mine
            .iter()
            .filter(|c| !c.1.is_whitespace())
            .map(|c| (c.1, c.2, c.3))
            .collect();
        let mut glyphs = bidi::glyphs_from_chars(&letters);
        glyphs.sort_by(|a, b| (a.x0 + a.x1).total_cmp(&(b.x0 + b.x1)));
        let glyphs = bidi::join_lam_alef(glyphs, size);
        // Word breaks from the glyph positions (space characters may be missing or misplaced).
        let mut spaced: Vec<bidi::Glyph> = Vec::with_capacity(glyphs.len() * 2);
        for g in glyphs {
            let prev_x1 = spaced.last().map(|p| p.x1);
            if let Some(px1) = prev_x1
                && g.x0 - px1 > 0.15 * size
            {
                spaced.push(bidi::Glyph {
                    text: " ".to_string(),
                    x0: px1,
                    x1: g.x0,
                });
            }
            spaced.push(g);
        }
        // A space drawn beyond the left end follows the text; beyond the right end, precedes it.
        let left = spaced.first().map_or(x0, |g| g.x0);
        let right = spaced.last().map_or(x1, |g| g.x1);
        let spaces = mine.iter().filter(|c| c.1.is_whitespace());
        let (mut before, mut after) = (false, false);
        for c in spaces {
            let mid = (c.2 + c.3) / 2.0;
            after |= mid < left;
            before |= mid > right;
        }
        let mut out = String::new();
        if before {
            out.push(' ');
        }
        out.push_str(&bidi::logical_rtl(spaced));
        if after {
            out.push(' ');
        }
        Some(out)
    }
}

impl PageGlyphs {
    /// The letters of a left-to-right span (`text`, starting at `x0` on baseline `y`) with their
    /// positions, found among the characters drawn on that baseline from `x0` on: they must spell
    /// the span's visible characters in order, a ligature standing for its letters. Spaces are left
    /// out (the caller places them). `None` when they do not.
    pub(crate) fn ltr_letters(
        &self,
        text: &str,
        x0: f32,
        y: f32,
        size: f32,
    ) -> Option<Vec<(char, f32, f32)>> {
        use unicode_normalization::UnicodeNormalization;
        let tol = 0.3 * size;
        let lo = self.chars.partition_point(|c| c.0 < y - tol);
        let hi = self.chars.partition_point(|c| c.0 <= y + tol);
        if hi.saturating_sub(lo) > MAX_CHARS_PER_BASELINE {
            return None;
        }
        let mut row: Vec<(char, f32, f32)> = self
            .chars
            .get(lo..hi)?
            .iter()
            .filter(|c| c.3 >= x0 - 0.5 * size && !c.2.is_whitespace())
            .map(|c| (c.2, c.3, c.4))
            .collect();
        row.sort_by(|a, b| a.1.total_cmp(&b.1));
        let wanted: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        // Whether a space follows each of the wanted letters in `text`.
        let mut spaced: Vec<bool> = Vec::with_capacity(wanted.len());
        for c in text.chars() {
            match spaced.last_mut() {
                Some(s) if c.is_whitespace() => *s = true,
                _ if c.is_whitespace() => {}
                _ => spaced.push(false),
            }
        }
        let first = *wanted.first()?;
        let start = row
            .iter()
            .position(|c| c.0 == first && (c.1 - x0).abs() <= 0.5 * size)?;
        let mut out: Vec<(char, f32, f32)> = Vec::with_capacity(wanted.len());
        let mut drawn = row.get(start..)?.iter();
        while out.len() < wanted.len() {
            let &(c, a, b) = drawn.next()?;
            let letters: Vec<char> = if c == char::REPLACEMENT_CHARACTER {
                let next = drawn.clone().next();
                let lig = ligature(&wanted[out.len()..], next.map(|n| n.0))?;
                // The parser may place the letters after such a ligature a ligature's width too
                // far: trusted only when the next letter drawn, in the same word, touches it.
                let last = out.len() + lig.len() - 1;
                let touching = next.is_none_or(|n| {
                    !spaced.get(last).is_some_and(|s| *s) && (n.1 - b).abs() <= 0.25 * size
                });
                if !touching {
                    return None;
                }
                lig.to_vec()
            } else if c.is_alphabetic() && !wanted[out.len()..].starts_with(&[c]) {
                c.nfkc().collect()
            } else {
                vec![c]
            };
            if !wanted[out.len()..].starts_with(&letters) {
                return None;
            }
            let w = (b - a) / letters.len() as f32;
            for (k, l) in letters.into_iter().enumerate() {
                let at = a + w * k as f32;
                out.push((l, at, at + w));
            }
        }
        Some(out)
    }
}

/// The letters a glyph drawn as U+FFFD stands for, at the start of `wanted` (the span's letters
/// still to place) and before `next` (the next glyph drawn): the parser reads a browser's
/// ligature glyph ("fl" of "flexible") as the replacement character while the span's text, from
/// the font's ToUnicode map, spells its letters. A ligature of two or three letters when they
/// are one, else one letter.
fn ligature(wanted: &[char], next: Option<char>) -> Option<&[char]> {
    const LIGATURES: [&str; 7] = ["ffi", "ffl", "ff", "fi", "fl", "ft", "st"];
    let before_next =
        |k: usize| wanted.len() >= k && next.is_none_or(|n| wanted.get(k) == Some(&n));
    LIGATURES
        .iter()
        .map(|l| l.chars().count())
        .zip(LIGATURES)
        .find(|&(k, l)| before_next(k) && wanted[..k].iter().copied().eq(l.chars()))
        .map(|(k, _)| &wanted[..k])
        .or_else(|| before_next(1).then(|| &wanted[..1]))
}

/// Whether the characters drawn in a span's box are the span's characters: the same multiset of
/// visible characters up to combining marks, with at most a fifth of them differing (the parser's
/// span text sometimes repeats a glyph of a stretched word that was drawn once).
fn same_letters(drawn: &str, text: &str) -> bool {
    let visible = |t: &str| {
        let mut v: Vec<char> = t
            .chars()
            .filter(|c| !c.is_whitespace() && !bidi::is_mark(*c))
            .collect();
        v.sort_unstable();
        v
    };
    let (a, b) = (visible(drawn), visible(text));
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    let most = a.len().max(b.len());
    common > 0 && 5 * (most - common) <= most
}

#[cfg(test)]
mod tests {
    use super::PageGlyphs;

    /// A baseline of glyphs drawn one after the other from `x`, each `w` wide; `'?'` stands for a
    /// ligature glyph the parser reads as U+FFFD, twice as wide.
    fn row(text: &str, x: f32, w: f32, jump_after_ligature: f32) -> PageGlyphs {
        let mut chars = Vec::new();
        let mut at = x;
        for (i, c) in text.chars().enumerate() {
            if c == ' ' {
                at += w;
                continue;
            }
            let (c, width) = if c == '?' {
                (char::REPLACEMENT_CHARACTER, 2.0 * w)
            } else {
                (c, w)
            };
            chars.push((700.0, i, c, at, at + width));
            at += width;
            if c == char::REPLACEMENT_CHARACTER {
                at += jump_after_ligature;
            }
        }
        PageGlyphs { chars }
    }

    #[test]
    fn a_ligature_read_as_the_replacement_character_stands_for_its_letters() {
        let page = row("Recommendations ?exible model", 100.0, 5.0, 0.0);
        let letters = page
            .ltr_letters("Recommendations flexible model", 100.0, 700.0, 10.0)
            .expect("letters");
        let spelled: String = letters.iter().map(|l| l.0).collect();
        assert_eq!(spelled, "Recommendationsflexiblemodel");
        let f = letters.iter().position(|l| l.0 == 'f').unwrap();
        // "fl" shares the ligature glyph's box; "e" follows it where it was drawn.
        assert_eq!((letters[f].1, letters[f + 1].2), (180.0, 190.0));
        assert_eq!(letters[f + 2].1, 190.0);
    }

    #[test]
    fn letters_a_ligature_width_past_the_ligature_are_not_trusted() {
        // The parser placed the letters after the ligature a ligature's width too far.
        let page = row("con?rms 199", 100.0, 5.0, 10.0);
        assert!(
            page.ltr_letters("confirms 199", 100.0, 700.0, 10.0)
                .is_none()
        );
    }
}
