//! Tests of ruled tables (`grid.rs`) on rules and spans placed by hand.
use super::take_tables;
use crate::model::{Page, Rule, Span};

fn rule(top: f32) -> Rule {
    Rule {
        x0: 150.0,
        x1: 450.0,
        top,
        bottom: top + 0.5,
    }
}

/// A booktabs table from `top`: a rule, a header row, a rule, two body rows, a rule; 12 pt rows.
fn table(top: f32, spans: &mut Vec<Span>, rules: &mut Vec<Rule>) {
    rules.extend([rule(top), rule(top + 16.0), rule(top + 46.0)]);
    for (k, y) in [top + 3.0, top + 19.0, top + 31.0].into_iter().enumerate() {
        let name = if k == 0 { "layout" } else { "threads" };
        spans.push(Span::test(&format!("{name}{k}"), 155.0, 200.0, y, 10.0));
        spans.push(Span::test("1.02", 300.0, 320.0, y, 10.0));
        spans.push(Span::test("2.11", 400.0, 420.0, y, 10.0));
    }
}

#[test]
fn a_heading_and_a_list_reaching_past_two_tables_part_them() {
    // pandoc's LaTeX centres a table narrower than the text: the bold line and the list between
    // two such tables start two ems left of their rules. Taken for rows of one table, they made
    // the rules of both one frame whose rows were the rules' bands, every body row in one cell.
    let (mut spans, mut rules) = (Vec::new(), Vec::new());
    table(100.0, &mut spans, &mut rules);
    spans.push(Span::test(
        "Linux on an eight-core machine",
        120.0,
        300.0,
        160.0,
        10.0,
    ));
    for (k, y) in [175.0, 187.0, 199.0].into_iter().enumerate() {
        spans.push(Span::test(
            &format!("• item {k} of the list"),
            125.0,
            280.0,
            y,
            10.0,
        ));
    }
    table(215.0, &mut spans, &mut rules);
    let mut page = Page {
        number: 1,
        width: 600.0,
        height: 800.0,
        spans,
        rules,
        rtl: false,
        asides: Vec::new(),
        codes: false,
    };
    let tables = take_tables(&mut page);
    let cells: Vec<&Vec<Vec<String>>> = tables.iter().map(|t| &t.cells).collect();
    assert_eq!(tables.len(), 2, "{cells:?}");
    for t in &tables {
        assert_eq!(t.cells.len(), 3, "{:?}", t.cells);
        assert!(t.cells.iter().all(|r| r.len() == 3), "{:?}", t.cells);
    }
    // The lines between the tables stay text.
    assert!(page.spans.iter().any(|s| s.text.starts_with("Linux")));
}
