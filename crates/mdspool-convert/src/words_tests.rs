//! Tests of the word-space decisions (`words.rs`) on glyphs placed by hand.
use super::{Glyph, Shown, respace};
use crate::model::Span;

/// A span of `text` in a 10 pt font whose glyphs are 5 pt wide, placed at `xs`.
fn shown(text: &str, xs: &[f32]) -> Shown {
    let glyphs: Vec<Glyph> = text
        .chars()
        .zip(xs)
        .map(|(c, x)| Glyph {
            c,
            x0: *x,
            x1: x + 5.0,
            after_ligature: false,
        })
        .collect();
    let span = Span {
        x0: xs.first().copied().unwrap_or(0.0),
        x1: xs.last().copied().unwrap_or(0.0) + 5.0,
        top: 0.0,
        bottom: 10.0,
        font: "F".into(),
        ..Span::plain(text.to_string())
    };
    Shown { span, glyphs }
}

fn texts(v: Vec<Shown>) -> Vec<String> {
    let mut out = Vec::new();
    respace(v, &[], &super::FontWidths::new(), &mut out);
    out.into_iter().map(|s| s.text).collect()
}

#[test]
fn word_gaps_without_space_glyphs_become_spaces() {
    // "use the": letters touch, the words are 1.3 pt apart (0.13 em: tight justified text).
    let xs = [0.0, 5.0, 10.0, 16.3, 21.3, 26.3];
    assert_eq!(texts(vec![shown("usethe", &xs)]), ["use the"]);
}

#[test]
fn a_glyph_at_the_end_of_the_wrong_span_goes_with_its_word() {
    // The parser gave "improvest" + "he": the "t" stands right before "he", after a word gap.
    let a = shown("ovest", &[0.0, 5.0, 10.0, 15.0, 23.0]);
    let b = shown("he", &[28.0, 33.0]);
    assert_eq!(texts(vec![a, b]), ["oves the"]);
}

#[test]
fn a_space_glyph_with_no_gap_is_no_word_space_and_wide_gaps_split() {
    // "Inv oice": the space glyph sits inside a kerning step; "12" stands 20 pt further on.
    let xs = [0.0, 5.0, 10.0, 15.0, 15.2, 20.2, 25.2, 30.2, 55.2, 60.2];
    assert_eq!(texts(vec![shown("Inv oice12", &xs)]), ["Invoice", "12"]);
}

#[test]
fn offsets_that_step_back_are_not_trusted() {
    use super::{Placed, glyphs_from_letters, glyphs_of};
    let w = [5.0f32; 7];
    // "the end" in a 10 pt font, 5 pt glyphs: in order, the offsets are used.
    let good = [0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0];
    assert!(matches!(
        glyphs_of("the end", &good, &w, (0.0, 10.0), 0.0),
        Placed::Glyphs(_)
    ));
    // Lined up one glyph off after a ligature: "h" lands after "e" ("hte" once sorted).
    let scrambled = [0.0, 10.0, 5.0, 15.0, 20.0, 25.0, 30.0];
    assert!(matches!(
        glyphs_of("the end", &scrambled, &w, (0.0, 10.0), 0.0),
        Placed::Misplaced
    ));
    // Offsets that start away from the span are misplaced too.
    let shifted = [30.0, 35.0, 40.0, 45.0, 50.0, 55.0, 60.0];
    assert!(matches!(
        glyphs_of("the end", &shifted, &w, (0.0, 10.0), 0.0),
        Placed::Misplaced
    ));
    // The letters found again among the page's characters give the words and the jump
    // between two table cells ("$80 On hold").
    let letters = [
        ('$', 0.0, 5.0),
        ('8', 5.0, 10.0),
        ('0', 10.0, 15.0),
        ('O', 40.0, 45.0),
        ('n', 45.0, 50.0),
        ('h', 53.0, 58.0),
        ('o', 58.0, 63.0),
        ('l', 63.0, 66.0),
        ('d', 66.0, 71.0),
    ];
    let Placed::Glyphs(glyphs) = glyphs_from_letters("$80 On hold", &letters, 0.0) else {
        panic!("letters not placed");
    };
    let span = shown("$80 On hold", &[0.0; 11]).span;
    assert_eq!(texts(vec![Shown { span, glyphs }]), ["$80", "On hold"]);
    // Letters that do not spell the text are refused.
    assert!(matches!(
        glyphs_from_letters("$81 On hold", &letters, 0.0),
        Placed::Unusable
    ));
}

#[test]
fn letters_after_a_ligature_placed_past_the_box_move_back() {
    use super::{Placed, glyphs_of};
    use crate::realign::pull_back_after_ligature;
    // "buffer" as a browser draws it: "ff" is one glyph that the parser expanded into two letters
    // of one made-up width, then gave "e" and "r" the place of the glyph after each; its box ends
    // at 531.1, the period drawn apart at 529.9.
    let offsets = [498.9, 505.6, 512.4, 516.1, 526.4, 532.6];
    let widths = [6.7, 6.8, 3.7, 3.7, 6.2, 5.0];
    let Placed::Glyphs(mut glyphs) = glyphs_of("buffer", &offsets, &widths, (498.9, 10.5), 0.0)
    else {
        panic!("offsets in order are used");
    };
    pull_back_after_ligature(&mut glyphs, 531.1, 10.5);
    let r = glyphs.last().expect("r");
    assert!((r.x1 - 531.1).abs() < 0.01 && r.x0 < 529.9, "{glyphs:?}");
    assert!(glyphs[4].x0 >= glyphs[3].x1 - 0.01, "{glyphs:?}");
    // Inside the box, nothing moves.
    let Placed::Glyphs(mut inside) = glyphs_of("buffer", &offsets, &widths, (498.9, 10.5), 0.0)
    else {
        panic!("offsets in order are used");
    };
    pull_back_after_ligature(&mut inside, 537.6, 10.5);
    assert_eq!(inside.last().map(|g| g.x0), Some(532.6));
}

