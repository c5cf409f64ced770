//! Text clean-up and inline Markdown: ligatures expanded, soft hyphens removed, line-end hyphenation
//! undone where the word clearly continues, and bold/italic/link spans written as Markdown inline
//! markup while the lines of a block are re-flowed into one paragraph.

use super::links::{autolink, link_punctuation, wrapped_address};
use super::model::{Line, needs_space};

/// Expand typographic ligatures and drop characters that carry no text. A soft hyphen at the very
/// end is kept for the line-joining rule (`reflow` removes it).
pub(crate) fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let trailing_soft = s.trim_end().ends_with('\u{00AD}');
    for c in s.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\u{00AD}' | '\u{200B}' | '\u{FEFF}' | '\u{0000}' => {}
            '\u{00A0}' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    if trailing_soft {
        out.truncate(out.trim_end().len());
        out.push('\u{00AD}');
    }
    out
}

/// Prefixes whose hyphen is part of the word even when it falls at a line end ("well-known"),
/// unless what follows is a bare suffix ("high-er", "state-ment", "open-ing").
const KEEP_HYPHEN: &[&str] = &[
    "self", "well", "non", "cross", "all", "half", "quasi", "state", "high", "low", "long",
    "short", "open", "real", "user", "end", "two", "three", "first",
];

/// Endings that only ever continue a word.
const SUFFIXES: &[&str] = &[
    "ing", "ings", "ed", "er", "ers", "est", "ly", "tion", "tions", "ment", "ments", "ness", "ity",
    "ities", "ize", "ized", "izes", "ous", "al", "ally", "ance", "ence", "able", "ible", "ful",
    "less", "ism", "ist", "ists", "ship", "ate", "ated", "ates", "ative", "ive", "ic", "ical",
    "ary", "ory",
];

/// How the end of one line joins the start of the next: `None` = with a space, `Some(cut)` = glue
/// the words together after removing `cut` trailing bytes (a hyphen) from the first line.
pub(crate) fn join_rule(prev: &str, next: &str) -> Option<usize> {
    let next_first = next.chars().next()?;
    if prev.ends_with('\u{00AD}') {
        return Some('\u{00AD}'.len_utf8());
    }
    let hy = ['-', '\u{2010}'].into_iter().find(|h| prev.ends_with(*h))?;
    // A browser draws a visible hyphen after the soft hyphen it broke at ("tran\u{AD}" + "‐").
    let stem = prev
        .strip_suffix(hy)
        .unwrap_or(prev)
        .trim_end_matches('\u{00AD}');
    let word: String = stem
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if word.is_empty() {
        return None; // "-" after a digit or symbol: keep as is, join with a space
    }
    if !next_first.is_lowercase() {
        return Some(0); // "COVID-" + "19", "Rust-" + "Based": real hyphen, no space
    }
    let before = stem.chars().rev().nth(word.chars().count());
    let compound = before.is_some_and(|c| c == '-' || c == '/');
    let next_word: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
    let suffix = SUFFIXES.contains(&next_word.to_lowercase().as_str());
    if compound || (KEEP_HYPHEN.contains(&word.to_lowercase().as_str()) && !suffix) {
        return Some(0);
    }
    Some(hy.len_utf8())
}

/// Append the next line of a wrapped table cell: joined like the lines of a paragraph, so a word
/// hyphenated at the cell's edge ("Temperat-" + "ure") is whole again.
pub(crate) fn join_wrapped(dst: &mut String, next: &str) {
    let next = next.trim();
    if next.is_empty() {
        return;
    }
    if dst.is_empty() {
        dst.push_str(next);
        return;
    }
    match join_rule(dst, next) {
        Some(cut) => dst.truncate(dst.len().saturating_sub(cut)),
        None => dst.push(' '),
    }
    dst.push_str(next);
}

