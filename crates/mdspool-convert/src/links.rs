//! How a link's words are written (`text.rs`): the brackets, quotes and stops around them kept
//! outside the link, an address shown as itself written as an autolink, an address broken over two
//! lines inside its link joined again.

use super::text::Style;

/// Whether the paragraph so far (`pieces`) and the next line starting with `next`, both in one
/// link, break its address where it has no space ("https://www.apache.org/licenses/"
/// "LICENSE-2.0").
pub(crate) fn wrapped_address(pieces: &[(String, Style)], next: &str, style: &Style) -> bool {
    let (Some(uri), Some(last)) = (style.link.as_deref(), pieces.last()) else {
        return false;
    };
    let tail = last.0.trim_end().rsplit(' ').next().unwrap_or("");
    let head = next.split(' ').next().unwrap_or("");
    let head = head.trim_end_matches([')', '.', ',', ';']);
    last.1.link.as_deref() == Some(uri)
        && tail.len() >= 4
        && !head.is_empty()
        && uri.contains(&format!("{tail}{head}"))
}

/// A link's words split into the opening brackets and quotes before them, the linked words, and
/// the closing brackets, quotes and stops after them (not "?" or "!", which end a title as often);
/// a closing character the address itself ends with stays linked (".../Rust_(language)").
pub(crate) fn link_punctuation<'a>(core: &'a str, uri: &str) -> (&'a str, &'a str, &'a str) {
    let count = |s: &str, c: char| s.matches(c).count();
    // A bracket or quote goes outside only when the linked words leave it unmatched: "(see the
    // guide)" keeps its pair, "(LICENSE-APACHE" gives up its "(".
    let unmatched = |s: &str, c: char| match c {
        '(' => count(s, '(') > count(s, ')'),
        ')' => count(s, ')') > count(s, '('),
        '\u{201C}' => count(s, '\u{201C}') > count(s, '\u{201D}'),
        '\u{201D}' => count(s, '\u{201D}') > count(s, '\u{201C}'),
        '"' => count(s, '"') % 2 == 1,
        _ => false,
    };
    let mut start = 0;
    while let Some(c) = core[start..].chars().next() {
        if !matches!(c, '(' | '"' | '\u{201C}') || !unmatched(&core[start..], c) {
            break;
        }
        start += c.len_utf8();
    }
    let inner = &core[start..];
    let mut end = inner.len();
    while let Some(c) = inner[..end].chars().next_back() {
        let stop = matches!(c, '.' | ',' | ';' | ':');
        let bracket = matches!(c, ')' | '"' | '\u{201D}') && unmatched(&inner[..end], c);
        let kept = uri.ends_with(&inner[end - c.len_utf8()..]);
        if !(stop || bracket) || kept {
            break;
        }
        end -= c.len_utf8();
    }
    let words = inner[..end].trim_end();
    (&core[..start], words, &inner[words.len()..])
}

/// `<address>` for a link whose words are its own web or mail address.
pub(crate) fn autolink(words: &str, uri: &str) -> Option<String> {
    let bare = |u: &str| u.trim_end_matches('/').to_ascii_lowercase();
    let shown = bare(words);
    let web = uri.starts_with("http://") || uri.starts_with("https://");
    if web && !uri.contains([' ', '<', '>']) && shown == bare(uri) {
        return Some(format!("<{uri}>"));
    }
    let mail = uri.strip_prefix("mailto:")?;
    (shown == bare(mail) && !mail.contains([' ', '<', '>'])).then(|| format!("<{mail}>"))
}
