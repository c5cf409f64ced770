//! Page furniture: running headers and footers, page numbers and the like are dropped before the
//! reading order is built. On documents of three pages or more, repetition finds them (the same text,
//! or the same with digits folded, near the same edge on half the pages). Short documents cannot show
//! repetition, so there a line must also stand apart in the outer band of the page: repeated on both
//! pages of a two-page file, or reading like furniture on any page (page numbers, "Page N of M",
//! "Downloaded from ...", "Volume N | Issue M", dates, "Technical note N"). A line beside a dropped one
//! in the same band goes with it, so a running header's other half never becomes a heading.

use super::model::{Line, PageLayout};

/// Shares of the page height, at the top and bottom, where running headers and footers are looked
/// for (exact repeats; repeats with digits folded), and where lone page numbers are dropped.
const FURNITURE_MARGIN: f32 = 0.12;
const FOLDED_MARGIN: f32 = 0.09;
const PAGE_NUMBER_MARGIN: f32 = 0.15;
/// Share of the page height, at the top and bottom, where isolated furniture of short documents is
/// looked for.
const SHORT_DOC_MARGIN: f32 = 0.09;

/// Normalise a line for repetition tests: digits folded so "Page 3" matches "Page 4". Case is kept:
/// a running header set in capitals ("SPARSE NEBULA") is not the section heading it names.
fn furniture_key(t: &str) -> String {
    t.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect::<String>()
}

