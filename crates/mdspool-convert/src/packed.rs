//! Columns of figures packed closer than a word space. Springer's LNCS sets table cells 2.8 pt apart
//! (`\tabcolsep` 1.4 pt), so the parser reads "54.5% $32,166.33" as one run of text and the column
//! bands see one column where the page shows two or three. What gives them away is the text: a
//! column whose body cells share a shape of figures and category words, under a header of as many
//! words ("Cost Share Total" over "$97,813.23 54.5% $32,166.33"), is that many columns (`split`);
//! a figure read into the cell beside its own goes back (`rebalance`); in a table ruled both ways,
//! figures run across a vertical rule are cut there (`cut_at`).

use super::model::Span;

/// `s` cut at the word spaces nearest the column boundaries `cuts` it crosses, when it is five
/// words or fewer and each cut stands beside a figure of three digits or more (a cell set closer than a word space to the
/// next, across a vertical rule: "2010 €29,520.39" over the rule between "Year" and "Amount").
/// Positions within the span are taken in proportion to its characters.
pub(crate) fn cut_at(s: &Span, cuts: &[f32]) -> Vec<Span> {
    // Only a few words (five at most) are cut so, each cut beside a figure: text across a rule is
    // a frame's prose, not packed cells.
    if s.text.split_whitespace().count() > 5 {
        return vec![s.clone()];
    }
    let chars: Vec<char> = s.text.chars().collect();
    let n = chars.len().max(1) as f32;
    let at = |k: usize| s.x0 + (s.x1 - s.x0) * k as f32 / n;
    let mut breaks: Vec<usize> = Vec::new();
    for &x in cuts.iter().filter(|&&x| x > s.x0 + 1.0 && x < s.x1 - 1.0) {
        let best = (1..chars.len())
            .filter(|&k| chars[k] == ' ')
            .min_by(|&a, &b| (at(a) - x).abs().total_cmp(&(at(b) - x).abs()));
        if let Some(k) = best.filter(|k| !breaks.contains(k)) {
            breaks.push(k);
        }
    }
    breaks.sort_unstable();
    let word_at = |k: usize, left: bool| -> String {
        let (a, b) = (&chars[..k], &chars[k..]);
        let t: String = if left {
            a.iter().collect()
        } else {
            b.iter().collect()
        };
        let w = if left {
            t.split_whitespace().last()
        } else {
            t.split_whitespace().next()
        };
        w.unwrap_or("").to_string()
    };
    // (A figure of three digits or more: "2-1." closing a sentence is none.)
    let big = |w: &str| figure(w) && w.chars().filter(char::is_ascii_digit).count() >= 3;
    let beside = breaks
        .iter()
        .all(|&k| big(&word_at(k, true)) || big(&word_at(k, false)));
    if breaks.is_empty() || !beside {
        return vec![s.clone()];
    }
    let mut out = Vec::new();
    let mut from = 0;
    for k in breaks.into_iter().chain([chars.len()]) {
        let text: String = chars[from..k].iter().collect();
        if !text.trim().is_empty() {
            out.push(Span {
                text: text.trim().to_string(),
                x0: at(from),
                x1: at(k),
                ..s.clone()
            });
        }
        from = k;
    }
    out
}

/// A token that is a figure: digits with separators, a sign, a currency or a percent.
fn figure(t: &str) -> bool {
    figure_or(t, "")
}

/// [`figure`], also taking the characters of `more` among its digits ("/" of a date, ":" of a
/// time).
pub(crate) fn figure_or(t: &str, more: &str) -> bool {
    t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || ".,%$€£¥−-+()".contains(c) || more.contains(c))
}

