//! The text an annotation's appearance stream draws: what a reader sees in a form field whose
//! stored value is empty while its appearance shows one (a number as the form's script formatted it,
//! `1,123,213,321.00`), in a signature field ("E-SIGNED by ... on 2023-03-07") and in a stamp made of
//! text. The stream's text operators (`Tj`, `TJ`, `'`, `"`) are read in order, with those of the
//! forms it draws (`Do`, three levels down), a new line at each line move; a string is decoded with
//! its font's ToUnicode CMap when it has one, else as single-byte Latin text. A font of two-byte
//! codes without a ToUnicode, or text that reads as no letters or figures, gives nothing; so does an
//! encrypted file (the parser does not decrypt streams for its callers).

use std::collections::HashMap;

use pdf_oxide::PdfDocument;
use pdf_oxide::annotations::Annotation;
use pdf_oxide::object::Object;

/// Upper bound on the bytes of one appearance stream read, and on the text taken from it.
const MAX_STREAM: usize = 1 << 20;
const MAX_CHARS: usize = 20_000;
/// Levels of forms drawn inside an appearance that are read.
const MAX_DEPTH: usize = 3;

#[derive(Debug, PartialEq)]
enum Tok {
    Str(Vec<u8>),
    Open,
    Close,
    Word(String),
}

