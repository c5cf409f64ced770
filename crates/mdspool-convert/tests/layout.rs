//! Layout tests on small PDFs generated here: headings, two columns, lists, tables, hyphenation,
//! ligatures, running headers/footers, code, links, metadata and page breaks. Each compares exact
//! Markdown lines.

#[path = "support/pdfwriter.rs"]
mod pdfwriter;

use mdspool_convert::ConvertOptions;
use pdfwriter::{BOLD, ITAL, MONO, PageSpec, REG, build, convert, md_lines};

/// Body text lines starting at `y`, 14 pt apart.
fn body(p: &mut PageSpec, x: f32, mut y: f32, lines: &[&str]) -> f32 {
    for l in lines {
        p.text(REG, 10.0, x, y, l);
        y -= 14.0;
    }
    y
}

/// The first Markdown line of a page holding `ops` (a heading drawn with raw operators) over a line
/// of body text.
fn first_line_over_body(ops: &str) -> String {
    let mut p = PageSpec::default();
    p.raw(ops);
    body(
        &mut p,
        72.0,
        690.0,
        &["The body follows in the regular face."],
    );
    md_lines(&[p]).remove(0)
}

#[test]
fn heading_hierarchy_and_paragraphs() {
    let mut p = PageSpec::default();
    p.text(BOLD, 24.0, 72.0, 720.0, "Annual Report");
    p.text(BOLD, 16.0, 72.0, 680.0, "1 Introduction");
    let y = body(
        &mut p,
        72.0,
        655.0,
        &["This report describes the year.", "It has two parts."],
    );
    p.text(BOLD, 13.0, 72.0, y - 14.0, "1.1 Scope");
    body(&mut p, 72.0, y - 36.0, &["The scope is narrow."]);
    p.text(BOLD, 16.0, 72.0, 500.0, "2 Results");
    body(&mut p, 72.0, 475.0, &["Results were good."]);
    assert_eq!(
        md_lines(&[p]),
        [
            "# Annual Report",
            "## 1 Introduction",
            "This report describes the year. It has two parts.",
            "### 1.1 Scope",
            "The scope is narrow.",
            "## 2 Results",
            "Results were good.",
        ]
    );
}

#[test]
fn two_columns_are_read_column_by_column() {
    let mut p = PageSpec::default();
    p.text(
        BOLD,
        18.0,
        72.0,
        740.0,
        "A Two Column Paper With A Long Title",
    );
    let left = [
        "Left column line one goes here and",
        "continues on the second line of the",
        "left column until the third line and",
        "ends on the fourth line right here.",
    ];
    let right = [
        "Right column starts with its first",
        "line and goes on to the second line",
        "which is followed by the third line",
        "and finally the fourth line closes.",
    ];
    body(&mut p, 72.0, 700.0, &left);
    body(&mut p, 320.0, 700.0, &right);
    assert_eq!(
        md_lines(&[p]),
        [
            "# A Two Column Paper With A Long Title",
            &left.join(" "),
            &right.join(" "),
        ]
    );
}

#[test]
fn bullet_and_numbered_lists_with_nesting() {
    let mut p = PageSpec::default();
    body(&mut p, 72.0, 720.0, &["Shopping list:"]);
    p.text(REG, 10.0, 72.0, 700.0, "•");
    p.text(
        REG,
        10.0,
        84.0,
        700.0,
        "Apples from the market, the red kind that",
    );
    p.text(REG, 10.0, 84.0, 686.0, "keep well");
    p.text(REG, 10.0, 96.0, 672.0, "•");
    p.text(REG, 10.0, 108.0, 672.0, "Granny Smith");
    p.text(REG, 10.0, 72.0, 658.0, "•");
    p.text(REG, 10.0, 84.0, 658.0, "Pears");
    body(&mut p, 72.0, 630.0, &["Steps:"]);
    p.text(REG, 10.0, 72.0, 610.0, "1. Wash the fruit.");
    p.text(REG, 10.0, 72.0, 596.0, "2. Cut it.");
    assert_eq!(
        md_lines(&[p]),
        [
            "Shopping list:",
            "- Apples from the market, the red kind that keep well",
            "  - Granny Smith",
            "- Pears",
            "Steps:",
            "1. Wash the fruit.",
            "2. Cut it.",
        ]
    );
}

