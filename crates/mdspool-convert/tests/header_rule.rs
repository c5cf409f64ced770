//! The rule under a running header (LaTeX's fancyhdr draws one across the text width) frames no
//! table: a ruled table lower on the page keeps its own header row and cells, and the lines between
//! the header rule and the table stay text.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{PageSpec, REG, md_lines};

#[test]
fn a_running_header_rule_does_not_open_the_table_under_it() {
    let mut p = PageSpec::default();
    p.text(REG, 10.0, 72.0, 760.0, "Nonlinear Ledger Engine");
    p.text(REG, 10.0, 400.0, 760.0, "2 COASTAL LEDGER CRANE");
    p.line(72.0, 756.0, 540.0, 756.0);
    p.text(
        REG,
        10.0,
        86.0,
        730.0,
        "4. Editor after the secondary comet",
    );
    // A booktabs table: top rule, header, middle rule, body, bottom rule.
    let xs = [125.0, 200.0, 250.0, 320.0, 400.0];
    let rows = [
        ["Item", "Units", "Category", "Total", "Status"],
        ["Student", "15,279", "Hardware", "$89,119.46", "Closed"],
        ["Agreement", "16,508", "Travel", "$85,081.36", "Active"],
        ["Crane", "15,965", "Software", "$57,373.95", "On hold"],
    ];
    p.line(120.0, 712.0, 450.0, 712.0);
    p.line(120.0, 696.0, 450.0, 696.0);
    p.line(120.0, 646.0, 450.0, 646.0);
    for (k, r) in rows.iter().enumerate() {
        let y = if k == 0 {
            701.0
        } else {
            684.0 - 13.0 * (k - 1) as f32
        };
        for (t, x) in r.iter().zip(xs) {
            p.text(REG, 10.0, x, y, t);
        }
    }
    p.text(
        REG,
        10.0,
        72.0,
        620.0,
        "The longitude monitors the frequency and significantly stores each telescope today.",
    );
    let md = md_lines(&[p]);
    let table: Vec<&String> = md.iter().filter(|l| l.starts_with('|')).collect();
    assert_eq!(
        table.first().map(|l| l.as_str()),
        Some("| Item | Units | Category | Total | Status |"),
        "{md:#?}"
    );
    assert_eq!(table.len(), rows.len() + 1, "{md:#?}");
    assert!(
        md.iter()
            .any(|l| l.ends_with("Editor after the secondary comet") && !l.starts_with('|')),
        "{md:#?}"
    );
}
