//! Tables written as GitHub pipe tables: the first row is the header; a column empty in every row
//! is left out, and a stray column (a long cell's last word set apart) joins its neighbour. Kept
//! apart from detection (`tables.rs`, `grid.rs`), which both hand their cells here.

/// A column without a header that holds text in one body row only, in a table of four or more
/// rows, is the overflow of its left neighbour (a long cell whose last word stands apart), not a
/// column: its text joins that neighbour's.
fn fold_stray_columns(cells: &[Vec<String>]) -> Vec<Vec<String>> {
    let mut cells = cells.to_vec();
    let filled = |t: Option<&String>| t.is_some_and(|t| !t.trim().is_empty());
    if cells.len() < 5 {
        return cells;
    }
    let ncols = cells.iter().map(Vec::len).max().unwrap_or(0);
    for c in (1..ncols).rev() {
        let used = cells[1..].iter().filter(|r| filled(r.get(c))).count();
        if filled(cells[0].get(c)) || used != 1 {
            continue;
        }
        for row in cells.iter_mut().filter(|r| r.len() > c) {
            let t = row.remove(c);
            if !t.trim().is_empty() {
                let left = &mut row[c - 1];
                if !left.is_empty() {
                    left.push(' ');
                }
                left.push_str(t.trim());
            }
        }
    }
    cells
}

/// Render a table as a GitHub pipe table; the first row is the header. A column empty in every row
/// (a gap between two borders of one cell boundary, a rule inside a cell) is left out.
pub(crate) fn render(cells: &[Vec<String>], out: &mut String) {
    let folded = fold_stray_columns(cells);
    let cells = &folded;
    let ncols = cells.iter().map(Vec::len).max().unwrap_or(0);
    let cols: Vec<usize> = (0..ncols)
        .filter(|&c| {
            cells
                .iter()
                .any(|r| r.get(c).is_some_and(|t| !t.trim().is_empty()))
        })
        .collect();
    if cols.is_empty() {
        return;
    }
    for (i, row) in cells.iter().enumerate() {
        out.push('|');
        for &c in &cols {
            out.push(' ');
            out.push_str(row.get(c).map(String::as_str).unwrap_or(""));
            out.push_str(" |");
        }
        out.push('\n');
        if i == 0 {
            out.push('|');
            for _ in &cols {
                out.push_str(" --- |");
            }
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::render;

    fn table(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn empty_and_stray_columns_are_not_columns() {
        let cells = table(&[
            &["Item", "", "", "Cost"],
            &["Abstract", "", "", "£40"],
            &["Boiler 33", "", "", "£60"],
            &["Threshold", "", "", "£41"],
            &["Microarchitecture efficient", "", "function", "£4"],
        ]);
        let mut out = String::new();
        render(&cells, &mut out);
        assert_eq!(
            out,
            "| Item | Cost |\n| --- | --- |\n| Abstract | £40 |\n| Boiler 33 | £60 |\n\
             | Threshold | £41 |\n| Microarchitecture efficient function | £4 |\n"
        );
    }

    #[test]
    fn a_sparse_column_with_a_header_stays() {
        let cells = table(&[
            &["Item", "Note", "Cost"],
            &["Abstract", "", "£40"],
            &["Boiler", "", "£60"],
            &["Threshold", "late", "£41"],
            &["Frame", "", "£4"],
        ]);
        let mut out = String::new();
        render(&cells, &mut out);
        assert!(out.starts_with("| Item | Note | Cost |\n"), "{out}");
        assert!(out.contains("| Threshold | late | £41 |"), "{out}");
    }
}