#[test]
fn aligned_columns_become_a_pipe_table() {
    let mut p = PageSpec::default();
    body(&mut p, 72.0, 720.0, &["Prices are listed below."]);
    let rows = [
        ["Item", "Colour", "Price"],
        ["Apple", "Red", "1.20"],
        ["Banana", "Yellow", "0.50"],
        ["Plum", "Purple", "2.00"],
    ];
    for (i, r) in rows.iter().enumerate() {
        let y = 690.0 - 16.0 * i as f32;
        let font = if i == 0 { BOLD } else { REG };
        p.text(font, 10.0, 72.0, y, r[0]);
        p.text(font, 10.0, 200.0, y, r[1]);
        p.text(font, 10.0, 330.0, y, r[2]);
    }
    p.line(70.0, 702.0, 400.0, 702.0)
        .line(70.0, 640.0, 400.0, 640.0);
    body(&mut p, 72.0, 610.0, &["That is all."]);
    assert_eq!(
        md_lines(&[p]),
        [
            "Prices are listed below.",
            "| Item | Colour | Price |",
            "| --- | --- | --- |",
            "| Apple | Red | 1.20 |",
            "| Banana | Yellow | 0.50 |",
            "| Plum | Purple | 2.00 |",
            "That is all.",
        ]
    );
}

#[test]
fn hyphenation_ligatures_and_soft_hyphens() {
    let mut p = PageSpec::default();
    body(
        &mut p,
        72.0,
        720.0,
        &[
            "We are convert-",
            "ing ﬁles with a well-",
            "known tool for COVID-",
            "19 data and the ﬂow is inter\u{AD}",
            "esting.",
        ],
    );
    assert_eq!(
        md_lines(&[p]),
        [
            "We are converting files with a well-known tool for COVID-19 data and the flow is interesting."
        ]
    );
}

#[test]
fn running_headers_footers_and_page_numbers_are_dropped() {
    let pages: Vec<PageSpec> = (1..=3)
        .map(|n| {
            let mut p = PageSpec::default();
            p.text(REG, 8.0, 72.0, 770.0, "ACME Corp. Confidential");
            body(&mut p, 72.0, 700.0, &[&format!("Content of page {n}.")]);
            p.text(REG, 8.0, 300.0, 30.0, &n.to_string());
            p
        })
        .collect();
    assert_eq!(
        md_lines(&pages),
        [
            "Content of page 1.",
            "Content of page 2.",
            "Content of page 3."
        ]
    );
}

#[test]
fn code_blocks_inline_styles_links_and_page_breaks() {
    let mut p = PageSpec::default();
    p.text(REG, 10.0, 72.0, 720.0, "Run this");
    p.text(BOLD, 10.0, 114.0, 720.0, "now");
    p.text(REG, 10.0, 136.0, 720.0, "or see");
    p.text(ITAL, 10.0, 170.0, 720.0, "the docs");
    p.text(REG, 10.0, 212.0, 720.0, "at example.org.");
    p.link([210.0, 715.0, 290.0, 730.0], "https://example.org/docs");
    p.text(MONO, 10.0, 72.0, 690.0, "fn main() {");
    p.text(MONO, 10.0, 96.0, 678.0, "println!(\"hi\");");
    p.text(MONO, 10.0, 72.0, 666.0, "}");
    let mut q = PageSpec::default();
    body(&mut q, 72.0, 720.0, &["Second page."]);
    let opts = ConvertOptions {
        page_breaks: true,
        ..Default::default()
    };
    let out =
        convert(&build(&[p, q], Some("Test Title"), Some("Jane Doe")), &opts).expect("converts");
    let lines: Vec<&str> = out.markdown.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines,
        [
            // (The sentence's stop stays outside the link.)
            "Run this **now** or see *the docs* [at example.org](https://example.org/docs).",
            "```",
            "fn main() {",
            "    println!(\"hi\");",
            "}",
            "```",
            "<!-- page 2 -->",
            "Second page.",
        ]
    );
    assert_eq!(out.stats.pages, 2);
    assert_eq!(out.stats.title.as_deref(), Some("Test Title"));
    assert_eq!(out.stats.author.as_deref(), Some("Jane Doe"));
}

