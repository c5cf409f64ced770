//! Run-in headings: LaTeX's `\paragraph` (and pandoc's `####` through it) sets its title in bold at
//! the start of the paragraph it heads, a quad (one em) before the text, where a bold phrase inside
//! prose stands a word space from the words after it. Such an opening becomes a heading of its own
//! over the rest of the paragraph.

use super::blocks::Block;
use super::model::{Line, Span};

/// The gap (in font sizes) between a run-in title and its text: LaTeX's quad, where a justified
/// line stretches its word spaces to two thirds of an em at most.
const QUAD_EM: f32 = 0.85;
/// Most words in a run-in title.
const MAX_WORDS: usize = 8;

/// Split every paragraph that opens with a run-in title into the title and the paragraph.
pub(crate) fn split(blocks: &mut Vec<Block>) {
    let mut k = 0;
    while k < blocks.len() {
        if let Block::Para(lines) = &mut blocks[k]
            && let Some(title) = take_title(lines)
        {
            blocks.insert(k, Block::Para(vec![title]));
            k += 1;
        }
        k += 1;
    }
}

/// The run-in title of the paragraph `lines`, taken off its first line.
fn take_title(lines: &mut [Line]) -> Option<Line> {
    let first = lines.first()?;
    let n = first.spans.iter().take_while(|s| s.bold).count();
    let (head, rest) = first.spans.split_at(n);
    let (last, next) = (head.last()?, rest.first()?);
    let text = head
        .iter()
        .map(|s| s.text.trim())
        .collect::<Vec<_>>()
        .join(" ");
    let words = text.split_whitespace().count();
    // A title in words, not a form's bold box number ("5").
    let titled = text
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        && text.chars().filter(|c| c.is_alphabetic()).count() >= 2;
    let quad = next.x0 - last.ink_x1() >= QUAD_EM * last.size.max(next.size);
    let body = rest
        .iter()
        .any(|s| !s.bold && s.text.chars().any(char::is_alphabetic));
    if !(1..=MAX_WORDS).contains(&words)
        || !titled
        || text.ends_with(['.', ',', ';', ':'])
        || !quad
        || !body
        || next.bold
    {
        return None;
    }
    let head: Vec<Span> = head.to_vec();
    let rest: Vec<Span> = rest.to_vec();
    lines[0] = Line::from_spans(rest);
    Some(Line::from_spans(head))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, x0: f32, x1: f32, bold: bool) -> Span {
        Span {
            bold,
            ..Span::test(text, x0, x1, 100.0, 10.0)
        }
    }

    #[test]
    fn a_bold_title_a_quad_before_its_text_is_a_heading_over_it() {
        let line = Line::from_spans(vec![
            span("Quality control", 72.0, 140.0, true),
            span(
                "All instruments were calibrated before each week.",
                150.0,
                400.0,
                false,
            ),
        ]);
        let mut blocks = vec![Block::Para(vec![line])];
        split(&mut blocks);
        let texts: Vec<String> = blocks
            .iter()
            .map(|b| match b {
                Block::Para(l) => l.iter().map(Line::text).collect::<Vec<_>>().join(" "),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            texts,
            [
                "Quality control",
                "All instruments were calibrated before each week."
            ]
        );
    }

    #[test]
    fn a_bold_phrase_a_word_space_before_the_text_ending_in_a_colon_or_without_words_stays() {
        for (head, gap) in [("Quality control", 3.0), ("Note:", 10.0), ("5", 10.0)] {
            let line = Line::from_spans(vec![
                span(head, 72.0, 140.0, true),
                span(
                    "the instruments were calibrated.",
                    140.0 + gap,
                    400.0,
                    false,
                ),
            ]);
            let mut blocks = vec![Block::Para(vec![line])];
            split(&mut blocks);
            assert_eq!(blocks.len(), 1, "{head}");
        }
    }
}
