//! Columns of figures packed closer than a word space. Springer's LNCS sets table cells 2.8 pt apart
//! (`\tabcolsep` 1.4 pt), so the parser reads "54.5% $32,166.33" as one run of text and the column
//! bands see one column where the page shows two or three. What gives them away is the text: a
//! column whose body cells all hold the same number of figures, two or more, under a header of as
//! many words ("Cost Share Total" over "$97,813.23 54.5% $32,166.33"), is that many columns.

/// A token that is a figure: digits with separators, a sign, a currency or a percent.
fn figure(t: &str) -> bool {
    t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || ".,%$€£¥−-+()".contains(c))
}

/// How many columns column `c` of `cells` (header row first) packs: the count of figures in each
/// of its body cells when at least four in five of them (three or more) agree on it and the header
/// cell has as many words (or none).
fn packed(cells: &[Vec<String>], c: usize) -> Option<usize> {
    let (head, body) = cells.split_first()?;
    let counts: Vec<Option<usize>> = body
        .iter()
        .map(|r| {
            let words: Vec<&str> = r.get(c)?.split_whitespace().collect();
            words.iter().all(|w| figure(w)).then_some(words.len())
        })
        .collect();
    let k = counts.first().copied().flatten()?;
    let agree = counts.iter().filter(|n| **n == Some(k)).count();
    let heads = head.get(c)?.split_whitespace().count();
    (k >= 2 && body.len() >= 3 && agree * 5 >= body.len() * 4 && (heads == k || heads == 0))
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
    }
}
