//! Failure classes seen on the documents of `bench/corpus/classes.py` (the generated documents in the
//! house styles of publishers: IEEEtran, acmart), each on a committed sample
//! (`bench/corpus/sample/ROUTE/NAME.{pdf,md}`, the `.md` being the Markdown the PDF was made from).

#[path = "support/samples.rs"]
mod samples;

use samples::{missing_headings, sample, words};

/// The ground truth's list items that the output does not write as list items (`- `, `1. `).
fn missing_items(truth: &str, md: &str) -> Vec<String> {
    let items = |s: &str| -> Vec<String> {
        s.lines()
            .filter_map(|l| {
                let t = l.trim_start();
                let rest = t.strip_prefix("- ").or_else(|| {
                    let (n, rest) = t.split_once(". ")?;
                    n.chars().all(|c| c.is_ascii_digit()).then_some(rest)
                })?;
                Some(words(rest).join(" "))
            })
            .collect()
    };
    let found = items(md);
    items(truth)
        .into_iter()
        .filter(|i| !found.contains(i))
        .collect()
}

#[test]
fn section_headings_in_small_capitals_at_body_size_are_headings() {
    // IEEEtran centres "I. INTRODUCTION" in the column, in capitals of two sizes and the body's
    // roman at its size, over a paragraph with an indented first line; its subsections are italic
    // in a face named "ReguItal". Both ran into the paragraph under them.
    for name in ["c2-002", "c2-003"] {
        let (pdf, truth, md) = sample("ieee", name);
        let missing = missing_headings(&truth, &md);
        assert!(
            missing.is_empty(),
            "{}: headings lost: {missing:?}\n{md}",
            pdf.display()
        );
    }
}

#[test]
fn footnotes_under_both_columns_are_notes_and_a_wrapped_number_stays_in_its_note() {
    // A two-column page sets each column's notes at its foot, side by side: read as one row of two
    // pieces, they looked like a small table's cells and stayed in the text ("1The ..."). A note's
    // line that wraps before a number ("599 invoices.") is no note of its own.
    for (route, name) in [("ieee", "c2-002"), ("ieee", "c2-003"), ("acm", "c2-003")] {
        let (pdf, truth, md) = sample(route, name);
        let notes: Vec<&str> = truth.lines().filter(|l| l.starts_with("[^")).collect();
        let found: Vec<&str> = md.lines().filter(|l| l.starts_with("[^")).collect();
        assert!(
            notes.len() >= 2 && found.len() == notes.len(),
            "{}: {} of {} notes\n{md}",
            pdf.display(),
            found.len(),
            notes.len()
        );
        for note in notes {
            let (_, text) = note.split_once("]: ").expect("note");
            assert!(
                words(&md).join(" ").contains(&words(text).join(" ")),
                "{}: note {note:?} not whole\n{md}",
                pdf.display()
            );
        }
    }
}

#[test]
fn lists_numbered_in_parentheses_are_lists() {
    // acmart numbers its lists "(1)", "(2)": the items ran together into one paragraph.
    let (pdf, truth, md) = sample("acm", "c2-002");
    let missing = missing_items(&truth, &md);
    assert!(
        missing.is_empty(),
        "{}: items lost: {missing:?}\n{md}",
        pdf.display()
    );
}

#[test]
fn code_in_urws_courier_clone_is_code() {
    // IEEEtran's typewriter face is URW's "NimbusMonL-Regu", whose name holds no "mono" and whose
    // descriptor does not say fixed pitch: its code blocks ran into prose, its code spans were text.
    let (pdf, truth, md) = sample("ieee", "c2-002");
    let fences = |s: &str| s.lines().filter(|l| l.starts_with("```")).count();
    assert!(
        fences(&truth) >= 2 && fences(&md) == fences(&truth),
        "{}: {} code fences of {}\n{md}",
        pdf.display(),
        fences(&md),
        fences(&truth)
    );
}

