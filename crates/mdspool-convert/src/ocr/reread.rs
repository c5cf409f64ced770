//! A second reading of the words tesseract was unsure of. Reading a whole page, its layout
//! analysis gets some words wrong with little confidence, most often the cells of a table, where
//! the column gaps and the neighbouring cells confuse the line finder: `$23,122.43):` at 9,
//! `+15.5` at 14, a header `Share` at 11 (all dropped as noise), or two cells read as one garbled
//! word. Each such word's box, cut out with a margin, is read again as a line of its own. All of a
//! page's boxes go into one strip image, one below the other, so the second reading costs one more
//! tesseract run on a small image. A word is replaced only when the second reading is sure of
//! every word it finds there.

use std::path::Path;
use std::time::Duration;

use super::keep::MIN_WORD_CONFIDENCE;
use super::pgm::Gray;
use super::run;
use super::tsv::{self, Word};

/// Words read with less confidence than this are read again.
const WEAK: f32 = 60.0;
/// Every word of a second reading needs this confidence to replace the first.
const SURE: f32 = 60.0;
/// Most words read again on one page (the strip stays small).
const MAX_WORDS: usize = 80;

/// Where a word's box went in the strip.
#[derive(Debug, Clone, PartialEq)]
struct Placed {
    /// The words read again: a run of neighbours on one line.
    words: std::ops::Range<usize>,
    /// The box cut out of the page: left, top, width, height.
    cut: [u32; 4],
    /// Its top in the strip (its left is always `gap`).
    top: u32,
}

/// The boxes of the `runs` of weak words cut out of `img` with a margin of `pad` (less where a
/// word of the same line is nearer), one below the other with `gap` white pixels around each: the
/// strip image and where each box went.
fn strip(
    img: &Gray,
    words: &[Word],
    runs: &[std::ops::Range<usize>],
    pad: u32,
    gap: u32,
) -> (Gray, Vec<Placed>) {
    let (iw, ih) = (img.width as u32, img.height as u32);
    let mut placed = Vec::new();
    let mut y = gap;
    for run in runs {
        let (first, last) = (&words[run.start], &words[run.end - 1]);
        let (l, r) = (first.raw[0], last.raw[0] + last.raw[2]);
        let t = words[run.clone()]
            .iter()
            .map(|w| w.raw[1])
            .min()
            .unwrap_or(0);
        let b = words[run.clone()]
            .iter()
            .map(|w| w.raw[1] + w.raw[3])
            .max()
            .unwrap_or(0);
        let line = |i: usize| words.get(i).filter(|w| w.line == first.line);
        let left = run.start.checked_sub(1).and_then(line).map_or(pad, |p| {
            let room = l.saturating_sub(p.raw[0] + p.raw[2]) / 2;
            room.min(pad)
        });
        let right = line(run.end).map_or(pad, |n| (n.raw[0].saturating_sub(r) / 2).min(pad));
        let (x0, y0) = (l.saturating_sub(left), t.saturating_sub(pad / 2));
        let (x1, y1) = ((r + right).min(iw), (b + pad / 2).min(ih));
        if x1 <= x0 || y1 <= y0 {
            continue;
        }
        placed.push(Placed {
            words: run.clone(),
            cut: [x0, y0, x1 - x0, y1 - y0],
            top: y,
        });
        y += y1 - y0 + gap;
    }
    let width = placed.iter().map(|p| p.cut[2]).max().unwrap_or(0) + 2 * gap;
    let height = y.max(1);
    let mut pixels = vec![255u8; (width * height) as usize];
    for p in &placed {
        let [x0, y0, w, h] = p.cut;
        for r in 0..h {
            let row = ((p.top + r) * width + gap) as usize;
            for c in 0..w {
                pixels[row + c as usize] = img.at((x0 + c) as usize, (y0 + r) as usize);
            }
        }
    }
    (Gray::new(width as usize, height as usize, pixels), placed)
}

/// The letters and digits of some words, run together.
fn letters<'a>(words: impl IntoIterator<Item = &'a Word>) -> String {
    let mut s = String::new();
    for w in words {
        s.extend(w.text.chars().filter(|c| c.is_alphanumeric()));
    }
    s
}

