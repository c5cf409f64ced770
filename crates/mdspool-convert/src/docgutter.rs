//! The gutter of a document set in two columns, lent to its pages that prove none. A page whose
//! right column holds mostly a table (or whose columns are short) shows no band of prose on both
//! sides, so `regions.rs` reads it across, table rows and the other column's lines in one. The other
//! pages of a two-column paper prove its gutter, always at the same place: when two pages or more
//! agree on it, a page read whole across is laid out again with it, and its rows that leave it
//! free, with prose on one side, borrow it (`shortcols.rs`).

use super::model::PageLayout;

/// A gutter and the extents of the text on its two sides.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Gutter {
    pub g: (f32, f32),
    pub l: (f32, f32),
    pub r: (f32, f32),
}

/// Pages agree on a gutter when its middle lies within this many points.
const AGREE: f32 = 3.0;

/// The gutter between the two column regions of a page, from the text in them.
fn of_page(p: &PageLayout) -> Option<Gutter> {
    let left = p
        .regions
        .iter()
        .position(|r| r.x0 == f32::MIN && r.x1 < f32::MAX / 2.0)?;
    let x = p.regions[left].x1;
    let right = p
        .regions
        .iter()
        .position(|r| r.x1 == f32::MAX && r.x0 == x)?;
    let extent = |k: usize| {
        let reg = &p.regions[k];
        p.lines
            .iter()
            .filter(|l| l.table.is_none() && !l.spans.is_empty())
            .filter(|l| {
                let (cx, cy) = ((l.x0 + l.x1) / 2.0, (l.top + l.bottom) / 2.0);
                cx >= reg.x0 && cx <= reg.x1 && cy >= reg.top && cy <= reg.bottom
            })
            .fold((f32::MAX, f32::MIN), |(a, b), l| (a.min(l.x0), b.max(l.x1)))
    };
    let (l, r) = (extent(left), extent(right));
    (l.0 < l.1 && r.0 < r.1 && l.1 < r.0).then_some(Gutter {
        g: (l.1, r.0),
        l,
        r,
    })
}

/// Whether a page is read whole across: no two regions side by side.
pub(crate) fn across(p: &PageLayout) -> bool {
    !p.regions
        .iter()
        .any(|r| r.x0 > f32::MIN / 2.0 || r.x1 < f32::MAX / 2.0)
}

/// The gutter two pages or more agree on (and more pages than not of those that have one), if any:
/// their columns start at the same places (a column's right edge varies with its lines); the
/// gutter runs from the furthest the left column reaches to where the right one starts.
pub(crate) fn of_document<'a>(pages: impl Iterator<Item = &'a PageLayout>) -> Option<Gutter> {
    let found: Vec<Gutter> = pages.filter_map(of_page).collect();
    let same =
        |a: &Gutter, b: &Gutter| (a.l.0 - b.l.0).abs() <= AGREE && (a.r.0 - b.r.0).abs() <= AGREE;
    let (n, g) = found
        .iter()
        .map(|g| (found.iter().filter(|h| same(g, h)).count(), g))
        .max_by_key(|(n, _)| *n)?;
    if n < 2 || n * 2 <= found.len() {
        return None;
    }
    let agree = found.iter().filter(|h| same(g, h));
    let reach = agree.clone().map(|h| h.l.1).fold(f32::MIN, f32::max);
    let end = agree.map(|h| h.r.1).fold(f32::MIN, f32::max);
    (reach < g.r.0).then_some(Gutter {
        g: (reach, g.r.0),
        l: (g.l.0, reach),
        r: (g.r.0, end),
    })
}
