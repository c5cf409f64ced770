//! Right-to-left text in logical order. The parser returns some Arabic and Hebrew spans in the order
//! the content stream drew the glyphs (left to right, i.e. visual order), sometimes with a few words
//! of the line already turned round, so the span text alone cannot tell which parts are reversed.
//! The glyph positions can: the glyphs of a right-to-left span are put in visual order by their x
//! position and read back with a right-to-left base direction, keeping runs of digits and Latin
//! text left to right (a simplified inverse of the Unicode bidirectional algorithm).

use super::model::is_rtl;

/// One glyph as drawn: its text (one character, or a ligature such as lam-alef, or a base letter
/// with its combining marks) and its horizontal extent.
#[derive(Debug, Clone)]
pub(crate) struct Glyph {
    pub text: String,
    pub x0: f32,
    pub x1: f32,
}

/// Bidirectional class, reduced to what the visual-to-logical reading needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Right-to-left letter.
    R,
    /// Left-to-right letter.
    L,
    /// Digit (European or Arabic-Indic: both are laid out left to right).
    Num,
    /// Separator inside a number (`1403/09/19`, `47.500`, `2-5`).
    NumSep,
    /// Terminator attached to a number (`50%`, `$5`).
    NumTerm,
    /// Space and other punctuation.
    Neutral,
}

fn class(c: char) -> Class {
    if c.is_ascii_digit()
        || matches!(c, '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}')
        || c.is_numeric() && !is_rtl(c)
    {
        Class::Num
    } else if is_rtl(c) && c.is_alphabetic() {
        Class::R
    } else if c.is_alphabetic() {
        Class::L
    } else if matches!(
        c,
        '.' | ',' | '/' | ':' | '-' | '+' | '\u{066B}' | '\u{066C}'
    ) {
        Class::NumSep
    } else if matches!(c, '%' | '\u{066A}' | '\u{2030}' | '#' | '$' | '\u{00B0}')
        || matches!(c, '\u{00A2}'..='\u{00A5}' | '\u{20A0}'..='\u{20CF}')
    {
        Class::NumTerm
    } else {
        Class::Neutral
    }
}

/// The class of a glyph: its first strong or number character.
fn glyph_class(g: &Glyph) -> Class {
    let mut weak = Class::Neutral;
    for c in g.text.chars() {
        match class(c) {
            Class::Neutral => {}
            k @ (Class::R | Class::L | Class::Num) => return k,
            k => weak = k,
        }
    }
    weak
}

/// Whether right-to-left letters are the majority of the letters of `text`.
pub(crate) fn mostly_rtl(text: &str) -> bool {
    mostly_rtl_texts([text])
}

/// Whether right-to-left letters are the majority of the letters of all `texts`.
pub(crate) fn mostly_rtl_texts<'a>(texts: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut r, mut l) = (0usize, 0usize);
    for c in texts.into_iter().flat_map(str::chars) {
        match class(c) {
            Class::R => r += 1,
            Class::L => l += 1,
            _ => {}
        }
    }
    r > l
}

pub(crate) fn has_rtl_letter(text: &str) -> bool {
    text.chars().any(|c| class(c) == Class::R)
}

