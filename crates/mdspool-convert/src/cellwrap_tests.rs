//! Unit tests of `cellwrap.rs`: rows continued by wrapped cells, words and amounts broken at a
//! column's edge.

use super::*;

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_sparse_line_of_word_ends_under_filled_cells_continues_the_row() {
    let above = row(&["Nonline", "D", "£8,078.58", "Softwar", "12,359"]);
    assert!(continues(
        &row(&["ar", "", "", "e", ""]),
        Some(&above),
        false
    ));
    // A label row in capitals, or a piece under an empty cell, starts a row of its own.
    assert!(!continues(
        &row(&["Europe", "", "", "", ""]),
        Some(&above),
        false
    ));
    assert!(!continues(
        &row(&["1. Stack", "", "", "", ""]),
        Some(&above),
        false
    ));
    let gap = row(&["Nonline", "", "£8,078.58", "Softwar", "12,359"]);
    assert!(!continues(
        &row(&["ar", "b", "", "", ""]),
        Some(&gap),
        false
    ));
    // Under a header, a first row that starts in lower case is a row.
    let header = row(&["Return", "Name", "Kind", "Type", "Note"]);
    assert!(!continues(
        &row(&["string", "toDataURL(", "", "", ""]),
        Some(&header),
        true
    ));
    assert!(continues(
        &row(&["ory", "", "", "", ""]),
        Some(&header),
        true
    ));
    // Filling most columns makes it a row, unless most pieces end broken words or numbers.
    assert!(!continues(
        &row(&["a", "b", "c", "", ""]),
        Some(&above),
        false
    ));
    let cut = row(&["Fores", "2000", "Inter", "On", "$36,670"]);
    assert!(continues(
        &row(&["t", "", "nal", "hold", ".72"]),
        Some(&cut),
        false
    ));
    assert!(!continues(
        &row(&["t", "", "nal", "hold", "and"]),
        Some(&cut),
        false
    ));
}

#[test]
fn a_word_broken_at_the_column_edge_is_joined_without_a_space() {
    let bands = [(74.0, 113.0), (150.0, 214.0), (250.0, 330.0)];
    let rights = vec![
        vec![Some(112.9), Some(205.0), Some(330.0)],
        vec![Some(112.0), Some(214.0), Some(300.0)],
    ];
    let mut last = LastLines::new(&bands, &rights, 4.2, None);
    last.record(
        &row(&["Nonline", "Valley", "Contemporary"]),
        &[Some(112.9), Some(205.0), Some(330.0)],
    );
    let mut a = "Nonline".to_string();
    last.join(0, &mut a, "ar protein");
    assert_eq!(a, "Nonlinear protein");
    // Short of the edge: the next word did not fit, the line wrapped at a space.
    let mut b = "Valley".to_string();
    last.join(1, &mut b, "13");
    assert_eq!(b, "Valley 13");
    // The widest line alone at the edge shows no wrapping width: a wrap at a space.
    let mut c = "Contemporary".to_string();
    last.join(2, &mut c, "er");
    assert_eq!(c, "Contemporary er");
    // A number cut after its separator goes on.
    let mut e = "$67,937.".to_string();
    last.record(&row(&["$67,937.", "", ""]), &[Some(112.5), None, None]);
    last.join(0, &mut e, "37");
    assert_eq!(e, "$67,937.37");
    // A "y" alone after a word cut at the edge that "-ly" ends: the word's last letter.
    last.record(&row(&["Quarterl", "", ""]), &[Some(112.5), None, None]);
    let mut y = "Quarterl".to_string();
    last.join(0, &mut y, "y");
    assert_eq!(y, "Quarterly");
    // ... but with words after it, or after a word short of the edge, "y" is a word.
    let mut y2 = "Quarterl".to_string();
    last.join(0, &mut y2, "y niño");
    assert_eq!(y2, "Quarterl y niño");
    last.record(&row(&["Hotel", "", ""]), &[Some(98.0), None, None]);
    let mut y3 = "Hotel".to_string();
    last.join(0, &mut y3, "y");
    assert_eq!(y3, "Hotel y");
    last.record(&row(&["Nonline", "", ""]), &[Some(112.9), None, None]);
    // A whole word after a line at the edge: the next word, wrapped.
    let mut d = "Nonline".to_string();
    last.join(0, &mut d, "current");
    assert_eq!(d, "Nonline current");
    // An amount cut inside its decimals goes on with its last figure.
    let mut f = "€60,007.9".to_string();
    last.record(&row(&["€60,007.9", "", ""]), &[Some(112.7), None, None]);
    last.join(0, &mut f, "4");
    assert_eq!(f, "€60,007.94");
}

#[test]
fn a_line_of_word_ends_and_last_decimals_continues_the_row() {
    // Seven narrow columns: a name, a status and two amounts broken at the columns' edges.
    let above = row(&[
        "Organi",
        "14.6%",
        "€60,007.9",
        "Pendin",
        "€68,577.1",
        "9,604",
        "19.284",
    ]);
    let next = row(&["sm 90", "", "4", "g", "0", "", ""]);
    assert!(continues(&next, Some(&above), false));
    // Whole amounts under whole amounts are a row of their own.
    let full = row(&[
        "Velocity",
        "8.3%",
        "€56,099.06",
        "Closed",
        "€62,952.89",
        "8,349",
        "49.264",
    ]);
    let more = row(&["rapid", "2.1%", "5", "", "7", "", ""]);
    assert!(!continues(&more, Some(&full), false));
}