#[test]
fn figures_packed_closer_than_a_word_space_are_columns() {
    // LNCS sets its table columns 2.8 pt apart: "Cost Share Total" over "$97,813.23 54.5%
    // $32,166.33" read as one column. Rows the parser ran together ("Numerical schedule" over
    // "Analytical population") stay wrong.
    // In a table ruled both ways, "2010 €29,520.39" ran over the rule between "Year" and
    // "Amount" into one cell, and a year was read into the name beside it (c1501-007).
    for (name, share) in [("c1501-004", 0.75), ("c1501-007", 0.95)] {
        let (pdf, truth, md) = sample("llncs", name);
        let row = |s: &str| s.split('|').map(|c| words(c).join(" ")).collect::<Vec<_>>();
        let found: Vec<Vec<String>> = md.lines().filter(|l| l.starts_with('|')).map(row).collect();
        let rows: Vec<Vec<String>> = truth
            .lines()
            .filter(|l| l.starts_with("| "))
            .map(row)
            .collect();
        let hit = rows.iter().filter(|r| found.contains(r)).count();
        assert!(
            rows.len() >= 8 && hit as f32 >= share * rows.len() as f32,
            "{}: {hit} of {} rows\n{md}",
            pdf.display(),
            rows.len()
        );
    }
}

#[test]
fn a_table_atop_the_right_column_beside_the_left_columns_text_is_read_after_it() {
    // Under the title, the left column's first section stands beside a table at the top of the
    // right column: no line of prose on the right, so the rows were read across the page as one
    // band, the table before the section's text, and a typewriter word run over the column's
    // edge cut a paragraph in two.
    let (pdf, truth, md) = sample("acm", "c1501-001");
    let para = |s: &str, k: usize| -> String {
        let body: Vec<&str> = s
            .split("\n\n")
            .filter(|b| !b.starts_with(['#', '|']))
            .collect();
        words(body[k]).join(" ")
    };
    let out = words(&md).join(" ");
    for k in [1, 2] {
        let p = para(&truth, k);
        assert!(
            out.contains(&p),
            "{}: paragraph {k} cut\n{md}",
            pdf.display()
        );
    }
    let first_table = md.find("| Item").expect("a table");
    assert!(
        md.find("The regional temperature")
            .is_some_and(|at| at < first_table),
        "{}: the table read before the section beside it\n{md}",
        pdf.display()
    );
}

#[test]
fn beamer_balls_are_list_markers_and_a_continued_slides_title_is_said_once() {
    // The Madrid theme marks items with shaded balls, small forms that paint a shading and no path,
    // and numbers them with a figure on a ball: the items were paragraphs ("2The member ..."). Its
    // nested items, smaller, ending a slide, read as footnotes numbered "1.". A frame broken over
    // several (`allowframebreaks`) repeats its title on each, cutting the text it continues.
    let (pdf, truth, md) = sample("beamer", "c2-003");
    let missing = missing_items(&truth, &md);
    assert!(
        missing.is_empty(),
        "{}: items lost: {missing:?}\n{md}",
        pdf.display()
    );
    // Its notes are set in the size of the nested items over them, under items set smaller than
    // the body: the small rows at the foot took more than half the slide and none was a note.
    let notes = |s: &str| s.lines().filter(|l| l.starts_with("[^")).count();
    assert_eq!(notes(&md), notes(&truth), "{}: notes\n{md}", pdf.display());
    let heads: Vec<&str> = md.lines().filter(|l| l.starts_with('#')).collect();
    let mut once = heads.clone();
    once.sort_unstable();
    once.dedup();
    assert_eq!(
        heads.len(),
        once.len(),
        "{}: a title repeated\n{md}",
        pdf.display()
    );
}

/// The ground truth's table rows that no output table row holds whole (cells compared by words).
fn missing_rows(truth: &str, md: &str) -> Vec<String> {
    let row = |s: &str| {
        s.split('|')
            .map(|c| words(c).join(" "))
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
    };
    let found: Vec<Vec<String>> = md.lines().filter(|l| l.starts_with('|')).map(row).collect();
    truth
        .lines()
        .filter(|l| l.starts_with("| ") && !l.contains("---"))
        .map(row)
        .filter(|r| !found.contains(r))
        .map(|r| r.join(" | "))
        .collect()
}

#[test]
fn a_table_in_one_column_beside_the_other_columns_text_stays_a_table_of_its_own() {
    // A table beside the other column's text: neither side of those rows was prose on both, so
    // they were read across the page, table cells and the other column's lines in one row. On a
    // page with a column band, an overfull figure reaching into the gutter (ieee); on a page that
    // proves no gutter at all (its right column a table only, acm's last page), the gutter the
    // document's other pages prove.
    for (route, name, most) in [("ieee", "c1502-000", 2), ("acm", "c1502-000", 0)] {
        let (pdf, truth, md) = sample(route, name);
        let missing = missing_rows(&truth, &md);
        assert!(
            missing.len() <= most,
            "{}: table rows lost: {missing:?}\n{md}",
            pdf.display()
        );
    }
}