/// Which items of a left-to-right sequence (glyphs in visual order, or spans) are laid out left to
/// right inside right-to-left text: digits and Latin letters, terminators touching a number
/// ("%50"), and the neutrals joining two such items when one is Latin ("Page 7", "ISO 9001") or
/// when they are a single separator between numbers ("1403/09/19"); spaces alone between two
/// numbers do not join them (two numbers in a right-to-left sentence read from the right).
fn ltr_flags(classes: &[Class]) -> Vec<bool> {
    let n = classes.len();
    let mut ltr: Vec<bool> = classes
        .iter()
        .map(|k| matches!(k, Class::L | Class::Num))
        .collect();
    for i in 0..n {
        if classes[i] == Class::NumTerm {
            let left = i > 0 && classes[i - 1] == Class::Num;
            let right = classes.get(i + 1) == Some(&Class::Num);
            if left || right {
                ltr[i] = true;
            }
        }
    }
    let mut i = 0;
    while i < n {
        if !ltr[i] {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < n && !ltr[j] && classes[j] != Class::R && classes[j] != Class::L {
            j += 1;
        }
        if j < n && ltr[j] && j > i + 1 {
            let latin = [i, j].iter().any(|&k| classes[k] == Class::L);
            let one_sep = j == i + 2 && classes[i + 1] == Class::NumSep;
            if latin || one_sep {
                for flag in &mut ltr[i + 1..j] {
                    *flag = true;
                }
            }
        }
        i = j;
    }
    ltr
}

/// The class of a whole span for ordering spans on a right-to-left line: right-to-left if it holds
/// a right-to-left letter, else Latin or number by its first such character, else the class of a
/// lone separator or terminator.
fn span_class(text: &str) -> Class {
    let mut first = None;
    for c in text.chars() {
        match class(c) {
            Class::R => return Class::R,
            k @ (Class::L | Class::Num) => {
                first.get_or_insert(k);
            }
            _ => {}
        }
    }
    if let Some(k) = first {
        return k;
    }
    let mut t = text.trim().chars();
    match (t.next(), t.next()) {
        (Some(c), None) => class(c),
        _ => Class::Neutral,
    }
}

/// Put the spans of one line of a right-to-left page, given in reading order (from the right),
/// back into left-to-right order inside runs of numbers and Latin text (a date drawn as
/// "1403", "/", "09", "/", "19"; a footer "Page", "7").
pub(crate) fn order_ltr_spans<T>(spans: &mut [T], text: impl Fn(&T) -> &str) {
    // Flags are direction-symmetric, so reading order works as well as visual order.
    let classes: Vec<Class> = spans.iter().map(|s| span_class(text(s))).collect();
    let ltr = ltr_flags(&classes);
    let mut i = 0;
    while i < spans.len() {
        if !ltr[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < spans.len() && ltr[i] {
            i += 1;
        }
        if let Some(run) = spans.get_mut(start..i) {
            run.reverse();
        }
    }
}

/// Read glyphs of a right-to-left span in logical order. The glyphs may come in any order; they are
/// sorted by position first. Runs of digits (with their separators and terminators) and of Latin
/// text stay left to right; everything else is read from the right.
pub(crate) fn logical_rtl(mut glyphs: Vec<Glyph>) -> String {
    glyphs.sort_by(|a, b| (a.x0 + a.x1).total_cmp(&(b.x0 + b.x1)));
    let classes: Vec<Class> = glyphs.iter().map(glyph_class).collect();
    let ltr = ltr_flags(&classes);
    let n = glyphs.len();
    // Read from the right; left-to-right runs keep their inner order.
    let mut out = String::new();
    let mut k = n;
    while k > 0 {
        if ltr[k - 1] {
            let end = k;
            while k > 0 && ltr[k - 1] {
                k -= 1;
            }
            for g in &glyphs[k..end] {
                out.push_str(&g.text);
            }
        } else {
            k -= 1;
            out.push_str(&glyphs[k].text);
        }
    }
    out
}

/// Combining marks (harakat, Hebrew points) ride on the glyph before them.
pub(crate) fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0591}'..='\u{05BD}' | '\u{05BF}' | '\u{05C1}'..='\u{05C2}' | '\u{05C4}'..='\u{05C5}'
        | '\u{05C7}' | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}' | '\u{06DF}'..='\u{06E4}' | '\u{06E7}'..='\u{06E8}'
        | '\u{06EA}'..='\u{06ED}' | '\u{200C}' | '\u{200D}')
}

/// Group characters (in content-stream order, each with its x extent) into glyphs: combining
/// marks join the glyph before them.
pub(crate) fn glyphs_from_chars(chars: &[(char, f32, f32)]) -> Vec<Glyph> {
    let mut out: Vec<Glyph> = Vec::new();
    for &(c, x0, x1) in chars {
        match out.last_mut() {
            Some(g) if is_mark(c) => {
                g.text.push(c);
                g.x0 = g.x0.min(x0);
                g.x1 = g.x1.max(x1);
            }
            _ => out.push(Glyph {
                text: c.to_string(),
                x0,
                x1,
            }),
        }
    }
    out
}

fn is_alef(t: &str) -> bool {
    matches!(t, "\u{0627}" | "\u{0622}" | "\u{0623}" | "\u{0625}")
}

