//! Page furniture: running headers and footers, page numbers and the like are dropped before the
//! reading order is built. On documents of three pages or more, repetition finds them (the same text,
//! or the same with digits folded, near the same edge on half the pages). Short documents cannot show
//! repetition, so there a line must also stand apart in the outer band of the page: repeated on both
//! pages of a two-page file, or reading like furniture on any page (page numbers, "Page N of M",
//! "Downloaded from ...", "Volume N | Issue M", dates, "Technical note N"). A line beside a dropped one
//! in the same band goes with it, so a running header's other half never becomes a heading.

use super::model::{Line, PageLayout};
pub(crate) use super::wording::is_page_number;
use super::wording::reads_as_furniture;

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

/// Drop running headers/footers and page numbers. A line is furniture when its text recurs on at
/// least half of the pages (three or more pages) near the top or bottom edge: exactly within the
/// outer 12 % of the page, or with digits folded ("Page 3" = "Page 4") within the outer 9 %.
pub(crate) fn drop_furniture(pages: &mut [PageLayout]) {
    use std::collections::{HashMap, HashSet};
    let n = pages.len();
    // Pages each key recurs on, the smallest size it is set in there, and the pages where it
    // stands alone in its row (not a cell of a table's header row repeated on each page).
    type Seen = HashMap<String, (usize, f32, usize)>;
    let mut exact: Seen = HashMap::new();
    let mut folded: Seen = HashMap::new();
    let note = |map: &mut Seen, seen: &mut HashSet<String>, key: String, size: f32, lone: bool| {
        if !key.is_empty() {
            let k = map.entry(key.clone()).or_insert((0, f32::MAX, 0));
            k.2 += usize::from(lone && seen.insert(format!("\u{0}{key}")));
            k.0 += usize::from(seen.insert(key));
            k.1 = k.1.min(size);
        }
    };
    // Each page's band lines alone in their row, found once for the tally and the test below.
    let lones: Vec<Vec<bool>> = pages.iter().map(alone_in_row).collect();
    for (page, lone) in pages.iter().zip(&lones) {
        let height = page.height;
        let (mut seen_e, mut seen_f) = (HashSet::new(), HashSet::new());
        for (l, &lone) in page
            .lines
            .iter()
            .zip(lone)
            .filter(|(l, _)| in_margin(l, height, FURNITURE_MARGIN))
        {
            let t = l.text();
            note(&mut exact, &mut seen_e, exact_key(&t), l.size, lone);
            if in_margin(l, height, FOLDED_MARGIN) {
                note(&mut folded, &mut seen_f, furniture_key(&t), l.size, lone);
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
    let doc_has_body = pages.iter().any(|p| {
        p.lines
            .iter()
            .any(|l| !in_margin(l, p.height, SHORT_DOC_MARGIN))
    });
    // Each page's lines that stand alone in its outer band.
    let alones: Vec<Vec<bool>> = pages.iter().map(alone_in_band).collect();
    let mirroring = n > 2 && mirroring_pages(pages, &alones);
    for ((page, alone), lone) in pages.iter_mut().zip(alones).zip(lones) {
        let h = page.height;
        // Furniture by wording stands apart from a body: on a page whose only text lies in the
        // outer band ("Release note 83" alone on a one-page file), that text is the content.
        let has_body = page
            .lines
            .iter()
            .any(|l| !in_margin(l, h, SHORT_DOC_MARGIN));
        let furniture: Vec<bool> = page
            .lines
            .iter()
            .zip(&alone)
            .zip(&lone)
            .map(|((l, &alone), &alone_in_row)| {
                if !in_margin(l, h, PAGE_NUMBER_MARGIN) {
                    return false;
                }
                let t = l.text();
                // A repeat set far larger than the running line it repeats is the title that
                // line names (a browser's print header holds the page's title).
                // A line alone in its row counts the pages where its words stand alone too (a
                // title whose name heads a table's column on the pages after it is no header).
                let count = |m: &Seen, k: String| {
                    let e = m.get(&k).filter(|e| l.size <= 1.3 * e.1);
                    e.map_or(0, |e| if alone_in_row { e.2 } else { e.0 })
                };
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
                // The same line on both pages is furniture even on a page whose little text all
                // lies in the band (a browser's last page holding one line under its header).
                let short = n <= 2
                    && alone
                    && small
                    && ((both_pages && doc_has_body) || (has_body && reads_as_furniture(&t)));
                repeated || page_number || short
            })
            .collect();
        let furniture = mirrored(page, &alone, furniture, n <= 2 || mirroring);
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

/// A lone line at the head of a page that mirrors a line at its foot, dropped as furniture ("Page
/// 1"), is its running head: set in the same font and size, on the same axis (an office suite's
/// page head holding a sheet's or a file's name over its page numbers). A title is set larger or
/// bolder than the foot's page number, or off its axis. On a document of three pages or more, where the heads may change from
/// page to page (each sheet's name), half of the pages must show such a pair (`mirroring_pages`).
fn mirrored(page: &PageLayout, alone: &[bool], mut furniture: Vec<bool>, apply: bool) -> Vec<bool> {
    if apply {
        for k in mirrored_heads(page, alone, |k| furniture[k]) {
            furniture[k] = true;
        }
    }
    furniture
}

/// The lines of `page` that mirror a foot line (`foot(k)`) as [`mirrored`] says.
fn mirrored_heads(page: &PageLayout, alone: &[bool], foot: impl Fn(usize) -> bool) -> Vec<usize> {
    let h = page.height;
    let lines = &page.lines;
    let centre = |l: &Line| (l.x0 + l.x1) / 2.0;
    let feet: Vec<&Line> = (0..lines.len())
        .filter(|&k| foot(k) && in_margin(&lines[k], h, SHORT_DOC_MARGIN) && lines[k].top > h / 2.0)
        .map(|k| &lines[k])
        .collect();
    if feet.is_empty() {
        return Vec::new();
    }
    (0..lines.len())
        .filter(|&k| {
            let l = &lines[k];
            let head = alone[k] && !foot(k) && l.bottom < h / 2.0 && l.table.is_none();
            let mirrors = |f: &&Line| {
                (centre(l) - centre(f)).abs() <= 0.01 * page.width
                    && (l.size - f.size).abs() <= 0.25
                    && l.font == f.font
            };
            head && l.text().split_whitespace().count() <= 8 && feet.iter().any(mirrors)
        })
        .collect()
}

/// Whether half of the pages (two or more) show a lone head mirroring a page number or other
/// furniture wording at their foot.
fn mirroring_pages(pages: &[PageLayout], alones: &[Vec<bool>]) -> bool {
    let shown = pages
        .iter()
        .zip(alones)
        .filter(|(page, alone)| {
            let foot = |k: usize| alone[k] && reads_as_furniture(&page.lines[k].text());
            !mirrored_heads(page, alone, foot).is_empty()
        })
        .count();
    shown >= 2 && shown * 2 >= pages.len()
}

/// Each line of the page's outer band (the page number's) that no other line shares a row with.
fn alone_in_row(page: &PageLayout) -> Vec<bool> {
    let lines = &page.lines;
    (lines.iter().enumerate())
        .map(|(k, l)| {
            in_margin(l, page.height, PAGE_NUMBER_MARGIN)
                && !(lines.iter().enumerate()).any(|(m, o)| m != k && same_row(o, l))
        })
        .collect()
}

/// Whether each line of `page` lies in its outer band with no other line near it ([`isolated`]).
fn alone_in_band(page: &PageLayout) -> Vec<bool> {
    let h = page.height;
    page.lines
        .iter()
        .map(|l| in_margin(l, h, SHORT_DOC_MARGIN) && isolated(l, &page.lines, h))
        .collect()
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
    use super::drop_furniture;

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
            codes: false,
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

    /// A browser's print header repeats the page's title on every page, in small type; the title
    /// itself, near the top of the first page and set large, stays.
    #[test]
    fn a_title_the_running_header_repeats_stays() {
        let sized = |text: &str, top: f32, size: f32| {
            let width = 0.5 * size * text.len() as f32;
            Line::from_spans(vec![Span::test(text, 72.0, 72.0 + width, top, size)])
        };
        let body = "The body of the page sits well inside the margins of the page.";
        let mut pages: Vec<PageLayout> = (0..3)
            .map(|_| {
                page(vec![
                    sized("Sparse Nebula Report", 14.0, 8.0),
                    line(body, 300.0),
                ])
            })
            .collect();
        pages[0]
            .lines
            .push(sized("Sparse Nebula Report", 60.0, 22.0));
        drop_furniture(&mut pages);
        assert_eq!(texts(&pages[0]), [body, "Sparse Nebula Report"]);
        assert_eq!(texts(&pages[1]), [body]);
    }

    /// A one-page file's head, centred on the axis of the "Page 1" under it and set in its face
    /// and size, is a running head (an office suite's sheet name); a title set larger there, or a
    /// line off that axis, stays.
    #[test]
    fn a_head_mirroring_the_page_number_of_a_one_page_file_goes() {
        let centred = |text: &str, top: f32, size: f32| {
            let width = 0.5 * size * text.len() as f32;
            Line::from_spans(vec![Span::test(
                text,
                306.0 - width / 2.0,
                306.0 + width / 2.0,
                top,
                size,
            )])
        };
        let body = "The body of the page sits well inside the margins of the page.";
        let one = |head: Line| {
            let mut pages = vec![page(vec![
                head,
                line(body, 300.0),
                centred("Page 1", 760.0, 10.0),
            ])];
            drop_furniture(&mut pages);
            texts(&pages[0])
        };
        assert_eq!(one(centred("Central Station", 30.0, 10.0)), [body]);
        assert_eq!(
            one(centred("Central Station", 30.0, 16.0)),
            ["Central Station", body]
        );
        assert_eq!(
            one(Line::from_spans(vec![Span::test(
                "Central Station",
                72.0,
                147.0,
                30.0,
                10.0
            )])),
            ["Central Station", body]
        );
    }
}