#[test]
fn ruled_grid_table_with_wrapped_cell() {
    let mut p = PageSpec::default();
    body(&mut p, 72.0, 720.0, &["The grid follows."]);
    // Rows between y = 700, 680, 646, 626; columns between x = 70, 170, 330.
    for y in [700.0, 680.0, 646.0, 626.0] {
        p.line(70.0, y, 330.0, y);
    }
    for x in [70.0, 170.0, 330.0] {
        p.line(x, 626.0, x, 700.0);
    }
    p.text(BOLD, 10.0, 75.0, 686.0, "Name");
    p.text(BOLD, 10.0, 175.0, 686.0, "Notes");
    p.text(REG, 10.0, 75.0, 666.0, "Alpha");
    p.text(REG, 10.0, 175.0, 666.0, "first line of a");
    p.text(REG, 10.0, 175.0, 652.0, "wrapped cell");
    p.text(REG, 10.0, 75.0, 632.0, "Beta");
    p.text(REG, 10.0, 175.0, 632.0, "short");
    body(&mut p, 72.0, 600.0, &["After the grid."]);
    assert_eq!(
        md_lines(&[p]),
        [
            "The grid follows.",
            "| Name | Notes |",
            "| --- | --- |",
            "| Alpha | first line of a wrapped cell |",
            "| Beta | short |",
            "After the grid.",
        ]
    );
}

#[test]
fn numbered_bold_headings_and_paragraphs_across_pages() {
    let mut p = PageSpec::default();
    p.text(BOLD, 12.0, 72.0, 720.0, "1. Definitions");
    body(
        &mut p,
        72.0,
        700.0,
        &[
            "Words in this agreement have the meaning",
            "given to them in the",
        ],
    );
    let mut q = PageSpec::default();
    body(
        &mut q,
        72.0,
        720.0,
        &[
            "glossary at the end.",
            "A second paragraph that is long enough to fill its line.",
        ],
    );
    q.text(BOLD, 12.0, 72.0, 680.0, "2. Scope");
    body(&mut q, 72.0, 660.0, &["Everything."]);
    assert_eq!(
        md_lines(&[p, q]),
        [
            "# 1. Definitions",
            "Words in this agreement have the meaning given to them in the glossary at the end.",
            "A second paragraph that is long enough to fill its line.",
            "# 2. Scope",
            "Everything.",
        ]
    );
}

#[test]
fn a_page_holding_only_a_ruled_table_has_text() {
    let mut p = PageSpec::default();
    for y in [700.0, 684.0, 668.0] {
        p.line(70.0, y, 300.0, y);
    }
    for x in [70.0, 180.0, 300.0] {
        p.line(x, 668.0, x, 700.0);
    }
    p.text(BOLD, 10.0, 75.0, 689.0, "Key");
    p.text(BOLD, 10.0, 185.0, 689.0, "Value");
    p.text(REG, 10.0, 75.0, 673.0, "alpha");
    p.text(REG, 10.0, 185.0, 673.0, "1");
    assert_eq!(
        md_lines(&[p]),
        ["| Key | Value |", "| --- | --- |", "| alpha | 1 |"]
    );
}

#[test]
fn bullets_nested_under_numbered_items_indent_past_the_number() {
    let mut p = PageSpec::default();
    p.text(REG, 10.0, 72.0, 720.0, "9. Prepare the dough.");
    p.text(REG, 10.0, 90.0, 706.0, "• Use cold butter.");
    p.text(REG, 10.0, 72.0, 692.0, "10. Bake it.");
    assert_eq!(
        md_lines(&[p]),
        [
            "9. Prepare the dough.",
            "   - Use cold butter.",
            "10. Bake it."
        ]
    );
}