/// Join lam-alef ligatures in glyphs sorted left to right. The parser hands a ligature out as lam
/// then alef sharing one glyph's advance in halves; read from the right, that pair would come out
/// as alef-lam. Two separate glyphs, alef then lam (the article "ال", "إلى"), are drawn the same
/// way when the font gives both letters one width, so a pair that starts a word (alone, or after
/// a one-letter prefix و ف ب ك) is taken as two letters; inside a word it is the ligature.
pub(crate) fn join_lam_alef(glyphs: Vec<Glyph>, size: f32) -> Vec<Glyph> {
    let gap = 0.15 * size;
    // Whether glyph `k` ends a visual word on the right: nothing, or a gap, after it.
    let ends_word = |k: usize| match (glyphs.get(k), glyphs.get(k + 1)) {
        (Some(_), None) => true,
        (Some(a), Some(b)) => b.x0 - a.x1 > gap || b.text.chars().all(|c| !c.is_alphabetic()),
        _ => true,
    };
    let mut out: Vec<Glyph> = Vec::with_capacity(glyphs.len());
    let mut i = 0;
    while i < glyphs.len() {
        let (Some(lam), Some(alef)) = (glyphs.get(i), glyphs.get(i + 1)) else {
            out.extend(glyphs.get(i).cloned());
            i += 1;
            continue;
        };
        let halves = lam.text == "\u{0644}"
            && is_alef(&alef.text)
            && (lam.x1 - alef.x0).abs() < 0.05
            && ((lam.x1 - lam.x0) - (alef.x1 - alef.x0)).abs() < 0.05;
        let prefix = glyphs.get(i + 2).is_some_and(|p| {
            matches!(
                p.text.as_str(),
                "\u{0648}" | "\u{0641}" | "\u{0628}" | "\u{0643}"
            ) && p.x0 - alef.x1 <= gap
        });
        let starts_word = ends_word(i + 1) || prefix && ends_word(i + 2);
        if halves && !starts_word {
            out.push(Glyph {
                text: format!("{}{}", lam.text, alef.text),
                x0: lam.x0,
                x1: alef.x1,
            });
            i += 2;
        } else {
            out.push(lam.clone());
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs laid out left to right from a visual string, one per character.
    fn visual(s: &str) -> Vec<Glyph> {
        s.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                text: c.to_string(),
                x0: i as f32 * 5.0,
                x1: i as f32 * 5.0 + 5.0,
            })
            .collect()
    }

    #[test]
    fn words_and_letters_reversed() {
        // Visual "C B A" of logical "A B C" (letters of each word reversed too).
        assert_eq!(logical_rtl(visual("جد با")), "اب دج");
    }

    #[test]
    fn numbers_stay_left_to_right() {
        assert_eq!(logical_rtl(visual("1403/09/19 خیرات")), "تاریخ 1403/09/19");
        assert_eq!(
            logical_rtl(visual("نت 47.500 ای %50 لقادح")),
            "حداقل %50 یا 47.500 تن"
        );
        assert_eq!(logical_rtl(visual("10 20 نیب")), "بین 20 10");
    }

    #[test]
    fn latin_runs_stay_left_to_right() {
        assert_eq!(logical_rtl(visual("Page 7 هحفص")), "صفحه Page 7");
    }

    #[test]
    fn lam_alef_ligature_kept_in_order() {
        // Visual order of "کالای": yeh, lam-alef (one glyph in halves), alef, keheh.
        let chars = [
            ('ی', 0.0, 9.0),
            ('ل', 9.0, 12.4),
            ('ا', 12.4, 15.8),
            ('ا', 15.8, 19.0),
            ('ک', 19.0, 25.0),
        ];
        let glyphs = join_lam_alef(glyphs_from_chars(&chars), 12.0);
        assert_eq!(logical_rtl(glyphs), "کالای");
        // The article at a word start: alef, lam of "البيت" drawn lam, alef in equal widths.
        let chars = [
            ('ت', 0.0, 4.0),
            ('ي', 4.0, 6.0),
            ('ب', 6.0, 8.0),
            ('ل', 8.0, 10.5),
            ('ا', 10.5, 13.0),
        ];
        let glyphs = join_lam_alef(glyphs_from_chars(&chars), 12.0);
        assert_eq!(logical_rtl(glyphs), "البيت");
    }
}
