//! Geometry to reading order: the page is cut into regions (`regions.rs`: bands at full-width parts,
//! columns within bands), each region's spans are grouped into line fragments (same baseline, no wide
//! gap), running headers/footers and page numbers are dropped, and the regions are read in turn.

use super::model::{Line, Page, PageLayout, Span};
use super::regions::{Region, region_of};

/// Shares of the page height, at the top and bottom, where running headers and footers are looked
/// for (exact repeats; repeats with digits folded), and where lone page numbers are dropped.
const FURNITURE_MARGIN: f32 = 0.12;
const FOLDED_MARGIN: f32 = 0.09;
const PAGE_NUMBER_MARGIN: f32 = 0.15;

/// A gap wider than this many font sizes splits a baseline into separate fragments (columns, cells).
const FRAGMENT_GAP_EM: f32 = 1.1;

/// Cut the page into regions (bands and columns, in reading order) and split each region's spans
/// into line fragments; the fragments come region by region, top to bottom, left to right.
pub(crate) fn page_lines(page: &Page) -> (Vec<Line>, Vec<Region>) {
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
    let regions = super::regions::regions(&page.spans, &page.rules);
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
    if t.chars().count() == 1 && super::blocks::is_bullet_char(t.chars().next().unwrap_or(' ')) {
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

/// Normalise a line for repetition tests: digits folded so "Page 3" matches "Page 4".
fn furniture_key(t: &str) -> String {
    t.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect::<String>()
        .to_lowercase()
}

/// A bare page number or "Page N (of M)".
fn is_page_number(t: &str) -> bool {
    let t = t
        .trim()
        .trim_matches(|c| c == '-' || c == '–' || c == '|')
        .trim();
    let lower = t.to_lowercase();
    let lower = lower
        .strip_prefix("page")
        .map(str::trim)
        .unwrap_or(lower.as_str());
    let mut parts = lower.split("of").map(str::trim);
    let first = parts.next().unwrap_or("");
    let roman = !first.is_empty() && first.len() <= 6 && first.chars().all(|c| "ivxlc".contains(c));
    (!first.is_empty() && first.len() <= 5 && first.chars().all(|c| c.is_ascii_digit())) || roman
}

/// Drop running headers/footers and page numbers. A line is furniture when its text recurs on at
/// least half of the pages (three or more pages) near the top or bottom edge: exactly within the
/// outer 12 % of the page, or with digits folded ("Page 3" = "Page 4") within the outer 9 %.
pub(crate) fn drop_furniture(pages: &mut [PageLayout]) {
    use std::collections::{HashMap, HashSet};
    let n = pages.len();
    let mut exact: HashMap<String, usize> = HashMap::new();
    let mut folded: HashMap<String, usize> = HashMap::new();
    for page in pages.iter() {
        let height = page.height;
        let (mut seen_e, mut seen_f) = (HashSet::new(), HashSet::new());
        for l in page
            .lines
            .iter()
            .filter(|l| in_margin(l, height, FURNITURE_MARGIN))
        {
            let t = l.text();
            let e = exact_key(&t);
            if !e.is_empty() && seen_e.insert(e.clone()) {
                *exact.entry(e).or_default() += 1;
            }
            if in_margin(l, height, FOLDED_MARGIN) {
                let f = furniture_key(&t);
                if !f.is_empty() && seen_f.insert(f.clone()) {
                    *folded.entry(f).or_default() += 1;
                }
            }
        }
    }
    let mut sizes: Vec<f32> = pages
        .iter()
        .flat_map(|p| p.lines.iter().map(|l| l.size))
        .collect();
    sizes.sort_by(f32::total_cmp);
    let typical = sizes.get(sizes.len() / 2).copied().unwrap_or(10.0);
    let min_repeats = if n >= 3 { n.div_ceil(2).max(2) } else { n + 1 };
    for page in pages.iter_mut() {
        let h = page.height;
        page.lines.retain(|l| {
            if !in_margin(l, h, PAGE_NUMBER_MARGIN) {
                return true;
            }
            let t = l.text();
            let count = |m: &HashMap<String, usize>, k: String| m.get(&k).copied().unwrap_or(0);
            let repeated = (in_margin(l, h, FURNITURE_MARGIN)
                && count(&exact, exact_key(&t)) >= min_repeats)
                || (in_margin(l, h, FOLDED_MARGIN)
                    && count(&folded, furniture_key(&t)) >= min_repeats);
            // Page numbers are set small; a large lone number is a chapter number.
            let page_number = is_page_number(&t) && l.size <= typical * 1.3;
            !(repeated || page_number)
        });
    }
}

fn exact_key(t: &str) -> String {
    t.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// Whether the line lies in the top or bottom `share` of the page.
fn in_margin(l: &Line, height: f32, share: f32) -> bool {
    let mid = (l.top + l.bottom) / 2.0;
    mid < height * share || mid > height * (1.0 - share)
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

#[cfg(test)]
mod tests {
    use super::is_page_number;

    #[test]
    fn page_numbers() {
        for t in ["7", "- 7 -", "Page 3", "page 3 of 12", "xiv", "| 12 |"] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["7 apples", "Chapter 3", "2.1", "Introduction", ""] {
            assert!(!is_page_number(t), "{t}");
        }
    }
}