#[test]
fn text_turned_by_a_quarter_is_read_in_its_own_frame() {
    // Up the page (+90°): a landscape page printed sideways; the next line is further right.
    let mut up = PageSpec::default();
    up.raw("BT /F2 16 Tf 0 1 -1 0 80 72 Tm (Sideways Report) Tj ET");
    up.raw("BT /F1 10 Tf 0 1 -1 0 110 72 Tm [(The)-300(words)-300(carry)-300(no)-300(space)-300(glyphs.)] TJ ET");
    up.raw("BT /F1 10 Tf 0 1 -1 0 124 72 Tm (It reads as one paragraph.) Tj ET");
    // A small upright page number does not turn the page back.
    up.text(REG, 8.0, 300.0, 40.0, "7");
    assert_eq!(
        md_lines(&[up]),
        [
            "# Sideways Report",
            "The words carry no space glyphs. It reads as one paragraph."
        ]
    );
    // Down the page (-90°): the first line is the rightmost.
    let mut down = PageSpec::default();
    down.raw("BT /F2 16 Tf 0 -1 1 0 530 720 Tm (Turned Clockwise) Tj ET");
    down.raw("BT /F1 10 Tf 0 -1 1 0 500 720 Tm (The first line of the body is long.) Tj ET");
    down.raw("BT /F1 10 Tf 0 -1 1 0 486 720 Tm (The second ends it.) Tj ET");
    assert_eq!(
        md_lines(&[down]),
        [
            "# Turned Clockwise",
            "The first line of the body is long. The second ends it."
        ]
    );
}

#[test]
fn filled_form_fields_and_text_boxes_are_text() {
    // "Zoë Müller" as a UTF-16 text string, the way form fillers write non-ASCII values.
    let utf16: String = "Zoë Müller"
        .encode_utf16()
        .map(|u| format!("{u:04X}"))
        .collect();
    let mut p = PageSpec::default();
    p.text(BOLD, 16.0, 72.0, 720.0, "Application");
    p.text(REG, 10.0, 72.0, 680.0, "Name:");
    p.annotation(
        [150.0, 674.0, 350.0, 692.0],
        &format!("/Subtype /Widget /FT /Tx /T (name) /DA (/Helv 10 Tf 0 g) /V <FEFF{utf16}>"),
    );
    p.text(REG, 10.0, 72.0, 640.0, "Reason:");
    p.annotation(
        [150.0, 590.0, 450.0, 650.0],
        "/Subtype /Widget /FT /Tx /Ff 4096 /T (why) /DA (/Helv 0 Tf 0 g) /V (First line\\rSecond line)",
    );
    // A hidden field shows nothing; a button has no text value.
    p.annotation(
        [150.0, 500.0, 350.0, 520.0],
        "/Subtype /Widget /FT /Tx /F 2 /T (secret) /V (Hidden value)",
    );
    p.annotation(
        [150.0, 470.0, 170.0, 490.0],
        "/Subtype /Widget /FT /Btn /T (ok) /V /Yes /AS /Yes",
    );
    p.annotation(
        [72.0, 420.0, 300.0, 440.0],
        "/Subtype /FreeText /DA (/Helv 10 Tf) /Contents (Reviewed by the clerk)",
    );
    let md = md_lines(&[p]);
    let all = md.join("\n");
    assert!(all.contains("Name: Zoë Müller"), "{md:?}");
    assert!(
        all.contains("First line") && all.contains("Second line"),
        "{md:?}"
    );
    assert!(all.contains("Reviewed by the clerk"), "{md:?}");
    assert!(
        !all.contains("Hidden value") && !all.contains("Yes"),
        "{md:?}"
    );
}

#[test]
fn a_heading_is_not_the_capitalised_running_header_that_names_it() {
    // fancyhdr-style: the header repeats the current section's name in capitals; the section
    // itself starts at the top of page 2, inside the header band.
    let pages: Vec<PageSpec> = (1..=3)
        .map(|n| {
            let mut p = PageSpec::default();
            let running = if n == 1 {
                "INTRODUCTION"
            } else {
                "SPARSE NEBULA"
            };
            p.text(REG, 8.0, 450.0, 770.0, running);
            if n == 2 {
                p.text(BOLD, 14.0, 72.0, 735.0, "Sparse Nebula");
            }
            body(&mut p, 72.0, 700.0, &[&format!("Content of page {n}.")]);
            p
        })
        .collect();
    assert_eq!(
        md_lines(&pages),
        [
            "INTRODUCTION",
            "Content of page 1.",
            "# Sparse Nebula",
            "Content of page 2.",
            "Content of page 3."
        ]
    );
}