fn string(data: &[u8], i: &mut usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut depth = 1usize;
    while let Some(&c) = data.get(*i) {
        *i += 1;
        match c {
            b'\\' => {
                let Some(&e) = data.get(*i) else { break };
                *i += 1;
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let mut v = u32::from(e - b'0');
                        for _ in 0..2 {
                            match data.get(*i) {
                                Some(d @ b'0'..=b'7') => {
                                    v = v * 8 + u32::from(d - b'0');
                                    *i += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push((v & 0xFF) as u8);
                    }
                    b'\r' | b'\n' => {}
                    e => out.push(e),
                }
            }
            b'(' => {
                depth += 1;
                out.push(c);
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn tokens(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = data.get(i) {
        match b {
            b'(' => {
                i += 1;
                out.push(Tok::Str(string(data, &mut i)));
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let end = data[i..]
                    .iter()
                    .position(|c| *c == b'>')
                    .map_or(data.len(), |p| i + p);
                let hex: Vec<u8> = data[i + 1..end]
                    .iter()
                    .filter(|c| c.is_ascii_hexdigit())
                    .copied()
                    .collect();
                let bytes = hex
                    .chunks(2)
                    .filter_map(|p| {
                        let s = std::str::from_utf8(p).ok()?;
                        u8::from_str_radix(&format!("{s:0<2}"), 16).ok()
                    })
                    .collect();
                out.push(Tok::Str(bytes));
                i = end + 1;
            }
            b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'%' => {
                while data.get(i).is_some_and(|c| *c != b'\n' && *c != b'\r') {
                    i += 1;
                }
            }
            c if c.is_ascii_whitespace() || b"{}>)".contains(&c) => i += 1,
            _ => {
                let start = i;
                i += 1;
                while data
                    .get(i)
                    .is_some_and(|c| !c.is_ascii_whitespace() && !b"()<>[]{}/%".contains(c))
                {
                    i += 1;
                }
                out.push(Tok::Word(
                    String::from_utf8_lossy(&data[start..i]).into_owned(),
                ));
            }
        }
    }
    out
}

/// How the strings of one font are decoded: by its ToUnicode CMap (code width, map), or as
/// single bytes; `None` for a font of two-byte codes without one.
type Decoder = Option<(usize, HashMap<u32, String>)>;

fn decoder(doc: &PdfDocument, font: Option<&Object>) -> Option<Decoder> {
    let Some(font) = font.and_then(|f| doc.resolve_object(f).ok()) else {
        return Some(None);
    };
    let d = font.as_dict()?;
    if let Some(tu) = d.get("ToUnicode")
        && let Ok(data) = doc.resolve_object(tu).and_then(|s| s.decode_stream_data())
        && let Some(p) = super::cmaps::parse(&data)
    {
        let width = if p.wide() { 2 } else { 1 };
        return Some(Some((width, p.into_map())));
    }
    let type0 = d.get("Subtype").and_then(Object::as_name) == Some("Type0");
    (!type0).then_some(None)
}

fn decode(bytes: &[u8], dec: &Decoder) -> String {
    match dec {
        None => bytes
            .iter()
            .map(|&b| if b >= 0x20 { b as char } else { ' ' })
            .collect(),
        Some((width, map)) => bytes
            .chunks(*width)
            .map(|c| {
                let code = c.iter().fold(0u32, |v, b| (v << 8) | u32::from(*b));
                map.get(&code).cloned().unwrap_or_default()
            })
            .collect(),
    }
}

/// The text annotation `a`'s normal appearance draws, lines joined by newlines; `None` when it
/// draws none that can be read.
pub(crate) fn text(doc: &PdfDocument, a: &Annotation) -> Option<String> {
    // The parser decrypts streams only for its own extraction: an encrypted file's appearance
    // would read as noise here.
    if doc.is_encrypted() {
        return None;
    }
    let dict = a.raw_dict.as_ref()?;
    let ap = doc.resolve_object(dict.get("AP")?).ok()?;
    let normal = doc.resolve_object(ap.as_dict()?.get("N")?).ok()?;
    let mut out = String::new();
    stream_text(doc, &normal, MAX_DEPTH, &mut out);
    let text: Vec<&str> = out
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let text = text.join("\n");
    text.chars().any(char::is_alphanumeric).then_some(text)
}

/// A resource dictionary of a form (`/Font`, `/XObject`) by name.
fn resources(
    doc: &PdfDocument,
    form: &HashMap<String, Object>,
    kind: &str,
) -> HashMap<String, Object> {
    form.get("Resources")
        .and_then(|r| doc.resolve_object(r).ok())
        .and_then(|r| r.as_dict()?.get(kind).cloned())
        .and_then(|f| doc.resolve_object(&f).ok())
        .and_then(|f| f.as_dict().cloned())
        .unwrap_or_default()
}

/// Append the text form XObject `form` draws to `out`, following the forms it draws (`Do`) up to
/// `depth` levels down (signature appearances nest their text two levels deep).
fn stream_text(doc: &PdfDocument, form: &Object, depth: usize, out: &mut String) {
    let Object::Stream { dict: sd, .. } = form else {
        return;
    };
    let Ok(data) = form.decode_stream_data() else {
        return;
    };
    let fonts = resources(doc, sd, "Font");
    let toks = tokens(&data[..data.len().min(MAX_STREAM)]);
    let mut dec: Decoder = None;
    let mut readable = true;
    let mut operands: Vec<&Tok> = Vec::new();
    // The baseline the last text matrix set in this text object.
    let mut tm_y: Option<f32> = None;
    for t in &toks {
        let Tok::Word(op) = t else {
            operands.push(t);
            continue;
        };
        let strings = |ops: &[&Tok]| -> Vec<Vec<u8>> {
            ops.iter()
                .filter_map(|t| match t {
                    Tok::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .collect()
        };
        match op.as_str() {
            "Tf" => {
                let name = operands.iter().rev().find_map(|t| match t {
                    Tok::Word(w) => w.strip_prefix('/'),
                    _ => None,
                });
                match decoder(doc, name.and_then(|n| fonts.get(n))) {
                    Some(d) => (dec, readable) = (d, true),
                    None => readable = false,
                }
            }
            "Tj" | "TJ" | "'" | "\"" if readable => {
                if op == "'" || op == "\"" {
                    out.push('\n');
                }
                let take = if op == "TJ" {
                    &operands[..]
                } else {
                    &operands[operands.len().saturating_sub(1)..]
                };
                for s in strings(take) {
                    out.push_str(&decode(&s, &dec));
                }
            }
            "Do" if depth > 0 => {
                let name = operands.iter().rev().find_map(|t| match t {
                    Tok::Word(w) => w.strip_prefix('/'),
                    _ => None,
                });
                let inner = name.and_then(|n| resources(doc, sd, "XObject").get(n).cloned());
                if let Some(inner) = inner.and_then(|o| doc.resolve_object(&o).ok())
                    && let Object::Stream { dict: d, .. } = &inner
                    && d.get("Subtype").and_then(Object::as_name) == Some("Form")
                {
                    out.push('\n');
                    stream_text(doc, &inner, depth - 1, out);
                }
            }
            "BT" | "T*" => {
                out.push('\n');
                tm_y = None;
            }
            "Tm" => {
                // A text matrix set on another baseline starts a line (a list box's options).
                let y = operands.iter().rev().find_map(|t| match t {
                    Tok::Word(w) => w.parse::<f32>().ok(),
                    _ => None,
                });
                if tm_y.zip(y).is_some_and(|(a, b)| (a - b).abs() > 0.01) {
                    out.push('\n');
                }
                tm_y = y.or(tm_y);
            }
            "Td" | "TD" => {
                let moved = operands.iter().rev().find_map(|t| match t {
                    Tok::Word(w) => w.parse::<f32>().ok(),
                    _ => None,
                });
                if moved.is_some_and(|ty| ty.abs() > 0.01) {
                    out.push('\n');
                }
            }
            _ if op.starts_with('/') || op.parse::<f32>().is_ok() => {
                operands.push(t);
                continue;
            }
            _ => {}
        }
        operands.clear();
        if out.len() > MAX_CHARS {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_with_escapes_and_hex_are_read() {
        let t = tokens(b"BT /Helv 9 Tf (a\\(b\\)c\\101) Tj <4142> Tj [(x) -20 (y)] TJ ET");
        let strs: Vec<&Tok> = t.iter().filter(|t| matches!(t, Tok::Str(_))).collect();
        assert_eq!(
            strs,
            [
                &Tok::Str(b"a(b)cA".to_vec()),
                &Tok::Str(b"AB".to_vec()),
                &Tok::Str(b"x".to_vec()),
                &Tok::Str(b"y".to_vec())
            ]
        );
    }
}
