//! Reading one page through `pdf_oxide`: the page's text spans, link annotations, form fields and
//! ruling lines turned into the engine's own plain geometry types (top-down coordinates). Spans of
//! right-to-left text and spans whose glyph offsets the parser lined up wrong are read again from
//! the page's characters (`glyphs.rs`); word spaces are decided again from glyph positions
//! (`words.rs`). Runs inside [`super::document::guarded`].

use std::path::Path;

use pdf_oxide::PdfDocument;

use super::ConvertError;
use super::annots;
use super::bidi;
use super::document::map_err;
use super::fonts::{
    font_key, is_dingbat_font, is_mono_name, is_symbol, name_is_bold, name_is_italic,
    name_is_regular,
};
use super::glyphs;
use super::labels;
use super::model::{Page, Span};
use super::overprint;
use super::realign;
use super::resources;
use super::rotated;
use super::widths;
use super::words;

/// Upper bound on spans kept per page; beyond this the page is noise (fuzzed or vector-text art).
const MAX_SPANS_PER_PAGE: usize = 60_000;

pub(crate) fn page_inner(
    doc: &PdfDocument,
    path: &Path,
    index: usize,
) -> Result<Page, ConvertError> {
    let (llx, lly, urx, ury) = doc
        .get_page_media_box(index)
        .unwrap_or((0.0, 0.0, 612.0, 792.0));
    let (x_off, top) = (llx.min(urx), lly.max(ury));
    let width = (urx - llx).abs().max(1.0);
    let height = (ury - lly).abs().max(1.0);
    let mut raw = doc.extract_spans(index).map_err(|e| map_err(path, e))?;
    let media = (llx, lly, urx, ury);
    // A page with turned text: its characters, read once for the turned page and the asides, and
    // every angle as drawn on a page with a flipped y axis (`flip.rs`).
    let mut chars = Vec::new();
    if raw.iter().any(|s| s.rotation_degrees.abs() > 1.0) {
        let flipped;
        (chars, flipped) = super::flip::chars(doc, index);
        if flipped {
            for s in &mut raw {
                s.rotation_degrees = -s.rotation_degrees;
            }
        }
    }
    if let Some(turn) = rotated::dominant(&raw) {
        let mut page = rotated::page(index, turn, &raw, &chars, media);
        if let rotated::Turn::Angle(main) = turn {
            page.asides = super::asides::pages(&chars, index, media, &[], main);
        }
        return Ok(page);
    }
    // Symbol fonts draw codes under 32 on purpose (a character table of ZapfDingbats).
    // (Font names are looked at only on a page that has the control characters at all.)
    let codes = raw
        .iter()
        .any(|s| s.text.chars().any(|c| c.is_control() && c != '\t'))
        && super::ocr::codes_not_text(
            raw.iter()
                .filter(|s| {
                    let name = font_key(&s.font_name);
                    !(is_dingbat_font(&name) || name.contains("symbol"))
                })
                .map(|s| s.text.as_str()),
        );
    let mut spans = Vec::with_capacity(raw.len().min(MAX_SPANS_PER_PAGE));
    let mut glyphs: Option<glyphs::PageGlyphs> = None;
    // Spans with usable glyph positions get their word spaces decided again (`words.rs`).
    let mut shown: Vec<words::Shown> = Vec::new();
    // On a right-to-left page every span holding right-to-left letters is read from the right
    // (a Latin word drawn with a neighbouring Arabic letter); elsewhere only mostly-RTL spans.
    let rtl_page = bidi::mostly_rtl_texts(raw.iter().map(|s| s.text.as_str()));
    let mut turned: Vec<labels::Turned> = Vec::new();
    // Whether the page has text at an angle that no header label can take (`asides.rs`).
    let mut askew = false;
    // Whether the page draws with a Type3 font, once a span asks.
    let mut type3: Option<bool> = None;
    for s in raw.into_iter().take(MAX_SPANS_PER_PAGE) {
        if s.rotation_degrees.abs() > 1.0 || s.wmode != 0 {
            let quarter = (s.rotation_degrees.abs() - 90.0).abs() < 1.0;
            askew |= !quarter && s.wmode == 0 && !s.text.trim().is_empty();
            if quarter && s.wmode == 0 {
                let name = font_key(&s.font_name);
                turned.push(labels::Turned {
                    text: s.text,
                    x: s.bbox.x,
                    y: s.bbox.y,
                    length: s.bbox.width.abs(),
                    size: s.font_size,
                    up: s.rotation_degrees > 0.0,
                    bold: name_is_bold(&name) || s.font_weight.is_bold(),
                    font: s.font_name,
                });
            }
            continue;
        }
        let b = s.bbox;
        if !(b.x.is_finite() && b.y.is_finite() && b.width.is_finite() && b.height.is_finite()) {
            continue;
        }
        if s.text.trim().is_empty() {
            continue;
        }
        let size = if s.font_size.is_finite() && s.font_size > 0.5 {
            s.font_size.min(500.0)
        } else {
            b.height.abs().clamp(1.0, 500.0)
        };
        // A Type3 font's glyphs can be far smaller than its nominal size says: on a page that
        // uses one, a span's size is the one its advances show then, and so is its box's height.
        let small = glyph_size(size, &s.text, &s.char_widths)
            .filter(|_| *type3.get_or_insert_with(|| resources::page_has_type3(doc, index)));
        let (size, b) = match small {
            Some(shown) => {
                let mut b = b;
                b.height = shown;
                (shown, b)
            }
            None => (size, b),
        };
        let name = font_key(&s.font_name);
        let mut s = s;
        if let Some(n) = overprint::copies(&s.text) {
            // A fake bold: every glyph painted n times over itself.
            let (text, widths) = overprint::collapse(&s.text, n, &s.char_widths);
            s.char_x_offsets = overprint::collapse(&s.text, n, &s.char_x_offsets).1;
            (s.text, s.char_widths) = (text, widths);
        }
        if is_dingbat_font(&name) && !s.text.chars().all(|c| c.is_whitespace() || is_symbol(c)) {
            // Check boxes and bullets: in these fonts even letters ("y", "n") are symbols. Text
            // the parser mapped to symbols already (ZapfDingbats' "✁", "❶") stays as it is.
            s.text = "•".to_string();
        }
        let span = Span {
            x0: b.x - x_off,
            x1: b.x + b.width.abs() - x_off,
            top: top - (b.y + b.height.abs()),
            bottom: top - b.y,
            size,
            bold: name_is_bold(&name) || (s.font_weight.is_bold() && !name_is_regular(&name)),
            italic: s.is_italic || name_is_italic(&name),
            mono: s.is_monospace || is_mono_name(&name),
            link: None,
            font: s.font_name.clone(),
            text: String::new(),
        };
        // A span spaced out into cells: its offsets (or, when the parser gave none, its advances
        // laid end to end) checked against the glyphs as drawn.
        let laid = s
            .char_x_offsets
            .is_empty()
            .then(|| realign::laid_end_to_end(b.x, &s.char_widths));
        let offsets = laid.as_deref().unwrap_or(&s.char_x_offsets);
        if realign::has_gap(&s.text, offsets, &s.char_widths, size)
            && !bidi::has_rtl_letter(&s.text)
        {
            let g = glyphs.get_or_insert_with(|| glyphs::PageGlyphs::read(doc, index));
            let checked = g
                .ltr_letters(&s.text, b.x, b.y, size)
                .map(|l| realign::from_letters(&s.text, offsets, &l, size));
            match checked {
                Some(Some(fixed)) => (s.text, s.char_x_offsets, s.char_widths) = fixed,
                // Advances laid end to end that agree with the glyphs are the span's offsets.
                Some(None) => {
                    if let Some(laid) = laid {
                        s.char_x_offsets = laid;
                    }
                }
                None => {}
            }
        }
        let wide = 2.5 * size;
        let splits = s.char_x_offsets.len() == s.text.chars().count()
            && s.char_widths.iter().any(|w| *w > wide);
        let rtl_span = bidi::mostly_rtl(&s.text) || rtl_page && bidi::has_rtl_letter(&s.text);
        let several = s
            .text
            .chars()
            .filter(|c| !c.is_whitespace())
            .nth(1)
            .is_some();
        if !splits && rtl_span && several {
            let g = glyphs.get_or_insert_with(|| glyphs::PageGlyphs::read(doc, index));
            if let Some(text) = g.logical_text(&s.text, b.x, b.x + b.width.abs(), b.y, size) {
                spans.push(Span { text, ..span });
                continue;
            }
        }
        // Glyphs of the span, re-spaced with the others (`words.rs`): from its offsets (or its
        // letters as drawn when the offsets are misplaced); for a span whose advances hide
        // positioning jumps ("B" and "On hold" of two table columns as one span), with the jumps as
        // gaps, when its offsets follow them. Without usable glyphs it is cut by its advances below.
        let placed = if rtl_span {
            None
        } else if splits {
            realign::glyphs_over_jumps(&s.text, &s.char_x_offsets, &s.char_widths, size, x_off)
        } else {
            let (offsets, widths) = (&s.char_x_offsets, &s.char_widths);
            let mut placed = words::glyphs_of(&s.text, offsets, widths, (b.x, size), x_off);
            if matches!(placed, words::Placed::Misplaced) {
                let g = glyphs.get_or_insert_with(|| glyphs::PageGlyphs::read(doc, index));
                placed = match g.ltr_letters(&s.text, b.x, b.y, size) {
                    Some(letters) => words::glyphs_from_letters(&s.text, &letters, x_off),
                    None => words::Placed::Unusable,
                };
            }
            match placed {
                words::Placed::Glyphs(mut glyphs) => {
                    let (left, right) = (b.x - x_off, b.x + b.width.abs() - x_off);
                    realign::relay_split_ligature(&mut glyphs, right, size);
                    realign::relay_astray(&mut glyphs, left, right, size);
                    realign::pull_back_after_ligature(&mut glyphs, right, size);
                    Some(glyphs)
                }
                _ => None,
            }
        };
        if let Some(glyphs) = placed {
            shown.push(words::Shown {
                span: Span {
                    text: s.text.clone(),
                    ..span
                },
                glyphs,
            });
            continue;
        }
        split_at_wide_advances(
            span,
            &s.text,
            &s.char_x_offsets,
            &s.char_widths,
            x_off,
            &mut spans,
        );
    }
    let annots = doc.get_annotations(index).unwrap_or_default();
    let links = annots::link_rects(&annots, x_off, top);
    let declared = if shown.is_empty() {
        widths::FontWidths::new()
    } else {
        widths::page_widths(doc, index)
    };
    let mut gaps = Vec::new();
    words::respace_with_gaps(shown, &links, &declared, &mut spans, &mut gaps);
    super::aligned::split(&mut spans, &gaps);
    let fields = annots::field_spans(doc, &annots, x_off, top, &spans);
    spans.extend(fields);
    let quarter_turned = turned.len();
    let (label_spans, taken) = labels::header_labels(turned, x_off, top);
    spans.extend(label_spans);
    let asides = if askew || taken.len() < quarter_turned {
        super::asides::pages(&chars, index, media, &taken, 0.0)
    } else {
        Vec::new()
    };
    if spans.is_empty() {
        // The parser drops a content stream that hits the decompression cap without an error;
        // decoding it once more tells a bomb from a page that has no text.
        if let Err(e) = doc.get_page_content_data(index) {
            let e = map_err(path, e);
            if matches!(e, ConvertError::TooComplex { .. }) {
                return Err(e);
            }
        }
    }
    annots::attach_links(&mut spans, &links);
    annots::drop_stray_links(&mut spans, &links);
    let shapes = super::shapes::read_shapes(doc, index, x_off, top, &spans);
    super::euro::compose(&mut spans, &shapes.bars);
    let rules = shapes.rules;
    super::shapes::take_figures(&mut spans, &shapes.numbered);
    spans.extend(shapes.bullets);
    #[cfg(feature = "test-hooks")]
    super::panics::test_trigger("page");
    Ok(Page {
        number: index + 1,
        width,
        height,
        spans,
        rules,
        rtl: false,
        asides,
        codes,
    })
}

