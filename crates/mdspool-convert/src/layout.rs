//! Geometry to reading order: the page is cut into regions (`regions.rs`: bands at full-width parts,
//! columns within bands), each region's spans are grouped into line fragments (same baseline, no wide
//! gap), running headers/footers and page numbers are dropped, and the regions are read in turn.

use super::docgutter::Gutter;
use super::model::{Line, Page, Span};
use super::regions::{Region, region_of};

/// A gap wider than this many font sizes splits a baseline into separate fragments (columns, cells).
const FRAGMENT_GAP_EM: f32 = 1.1;

/// Cut the page into regions (bands and columns, in reading order) and split each region's spans
/// into line fragments; the fragments come region by region, top to bottom, left to right.
pub(crate) fn page_lines(page: &Page, lent: Option<&Gutter>) -> (Vec<Line>, Vec<Region>) {
    if super::model::debug() {
        for s in &page.spans {
            tracing::trace!(
                "span p{} x{:.1}-{:.1} y{:.1} s{:.1} {:?}",
                page.number,
                s.x0,
                s.x1,
                s.top,
                s.size,
                s.text
            );
        }
    }
    let regions = super::regions::regions(&page.spans, &page.rules, lent);
    if super::model::debug() {
        tracing::trace!("page {} regions {regions:?}", page.number);
    }
    let mut parts: Vec<Vec<&Span>> = vec![Vec::new(); regions.len()];
    for s in &page.spans {
        let r = region_of(&regions, (s.x0 + s.x1) / 2.0, (s.top + s.bottom) / 2.0);
        if let Some(p) = parts.get_mut(r) {
            p.push(s);
        }
    }
    // Region by region, each in row order (a row's fragments stay together, left to right).
    let lines: Vec<Line> = parts
        .into_iter()
        .flat_map(|spans| line_fragments(spans, page.rtl))
        .collect();
    (lines, regions)
}

/// Split spans into line fragments: same baseline band, no wide gap.
fn line_fragments(mut spans: Vec<&Span>, rtl: bool) -> Vec<Line> {
    spans.sort_by(|a, b| a.top.total_cmp(&b.top).then(a.x0.total_cmp(&b.x0)));
    // Rows of spans sharing a baseline band.
    let mut rows: Vec<(f32, f32, Vec<&Span>)> = Vec::new();
    for s in spans {
        let h = (s.bottom - s.top).max(0.5);
        let mut placed = false;
        // Only recent rows can overlap: rows are opened in top order.
        for row in rows.iter_mut().rev().take(4) {
            let rh = (row.1 - row.0).max(0.5);
            let overlap = row.1.min(s.bottom) - row.0.max(s.top);
            if overlap >= 0.5 * h.min(rh) {
                row.2.push(s);
                placed = true;
                break;
            }
        }
        if !placed {
            rows.push((s.top, s.bottom, vec![s]));
        }
    }
    let mut out = Vec::new();
    let finish = |mut cur: Vec<Span>| {
        if rtl {
            super::bidi::order_ltr_spans(&mut cur, |s| s.text.as_str());
        }
        fragment(cur)
    };
    for (_, _, mut row) in rows {
        row.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut cur: Vec<Span> = Vec::new();
        let mut cur_x1 = f32::MIN;
        for s in row {
            if let Some(last) = cur.last() {
                // Duplicate drawing (fake bold / shadow): same text at almost the same place.
                if last.text == s.text
                    && (last.x0 - s.x0).abs() < 1.5
                    && (last.top - s.top).abs() < 1.5
                {
                    continue;
                }
                let gap = s.x0 - cur_x1;
                let em = last.size.max(s.size);
                // A lone list marker keeps its item text even across a wide gap.
                let marker = cur.len() == 1 && is_marker_text(&last.text);
                let wide = gap > FRAGMENT_GAP_EM * em && !(marker && gap < 6.0 * em);
                if wide {
                    out.push(finish(std::mem::take(&mut cur)));
                    cur_x1 = f32::MIN;
                }
            }
            cur_x1 = cur_x1.max(s.x1);
            cur.push(s.clone());
        }
        if !cur.is_empty() {
            out.push(finish(cur));
        }
    }
    out
}

/// Build a fragment; a lone leading glyph in its own font, set off by a gap, is a bullet drawn
/// from a symbol font (its Unicode mapping, often a letter such as `r` or `n`, is meaningless).
fn fragment(mut spans: Vec<Span>) -> Line {
    if let [first, second, ..] = spans.as_mut_slice() {
        let t = first.text.trim();
        // A letter in a text font at the text's size is a word ("t is in seconds", a math
        // variable in italics); a symbol font's letters, or a letter set at another size, are
        // made-up bullets.
        let symbol_font = ["symbol", "dingbat", "wingding", "zapf", "webdings"]
            .iter()
            .any(|m| first.font.to_ascii_lowercase().contains(m));
        let resized = (first.size - second.size).abs() > 0.15 * second.size;
        let lone = t.chars().count() == 1
            && !t.starts_with(|c: char| c.is_ascii_digit())
            && (symbol_font || resized || !t.starts_with(char::is_alphanumeric));
        let gap = second.x0 - first.x1;
        if lone && first.font != second.font && gap > 0.2 * second.size && gap < 3.0 * second.size {
            first.text = "•".to_string();
        }
    }
    Line::from_spans(spans)
}

/// A list marker standing alone (bullet glyph, `1.`, `a)`, `(iv)`).
pub(crate) fn is_marker_text(t: &str) -> bool {
    let t = t.trim();
    if t.is_empty() || t.chars().count() > 5 {
        return false;
    }
    if t.chars().count() == 1 && super::markers::is_bullet_char(t.chars().next().unwrap_or(' ')) {
        return true;
    }
    let core = t.trim_start_matches('(');
    let core = core
        .strip_suffix('.')
        .or_else(|| core.strip_suffix(')'))
        .unwrap_or("");
    !core.is_empty()
        && (core.chars().all(|c| c.is_ascii_digit())
            || (core.chars().count() == 1 && core.chars().all(|c| c.is_ascii_lowercase())))
}

/// Order fragments for reading: one run per region, in the regions' order, each read top to bottom.
/// A line (or ruled-table placeholder) goes to the region holding its centre.
pub(crate) fn reading_order(lines: Vec<Line>, regions: &[Region]) -> Vec<Vec<Line>> {
    let mut runs: Vec<Vec<Line>> = vec![Vec::new(); regions.len().max(1)];
    for l in lines {
        let r = region_of(regions, (l.x0 + l.x1) / 2.0, (l.top + l.bottom) / 2.0);
        if let Some(run) = runs.get_mut(r) {
            run.push(l);
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}
