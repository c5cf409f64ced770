//! Tests of the cell boundaries rows agree on (`aligned.rs`), on spans and gaps placed by hand.
use super::split;
use crate::model::Span;
use crate::words::WordGap;

/// A row "LEFT RIGHT" with the figure drawn from `lx0` to 100 and the word from 102.
fn row(left: &str, right: &str, lx0: f32, top: f32, spaced: bool) -> (Span, Vec<WordGap>) {
    let text = format!("{left} {right}");
    let gap = WordGap {
        k: 0,
        left_x0: lx0,
        x1: 100.0,
        x0: 102.0,
        spaced,
    };
    (Span::test(&text, lx0, 140.0, top, 10.0), vec![gap])
}

fn run(rows: Vec<(Span, Vec<WordGap>)>) -> Vec<String> {
    let mut spans = Vec::new();
    let mut gaps = Vec::new();
    for (i, (s, g)) in rows.into_iter().enumerate() {
        spans.push(s);
        gaps.push((i, g));
    }
    split(&mut spans, &gaps);
    spans.into_iter().map(|s| s.text).collect()
}

#[test]
fn right_aligned_figures_against_words_are_two_cells() {
    let got = run(vec![
        row("$51,087.85", "C", 50.0, 100.0, true),
        row("$5,263.30", "A", 56.0, 112.0, true),
        row("$69,651.63", "A", 50.0, 124.0, true),
        row("$73,357.14", "D", 50.0, 136.0, true),
    ]);
    assert_eq!(
        got,
        [
            "$51,087.85",
            "C",
            "$5,263.30",
            "A",
            "$69,651.63",
            "A",
            "$73,357.14",
            "D"
        ]
    );
}

#[test]
fn a_unit_a_date_or_rows_far_apart_stay_whole() {
    // The same unit in every row.
    let units = run(vec![
        row("12.5", "kg", 80.0, 100.0, true),
        row("3.25", "kg", 81.0, 112.0, true),
        row("47.0", "kg", 80.0, 124.0, true),
    ]);
    assert_eq!(units, ["12.5 kg", "3.25 kg", "47.0 kg"]);
    // Days as wide as each other, a space glyph between them and the month.
    let dates = run(vec![
        row("12", "March", 88.0, 100.0, true),
        row("14", "June", 88.0, 112.0, true),
        row("21", "May", 88.0, 124.0, true),
        row("28", "July", 88.0, 136.0, true),
    ]);
    assert_eq!(dates, ["12 March", "14 June", "21 May", "28 July"]);
    // Three rows, but pages of text apart.
    let apart = run(vec![
        row("$51,087.85", "C", 50.0, 100.0, true),
        row("$5,263.30", "A", 56.0, 300.0, true),
        row("$69,651.63", "B", 50.0, 500.0, true),
    ]);
    assert_eq!(apart, ["$51,087.85 C", "$5,263.30 A", "$69,651.63 B"]);
}

#[test]
fn years_against_words_without_space_glyphs_are_two_cells() {
    let got = run(vec![
        row("1995", "External", 78.0, 100.0, false),
        row("2000", "Mixed", 78.0, 112.0, false),
        row("2016", "External", 78.0, 124.0, false),
        row("2021", "Internal", 78.0, 136.0, false),
    ]);
    assert_eq!(got.len(), 8, "{got:?}");
}

/// A span of `words` from `x0`, each word `w` points wide with a 3 pt gap, and its gaps.
fn packed(words: &[&str], x0: f32, w: &[f32], top: f32) -> (Span, Vec<WordGap>) {
    let mut gaps = Vec::new();
    let mut x = x0;
    for (k, &wk) in w.iter().enumerate().take(words.len() - 1) {
        gaps.push(WordGap {
            k,
            left_x0: x,
            x1: x + wk,
            x0: x + wk + 3.0,
            spaced: false,
        });
        x += wk + 3.0;
    }
    let x1 = x + w[words.len() - 1];
    (Span::test(&words.join(" "), x0, x1, top, 10.0), gaps)
}

#[test]
fn two_left_aligned_columns_of_words_are_two_cells() {
    // "Central Mixed" over "East External" over "Coastal External": both words start at one
    // x on each row (100 and 135), the first words' widths differ.
    let row = |a: &str, b: &str, wa: f32, top: f32| {
        let gap = WordGap {
            k: 0,
            left_x0: 100.0,
            x1: 100.0 + wa,
            x0: 135.0,
            spaced: false,
        };
        (
            Span::test(&format!("{a} {b}"), 100.0, 170.0, top, 10.0),
            vec![gap],
        )
    };
    let got = run(vec![
        row("Central", "Mixed", 32.0, 100.0),
        row("East", "External", 29.0, 112.0),
        row("Coastal", "External", 32.0, 124.0),
        row("North", "Internal", 30.0, 136.0),
    ]);
    assert_eq!(got.len(), 8, "{got:?}");
    // One word the same on every row (a label and its unit) keeps the spans whole.
    let same = run(vec![
        row("Central", "zone", 32.0, 100.0),
        row("East", "zone", 29.0, 112.0),
        row("Coastal", "zone", 32.0, 124.0),
    ]);
    assert_eq!(same.len(), 3, "{same:?}");
}

#[test]
fn a_header_run_into_its_neighbours_is_cut_where_the_cells_below_start() {
    // "Grade Region Type" over rows of separate cells starting at its words' starts.
    let mut rows = vec![packed(
        &["Grade", "Region", "Type"],
        100.0,
        &[25.0, 30.0, 20.0],
        88.0,
    )];
    for (k, (a, b, c)) in [
        ("A", "Central", "Mixed"),
        ("B", "East", "External"),
        ("D", "Coastal", "Mixed"),
    ]
    .into_iter()
    .enumerate()
    {
        let top = 100.0 + 12.0 * k as f32;
        rows.push((Span::test(a, 100.0, 107.0, top, 10.0), Vec::new()));
        rows.push((Span::test(b, 128.0, 158.0, top, 10.0), Vec::new()));
        rows.push((Span::test(c, 161.0, 190.0, top, 10.0), Vec::new()));
    }
    let got = run(rows);
    assert_eq!(got[..3], ["Grade", "Region", "Type"], "{got:?}");
    // The same words in a line of text whose neighbours start there only far apart stay whole.
    let lone = run(vec![
        packed(
            &["Grade", "Region", "Type"],
            100.0,
            &[25.0, 30.0, 20.0],
            88.0,
        ),
        (Span::test("Central", 128.0, 158.0, 300.0, 10.0), Vec::new()),
        (Span::test("Central", 128.0, 158.0, 400.0, 10.0), Vec::new()),
        (Span::test("Central", 128.0, 158.0, 500.0, 10.0), Vec::new()),
    ]);
    assert_eq!(lone[0], "Grade Region Type");
}
