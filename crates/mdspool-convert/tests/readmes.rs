//! Failure classes seen on the documents of `bench/corpus/readmes.py` (Markdown as people write
//! it, typeset by pandoc's routes), each on the committed sample made from
//! `bench/corpus/readme-sample/quill-box/README.md` (`bench/corpus/sample/ROUTE/r1-000.{pdf,md}`,
//! the `.md` being the Markdown the PDF was made from).

#[path = "support/samples.rs"]
mod samples;

use samples::{missing_headings, sample, table_rows, words};

const ROUTES: [&str; 5] = ["plt", "pxe", "phtml", "pms", "pwr"];

/// The fenced code blocks of `md`, each as its lines.
fn fences(md: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    let mut open = false;
    for l in md.lines() {
        if l.trim_start().starts_with("```") {
            if !open {
                out.push(Vec::new());
            }
            open = !open;
        } else if open && let Some(block) = out.last_mut() {
            block.push(l);
        }
    }
    out
}

#[test]
fn a_list_items_bold_opening_goes_on_with_the_item() {
    // "- **Pack ledgers ... this crate.** Each box holds ...": the bold sentence fills the item's
    // first line (or all but its last word), and the item's next line in regular type was taken
    // for a new paragraph after a bold heading line.
    for route in ROUTES {
        let (pdf, truth, md) = sample(route, "r1-000");
        let items: Vec<&str> = truth.lines().filter(|l| l.starts_with("-   **")).collect();
        assert_eq!(items.len(), 3, "the sample's bold-led items");
        for item in items {
            assert!(
                md.lines()
                    .any(|l| l.starts_with("- ") && words(l) == words(item)),
                "{}: {item:?} is not one list item\n{md}",
                pdf.display()
            );
        }
    }
}

#[test]
fn a_code_block_stays_one_block_with_its_blank_lines_comments_and_columns() {
    // A code block's blank lines cut it where a paragraph would end; TeX sets its comments in
    // italics (a style change cut there too); Chromium sets `<pre>` at a pitch that cut every
    // line; groff's "# " was one advance and lost its space. The cut pieces became several
    // blocks and inline code ("`[``dependencies``]`").
    for route in ROUTES {
        let (pdf, _truth, md) = sample(route, "r1-000");
        let blocks = fences(&md);
        let toml = blocks
            .iter()
            .find(|b| b.contains(&"[dependencies]"))
            .unwrap_or_else(|| {
                panic!(
                    "{}: no code block holds [dependencies]\n{md}",
                    pdf.display()
                )
            });
        // (Chromium wraps the long comment line: its start is what all routes share.)
        for line in [
            "# The core types, including the Packer and Unpacker traits.",
            "# Each storage backend lives in its own crate.",
            "quill-box-files = \"1.0\"",
        ] {
            assert!(
                toml.iter().any(|l| l.starts_with(line)),
                "{}: {line:?} not in\n{toml:#?}",
                pdf.display()
            );
        }
        assert!(
            toml.contains(&""),
            "{}: the block's blank lines are lost\n{toml:#?}",
            pdf.display()
        );
        assert!(
            !md.lines()
                .any(|l| !l.starts_with("```") && l.contains("``")),
            "{}: inline code pieces run together\n{md}",
            pdf.display()
        );
    }
    // Columns of a compiler's message: the marks under the code keep their place.
    let (pdf, _truth, md) = sample("phtml", "r1-000");
    assert!(
        md.lines()
            .any(|l| l == "  |          ------ required by a bound introduced by this call"),
        "{}: aligned runs of a code line lost their spaces\n{md}",
        pdf.display()
    );
}

#[test]
fn links_leave_their_brackets_outside_and_addresses_are_autolinks() {
    // "(LICENSE-APACHE)" was linked with its brackets ("[(LICENSE-APACHE](...)"), an address
    // shown as itself was written twice ("[https://...](https://...)") and, broken over two
    // lines, with a space inside; a link over words in two styles was two links.
    // (Chromium and Writer resolve the relative "LICENSE-APACHE" against the producer's folder.)
    for route in ["plt", "pxe", "phtml", "pwr"] {
        let (pdf, _truth, md) = sample(route, "r1-000");
        let relative = match route {
            "plt" | "pxe" => "([LICENSE-APACHE](LICENSE-APACHE) or",
            "pwr" => "([LICENSE-APACHE](",
            _ => "(LICENSE-APACHE or",
        };
        for want in [
            relative,
            "or <https://www.apache.org/licenses/LICENSE-2.0>)",
            "or <https://opensource.org/licenses/MIT>)",
            "[Setting up `#[derive(Packed)]`](https://example.org/quill-box/derive.html)",
            "[guide](https://example.org/quill-box/guide.html),",
        ] {
            assert!(md.contains(want), "{}: no {want:?}\n{md}", pdf.display());
        }
    }
    // A browser's print of a local page links relative addresses to the producer's files.
    let (pdf, _truth, md) = sample("phtml", "r1-000");
    assert!(
        !md.contains("file://"),
        "{}: links into the producer's files\n{md}",
        pdf.display()
    );
}