/// Inline style of a piece of text.
#[derive(Clone, PartialEq, Default)]
pub(crate) struct Style {
    pub(crate) bold: bool,
    pub(crate) italic: bool,
    pub(crate) code: bool,
    pub(crate) link: Option<String>,
}

/// Re-flow lines into one paragraph with inline markup. `plain` disables bold/italic (headings).
pub(crate) fn reflow(lines: &[Line], plain: bool) -> String {
    let mut pieces: Vec<(String, Style)> = Vec::new();
    // Text of the previous line (for the hyphenation rule) and of the current line so far.
    let mut prev_line = String::new();
    let mut cur_line = String::new();
    for line in lines {
        let mut first = true;
        let mut prev: Option<&super::model::Span> = None;
        for s in &line.spans {
            let mut text = clean(&s.text);
            if first {
                text = text.trim_start().to_string();
            }
            if text.is_empty() {
                continue;
            }
            let style = Style {
                bold: !plain && s.bold,
                italic: !plain && s.italic,
                code: !plain && s.mono,
                link: s.link.clone(),
            };
            let sep = if first {
                if pieces.is_empty() {
                    ""
                } else {
                    match join_rule(prev_line.trim_end(), &text) {
                        // An address broken over two lines inside its link is one word again.
                        None if wrapped_address(&pieces, &text, &style) => "",
                        None => " ",
                        Some(cut) => {
                            trim_last(&mut pieces, cut);
                            ""
                        }
                    }
                }
            } else if prev.is_some_and(|p| needs_space(&cur_line, p, s)) {
                " "
            } else {
                ""
            };
            if !sep.is_empty() {
                push(&mut pieces, sep.to_string(), None);
            }
            cur_line.push_str(&text);
            push(&mut pieces, text, Some(style));
            prev = Some(s);
            first = false;
        }
        if !cur_line.is_empty() {
            prev_line = std::mem::take(&mut cur_line);
        }
    }
    render(&pieces)
}

fn trim_last(pieces: &mut [(String, Style)], cut: usize) {
    if let Some((t, _)) = pieces.last_mut() {
        let trimmed = t.trim_end().len();
        t.truncate(trimmed);
        let keep = t.len().saturating_sub(cut);
        if t.is_char_boundary(keep) {
            t.truncate(keep);
        }
    }
}

/// Append text; a separator (`style == None`) inherits the previous piece's style.
pub(crate) fn push(pieces: &mut Vec<(String, Style)>, text: String, style: Option<Style>) {
    let style = match style {
        // (Code is written without weight or slant: a keyword in bold stays in its code span.)
        Some(s) if s.code => Style {
            bold: false,
            italic: false,
            ..s
        },
        Some(s) => s,
        None => pieces.last().map(|p| p.1.clone()).unwrap_or_default(),
    };
    match pieces.last_mut() {
        Some(last) if last.1 == style => last.0.push_str(&text),
        _ => pieces.push((text, style)),
    }
}

