//! tesseract's TSV output read into words with their boxes, line ids and confidences, then brought
//! upright: the page's orientation (tesseract's `--psm 1` reads a sideways or upside-down page but
//! reports boxes in the image as scanned) is found from the direction in which each line's words
//! follow one another, and a small skew from the slope of each line's word feet.

/// One recognised word; box in pixels of the upright image, top-down.
#[derive(Debug, Clone)]
pub(super) struct Word {
    /// (block, paragraph, line) as tesseract numbered them.
    pub line: (u32, u32, u32),
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub conf: f32,
    pub text: String,
    /// The box in the image as scanned (for looking at its pixels).
    pub raw: [u32; 4],
    /// The box of its tesseract line, as scanned.
    pub line_box: [u32; 4],
}

#[cfg(test)]
impl Word {
    /// A word for unit tests: line `line` of block 1, box `[x0, y0, x1, y1]`, confidence `conf`.
    pub(super) fn test(text: &str, line: u32, [x0, y0, x1, y1]: [f32; 4], conf: f32) -> Word {
        Word {
            line: (1, 1, line),
            x0,
            y0,
            x1,
            y1,
            conf,
            text: text.into(),
            raw: [0; 4],
            line_box: [0; 4],
        }
    }
}

/// Quarter turns by which the scanned image is turned from upright (clockwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Turn {
    None,
    Cw90,
    Half,
    Ccw90,
}

/// Words of level-5 rows with text (`conf` -1 rows are boxes of blocks, paragraphs and lines).
pub(super) fn parse(tsv: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut line_box = [0; 4];
    for row in tsv.lines().skip(1) {
        let f: Vec<&str> = row.splitn(12, '\t').collect();
        let num = |i: usize| f.get(i).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
        if f.len() >= 10 && f[0] == "4" {
            line_box = [num(6), num(7), num(8), num(9)];
        }
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let text = f[11].trim();
        let conf = f[10].parse::<f32>().unwrap_or(-1.0);
        if text.is_empty() || conf < 0.0 {
            continue;
        }
        let (l, t, w, h) = (num(6), num(7), num(8), num(9));
        out.push(Word {
            line: (num(2), num(3), num(4)),
            x0: l as f32,
            y0: t as f32,
            x1: (l + w) as f32,
            y1: (t + h) as f32,
            conf,
            text: text.to_string(),
            raw: [l, t, w, h],
            line_box,
        });
    }
    out
}

/// The page's turn, from the direction from each line's first word to its last (by character
/// count, so that long lines weigh most).
pub(super) fn turn_of(words: &[Word]) -> Turn {
    let mut votes = [0usize; 4];
    let mut i = 0;
    while i < words.len() {
        let j = (i..words.len())
            .find(|&j| words[j].line != words[i].line)
            .unwrap_or(words.len());
        if j - i >= 2 {
            let (a, b) = (&words[i], &words[j - 1]);
            let dx = (b.x0 + b.x1 - a.x0 - a.x1) / 2.0;
            let dy = (b.y0 + b.y1 - a.y0 - a.y1) / 2.0;
            let k = if dx.abs() >= dy.abs() {
                if dx >= 0.0 { 0 } else { 2 }
            } else if dy > 0.0 {
                1
            } else {
                3
            };
            votes[k] += words[i..j].iter().map(|w| w.text.len()).sum::<usize>();
        }
        i = j;
    }
    let best = (0..4)
        .max_by_key(|&k| (votes[k], usize::from(k == 0)))
        .unwrap_or(0);
    [Turn::None, Turn::Cw90, Turn::Half, Turn::Ccw90][best]
}

/// Turn the boxes upright in an image of `w` x `h` pixels; returns the upright image's size.
pub(super) fn turn_upright(words: &mut [Word], turn: Turn, w: f32, h: f32) -> (f32, f32) {
    for wd in words.iter_mut() {
        let (x0, y0, x1, y1) = (wd.x0, wd.y0, wd.x1, wd.y1);
        (wd.x0, wd.y0, wd.x1, wd.y1) = match turn {
            Turn::None => (x0, y0, x1, y1),
            // Text runs down the image: its lines follow one another leftwards.
            Turn::Cw90 => (y0, w - x1, y1, w - x0),
            Turn::Half => (w - x1, h - y1, w - x0, h - y0),
            Turn::Ccw90 => (h - y1, x0, h - y0, x1),
        };
    }
    match turn {
        Turn::Cw90 | Turn::Ccw90 => (h, w),
        _ => (w, h),
    }
}

