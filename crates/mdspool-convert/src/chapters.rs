//! A chapter's label set as a heading of its own over the chapter's title ("Chapter 1" above
//! "Secondary Resistance", as LaTeX's book and report classes and many word-processor templates
//! print it) is one heading: "Chapter 1: Secondary Resistance". Read apart, the label becomes a
//! heading naming nothing and takes a heading level of its own.

use super::blocks::Block;
use super::model::Line;

/// Words that open a chapter-like label; what follows is its number.
const LABELS: &[&str] = &[
    "chapter", "part", "appendix", "book", "lecture", "lesson", "unit", "annex", "section",
];

/// "Chapter 1", "PART IV", "Appendix B", "Lecture 12.": a label word and a number alone.
pub(crate) fn is_label(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let (Some(word), Some(number), None) = (words.next(), words.next(), words.next()) else {
        return false;
    };
    let number = number.trim_end_matches(['.', ':']);
    let numeral = (!number.is_empty()
        && number.len() <= 4
        && number.chars().all(|c| c.is_ascii_digit()))
        || (!number.is_empty() && number.len() <= 7 && number.chars().all(|c| "IVXLC".contains(c)))
        || (number.len() == 1 && number.chars().all(|c| c.is_ascii_uppercase()));
    numeral && LABELS.contains(&word.to_lowercase().as_str())
}

/// The blocks with each label heading joined to the heading right under it, when there is one;
/// `heading` tells whether a paragraph reads as a heading.
pub(crate) fn join_labels(
    blocks: &[Block],
    heading: impl Fn(&[Line]) -> bool,
) -> Option<Vec<Block>> {
    let label_at = |k: usize| match (blocks.get(k), blocks.get(k + 1)) {
        (Some(Block::Para(a)), Some(Block::Para(b))) => {
            let text: Vec<String> = a.iter().map(Line::text).collect();
            is_label(&text.join(" "))
                && heading(a)
                && heading(b)
                && !is_label(&b.iter().map(Line::text).collect::<Vec<_>>().join(" "))
                && a.len() + b.len() <= 3
        }
        _ => false,
    };
    if !(0..blocks.len()).any(label_at) {
        return None;
    }
    let mut out = Vec::with_capacity(blocks.len());
    let mut k = 0;
    while k < blocks.len() {
        if label_at(k)
            && let (Block::Para(a), Block::Para(b)) = (&blocks[k], &blocks[k + 1])
        {
            let mut lines = a.clone();
            if let Some(span) = lines.last_mut().and_then(|l| l.spans.last_mut())
                && !span.text.trim_end().ends_with(['.', ':'])
            {
                span.text = format!("{}:", span.text.trim_end());
            }
            lines.extend(b.iter().cloned());
            out.push(Block::Para(lines));
            k += 2;
            continue;
        }
        out.push(blocks[k].clone());
        k += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::is_label;

    #[test]
    fn labels() {
        for yes in [
            "Chapter 1",
            "CHAPTER 12",
            "Part IV",
            "Appendix B",
            "Lecture 3.",
        ] {
            assert!(is_label(yes), "{yes}");
        }
        for no in [
            "Chapter One Begins",
            "Results 1",
            "Part",
            "Chapter 12345",
            "Section a",
        ] {
            assert!(!is_label(no), "{no}");
        }
    }
}
