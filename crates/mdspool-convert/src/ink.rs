//! Glyph widths from the page, not from the parser's advances. An advance includes character
//! spacing (`Tc`), which some producers use to set word gaps, so a glyph's own width is taken as its
//! median advance on the page in its font and size, or the width its font declares (`words.rs`
//! then decides word spaces from the gaps left between glyphs).

use super::widths::FontWidths;
use super::words::Shown;

/// What a glyph's width is decided from (`narrow_to_ink`).
#[derive(Clone, Copy)]
struct Plan {
    declared_em: Option<f32>,
    as_declared: bool,
    median: Option<f32>,
    borrowed: Option<f32>,
}

/// A glyph advancing less than this (in font sizes) past its median advance keeps its own: the
/// difference is kerning of the other copies, not character spacing on this one.
const KERNED_EM: f32 = 0.2;

/// The parser's glyph widths are advances, and include character spacing (`Tc`), which some producers
/// use to set word gaps ("s" and "t" of "improves the" drawn as one string with 3.5 pt between
/// letters). A glyph's own width is its median advance on the page in its font and size; a letter
/// seen fewer than three times at that size (once, in a heading) borrows its width in em from the
/// same font at other sizes when that is clearly narrower.
pub(crate) fn narrow_to_ink(shown: &mut [Shown], declared: &FontWidths) {
    use super::fasthash::FastMap;
    use std::collections::HashMap;
    let median = |mut v: Vec<f32>| {
        v.sort_by(f32::total_cmp);
        (v.get(v.len() / 2).copied().unwrap_or(0.0), v.len())
    };
    // Fonts by index, so the per-glyph tallies key on numbers instead of cloned names.
    let mut font_ids: HashMap<&str, u32> = HashMap::new();
    let ids: Vec<u32> = shown
        .iter()
        .map(|s| {
            let next = font_ids.len() as u32;
            *font_ids.entry(s.span.font.as_str()).or_insert(next)
        })
        .collect();
    let names: Vec<String> = {
        let mut v = vec![String::new(); font_ids.len()];
        for (name, id) in &font_ids {
            v[*id as usize] = (*name).to_string();
        }
        v
    };
    let mut sized: FastMap<(u32, u32, char), Vec<f32>> = FastMap::default();
    let mut em: FastMap<(u32, char), Vec<f32>> = FastMap::default();
    for (s, &font) in shown.iter().zip(&ids) {
        let size = s.span.size.max(1.0);
        for g in &s.glyphs {
            let w = g.x1 - g.x0;
            em.entry((font, g.c)).or_default().push(w / size);
            sized
                .entry((font, size.to_bits(), g.c))
                .or_default()
                .push(w);
        }
    }
    // The median: letter spacing widens a few advances, kerning narrows a few.
    let sized: FastMap<_, _> = sized.into_iter().map(|(k, v)| (k, median(v))).collect();
    let em: FastMap<_, _> = em.into_iter().map(|(k, v)| (k, median(v).0)).collect();
    let mut declared_memo: FastMap<(u32, char), Option<f32>> = FastMap::default();
    for (s, &font) in shown.iter_mut().zip(&ids) {
        let size = s.span.size.max(1.0);
        let mut declared_em = |c: char| {
            *declared_memo
                .entry((font, c))
                .or_insert_with(|| declared.get(&(names[font as usize].clone(), c)).copied())
        };
        // Per glyph: the width its font declares, whether it advances just that (then it is as
        // wide as that: narrower copies of the letter elsewhere are small capitals the parser
        // sized as full ones, "T" of "TREATY" set in small capitals after a full capital), its
        // median advance at this size, and the em width it borrows from other sizes when it is
        // seen fewer than three times at this one and advances clearly more (a word gap of 0.15
        // em or more, not the small differences of a font condensed at one size) than there.
        let plans: Vec<Plan> = s
            .glyphs
            .iter()
            .map(|g| {
                let width = g.x1 - g.x0;
                let declared_em = declared_em(g.c);
                let as_declared =
                    declared_em.is_some_and(|d| (width - d * size).abs() <= 0.03 * size);
                let median = sized.get(&(font, size.to_bits(), g.c)).copied();
                let borrowed = match (median, em.get(&(font, g.c))) {
                    (Some((w, n)), Some(e))
                        if !as_declared && n < 3 && w - e * size >= 0.15 * size =>
                    {
                        Some(e * size)
                    }
                    _ => None,
                };
                Plan {
                    declared_em,
                    as_declared,
                    median: median.map(|(w, _)| w),
                    borrowed,
                }
            })
            .collect();
        // Character spacing widens the span's letters alike: one letter alone wider than its
        // median elsewhere is kerned there ("T" before "e" and "o"), not spaced here.
        let letters = s.glyphs.iter().filter(|g| g.c.is_alphabetic()).count();
        let widened = plans.iter().filter(|p| p.borrowed.is_some()).count();
        let spaced_out = letters < 3 || widened * 2 >= letters;
        for (k, p) in plans.iter().enumerate() {
            let Plan {
                declared_em,
                as_declared,
                median,
                borrowed,
            } = *p;
            let (c, width) = (s.glyphs[k].c, s.glyphs[k].x1 - s.glyphs[k].x0);
            let w = match median {
                _ if as_declared => width,
                Some(w) => match borrowed {
                    Some(b) if spaced_out => b,
                    // Advancing less than a word gap (0.2 em) past the median is no spacing: the
                    // median is of kerned copies ("T" of "To", "Te" in a table set with kerning)
                    // and this one is not kerned ("Th").
                    _ if width - w < KERNED_EM * size => width.max(w),
                    _ => w,
                },
                None => width,
            };
            // The width the font declares, when the glyph advances clearly more (character
            // spacing on every occurrence on the page).
            let w = match declared_em {
                Some(e) if w - e * size >= 0.15 * size => e * size,
                _ => w,
            };
            // A figure right before a letter ("1N" of "1 Numerical", set apart by character
            // spacing) advances about half an em in text faces; more is spacing. Runs of figures
            // keep their own widths (some faces have wide figures).
            let next_letter = s.glyphs.get(k + 1).is_some_and(|g| g.c.is_alphabetic());
            let w = if c.is_ascii_digit() && next_letter {
                w.min(0.62 * size)
            } else {
                w
            };
            // A figure or sign is never wider than its own advance: a narrower copy is another
            // glyph for it (a superscript figure from the font's `sups` forms, as Typst sets a
            // footnote mark), and widening it would close the word gap after it
            // ("reactor.1The"). (Letters after a ligature the parser misplaced need the widening.)
            let w = if c.is_alphabetic() { w } else { w.min(width) };
            let g = &mut s.glyphs[k];
            g.x1 = g.x0 + w.max(0.0);
        }
    }
}