/// The page's skew (slope, dy per dx), from the feet of the words of lines of three words or more;
/// the median over lines.
pub(super) fn skew_of(words: &[Word]) -> f32 {
    let mut slopes = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let j = (i..words.len())
            .find(|&j| words[j].line != words[i].line)
            .unwrap_or(words.len());
        let line = &words[i..j];
        if line.len() >= 3 {
            // Least squares over word centres x and word feet y.
            let n = line.len() as f32;
            let mx = line.iter().map(|w| (w.x0 + w.x1) / 2.0).sum::<f32>() / n;
            let my = line.iter().map(|w| w.y1).sum::<f32>() / n;
            let (mut sxy, mut sxx) = (0.0, 0.0);
            for w in line {
                let dx = (w.x0 + w.x1) / 2.0 - mx;
                sxy += dx * (w.y1 - my);
                sxx += dx * dx;
            }
            if sxx > 0.0 {
                slopes.push(sxy / sxx);
            }
        }
        i = j;
    }
    if slopes.len() < 3 {
        return 0.0;
    }
    slopes.sort_by(f32::total_cmp);
    let m = slopes[slopes.len() / 2];
    // Only a scan's small skew; larger slopes are noise of short lines.
    if m.abs() > 0.1 { 0.0 } else { m }
}

/// Undo a skew of `slope` around the image centre: word centres turn back, and each box loses
/// the height the skew added across its width.
pub(super) fn deskew(words: &mut [Word], slope: f32, w: f32, h: f32) {
    if slope.abs() < 0.001 {
        return;
    }
    let (cx, cy) = (w / 2.0, h / 2.0);
    let norm = (1.0 + slope * slope).sqrt();
    let (cos, sin) = (1.0 / norm, slope / norm);
    for wd in words.iter_mut() {
        let (mx, my) = ((wd.x0 + wd.x1) / 2.0 - cx, (wd.y0 + wd.y1) / 2.0 - cy);
        let (nx, ny) = (mx * cos + my * sin, -mx * sin + my * cos);
        let bw = wd.x1 - wd.x0;
        let bh = ((wd.y1 - wd.y0) - bw * slope.abs()).max((wd.y1 - wd.y0) * 0.6);
        wd.x0 = cx + nx - bw / 2.0;
        wd.x1 = cx + nx + bw / 2.0;
        wd.y0 = cy + ny - bh / 2.0;
        wd.y1 = cy + ny + bh / 2.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(line: u32, x0: f32, y0: f32, x1: f32, y1: f32) -> Word {
        Word::test("word", line, [x0, y0, x1, y1], 90.0)
    }

    #[test]
    fn turn_follows_word_order() {
        let up = vec![
            word(1, 10.0, 10.0, 50.0, 30.0),
            word(1, 60.0, 10.0, 90.0, 30.0),
        ];
        assert_eq!(turn_of(&up), Turn::None);
        let down = vec![
            word(1, 10.0, 10.0, 30.0, 50.0),
            word(1, 10.0, 60.0, 30.0, 90.0),
        ];
        assert_eq!(turn_of(&down), Turn::Cw90);
        let left = vec![
            word(1, 60.0, 10.0, 90.0, 30.0),
            word(1, 10.0, 10.0, 50.0, 30.0),
        ];
        assert_eq!(turn_of(&left), Turn::Half);
        let upward = vec![
            word(1, 10.0, 60.0, 30.0, 90.0),
            word(1, 10.0, 10.0, 30.0, 50.0),
        ];
        assert_eq!(turn_of(&upward), Turn::Ccw90);
        // A page turned clockwise: the first line is at the right edge, reading downwards.
        let mut w = down.clone();
        let size = turn_upright(&mut w, Turn::Cw90, 100.0, 200.0);
        assert_eq!(size, (200.0, 100.0));
        assert!(w[0].x1 < w[1].x0 && (w[0].y0 - 70.0).abs() < 0.01, "{w:?}");
    }

    #[test]
    fn skew_is_the_median_slope() {
        let mut ws = Vec::new();
        for l in 0..4 {
            for k in 0..4 {
                let x = 100.0 + 200.0 * k as f32;
                let y = 100.0 + 60.0 * l as f32 + 0.03 * x;
                ws.push(word(l, x, y - 30.0, x + 150.0, y + 4.5));
            }
        }
        let s = skew_of(&ws);
        assert!((s - 0.03).abs() < 0.002, "{s}");
        deskew(&mut ws, s, 1000.0, 1000.0);
        let feet: Vec<f32> = ws[..4].iter().map(|w| w.y1).collect();
        assert!(feet.iter().all(|y| (y - feet[0]).abs() < 1.0), "{feet:?}");
    }
}