/// How many columns column `c` of `cells` (header row first) packs: its body cells (three or more)
/// read as words that are figures or not, and when three in five of them or more share one such
/// shape of two words or more, a figure among them ("$97,813.23 54.5%", "$77,724.75 Medium"),
/// under a header cell of as many words (or none), that many, when its words are categories.
fn packed(cells: &[Vec<String>], c: usize) -> Option<usize> {
    let (head, body) = cells.split_first()?;
    let shapes: Vec<Option<Vec<bool>>> = body
        .iter()
        .map(|r| {
            let words: Vec<&str> = r.get(c)?.split_whitespace().collect();
            Some(words.iter().map(|w| figure(w)).collect())
        })
        .collect();
    let agreeing = |s: &Vec<bool>| shapes.iter().filter(|o| o.as_ref() == Some(s)).count();
    let shape = shapes
        .iter()
        .flatten()
        .filter(|s| s.len() >= 2 && s.contains(&true))
        .max_by_key(|s| agreeing(s))?;
    let (k, agree) = (shape.len(), agreeing(shape));
    // A word column's values are categories: some, repeated ("High", "Closed"), not one in every
    // row (a unit: "12 pieces") nor a new one in each (a name: "Segment 66").
    let varied = (0..k).filter(|&i| !shape[i]).all(|i| {
        let mut seen: Vec<&str> = body
            .iter()
            .zip(&shapes)
            .filter(|(_, o)| o.as_ref() == Some(shape))
            .filter_map(|(r, _)| r.get(c)?.split_whitespace().nth(i))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len() >= 2 && seen.len() * 2 <= agree
    });
    let heads = head.get(c)?.split_whitespace().count();
    (varied && body.len() >= 3 && agree * 5 >= body.len() * 3 && (heads == k || heads == 0))
        .then_some(k)
}

/// `cells` with each packed column split into its columns; a row whose cell does not hold the
/// count keeps its text in the first of them.
pub(crate) fn split(mut cells: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let width = cells.iter().map(Vec::len).max().unwrap_or(0);
    for c in (0..width).rev() {
        let Some(k) = packed(&cells, c) else {
            continue;
        };
        for row in &mut cells {
            let Some(cell) = row.get(c) else { continue };
            let words: Vec<String> = cell.split_whitespace().map(str::to_string).collect();
            let parts = if words.len() == k {
                words
            } else {
                let mut p = vec![String::new(); k];
                p[0] = cell.clone();
                p
            };
            row.splice(c..=c, parts);
        }
    }
    cells
}

/// Whether most (three in five) of the filled body cells of column `c` are one figure each.
fn figures_column(cells: &[Vec<String>], c: usize) -> bool {
    let filled: Vec<&String> = cells[1..]
        .iter()
        .filter_map(|r| r.get(c))
        .filter(|t| !t.trim().is_empty())
        .collect();
    let single = filled
        .iter()
        .filter(|t| {
            let w: Vec<&str> = t.split_whitespace().collect();
            w.len() == 1 && figure(w[0])
        })
        .count();
    filled.len() >= 2 && single * 5 >= filled.len() * 3
}

