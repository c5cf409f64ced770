//! List markers: the bullets, numbers and letters that open a list item's first line ("•", "3.",
//! "b)", "(1)"), and the split of a line's text into its marker and the item's text.

pub(crate) fn is_bullet_char(c: char) -> bool {
    matches!(
        c,
        '•' | '◦'
            | '▪'
            | '▫'
            | '●'
            | '○'
            | '■'
            | '□'
            | '◆'
            | '◇'
            | '►'
            | '▶'
            | '➢'
            | '➤'
            | '✓'
            | '✔'
            | '-'
            | '–'
            | '*'
            | '·'
            | '∙'
            | '⁃'
            | '☐'
            | '❑'
            | '❏'
            | '‣'
            | '∗'
            | '⋆'
            | '⋄'
            | '♦'
            | '◾'
            | '◽'
            | '⦁'
            | '❖'
            | '➔'
            | '➜'
    ) || ('\u{E000}'..='\u{F8FF}').contains(&c) // symbol-font bullets and check boxes
}

/// Split a leading list marker off a line's text: `("-", rest)` for bullets, `("3.", rest)` for
/// numbers, `("a)", rest)` for letters.
pub(crate) fn split_marker(text: &str) -> Option<(String, String)> {
    let t = text.trim_start();
    let mut chars = t.chars();
    let first = chars.next()?;
    if is_bullet_char(first) {
        let rest = chars.as_str();
        // "-" and "–" only count as bullets when followed by a space ("-5 °C" is not a list).
        let spaced = rest.starts_with(char::is_whitespace);
        if (matches!(first, '-' | '–' | '*') && !spaced) || rest.trim().is_empty() {
            return None;
        }
        return Some(("-".into(), rest.trim_start().to_string()));
    }
    let (head, rest) = t.split_once(char::is_whitespace)?;
    if rest.trim().is_empty() {
        return None;
    }
    // "(1)" and "(a)": the enclosed forms of "1." and "a)" (acmart's and many legal styles' lists).
    let enclosed = head.strip_prefix('(').and_then(|h| h.strip_suffix(')'));
    let core_num = match enclosed {
        Some(core) => core,
        None => head.strip_suffix('.').or_else(|| head.strip_suffix(')'))?,
    };
    let close = if head.ends_with(')') && enclosed.is_none() {
        ')'
    } else {
        '.'
    };
    let numeric =
        !core_num.is_empty() && core_num.len() <= 3 && core_num.chars().all(|c| c.is_ascii_digit());
    let letter = core_num.len() == 1 && core_num.chars().all(|c| c.is_ascii_lowercase());
    if numeric {
        Some((format!("{core_num}{close}"), rest.trim_start().to_string()))
    } else if letter {
        Some((format!("{core_num})"), rest.trim_start().to_string()))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::split_marker;

    fn m(t: &str) -> Option<(String, String)> {
        split_marker(t)
    }

    #[test]
    fn list_markers() {
        assert_eq!(m("• Apples"), Some(("-".into(), "Apples".into())));
        assert_eq!(m("- Pears"), Some(("-".into(), "Pears".into())));
        assert_eq!(m("12. Step"), Some(("12.".into(), "Step".into())));
        assert_eq!(m("3) Step"), Some(("3)".into(), "Step".into())));
        assert_eq!(m("b) Option"), Some(("b)".into(), "Option".into())));
        assert_eq!(m("-5 degrees"), None);
        assert_eq!(m("2014. A year"), None);
        assert_eq!(m("(1) Step"), Some(("1.".into(), "Step".into())));
        assert_eq!(m("(c) Option"), Some(("c)".into(), "Option".into())));
        assert_eq!(m("(2019) A year"), None);
        assert_eq!(m("(ii) Roman"), None);
        assert_eq!(m("•"), None);
    }
}
