//! ToUnicode CMaps the parser misreads, rewritten before it reads them. `pdf_oxide` reads a CMap's
//! `bfchar`/`bfrange` entries one text line at a time, so an entry written across line breaks (a
//! `bfrange` whose destination array runs over many lines, as some Type3 and printer-driver fonts
//! have it) is lost or read as garbage: `<20><FFFD><E2>` on a continuation line becomes "code 0x20
//! maps to â". Here the CMap is read token by token (the way the PostScript syntax means it); when
//! that reading differs from the parser's, the CMap is written out again with one entry per line,
//! as an incremental update appended to the file (new versions of the same stream objects,
//! `update.rs`), and the document is parsed again from those bytes. The fonts looked at are those `resources.rs` finds
//! (pages and their forms, not Type3 glyph procedures); encrypted files are left alone (the new
//! streams would have to be encrypted too).

use std::collections::{HashMap, HashSet};

use pdf_oxide::PdfDocument;
use pdf_oxide::object::ObjectRef;

use super::resources::PageFonts;

/// Most mappings read from one CMap (a 2-byte CMap maps at most 65,536 codes; beyond this it is
/// hostile and left to the parser).
const MAX_MAPPINGS: usize = 70_000;

/// One CMap read token by token: its codespace ranges (as written, hex digits), its mappings in
/// document order (a later entry for a code wins), and its writing mode.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    codespace: Vec<(String, String)>,
    /// (code, hex digits the code was written with, Unicode text).
    mappings: Vec<(u32, usize, String)>,
    vertical: bool,
}

#[derive(Debug, PartialEq)]
enum Tok {
    Hex(String),
    Open,
    Close,
    Word(String),
}

