//! The skew of a scanned page, measured before OCR: tesseract drops long lines of a page scanned a
//! degree or two askew (their ends drift by more than a line's height), so the page is turned
//! straight first. The angle is the one whose shear makes the rows of ink sharpest (the projection
//! profile of the ink, on a reduced copy of the page), searched within ±3°.

use super::pgm::Gray;

/// Reduction of the copy the angle is searched on.
const STEP: usize = 4;
/// Largest slope searched (about 3°), and the search step (about 0.05°).
const MAX_SLOPE: f32 = 0.052;
const SLOPE_STEP: f32 = 0.0009;

/// Slope (dy per dx) of the page's text rows; 0 when there is too little ink to tell.
pub(super) fn slope_of(img: &Gray) -> f32 {
    let (w, h) = (img.width / STEP, img.height / STEP);
    let mut ink: Vec<(f32, f32)> = Vec::new();
    for y in 0..h {
        for x in 0..w {
            // A reduced pixel is ink when its darkest source pixel is.
            let dark = (0..STEP)
                .flat_map(|dy| (0..STEP).map(move |dx| (dx, dy)))
                .any(|(dx, dy)| img.at(x * STEP + dx, y * STEP + dy) < 128);
            if dark {
                ink.push((x as f32, y as f32));
            }
        }
    }
    if ink.len() < 200 || ink.len() > w * h / 3 {
        return 0.0;
    }
    let rows = h + (w as f32 * MAX_SLOPE) as usize * 2 + 2;
    let offset = (w as f32 * MAX_SLOPE) + 1.0;
    let mut best = (0.0f64, 0.0f32);
    let steps = (MAX_SLOPE / SLOPE_STEP) as i32;
    let mut hist = vec![0u32; rows];
    for k in -steps..=steps {
        let s = k as f32 * SLOPE_STEP;
        hist.iter_mut().for_each(|v| *v = 0);
        for &(x, y) in &ink {
            let r = (y - s * x + offset) as usize;
            if let Some(v) = hist.get_mut(r) {
                *v += 1;
            }
        }
        let score: f64 = hist.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
        if score > best.0 {
            best = (score, s);
        }
    }
    best.1
}

/// The image turned back by `slope` around its centre (nearest pixel; outside is white): a
/// straight copy of a skewed page, and the frame `tsv::deskew` puts word boxes in.
pub(super) fn straighten(img: &Gray, slope: f32) -> Vec<u8> {
    let (w, h) = (img.width, img.height);
    let norm = (1.0 + slope * slope).sqrt();
    let (cos, sin) = (1.0 / norm, slope / norm);
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let mut out = vec![255u8; w * h];
    for y in 0..h {
        let ny = y as f32 - cy;
        for x in 0..w {
            let nx = x as f32 - cx;
            let sx = cx + nx * cos - ny * sin;
            let sy = cy + nx * sin + ny * cos;
            if sx >= 0.0 && sy >= 0.0 && (sx as usize) < w && (sy as usize) < h {
                out[y * w + x] = img.at(sx as usize, sy as usize);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_slope_of_skewed_rows_and_undoes_it() {
        // Dashed "text rows" falling 2 pixels per 100 (slope 0.02).
        let (w, h) = (800usize, 600usize);
        let mut px = vec![255u8; w * h];
        for row in 0..10 {
            for x in 40..760 {
                if x % 12 < 8 {
                    let y = 60 + row * 50 + (x as f32 * 0.02) as usize;
                    for t in 0..6 {
                        px[(y + t) * w + x] = 0;
                    }
                }
            }
        }
        let mut data = format!("P5\n{w} {h}\n255\n").into_bytes();
        data.extend_from_slice(&px);
        let g = Gray::parse(&data).expect("pgm");
        let s = slope_of(&g);
        assert!((s - 0.02).abs() < 0.003, "{s}");
        let straight = straighten(&g, s);
        // The first row's ink now sits in one band of rows at both ends.
        let ink_rows = |x: usize| (0..h).filter(|&y| straight[y * w + x] == 0).min();
        let (a, b) = (ink_rows(48).unwrap(), ink_rows(744).unwrap());
        assert!(a.abs_diff(b) <= 3, "{a} {b}");
    }
}
