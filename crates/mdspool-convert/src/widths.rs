//! The advance widths a page's simple fonts declare (`/Widths`), for ASCII letters, figures and
//! punctuation. The parser's per-glyph advances include character spacing, which ghostscript and
//! others use to set word gaps; a letter whose every occurrence carries such spacing ("w" ending
//! each word of a groff heading) has no honest width on the page, but its font dictionary still
//! states one.

use std::collections::HashMap;

use pdf_oxide::PdfDocument;
use pdf_oxide::object::Object;

/// Widths in em of ASCII letters and figures, by (font name as the parser reports it, character).
pub(crate) type FontWidths = HashMap<(String, char), f32>;

/// Most fonts read from one page's resources.
const MAX_FONTS: usize = 200;

/// The declared widths of the page's simple fonts (Type1, TrueType), for the codes of ASCII letters,
/// figures and punctuation that their encoding leaves at their ASCII meaning.
pub(crate) fn page_widths(doc: &PdfDocument, index: usize) -> FontWidths {
    let mut out = FontWidths::new();
    let Some(fonts) = page_fonts(doc, index) else {
        return out;
    };
    let mut ambiguous = Vec::new();
    for font in fonts.values().take(MAX_FONTS) {
        let Some(font) = doc.resolve_object(font).ok() else {
            continue;
        };
        let Some(d) = font.as_dict() else { continue };
        let simple = matches!(
            d.get("Subtype").and_then(Object::as_name),
            Some("Type1" | "TrueType" | "MMType1")
        );
        let name = d.get("BaseFont").and_then(Object::as_name);
        let (Some(name), true) = (name, simple) else {
            continue;
        };
        let first = d.get("FirstChar").and_then(number).unwrap_or(0.0) as i64;
        let Some(widths) = d
            .get("Widths")
            .and_then(|w| doc.resolve_object(w).ok())
            .and_then(|w| w.as_array().cloned())
        else {
            continue;
        };
        // Without a known base encoding, a subset font's codes are its own (not ASCII): only
        // codes the `/Differences` name are trusted then.
        let (standard, named) = encoding(doc, d.get("Encoding"));
        // Each glyph name's code (the lowest, when the differences name a glyph twice).
        let mut codes: HashMap<&str, i64> = HashMap::with_capacity(named.len());
        for (code, n) in &named {
            let e = codes.entry(n.as_str()).or_insert(*code);
            *e = (*e).min(*code);
        }
        let punct = PUNCTUATION.iter().map(|(c, _)| *c);
        for c in ('0'..='9').chain('A'..='Z').chain('a'..='z').chain(punct) {
            let by_name = codes.get(glyph_name(c).as_str()).copied();
            let ascii = c as i64;
            let code = match by_name {
                Some(code) => code,
                None if standard && !named.contains_key(&ascii) => ascii,
                None => continue,
            };
            let w = usize::try_from(code - first)
                .ok()
                .and_then(|i| widths.get(i))
                .and_then(|w| doc.resolve_object(w).ok())
                .and_then(|w| number(&w));
            if let Some(w) = w
                && w > 50.0
                && w < 2000.0
            {
                // One font program under two encodings can put other glyphs at one code.
                let w = (w / 1000.0) as f32;
                let key = (name.to_string(), c);
                match out.get(&key) {
                    Some(v) if (v - w).abs() > 0.01 * w => {
                        ambiguous.push(key);
                    }
                    _ => {
                        out.insert(key, w);
                    }
                }
            }
        }
    }
    for key in ambiguous {
        out.remove(&key);
    }
    out
}

/// The page's `/Font` resource dictionary, looked up through inherited `/Resources`.
pub(crate) fn page_fonts(doc: &PdfDocument, index: usize) -> Option<HashMap<String, Object>> {
    let mut node = doc.get_page(index).ok()?;
    for _ in 0..32 {
        let d = node.as_dict()?.clone();
        if let Some(res) = d.get("Resources") {
            let res = doc.resolve_object(res).ok()?;
            let fonts = doc.resolve_object(res.as_dict()?.get("Font")?).ok()?;
            return fonts.as_dict().cloned();
        }
        node = doc.resolve_object(d.get("Parent")?).ok()?;
    }
    None
}

/// Whether an encoding is (based on) one of the standard Latin encodings, and the glyph names its
/// `/Differences` array gives to codes.
fn encoding(doc: &PdfDocument, enc: Option<&Object>) -> (bool, HashMap<i64, String>) {
    const STANDARD: [&str; 3] = ["WinAnsiEncoding", "MacRomanEncoding", "StandardEncoding"];
    let mut named = HashMap::new();
    let Some(enc) = enc.and_then(|e| doc.resolve_object(e).ok()) else {
        return (false, named);
    };
    if let Some(n) = enc.as_name() {
        return (STANDARD.contains(&n), named);
    }
    let Some(d) = enc.as_dict() else {
        return (false, named);
    };
    let standard = d
        .get("BaseEncoding")
        .and_then(Object::as_name)
        .is_some_and(|n| STANDARD.contains(&n));
    let diffs = d
        .get("Differences")
        .and_then(|x| doc.resolve_object(x).ok())
        .and_then(|x| x.as_array().cloned())
        .unwrap_or_default();
    let mut code = 0i64;
    for item in diffs.iter().take(4096) {
        match item {
            Object::Name(n) => {
                named.insert(code, n.clone());
                code += 1;
            }
            other => {
                if let Some(n) = number(other) {
                    code = n as i64;
                }
            }
        }
    }
    (standard, named)
}

/// ASCII punctuation and symbols with their PostScript glyph names: the codes the standard Latin
/// encodings agree on (not 39 and 96, quotes that differ between them), and not "-", which groff
/// and others also draw with a wider minus glyph that text reads as "-". A code block's "#" that
/// groff shows with the space after it as one advance is one character wide again.
const PUNCTUATION: [(char, &str); 29] = [
    ('!', "exclam"),
    ('"', "quotedbl"),
    ('#', "numbersign"),
    ('$', "dollar"),
    ('%', "percent"),
    ('&', "ampersand"),
    ('(', "parenleft"),
    (')', "parenright"),
    ('*', "asterisk"),
    ('+', "plus"),
    (',', "comma"),
    ('.', "period"),
    ('/', "slash"),
    (':', "colon"),
    (';', "semicolon"),
    ('<', "less"),
    ('=', "equal"),
    ('>', "greater"),
    ('?', "question"),
    ('@', "at"),
    ('[', "bracketleft"),
    ('\\', "backslash"),
    (']', "bracketright"),
    ('^', "asciicircum"),
    ('_', "underscore"),
    ('{', "braceleft"),
    ('|', "bar"),
    ('}', "braceright"),
    ('~', "asciitilde"),
];

/// The PostScript glyph name of an ASCII letter, figure or punctuation mark.
fn glyph_name(c: char) -> String {
    const FIGURES: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    if let Some((_, name)) = PUNCTUATION.iter().find(|(p, _)| *p == c) {
        return (*name).to_string();
    }
    match c.to_digit(10) {
        Some(d) => FIGURES[d as usize].to_string(),
        None => c.to_string(),
    }
}

pub(crate) fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}
