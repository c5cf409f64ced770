//! Geometry to reading order: spans are grouped into line fragments (same baseline, no wide gap),
//! running headers/footers and page numbers are dropped, and two-column pages are read column by
//! column (full-width parts such as titles and wide figures stay in place between column runs).

use super::model::{Line, Page, PageLayout, Span};

/// Shares of the page height, at the top and bottom, where running headers and footers are looked
/// for (exact repeats; repeats with digits folded), and where lone page numbers are dropped.
const FURNITURE_MARGIN: f32 = 0.12;
const FOLDED_MARGIN: f32 = 0.09;
const PAGE_NUMBER_MARGIN: f32 = 0.15;

/// A gap wider than this many font sizes splits a baseline into separate fragments (columns, cells).
const FRAGMENT_GAP_EM: f32 = 1.1;

/// Split the page's spans into line fragments, sorted top to bottom, left to right, and find the
/// page's column gutter if it has two columns.
pub(crate) fn page_lines(page: &Page) -> (Vec<Line>, Option<f32>) {
    let gutter = span_gutter(page);
    if super::model::debug() {
        tracing::trace!(
            "page {} width {:.0} gutter {gutter:?}",
            page.number,
            page.width
        );
    }
    if let Some((g, gw)) = gutter {
        let lines = line_fragments(page, Some(g));
        if columns_ok(&lines, g, gw >= 40.0, page.width) {
            return (lines, Some(g));
        }
    }
    (line_fragments(page, None), None)
}

/// Split the page's spans into line fragments, also at the gutter `g` when given.
fn line_fragments(page: &Page, gutter: Option<f32>) -> Vec<Line> {
    let mut spans: Vec<&Span> = page.spans.iter().collect();
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
        if page.rtl {
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
                let at_gutter = gutter.is_some_and(|g| cur_x1 <= g + 0.5 && s.x0 >= g - 0.5);
                let wide = gap > FRAGMENT_GAP_EM * em && !(marker && gap < 6.0 * em);
                if wide || at_gutter {
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
        let lone = t.chars().count() == 1 && !t.starts_with(|c: char| c.is_ascii_digit());
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

/// Order fragments for reading: detect a two-column gutter and read each column run in turn.
/// Returns runs of fragments; each run is read top to bottom.
pub(crate) fn reading_order(lines: Vec<Line>, gutter: Option<f32>) -> Vec<Vec<Line>> {
    match gutter {
        None => vec![lines],
        Some(g) => {
            let mut runs: Vec<Vec<Line>> = Vec::new();
            let (mut left, mut right): (Vec<Line>, Vec<Line>) = (Vec::new(), Vec::new());
            for l in lines {
                if l.x0 < g && l.x1 > g {
                    if !left.is_empty() || !right.is_empty() {
                        runs.push(std::mem::take(&mut left));
                        runs.push(std::mem::take(&mut right));
                    }
                    match runs.last_mut() {
                        Some(last) if last.last().is_some_and(|p| p.x0 < g && p.x1 > g) => {
                            last.push(l)
                        }
                        _ => runs.push(vec![l]),
                    }
                } else if l.x1 <= g {
                    left.push(l);
                } else {
                    right.push(l);
                }
            }
            runs.push(left);
            runs.push(right);
            runs.retain(|r| !r.is_empty());
            runs
        }
    }
}

/// An x position in the middle of the page that few spans cross while many spans end just left of
/// it and start just right of it.
fn span_gutter(page: &Page) -> Option<(f32, f32)> {
    let width = page.width;
    if page.spans.len() < 8 || !width.is_finite() || width < 50.0 {
        return None;
    }
    let w = width.min(5_000.0) as usize + 1;
    let mut cross = vec![0i32; w + 1];
    for s in &page.spans {
        let a = (s.x0.max(0.0) as usize).min(w);
        let b = (s.x1.max(0.0) as usize).min(w);
        if b > a + 1 {
            if let Some(c) = cross.get_mut(a + 1) {
                *c += 1;
            }
            if let Some(c) = cross.get_mut(b) {
                *c -= 1;
            }
        }
    }
    // Runs of equal crossing count at least 4 pt wide (narrower ones are rivers between words in
    // one-column text); keep the lowest count, and among those the widest run.
    let mut acc = 0;
    let mut best: Option<(i32, usize, usize)> = None; // (crossing, first x, last x)
    let mut run: Option<(i32, usize, usize)> = None;
    let (lo, hi) = ((w as f32 * 0.3) as usize, (w as f32 * 0.7) as usize);
    let better = |r: (i32, usize, usize), b: Option<(i32, usize, usize)>| {
        r.2 - r.1 >= 4 && b.is_none_or(|b| r.0 < b.0 || (r.0 == b.0 && r.2 - r.1 > b.2 - b.1))
    };
    for (x, d) in cross.iter().enumerate().take(hi) {
        acc += d;
        if x < lo {
            continue;
        }
        run = match run {
            Some((c, a, _)) if c == acc => Some((c, a, x)),
            Some(r) => {
                if better(r, best) {
                    best = Some(r);
                }
                Some((acc, x, x))
            }
            None => Some((acc, x, x)),
        };
    }
    if let Some(r) = run.filter(|r| better(*r, best)) {
        best = Some(r);
    }
    let (crossing, a, b) = best?;
    if super::model::debug() {
        tracing::trace!(
            "gutter candidate crossing {crossing} of {} spans, x {a}..{b}",
            page.spans.len()
        );
    }
    // Few crossings, and a gap wider than a word space (rivers in one-column text are narrow).
    if crossing as usize * 5 > page.spans.len() || b - a < 4 {
        return None;
    }
    Some(((a + b) as f32 / 2.0, (b - a) as f32))
}

/// Both sides of the gutter are text columns: each at least a fifth of the page wide, holding at
/// least three lines of words that fill 60 % of the column (dot leaders and numbers do not count).
fn columns_ok(lines: &[Line], g: f32, wide: bool, page_width: f32) -> bool {
    let crossing = lines.iter().filter(|l| l.x0 < g && l.x1 > g).count();
    if crossing * 4 > lines.len() {
        return false;
    }
    let left: Vec<&Line> = lines.iter().filter(|l| l.x1 <= g).collect();
    let right: Vec<&Line> = lines.iter().filter(|l| l.x0 >= g).collect();
    if wide && crossing == 0 && left.len() >= 5 && right.len() >= 5 {
        return true; // a very wide empty gutter: page halves, whatever their content
    }
    let side_ok = |side: &[&Line]| {
        let x0 = side.iter().map(|l| l.x0).fold(f32::MAX, f32::min);
        let x1 = side.iter().map(|l| l.x1).fold(f32::MIN, f32::max);
        let width = x1 - x0;
        let full = side
            .iter()
            .filter(|l| l.x1 - l.x0 >= 0.6 * width)
            .filter(|l| l.text().chars().filter(|c| c.is_alphabetic()).count() >= 10)
            .count();
        width >= 0.2 * page_width && full >= 3 && full * 5 >= side.len()
    };
    side_ok(&left) && side_ok(&right)
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