/// A figure read into the cell beside its own, left empty: the cell runs a word closer than a word
/// space to the next column's figure, so the parser gave both one span ("2010 €29,520.39" under
/// "Amount", "Statistical mountain 1995" under "Item"). An empty body cell under a header takes
/// the first word of the cell right of it when that is a figure as long as the column's (within a
/// character) and that cell holds one word more than where this column is filled; then, in a
/// column of single figures, the last word of the cell left of it, likewise, when that is no
/// column of figures.
pub(crate) fn rebalance(mut cells: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let width = cells.iter().map(Vec::len).max().unwrap_or(0);
    if cells.len() < 3 {
        return cells;
    }
    let words = |t: &str| t.split_whitespace().count();
    let median = |mut v: Vec<usize>| {
        v.sort_unstable();
        v.get(v.len() / 2).copied()
    };
    for c in 0..width {
        if cells[0].get(c).is_none_or(|h| h.trim().is_empty()) {
            continue;
        }
        let filled: Vec<usize> = (1..cells.len())
            .filter(|&r| cells[r].get(c).is_some_and(|t| !t.trim().is_empty()))
            .collect();
        // The column's figures are this long (within a character): "34" ending a name is no year.
        let Some(len) = median(
            filled
                .iter()
                .map(|&r| cells[r][c].trim().chars().count())
                .collect(),
        ) else {
            continue;
        };
        let fits = |w: &str| figure(w) && w.chars().count().abs_diff(len) <= 1;
        // The words of the next cell where this one is filled.
        let next = median(
            filled
                .iter()
                .filter_map(|&r| cells[r].get(c + 1))
                .map(|t| words(t))
                .collect(),
        );
        for row in cells.iter_mut().skip(1) {
            if row.get(c).is_none_or(|t| !t.trim().is_empty()) {
                continue;
            }
            let right = row.get(c + 1).cloned().unwrap_or_default();
            let rw: Vec<&str> = right.split_whitespace().collect();
            if next.is_some_and(|m| rw.len() == m + 1) && fits(rw[0]) {
                row[c] = rw[0].to_string();
                row[c + 1] = rw[1..].join(" ");
            }
        }
        if !figures_column(&cells, c) || (c > 0 && figures_column(&cells, c - 1)) {
            continue;
        }
        for row in cells.iter_mut().skip(1) {
            if c == 0 || row.get(c).is_none_or(|t| !t.trim().is_empty()) {
                continue;
            }
            let left = row[c - 1].clone();
            let lw: Vec<&str> = left.split_whitespace().collect();
            if lw.len() >= 2 && lw.last().is_some_and(|w| fits(w)) {
                row[c] = lw[lw.len() - 1].to_string();
                row[c - 1] = lw[..lw.len() - 1].join(" ");
            }
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::split;

    fn rows(t: &[&[&str]]) -> Vec<Vec<String>> {
        t.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn figures_packed_under_as_many_header_words_are_columns() {
        let cells = rows(&[
            &["Item", "Cost Share Total"],
            &["Organism", "$97,813.23 54.5% $32,166.33"],
            &["Signal", "$39,674.71 58.8% $71,227.75"],
            &["Segment 95", "$11,615.41 44.4% $55,638.53"],
        ]);
        let out = split(cells);
        assert_eq!(out[0], ["Item", "Cost", "Share", "Total"]);
        assert_eq!(out[2], ["Signal", "$39,674.71", "58.8%", "$71,227.75"]);
    }

    #[test]
    fn a_figure_read_into_the_next_cell_goes_back_to_its_own() {
        let cells = rows(&[
            &["Item", "Year", "Amount"],
            &["Chapter", "", "2010 €29,520.39"],
            &["Method", "1995", "€1,005.69"],
            &["Valve", "1998", "€93,633.91"],
            &["Statistical mountain 1995", "", "€1,191.80"],
        ]);
        let out = super::rebalance(cells);
        assert_eq!(out[1], ["Chapter", "2010", "€29,520.39"]);
        assert_eq!(out[4], ["Statistical mountain", "1995", "€1,191.80"]);
        // A name ending in a number over an empty cell keeps it.
        let cells = rows(&[
            &["Item", "Year", "Amount"],
            &["Cache 34", "", "€29,520.39"],
            &["Method", "1995", "€1,005.69"],
            &["Valve", "1998", "€93,633.91"],
        ]);
        assert_eq!(super::rebalance(cells.clone()), cells);
    }

    #[test]
    fn a_span_of_figures_across_a_rule_is_cut_there_and_prose_is_not() {
        let mut s = crate::model::Span::plain("2010 €29,520.39".to_string());
        (s.x0, s.x1) = (100.0, 175.0);
        let cut = super::cut_at(&s, &[122.0]);
        let texts: Vec<&str> = cut.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["2010", "€29,520.39"]);
        let mut p = crate::model::Span::plain("shown in Example 2-1. Example".to_string());
        (p.x0, p.x1) = (100.0, 250.0);
        assert_eq!(super::cut_at(&p, &[190.0]).len(), 1);
    }

    #[test]
    fn a_figure_and_a_word_packed_under_two_header_words_are_two_columns() {
        let cells = rows(&[
            &["Item", "Amount Priority"],
            &["Satellite", "$77,724.75 Medium"],
            &["Monthly section", "$43,448.87 Medium"],
            &["Voltage 45", "$65,950.89 High"],
            &["Agreement 73", "$71,771.13 Medium"],
        ]);
        let out = split(cells);
        assert_eq!(out[0], ["Item", "Amount", "Priority"]);
        assert_eq!(out[3], ["Voltage 45", "$65,950.89", "High"]);
    }

    #[test]
    fn words_or_a_header_of_another_count_stay_one_column() {
        let words = rows(&[
            &["Item", "Unit price"],
            &["Organism", "12 pieces"],
            &["Signal", "14 pieces"],
            &["Segment", "15 pieces"],
        ]);
        assert_eq!(split(words.clone()), words);
        let header = rows(&[
            &["Item", "Unit price in euros"],
            &["Organism", "12 13"],
            &["Signal", "14 15"],
            &["Segment", "15 16"],
        ]);
        assert_eq!(split(header.clone()), header);
        let names = rows(&[
            &["Western village", "16.289"],
            &["Segment 66", "34.886"],
            &["Printer 20", "24.727"],
            &["Route 9", "39.741"],
        ]);
        assert_eq!(split(names.clone()), names);
    }
}
