//! One test per failure class seen on documents the engine was not tuned on, on the committed sample
//! of the generated corpus (`bench/corpus/sample/PRODUCER/NAME.{pdf,md}`, made by
//! `bench/corpus/generate.py`; the `.md` is the Markdown the PDF was rendered from) and on small PDFs
//! built here. Each check compares against the ground truth, the way `bench/scoreboard.py` scores.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use std::path::{Path, PathBuf};

use mdspool_convert::{Builtin, ConvertOptions, Converter};
use pdfwriter::{ITAL, PageSpec, REG, md_lines};

fn sample(producer: &str) -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../bench/corpus/sample")
        .join(producer);
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .map(|p| {
            let truth = std::fs::read_to_string(p.with_extension("md")).expect("ground truth");
            (p, truth)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no sample in {}", dir.display());
    out
}

fn convert(pdf: &Path) -> String {
    Builtin
        .convert(pdf, &ConvertOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", pdf.display()))
        .markdown
}

/// Lower-case words of any script, Markdown punctuation dropped (as the scorer reads text).
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Body paragraphs of the ground truth: long lines that are not headings, lists, tables or code.
fn paragraphs(md: &str) -> Vec<&str> {
    let mut code = false;
    md.lines()
        .filter(|l| {
            if l.starts_with("```") {
                code = !code;
                return false;
            }
            !code && l.len() > 200 && !l.starts_with(['#', '|', '-', '>', ' ', '['])
        })
        .collect()
}

#[test]
fn two_columns_under_a_full_width_title_read_column_by_column() {
    // Ten-word windows of every paragraph must come out whole: reading across the two columns line
    // by line cuts nearly all of them.
    for (pdf, truth) in sample("latex2") {
        let out = format!(" {} ", words(&convert(&pdf)).join(" "));
        let (mut found, mut all) = (0, 0);
        for p in paragraphs(&truth) {
            let w = words(p);
            for win in w.chunks(10).filter(|c| c.len() == 10) {
                all += 1;
                found += usize::from(out.contains(&format!(" {} ", win.join(" "))));
            }
        }
        assert!(all >= 10, "{}: too little text to judge", pdf.display());
        assert!(
            found * 10 >= all * 9,
            "{}: {found} of {all} windows in order",
            pdf.display()
        );
    }
}

#[test]
fn bullets_drawn_as_shapes_are_list_items() {
    let mut items = 0;
    for (pdf, truth) in sample("chromium") {
        let out = convert(&pdf);
        let listed: Vec<String> = out
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("- "))
            .map(|l| words(l).join(" "))
            .collect();
        for item in truth
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("- "))
        {
            let head: Vec<String> = words(item).into_iter().take(4).collect();
            items += 1;
            assert!(
                listed.iter().any(|l| l.starts_with(&head.join(" "))),
                "{}: bullet item {item:?} is not a list item",
                pdf.display()
            );
        }
    }
    assert!(
        items >= 5,
        "the chromium sample has too few bullet items ({items})"
    );
}

#[test]
fn words_set_apart_by_positioning_are_not_glued() {
    // groff through ghostscript sets word gaps with character spacing and per-word moves.
    for (pdf, truth) in sample("groff") {
        let vocab: std::collections::HashSet<String> = words(&truth).into_iter().collect();
        let out = words(&convert(&pdf));
        let glued: Vec<&String> = out
            .iter()
            .filter(|w| !vocab.contains(*w))
            .filter(|w| {
                let chars: Vec<char> = w.chars().collect();
                (2..chars.len().saturating_sub(1)).any(|k| {
                    let (a, b): (String, String) =
                        (chars[..k].iter().collect(), chars[k..].iter().collect());
                    vocab.contains(&a) && vocab.contains(&b)
                })
            })
            .collect();
        assert!(
            glued.len() * 100 <= out.len(),
            "{}: glued words {glued:?}",
            pdf.display()
        );
    }
}

