//! Failure classes seen on manual pages printed by groff (`bench/corpus/manpages.py`), on a
//! committed page written for the purpose (`bench/corpus/sample/man/gauge.{1,pdf,md}`: the source,
//! its print by `groff -mandoc -Tpdf`, the ground truth from its text rendering).

#[path = "support/samples.rs"]
mod samples;

use samples::{headings, missing_headings, sample, words};

#[test]
fn a_man_pages_section_headings_stand_apart_from_its_tagged_paragraphs() {
    // groff sets "EXIT STATUS" in bold at 10.9 pt at the margin, under an option's description
    // set in by 36 pt: with no wider gap than a paragraph's, the heading ran on at the end of the
    // description, and a heading over a bold option name ran on with it ("ENVIRONMENT
    // LESSMETACHARS"). The next option, back at its term's margin, ran on too.
    let (pdf, truth, md) = sample("man", "gauge");
    let missing = missing_headings(&truth, &md);
    assert!(
        missing.is_empty(),
        "{}: headings lost: {missing:?}\n{md}",
        pdf.display()
    );
    // An option's bold term over its description is no heading.
    let found = headings(&md);
    assert!(
        !found.iter().any(|h| h.contains("tolerance")),
        "{}: a term made a heading\n{md}",
        pdf.display()
    );
    // Each option is a paragraph of its own, its term starting it.
    for term in ["-q, --quiet", "--tolerance=T"] {
        assert!(
            md.split("\n\n").any(|p| words(p).starts_with(&words(term))),
            "{}: {term:?} does not open a paragraph\n{md}",
            pdf.display()
        );
    }
}
