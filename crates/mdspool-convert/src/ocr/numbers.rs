//! The numbers of a numbered list as a scan shows them: small, set apart in a column to the left
//! of a hanging indent, and the words tesseract reads worst ("1." lost, "2." read as "x", "3." as
//! "?" glued to the item's first word). Where a column of such markers holds at least two numbers
//! that agree on the count, the items between and around them get the numbers the count implies,
//! instead of the noise, so the layout stages see a numbered list as they do on a born-digital page.

use crate::model::Span;

/// The parsed number of a marker ("4.", "4)", "4"), if it is one.
fn number(t: &str) -> Option<(u32, char)> {
    let close = t.chars().last().filter(|c| matches!(c, '.' | ')'));
    let digits = t.trim_end_matches(['.', ')']);
    let n = digits
        .parse::<u32>()
        .ok()
        .filter(|n| (1..100).contains(n))?;
    Some((n, close.unwrap_or('.')))
}

/// A marker misread as noise: one or two characters, none a letter (a lone "x" or "l" too).
fn noise(t: &str) -> bool {
    let n = t.chars().count();
    (1..=2).contains(&n) && (t.chars().all(|c| !c.is_alphanumeric()) || n == 1)
}

/// One item row: the span its text starts with, and the marker found left of it.
struct Row {
    text: usize,
    marker: Option<usize>,
}

/// Repair the markers of numbered lists on one OCR'd page.
pub(super) fn repair(spans: &mut Vec<Span>) {
    split_glued(spans);
    let mut drop: Vec<usize> = Vec::new();
    let mut used = vec![false; spans.len()];
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by(|&a, &b| spans[a].top.total_cmp(&spans[b].top));
    for &first in &order {
        // Markers added for an earlier list stand at the end.
        used.resize(spans.len(), false);
        if used[first] || number(&spans[first].text).is_none() {
            continue;
        }
        let Some(t) = text_beside(spans, first) else {
            continue;
        };
        let rows = column(spans, first, t);
        // Items are the rows with a marker (other rows continue the item above); two numbers
        // that agree with their item's place give the count.
        let items: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].marker.is_some())
            .collect();
        let known: Vec<(usize, u32, char)> = items
            .iter()
            .enumerate()
            .filter_map(|(k, &i)| {
                let (n, c) = number(&spans[rows[i].marker?].text)?;
                Some((k, n, c))
            })
            .collect();
        // The count most of them agree on (one misread as another number, "0." for "5.", is
        // outvoted).
        let votes = |s: i64| {
            known
                .iter()
                .filter(|k| k.1 as i64 - k.0 as i64 == s)
                .count()
        };
        let start = known
            .iter()
            .map(|k| k.1 as i64 - k.0 as i64)
            .max_by_key(|&s| (votes(s), -s));
        // A column of bare numbers beside text is as often a table's; one of them at least must
        // read as a list number ("2.", "3)").
        let stop = items.iter().filter_map(|&i| rows[i].marker).any(|m| {
            let t = &spans[m].text;
            number(t).is_some() && t.ends_with(['.', ')'])
        });
        let agree = stop && start.is_some_and(|s| votes(s) >= 2 && 3 * votes(s) >= 2 * known.len());
        for r in &rows {
            used[r.text] = true;
            if let Some(m) = r.marker {
                used[m] = true;
            }
        }
        let (Some(start), true) = (start, agree) else {
            continue;
        };
        // Rows above the first item whose numbers were lost altogether: only when there are
        // exactly as many as the count is short of 1 (then each is one item).
        let lead = items.first().copied().unwrap_or(0);
        let lost = usize::try_from(start - 1).unwrap_or(usize::MAX);
        if start < 1 || (lead != lost && lead != 0) {
            continue;
        }
        let close = known[0].2;
        for (k, &i) in items.iter().enumerate() {
            let want = format!("{}{close}", start + k as i64);
            let (m, r) = (rows[i].marker.unwrap_or(usize::MAX), &rows[i]);
            if spans.get(m).is_some_and(|s| s.text != want) {
                tracing::trace!("OCR list number {:?} read as {want}", spans[m].text);
                // On its item's line (a mark read across two rows stood between them).
                let (top, bottom, size) =
                    (spans[r.text].top, spans[r.text].bottom, spans[r.text].size);
                let m = &mut spans[m];
                (m.text, m.top, m.bottom, m.size) = (want, top, bottom, size);
            }
        }
        // Where the markers stand (every row with a marker is an item).
        let mx: Vec<f32> = rows
            .iter()
            .filter_map(|r| r.marker)
            .map(|m| spans[m].x0)
            .collect();
        // Whatever else stands in the gutter of an item's row, between the marker column and
        // the text, is the rest of a misread number ("RFie", "ms"): it goes.
        let gutter = mx.iter().copied().fold(f32::MAX, f32::min);
        let numbered = items.iter().map(|&i| &rows[i]).chain(&rows[..lead]);
        for r in numbered {
            let t = &spans[r.text];
            for (k, o) in spans.iter().enumerate() {
                let left = o.x1 <= t.x0 + 0.1 * t.size && o.x0 >= gutter - t.size;
                if k != r.text && Some(k) != r.marker && left && same_row(o, t) {
                    drop.push(k);
                }
            }
        }
        for (n, r) in rows[..lead].iter().enumerate() {
            let t = &spans[r.text];
            let mut m = t.clone();
            m.x1 = t.x0 - 0.6 * t.size;
            m.x0 = m.x1 - 0.6 * t.size;
            m.text = format!("{}{close}", n + 1);
            tracing::trace!("OCR list number {} added", m.text);
            spans.push(m);
        }
        // Noise in the marker column between the first and last item (a mark read across rows).
        let (top, bottom) = (
            spans[rows[0].text].top,
            spans[rows[items[items.len() - 1]].text].bottom,
        );
        for (k, s) in spans.iter().enumerate() {
            let in_column = mx.iter().any(|x| (s.x0 - x).abs() < s.size.min(20.0));
            let inside = s.top >= top - 2.0 && s.bottom <= bottom + s.size;
            let marker = rows.iter().any(|r| r.marker == Some(k));
            if in_column && inside && !marker && noise(&s.text) {
                drop.push(k);
            }
        }
    }
    drop.sort_unstable();
    drop.dedup();
    for k in drop.into_iter().rev() {
        spans.remove(k);
    }
}

