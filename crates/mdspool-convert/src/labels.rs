//! Quarter-turned labels on an upright page: the header cells of a table set sideways to save width
//! ("QIBM_DB_SECADM" over a narrow column). They are read as upright text standing at the foot of
//! the label, where the header row's baseline is, so the table finds them in its header row. Only
//! labels that come in a row (two or more, short, starting on one line) are taken; a lone turned
//! line (a margin stamp, an axis title) stays out, as other text at an angle does.

use super::model::Span;

/// A turned span as the parser reports it: its box is (origin x, origin y, length along the text,
/// font size) in PDF user space, with the text running up (+90°) or down (-90°) from the origin.
pub(crate) struct Turned {
    pub text: String,
    pub x: f32,
    pub y: f32,
    pub length: f32,
    pub size: f32,
    pub up: bool,
    pub bold: bool,
    pub font: String,
}

/// Longest label taken, in characters and words.
const MAX_CHARS: usize = 40;
const MAX_WORDS: usize = 4;

/// The labels that stand in a row, as upright spans (top-down page coordinates), and the turned
/// spans taken as labels (the rest of the page's turned text is read as asides, `asides.rs`).
pub(crate) fn header_labels(turned: Vec<Turned>, x_off: f32, top: f32) -> (Vec<Span>, Vec<Turned>) {
    let short: Vec<Turned> = turned
        .into_iter()
        .filter(|t| {
            let text = t.text.trim();
            !text.is_empty()
                && text.chars().count() <= MAX_CHARS
                && text.split_whitespace().count() <= MAX_WORDS
                && t.x.is_finite()
                && t.y.is_finite()
                && t.length.is_finite()
                && t.size.is_finite()
                && t.size > 1.0
        })
        .collect();
    let mut out = Vec::new();
    let mut taken = vec![false; short.len()];
    for (k, t) in short.iter().enumerate() {
        // Labels of one header row start on one line (their origins share a y) in one direction.
        let mates = short
            .iter()
            .filter(|o| o.up == t.up && (o.y - t.y).abs() <= 0.5 * t.size.max(o.size))
            .filter(|o| (o.x - t.x).abs() >= 0.8 * t.size)
            .count();
        if mates == 0 {
            continue;
        }
        // The foot of the label: its origin when it runs up, its far end when it runs down.
        let foot = if t.up { t.y } else { t.y - t.length };
        let bottom = top - foot;
        let centre = if t.up {
            t.x - 0.5 * t.size
        } else {
            t.x + 0.5 * t.size
        } - x_off;
        let half = 0.5 * t.size;
        out.push(Span {
            text: t.text.trim().to_string(),
            x0: centre - half,
            x1: centre + half,
            top: bottom - t.size,
            bottom,
            size: t.size,
            bold: t.bold,
            italic: false,
            mono: false,
            link: None,
            font: t.font.clone(),
        });
        taken[k] = true;
    }
    let taken = short
        .into_iter()
        .zip(taken)
        .filter_map(|(t, label)| label.then_some(t))
        .collect();
    (out, taken)
}

/// Whether a character drawn at `(x, y)` in PDF user space, turned by `angle` degrees, belongs to
/// one of the `taken` labels.
pub(crate) fn holds(taken: &[Turned], x: f32, y: f32, angle: f32) -> bool {
    let up = angle > 0.0 && angle < 180.0;
    taken.iter().any(|t| {
        let (from, to) = if t.up {
            (t.y, t.y + t.length)
        } else {
            (t.y - t.length, t.y)
        };
        up == t.up
            && (x - t.x).abs() <= 0.5 * t.size
            && y >= from - 0.5 * t.size
            && y <= to + 0.5 * t.size
    })
}
