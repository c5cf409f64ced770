//! Blocks to Markdown for the whole document: the body font size is measured over all pages so
//! headings get consistent levels (`#`..`###` by size rank), list items are nested by indentation,
//! and paragraphs, code blocks and tables are written out.

use super::blocks::Block;
use super::chapters;
use super::markers::split_marker;
use super::model::Line;
use super::pipe;
use super::text::{clean, reflow};

/// The font size (rounded to half points) and font name carrying most characters.
pub(crate) fn body_style(blocks: &[Block]) -> (f32, String) {
    let mut hist: Vec<(i32, usize)> = Vec::new();
    let mut fonts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for b in blocks {
        let lines = match b {
            Block::Para(l) | Block::Item { lines: l, .. } => l,
            _ => continue,
        };
        for l in lines {
            let key = (l.size * 2.0).round() as i32;
            let n = l.text().chars().count();
            *fonts.entry(l.font.as_str()).or_default() += n;
            match hist.iter_mut().find(|e| e.0 == key) {
                Some(e) => e.1 += n,
                None => hist.push((key, n)),
            }
        }
    }
    let size = hist
        .iter()
        .max_by_key(|e| e.1)
        .map(|e| e.0 as f32 / 2.0)
        .filter(|s| *s > 0.0)
        .unwrap_or(10.0);
    let font = fonts
        .into_iter()
        .max_by_key(|f| f.1)
        .map(|f| f.0.to_string());
    (size, font.unwrap_or_default())
}

/// Heading key of a paragraph block: `Some(size key)` when it looks like a heading.
fn heading_key(lines: &[Line], body: f32, body_font: &str) -> Option<i32> {
    if lines.is_empty() || lines.len() > 3 {
        return None;
    }
    let text: String = lines.iter().map(Line::text).collect::<Vec<_>>().join(" ");
    let n = text.chars().count();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if n > 160 || letters < 2 || letters * 2 < n.min(40) {
        return None;
    }
    let size = lines.iter().map(|l| l.size).fold(0.0f32, f32::max);
    let bold = lines.iter().all(Line::all_bold);
    let sentence = text.ends_with('.') && !starts_numbered(&text);
    if size >= body * 1.15 && !(sentence && n > 60) {
        return Some((size * 2.0).round() as i32);
    }
    if bold && size >= body * 0.95 && n <= 100 && lines.len() <= 2 && !sentence {
        return Some(0); // bold at body size: lowest heading level
    }
    let other_font = lines.iter().all(|l| l.font != body_font);
    if other_font && size >= body * 1.05 && lines.len() == 1 && n <= 80 && !sentence {
        return Some((size * 2.0).round() as i32);
    }
    let italic = lines.iter().all(Line::all_italic);
    let titled = text.chars().next().is_some_and(char::is_uppercase) || starts_numbered(&text);
    let punct = text.ends_with(['.', ',', ';', ':']);
    if italic && size >= body * 0.95 && n <= 60 && lines.len() == 1 && titled && !punct {
        return Some(-1); // italic run-in heading at body size
    }
    if lines.len() == 1 && size >= body * 0.95 && n <= 60 && !punct && capitals(&text) {
        return Some(0); // a line of capitals at body size, a block of its own
    }
    None
}

/// Capitals only, as IEEE and ACM set their section headings ("I. INTRODUCTION", "REFERENCES"):
/// two words or more, or one of five letters or more; not a caption's label ("TABLE I").
fn capitals(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    let first = words
        .first()
        .map(|w| w.trim_end_matches(['.', ':']))
        .unwrap_or("");
    letters.len() >= 4
        && letters.iter().all(|c| c.is_uppercase())
        && (words.len() >= 2 || letters.len() >= 5)
        && !["TABLE", "FIGURE", "FIG", "LISTING", "ALGORITHM"].contains(&first)
}

/// A one-line "numbered list item" set in bold or large type is a numbered heading ("1. Scope",
/// "(2) Scope").
fn numbered_heading(lines: &[Line], body: f32, body_font: &str) -> bool {
    let [line] = lines else {
        return false;
    };
    let text = line.text();
    let styled = line.all_bold()
        || line.size >= body * 1.15
        || (line.font != body_font && line.size >= body * 1.05);
    styled
        && text.chars().count() <= 80
        && !text.ends_with(['.', ':', ';', ','])
        && (text.starts_with(|c: char| c.is_ascii_digit())
            || text.starts_with('(') && text[1..].starts_with(|c: char| c.is_ascii_digit()))
        && heading_key(lines, body, body_font).is_some()
}

