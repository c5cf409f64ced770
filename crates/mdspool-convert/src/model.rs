//! Plain geometry types shared by the layout stages, independent of the PDF parser. Coordinates are
//! in points with the origin at the top-left of the page (y grows downwards).

/// Whether layout traces are wanted: `tracing` at TRACE level for this crate
/// (`RUST_LOG=mdspool_convert=trace`). Checked before building a trace that costs work.
pub(crate) fn debug() -> bool {
    tracing::enabled!(tracing::Level::TRACE)
}

/// A run of text in one font at one position.
#[derive(Debug, Clone)]
pub(crate) struct Span {
    pub text: String,
    pub x0: f32,
    pub x1: f32,
    pub top: f32,
    pub bottom: f32,
    pub size: f32,
    pub bold: bool,
    pub italic: bool,
    pub mono: bool,
    pub link: Option<String>,
    pub font: String,
}

impl Span {
    /// Text without geometry or style (used for synthesised lines).
    pub fn plain(text: String) -> Span {
        Span {
            text,
            x0: 0.0,
            x1: 0.0,
            top: 0.0,
            bottom: 0.0,
            size: 10.0,
            bold: false,
            italic: false,
            mono: false,
            link: None,
            font: String::new(),
        }
    }
}

#[cfg(test)]
impl Span {
    /// A span for unit tests: `text` from `x0` to `x1`, its box from `top` down `size` points.
    pub fn test(text: &str, x0: f32, x1: f32, top: f32, size: f32) -> Span {
        let mut s = Span::plain(text.to_string());
        (s.x0, s.x1, s.top, s.bottom, s.size) = (x0, x1, top, top + size, size);
        s
    }
}

impl Span {
    /// Right edge of the span's ink: its box often includes its closing blanks, whose share of the
    /// box (by characters) is taken off.
    pub fn ink_x1(&self) -> f32 {
        let n = self.text.chars().count().max(1) as f32;
        let blanks = self
            .text
            .chars()
            .rev()
            .take_while(|c| c.is_whitespace())
            .count() as f32;
        self.x1 - (self.x1 - self.x0) * blanks / n
    }
}

/// A horizontal or vertical ruling line (drawn segment or thin rectangle).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rule {
    pub x0: f32,
    pub x1: f32,
    pub top: f32,
    pub bottom: f32,
}

impl Rule {
    pub fn is_horizontal(&self) -> bool {
        self.x1 - self.x0 >= self.bottom - self.top
    }
}

impl Page {
    /// Mirror a right-to-left page horizontally so that the layout stages, which read left to
    /// right, read it from its right edge. Span texts are in logical order already (right-to-left
    /// spans drawn in visual order are put in logical order by the reader).
    pub fn mirror_if_rtl(&mut self) {
        let (mut rtl, mut ltr) = (0usize, 0usize);
        for c in self.spans.iter().flat_map(|s| s.text.chars()) {
            if is_rtl(c) {
                rtl += 1;
            } else if c.is_alphabetic() {
                ltr += 1;
            }
        }
        if rtl <= ltr {
            return;
        }
        self.rtl = true;
        let w = self.width;
        for s in &mut self.spans {
            (s.x0, s.x1) = (w - s.x1, w - s.x0);
        }
        for r in &mut self.rules {
            (r.x0, r.x1) = (w - r.x1, w - r.x0);
        }
    }
}

/// One page as read from the PDF.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub number: usize,
    pub width: f32,
    pub height: f32,
    pub spans: Vec<Span>,
    pub rules: Vec<Rule>,
    /// Mirrored as a right-to-left page.
    pub rtl: bool,
    /// The page's text at other angles, each read as a page turned by its angle (`asides.rs`).
    pub asides: Vec<Page>,
    /// The parser's text held control characters: codes of a font without a Unicode mapping
    /// (`ocr::unreadable`).
    pub codes: bool,
}

/// One page after layout analysis: its lines (including ruled-table placeholders) and geometry.
#[derive(Debug)]
pub(crate) struct PageLayout {
    pub number: usize,
    pub width: f32,
    pub height: f32,
    /// Bands and columns in reading order.
    pub regions: Vec<super::regions::Region>,
    pub rules: Vec<Rule>,
    pub lines: Vec<Line>,
    /// Text at other angles, laid out in its own frame.
    pub asides: Vec<PageLayout>,
    /// See [`Page::codes`].
    pub codes: bool,
}

/// A line fragment: spans on one baseline without a wide horizontal gap between them.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub spans: Vec<Span>,
    pub x0: f32,
    pub x1: f32,
    pub top: f32,
    pub bottom: f32,
    /// Dominant font size (by characters).
    pub size: f32,
    /// Dominant font name (by characters).
    pub font: String,
    /// A ruled table cut out of the page, standing in its place in the reading order.
    pub table: Option<Vec<Vec<String>>>,
}

