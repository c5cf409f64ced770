//! A table cell's text in Markdown: its links with their addresses and its code in backticks, as a
//! paragraph keeps them (weight and slant are the table's layout there: a bold header row). A link
//! target found in two cells of one row is no link of either: a link never runs from one cell into
//! the next, so its rectangle is a browser's copy of a link from elsewhere laid over the row.

use super::model::{Span, needs_space};
use super::text::{Style, clean, push, render};

/// The link targets found in more than one of a table row's cells. A link never runs from one
/// cell into the next (nor does a table repeat one link in its cells), so the rectangle is a
/// browser's copy of a link from elsewhere laid over the row: its cells are not linked.
pub(crate) fn shared_links<'a, C>(cells: impl Iterator<Item = C>) -> Vec<String>
where
    C: IntoIterator<Item = &'a Span>,
{
    let mut seen: Vec<String> = Vec::new();
    let mut shared: Vec<String> = Vec::new();
    for cell in cells {
        let mut mine: Vec<&String> = cell.into_iter().filter_map(|s| s.link.as_ref()).collect();
        mine.dedup();
        for uri in mine {
            if seen.contains(uri) {
                if !shared.contains(uri) {
                    shared.push(uri.clone());
                }
            } else {
                seen.push(uri.clone());
            }
        }
    }
    shared
}

/// One line of spans in Markdown with its links (and their addresses) and its code, as a table's
/// cell holds it: weight and slant are the table's layout there (a bold header row), not markup.
/// Links to the targets in `unlinked` are left out (`shared_links`).
pub(crate) fn inline(spans: &[Span], unlinked: &[String]) -> String {
    let mut pieces: Vec<(String, Style)> = Vec::new();
    let mut line = String::new();
    let mut prev: Option<&Span> = None;
    for s in spans {
        let text = clean(&s.text);
        if text.is_empty() {
            continue;
        }
        if prev.is_some_and(|p| needs_space(&line, p, s)) {
            line.push(' ');
            push(&mut pieces, " ".to_string(), None);
        }
        line.push_str(&text);
        let style = Style {
            code: s.mono,
            link: s.link.clone().filter(|u| !unlinked.contains(u)),
            ..Style::default()
        };
        push(&mut pieces, text, Some(style));
        prev = Some(s);
    }
    // A soft hyphen ending the line stays for the cell's line-joining rule.
    let soft = line.trim_end().ends_with('\u{00AD}');
    let mut out = render(&pieces);
    if soft {
        out.push('\u{00AD}');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{inline, shared_links};
    use crate::model::Span;

    fn linked(text: &str, x0: f32, x1: f32, uri: Option<&str>) -> Span {
        let mut s = Span::test(text, x0, x1, 100.0, 10.0);
        s.link = uri.map(str::to_string);
        s
    }

    #[test]
    fn a_cells_link_and_code_are_kept() {
        let mut code = linked("serde::Value", 10.0, 70.0, Some("https://docs.rs/serde"));
        code.mono = true;
        let cell = [code, linked("-Any value.", 70.0, 120.0, None)];
        assert_eq!(
            inline(&cell, &[]),
            "[`serde::Value`](https://docs.rs/serde)-Any value."
        );
        assert_eq!(
            inline(&cell, &["https://docs.rs/serde".to_string()]),
            "`serde::Value`-Any value."
        );
    }

    #[test]
    fn a_link_over_two_cells_of_a_row_is_no_link() {
        let u = Some("https://example.org/a");
        let row = [
            vec![linked("Coastal", 10.0, 50.0, u)],
            vec![linked("5,747", 80.0, 110.0, u)],
            vec![linked("guide", 140.0, 170.0, Some("https://example.org/b"))],
        ];
        assert_eq!(shared_links(row.iter()), vec!["https://example.org/a"]);
        // One cell holding the link twice (two lines) is not shared.
        let row = [vec![linked("a", 0.0, 5.0, u), linked("b", 6.0, 9.0, u)]];
        assert!(shared_links(row.iter()).is_empty());
    }
}
