//! The rendered page as `pdftoppm -gray` writes it (binary PGM, `P5`), kept in memory so that the
//! stroke width of a recognised word can be measured in its box (a guess at its weight).

use super::tsv::Turn;

/// An 8-bit grey image, row by row.
pub(super) struct Gray {
    pub width: usize,
    pub height: usize,
    pixels: Vec<u8>,
}

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
    /// A copy with the pixels of the boxes `(x0, top, x1, bottom)` (pixels, ends excluded, grown
    /// by `margin`) set to paper white.
    pub fn whitened(&self, boxes: &[(usize, usize, usize, usize)], margin: usize) -> Gray {
        let mut pixels = self.pixels.clone();
        for &(x0, y0, x1, y1) in boxes {
            let (x0, y0) = (x0.saturating_sub(margin), y0.saturating_sub(margin));
            let (x1, y1) = (
                (x1 + margin).min(self.width),
                (y1 + margin).min(self.height),
            );
            for y in y0..y1 {
                pixels[y * self.width + x0..y * self.width + x1.max(x0)].fill(255);
            }
        }
        Gray::new(self.width, self.height, pixels)
    }

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

    /// Mean stroke width of the word in box `[left, top, w, h]`: twice its ink area over the length
    /// of the ink's edges inside the box (a stroke of width `s` and length `l` has area `s l` and
    /// edges `2 l`). The same in every direction, so stems, bowls, bars and serifs all count as the
    /// strokes they are, and a sideways word measures as an upright one.
    pub fn stroke_width(&self, b: [u32; 4], _turn: Turn) -> Option<f32> {
        let [l, t, w, h] = b.map(|v| v as usize);
        if w < 2 || h < 2 || l + w > self.width || t + h > self.height {
            return None;
        }
        // Ink is darker than halfway between the word's own darkest and lightest pixels (grey or
        // coloured headings are lighter than black body text; a fixed level thins their strokes).
        let mut hist = [0usize; 256];
        for y in t..t + h {
            for &v in &self.pixels[y * self.width + l..y * self.width + l + w] {
                hist[usize::from(v)] += 1;
            }
        }
        let level = |share: usize| {
            let mut seen = 0;
            hist.iter()
                .position(|&n| {
                    seen += n;
                    seen * 100 >= share * w * h
                })
                .unwrap_or(255)
        };
        let (dark, light) = (level(3), level(90));
        if light < dark + 40 {
            return None;
        }
        let cut = ((dark + light) / 2) as u8;
        let ink = |x: usize, y: usize| self.pixels[y * self.width + x] < cut;
        let (mut area, mut edges) = (0usize, 0usize);
        for y in t..t + h {
            for x in l..l + w {
                let here = ink(x, y);
                area += usize::from(here);
                if x + 1 < l + w && here != ink(x + 1, y) {
                    edges += 1;
                }
                if y + 1 < t + h && here != ink(x, y + 1) {
                    edges += 1;
                }
            }
        }
        (edges >= 8).then(|| 2.0 * area as f32 / edges as f32)
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
        // The same 3-pixel stem in grey (a coloured heading) measures as in black, blurred edges
        // and all: the ink level is the word's own.
        for (ink, edge) in [(0u8, 128u8), (135, 190)] {
            let mut data = b"P5\n12 12\n255\n".to_vec();
            for _ in 0..12 {
                data.extend_from_slice(&[
                    255, 255, 255, 255, edge, ink, ink, ink, edge, 255, 255, 255,
                ]);
            }
            let g = Gray::parse(&data).expect("pgm");
            let s = g.stroke_width([0, 0, 12, 12], Turn::None).expect("stroke");
            assert!((3.0..=5.0).contains(&s), "ink {ink}: {s}");
        }
    }
}
