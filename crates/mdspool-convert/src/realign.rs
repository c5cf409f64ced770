//! Glyph offsets the parser got wrong in spaced-out rows. Some producers set a table row as a few
//! strings whose gaps are made by word or character spacing (`Tw`, `Tc`) and text moves (`Td`):
//! ghostscript's output of groff `tbl` writes `(Catalogue On)Tj 142.864 0 Td (hold 6.6%)Tj` with a
//! word spacing of 96 pt. The parser joins such strings into one span, inserts a space for each move,
//! and its per-glyph offsets then drift from the glyphs they name ("hold" placed over the next
//! column, "Pending" placed after the amount). Those offsets decide where a span is cut into
//! cells and where its words break, so a wrong one merges columns. For spans whose offsets show a
//! gap (the only place a cell boundary can be), the offsets are checked against the characters as
//! drawn, and rebuilt from them when they disagree. The letters after an expanded ligature, which
//! the parser can place one glyph too far, are pulled back here too.

/// Whether the offsets of `text` hold a gap or a jump back: one glyph advancing over 1.5 em, a move
/// of more than 1.5 em past a glyph's end, or a glyph placed over its predecessor. Plain running
/// text has none, so only spans that might cross a cell boundary are checked.
pub(crate) fn has_gap(text: &str, offsets: &[f32], widths: &[f32], size: f32) -> bool {
    let n = text.chars().count();
    if n < 2 || offsets.len() != n || widths.len() != n {
        return false;
    }
    let wide = 1.5 * size;
    // A space narrower than a tenth and a half of an em between two letters: the parser's mark
    // of a text move (a kerned pair shown in two strings, "To tal"), maybe never drawn.
    let chars: Vec<char> = text.chars().collect();
    let move_mark = chars.windows(3).zip(widths.iter().skip(1)).any(|(c, w)| {
        c[1].is_whitespace() && !c[0].is_whitespace() && !c[2].is_whitespace() && *w < 0.15 * size
    });
    move_mark
        || widths.iter().any(|w| *w > wide)
        || offsets.windows(2).zip(widths).any(|(x, w)| {
            let end = x[0] + w.max(0.0);
            x[1] > end + wide || x[1] < end - 0.25 * size
        })
}

/// Offsets of glyphs with these advances, the first at `start`: for a span the parser gave
/// advances but no offsets, to be checked against the glyphs as drawn before they are used.
pub(crate) fn laid_end_to_end(start: f32, widths: &[f32]) -> Vec<f32> {
    let mut x = start;
    widths
        .iter()
        .map(|w| {
            let at = x;
            x += w.max(0.0);
            at
        })
        .collect()
}

