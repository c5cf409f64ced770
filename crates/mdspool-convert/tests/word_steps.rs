//! Words set one by one, each on its own baseline, with no space glyph between them: the text layer
//! an OCR program lays over a slightly skewed scan, where every word sits where the scan shows it and
//! the words of a line step up or down. The step starts a new word even where the gap alone (a tenth
//! of an em) would not.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{PageSpec, REG, md_lines};

const LINES: [&str; 3] = [
    "the survey of the harbour was finished in spring",
    "and its figures were checked against the records",
    "which showed the same slow rise of the water",
];

/// Helvetica's advance of a lowercase letter, in thousandths of an em.
fn advance(c: char) -> f32 {
    match c {
        'f' | 't' => 278.0,
        'i' | 'j' | 'l' => 222.0,
        'r' => 333.0,
        'm' => 833.0,
        'w' => 722.0,
        'c' | 'k' | 's' | 'v' | 'x' | 'y' | 'z' => 500.0,
        _ => 556.0,
    }
}

/// Each word of each line drawn by its own text object; words step down by `step` em along the
/// line and are `gap` em apart. `turn` draws the page turned (text running down the page).
fn page(size: f32, gap: f32, step: f32, turn: bool) -> PageSpec {
    let mut p = PageSpec::default();
    for (k, line) in LINES.iter().enumerate() {
        let mut along = 0.0f32;
        let mut drop = 0.0f32;
        for word in line.split(' ') {
            let (x, y) = if turn {
                (500.0 - 2.0 * size * k as f32 - drop, 700.0 - along)
            } else {
                (72.0 + along, 700.0 - 2.0 * size * k as f32 - drop)
            };
            let m = if turn { "0 -1 1 0" } else { "1 0 0 1" };
            p.raw(&format!(
                "BT /{REG} {size} Tf {m} {x} {y} Tm ({word}) Tj ET"
            ));
            let w: f32 = word.chars().map(advance).sum::<f32>() / 1000.0 * size;
            along += w + gap * size;
            drop += step * size;
        }
    }
    p
}

#[test]
fn words_stepping_down_a_turned_line_are_separate_words() {
    let md = md_lines(&[page(12.0, 0.1, 0.12, true)]);
    assert_eq!(md, [LINES.join(" ")], "{md:#?}");
}

#[test]
fn words_stepping_down_an_upright_line_are_separate_words() {
    let md = md_lines(&[page(12.0, 0.1, 0.12, false)]);
    assert_eq!(md, [LINES.join(" ")], "{md:#?}");
}