#[test]
fn a_line_starting_with_a_single_letter_is_not_a_bullet() {
    // "t is in seconds": an italic variable at the start of a line, set off by a space.
    let mut p = PageSpec::default();
    p.text(
        REG,
        10.0,
        72.0,
        700.0,
        "The time of the measurement is noted in the log, where",
    );
    p.text(ITAL, 10.0, 72.0, 686.0, "t");
    p.text(
        REG,
        10.0,
        79.0,
        686.0,
        "is in seconds and the rest of the line follows.",
    );
    let lines = md_lines(&[p]);
    assert_eq!(
        lines,
        [
            "The time of the measurement is noted in the log, where *t* is in seconds and the rest of the line follows."
        ]
    );
}

#[test]
fn narrow_numeric_and_category_columns_stay_separate() {
    // Every ground-truth table row must come out as one table row with the same cells.
    let mut rows = 0;
    for (pdf, truth) in sample("latex1") {
        let out = convert(&pdf);
        let cells = |l: &str| -> Vec<String> {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(|c| words(c).join(" "))
                .collect()
        };
        let got: Vec<Vec<String>> = out
            .lines()
            .filter(|l| l.starts_with('|'))
            .map(cells)
            .collect();
        for l in truth
            .lines()
            .filter(|l| l.starts_with('|') && !l.contains("---"))
        {
            rows += 1;
            let want = cells(l);
            assert!(
                got.contains(&want),
                "{}: table row {want:?} not found",
                pdf.display()
            );
        }
    }
    assert!(
        rows >= 10,
        "the latex1 sample has too few table rows ({rows})"
    );
}

#[test]
fn running_heads_and_feet_of_short_documents_are_dropped() {
    for (pdf, _) in sample("latexhf") {
        let out = convert(&pdf);
        let feet: Vec<&str> = out
            .lines()
            .filter(|l| l.contains("Technical note") || l.contains(" of 2") || l.contains(" of 3"))
            .collect();
        assert!(
            feet.is_empty(),
            "{}: running foot kept: {feet:?}",
            pdf.display()
        );
    }
    // One page: a journal head, a download note and a page number around one paragraph.
    let mut p = PageSpec::default();
    p.text(REG, 8.0, 72.0, 770.0, "Volume 12 | Issue 3");
    p.text(REG, 8.0, 400.0, 770.0, "Journal of Examples");
    p.text(REG, 10.0, 72.0, 700.0, "The only paragraph of this page.");
    p.text(
        REG,
        8.0,
        72.0,
        40.0,
        "Downloaded from example.org on 30 November 2026",
    );
    p.text(REG, 8.0, 300.0, 28.0, "17");
    assert_eq!(md_lines(&[p]), ["The only paragraph of this page."]);
}

#[test]
fn a_short_heading_across_both_columns_ends_the_column_band() {
    // A browser's `column-span: all` heading, short enough to stand over the left column only:
    // both columns stop above it and start again below it. The columns above are read before it.
    let mut p = PageSpec::default();
    let line = |p: &mut PageSpec, x: f32, y: f32, t: &str| {
        p.text(REG, 10.0, x, y, t);
    };
    let (left_top, right_top) = (
        [
            "Left column text above the heading",
            "goes on for a second line of it",
            "and ends on the third line here.",
        ],
        [
            "Right column text above the heading",
            "also runs for a second line and",
            "closes on its third line as well.",
        ],
    );
    let (left_low, right_low) = (
        [
            "Left column text below the heading",
            "continues on a second line and",
            "stops on its third line right here.",
        ],
        [
            "Right column text below the heading",
            "runs on for a second line too and",
            "finishes the page on its third one.",
        ],
    );
    for (k, (l, r)) in left_top.iter().zip(&right_top).enumerate() {
        line(&mut p, 72.0, 720.0 - 14.0 * k as f32, l);
        line(&mut p, 320.0, 720.0 - 14.0 * k as f32, r);
    }
    p.text(pdfwriter::BOLD, 14.0, 72.0, 650.0, "Spanning Heading");
    for (k, (l, r)) in left_low.iter().zip(&right_low).enumerate() {
        line(&mut p, 72.0, 615.0 - 14.0 * k as f32, l);
        line(&mut p, 320.0, 615.0 - 14.0 * k as f32, r);
    }
    assert_eq!(
        md_lines(&[p]),
        [
            left_top.join(" "),
            right_top.join(" "),
            "# Spanning Heading".to_string(),
            left_low.join(" "),
            right_low.join(" "),
        ]
    );
}