#[test]
fn a_column_jump_set_as_character_spacing_separates_cells() {
    // ghostscript-style table header: the jump between "Share" and "Status" is a character
    // spacing (Tc) inside one string "eS", and word spaces are stretched with Tw.
    let mut p = PageSpec::default();
    p.raw(
        "BT /F2 10 Tf 1 0 0 1 72 700 Tm 54.66 Tw (Item T)Tj 84.11 0 Td 53.33 Tw (otal Shar)Tj \
         17.21 Tc 96.12 0 Td (eS)Tj 0 Tc 29.44 0 Td (tatus)Tj ET",
    );
    let rows = [
        ("Crane", "$97,047.45", "8.0%", "Active"),
        ("Survey", "$66,123.53", "67.4%", "Closed"),
        ("Vessel", "$76,131.26", "55.9%", "Pending"),
    ];
    for (i, (a, b, c, d)) in rows.iter().enumerate() {
        let y = 686.0 - 14.0 * i as f32;
        p.text(REG, 10.0, 72.0, y, a);
        p.text(REG, 10.0, 150.0, y, b);
        p.text(REG, 10.0, 230.0, y, c);
        p.text(REG, 10.0, 275.0, y, d);
    }
    let md = md_lines(&[p]);
    assert_eq!(md[0], "| Item | Total | Share | Status |", "{md:?}");
    assert!(
        md.contains(&"| Vessel | $76,131.26 | 55.9% | Pending |".to_string()),
        "{md:?}"
    );
}

#[test]
fn a_word_gap_set_as_character_spacing_in_a_heading_is_a_space() {
    // ghostscript-style: the gap after "Workflow" is character spacing on its last letter, a
    // letter the heading's font and size use only there (its width comes from other sizes).
    let mut p = PageSpec::default();
    p.raw("BT /F2 16 Tf 72 720 Td (Steep Workflo)Tj 4 Tc (w)Tj 0 Tc (Policy)Tj ET");
    p.text(
        BOLD,
        10.0,
        72.0,
        690.0,
        "Now we wrote a few new words with w: wow, we were wise now.",
    );
    body(
        &mut p,
        72.0,
        670.0,
        &["The body follows in the regular face."],
    );
    let md = md_lines(&[p]);
    assert_eq!(md[0], "# Steep Workflow Policy", "{md:?}");
}

#[test]
fn justified_lines_of_a_narrow_column_are_no_table() {
    // Each line is justified across 180 pt: its words drawn one by one, the slack spread evenly,
    // so the gaps are wider than a cell gap but alike within the line.
    // Words of like lengths put the gaps of every line at about the same places, as happens by
    // chance in a narrow column.
    let lines: [&[&str]; 4] = [
        &["The", "archive", "extends", "tunnels"],
        &["beyond", "coastal", "ledgers", "quietly"],
        &["measures", "narrow", "shelves", "beneath"],
        &["modern", "harbour", "walls", "today."],
    ];
    // Helvetica advance widths (1/1000 em) of the letters used.
    let em = |c: char| match c {
        'f' | 't' | '.' => 278,
        'i' | 'l' => 222,
        'r' => 333,
        'c' | 'k' | 's' | 'v' | 'x' | 'y' | 'z' => 500,
        'm' => 833,
        'w' => 722,
        'T' => 611,
        _ => 556,
    };
    let width = |w: &str| w.chars().map(|c| em(c) as f32 / 100.0).sum::<f32>();
    let mut p = PageSpec::default();
    for (i, words) in lines.iter().enumerate() {
        let used: f32 = words.iter().map(|w| width(w)).sum();
        let gap = (180.0 - used) / (words.len() - 1) as f32;
        let mut x = 72.0;
        for w in words.iter() {
            p.text(REG, 10.0, x, 700.0 - 13.0 * i as f32, w);
            x += width(w) + gap;
        }
    }
    let md = md_lines(&[p]);
    assert!(md.iter().all(|l| !l.starts_with('|')), "{md:?}");
    assert!(
        md[0].starts_with("The archive extends tunnels beyond"),
        "{md:?}"
    );
}

