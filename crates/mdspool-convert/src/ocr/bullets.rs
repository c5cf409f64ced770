//! List bullets of a scan. tesseract reads a small disc, ring, square or dash at the start of a
//! line as whatever it resembles ("¢«", "e", "o", "*", "—") and often with a confidence so low that
//! the word would be dropped as a speck, so the list loses its markers. A line's first "word" set
//! apart from the next one becomes `•` (and is kept) when it is a small roughly square blob,
//! clearly smaller than a letter yet larger than a full stop, whatever its text; one look-alike
//! character in a small box; or a short thin dash.

use super::spans::{em_of, median};
use super::tsv::Word;

/// A blob's sides, as shares of the line's em: a full stop is smaller, an x-height letter larger.
const BLOB: (f32, f32) = (0.17, 0.4);
/// Characters tesseract reads a round list bullet as (at most `LOOKALIKE` em in both sides).
const LOOKALIKES: &str = "•·¢«»©®°*oeO0@>›+‣~";
const LOOKALIKE: f32 = 0.42;
/// A dash bullet: at most this thick, and this long, in em.
const DASHES: &str = "-–—~_";
const DASH: (f32, f32, f32) = (0.15, 0.2, 1.1);
/// A blob read as a letter with at least this confidence is that letter.
const CONFIDENT: f32 = 70.0;
/// Gap to the next word at least this share of the em.
const MIN_GAP: f32 = 0.2;

/// Turn the bullet-shaped first word of each line into `•` with a usable confidence.
pub(super) fn mark(words: &mut [Word]) {
    let mut i = 0;
    while i < words.len() {
        let j = (i..words.len())
            .find(|&j| words[j].line != words[i].line)
            .unwrap_or(words.len());
        if j - i >= 2 && is_bullet(&words[i], &words[i + 1..j]) {
            words[i].text = "•".into();
            words[i].conf = words[i].conf.max(50.0);
        }
        i = j;
    }
}

/// Whether `first` is a bullet before the words `rest` of its line. Works in the boxes as scanned
/// (a sideways page included): "across" is the direction across the line.
fn is_bullet(first: &Word, rest: &[Word]) -> bool {
    let mut chars = first.text.chars();
    let (Some(c), second) = (chars.next(), chars.next()) else {
        return false;
    };
    if c == '•' && second.is_none() {
        return true;
    }
    let last = &rest[rest.len() - 1];
    let centre = |w: &Word| ((w.x0 + w.x1) / 2.0, (w.y0 + w.y1) / 2.0);
    let ((ax, ay), (bx, by)) = (centre(first), centre(last));
    let along_x = (bx - ax).abs() >= (by - ay).abs();
    let sides = |w: &Word| {
        let (dx, dy) = (w.x1 - w.x0, w.y1 - w.y0);
        if along_x { (dx, dy) } else { (dy, dx) }
    };
    let Some(em) = median(
        rest.iter()
            .filter_map(|w| em_of(&w.text, sides(w).1))
            .collect(),
    ) else {
        return false;
    };
    let next = &rest[0];
    let gap = (next.x0 - first.x1)
        .max(first.x0 - next.x1)
        .max(next.y0 - first.y1)
        .max(first.y0 - next.y1);
    if gap < MIN_GAP * em || chars.next().is_some() {
        return false;
    }
    let (along, across) = sides(first);
    let (a, b) = (along / em, across / em);
    let blob = (BLOB.0..=BLOB.1).contains(&a)
        && (BLOB.0..=BLOB.1).contains(&b)
        && a <= 1.6 * b
        && b <= 1.6 * a
        && !first.text.chars().any(|c| c.is_ascii_digit())
        // A letter read with confidence is a letter ("a", "x" starting a line).
        && (first.conf < CONFIDENT || !first.text.chars().any(char::is_alphabetic));
    let lookalike = second.is_none() && LOOKALIKES.contains(c) && a <= LOOKALIKE && b <= LOOKALIKE;
    let dash =
        second.is_none() && DASHES.contains(c) && b <= DASH.0 && (DASH.1..=DASH.2).contains(&a);
    blob || lookalike || dash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x0: f32, y0: f32, x1: f32, y1: f32, conf: f32) -> Word {
        Word::test(text, 1, [x0, y0, x1, y1], conf)
    }

    #[test]
    fn a_small_blob_before_a_gap_is_a_bullet_and_a_stop_or_letter_is_not() {
        // 300 dpi, 12 pt: words about 40 px thick; a 13 px disc read as "¢«" with confidence 3.
        let line = |first: Word| {
            let mut ws = vec![
                first,
                word("Temperature", 388.0, 955.0, 673.0, 997.0, 96.0),
                word("along", 691.0, 954.0, 810.0, 998.0, 96.0),
            ];
            mark(&mut ws);
            (ws[0].text.clone(), ws[0].conf)
        };
        assert_eq!(
            line(word("¢«", 341.0, 969.0, 354.0, 981.0, 3.0)),
            ("•".to_string(), 50.0)
        );
        // A full stop (6 px) and a letter "a" (x-height, 24 px) keep their text.
        assert_eq!(line(word(".", 370.0, 990.0, 376.0, 996.0, 92.0)).0, ".");
        assert_eq!(line(word("a", 350.0, 972.0, 372.0, 996.0, 96.0)).0, "a");
        assert_eq!(line(word("x", 350.0, 976.0, 370.0, 996.0, 93.0)).0, "x");
        // A ring read as "o" with some confidence, and a dash, are bullets too.
        assert_eq!(line(word("o", 341.0, 969.0, 357.0, 985.0, 88.0)).0, "•");
        assert_eq!(line(word("—", 341.0, 975.0, 365.0, 981.0, 55.0)).0, "•");
        // A list number is never a bullet.
        assert_eq!(line(word("1", 350.0, 985.0, 360.0, 997.0, 40.0)).0, "1");
    }
}