#[test]
fn a_table_ends_before_prose_whose_math_is_set_apart_like_cells() {
    // Prose right under a table, with a formula whose symbols stand a cell gap apart ("x ± 58"):
    // that line looks like a row of cells, but the table ends above it.
    let mut p = PageSpec::default();
    let rows = [
        ("Item", "Weight", "Type"),
        ("Election 51", "32.688", "External"),
        ("Eclipse", "24.237", "Internal"),
        ("Publisher", "17.611", "External"),
        ("Vessel 9", "26.244", "Mixed"),
    ];
    for (k, (a, b, c)) in rows.iter().enumerate() {
        let y = 700.0 - 14.0 * k as f32;
        p.text(REG, 10.0, 150.0, y, a);
        p.text(REG, 10.0, 300.0, y, b);
        p.text(REG, 10.0, 380.0, y, c);
    }
    let y = 700.0 - 14.0 * rows.len() as f32 - 10.0;
    p.text(REG, 10.0, 72.0, y, "The nebula satisfies");
    p.text(REG, 10.0, 175.0, y, "x");
    p.text(REG, 10.0, 190.0, y, "±");
    p.text(
        REG,
        10.0,
        205.0,
        y,
        "58 whenever m is small, which the dispute retrieves.",
    );
    p.text(
        REG,
        10.0,
        72.0,
        y - 14.0,
        "The seasonal nebula supports the river across the signal.",
    );
    let md = md_lines(&[p]);
    assert_eq!(
        &md[..6],
        [
            "| Item | Weight | Type |",
            "| --- | --- | --- |",
            "| Election 51 | 32.688 | External |",
            "| Eclipse | 24.237 | Internal |",
            "| Publisher | 17.611 | External |",
            "| Vessel 9 | 26.244 | Mixed |",
        ],
        "{md:#?}"
    );
}

#[test]
fn a_bordered_table_drawn_cell_by_cell_across_the_columns_stays_whole() {
    // Two columns of prose, then a table across the page whose borders are drawn cell by cell (as
    // a browser does), with a column boundary right at the gutter, then the columns again.
    let mut p = PageSpec::default();
    let prose = |p: &mut PageSpec, y: f32, side: &str| {
        for (k, x) in [72.0, 320.0].into_iter().enumerate() {
            for n in 0..4 {
                let t = format!(
                    "The {side} text of column {} goes on here, line {n}.",
                    k + 1
                );
                p.text(REG, 10.0, x, y - 14.0 * n as f32, &t);
            }
        }
    };
    prose(&mut p, 730.0, "upper");
    let cols = [72.0, 190.0, 300.0, 410.0, 530.0];
    let rows = [
        ["Item", "Grade", "Units", "Weight"],
        ["Numerical article", "B", "13,688", "44.176"],
        ["Periodic ministry", "A", "12,909", "15.539"],
        ["Freight 27", "A", "14,689", "5.381"],
    ];
    let top = 660.0;
    for (r, row) in rows.iter().enumerate() {
        let y = top - 18.0 * r as f32;
        for (c, cell) in row.iter().enumerate() {
            p.text(REG, 10.0, cols[c] + 4.0, y - 13.0, cell);
            // This cell's top and bottom borders, each its own segment.
            p.line(cols[c], y, cols[c + 1], y);
            p.line(cols[c], y - 18.0, cols[c + 1], y - 18.0);
        }
    }
    prose(&mut p, 570.0, "lower");
    let md = md_lines(&[p]);
    let table: Vec<&String> = md.iter().filter(|l| l.starts_with('|')).collect();
    assert_eq!(
        table,
        [
            "| Item | Grade | Units | Weight |",
            "| --- | --- | --- | --- |",
            "| Numerical article | B | 13,688 | 44.176 |",
            "| Periodic ministry | A | 12,909 | 15.539 |",
            "| Freight 27 | A | 14,689 | 5.381 |",
        ],
        "{md:#?}"
    );
}