#[test]
fn a_centred_second_title_line_above_two_columns_stays_with_the_title() {
    // The title wraps; its short second line and the author line are centred over two columns
    // whose right one starts lower down, so beside the second line a gap lines up with nothing
    // on the right: it must not pass for a gutter.
    let mut p = PageSpec::default();
    p.text(
        BOLD,
        20.0,
        80.0,
        740.0,
        "Flexible Colony Procedure Office Altitude",
    );
    p.text(BOLD, 20.0, 237.0, 716.0, "Analysis");
    p.text(REG, 10.0, 245.0, 690.0, "Tomasz Novak");
    let left = [
        "Left column line one goes here and",
        "continues on the second line of the",
        "left column until the third line and",
        "goes on to the fourth line right here",
        "and ends on the fifth line of it.",
    ];
    let right = [
        "Right column starts with its first",
        "line and goes on to the second line",
        "and finally the third line closes.",
    ];
    body(&mut p, 72.0, 650.0, &left);
    body(&mut p, 330.0, 622.0, &right);
    let md = md_lines(&[p]);
    assert_eq!(
        md[0], "# Flexible Colony Procedure Office Altitude Analysis",
        "{md:?}"
    );
    assert!(md.contains(&left.join(" ")), "{md:?}");
    assert!(md.contains(&right.join(" ")), "{md:?}");
}

#[test]
fn numbers_of_a_table_near_the_bottom_edge_are_no_page_numbers() {
    // Two pages, each ending in a table whose last rows lie in the bottom band where page numbers
    // are looked for; each page also has a real page number.
    let pages: Vec<PageSpec> = (1..=2)
        .map(|n| {
            let mut p = PageSpec::default();
            body(&mut p, 72.0, 700.0, &[&format!("Text of page {n}.")]);
            let rows = [
                ("Item", "Weight", "Year"),
                ("Tissue", "26.017", "2018"),
                ("Settlement", "21.366", "2005"),
                ("Teacher", "43.575", "2019"),
                ("Freight", "1.462", "1998"),
            ];
            for (i, (a, b, c)) in rows.iter().enumerate() {
                let y = 150.0 - 13.0 * i as f32;
                p.text(REG, 10.0, 100.0, y, a);
                p.text(REG, 10.0, 250.0, y, b);
                p.text(REG, 10.0, 320.0, y, c);
            }
            p.text(REG, 9.0, 300.0, 40.0, &n.to_string());
            p
        })
        .collect();
    let md = md_lines(&pages);
    for row in [
        "| Settlement | 21.366 | 2005 |",
        "| Freight | 1.462 | 1998 |",
    ] {
        assert_eq!(md.iter().filter(|l| *l == row).count(), 2, "{md:?}");
    }
    assert!(!md.iter().any(|l| l == "1" || l == "2"), "{md:?}");
}

#[test]
fn a_cell_repeated_in_the_last_rows_of_every_page_is_no_footer() {
    // Three pages, each ending in a table whose last rows reach into the bottom band and whose
    // "Type" column says "Internal" there on every page.
    let pages: Vec<PageSpec> = (1..=3)
        .map(|n| {
            let mut p = PageSpec::default();
            body(&mut p, 72.0, 700.0, &[&format!("Text of page {n}.")]);
            let rows = [
                ("Item".to_string(), "Status", "Type"),
                (format!("Sample {n}"), "On hold", "External"),
                (format!("Analysis {n}"), "Active", "External"),
                (format!("Teacher {n}"), "Draft", "Internal"),
                (format!("Inventory {n}"), "Closed", "Internal"),
            ];
            for (i, (a, b, c)) in rows.iter().enumerate() {
                let y = 120.0 - 13.0 * i as f32;
                p.text(REG, 10.0, 100.0, y, a);
                p.text(REG, 10.0, 250.0, y, b);
                p.text(REG, 10.0, 320.0, y, c);
            }
            p.text(REG, 8.0, 72.0, 30.0, "ACME Corp. Confidential");
            p
        })
        .collect();
    let md = md_lines(&pages);
    for n in 1..=3 {
        for row in [
            format!("| Teacher {n} | Draft | Internal |"),
            format!("| Inventory {n} | Closed | Internal |"),
        ] {
            assert!(md.contains(&row), "{row} in {md:?}");
        }
    }
    assert!(!md.iter().any(|l| l.contains("ACME")), "{md:?}");
}