fn starts_numbered(t: &str) -> bool {
    let head = t.split_whitespace().next().unwrap_or("");
    !head.is_empty()
        && head.chars().next().is_some_and(|c| c.is_ascii_digit())
        && head.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Render all blocks of the document.
pub(crate) fn render(blocks: &[Block]) -> String {
    let (body, body_font) = body_style(blocks);
    let joined = chapters::join_labels(blocks, |l| heading_key(l, body, &body_font).is_some());
    let blocks = joined.as_deref().unwrap_or(blocks);
    // Rank distinct heading sizes: largest -> level 1; bold body-size headings come last.
    let mut keys: Vec<i32> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para(l) => heading_key(l, body, &body_font),
            Block::Item { lines, .. } if numbered_heading(lines, body, &body_font) => {
                heading_key(lines, body, &body_font)
            }
            _ => None,
        })
        .collect();
    keys.sort_unstable_by(|a, b| b.cmp(a));
    keys.dedup();
    let level_of = |k: i32| -> usize {
        let rank = keys.iter().position(|x| *x == k).unwrap_or(0);
        (rank + 1).min(3)
    };
    let mut out = String::new();
    // Open list levels: marker x position and the indentation of that level's item text.
    let mut list_stack: Vec<(f32, usize)> = Vec::new();
    for b in blocks {
        if !matches!(b, Block::Item { .. }) {
            list_stack.clear();
        }
        match b {
            Block::PageBreak(n) => {
                out.push_str(&format!("<!-- page {n} -->\n\n"));
            }
            Block::Note { label, lines } => {
                out.push_str(&format!("[^{label}]: {}\n\n", reflow(lines, false)));
            }
            Block::Para(lines) | Block::Aside(lines) => {
                // An aside is never a heading (`asides.rs`).
                let heading = if matches!(b, Block::Para(_)) {
                    heading_key(lines, body, &body_font)
                } else {
                    None
                };
                if let Some(k) = heading {
                    let text = reflow(lines, true);
                    let text = text.trim_matches(|c: char| c == '#' || c.is_whitespace());
                    if !text.is_empty() {
                        out.push_str(&"#".repeat(level_of(k)));
                        out.push(' ');
                        out.push_str(text);
                        out.push_str("\n\n");
                    }
                    continue;
                }
                let text = reflow(lines, false);
                if !text.is_empty() {
                    out.push_str(&protect_line_start(&text));
                    out.push_str("\n\n");
                }
            }
            Block::Item { lines, .. } if numbered_heading(lines, body, &body_font) => {
                let text = reflow(lines, true);
                let level = heading_key(lines, body, &body_font).map_or(3, level_of);
                out.push_str(&format!("{} {text}\n\n", "#".repeat(level)));
                continue;
            }
            Block::Item { x, marker, lines } => {
                let size = lines.first().map(|l| l.size).unwrap_or(10.0);
                while list_stack.last().is_some_and(|top| *x < top.0 - 0.5 * size) {
                    list_stack.pop();
                }
                let numbered = marker.starts_with(|c: char| c.is_ascii_digit());
                let md_marker = if numbered {
                    marker.clone()
                } else if marker.ends_with(')') {
                    format!("- {marker}")
                } else {
                    "-".to_string()
                };
                // A sibling replaces the level's entry (its marker may be wider: "9." then "10.").
                let deeper = list_stack.last().is_none_or(|top| *x > top.0 + 0.5 * size);
                if !deeper {
                    list_stack.pop();
                }
                let indent = list_stack.last().map_or(0, |top| top.1).min(24);
                list_stack.push((*x, indent + md_marker.chars().count() + 1));
                let text = reflow(&strip_marker(lines), false);
                out.push_str(&" ".repeat(indent));
                out.push_str(&md_marker);
                out.push(' ');
                out.push_str(&text);
                out.push('\n');
                continue;
            }
            Block::Code(lines) => {
                let min_x = lines.iter().map(|l| l.x0).fold(f32::MAX, f32::min);
                out.push_str("```\n");
                for (i, l) in lines.iter().enumerate() {
                    // A blank line of the code where the gap above holds one.
                    if i > 0 && l.top - lines[i - 1].bottom > 0.8 * l.size {
                        out.push('\n');
                    }
                    out.push_str(&clean(&code_text(l, min_x)).replace("```", "'''"));
                    out.push('\n');
                }
                out.push_str("```\n\n");
            }
            Block::Table(cells) => {
                pipe::render(cells, &mut out);
                out.push('\n');
            }
        }
        if out.ends_with('\n') && !out.ends_with("\n\n") {
            out.push('\n');
        }
    }
    tidy(&out)
}