/// Put what the strip was read as (`again`, boxes in the strip) in place of the words it was cut
/// from, where every word found in a box (and centred on the first reading's words) is sure, and
/// surer on the whole than the first reading, and neither loses letters of the first reading nor
/// a word it kept.
fn replace(words: &mut Vec<Word>, placed: &[Placed], again: &[Word], gap: u32) {
    let mut news: Vec<(std::ops::Range<usize>, Vec<Word>)> = Vec::new();
    for p in placed {
        let [x0, y0, _, h] = p.cut;
        let olds = &words[p.words.clone()];
        let old = &olds[0];
        let (left, right) = (old.x0, olds[olds.len() - 1].x1);
        let band = (p.top as f32 - gap as f32 / 2.0)..(p.top as f32 + h as f32 + gap as f32 / 2.0);
        let (dx, dy) = (x0 as f32 - gap as f32, y0 as f32 - p.top as f32);
        let found: Vec<Word> = again
            .iter()
            .filter(|a| band.contains(&((a.y0 + a.y1) / 2.0)))
            .filter(|a| a.text.chars().any(char::is_alphanumeric))
            .map(|a| {
                let mut n = a.clone();
                (n.x0, n.x1, n.y0, n.y1) = (a.x0 + dx, a.x1 + dx, a.y0 + dy, a.y1 + dy);
                n.raw = [n.x0 as u32, n.y0 as u32, a.raw[2], a.raw[3]];
                (n.line, n.line_box) = (old.line, old.line_box);
                n
            })
            .filter(|n| (n.x0 + n.x1) / 2.0 > left && (n.x0 + n.x1) / 2.0 < right)
            .collect();
        if found.is_empty() || found.iter().any(|n| n.conf < SURE) {
            continue;
        }
        let (before, after) = (letters(olds), letters(&found));
        if after.len() < before.len() && before.contains(&after) {
            continue;
        }
        // A word the first reading kept is still there (the second found something over it).
        let lost = olds.iter().any(|o| {
            o.conf >= MIN_WORD_CONFIDENCE && !found.iter().any(|n| n.x0 < o.x1 && n.x1 > o.x0)
        });
        if lost {
            continue;
        }
        let mean = |ws: &[Word]| ws.iter().map(|n| n.conf).sum::<f32>() / ws.len() as f32;
        if mean(&found) > mean(olds) {
            news.push((p.words.clone(), found));
        }
    }
    news.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    for (r, found) in news {
        words.splice(r, found);
    }
}

