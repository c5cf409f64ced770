//! Column gaps a word space wide. In a table whose cells are set close together (a right-aligned
//! number column, then a left-aligned text column, a few points apart), the gap between two cells
//! of a row is no wider than a word space, so the row alone cannot tell cells from words. The rows
//! around it can: a gap that stays white on the lines just above and below, with words on both
//! sides there too, is a column's edge. It becomes a wall (a vertical rule for this purpose only)
//! that phrase spans are not joined across.

use super::tsv::Word;
use crate::model::Rule;

/// Lines within this many line heights above or below count as neighbours.
const REACH: f32 = 3.5;
/// Edges of lines within this many line heights above or below split a word that crosses them
/// (the rows of a table around the one row where two cells were read as one word).
const SPLIT_REACH: f32 = 6.0;
/// A gap is a column edge when it stays white on at least this many neighbouring lines.
const MIN_NEIGHBOURS: usize = 2;

/// One line's words (pixels): its vertical extent and its word boxes left to right.
struct Line {
    top: f32,
    bottom: f32,
    xs: Vec<(f32, f32)>,
}

/// Walls (points, `scale` = points per pixel) at the gaps between words that are column edges.
pub(super) fn find(words: &[Word], scale: f32) -> Vec<Rule> {
    let mut lines: Vec<Line> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let j = (i..words.len())
            .find(|&j| words[j].line != words[i].line)
            .unwrap_or(words.len());
        let mut xs: Vec<(f32, f32)> = words[i..j].iter().map(|w| (w.x0, w.x1)).collect();
        xs.sort_by(|a, b| a.0.total_cmp(&b.0));
        lines.push(Line {
            top: words[i..j].iter().map(|w| w.y0).fold(f32::MAX, f32::min),
            bottom: words[i..j].iter().map(|w| w.y1).fold(f32::MIN, f32::max),
            xs,
        });
        i = j;
    }
    // Ink edges of a right- or left-aligned column wander by a pixel or two: the gap need only
    // stay white in its middle part.
    let white = |l: &Line, lo: f32, hi: f32| {
        let tol = 0.3 * (hi - lo);
        // A column's edge: a cell there ends where this gap starts (right-aligned) or starts
        // where it ends (left-aligned), not just any word somewhere to either side.
        let aligned =
            l.xs.iter()
                .any(|w| (w.1 - lo).abs() <= tol + 2.0 || (w.0 - hi).abs() <= tol + 2.0);
        aligned
            && l.xs.iter().any(|w| w.1 <= lo + tol)
            && l.xs.iter().any(|w| w.0 >= hi - tol)
            && !l.xs.iter().any(|w| w.0 < hi - tol && w.1 > lo + tol)
    };
    let mut out = Vec::new();
    for (k, line) in lines.iter().enumerate() {
        let h = (line.bottom - line.top).max(1.0);
        let mid = (line.top + line.bottom) / 2.0;
        let near: Vec<&Line> = lines
            .iter()
            .enumerate()
            .filter(|&(o, l)| o != k && ((l.top + l.bottom) / 2.0 - mid).abs() <= REACH * h)
            .map(|(_, l)| l)
            .collect();
        for pair in line.xs.windows(2) {
            let (lo, hi) = (pair[0].1, pair[1].0);
            if hi <= lo {
                continue;
            }
            if near.iter().filter(|l| white(l, lo, hi)).count() >= MIN_NEIGHBOURS {
                let x = (lo + hi) / 2.0 * scale;
                out.push(Rule {
                    x0: x,
                    x1: x,
                    top: line.top * scale,
                    bottom: line.bottom * scale,
                });
            }
        }
    }
    out
}

/// Split words that run across a column edge the lines around them keep white: tesseract reads two
/// close cells as one word ("14,154 12,711" as "14156-12741"). Where edges found on at least two
/// neighbouring lines (`walls`, in points) cross a word of an upright page at a separator
/// (`-`, `|`, `_`, a dash) near their place in its letters, with figures on both sides, the word
/// becomes two, the separator dropped.
pub(super) fn split_crossing(words: &mut Vec<Word>, walls: &[Rule], scale: f32) {
    let mut out: Vec<Word> = Vec::with_capacity(words.len());
    for w in words.drain(..) {
        match split_at_wall(&w, walls, scale) {
            Some((a, b)) => {
                tracing::trace!(
                    "OCR word {:?} split at a column edge: {:?} {:?}",
                    w.text,
                    a.text,
                    b.text
                );
                out.push(a);
                out.push(b);
            }
            None => out.push(w),
        }
    }
    *words = out;
}