#[test]
fn text_in_another_size_beside_a_table_is_not_its_rows() {
    // A small-print table, then rows of larger body text in two places on the same baselines (two
    // columns whose gutter the table hid): they are not more table rows.
    let mut p = PageSpec::default();
    let rows = [
        ("Item", "Zone", "Cost"),
        ("Crane 82", "Coastal", "80.36"),
        ("Valve", "Coastal", "35.96"),
        ("Harbour 5", "South", "60.18"),
    ];
    let mut y = 700.0;
    for (a, b, c) in rows {
        p.text(REG, 9.0, 72.0, y, a);
        p.text(REG, 9.0, 160.0, y, b);
        p.text(REG, 9.0, 240.0, y, c);
        y -= 12.0;
    }
    for (l, r) in [
        (
            "The responsibilities chapter",
            "external frequency and rapidly",
        ),
        ("chapter influences", "retrieves each boundary today."),
    ] {
        p.text(REG, 10.5, 72.0, y, l);
        p.text(REG, 10.5, 240.0, y, r);
        y -= 12.0;
    }
    let md = md_lines(&[p]);
    let table: Vec<&String> = md.iter().filter(|l| l.starts_with('|')).collect();
    assert_eq!(table.len(), 5, "{md:?}");
    assert!(
        !table.iter().any(|l| l.contains("responsibilities")),
        "{md:?}"
    );
}

#[test]
fn a_section_number_set_apart_by_character_spacing_keeps_its_space() {
    // groff through ghostscript: "1" and "N" in one string, 3 pt of character spacing between.
    assert_eq!(
        first_line_over_body(
            "BT /F2 14 Tf 72 720 Td 3 Tc (1N)Tj 0 Tc 14.8 0 Td (umerical Methods)Tj ET"
        ),
        "# 1 Numerical Methods"
    );
}

#[test]
fn an_accent_drawn_over_its_letter_is_composed() {
    // TeX-style "Gdańsk": the acute (WinAnsi 0xB4) is a glyph of its own, set over the "n".
    let mut p = PageSpec::default();
    p.raw("BT /F1 10 Tf 72 700 Td (Gdan) Tj ET");
    p.raw("BT /F1 10 Tf 92.03 700 Td (\\264) Tj ET");
    p.raw("BT /F1 10 Tf 96.46 700 Td (sk lies on the coast.) Tj ET");
    assert_eq!(md_lines(&[p]), ["Gdańsk lies on the coast."]);
}

#[test]
fn an_accent_drawn_apart_from_its_word_is_composed() {
    // The acute drawn first, before the whole word is set under it (so the parser reads it as a
    // span of its own ahead of the word), and a line of another column between them.
    let mut p = PageSpec::default();
    p.raw("BT /F1 10 Tf 92.03 700.1 Td (\\264) Tj ET");
    p.raw("BT /F1 10 Tf 330 702.6 Td (Another column here.) Tj ET");
    p.raw("BT /F1 10 Tf 72 700 Td (Gdansk lies on the coast.) Tj ET");
    let md = md_lines(&[p]);
    assert!(md.iter().any(|l| l.starts_with("Gdańsk lies")), "{md:?}");
    assert!(!md.iter().any(|l| l.contains('\u{B4}')), "{md:?}");
}

