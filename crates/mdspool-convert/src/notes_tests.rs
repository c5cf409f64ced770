//! Tests of the footnote rules (`notes.rs`) on pages of lines placed by hand.
use super::*;

fn line(text: &str, x0: f32, top: f32, size: f32) -> Line {
    let x1 = x0 + text.len() as f32 * size * 0.5;
    Line::from_spans(vec![Span::test(text, x0, x1, top, size)])
}

fn page(lines: Vec<Line>) -> PageLayout {
    PageLayout {
        number: 1,
        width: 600.0,
        height: 800.0,
        regions: Vec::new(),
        rules: Vec::new(),
        lines,
        asides: Vec::new(),
        codes: false,
    }
}

fn texts(p: &PageLayout) -> Vec<String> {
    p.lines.iter().map(Line::text).collect()
}

#[test]
fn small_marked_lines_at_the_foot_become_notes_for_the_end() {
    let body = "The body text of the page goes on and on, line after line.";
    let mut lines: Vec<Line> = (0..6)
        .map(|i| line(body, 72.0, 100.0 + 14.0 * i as f32, 10.0))
        .collect();
    lines.extend([
        line("1The forecast list names two towns.", 72.0, 700.0, 8.0),
        line("2", 72.0, 712.0, 8.0),
        line("The furnace captures the compact evi-", 80.0, 712.0, 8.0),
        line("dence of the theory.", 80.0, 722.0, 8.0),
    ]);
    let mut pages = vec![page(lines)];
    let notes = take_notes(&mut pages);
    assert_eq!(texts(&pages[0]), vec![body; 6], "the body stays");
    let got: Vec<(String, Vec<String>)> = notes
        .iter()
        .map(|b| match b {
            Block::Note { label, lines } => (label.clone(), lines.iter().map(Line::text).collect()),
            _ => panic!("not a note"),
        })
        .collect();
    assert_eq!(
        got[0],
        (
            "1".into(),
            vec!["The forecast list names two towns.".into()]
        )
    );
    assert_eq!(got[1].0, "2");
    assert_eq!(got[1].1[0], "The furnace captures the compact evi-");
    assert_eq!(got[1].1.len(), 2);
}

#[test]
fn small_lines_without_a_mark_or_without_a_body_stay() {
    let body = |top: f32| {
        line(
            "Body text of the page, long enough to count.",
            72.0,
            top,
            10.0,
        )
    };
    let mut caption = vec![page(vec![
        body(100.0),
        body(114.0),
        line("Figure 2: the small caption at the foot.", 72.0, 700.0, 8.0),
    ])];
    assert!(take_notes(&mut caption).is_empty());
    assert_eq!(caption[0].lines.len(), 3);
    let mut figures = vec![page(vec![
        body(100.0),
        body(114.0),
        line("12.5 per cent of 40 units", 72.0, 700.0, 8.0),
    ])];
    assert!(
        take_notes(&mut figures).is_empty(),
        "a number is not a mark"
    );
    let mut same_size = vec![page(vec![
        body(100.0),
        line("1 The end.", 72.0, 700.0, 10.0),
    ])];
    assert!(
        take_notes(&mut same_size).is_empty(),
        "body-size lines are body"
    );
}

#[test]
fn marks_are_digits_or_reference_symbols_before_a_letter() {
    assert_eq!(mark_of("1The text"), Some(("1".into(), "The text")));
    assert_eq!(mark_of("12. The text"), Some(("12".into(), "The text")));
    assert_eq!(mark_of("* Significant"), Some(("*".into(), "Significant")));
    assert_eq!(mark_of("2024 The year"), None);
    assert_eq!(mark_of("3.5 units"), None);
    assert_eq!(mark_of("The text"), None);
}

#[test]
fn a_small_table_under_a_short_rule_stays() {
    let body = "The body text of the page goes on and on, line after line.";
    let mut lines: Vec<Line> = (0..6)
        .map(|i| line(body, 72.0, 100.0 + 14.0 * i as f32, 10.0))
        .collect();
    lines.extend([
        line("Item", 72.0, 700.0, 8.0),
        line("Region", 200.0, 700.0, 8.0),
        line("Revenue", 72.0, 712.0, 8.0),
        line("Coastal", 200.0, 712.0, 8.0),
    ]);
    let mut p = page(lines.clone());
    let rule = |x1: f32| super::super::model::Rule {
        x0: 72.0,
        x1,
        top: 695.0,
        bottom: 695.5,
    };
    p.rules.push(rule(140.0));
    let mut pages = vec![p];
    assert!(take_notes(&mut pages).is_empty());
    assert_eq!(pages[0].lines.len(), 10);
    // The same rule above one unmarked line of prose is a footnote separator.
    lines.truncate(6);
    lines.push(line("The evidence assigns the velocity.", 72.0, 700.0, 8.0));
    let mut p = page(lines);
    p.rules.push(rule(140.0));
    let mut pages = vec![p];
    assert_eq!(
        take_notes(&mut pages).len(),
        1,
        "a note whose mark the scan lost"
    );
    assert_eq!(pages[0].lines.len(), 6);
}

