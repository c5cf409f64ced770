//! The rendered page as `pdftoppm -gray` writes it (binary PGM, `P5`), kept in memory so that the
//! stroke width of a recognised word can be measured in its box (a guess at its weight).

use super::tsv::Turn;

/// An 8-bit grey image, row by row.
pub(super) struct Gray {
    pub width: usize,
    pub height: usize,
    pixels: Vec<u8>,
}

/// Pixels darker than this are ink.
const INK: u8 = 128;

impl Gray {
    /// Parse a binary PGM (`P5`, maxval below 256); `None` for anything else.
    pub fn parse(data: &[u8]) -> Option<Gray> {
        let mut fields = Vec::new();
        let mut i = 2;
        if data.get(..2)? != b"P5" {
            return None;
        }
        while fields.len() < 3 {
            match *data.get(i)? {
                b'#' => {
                    while *data.get(i)? != b'\n' {
                        i += 1;
                    }
                }
                c if c.is_ascii_whitespace() => i += 1,
                _ => {
                    let start = i;
                    while data.get(i).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                    }
                    let text = std::str::from_utf8(&data[start..i]).ok()?;
                    fields.push(text.parse::<usize>().ok()?);
                }
            }
        }
        let (width, height, max) = (fields[0], fields[1], fields[2]);
        let pixels = data.get(i + 1..)?;
        if max > 255 || pixels.len() < width.checked_mul(height)? {
            return None;
        }
        Some(Gray {
            width,
            height,
            pixels: pixels[..width * height].to_vec(),
        })
    }

    /// An image of `width` x `height` from its pixels, row by row.
    pub fn new(width: usize, height: usize, pixels: Vec<u8>) -> Gray {
        Gray {
            width,
            height,
            pixels,
        }
    }

    /// As a binary PGM file.
    pub fn to_pgm(&self) -> Vec<u8> {
        let mut out = format!("P5\n{} {}\n255\n", self.width, self.height).into_bytes();
        out.extend_from_slice(&self.pixels);
        out
    }

    /// The pixel at (`x`, `y`), which must be inside the image.
    pub fn at(&self, x: usize, y: usize) -> u8 {
        self.pixels[y * self.width + x]
    }

    /// The part `w` x `h` at (`x`, `y`), clipped to the image, as a binary PGM.
    pub fn crop(&self, x: u32, y: u32, w: u32, h: u32) -> Option<Vec<u8>> {
        let (x, y) = (x as usize, y as usize);
        let w = (w as usize).min(self.width.checked_sub(x)?);
        let h = (h as usize).min(self.height.checked_sub(y)?);
        if w == 0 || h == 0 {
            return None;
        }
        let mut out = format!("P5\n{w} {h}\n255\n").into_bytes();
        for row in y..y + h {
            out.extend_from_slice(&self.pixels[row * self.width + x..row * self.width + x + w]);
        }
        Some(out)
    }

    /// Mean width of the ink runs across the strokes of the word in box `[left, top, w, h]`
    /// (rows for upright text, columns for sideways text), counting only runs shorter than a third
    /// of the text height (stems and bowls, not bars and serifs).
    pub fn stroke_width(&self, b: [u32; 4], turn: Turn) -> Option<f32> {
        let [l, t, w, h] = b.map(|v| v as usize);
        if w == 0 || h == 0 || l + w > self.width || t + h > self.height {
            return None;
        }
        let across_rows = matches!(turn, Turn::None | Turn::Half);
        let (outer, inner, limit) = if across_rows {
            (h, w, h / 3)
        } else {
            (w, h, w / 3)
        };
        let (mut sum, mut runs) = (0usize, 0usize);
        for o in 0..outer {
            let mut run = 0usize;
            for k in 0..=inner {
                let ink = k < inner && {
                    let (x, y) = if across_rows {
                        (l + k, t + o)
                    } else {
                        (l + o, t + k)
                    };
                    self.pixels[y * self.width + x] < INK
                };
                if ink {
                    run += 1;
                } else if run > 0 {
                    if run <= limit.max(1) {
                        sum += run;
                        runs += 1;
                    }
                    run = 0;
                }
            }
        }
        (runs >= 4).then(|| sum as f32 / runs as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pgm_and_measures_strokes() {
        // 12 x 12 image: two vertical stems, 2 and 4 pixels wide.
        let mut data = b"P5\n# c\n12 12\n255\n".to_vec();
        for _ in 0..12 {
            data.extend_from_slice(&[255, 0, 0, 255, 255, 255, 0, 0, 0, 0, 255, 255]);
        }
        let g = Gray::parse(&data).expect("pgm");
        assert_eq!((g.width, g.height), (12, 12));
        let s = g.stroke_width([0, 0, 12, 12], Turn::None).expect("runs");
        assert!((s - 3.0).abs() < 0.01, "{s}");
        assert!(Gray::parse(b"P6\n1 1\n255\n\0").is_none());
    }
}