/// Push `span` with `text`, cut into pieces wherever one glyph's advance is far wider than a glyph
/// (the parser folds a positioning jump into the advance, so "X" in two table columns arrives as one
/// span "XX" 100 pt wide). Needs per-glyph positions; without them the span stays whole.
fn split_at_wide_advances(
    span: Span,
    text: &str,
    offsets: &[f32],
    widths: &[f32],
    x_off: f32,
    out: &mut Vec<Span>,
) {
    let n = text.chars().count();
    let wide = 2.5 * span.size;
    if offsets.len() != n || widths.len() != n || !widths.iter().any(|w| *w > wide) {
        out.push(Span {
            text: text.to_string(),
            ..span
        });
        return;
    }
    let mut piece = String::new();
    let mut start: Option<f32> = None;
    // Where the last glyph seen ends: the last piece ends there, not at the span's box, which
    // reaches over whatever advance the parser folded into its last glyph.
    let mut end = span.x1 + x_off;
    for ((c, x), w) in text.chars().zip(offsets).zip(widths) {
        if !(x.is_finite() && w.is_finite()) {
            continue;
        }
        if !c.is_whitespace() {
            start.get_or_insert(*x);
            piece.push(c);
            end = x + if *w > 1.5 * span.size {
                0.7 * span.size
            } else {
                w.max(0.0)
            };
        }
        // Once a span has shown one jump, a narrower one is believed too: no letter advances
        // 1.5 em ("Share" and "Status" of two columns, the jump folded into the "e").
        let jump = if c.is_whitespace() { 0.6 } else { 1.5 } * span.size;
        if *w > jump {
            if let Some(x0) = start.take() {
                let x1 = if c.is_whitespace() {
                    *x
                } else {
                    x + w.min(0.7 * span.size)
                };
                out.push(Span {
                    text: std::mem::take(&mut piece),
                    x0: x0 - x_off,
                    x1: x1 - x_off,
                    ..span.clone()
                });
            }
        } else if c.is_whitespace() {
            piece.push(c);
        }
    }
    if let Some(x0) = start {
        out.push(Span {
            text: piece.trim_end().to_string(),
            x0: x0 - x_off,
            x1: (end - x_off).clamp(x0 - x_off, span.x1),
            ..span
        });
    }
}

/// Median advance of a Latin letter in em, about; a span whose letters advance less than
/// [`SMALL_ADVANCE`] of its nominal size draws glyphs smaller than that size.
const LETTER_ADVANCE: f32 = 0.5;
const SMALL_ADVANCE: f32 = 0.2;

/// The size a span's glyphs are drawn at, when its nominal `size` is far larger than its letters'
/// advances show (a Type3 font whose `/FontMatrix` and `/Widths` make glyphs of a fifth of an em or
/// less): the median advance of its letters taken as half an em. `None` when the nominal size
/// holds, or the span has too few letters with advances to tell.
pub(crate) fn glyph_size(size: f32, text: &str, widths: &[f32]) -> Option<f32> {
    if widths.len() != text.chars().count() {
        return None;
    }
    let mut letters: Vec<f32> = text
        .chars()
        .zip(widths)
        .filter(|(c, w)| c.is_alphanumeric() && w.is_finite() && **w > 0.0)
        .map(|(_, w)| *w)
        .collect();
    if letters.len() < 4 {
        return None;
    }
    letters.sort_by(f32::total_cmp);
    let median = letters[letters.len() / 2];
    (median < SMALL_ADVANCE * size).then(|| (median / LETTER_ADVANCE).max(1.0))
}
