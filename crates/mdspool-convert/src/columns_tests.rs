//! Unit tests of `columns.rs` on rows built by hand: a centred table's rows that leave a column
//! band's gutter free, a heading across both columns.

use super::{heads_table, spanning_heading, spanning_table};
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

/// One row per span (each on its own baseline), in order of `top`.
fn rows_of(spans: &[Span]) -> Vec<Row<'_>> {
    spans
        .iter()
        .map(|s| Row {
            top: s.top,
            bottom: s.bottom,
            size: s.size,
            spans: vec![s],
        })
        .collect()
}

#[test]
fn a_heading_across_columns_after_a_left_column_ending_early_ends_the_band() {
    // A browser's balanced columns above a `column-span: all` heading: the right column stops at
    // 237.8, the left one goes on with a heading of its own to 219.8 and its margin, so the left
    // column's break (83 pt) is longer than the right one's (55 pt) by over 2.5 em; both start
    // again together under the heading.
    let sized = |text: &str, x0: f32, x1: f32, top: f32, size: f32| Span {
        size,
        bottom: top + size,
        ..span(text, x0, x1, top)
    };
    let (l, r) = ((63.0, 282.5), (313.7, 533.3));
    let mut spans = Vec::new();
    for k in 0..6 {
        let top = 57.0 + 14.25 * k as f32;
        spans.push(sized("left column text", l.0, l.1, top, 10.5));
        spans.push(sized("right column text", r.0, r.1, top + 3.0, 10.5));
    }
    for k in 0..4 {
        spans.push(sized(
            "right column text",
            r.0,
            r.1,
            145.0 + 14.25 * k as f32,
            10.5,
        ));
    }
    spans.push(sized("compares 708 amplitudes.", r.0, 454.5, 227.3, 10.5));
    spans.push(sized("1.1.1 Periodic Supplier", l.0, 204.5, 208.8, 11.0));
    spans.push(sized("2 Empirical Network", l.0, 225.2, 262.0, 14.0));
    spans.push(sized("Here x is in seconds", r.0, r.1, 292.5, 10.5));
    for k in 0..4 {
        spans.push(sized(
            "left column text",
            l.0,
            l.1,
            303.0 + 14.25 * k as f32,
            10.5,
        ));
        spans.push(sized(
            "right column text",
            r.0,
            r.1,
            306.75 + 14.25 * k as f32,
            10.5,
        ));
    }
    spans.sort_by(|a, b| a.top.total_cmp(&b.top));
    let rows = rows_of(&spans);
    let heading = rows.iter().position(|r| r.size == 14.0);
    assert_eq!(spanning_heading(&rows, (282.5, 313.7), 10.5), heading);
    // With text of the right column beside it, the heading is the left column's own.
    spans.push(sized("right column text", r.0, r.1, 264.0, 10.5));
    spans.sort_by(|a, b| a.top.total_cmp(&b.top));
    let rows = rows_of(&spans);
    assert_eq!(spanning_heading(&rows, (282.5, 313.7), 10.5), None);
}