#[test]
fn a_title_named_again_by_a_tables_repeated_header_stays() {
    // The title "quill-box" at the head of page 1; a long table whose header row names a column
    // "quill-box" repeats that row at the head of the next page. The title counted as a line
    // recurring in the top band: a running head, dropped.
    for route in ["plt", "pxe", "pwr"] {
        let (pdf, truth, md) = sample(route, "r1-000");
        assert!(
            missing_headings(&truth, &md).is_empty(),
            "{}: headings lost: {:?}\n{md}",
            pdf.display(),
            missing_headings(&truth, &md)
        );
    }
}

#[test]
fn a_row_of_short_lower_case_cells_is_a_row_not_a_wrapped_line() {
    // "`tar` boxes | yes" under "Memory bound | yes | no | yes", with no rule between rows: a line
    // that fills a few cells in lower case under text of the row above read as the next line of
    // those cells. Its words would have fitted after that text: nothing wrapped there.
    // (groff's tbl still joins "`cpio` boxes" to the row above.)
    for route in ["plt", "pxe", "pwr"] {
        let (pdf, truth, md) = sample(route, "r1-000");
        let rows = table_rows(&md);
        for first in [
            "Memory bound",
            "`tar` boxes",
            "`zip` boxes",
            "Fuzzing",
            "`no_std`",
        ] {
            assert!(
                truth.contains(&format!("| {first} ")),
                "the sample's row {first:?}"
            );
            assert!(
                rows.iter()
                    .any(|r| r.first().is_some_and(|c| words(c) == words(first))),
                "{}: no row of its own for {first:?}\n{md}",
                pdf.display()
            );
        }
    }
}

/// The cells of the truth's row whose first cell is `first` (words compared), and the output's.
fn row_of<'a>(rows: &'a [Vec<String>], first: &str) -> Option<&'a Vec<String>> {
    rows.iter()
        .find(|r| r.first().is_some_and(|c| words(c) == words(first)))
}

/// Whether two rows hold the same words in the same non-empty cells.
fn same_cells(a: &[String], b: &[String]) -> bool {
    let filled = |r: &[String]| -> Vec<Vec<String>> {
        r.iter()
            .filter(|c| !c.trim().is_empty())
            .map(|c| words(c))
            .collect()
    };
    filled(a) == filled(b)
}

/// The names of the sample's table of cargo features (`r2-000`).
const NAMES: [&str; 6] = [
    "`serde`",
    "`log`",
    "`tokio`",
    "`metrics`",
    "`std`",
    "`alloc`",
];

/// Asserts that on each route's `r2-000` the output has each truth row named by `names` (its first
/// cell), with the same words in the same filled cells.
fn assert_rows_kept(routes: &[&str], names: &[&str]) {
    for route in routes {
        let (pdf, truth, md) = sample(route, "r2-000");
        let (want, got) = (table_rows(&truth), table_rows(&md));
        for name in names {
            let t = row_of(&want, name).unwrap_or_else(|| panic!("the sample's row {name}"));
            assert!(
                row_of(&got, name).is_some_and(|r| same_cells(r, t)),
                "{}: no row {t:?}\n{md}",
                pdf.display()
            );
        }
    }
}

#[test]
fn a_column_of_code_set_smaller_than_its_text_stays_in_its_table() {
    // "| `serde` | [`tally_mark::serde`](...)-Writing snapshots as JSON. |": browsers and Writer set
    // code a sixth smaller than the text beside it, and a row in another type size than the rows
    // above ended the table (a heading under it), so the table stopped at its first row of code,
    // or never began. groff's tbl sets the code at the text's size, but a row whose cells are all
    // code ("`tokio` | `tally_mark::tokio`-") ended the table as a code block under it; there
    // each name has its row (tbl breaks words in the narrow column: "Writ-ing").
    for name in NAMES {
        let (pdf, _truth, md) = sample("pms", "r2-000");
        assert!(
            row_of(&table_rows(&md), name).is_some(),
            "{}: no row of {name}\n{md}",
            pdf.display()
        );
    }
    assert_rows_kept(&["plt", "pxe", "phtml", "pwr"], &NAMES);
}

#[test]
fn links_in_table_cells_keep_their_addresses() {
    // A cell's link was written as its words alone, while the same link in a paragraph kept its
    // address.
    for route in ["plt", "pxe", "phtml", "pwr"] {
        let (pdf, _truth, md) = sample(route, "r2-000");
        let rows = table_rows(&md);
        for name in ["serde", "log", "tokio", "metrics"] {
            let address =
                format!("(https://docs.rs/tally-mark/latest/tally_mark/{name}/index.html)");
            assert!(
                row_of(&rows, &format!("`{name}`"))
                    .is_some_and(|r| r.get(1).is_some_and(|c| c.contains(&address))),
                "{}: the row of {name} has no link to {address}\n{md}",
                pdf.display()
            );
        }
    }
}

#[test]
fn a_short_table_whose_last_column_is_wide_is_one_table() {
    // "| target | on | Notes |" over two rows, the last column three times as wide as the others
    // and a cell of it wrapping: Writer's print left a wide white strip between the second and
    // the third column, read as the gutter of two unrelated halves of the page; a cell's words
    // in another style a word space apart made columns of their own; Chromium sets the wrapped
    // cell's first line above its row (read as a line of prose under the table) and centres the
    // header "Notes" right of the column's short cells (a column of its own).
    assert_rows_kept(
        &["plt", "pxe", "phtml", "pwr"],
        &["target", "`x86_64`", "`wasm32`"],
    );
}