#[test]
fn a_word_gap_set_as_character_spacing_on_every_occurrence_uses_the_declared_width() {
    // Every "w" of the heading's font ends a word and carries the word gap as character spacing,
    // so no occurrence on the page shows its width; the font's /Widths does.
    assert_eq!(
        first_line_over_body(
            "BT /F6 16 Tf 72 720 Td (Modular Meado)Tj 4 Tc (w)Tj 0 Tc (Bridge Windo)Tj 4 Tc (w)Tj 0 Tc (Ballot)Tj ET"
        ),
        "# Modular Meadow Bridge Window Ballot"
    );
}

#[test]
fn a_heading_between_two_ruled_tables_keeps_them_apart() {
    // Two boxed tables close together (rules within 150 pt), a section heading and a line of
    // prose between them: two tables, and the heading stays a heading.
    let mut p = PageSpec::default();
    let table = |p: &mut PageSpec, top: f32, rows: &[(&str, &str)]| {
        let mut y = top;
        p.line(100.0, y, 400.0, y);
        for (a, b) in rows {
            p.text(REG, 10.0, 110.0, y - 12.0, a);
            p.text(REG, 10.0, 260.0, y - 12.0, b);
            y -= 16.0;
            p.line(100.0, y, 400.0, y);
        }
        y
    };
    let y = table(
        &mut p,
        700.0,
        &[("Item", "Cost"), ("Socket", "14.95"), ("Colony", "59.61")],
    );
    p.text(
        BOLD,
        14.0,
        72.0,
        y - 24.0,
        "6 Monthly Figure River Contract",
    );
    p.text(
        REG,
        10.0,
        72.0,
        y - 40.0,
        "The election limits the coastal meteor.",
    );
    table(
        &mut p,
        y - 52.0,
        &[
            ("Item", "Weight"),
            ("Thread", "1.148"),
            ("Decoder", "38.03"),
        ],
    );
    let md = md_lines(&[p]);
    assert!(
        md.contains(&"# 6 Monthly Figure River Contract".to_string()),
        "{md:?}"
    );
    assert_eq!(
        md.iter().filter(|l| l.starts_with("| Item")).count(),
        2,
        "{md:?}"
    );
}

#[test]
fn a_header_row_set_sideways_stays_in_its_table() {
    // Narrow columns whose header cells are turned a quarter (reading upwards), bottom-aligned on
    // the header row; a lone turned line elsewhere (a margin stamp) stays out of the table and is
    // written after the page's text.
    let mut p = PageSpec::default();
    p.text(BOLD, 9.0, 72.0, 600.0, "User action");
    for (x, label) in [(262.0, "JOBCTL"), (302.0, "SECADM"), (342.0, "SYSMON")] {
        p.raw(&format!("BT /F2 9 Tf 0 1 -1 0 {x} 600 Tm ({label}) Tj ET"));
    }
    p.raw("BT /F1 8 Tf 0 1 -1 0 30 300 Tm (arXiv:2305.03393v1 [cs.CV] 5 May 2023) Tj ET");
    let rows = [
        ("Read the log", "X", "X", "-"),
        ("Change a profile", "-", "X", "X"),
        ("Watch the jobs", "X", "-", "X"),
    ];
    for (i, (a, b, c, d)) in rows.iter().enumerate() {
        let y = 585.0 - 13.0 * i as f32;
        p.text(REG, 9.0, 72.0, y, a);
        p.text(REG, 9.0, 254.0, y, b);
        p.text(REG, 9.0, 294.0, y, c);
        p.text(REG, 9.0, 334.0, y, d);
    }
    let md = md_lines(&[p]);
    assert_eq!(
        md[0], "| User action | JOBCTL | SECADM | SYSMON |",
        "{md:?}"
    );
    assert!(
        md.contains(&"| Change a profile | - | X | X |".to_string()),
        "{md:?}"
    );
    assert!(
        !md.iter().any(|l| l.starts_with('|') && l.contains("arXiv")),
        "{md:?}"
    );
    assert_eq!(
        md.last().map(String::as_str),
        Some(r"arXiv:2305.03393v1 \[cs.CV\] 5 May 2023"),
        "{md:?}"
    );
}
