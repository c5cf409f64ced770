//! Which recognised words stay: tesseract reads specks, scratches and ruling lines of a scan as
//! words of their own (`=`, `|`, `.`) with little confidence, and one such mark between two table
//! columns joins them. These filters drop them and keep real symbols and bullets.

use super::tsv;

/// Words recognised with a lower confidence (0-100) are dropped as noise (specks, figure parts).
pub(super) const MIN_WORD_CONFIDENCE: f32 = 15.0;
/// A "word" of symbols only (no letter or digit) needs this confidence: specks and scratches of a
/// scan read as `=`, `|`, `¢`, `*` with middling confidence, and one such speck in the white
/// space between two table columns joins them.
const MIN_SYMBOL_CONFIDENCE: f32 = 60.0;

/// Whether a word (pixels) is a narrow mark lying on one of the vertical rules `walls` (points).
pub(super) fn on_wall(w: &tsv::Word, walls: &[crate::model::Rule], scale: f32) -> bool {
    let (x0, x1, top, bottom) = (w.x0 * scale, w.x1 * scale, w.y0 * scale, w.y1 * scale);
    let narrow = x1 - x0 <= 0.45 * (bottom - top).max(1.0);
    narrow
        && walls.iter().any(|r| {
            let tolerance = 1.5;
            r.x0 - tolerance < x1 && r.x1 + tolerance > x0 && r.top < bottom && r.bottom > top
        })
}

/// Lone marks that tesseract reads as punctuation of their own ("." "," ":" "'") away from any
/// word are specks of the scan: punctuation that belongs to a word is read with it, or right
/// after it. They go, so that they do not fill the white space between table columns.
pub(super) fn drop_stray_marks(words: &mut Vec<tsv::Word>) {
    let stray = |i: usize, words: &[tsv::Word]| {
        let w = &words[i];
        if !matches!(
            w.text.as_str(),
            "." | "," | ":" | ";" | "'" | "`" | "‘" | "’" | "\""
        ) {
            return false;
        }
        let h = (w.y1 - w.y0).max(w.x1 - w.x0).max(1.0);
        // Attached to the word before it on the same line (a full stop read apart)?
        let attached = i > 0 && {
            let p = &words[i - 1];
            p.line == w.line && w.x0 - p.x1 < (p.y1 - p.y0).max(h) * 0.3
        };
        !attached
    };
    let keep: Vec<bool> = (0..words.len()).map(|i| !stray(i, words)).collect();
    let mut k = keep.into_iter();
    words.retain(|_| k.next().unwrap_or(true));
}

/// Whether a recognised word is kept.
pub(super) fn kept(w: &tsv::Word) -> bool {
    let symbols = w.text != "•" && !w.text.chars().any(char::is_alphanumeric);
    w.conf >= MIN_WORD_CONFIDENCE && !(symbols && w.conf < MIN_SYMBOL_CONFIDENCE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specks_read_as_symbols_are_dropped_and_real_symbols_and_bullets_kept() {
        let w = |text: &str, conf: f32| tsv::Word::test(text, 1, [0.0, 0.0, 10.0, 10.0], conf);
        assert!(!kept(&w("=", 45.0)), "a speck between table columns");
        assert!(kept(&w("=", 91.0)));
        assert!(kept(&w("•", 50.0)));
        assert!(kept(&w("x7", 40.0)));
        assert!(!kept(&w("x7", 10.0)));
    }
}
