//! What a page's annotations add to its text layer: the targets of URI links, and the text a
//! reader sees in filled-in form fields, signature fields, text boxes and text stamps. A field's text is not in the page's content
//! stream but in the annotation (its value, drawn by its appearance stream), so a filled form read
//! from the content alone comes out blank where the answers are.

use pdf_oxide::PdfDocument;
use pdf_oxide::annotation_types::WidgetFieldType;
use pdf_oxide::annotations::{Annotation, LinkAction};
use pdf_oxide::object::Object;

use super::appearance;
use super::document::decode_text_string;
use super::model::Span;
use super::words::LinkRect;

/// Upper bound on annotations looked at per page.
const MAX_ANNOTS: usize = 2_000;
/// Upper bound on the characters taken from one field.
const MAX_FIELD_CHARS: usize = 20_000;

/// The page's URI link annotations, as rectangles in page coordinates.
pub(crate) fn link_rects(annots: &[Annotation], x_off: f32, top: f32) -> Vec<LinkRect> {
    let mut out = Vec::new();
    for a in annots.iter().take(MAX_ANNOTS) {
        let (Some(LinkAction::Uri(uri)), Some(r)) = (&a.action, a.rect) else {
            continue;
        };
        let uri = uri.trim();
        if uri.is_empty() || uri.len() > 2_000 || uri.contains(char::is_whitespace) {
            continue;
        }
        out.push(LinkRect {
            x0: r[0].min(r[2]) as f32 - x_off,
            x1: r[0].max(r[2]) as f32 - x_off,
            top: top - r[1].max(r[3]) as f32,
            bottom: top - r[1].min(r[3]) as f32,
            uri: uri.to_string(),
        });
    }
    out
}

/// Attach the URI of each link to the spans it covers (see [`LinkRect::covers`]).
/// A span of several words that a link covers only in part (its glyphs' positions were not known
/// when the link cut the spans, `words.rs`) is cut at the words the link covers, each word placed
/// in proportion to its characters.
pub(crate) fn attach_links(spans: &mut Vec<Span>, links: &[LinkRect]) {
    if links.is_empty() {
        return;
    }
    let link_at = |x: f32, s: &Span| {
        links
            .iter()
            .rev()
            .find(|l| l.covers(x, s.top, s.bottom))
            .map(|l| l.uri.clone())
    };
    let mut out = Vec::with_capacity(spans.len());
    for mut s in spans.drain(..) {
        if s.link.is_some() {
            out.push(s);
            continue;
        }
        let chars: Vec<char> = s.text.chars().collect();
        let n = chars.len().max(1) as f32;
        let at = |k: usize| s.x0 + (s.x1 - s.x0) * k as f32 / n;
        // Words as (first char, end char), each with the link over its middle.
        let mut words: Vec<(usize, usize, Option<String>)> = Vec::new();
        let mut k = 0;
        while k < chars.len() {
            if chars[k] == ' ' {
                k += 1;
                continue;
            }
            let start = k;
            while k < chars.len() && chars[k] != ' ' {
                k += 1;
            }
            words.push((start, k, link_at((at(start) + at(k)) / 2.0, &s)));
        }
        let mixed = words.windows(2).any(|w| w[0].2 != w[1].2);
        if !mixed {
            s.link = match words.first() {
                Some(w) => w.2.clone(),
                None => link_at((s.x0 + s.x1) / 2.0, &s),
            };
            out.push(s);
            continue;
        }
        for run in words.chunk_by(|a, b| a.2 == b.2) {
            let (from, to) = (run[0].0, run[run.len() - 1].1);
            out.push(Span {
                text: chars[from..to].iter().collect(),
                x0: at(from),
                x1: at(to),
                link: run[0].2.clone(),
                ..s.clone()
            });
        }
    }
    *spans = out;
}

/// Share of a link rectangle's width its words must fill for the link to be theirs.
const STRAY_FILL: f32 = 0.5;