pub(crate) fn render(pieces: &[(String, Style)]) -> String {
    let mut out = String::new();
    let mut k = 0;
    while k < pieces.len() {
        // A link over several pieces (words in code and plain, "Setting up `#[derive]`") is one
        // link. A link to a file on the producer's machine ("file:///tmp/...": a browser's print
        // of a local page) leads nowhere for a reader: its words stay, unlinked.
        let uri = pieces[k]
            .1
            .link
            .as_deref()
            .filter(|u| !u.starts_with("file:"));
        let end = (k + 1..pieces.len())
            .find(|&e| uri.is_none() || pieces[e].1.link.as_deref() != uri)
            .unwrap_or(pieces.len());
        let group = &pieces[k..end];
        k = end;
        let text: String = group.iter().map(|p| p.0.as_str()).collect();
        let Some(uri) = uri.filter(|_| text.chars().any(char::is_alphanumeric)) else {
            group.iter().for_each(|(t, st)| styled(t, st, &mut out));
            continue;
        };
        // Brackets and stops a link's words carry stay outside it ("(LICENSE-APACHE)" is
        // "([LICENSE-APACHE](...))"), and a link whose words are its address is an autolink.
        let core = text.trim();
        let (open, inner, close) = link_punctuation(core, uri);
        out.push_str(&text[..text.len() - text.trim_start().len()]);
        out.push_str(&escape(open));
        match autolink(inner, uri) {
            Some(auto) if group.iter().all(|p| !p.1.code) => out.push_str(&auto),
            _ => {
                // The pieces' text less what went outside the link, each in its own style.
                let (mut skip, mut keep) = (
                    text.len() - text.trim_start().len() + open.len(),
                    inner.len(),
                );
                out.push('[');
                for (t, st) in group {
                    let from = skip.min(t.len());
                    let to = (from + keep).min(t.len());
                    skip -= from;
                    keep -= to - from;
                    if t.is_char_boundary(from) && t.is_char_boundary(to) && to > from {
                        styled(&t[from..to], st, &mut out);
                    }
                }
                out.push_str("](");
                out.push_str(&uri.replace(' ', "%20").replace(')', "%29"));
                out.push(')');
            }
        }
        out.push_str(&escape(close));
        out.push_str(&text[text.trim_end().len()..]);
    }
    collapse_spaces(out.trim()).replace('\u{00AD}', "")
}

/// One piece of text in its style (code, bold, italic), its surrounding spaces kept outside.
fn styled(text: &str, st: &Style, out: &mut String) {
    let core = text.trim();
    if core.is_empty() {
        out.push_str(text);
        return;
    }
    let mut body = if st.code {
        format!("`{}`", core.replace('`', "'"))
    } else {
        escape(core)
    };
    if core.chars().any(char::is_alphanumeric) && !st.code {
        if st.bold && st.italic {
            body = format!("***{body}***");
        } else if st.bold {
            body = format!("**{body}**");
        } else if st.italic {
            body = format!("*{body}*");
        }
    }
    out.push_str(&text[..text.len() - text.trim_start().len()]);
    out.push_str(&body);
    out.push_str(&text[text.trim_end().len()..]);
}

/// Escape characters that would otherwise start Markdown syntax inside running text.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '<' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(crate) fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c == ' ' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{clean, join_rule, join_wrapped};

    #[test]
    fn line_end_hyphens() {
        assert_eq!(join_rule("we are convert-", "ing files"), Some(1));
        assert_eq!(join_rule("a well-", "known tool"), Some(0));
        assert_eq!(join_rule("state-of-the-", "art"), Some(0));
        assert_eq!(join_rule("COVID-", "19 cases"), Some(0));
        assert_eq!(join_rule("Rust-", "Based"), Some(0));
        assert_eq!(join_rule("Ex-", "isting systems"), Some(1));
        assert_eq!(join_rule("a high-", "er rate"), Some(1));
        assert_eq!(join_rule("a high-", "level view"), Some(0));
        assert_eq!(join_rule("pages 3 -", "5"), None);
        assert_eq!(join_rule("plain end", "next"), None);
        assert_eq!(join_rule("inter\u{AD}", "esting"), Some(2));
        // The hyphen a browser draws after the soft hyphen it broke the line at.
        assert_eq!(join_rule("tran\u{AD}\u{2010}", "sformation"), Some(3));
        let mut cell = String::from("Temperat-");
        join_wrapped(&mut cell, "ure");
        join_wrapped(&mut cell, "(daily)");
        assert_eq!(cell, "Temperature (daily)");
    }

    #[test]
    fn ligatures_and_invisible_characters() {
        assert_eq!(
            clean("\u{FB01}nd \u{FB02}ow o\u{FB03}ce e\u{FB00}ort"),
            "find flow office effort"
        );
        assert_eq!(clean("soft\u{AD}ware\u{200B}"), "software");
        assert_eq!(clean("hy\u{AD}"), "hy\u{AD}");
    }
}