fn split_at_wall(w: &Word, walls: &[Rule], scale: f32) -> Option<(Word, Word)> {
    let chars: Vec<char> = w.text.chars().collect();
    if chars.len() < 5 {
        return None;
    }
    let (h, width) = (w.y1 - w.y0, w.x1 - w.x0);
    let mid = (w.y0 + w.y1) / 2.0;
    // Edges of other lines nearby that fall inside the word, away from its ends.
    let xs: Vec<f32> = walls
        .iter()
        .filter(|r| {
            let (top, bottom) = (r.top / scale, r.bottom / scale);
            let own = top < w.y1 && bottom > w.y0;
            !own && ((top + bottom) / 2.0 - mid).abs() <= SPLIT_REACH * h
        })
        .map(|r| r.x0 / scale)
        .filter(|x| *x > w.x0 + 0.2 * width && *x < w.x1 - 0.2 * width)
        .collect();
    let x = xs
        .iter()
        .copied()
        .find(|x| xs.iter().filter(|o| (*o - x).abs() <= 0.25 * h).count() >= MIN_NEIGHBOURS)?;
    // The separator nearest the edge's place among the letters (letters taken as equally wide).
    let at = (x - w.x0) / width * chars.len() as f32;
    let sep = (1..chars.len() - 1)
        .filter(|&i| matches!(chars[i], '-' | '–' | '—' | '|' | '_'))
        .filter(|&i| (i as f32 + 0.5 - at).abs() <= 1.5)
        .min_by(|&a, &b| (a as f32 - at).abs().total_cmp(&(b as f32 - at).abs()))?;
    // Figures on both sides: two cells of numbers, not a hyphenated word under a table.
    let digits = |p: &[char]| p.iter().any(char::is_ascii_digit);
    if !(digits(&chars[..sep]) && digits(&chars[sep + 1..])) {
        return None;
    }
    let share = (sep as f32 + 0.5) / chars.len() as f32;
    let cut = w.x0 + share * width;
    let raw_cut = (share * w.raw[2] as f32) as u32;
    let mut a = w.clone();
    let mut b = w.clone();
    a.text = chars[..sep].iter().collect();
    b.text = chars[sep + 1..].iter().collect();
    (a.x1, b.x0) = (cut - 0.3 * h, cut + 0.3 * h);
    a.raw[2] = raw_cut;
    b.raw[0] = w.raw[0] + raw_cut;
    b.raw[2] = w.raw[2].saturating_sub(raw_cut);
    Some((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(line: u32, text: &str, x0: f32, x1: f32, y: f32) -> Word {
        Word::test(text, line, [x0, y, x1, y + 40.0], 95.0)
    }

    #[test]
    fn a_gap_white_and_aligned_on_the_rows_around_is_a_column_edge_and_a_word_space_is_not() {
        // A close-set table (pixels at 300 dpi): a right-aligned count column ends at 1591, the
        // region column starts at 1610, 19 px (4.5 pt) apart, the width of a word space.
        let rows = [
            [("Count", 1458.0, 1591.0), ("Region", 1610.0, 1760.0)],
            [("158", 1522.0, 1591.0), ("East", 1612.0, 1696.0)],
            [("13,808", 1459.0, 1590.0), ("East", 1612.0, 1697.0)],
            [("9,481", 1481.0, 1590.0), ("Coastal", 1611.0, 1759.0)],
        ];
        let mut words = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let y = 1500.0 + 57.0 * i as f32;
            // The item column on the left: "Responsibilities final tissue" on the last row.
            if i == 3 {
                words.push(w(i as u32, "Responsibilities", 311.0, 628.0, y));
                words.push(w(i as u32, "final", 643.0, 733.0, y));
            } else {
                words.push(w(i as u32, "Item", 311.0, 408.0, y));
            }
            for (t, x0, x1) in row {
                words.push(w(i as u32, t, *x0, *x1, y));
            }
        }
        let walls = find(&words, 1.0);
        // A wall on every row at the close column edge (about x = 1600), none at the word space
        // inside the item column (x = 635); the wide gap between the columns is one too.
        let near = |x: f32| walls.iter().filter(|r| (r.x0 - x).abs() < 5.0).count();
        assert_eq!(near(1600.0), 4, "{walls:?}");
        assert_eq!(near(635.5), 0, "{walls:?}");
    }

    /// Two close cells of one row read as one word ("14156-12741") are split where the rows
    /// around keep the column edge white; a hyphenated word under the table stays whole.
    #[test]
    fn a_word_across_a_column_edge_of_the_rows_around_is_two_cells() {
        // Right-aligned "Units" column ending at 963 px, left edges of the next column at 1020+.
        let rows = [
            ("11,716", 889.0, "4,443", 1035.0),
            ("3,075", 904.0, "5,992", 1035.0),
            ("241", 917.0, "10,832", 1020.0),
            ("11,951", 878.0, "14,517", 1021.0),
        ];
        let mut words = Vec::new();
        for (i, (a, ax, b, bx)) in rows.iter().enumerate() {
            let y = 1300.0 + 48.0 * i as f32;
            words.push(w(i as u32, "Item", 600.0, 680.0, y));
            words.push(w(i as u32, a, *ax, 963.0, y));
            words.push(w(i as u32, b, *bx, 1105.0, y));
        }
        let y = 1300.0 + 48.0 * 4.0;
        words.push(w(4, "Item", 600.0, 680.0, y));
        words.push(w(4, "14156-12741", 878.0, 1104.0, y));
        words.push(w(5, "well-known", 600.0, 1104.0, y + 48.0));
        let walls = find(&words, 1.0);
        split_crossing(&mut words, &walls, 1.0);
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert!(
            texts.windows(2).any(|p| p == ["14156", "12741"]),
            "{texts:?}"
        );
        assert!(texts.contains(&"well-known"), "{texts:?}");
    }
}
