//! Glyphs drawn several times over themselves: a fake bold (each letter painted three or four
//! times, a quarter point apart) or a shadow. The parser keeps every copy, so "Test" arrives as
//! "TTTTeeeesssstttt" (with a space of its own guessing here and there between the copies). A span
//! in which every run of one repeated visible character has a length that is a multiple of the same
//! n ≥ 2, over three runs of letters or more, is such a text: each run is cut to an n-th, and a run
//! of spaces shorter than n (a guessed space between two copied letters) is dropped. Ordinary text
//! always has a single letter somewhere.

/// Least number of letter runs in a span before a common repeat count is believed.
const MIN_LETTER_RUNS: usize = 3;

/// Runs of one repeated character: (character, length, index of its first character).
fn runs(text: &str) -> Vec<(char, usize, usize)> {
    let mut runs: Vec<(char, usize, usize)> = Vec::new();
    for (i, c) in text.chars().enumerate() {
        match runs.last_mut() {
            Some((p, n, _)) if *p == c => *n += 1,
            _ => runs.push((c, 1, i)),
        }
    }
    runs
}

/// How many times each glyph of `text` was drawn over itself, when all its visible glyphs were
/// drawn the same number of times (two or more); `None` otherwise.
pub(crate) fn copies(text: &str) -> Option<usize> {
    let runs = runs(text);
    let letters = runs.iter().filter(|r| r.0.is_alphanumeric()).count();
    if letters < MIN_LETTER_RUNS {
        return None;
    }
    let gcd = |mut a: usize, mut b: usize| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let n = runs
        .iter()
        .filter(|r| !r.0.is_whitespace())
        .fold(0, |g, r| gcd(g, r.1));
    (n >= 2).then_some(n)
}

/// `text` with each run of `n` copies read once, and the per-glyph `values` (widths, offsets) of
/// the glyphs kept (`values` of another length than `text` come back empty: they cannot be matched).
pub(crate) fn collapse(text: &str, n: usize, values: &[f32]) -> (String, Vec<f32>) {
    let matched = values.len() == text.chars().count();
    let (mut out, mut kept) = (String::new(), Vec::new());
    for (c, len, start) in runs(text) {
        for k in 0..len / n.max(1) {
            out.push(c);
            if let Some(v) = values.get(start + k * n).filter(|_| matched) {
                kept.push(*v);
            }
        }
    }
    (out, kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_glyph_drawn_four_times_is_read_once() {
        let t = "TTTTeeeesssstttt    tttteeee ssss tttt";
        assert_eq!(copies(t), Some(4));
        assert_eq!(collapse(t, 4, &[]).0, "Test test");
    }

    #[test]
    fn ordinary_text_with_double_letters_is_left_alone() {
        assert_eq!(copies("Mississippi"), None);
        assert_eq!(copies("aa bb"), None);
        assert_eq!(copies("Hello"), None);
        assert_eq!(copies("==== ----"), None);
    }
}
