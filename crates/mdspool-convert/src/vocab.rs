//! The document's own words, counted, as evidence for joining the two parts of a word a narrow
//! table cell broke ("Perma" / "nent article"): the joined word is one the document uses, and used
//! at least as often as the first part alone, so a real word before a break ("with" / "in") stays.

use std::collections::HashMap;

use super::model::Line;

/// Lower-case words of letters and how often each occurs.
#[derive(Default)]
pub(crate) struct Vocab {
    counts: HashMap<String, u32>,
}

/// Most distinct words kept (a very long document's rare words add no evidence worth the memory).
const MAX_WORDS: usize = 200_000;

impl Vocab {
    /// Count the words of every line.
    pub(crate) fn of<'a>(lines: impl Iterator<Item = &'a Line>) -> Vocab {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for l in lines {
            for s in &l.spans {
                for w in s.text.split(|c: char| !c.is_alphabetic()) {
                    if w.is_empty() {
                        continue;
                    }
                    let w = w.to_lowercase();
                    if let Some(n) = counts.get_mut(&w) {
                        *n += 1;
                    } else if counts.len() < MAX_WORDS {
                        counts.insert(w, 1);
                    }
                }
            }
        }
        Vocab { counts }
    }

    /// How often the document uses `w` (any case).
    pub(crate) fn count(&self, w: &str) -> u32 {
        self.counts.get(&w.to_lowercase()).copied().unwrap_or(0)
    }

    /// Whether `head` (the last word of a line) and `tail` (the first word of the next) are one
    /// word broken in two: the document uses the joined word, at least as often as `head` alone.
    pub(crate) fn joins(&self, head: &str, tail: &str) -> bool {
        let letters = |w: &str| !w.is_empty() && w.chars().all(char::is_alphabetic);
        if !letters(head) || !letters(tail) || !tail.starts_with(char::is_lowercase) {
            return false;
        }
        let whole = self.count(&format!("{head}{tail}"));
        whole > 0 && self.count(head) <= whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    fn vocab(text: &str) -> Vocab {
        let lines: Vec<Line> = text
            .lines()
            .map(|t| Line::from_spans(vec![Span::plain(t.to_string())]))
            .collect();
        Vocab::of(lines.iter())
    }

    #[test]
    fn a_word_the_document_uses_joins_its_broken_parts() {
        let v = vocab("The permanent interval\nPerma\nnent article\nwith\nwithin reach\nwith care");
        assert!(v.joins("Perma", "nent"));
        // "with" alone is as common as "within" or more: a word of its own.
        assert!(!v.joins("with", "in"));
        // Never seen joined, or not in lower case after the break.
        assert!(!v.joins("Contemporary", "current"));
        assert!(!v.joins("Perma", "Nent"));
    }
}
