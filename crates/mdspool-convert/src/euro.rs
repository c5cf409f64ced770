//! Euro signs composed from pieces. When the text font has no euro glyph, LaTeX's `\texteuro`
//! draws a "C" and strokes two short horizontal bars through it. The text layer then holds a plain
//! "C" ("C26,196.69", as `pdftotext` also reads it), and tables of amounts lose their currency.
//! A "C" with two such bars across its left half, one above the other within a third of an em, is
//! read as "€".

use super::model::{Rule, Span};

/// Replaces each composed "C" in `spans` by "€". `bars`: the page's short horizontal strokes
/// (top-down coordinates, as the spans).
pub(crate) fn compose(spans: &mut [Span], bars: &[Rule]) {
    if bars.len() < 2 {
        return;
    }
    for s in spans.iter_mut() {
        if !s.text.contains('C') {
            continue;
        }
        let em = s.size.max(1.0);
        let n = s.text.chars().count().max(1);
        let advance = (s.x1 - s.x0) / n as f32;
        let text: String = s
            .text
            .chars()
            .enumerate()
            .map(|(k, c)| {
                // Where the glyph is, about: its share of the span's width.
                let x = s.x0 + advance * k as f32;
                if c == 'C' && crossed(x, s, em, bars) {
                    '€'
                } else {
                    c
                }
            })
            .collect();
        s.text = text;
    }
}

/// Whether two bars, 0.25 to 0.8 em long, one above the other (under 0.35 em apart) and inside the
/// span's height, start near `x` (the glyph's estimated left edge; within half an em).
fn crossed(x: f32, s: &Span, em: f32, bars: &[Rule]) -> bool {
    let near: Vec<&Rule> = bars
        .iter()
        .filter(|b| {
            let len = b.x1 - b.x0;
            let y = (b.top + b.bottom) / 2.0;
            (0.25 * em..=0.8 * em).contains(&len)
                && (b.x0 - x).abs() <= 0.5 * em
                && y > s.top
                && y < s.bottom
        })
        .collect();
    near.iter().enumerate().any(|(i, a)| {
        near[i + 1..].iter().any(|b| {
            let dy = ((a.top + a.bottom) - (b.top + b.bottom)).abs() / 2.0;
            dy > 0.05 * em && dy < 0.35 * em && (a.x0 - b.x0).abs() < 0.2 * em
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(x0: f32, len: f32, y: f32) -> Rule {
        Rule {
            x0,
            x1: x0 + len,
            top: y - 0.3,
            bottom: y + 0.3,
        }
    }

    fn span(text: &str, x0: f32, x1: f32) -> Span {
        Span::test(text, x0, x1, 100.0, 10.9)
    }

    #[test]
    fn a_c_crossed_by_two_short_bars_is_a_euro_sign() {
        // LaTeX's fallback: bars 5.2 and 4.8 pt long, 1.3 pt apart, at the C's left edge.
        let bars = [bar(276.7, 5.2, 104.3), bar(276.7, 4.8, 105.6)];
        let mut spans = vec![
            span("C26,196.69", 277.3, 335.4),
            span("Cache", 400.0, 430.0),
        ];
        compose(&mut spans, &bars);
        assert_eq!(spans[0].text, "€26,196.69");
        assert_eq!(spans[1].text, "Cache");
    }

    #[test]
    fn one_bar_or_a_long_rule_leaves_the_c() {
        let mut spans = vec![span("C26", 277.3, 295.0)];
        compose(
            &mut spans,
            &[bar(276.7, 5.2, 104.3), bar(276.7, 40.0, 105.6)],
        );
        assert_eq!(spans[0].text, "C26");
    }
}