/// Read again the words of an upright page that tesseract was unsure of (see the module's note).
/// `img` is the image it read; the words' boxes are still those of that image.
pub(super) fn weak_words(
    words: &mut Vec<Word>,
    img: &Gray,
    dir: &Path,
    tesseract: &Path,
    common: &[&std::ffi::OsStr],
    timeout: Duration,
) {
    let mut heights: Vec<u32> = words.iter().map(|w| w.raw[3]).collect();
    heights.sort_unstable();
    let Some(&typical) = heights.get(heights.len() / 2) else {
        return;
    };
    let weak = |w: &Word| {
        // A word of a line's height (not a figure or a column taken for a word).
        w.conf < WEAK && w.raw[3] <= 2 * typical && w.text.chars().any(char::is_alphanumeric)
    };
    // Weak neighbours on one line are read together (cut apart, each takes a piece of the other).
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    for i in (0..words.len())
        .filter(|&i| weak(&words[i]))
        .take(MAX_WORDS)
    {
        match runs.last_mut() {
            Some(r) if r.end == i && words[i - 1].line == words[i].line => r.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    if runs.is_empty() {
        return;
    }
    let (pad, gap) = ((typical / 2).max(2), typical.max(4));
    let (image, placed) = strip(img, words, &runs, pad, gap);
    let (file, out) = (dir.join("weak.pgm"), dir.join("weak"));
    if std::fs::write(&file, image.to_pgm()).is_err() {
        return;
    }
    let mut args: Vec<&std::ffi::OsStr> = vec![file.as_os_str(), out.as_os_str()];
    args.extend_from_slice(common);
    args.extend_from_slice(&[
        "--psm".as_ref(),
        "6".as_ref(),
        "tsv".as_ref(),
        "quiet".as_ref(),
    ]);
    if run::run(tesseract, &args, &dir.join("weak.err"), timeout).is_err() {
        return;
    }
    if let Ok(text) = std::fs::read_to_string(out.with_extension("tsv")) {
        replace(words, &placed, &tsv::parse(&text), gap);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, line: u32, [x0, y0, x1, y1]: [f32; 4], conf: f32) -> Word {
        let mut w = Word::test(text, line, [x0, y0, x1, y1], conf);
        w.raw = [x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32];
        w
    }

    #[test]
    fn weak_boxes_go_one_below_the_other_with_white_around() {
        let mut px = vec![255u8; 100 * 50];
        px[20 * 100 + 30] = 0; // ink inside the second word's box
        let img = Gray::new(100, 50, px);
        let words = vec![
            at("a", 1, [10.0, 10.0, 20.0, 20.0], 10.0),
            at("b", 1, [30.0, 18.0, 50.0, 28.0], 10.0),
        ];
        let (s, placed) = strip(&img, &words, &[0..1, 1..2], 2, 5);
        assert_eq!(placed.len(), 2);
        assert_eq!(placed[0].cut, [8, 9, 14, 12]);
        assert_eq!(placed[1].top, 5 + 12 + 5);
        assert_eq!(s.width, 24 + 10);
        // The ink pixel (30, 20) is at (gap + 30 - 28, top + 20 - 17) in the strip.
        assert_eq!(s.at(5 + 2, 22 + 3), 0);
        assert_eq!(s.at(5 + 3, 22 + 3), 255);
    }

    #[test]
    fn a_sure_second_reading_replaces_the_word_and_an_unsure_one_does_not() {
        let mut words = vec![
            at("Item", 1, [0.0, 0.0, 40.0, 10.0], 95.0),
            at("$23,122.43):", 1, [100.0, 0.0, 200.0, 10.0], 9.0),
            at("mate", 2, [100.0, 20.0, 140.0, 30.0], 18.0),
        ];
        let placed = [
            Placed {
                words: 1..2,
                cut: [95, 0, 110, 12],
                top: 10,
            },
            Placed {
                words: 2..3,
                cut: [95, 18, 50, 14],
                top: 32,
            },
        ];
        // Strip coordinates: left edge at gap 10, so x = page x - 95 + 10.
        let again = vec![
            at("$23,122.43", 1, [15.0, 11.0, 115.0, 21.0], 96.0),
            at("|", 1, [118.0, 11.0, 119.0, 21.0], 90.0),
            at("+6é", 2, [15.0, 34.0, 55.0, 44.0], 7.0),
        ];
        replace(&mut words, &placed, &again, 10);
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["Item", "$23,122.43", "mate"]);
        assert_eq!(words[1].line, (1, 1, 1));
        assert!((words[1].x0 - 100.0).abs() < 0.1 && (words[1].y0 - 1.0).abs() < 0.1);
    }

    #[test]
    fn two_cells_read_as_one_word_become_two() {
        let mut words = vec![at("€45;755.64.-C", 3, [100.0, 0.0, 300.0, 10.0], 2.0)];
        let placed = [Placed {
            words: 0..1,
            cut: [90, 0, 220, 12],
            top: 10,
        }];
        let again = vec![
            at("$45,758.64", 1, [20.0, 11.0, 120.0, 21.0], 93.0),
            at("C", 1, [200.0, 11.0, 210.0, 21.0], 89.0),
        ];
        replace(&mut words, &placed, &again, 10);
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["$45,758.64", "C"]);
        assert!(words.iter().all(|w| w.line == (1, 1, 3)));
    }

    #[test]
    fn a_second_reading_that_loses_letters_is_not_taken() {
        let mut words = vec![at("procedure", 1, [100.0, 0.0, 190.0, 10.0], 40.0)];
        let placed = [Placed {
            words: 0..1,
            cut: [95, 0, 100, 12],
            top: 10,
        }];
        let again = vec![at("procedur", 1, [15.0, 11.0, 95.0, 21.0], 90.0)];
        replace(&mut words, &placed, &again, 10);
        assert_eq!(words[0].text, "procedure");
    }

    #[test]
    fn the_margin_stops_halfway_to_a_word_of_the_same_line() {
        let img = Gray::new(200, 40, vec![255u8; 200 * 40]);
        let words = vec![
            at("On", 1, [50.0, 10.0, 70.0, 20.0], 40.0),
            at("hold", 1, [76.0, 10.0, 110.0, 20.0], 40.0),
            at("Active", 2, [150.0, 10.0, 190.0, 20.0], 40.0),
        ];
        let (_, placed) = strip(&img, &words, &[0..2, 2..3], 8, 5);
        // The run "On hold" is cut whole; "Active" is on another line, so the margin is full.
        assert_eq!(placed[0].cut, [42, 6, 76, 18]);
        assert_eq!(placed[1].cut, [142, 6, 56, 18]);
        let alone = [std::ops::Range { start: 0, end: 1 }];
        let (_, placed) = strip(&img, &words, &alone, 8, 5);
        assert_eq!(
            placed[0].cut,
            [42, 6, 31, 18],
            "3 pixels, half the gap to 'hold'"
        );
    }

    #[test]
    fn a_second_reading_that_drops_a_kept_word_is_not_taken() {
        let mut words = vec![
            at("The", 4, [100.0, 0.0, 130.0, 10.0], 40.0),
            at("statistica1", 4, [136.0, 0.0, 220.0, 10.0], 30.0),
        ];
        let placed = [Placed {
            words: 0..2,
            cut: [95, 0, 130, 12],
            top: 10,
        }];
        let again = vec![at("statistical", 1, [51.0, 11.0, 135.0, 21.0], 95.0)];
        replace(&mut words, &placed, &again, 10);
        assert_eq!(words[0].text, "The");
        assert_eq!(words[1].text, "statistica1");
    }
}