/// A bare page number or "Page N (of M)".
pub(crate) fn is_page_number(t: &str) -> bool {
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
        // Furniture by wording stands apart from a body: on a page whose only text lies in the
        // outer band ("Release note 83" alone on a one-page file), that text is the content.
        let has_body = page
            .lines
            .iter()
            .any(|l| !in_margin(l, h, SHORT_DOC_MARGIN));
        let alone: Vec<bool> = page
            .lines
            .iter()
            .map(|l| in_margin(l, h, SHORT_DOC_MARGIN) && isolated(l, &page.lines, h))
            .collect();
        let furniture: Vec<bool> = page
            .lines
            .iter()
            .zip(&alone)
            .map(|(l, &alone)| {
                if !in_margin(l, h, PAGE_NUMBER_MARGIN) {
                    return false;
                }
                let t = l.text();
                let count = |m: &HashMap<String, usize>, k: String| m.get(&k).copied().unwrap_or(0);
                let repeated = (in_margin(l, h, FURNITURE_MARGIN)
                    && count(&exact, exact_key(&t)) >= min_repeats)
                    || (in_margin(l, h, FOLDED_MARGIN)
                        && count(&folded, furniture_key(&t)) >= min_repeats);
                // Page numbers are set small; a large lone number is a chapter number. A number
                // with text right above or below it is a table cell near the page's edge.
                let small = l.size <= typical * 1.3;
                let page_number = is_page_number(&t) && small && isolated(l, &page.lines, h);
                // Short documents: on both pages of a two-page file, or furniture by its wording.
                let both_pages = n == 2 && count(&folded, furniture_key(&t)) >= 2;
                let short =
                    n <= 2 && has_body && alone && small && (both_pages || reads_as_furniture(&t));
                repeated || page_number || short
            })
            .collect();
        // A line whose row holds other text that stacks with text above or below it (not with
        // furniture) is a table cell near the page's edge ("Internal" in every last row), however
        // often it repeats.
        let lines = &page.lines;
        let kept = |m: usize| !furniture.get(m).copied().unwrap_or(false);
        let stacks = |m: usize| {
            let o = &lines[m];
            lines
                .iter()
                .enumerate()
                .any(|(q, p)| q != m && kept(q) && stacked(o, p))
        };
        // So is a piece of a row of several that stacks with a piece of another such row set at
        // the pitch of the rows beyond it: rows of a table near the page's edge, its header row
        // repeated at the foot of one page and the head of the next over figures that repeat
        // with digits folded.
        // Only furniture and the lines next to it are looked at (pages of forms hold hundreds).
        let candidates: Vec<usize> = (0..lines.len()).filter(|&k| furniture[k]).collect();
        let several_of: Vec<bool> = (0..lines.len())
            .map(|k| {
                let o = &lines[k];
                candidates.iter().any(|&c| {
                    let f = &lines[c];
                    f.top - 3.0 * f.height() <= o.bottom && f.bottom + 3.0 * f.height() >= o.top
                }) && (0..lines.len()).any(|m| m != k && same_row(&lines[m], o))
            })
            .collect();
        let several = |k: usize| several_of[k];
        // The next row goes on at the same pitch (or the page ends there): a running header
        // stands further from the body than the body's lines from each other.
        let same_pitch = |k: usize, q: usize| {
            let (a, b) = (&lines[k], &lines[q]);
            let d = b.top - a.top;
            let beyond = lines
                .iter()
                .filter(|r| (r.top - b.top) * d.signum() > 0.5 * b.height())
                .map(|r| (r.top - b.top).abs())
                .reduce(f32::min);
            beyond.is_none_or(|d2| (d2 - d.abs()).abs() <= 0.25 * d.abs())
        };
        let pairs = |k: usize| {
            (0..lines.len()).filter(move |&q| {
                q != k && several(k) && stacked(&lines[k], &lines[q]) && several(q)
            })
        };
        let direct = |k: usize| pairs(k).any(|q| same_pitch(k, q));
        // A dropped row under or over such a row goes with it (the table's last row at the foot).
        let grid = |k: usize| direct(k) || pairs(k).any(|q| !kept(q) && direct(q));
        let in_grid: Vec<bool> = (0..furniture.len())
            .map(|k| furniture[k] && grid(k))
            .collect();
        // A piece of such a row stays with the rest of it (a header cell centred over a column
        // whose cells are narrower stacks with none of them).
        let grid_row = |k: usize| {
            (0..lines.len()).any(|m| m != k && in_grid[m] && same_row(&lines[m], &lines[k]))
        };
        let furniture: Vec<bool> = (0..furniture.len())
            .map(|k| {
                furniture[k]
                    && !(0..lines.len())
                        .any(|m| m != k && kept(m) && same_row(&lines[m], &lines[k]) && stacks(m))
                    && !in_grid[k]
                    && !grid_row(k)
            })
            .collect();
        // What shares a baseline with dropped furniture in the outer band goes with it.
        let bands: Vec<(f32, f32)> = page
            .lines
            .iter()
            .zip(&furniture)
            .filter(|(l, f)| **f && in_margin(l, h, SHORT_DOC_MARGIN))
            .map(|(l, _)| (l.top, l.bottom))
            .collect();
        let mut k = 0;
        page.lines.retain(|l| {
            let drop = furniture.get(k).copied().unwrap_or(false)
                || (alone.get(k).copied().unwrap_or(false)
                    && bands
                        .iter()
                        .any(|b| b.1.min(l.bottom) - b.0.max(l.top) > 0.5 * l.height()));
            k += 1;
            !drop
        });
    }
}

/// Whether `p` stands over or under `o`, within one line height, overlapping it across the page.
fn stacked(o: &Line, p: &Line) -> bool {
    !same_row(o, p)
        && p.x0 < o.x1
        && p.x1 > o.x0
        && p.top <= o.bottom + o.height()
        && p.bottom >= o.top - o.height()
}

fn same_row(a: &Line, b: &Line) -> bool {
    a.bottom.min(b.bottom) - a.top.max(b.top) > 0.5 * a.height().min(b.height())
}

/// No other line within one line height above or below, except lines on the same baseline and other
/// furniture-like lines of the outer band (a footer over a page number).
fn isolated(l: &Line, lines: &[Line], page_height: f32) -> bool {
    let h = l.height();
    lines.iter().all(|o| {
        let same_row = o.bottom.min(l.bottom) - o.top.max(l.top) > 0.5 * h.min(o.height());
        let furniture =
            in_margin(o, page_height, SHORT_DOC_MARGIN) && reads_as_furniture(&o.text());
        same_row || furniture || o.top > l.bottom + h || o.bottom < l.top - h
    })
}