#[test]
fn letters_lined_up_with_another_span_are_laid_after_their_word() {
    use super::{Placed, glyphs_of};
    use crate::realign::relay_astray;
    // "satisfies" ending a line at 282.5, its last three letters given places in the next column.
    let offsets = [
        239.3, 244.7, 251.0, 255.2, 258.5, 263.9, 417.5, 426.7, 440.2,
    ];
    let widths = [5.4, 6.3, 4.2, 3.4, 5.4, 3.5, 3.5, 6.2, 5.4];
    let Placed::Glyphs(mut glyphs) = glyphs_of("satisfies", &offsets, &widths, (239.3, 10.5), 0.0)
    else {
        panic!("offsets in order are used");
    };
    relay_astray(&mut glyphs, 104.9, 282.5, 10.5);
    assert!((glyphs[6].x0 - 267.4).abs() < 0.01, "{glyphs:?}");
    assert!(glyphs.iter().all(|g| g.x1 <= 282.6), "{glyphs:?}");
    // When laid end to end they would not end with the box, they stay.
    let Placed::Glyphs(mut far) = glyphs_of("satisfies", &offsets, &widths, (239.3, 10.5), 0.0)
    else {
        panic!("offsets in order are used");
    };
    relay_astray(&mut far, 104.9, 330.0, 10.5);
    assert_eq!(far[6].x0, 417.5);
}

#[test]
fn letters_after_a_ligature_placed_apart_are_laid_after_it() {
    use super::{Placed, glyphs_of};
    use crate::realign::relay_split_ligature;
    // "each flexible" ending a justified line at 282.5: the parser expanded the "fl" glyph into
    // two letters of one width, then lined "l" and the letters after it up with later ones, past
    // the column's edge ("each f" + "lexible").
    let offsets = [
        214.7, 220.9, 227.2, 233.1, 239.9, 243.2, 279.5, 282.9, 289.1, 295.0, 298.4, 305.1, 308.5,
    ];
    let widths = [
        6.2, 6.3, 5.9, 6.8, 3.3, 3.5, 3.5, 6.2, 5.9, 3.4, 6.7, 3.4, 6.2,
    ];
    let Placed::Glyphs(mut glyphs) =
        glyphs_of("each flexible", &offsets, &widths, (214.7, 10.5), 0.0)
    else {
        panic!("offsets in order are used");
    };
    relay_split_ligature(&mut glyphs, 282.5, 10.5);
    assert!((glyphs[6].x0 - 246.7).abs() < 0.01, "{glyphs:?}");
    assert!((glyphs[12].x1 - 282.0).abs() < 0.1, "{glyphs:?}");
    // Letters that would not end with the box when laid end to end stay.
    let Placed::Glyphs(mut wide) =
        glyphs_of("each flexible", &offsets, &widths, (214.7, 10.5), 0.0)
    else {
        panic!("offsets in order are used");
    };
    relay_split_ligature(&mut wide, 262.5, 10.5);
    assert_eq!(wide[6].x0, 279.5);
}

/// A span of `text` at `x`: 5 pt letters end to end, a space glyph 2 pt wide and a 1 pt gap after
/// each word, and a 3 pt gap (a word gap with no space glyph) before each letter index in `gaps`.
fn spaced(text: &str, x: f32, gaps: &[usize]) -> Shown {
    let mut xs = Vec::new();
    let mut at = x;
    for (i, c) in text.chars().enumerate() {
        if gaps.contains(&i) {
            at += 3.0;
        }
        xs.push(at);
        at += if c == ' ' { 3.0 } else { 5.0 };
    }
    shown(text, &xs)
}

#[test]
fn letters_hung_on_a_span_edge_do_not_make_its_font_distrusted() {
    // The parser hangs the next word's first letter on each span ("gammad"); a word gap sets it
    // apart. Eight spans, 24 words: the cuts are at the span's edge, not inside its words.
    let spans: Vec<Shown> = (0..8)
        .map(|k| spaced("alpha beta gammad", 200.0 * k as f32, &[16]))
        .collect();
    assert!(texts(spans).iter().all(|t| t == "alpha beta gamma d"));
    // Gaps inside the words of a font ("al pha") mean its widths are wrong: its text is kept.
    let spans: Vec<Shown> = (0..8)
        .map(|k| spaced("alpha beta gamma", 200.0 * k as f32, &[2]))
        .collect();
    assert!(texts(spans).iter().all(|t| t == "alpha beta gamma"));
}

#[test]
fn a_narrow_copy_of_a_figure_keeps_its_own_width() {
    // Figures 5 pt wide in "11 12 13", then a footnote mark "1" drawn from the font's superscript
    // forms, 3 pt wide, and "The" a word gap (2 pt, 0.2 em) after it: the mark is not widened to
    // the page's usual "1", which would close the gap ("reactor.1The").
    let figures = shown("11 12 13", &[0.0, 5.0, 10.0, 13.0, 18.0, 23.0, 26.0, 31.0]);
    let mut mark = shown("1 The", &[100.0, 103.0, 105.0, 110.0, 115.0]);
    mark.glyphs[0].x1 = 103.0;
    mark.glyphs[1].x1 = 105.0;
    let out = texts(vec![figures, mark]);
    assert_eq!(out.last().map(String::as_str), Some("1 The"), "{out:?}");
}