fn tokens(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = data.get(i) {
        match b {
            b'%' => {
                while data.get(i).is_some_and(|c| *c != b'\n' && *c != b'\r') {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => {
                out.push(Tok::Word("<<".into()));
                i += 2;
            }
            b'<' => {
                let mut hex = String::new();
                i += 1;
                while let Some(&c) = data.get(i) {
                    i += 1;
                    if c == b'>' {
                        break;
                    }
                    if c.is_ascii_hexdigit() {
                        hex.push(c as char);
                    }
                }
                out.push(Tok::Hex(hex));
            }
            b'(' => {
                // A PostScript string (a CMap name, a registry): skipped, nesting kept.
                let mut depth = 0usize;
                while let Some(&c) = data.get(i) {
                    i += 1;
                    match c {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            c if c.is_ascii_whitespace() || c == b'>' || c == b'{' || c == b'}' => i += 1,
            _ => {
                let start = i;
                while data.get(i).is_some_and(|c| {
                    !c.is_ascii_whitespace()
                        && !b"<>[](){}%".contains(c)
                        && (i == start || *c != b'/')
                }) {
                    i += 1;
                }
                let word = String::from_utf8_lossy(&data[start..i.max(start + 1)]).into_owned();
                i = i.max(start + 1);
                out.push(Tok::Word(word));
            }
        }
    }
    out
}

/// Unicode text of a destination string the way the parser decodes it: up to four hex digits are
/// one code point, eight a surrogate pair (else two code points), longer ones code points of four.
fn unicode_of(hex: &str) -> Option<String> {
    let cp = |h: &str| u32::from_str_radix(h, 16).ok();
    if hex.is_empty() {
        return None;
    }
    if hex.len() <= 6 {
        return char::from_u32(cp(hex)?).map(String::from);
    }
    let units: Vec<u32> = hex
        .as_bytes()
        .chunks(4)
        .filter_map(|c| std::str::from_utf8(c).ok().and_then(cp))
        .collect();
    if let [hi @ 0xD800..=0xDBFF, lo @ 0xDC00..=0xDFFF] = units[..] {
        return char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)).map(String::from);
    }
    let s: String = units.into_iter().filter_map(char::from_u32).collect();
    (!s.is_empty()).then_some(s)
}

/// Read a ToUnicode CMap token by token; `None` when it holds no mapping or too many.
pub(crate) fn parse(data: &[u8]) -> Option<Parsed> {
    let toks = tokens(data);
    let mut p = Parsed::default();
    let code = |h: &String| u32::from_str_radix(h, 16).ok().filter(|_| h.len() <= 8);
    let mut i = 0;
    while let Some(t) = toks.get(i) {
        i += 1;
        let Tok::Word(w) = t else { continue };
        match w.as_str() {
            "/WMode" => p.vertical = matches!(toks.get(i), Some(Tok::Word(n)) if n == "1"),
            "begincodespacerange" => {
                while let (Some(Tok::Hex(a)), Some(Tok::Hex(b))) = (toks.get(i), toks.get(i + 1)) {
                    p.codespace.push((a.clone(), b.clone()));
                    i += 2;
                }
            }
            "beginbfchar" => {
                while let (Some(Tok::Hex(src)), Some(Tok::Hex(dst))) =
                    (toks.get(i), toks.get(i + 1))
                {
                    if let (Some(c), Some(u)) = (code(src), unicode_of(dst)) {
                        p.mappings.push((c, src.len(), u));
                    }
                    i += 2;
                }
            }
            "beginbfrange" => {
                while let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi))) = (toks.get(i), toks.get(i + 1))
                {
                    i += 2;
                    let (Some(a), Some(b)) = (code(lo), code(hi)) else {
                        continue;
                    };
                    let n = b.checked_sub(a).map_or(0, |d| d as usize + 1);
                    match toks.get(i) {
                        Some(Tok::Hex(dst)) => {
                            i += 1;
                            let Some(base) = unicode_of(dst).and_then(|s| s.chars().next()) else {
                                continue;
                            };
                            for k in 0..n.min(MAX_MAPPINGS) {
                                if let Some(c) = char::from_u32(base as u32 + k as u32) {
                                    p.mappings.push((a + k as u32, lo.len(), c.to_string()));
                                }
                            }
                        }
                        Some(Tok::Open) => {
                            i += 1;
                            let mut k = 0u32;
                            while let Some(Tok::Hex(dst)) = toks.get(i) {
                                i += 1;
                                if let Some(u) = unicode_of(dst).filter(|_| (k as usize) < n) {
                                    p.mappings.push((a + k, lo.len(), u));
                                }
                                k += 1;
                            }
                            if matches!(toks.get(i), Some(Tok::Close)) {
                                i += 1;
                            }
                        }
                        _ => {}
                    }
                    if p.mappings.len() > MAX_MAPPINGS {
                        return None;
                    }
                }
            }
            _ => {}
        }
    }
    (!p.mappings.is_empty()).then_some(p)
}

impl Parsed {
    /// Whether its codes are two bytes wide (a codespace range of four hex digits).
    pub(crate) fn wide(&self) -> bool {
        self.codespace.iter().any(|(a, _)| a.len() >= 4)
    }

    /// Code to text, a later entry for a code winning.
    pub(crate) fn into_map(self) -> HashMap<u32, String> {
        self.mappings.into_iter().map(|(c, _, u)| (c, u)).collect()
    }
}

/// Whether the parser's own reading of `data` gives every code `p` maps the same text. A CMap
/// that panics the parser is left as it is: this check runs while the document opens, and the
/// panic, met again when a page using the font is read, is then contained for that page.
fn parser_agrees(data: &[u8], p: &Parsed) -> bool {
    let theirs = match std::panic::catch_unwind(|| pdf_oxide::fonts::parse_tounicode_cmap(data)) {
        Ok(Ok(theirs)) => theirs,
        Ok(Err(_)) => return false,
        Err(_) => return true,
    };
    let mut last: HashMap<u32, &str> = HashMap::new();
    for (c, _, u) in &p.mappings {
        last.insert(*c, u);
    }
    (theirs.code_width >= 2) == p.wide()
        && last
            .iter()
            .all(|(c, u)| theirs.get(c).is_some_and(|t| t.as_ref() == *u))
}