/// The span that starts the text of marker `m`'s row: on its row, to its right within 3 em.
fn text_beside(spans: &[Span], m: usize) -> Option<usize> {
    let s = &spans[m];
    (0..spans.len())
        .filter(|&k| k != m && same_row(&spans[k], s))
        .filter(|&k| spans[k].x0 > s.x1 && spans[k].x0 - s.x1 < 3.0 * s.size)
        .min_by(|&a, &b| spans[a].x0.total_cmp(&spans[b].x0))
}

fn same_row(a: &Span, b: &Span) -> bool {
    let h = (a.bottom - a.top).min(b.bottom - b.top);
    a.bottom.min(b.bottom) - a.top.max(b.top) > 0.5 * h
}

/// The rows of the list whose first marker is `m` and first text `t`: the spans starting where
/// `t` starts, up and down from `t`, one under the other at most 2.8 em apart (list items are
/// spaced), each with the marker left of it in the marker column, if any.
fn column(spans: &[Span], m: usize, t: usize) -> Vec<Row> {
    let (x, mx, em) = (spans[t].x0, spans[m].x0, spans[t].size);
    let starts: Vec<usize> = {
        let mut v: Vec<usize> = (0..spans.len())
            .filter(|&k| (spans[k].x0 - x).abs() < 0.4 * em && spans[k].text.chars().count() > 2)
            .collect();
        v.sort_by(|&a, &b| spans[a].top.total_cmp(&spans[b].top));
        v
    };
    let Some(at) = starts.iter().position(|&k| k == t) else {
        return Vec::new();
    };
    let near = |a: usize, b: usize| (spans[b].top - spans[a].top).abs() < 2.8 * em;
    let mut lo = at;
    while lo > 0 && near(starts[lo - 1], starts[lo]) {
        lo -= 1;
    }
    let mut hi = at;
    while hi + 1 < starts.len() && near(starts[hi], starts[hi + 1]) {
        hi += 1;
    }
    starts[lo..=hi]
        .iter()
        .map(|&k| {
            let marker = (0..spans.len()).find(|&q| {
                let s = &spans[q];
                q != k
                    && same_row(s, &spans[k])
                    && (s.x0 - mx).abs() < 0.6 * em
                    && s.x1 <= spans[k].x0
                    && (number(&s.text).is_some() || noise(&s.text))
            });
            Row { text: k, marker }
        })
        .collect()
}