/// Wording of running heads and feet: page numbers, "Page N of M", "Downloaded from ...", "Volume N |
/// Issue M", dates, and a short label ending in a number ("Technical note 541", "Part 3").
fn reads_as_furniture(t: &str) -> bool {
    let lower = t.trim().to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    if is_page_number(&lower) || lower.starts_with("downloaded from") || lower.starts_with("doi:") {
        return true;
    }
    let has = |w: &str| {
        words
            .iter()
            .any(|x| x.trim_matches(|c: char| !c.is_alphanumeric()) == w)
    };
    let numbered = |i: usize| {
        words.get(i + 1).is_some_and(|n| {
            n.trim_matches(|c: char| !c.is_alphanumeric())
                .chars()
                .all(|c| c.is_ascii_digit())
        })
    };
    let vol_issue = words.iter().enumerate().any(|(i, w)| {
        matches!(w.trim_end_matches('.'), "volume" | "vol" | "issue" | "no") && numbered(i)
    });
    if vol_issue && (has("issue") || has("volume") || has("vol")) {
        return true;
    }
    if is_date(&words) {
        return true;
    }
    // A short label ending in a number.
    let last_num = words
        .last()
        .is_some_and(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()));
    last_num
        && (2..=3).contains(&words.len())
        && words
            .iter()
            .rev()
            .skip(1)
            .all(|w| w.chars().all(char::is_alphabetic))
}

/// A date alone: "30 November 2026", "November 30, 2026", "2026-11-30", "30.11.2026".
fn is_date(words: &[&str]) -> bool {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let year = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_ascii_digit());
        w.len() == 4 && w.chars().all(|c| c.is_ascii_digit())
    };
    let numeric = |w: &str| {
        let parts: Vec<&str> = w.split(['-', '.', '/']).collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    match words {
        [w] => numeric(w),
        [a, b, c] => {
            let month = |w: &str| MONTHS.contains(&w.trim_matches(|c: char| !c.is_alphabetic()));
            (month(a) || month(b)) && year(c)
        }
        _ => false,
    }
}

fn exact_key(t: &str) -> String {
    t.chars().filter(|c| !c.is_whitespace()).collect::<String>()
}

/// Whether the line lies in the top or bottom `share` of the page.
fn in_margin(l: &Line, height: f32, share: f32) -> bool {
    let mid = (l.top + l.bottom) / 2.0;
    mid < height * share || mid > height * (1.0 - share)
}

#[cfg(test)]
mod tests {
    use super::super::model::{Line, PageLayout, Span};
    use super::{drop_furniture, is_page_number, reads_as_furniture};

    fn line(text: &str, top: f32) -> Line {
        let width = 6.0 * text.len() as f32;
        Line::from_spans(vec![Span::test(text, 72.0, 72.0 + width, top, 12.0)])
    }

    fn page(lines: Vec<Line>) -> PageLayout {
        PageLayout {
            number: 1,
            width: 612.0,
            height: 792.0,
            regions: Vec::new(),
            rules: Vec::new(),
            lines,
            asides: Vec::new(),
        }
    }

    fn texts(p: &PageLayout) -> Vec<String> {
        p.lines.iter().map(|l| l.text()).collect()
    }

    /// A one-page file whose only line sits near the top and reads like a label with a number is
    /// its content, not a running head; the same line above a body is dropped as before.
    #[test]
    fn a_lone_line_is_content_not_furniture() {
        let mut pages = vec![page(vec![line("Release note 83", 60.0)])];
        drop_furniture(&mut pages);
        assert_eq!(texts(&pages[0]), ["Release note 83"]);
        let body = "The body of the page sits well inside the margins of the page.";
        let mut pages = vec![page(vec![line("Release note 83", 30.0), line(body, 300.0)])];
        drop_furniture(&mut pages);
        assert_eq!(texts(&pages[0]), [body]);
    }

    #[test]
    fn furniture_wording() {
        for t in [
            "Technical note 541",
            "Page 2 of 2",
            "Downloaded from example.org on 3 May",
            "Volume 12 | Issue 3",
            "30 November 2026",
            "November 30, 2026",
            "2026-11-30",
            "xiv",
        ] {
            assert!(reads_as_furniture(t), "{t}");
        }
        for t in [
            "Introduction",
            "The value is 3",
            "Results and discussion 2024 figures",
            "Table 2: Costs",
        ] {
            assert!(!reads_as_furniture(t), "{t}");
        }
    }

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