/// The CMap written again with one entry per line.
pub(crate) fn canonical(p: &Parsed) -> String {
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CMapName /Mdspool-Repaired def\n/CMapType 2 def\n",
    );
    if p.vertical {
        out.push_str("/WMode 1 def\n");
    }
    if !p.codespace.is_empty() {
        out.push_str(&format!("{} begincodespacerange\n", p.codespace.len()));
        for (a, b) in &p.codespace {
            out.push_str(&format!("<{a}> <{b}>\n"));
        }
        out.push_str("endcodespacerange\n");
    }
    for chunk in p.mappings.chunks(100) {
        out.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (c, digits, u) in chunk {
            let dst: String = u.encode_utf16().map(|w| format!("{w:04X}")).collect();
            out.push_str(&format!(
                "<{c:0digits$X}> <{dst}>\n",
                digits = (*digits).max(2)
            ));
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out
}

/// The ToUnicode streams of the pages' fonts (and of fonts in their form XObjects, two levels
/// down) that the parser misreads, with their repaired text.
fn misread(doc: &PdfDocument, pages: usize) -> Vec<(ObjectRef, String)> {
    let mut fonts = PageFonts::default();
    let mut maps = HashSet::new();
    let mut found = Vec::new();
    for index in 0..pages {
        fonts.visit(doc, index, &mut |font| {
            let Some(tu) = font.get("ToUnicode") else {
                return;
            };
            let Some(r) = tu.as_reference().filter(|r| maps.insert(*r)) else {
                return;
            };
            let Ok(data) = doc.resolve_object(tu).and_then(|s| s.decode_stream_data()) else {
                return;
            };
            if let Some(p) = parse(&data)
                && !parser_agrees(&data, &p)
            {
                found.push((r, canonical(&p)));
            }
        });
    }
    found
}

/// The file's bytes (read by `data`) with its misread ToUnicode CMaps rewritten, or `None` when none is misread
/// (or the file is encrypted, or has no usable trailer).
pub(crate) fn repaired(
    doc: &PdfDocument,
    pages: usize,
    data: impl FnOnce() -> Option<Vec<u8>>,
) -> Option<Vec<u8>> {
    if doc.is_encrypted() {
        return None;
    }
    let fixes = misread(doc, pages);
    if fixes.is_empty() {
        return None;
    }
    tracing::debug!(
        cmaps = fixes.len(),
        "ToUnicode CMaps rewritten one entry per line"
    );
    super::update::append_update(&data()?, doc.trailer().as_dict()?, &fixes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_array_over_several_lines_is_read_whole() {
        let cmap = b"1 begincodespacerange\n<00><FF>endcodespacerange\n1 beginbfrange\n\
            <41><44>[<0061>\n<0062> <0063>\n<0064>]\nendbfrange\n";
        let p = parse(cmap).expect("parsed");
        let got: Vec<(u32, String)> = p.mappings.iter().map(|m| (m.0, m.2.clone())).collect();
        let want = [(0x41, "a"), (0x42, "b"), (0x43, "c"), (0x44, "d")];
        assert_eq!(got, want.map(|(c, s)| (c, s.to_string())));
        assert!(!parser_agrees(cmap, &p));
        let again = canonical(&p);
        assert!(parser_agrees(again.as_bytes(), &p), "{again}");
    }

    #[test]
    fn a_cmap_written_one_entry_per_line_is_left_alone() {
        let cmap = b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
            2 beginbfchar\n<0003> <0020>\n<0011> <00660069>\nendbfchar\n\
            1 beginbfrange\n<0024> <0026> <0041>\nendbfrange\n";
        let p = parse(cmap).expect("parsed");
        assert_eq!(p.mappings.len(), 5);
        assert!(parser_agrees(cmap, &p));
    }
}