/// "?The" or "4The" where a list number was read glued to the item's first word: a span starting
/// with one character that is not a letter, then a capital. Split into marker and text only when
/// a number stands in the same column on another row (checked by [`repair`] through the column).
fn split_glued(spans: &mut Vec<Span>) {
    let mut extra: Vec<Span> = Vec::new();
    // Where list numbers stand, and where the text of their items starts.
    let numbers: Vec<(f32, f32, f32)> = (0..spans.len())
        .filter(|&k| number(&spans[k].text).is_some())
        .filter_map(|k| Some((spans[k].x0, spans[text_beside(spans, k)?].x0, spans[k].size)))
        .collect();
    for s in spans.iter_mut() {
        let mut chars = s.text.chars();
        let (Some(a), Some(b)) = (chars.next(), chars.next()) else {
            continue;
        };
        let glued = !a.is_alphabetic() && !a.is_whitespace() && b.is_uppercase();
        let Some(&(_, text_x, _)) = numbers
            .iter()
            .find(|(x, tx, em)| (s.x0 - x).abs() < 0.4 * em && *tx > s.x0 + 0.5 * em)
        else {
            continue;
        };
        if !glued {
            continue;
        }
        let width = (s.x1 - s.x0) / s.text.chars().count().max(1) as f32;
        let mut m = s.clone();
        m.text = a.to_string();
        m.x1 = s.x0 + width;
        let rest: String = s.text.chars().skip(1).collect();
        s.text = rest;
        s.x0 = text_x;
        extra.push(m);
    }
    spans.extend(extra);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, x0: f32, top: f32) -> Span {
        Span::test(text, x0, x0 + 6.0 * text.len() as f32, top, 12.0)
    }

    fn texts(spans: &[Span]) -> Vec<(String, i32)> {
        let mut v: Vec<(String, i32)> = spans
            .iter()
            .map(|s| (s.text.clone(), s.top.round() as i32))
            .collect();
        v.sort_by_key(|(t, top)| (*top, t.len()));
        v
    }

    /// A scanned numbered list whose "1." was lost, "3." read as a mark across two rows, "5"
    /// read without its stop, and "6." read as "?" glued to the item: the count of "2." and
    /// "4." gives every item its number, and the noise goes.
    #[test]
    fn misread_list_numbers_follow_the_count() {
        let mut spans = vec![
            span("Narrow summary along the dispute", 108.0, 100.0),
            span("2.", 90.0, 114.0),
            span("Characterisation editor", 108.0, 114.0),
            span("x", 90.0, 124.0),
            span("Telecommunications library.", 108.0, 128.0),
            span("4.", 90.0, 142.0),
            span("Cache along the ballot", 108.0, 142.0),
            span("5", 90.0, 156.0),
            span("The catalogue separates", 108.0, 156.0),
            span("?The last item", 90.0, 170.0),
        ];
        repair(&mut spans);
        let got = texts(&spans);
        let want = [
            ("1.", 100),
            ("Narrow summary along the dispute", 100),
            ("2.", 114),
            ("Characterisation editor", 114),
            ("3.", 128),
            ("Telecommunications library.", 128),
            ("4.", 142),
            ("Cache along the ballot", 142),
            ("5.", 156),
            ("The catalogue separates", 156),
            ("6.", 170),
            ("The last item", 170),
        ];
        let want: Vec<(String, i32)> = want.iter().map(|(t, y)| (t.to_string(), *y)).collect();
        assert_eq!(got, want);
    }

    /// A table's column of counts beside names is no list: without a number read with a stop,
    /// and with counts that disagree, nothing changes.
    #[test]
    fn a_column_of_counts_is_left_alone() {
        let rows = [("12", "Apples"), ("3", "Pears"), ("7", "Plums")];
        let mut spans: Vec<Span> = rows
            .iter()
            .enumerate()
            .flat_map(|(k, (n, t))| {
                let top = 100.0 + 14.0 * k as f32;
                [span(n, 90.0, top), span(t, 108.0, top)]
            })
            .collect();
        let before = texts(&spans);
        repair(&mut spans);
        assert_eq!(texts(&spans), before);
        let mut numbered: Vec<Span> = (1..=3)
            .flat_map(|k| {
                let top = 100.0 + 14.0 * k as f32;
                [
                    span(&k.to_string(), 90.0, top),
                    span("Row name", 108.0, top),
                ]
            })
            .collect();
        let before = texts(&numbered);
        repair(&mut numbered);
        assert_eq!(texts(&numbered), before);
    }
}
