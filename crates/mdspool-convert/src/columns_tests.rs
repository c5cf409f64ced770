//! Unit tests of `columns.rs` on rows built by hand: a centred table's rows that leave a column
//! band's gutter free.

use super::{heads_table, spanning_table};
use crate::model::Span;
use crate::regions::Row;

/// A span of `text` from `x0` to `x1` on the baseline row at `top`.
fn span(text: &str, x0: f32, x1: f32, top: f32) -> Span {
    Span {
        x0,
        x1,
        top,
        bottom: top + 9.5,
        size: 9.5,
        ..Span::plain(text.to_string())
    }
}

fn row(spans: &[Span]) -> Row<'_> {
    Row {
        top: spans[0].top,
        bottom: spans[0].bottom,
        size: 9.5,
        spans: spans.iter().collect(),
    }
}

/// A table row: a name left of the gutter (282.5 to 313.7), a type and two figures right of it.
fn cells(name: &[(&str, f32, f32)], kind: &str, total: &str, weight: &str, top: f32) -> Vec<Span> {
    let mut v: Vec<Span> = name.iter().map(|(t, a, b)| span(t, *a, *b, top)).collect();
    v.push(span(kind, 314.8, 350.0, top));
    v.push(span(total, 370.0, 412.2, top));
    v.push(span(weight, 432.6, 461.7, top));
    v
}

#[test]
fn a_name_in_two_touching_pieces_reaching_into_the_gutter_heads_the_table_under_it() {
    let g = (282.5, 313.7);
    let above = cells(
        &[
            ("Microarchitecture gradual cra", 134.6, 281.1),
            ("ne", 281.1, 292.8),
        ],
        "Internal",
        "27,261.16",
        "7.869",
        90.0,
    );
    let below = cells(
        &[("Meteor", 134.6, 169.6)],
        "External",
        "58,628.35",
        "35.025",
        106.0,
    );
    assert!(heads_table(&row(&above), &row(&below), g));
    // A line of prose over the table is no row of it.
    let prose = vec![
        span(
            "The horizon allocates the office across the journal",
            63.0,
            283.0,
            90.0,
        ),
        span(
            "and significantly describes each frame today",
            313.7,
            533.0,
            90.0,
        ),
    ];
    assert!(!heads_table(&row(&prose), &row(&below), g));
}

#[test]
fn a_table_with_one_column_left_of_the_gutter_is_a_table_across_the_columns() {
    let g = (282.5, 313.7);
    let names = ["Meteor", "Freight", "Galaxy 78", "Theoretical vessel"];
    let rows: Vec<Vec<Span>> = names
        .iter()
        .enumerate()
        .map(|(k, n)| {
            let w = 8.0 * n.len() as f32;
            cells(
                &[(n, 134.6, 134.6 + w)],
                "External",
                "9,502.18",
                "21.010",
                100.0 + 16.0 * k as f32,
            )
        })
        .collect();
    let rows: Vec<Row> = rows.iter().map(|r| row(r)).collect();
    assert_eq!(spanning_table(&rows, g, 10.0), Some((0, 4)));
}
