//! A second look at what tesseract's page segmentation gets wrong most often: a narrow column of
//! short items beside text (the numbers of a numbered list with a hanging indent) that it takes for
//! one tall "word" and reads as noise. Such a box is cut out of the page and read again as a block
//! of lines (`--psm 6`); its words replace the tall one.

use std::path::Path;
use std::time::Duration;

use super::keep::MIN_WORD_CONFIDENCE;
use super::pgm::Gray;
use super::run;
use super::tsv::{self, Word};

/// Most boxes read again on one page.
const MAX_RETRIES: usize = 8;

/// Boxes this many times taller than the page's median word are read again.
const TALL: f32 = 1.8;

/// A column of list numbers read with some misread ("Se", "2", "3.", "4.", "Di"): when two or
/// more read as numbers that agree on where the count starts, every item gets its number (and
/// the answer is true).
fn number_column(items: &mut [Word]) -> bool {
    items.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    let mut starts: Vec<i64> = Vec::new();
    let mut close = ".";
    for (i, w) in items.iter().enumerate() {
        let t = w.text.trim_end_matches(['.', ')']);
        if let Ok(n) = t.parse::<i64>() {
            starts.push(n - i as i64);
            if w.text.ends_with(')') {
                close = ")";
            }
        }
    }
    let agree = starts.len() >= 2 && starts.iter().all(|s| *s == starts[0]);
    if !agree || items.len() < 2 {
        return false;
    }
    for (i, w) in items.iter_mut().enumerate() {
        w.text = format!("{}{close}", starts[0] + i as i64);
        w.conf = w.conf.max(50.0);
    }
    true
}

/// Whether the second reading `again` of a tall word read with confidence `first` replaces it
/// (list numbers in it are repaired): a box read as noise, too unsure to be kept, is replaced only
/// by a column of numbers.
fn taken(again: &mut [Word], first: f32) -> bool {
    !again.is_empty() && (number_column(again) || first >= MIN_WORD_CONFIDENCE)
}

/// Replace tall narrow words of an upright scan by what a block reading of their box finds.
pub(super) fn tall_words(
    words: &mut Vec<Word>,
    img: &Gray,
    dir: &Path,
    tesseract: &Path,
    common: &[&std::ffi::OsStr],
    timeout: Duration,
) {
    let mut heights: Vec<f32> = words.iter().map(|w| w.y1 - w.y0).collect();
    if heights.len() < 10 {
        return;
    }
    heights.sort_by(f32::total_cmp);
    let typical = heights[heights.len() / 2];
    let tall: Vec<usize> = (0..words.len())
        .filter(|&i| {
            let w = &words[i];
            let (bw, bh) = (w.x1 - w.x0, w.y1 - w.y0);
            let alone = words.iter().filter(|o| o.line == w.line).count() <= 2;
            let [_, _, lw, lh] = w.line_box;
            let column = lh as f32 > TALL * typical && (lw as f32) < 3.0 * typical;
            // A word tall for a word, alone on its line or in a column-shaped line; or a word
            // alone on a column-shaped line (a table's column of ordinary words is left alone).
            let tall = bh > TALL * typical;
            bw < 3.0 * typical && ((tall && (alone || column)) || (column && alone))
        })
        .take(MAX_RETRIES)
        .collect();
    let mut found: Vec<Word> = Vec::new();
    let mut gone: Vec<usize> = Vec::new();
    for (k, &i) in tall.iter().enumerate() {
        let margin = (typical / 2.0) as u32;
        // The whole line box: the tall word is often only part of the column.
        let [l, t, w, h] = words[i].line_box;
        let (x, y) = (l.saturating_sub(margin), t.saturating_sub(margin));
        let Some(pgm) = img.crop(x, y, w + 2 * margin, h + 2 * margin) else {
            continue;
        };
        let (image, out) = (
            dir.join(format!("crop{k}.pgm")),
            dir.join(format!("crop{k}")),
        );
        if std::fs::write(&image, pgm).is_err() {
            continue;
        }
        let mut args: Vec<&std::ffi::OsStr> = vec![image.as_os_str(), out.as_os_str()];
        args.extend_from_slice(common);
        let tail: [&std::ffi::OsStr; 4] = [
            "--psm".as_ref(),
            "6".as_ref(),
            "tsv".as_ref(),
            "quiet".as_ref(),
        ];
        args.extend_from_slice(&tail);
        if run::run(tesseract, &args, &dir.join("crop.err"), timeout).is_err() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(out.with_extension("tsv")) else {
            continue;
        };
        let mut again = tsv::parse(&text);
        if again.is_empty() {
            continue;
        }
        if !taken(&mut again, words[i].conf) {
            continue;
        }
        gone.push(i);
        for mut a in again.into_iter().filter(|a| a.conf >= 15.0) {
            let id = u32::try_from(10_000 + k).unwrap_or(u32::MAX);
            a.line = (id, a.line.1, a.line.2);
            let (dx, dy) = (x as f32, y as f32);
            (a.x0, a.x1, a.y0, a.y1) = (a.x0 + dx, a.x1 + dx, a.y0 + dy, a.y1 + dy);
            a.raw = [a.raw[0] + x, a.raw[1] + y, a.raw[2], a.raw[3]];
            found.push(a);
        }
    }
    for i in gone.into_iter().rev() {
        words.remove(i);
    }
    // The full stop of a list number is often read apart, as the first word of the item's line;
    // the number read again carries it already.
    words.retain(|w| {
        let stop = matches!(w.text.as_str(), "." | ")" | "," | ":");
        !(stop
            && found.iter().any(|n| {
                let numbered = n.text.ends_with(['.', ')']);
                let beside = w.x0 >= n.x1 - typical * 0.2 && w.x0 <= n.x1 + typical * 0.8;
                let level = w.y1 > n.y0 && w.y0 < n.y1 + typical * 0.3;
                numbered && beside && level
            }))
    });
    words.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(texts: &[&str]) -> Vec<Word> {
        let at = |i: usize, t: &str| {
            let y = 40.0 * i as f32;
            Word::test(t, i as u32 + 1, [0.0, y, 30.0, y + 30.0], 60.0)
        };
        texts.iter().enumerate().map(|(i, t)| at(i, t)).collect()
    }

    #[test]
    fn a_column_read_as_noise_is_replaced_only_by_numbers() {
        let mut numbers = read(&["es", "2", "3", "4", "5,"]);
        assert!(
            taken(&mut numbers, 0.0),
            "footnote numbers read as one noise word"
        );
        let texts: Vec<&str> = numbers.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["1.", "2.", "3.", "4.", "5."]);
        assert!(
            !taken(&mut read(&["vr", "Ge"]), 0.0),
            "a figure's stroke stays noise"
        );
        assert!(
            taken(&mut read(&["vr", "Ge"]), 40.0),
            "a kept tall word is read again as before"
        );
        assert!(!taken(&mut [], 40.0));
    }
}