/// Drop the links of rectangles that stand mostly over other text than their words: a rectangle
/// much wider than the linked words under it (more than an em to spare and less than half of it
/// filled) and not starting where they start is a browser's copy of a link placed in the wrong box
/// (Chromium repeats a link of a multi-column page over a table cell or a number elsewhere), and
/// the words under it are not the link's. The words of the link's own rectangle keep it (see also
/// `celltext::shared_links`).
pub(crate) fn drop_stray_links(spans: &mut [Span], links: &[LinkRect]) {
    for l in links {
        let inside = |s: &Span| {
            s.link.as_deref() == Some(l.uri.as_str())
                && l.covers((s.x0 + s.x1) / 2.0, s.top, s.bottom)
        };
        let (mut x0, mut x1, mut size) = (f32::MAX, f32::MIN, 0.0f32);
        for s in spans.iter().filter(|s| inside(s)) {
            (x0, x1, size) = (x0.min(s.x0), x1.max(s.x1), size.max(s.size));
        }
        let (width, filled) = (l.x1 - l.x0, x1 - x0);
        let wide = filled < STRAY_FILL * width && width - filled > size;
        // A link's own rectangle starts where its words start; one that runs on past them to the
        // line's end holds a link broken over two lines (Writer).
        if x1 < x0 || !wide || (x0 - l.x0).abs() <= 0.3 * size {
            continue;
        }
        for s in spans.iter_mut() {
            if inside(s) {
                s.link = None;
            }
        }
    }
}