/// A line of code with its spaces where the page shows them: each piece of text at the column its
/// position gives (a monospaced face's advance), so indentation and aligned runs survive
/// ("  |          -------- required by"), a word space where pieces touch.
fn code_text(l: &Line, min_x: f32) -> String {
    let mut widths: Vec<f32> = (l.spans.iter())
        .filter(|s| s.text.chars().count() >= 2)
        .map(|s| (s.x1 - s.x0) / s.text.chars().count() as f32)
        .collect();
    widths.sort_by(f32::total_cmp);
    let cw = widths
        .get(widths.len() / 2)
        .copied()
        .unwrap_or(l.size * 0.6)
        .max(1.0);
    let mut out = String::new();
    let mut prev: Option<&super::model::Span> = None;
    for s in &l.spans {
        let col = (((s.x0 - min_x) / cw).round().max(0.0) as usize).min(200);
        let spaced = out.ends_with(' ') || s.text.starts_with(' ');
        match prev {
            None => out.push_str(&" ".repeat(col)),
            // Pieces a gap apart: as many spaces as the gap holds advances, one at least (the
            // gap also holds the side bearings of the letters on either side).
            Some(p) if s.x0 - p.x1 >= 0.5 * cw && !spaced => {
                let n = ((s.x0 - p.x1) / cw + 0.25).floor() as usize;
                out.push_str(&" ".repeat(n.clamp(1, 200)));
            }
            _ => {}
        }
        out.push_str(&s.text);
        prev = Some(s);
    }
    out.trim_end().to_string()
}

/// Remove the list marker from the start of an item's first line.
fn strip_marker(lines: &[Line]) -> Vec<Line> {
    let mut lines = lines.to_vec();
    let Some(first) = lines.first_mut() else {
        return lines;
    };
    let Some((_, rest)) = split_marker(&first.text()) else {
        return lines;
    };
    // Drop the marker's visible characters from the leading spans, then the space after it.
    let full = first.text();
    let head = full.chars().count().saturating_sub(rest.chars().count());
    let mut to_drop = full
        .chars()
        .take(head)
        .filter(|c| !c.is_whitespace())
        .count();
    let mut spans = Vec::new();
    for mut s in std::mem::take(&mut first.spans) {
        if to_drop > 0 {
            let mut kept = String::new();
            for c in s.text.chars() {
                if to_drop > 0 {
                    if !c.is_whitespace() {
                        to_drop -= 1;
                    }
                } else {
                    kept.push(c);
                }
            }
            s.text = kept.trim_start().to_string();
            if s.text.is_empty() {
                continue;
            }
        }
        spans.push(s);
    }
    first.spans = spans;
    lines
}

/// Keep running text from being read as Markdown syntax at the start of a line.
fn protect_line_start(t: &str) -> String {
    let symbol =
        t.starts_with('#') || t.starts_with('>') || t.starts_with("- ") || t.starts_with("+ ");
    if symbol {
        return format!("\\{t}");
    }
    // "12. text" would start an ordered list: escape the number's period or parenthesis.
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if let (true, Some(num), Some(rest)) = (
        digits > 0 && split_marker(t).is_some(),
        t.get(..digits),
        t.get(digits..),
    ) {
        return format!("{num}\\{rest}");
    }
    t.to_string()
}

/// Ensure lists are followed by a blank line and no more than one blank line appears in a row.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_item = false;
    let mut blank = 0;
    for line in s.lines() {
        let is_item = line.trim_start().starts_with("- ")
            || split_marker(line.trim_start())
                .is_some_and(|(m, _)| m.starts_with(|c: char| c.is_ascii_digit()));
        if line.trim().is_empty() {
            blank += 1;
            if blank == 1 {
                out.push('\n');
            }
            prev_item = false;
            continue;
        }
        if prev_item && !is_item && blank == 0 {
            out.push('\n');
        }
        blank = 0;
        out.push_str(line);
        out.push('\n');
        prev_item = is_item;
    }
    out.trim().to_string() + "\n"
}

#[cfg(test)]
mod tests {
    use super::protect_line_start;
    use crate::text::escape;

    #[test]
    fn running_text_is_not_read_as_markup() {
        assert_eq!(protect_line_start("# not a heading"), "\\# not a heading");
        assert_eq!(protect_line_start("2014. A year"), "2014. A year");
        assert_eq!(protect_line_start("12. not a list"), "12\\. not a list");
        assert_eq!(protect_line_start("plain"), "plain");
        assert_eq!(escape(r"a*b_c\d [e]"), r"a\*b\_c\\d \[e\]");
    }

    #[test]
    fn lines_of_capitals_that_read_as_headings() {
        for h in [
            "I. INTRODUCTION",
            "REFERENCES",
            "2 RELATED WORK",
            "A. ÉTAT DE L’ART",
        ] {
            assert!(super::capitals(h), "{h}");
        }
        for t in ["TABLE I", "FIG. 3", "NASA", "I. Introduction", "OK"] {
            assert!(!super::capitals(t), "{t}");
        }
    }
}