/// Text, offsets and widths rebuilt from `letters` (the span's visible characters as drawn, in
/// order, with their extents; see `glyphs::PageGlyphs::ltr_letters`), or `None` when the parser's
/// offsets already agree with them (every visible glyph within a quarter em). A space then starts
/// at the end of the letter before it and spans the gap to the next; a space between two letters
/// that touch (under a tenth of an em apart) was never drawn (the parser's mark of a text move)
/// and is dropped.
pub(crate) fn from_letters(
    text: &str,
    offsets: &[f32],
    letters: &[(char, f32, f32)],
    size: f32,
) -> Option<(String, Vec<f32>, Vec<f32>)> {
    let visible = text
        .chars()
        .zip(offsets)
        .filter(|(c, _)| !c.is_whitespace());
    let agree = visible
        .zip(letters)
        .all(|((_, x), l)| (x - l.1).abs() <= 0.25 * size);
    if agree && !touching_space(text, letters, size) {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let (mut out, mut xs, mut ws) = (String::new(), Vec::new(), Vec::new());
    let mut drawn = letters.iter().peekable();
    let mut end: Option<f32> = None;
    for c in chars {
        if c.is_whitespace() {
            let Some(e) = end else { continue };
            let next = drawn.peek().map(|l| l.1);
            if next.is_some_and(|n| n - e < 0.1 * size) || out.ends_with(char::is_whitespace) {
                continue;
            }
            out.push(c);
            xs.push(e);
            ws.push(next.map_or(0.25 * size, |n| n - e));
        } else {
            let l = drawn.next()?;
            out.push(c);
            xs.push(l.1);
            ws.push((l.2 - l.1).max(0.0));
            end = Some(l.2);
        }
    }
    Some((out, xs, ws))
}

/// Whether `text` puts a space between two of its letters that are drawn touching (under a tenth
/// of an em apart): a space that was never drawn.
fn touching_space(text: &str, letters: &[(char, f32, f32)], size: f32) -> bool {
    let mut k = 0usize;
    let mut spaced = false;
    for c in text.chars() {
        if c.is_whitespace() {
            spaced = k > 0;
            continue;
        }
        if spaced
            && let (Some(a), Some(b)) = (letters.get(k - 1), letters.get(k))
            && b.1 - a.2 < 0.1 * size
        {
            return true;
        }
        spaced = false;
        k += 1;
    }
    false
}

/// Letters placed past `end`, the end of the span's own box, after the one ligature the parser
/// expanded: it gave each letter after the ligature the place of the next one (so a period drawn
/// apart came before the last letter, "buffe.r"). They move back by the overrun. With no
/// ligature, or several, the places stay as they are.
pub(crate) fn pull_back_after_ligature(glyphs: &mut [super::words::Glyph], end: f32, size: f32) {
    let over = glyphs.iter().map(|g| g.x1).fold(f32::MIN, f32::max) - end;
    let mut after = glyphs.iter().enumerate().filter(|(_, g)| g.after_ligature);
    let (Some((k, _)), None) = (after.next(), after.next()) else {
        return;
    };
    if over <= 0.3 * size || over > 1.5 * size {
        return;
    }
    for g in glyphs.iter_mut().skip(k) {
        g.x0 -= over;
        g.x1 -= over;
    }
}

/// Letters after a ligature that the parser expanded into two letters of one made-up width and
/// then placed apart (the second letter, and those after it, lined up with later letters of the
/// line: "each f" + "lexible" past the column's edge). When the glyphs run past `right`, the end
/// of the span's own box, by over a third of an em, the letters from the ligature's second one on
/// are laid end to end after its first, with their widths, the spaces among them stretched alike
/// (justified words) so the last ends where the box does; when the widths do not fit the box
/// (within half an em short, without spaces to stretch, or a third of an em past), the places stay.
pub(crate) fn relay_split_ligature(glyphs: &mut [super::words::Glyph], right: f32, size: f32) {
    let over = glyphs.iter().map(|g| g.x1).fold(f32::MIN, f32::max) - right;
    if over <= 0.3 * size {
        return;
    }
    let width = |g: &super::words::Glyph| (g.x1 - g.x0).max(0.0);
    let Some(k) = (1..glyphs.len()).find(|&k| {
        let (a, b) = (&glyphs[k - 1], &glyphs[k]);
        a.c == 'f'
            && matches!(b.c, 'f' | 'i' | 'l')
            && (width(a) - width(b)).abs() < 0.01
            && b.x0 > a.x1 + 0.5 * size
    }) else {
        return;
    };
    let natural: f32 = glyphs[k..].iter().map(width).sum();
    let slack = right - (glyphs[k - 1].x1 + natural);
    let spaces = glyphs[k..].iter().filter(|g| g.c.is_whitespace()).count();
    if slack < -0.3 * size || (spaces == 0 && slack > 0.5 * size) {
        return;
    }
    let stretch = if spaces == 0 {
        0.0
    } else {
        slack / spaces as f32
    };
    let mut x = glyphs[k - 1].x1;
    for g in glyphs[k..].iter_mut() {
        let w = width(g) + if g.c.is_whitespace() { stretch } else { 0.0 };
        (g.x0, g.x1) = (x, x + w);
        x += w;
    }
}

/// Letters placed far outside the span's own box (`left`..`right`, more than 1.5 em away) were
/// lined up with another span's characters (the end of "satisfies" placed in the next column).
/// From the first of them on, the letters are laid end to end after the one before, with their
/// widths, when that ends where the box does (within an em short or half an em past); otherwise
/// the places stay as they are.
pub(crate) fn relay_astray(glyphs: &mut [super::words::Glyph], left: f32, right: f32, size: f32) {
    let astray = |g: &super::words::Glyph| g.x1 > right + 1.5 * size || g.x0 < left - 1.5 * size;
    let Some(k) = glyphs.iter().position(astray).filter(|&k| k > 0) else {
        return;
    };
    let mut x = glyphs[k - 1].x1;
    let laid: Vec<(f32, f32)> = glyphs[k..]
        .iter()
        .map(|g| {
            let w = (g.x1 - g.x0).max(0.0);
            let at = (x, x + w);
            x += w;
            at
        })
        .collect();
    if x < right - size || x > right + 0.5 * size {
        return;
    }
    for (g, (a, b)) in glyphs[k..].iter_mut().zip(laid) {
        g.x0 = a;
        g.x1 = b;
    }
}

/// Glyphs of a span whose advances hide positioning jumps (a table row of groff's `tbl` through
/// ghostscript, shown as one string with the moves folded into advances): a glyph advancing over
/// 1.5 em is given 0.7 em (its own width is judged again from the page's glyphs), so the jump
/// shows as a gap and the span is cut there while its words are spaced from their glyphs like any
/// other span's. `None` when the offsets do not follow the jumps (the next glyph placed before the
/// advance ends): the caller then cuts by advances.
pub(crate) fn glyphs_over_jumps(
    text: &str,
    offsets: &[f32],
    widths: &[f32],
    size: f32,
    x_off: f32,
) -> Option<Vec<super::words::Glyph>> {
    let n = text.chars().count();
    if n == 0 || offsets.len() != n || widths.len() != n {
        return None;
    }
    if offsets.iter().chain(widths).any(|x| !x.is_finite()) {
        return None;
    }
    let mut glyphs = Vec::with_capacity(n);
    for (k, c) in text.chars().enumerate() {
        let (x, w) = (offsets[k], widths[k].max(0.0));
        let jump = w > if c.is_whitespace() { 0.6 } else { 1.5 } * size;
        if jump
            && offsets
                .get(k + 1)
                .is_some_and(|next| *next < x + w - 0.25 * size)
        {
            return None;
        }
        let w = if jump && !c.is_whitespace() {
            0.7 * size
        } else {
            w
        };
        glyphs.push(super::words::Glyph {
            c,
            x0: x - x_off,
            x1: x + w - x_off,
            after_ligature: false,
        });
    }
    Some(glyphs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A span's text, the parser's offsets and widths, and its letters as drawn.
    type Case = (&'static str, Vec<f32>, Vec<f32>, Vec<(char, f32, f32)>);

    /// "Comet On hold 5.7%" as the parser gave it on a groff table row: "On" right, then "hold"
    /// placed 16 pt too far right, over the next column.
    fn comet() -> Case {
        let text = "Comet On hold 5.7%";
        let offsets = vec![
            144.0, 149.4, 153.4, 159.6, 163.2, 165.4, 275.1, 280.9, 301.1, 303.1, 307.1, 311.1,
            313.4, 317.4, 317.4, 321.4, 323.4, 327.4,
        ];
        let widths = vec![
            5.3, 4.0, 6.2, 3.6, 2.2, 109.8, 5.8, 4.0, 2.0, 4.0, 4.0, 2.2, 4.0, 16.2, 4.0, 2.0, 4.0,
            6.7,
        ];
        let letters = vec![
            ('C', 144.0, 149.4),
            ('o', 149.4, 153.4),
            ('m', 153.4, 159.6),
            ('e', 159.6, 163.2),
            ('t', 163.2, 165.4),
            ('O', 275.1, 280.9),
            ('n', 280.9, 284.9),
            ('h', 286.9, 290.9),
            ('o', 290.9, 294.9),
            ('l', 294.9, 297.1),
            ('d', 297.1, 301.1),
            ('5', 317.4, 321.4),
            ('.', 321.4, 323.4),
            ('7', 323.4, 327.4),
            ('%', 327.4, 334.0),
        ];
        (text, offsets, widths, letters)
    }

    #[test]
    fn drifted_offsets_are_rebuilt_from_the_drawn_letters() {
        let (text, offsets, widths, letters) = comet();
        assert!(has_gap(text, &offsets, &widths, 8.0));
        let (t, xs, ws) = from_letters(text, &offsets, &letters, 8.0).expect("rebuilt");
        assert_eq!(t, text);
        let h = t.find('h').unwrap();
        assert_eq!(xs[h], 286.9);
        // The space after "hold" spans the gap to "5.7%": the cut between two cells.
        assert!((ws[h + 4] - 16.3).abs() < 0.01, "{ws:?}");
    }

    #[test]
    fn a_space_between_touching_letters_is_dropped() {
        // "(Vo)Tj 8.74 0 Td (lume ...)Tj": the parser's space at the move, no gap on the page.
        let letters = [
            ('V', 144.0, 149.8),
            ('o', 148.8, 152.8),
            ('l', 152.8, 155.0),
            ('u', 155.0, 159.0),
            ('m', 159.0, 165.2),
            ('e', 165.2, 168.8),
        ];
        let offsets = [144.0, 148.8, 168.8, 169.8, 172.0, 176.0, 279.6];
        let (t, _, _) = from_letters("Vo lume", &offsets, &letters, 8.0).expect("rebuilt");
        assert_eq!(t, "Volume");
    }

    #[test]
    fn offsets_that_agree_are_kept_and_plain_text_is_not_checked() {
        let letters = [('a', 10.0, 14.0), ('b', 18.0, 22.0)];
        assert!(from_letters("a b", &[10.0, 14.0, 18.0], &letters, 8.0).is_none());
        assert!(!has_gap("a b", &[10.0, 14.0, 18.0], &[4.0, 4.0, 4.0], 8.0));
    }

    #[test]
    fn a_narrow_space_between_kerned_strings_is_checked_and_dropped() {
        // groff's "-0.92 Tc (To)Tj 0 Tc 10.67 0 Td (tal)Tj": the parser gave advances only, with
        // a space of 0.92 pt at the move; on the page "o" and "t" touch.
        let widths = [5.21, 4.54, 0.92, 3.26, 5.0, 2.91];
        let offsets = laid_end_to_end(309.16, &widths);
        assert!(has_gap("To tal", &offsets, &widths, 10.0));
        let letters = [
            ('T', 309.16, 314.37),
            ('o', 314.37, 318.91),
            ('t', 319.83, 323.09),
            ('a', 323.09, 328.09),
            ('l', 328.09, 331.0),
        ];
        let (t, _, _) = from_letters("To tal", &offsets, &letters, 10.0).expect("rebuilt");
        assert_eq!(t, "Total");
        // A word space of a quarter em is no move mark.
        let widths = [5.0, 2.5, 5.0];
        assert!(!has_gap(
            "a b",
            &laid_end_to_end(10.0, &widths),
            &widths,
            10.0
        ));
    }

    #[test]
    fn a_jump_folded_into_an_advance_becomes_a_gap() {
        // "B" and "On" of two table columns as one string: the move is in the "B"'s advance.
        let widths = [60.0, 2.5, 6.0, 4.5];
        let offsets = laid_end_to_end(100.0, &widths);
        let g = glyphs_over_jumps("B On", &offsets, &widths, 10.0, 0.0).expect("glyphs");
        assert_eq!((g[0].x0, g[0].x1), (100.0, 107.0));
        assert_eq!(g[2].x0, 162.5);
        // Offsets that miss the jump: the caller cuts by advances instead.
        let missed = [100.0, 107.0, 109.5, 115.5];
        assert!(glyphs_over_jumps("B On", &missed, &widths, 10.0, 0.0).is_none());
    }
}
