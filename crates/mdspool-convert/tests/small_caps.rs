//! A heading set in small capitals: each word's first capital at full size, the rest of it in
//! capitals of a smaller size, drawn by separate show operators that the parser joins into one span
//! of the larger size. The full capital advances what its font declares; the narrower copies of the
//! same letter further on (the small "T" of "TREATY") do not make it narrower, so no space opens
//! after it ("T REATY").

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use pdfwriter::{PageSpec, REG, md_lines};

/// Helvetica-Bold advances (thousandths of an em) of the capitals used below.
fn advance(c: char) -> f32 {
    match c {
        'I' | ' ' => 278.0,
        'L' | 'T' => 611.0,
        'E' | 'P' | 'Y' => 667.0,
        'O' => 778.0,
        'M' => 833.0,
        'W' => 944.0,
        _ => 722.0,
    }
}

/// One heading line of small-capital words at `y`, in the font with declared widths (F6).
fn small_caps(p: &mut PageSpec, y: f32, words: &[&str]) {
    let (big, small) = (13.92f32, 11.04f32);
    let mut ops = format!("BT 72 {y} Td");
    for (k, w) in words.iter().enumerate() {
        let (first, rest) = w.split_at(1);
        let rest = if k + 1 < words.len() {
            format!("{rest} ")
        } else {
            rest.to_string()
        };
        let a = advance(first.chars().next().unwrap_or('T')) * big / 1000.0;
        let b: f32 = rest.chars().map(advance).sum::<f32>() * small / 1000.0;
        ops.push_str(&format!(
            " /F6 {big} Tf ({first}) Tj {a} 0 Td /F6 {small} Tf ({rest}) Tj {b} 0 Td"
        ));
    }
    ops.push_str(" ET");
    p.raw(&ops);
}

#[test]
fn a_full_capital_before_small_capitals_keeps_its_word() {
    let mut p = PageSpec::default();
    small_caps(&mut p, 720.0, &["TREATY", "IMPLEMENTATION"]);
    p.text(
        REG,
        11.0,
        72.0,
        700.0,
        "The treaty was put into effect by the act of that year.",
    );
    small_caps(&mut p, 670.0, &["TITLE", "TWO", "CONTENT"]);
    p.text(
        REG,
        11.0,
        72.0,
        650.0,
        "The second title limits the liability of some providers.",
    );
    let md = md_lines(&[p]);
    assert!(
        md.iter().any(|l| l.ends_with("# TREATY IMPLEMENTATION")),
        "{md:?}"
    );
    assert!(
        md.iter().any(|l| l.ends_with("# TITLE TWO CONTENT")),
        "{md:?}"
    );
}