#[test]
fn a_scans_misread_mark_starts_a_note_numbered_after_the_last() {
    let body = "The body text of the page goes on and on, line after line.";
    let mut lines: Vec<Line> = (0..6)
        .map(|i| line(body, 72.0, 100.0 + 14.0 * i as f32, 10.0))
        .collect();
    lines.extend([
        line("1The first note.", 72.0, 700.0, 8.0),
        line("? The second note.", 72.0, 712.0, 8.0),
        line("continued here.", 72.0, 722.0, 8.0),
    ]);
    let mut pages = vec![page(lines)];
    let labels: Vec<String> = take_notes(&mut pages)
        .into_iter()
        .map(|b| match b {
            Block::Note { label, lines } => format!("{label}:{}", lines.len()),
            _ => String::new(),
        })
        .collect();
    assert_eq!(labels, ["1:1", "2:2"]);
    assert_eq!(look_alike("? The"), Some("?".into()));
    assert_eq!(look_alike("(The"), None);
    assert_eq!(look_alike("?? the"), None);
}

#[test]
fn notes_printed_as_a_list_at_the_end_stay_in_order_across_a_page_break() {
    let body = "The body text of the page goes on and on, line after line.";
    let mut lines: Vec<Line> = (0..6)
        .map(|i| line(body, 72.0, 100.0 + 14.0 * i as f32, 10.0))
        .collect();
    lines.push(line(
        "1. The council estimates the library.",
        72.0,
        700.0,
        8.0,
    ));
    let last = || {
        page(vec![
            line("2. The bridge confirms the figure.", 72.0, 72.0, 8.0),
            line("3. The nebula extends the ballot.", 72.0, 84.0, 8.0),
        ])
    };
    let mut pages = vec![page(lines), last()];
    let labels: Vec<String> = take_notes(&mut pages)
        .into_iter()
        .map(|b| match b {
            Block::Note { label, .. } => label,
            _ => String::new(),
        })
        .collect();
    assert_eq!(labels, ["1", "2", "3"]);
    assert!(pages[1].lines.is_empty());
    // Without a note before it, a last page of small print is left alone.
    let mut alone = vec![
        page(
            (0..6)
                .map(|i| line(body, 72.0, 100.0 + 14.0 * i as f32, 10.0))
                .collect(),
        ),
        last(),
    ];
    assert!(take_notes(&mut alone).is_empty());
    assert_eq!(alone[1].lines.len(), 2);
    // After notes, a last page of small print without a mark (a back cover's code) stays, even
    // under a rule.
    let mut lines: Vec<Line> = (0..6)
        .map(|i| line(body, 72.0, 100.0 + 14.0 * i as f32, 10.0))
        .collect();
    lines.push(line(
        "1. The council estimates the library.",
        72.0,
        700.0,
        8.0,
    ));
    let mut cover = page(vec![line("REDP-5110-00", 72.0, 700.0, 8.0)]);
    cover.rules.push(crate::model::Rule {
        x0: 72.0,
        x1: 90.0,
        top: 690.0,
        bottom: 690.5,
    });
    let mut pages = vec![page(lines), cover];
    assert_eq!(take_notes(&mut pages).len(), 1);
    assert_eq!(pages[1].lines.len(), 1);
    // Nor does a code under a short rule at the foot of a page of body text.
    let mut lines: Vec<Line> = (0..6)
        .map(|i| line(body, 72.0, 100.0 + 14.0 * i as f32, 10.0))
        .collect();
    lines.push(line("REDP-5110-00", 72.0, 700.0, 8.0));
    let mut p = page(lines);
    p.rules.push(crate::model::Rule {
        x0: 72.0,
        x1: 90.0,
        top: 690.0,
        bottom: 690.5,
    });
    let mut pages = vec![p];
    assert!(take_notes(&mut pages).is_empty());
}