impl Line {
    pub fn from_spans(spans: Vec<Span>) -> Line {
        let mut l = Line {
            x0: f32::MAX,
            x1: f32::MIN,
            top: f32::MAX,
            bottom: f32::MIN,
            size: 0.0,
            font: String::new(),
            table: None,
            spans,
        };
        let mut fonts: Vec<(&str, usize)> = Vec::new();
        let mut best = (0usize, 0.0f32);
        let mut by_size: Vec<(f32, usize)> = Vec::new();
        // Inline code is often set smaller than the text around it: a line's size and font are
        // its text's, code counting only on a line of code alone.
        let prose = l
            .spans
            .iter()
            .any(|s| !s.mono && s.text.chars().any(char::is_alphanumeric));
        for s in &l.spans {
            l.x0 = l.x0.min(s.x0);
            l.x1 = l.x1.max(s.x1);
            l.top = l.top.min(s.top);
            l.bottom = l.bottom.max(s.bottom);
            let n = if prose && s.mono {
                0
            } else {
                s.text.chars().count()
            };
            match fonts.iter_mut().find(|(f, _)| *f == s.font) {
                Some(e) => e.1 += n,
                None => fonts.push((&s.font, n)),
            }
            match by_size
                .iter_mut()
                .find(|(sz, _)| (sz - s.size).abs() < 0.25)
            {
                Some(e) => e.1 += n,
                None => by_size.push((s.size, n)),
            }
        }
        for (sz, n) in by_size {
            if n > best.0 {
                best = (n, sz);
            }
        }
        l.size = if best.1 > 0.0 { best.1 } else { 10.0 };
        let font = fonts.iter().max_by_key(|f| f.1).map(|f| f.0.to_string());
        l.font = font.unwrap_or_default();
        l
    }

    /// The text with single spaces where the glyph positions show a gap.
    pub fn text(&self) -> String {
        join_spans(&self.spans)
    }

    pub fn all_bold(&self) -> bool {
        self.weighted(|s| s.bold) > 0.9
    }
    /// Whether the line's last word is bold: a bold line that ends in regular words ("**Bring
    /// ... main.rs.** Types") is a paragraph's bold lead-in, not a bold line of its own.
    pub fn ends_bold(&self) -> bool {
        self.spans
            .iter()
            .rev()
            .find(|s| !s.text.trim().is_empty())
            .is_some_and(|s| s.bold)
    }
    pub fn all_italic(&self) -> bool {
        self.weighted(|s| s.italic) > 0.9
    }
    pub fn all_mono(&self) -> bool {
        self.weighted(|s| s.mono) > 0.9
    }

    /// Share of non-space characters whose span satisfies `f`.
    fn weighted(&self, f: impl Fn(&Span) -> bool) -> f32 {
        let (mut yes, mut all) = (0usize, 0usize);
        for s in &self.spans {
            let n = s.text.chars().filter(|c| !c.is_whitespace()).count();
            all += n;
            if f(s) {
                yes += n;
            }
        }
        if all == 0 {
            0.0
        } else {
            yes as f32 / all as f32
        }
    }

    pub fn height(&self) -> f32 {
        (self.bottom - self.top).max(0.1)
    }
}

pub(crate) fn is_rtl(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Horizontal gap between two neighbouring spans in either reading direction.
pub(crate) fn span_gap(prev: &Span, next: &Span) -> f32 {
    if next.x0 >= prev.x0 {
        next.x0 - prev.x1
    } else {
        prev.x0 - next.x1
    }
}

/// Concatenate spans in line order, with a space where the glyph positions show a gap.
pub(crate) fn join_spans(spans: &[Span]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Span> = None;
    for s in spans {
        if prev.is_some_and(|p| needs_space(&out, p, s)) {
            out.push(' ');
        }
        out.push_str(&s.text);
        prev = Some(s);
    }
    out.trim().to_string()
}

/// Whether a space separates the text so far (`prev_text`, ending with span `prev`) from `next`,
/// judged by the gap between the spans: a fraction of the font size, more for monospace fonts
/// whose glyph advances are wide.
pub(crate) fn needs_space(prev_text: &str, prev: &Span, next: &Span) -> bool {
    if prev_text.ends_with(char::is_whitespace) || next.text.starts_with(char::is_whitespace) {
        return false;
    }
    let share = if prev.mono && next.mono { 0.3 } else { 0.15 };
    let gap = span_gap(prev, next);
    gap > next.size * share || gap > -0.05 * next.size && stepped(prev, next)
}

/// A baseline step between two letters of one size, in em, that makes a word gap: above the jitter
/// of glyphs placed one by one.
pub(crate) const STEP_MIN: f32 = 0.05;

/// Whether `next` is set on a baseline of its own, a little above or below `prev`'s (the two are
/// on one row), in the same size: a word placed by itself, as an OCR program lays each word of a
/// skewed scan where the scan shows it. A superscript or subscript changes size as well.
fn stepped(prev: &Span, next: &Span) -> bool {
    let ends = prev.text.chars().next_back().zip(next.text.chars().next());
    ends.is_some_and(|(a, b)| {
        baseline_step(
            next.size.max(prev.size),
            (next.size - prev.size, next.bottom - prev.bottom),
            (a, b),
        )
    })
}

/// Whether two neighbouring letters `(a, b)` of about one size stand on baselines a step apart
/// (`delta`: their difference in size and in baseline, measured against `size`), so that a word
/// starts at `b` (see [`stepped`]); never between letters of scripts written without spaces
/// between words (Chinese, Japanese), whose glyphs are often placed one by one on slightly
/// different baselines.
pub(crate) fn baseline_step(size: f32, (d_size, d_base): (f32, f32), (a, b): (char, char)) -> bool {
    let unspaced = |c: char| matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF);
    d_size.abs() <= 0.05 * size && d_base.abs() > STEP_MIN * size && !unspaced(a) && !unspaced(b)
}