/// Text of the page's filled-in text and choice fields and of its text boxes, as spans placed in
/// their rectangles. A field whose text the page content already shows there is left out.
pub(crate) fn field_spans(
    doc: &PdfDocument,
    annots: &[Annotation],
    x_off: f32,
    top: f32,
    shown: &[Span],
) -> Vec<Span> {
    let mut out = Vec::new();
    for a in annots.iter().take(MAX_ANNOTS) {
        if a.flags.is_hidden() {
            continue;
        }
        let Some(r) = a.rect else { continue };
        let widget = a.subtype.as_deref() == Some("Widget");
        let text = match (&a.field_type, widget) {
            // A value stored empty can still show in the field's appearance (as formatted).
            (Some(WidgetFieldType::Text | WidgetFieldType::Choice { .. }), true) => {
                field_value(doc, a).or_else(|| appearance::text(doc, a))
            }
            (_, false) if a.subtype.as_deref() == Some("FreeText") => a.contents.clone(),
            (Some(WidgetFieldType::Signature), true) => appearance::text(doc, a),
            (_, false) if a.subtype.as_deref() == Some("Stamp") => appearance::text(doc, a),
            _ => None,
        };
        let Some(text) = text else { continue };
        let text: String = text.chars().take(MAX_FIELD_CHARS).collect();
        let lines: Vec<&str> = text
            .split(['\r', '\n'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        let (x0, x1) = (r[0].min(r[2]) as f32, r[0].max(r[2]) as f32);
        let (y0, y1) = (r[1].min(r[3]) as f32, r[1].max(r[3]) as f32);
        if !(x0.is_finite() && x1.is_finite() && y0.is_finite() && y1.is_finite()) {
            continue;
        }
        let height = (y1 - y0).max(1.0);
        let size = match da_font_size(doc, a) {
            Some(s) if s >= 1.0 => s.min(72.0),
            _ => (height * 0.7).clamp(4.0, 12.0),
        };
        let first = lines[0].split_whitespace().next().unwrap_or("");
        let (l, t, rt, b) = (x0 - x_off, top - y1, x1 - x_off, top - y0);
        let already = shown.iter().any(|s| {
            let (cx, cy) = ((s.x0 + s.x1) / 2.0, (s.top + s.bottom) / 2.0);
            cx >= l && cx <= rt && cy >= t && cy <= b && s.text.contains(first)
        });
        if already {
            continue;
        }
        // One line sits in the middle of its box; several start at its top.
        let mut baseline = if lines.len() == 1 && height < 2.5 * size {
            y0 + (height - size) / 2.0 + 0.25 * size
        } else {
            y1 - 2.0 - size
        };
        for line in lines {
            let width = 0.5 * size * line.chars().count() as f32;
            out.push(Span {
                text: line.to_string(),
                x0: l + 2.0,
                x1: (l + 2.0 + width).min(rt.max(l + 2.0 + size)),
                top: top - baseline - size,
                bottom: top - baseline,
                size,
                bold: false,
                italic: false,
                mono: false,
                link: None,
                font: String::new(),
            });
            baseline -= 1.15 * size;
        }
    }
    out
}

/// A field's value (`/V`, inherited from its parent field), decoded as a PDF text string; a list of
/// selected choices is joined.
fn field_value(doc: &PdfDocument, a: &Annotation) -> Option<String> {
    let v = inherited(doc, a, "V")?;
    let s = match v {
        Object::String(b) => decode_text_string(&b),
        Object::Array(items) => items
            .iter()
            .filter_map(|o| match doc.resolve_object(o).ok()? {
                Object::String(b) => Some(decode_text_string(&b)),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => return None,
    };
    let s = s.trim_matches(['\0', ' ']).to_string();
    (!s.is_empty()).then_some(s)
}

/// The font size of a field's default appearance (`/DA (/Helv 10 Tf 0 g)`); 0 means auto.
fn da_font_size(doc: &PdfDocument, a: &Annotation) -> Option<f32> {
    let Object::String(da) = inherited(doc, a, "DA")? else {
        return None;
    };
    let da = String::from_utf8_lossy(&da).into_owned();
    let words: Vec<&str> = da.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "Tf")?;
    words.get(at.checked_sub(1)?)?.parse::<f32>().ok()
}

/// An entry of the widget's dictionary or of the nearest parent field that has it.
fn inherited(doc: &PdfDocument, a: &Annotation, key: &str) -> Option<Object> {
    let dict = a.raw_dict.as_ref()?;
    if let Some(v) = dict.get(key) {
        return doc.resolve_object(v).ok();
    }
    let mut parent = dict.get("Parent").cloned();
    for _ in 0..16 {
        let p = doc.resolve_object(&parent?).ok()?;
        let d = p.as_dict()?;
        if let Some(v) = d.get(key) {
            return doc.resolve_object(v).ok();
        }
        parent = d.get("Parent").cloned();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::drop_stray_links;
    use crate::model::Span;
    use crate::words::LinkRect;

    fn rect(x0: f32, x1: f32, uri: &str) -> LinkRect {
        let (top, bottom) = (100.0, 110.0);
        LinkRect {
            x0,
            x1,
            top,
            bottom,
            uri: uri.to_string(),
        }
    }

    #[test]
    fn a_link_rectangle_laid_over_other_words_is_dropped() {
        let uri = "https://example.org/crane";
        let mut spans = vec![
            Span::test("$66,868.73", 376.0, 425.0, 100.0, 10.0),
            Span::test("guide", 111.0, 140.0, 100.0, 10.0),
            Span::test("vessel", 477.0, 509.0, 100.0, 10.0),
        ];
        for s in &mut spans {
            s.link = Some(uri.to_string());
        }
        let links = [
            // A copy two and a half times as wide as the number it lies on, starting before it.
            rect(362.0, 489.0, uri),
            // The link's own words.
            rect(111.0, 140.5, uri),
            // A link broken over two lines: its first rectangle runs on to the line's end.
            rect(476.8, 540.0, uri),
        ];
        drop_stray_links(&mut spans, &links);
        let kept: Vec<bool> = spans.iter().map(|s| s.link.is_some()).collect();
        assert_eq!(kept, [false, true, true]);
    }
}
