//! Ruling lines of a scanned page, found in its pixels: the image is turned back by the page's skew
//! (as the words are), then long thin runs of ink along rows and columns become the engine's rules,
//! so that ruled and booktabs tables of a scan are cut out by the same grid code as in a born-digital
//! file (`grid.rs`).

use super::pgm::Gray;
use crate::model::Rule;

/// Pixels darker than this are ink.
const INK: u8 = 140;
/// Longest gap (pixels) inside one rule.
const BRIDGE: usize = 2;
/// Most rules kept per page (beyond that the page is a drawing or a halftone).
const MAX_RULES: usize = 400;

/// A rule being followed row by row (or column by column): its extent along and across.
#[derive(Clone, Copy)]
struct Open {
    a0: usize,
    a1: usize,
    c0: usize,
    c1: usize,
}

/// Rules of the page in points (`scale` = points per pixel), for an upright page of skew `slope`
/// (dy per dx, as `tsv::skew_of` measures it); `text` is the typical word height in pixels.
pub(super) fn find(img: &Gray, slope: f32, text: f32, scale: f32) -> Vec<Rule> {
    let (w, h) = (img.width, img.height);
    let px: Vec<u8> = if slope.abs() < 0.001 {
        (0..h)
            .flat_map(|y| (0..w).map(move |x| img.at(x, y)))
            .collect()
    } else {
        super::deskew::straighten(img, slope)
    };
    let dark = |x: usize, y: usize| px[y * w + x] < INK;
    // A thin rule of a scan is one or two pixels thick, and what is left of its skew moves it from
    // one row (column) to the next every few hundred pixels: ink counts one pixel across either
    // way, so the rule stays one unbroken run along its length.
    let ink_across = |a: usize, c: usize, horizontal: bool| {
        let (lo, hi) = (c.saturating_sub(1), c + 1);
        (lo..=hi).any(|k| {
            if horizontal {
                k < h && dark(a, k)
            } else {
                k < w && dark(k, a)
            }
        })
    };
    let long_h = (text * 4.0).max(w as f32 * 0.06) as usize;
    let long_v = (text * 2.5) as usize;
    // (Two more for the pixel of slack either side.)
    let thin = (text / 4.0).max(3.0) as usize + 2;
    let mut out = Vec::new();
    for (along, across, long, horizontal) in [(w, h, long_h, true), (h, w, long_v, false)] {
        let mut open: Vec<Open> = Vec::new();
        let mut done: Vec<Open> = Vec::new();
        for c in 0..across {
            let mut runs: Vec<(usize, usize)> = Vec::new();
            let (mut start, mut last) = (None, 0);
            for a in 0..=along {
                let on = a < along && ink_across(a, c, horizontal);
                match (on, start) {
                    (true, None) => start = Some(a),
                    // Gaps of a pixel or two (noise, a faint spot) do not end a rule.
                    (false, Some(s)) if a == along || a - last > BRIDGE => {
                        if last + 1 - s >= long {
                            runs.push((s, last + 1));
                        }
                        start = None;
                    }
                    _ => {}
                }
                if on {
                    last = a;
                }
            }
            let mut next: Vec<Open> = Vec::new();
            for (a0, a1) in runs {
                let hit = open.iter().position(|o| {
                    let overlap = o.a1.min(a1).saturating_sub(o.a0.max(a0));
                    overlap * 5 >= (a1 - a0).min(o.a1 - o.a0) * 4
                });
                match hit {
                    Some(i) => {
                        let o = open.swap_remove(i);
                        next.push(Open {
                            a0: o.a0.min(a0),
                            a1: o.a1.max(a1),
                            c0: o.c0,
                            c1: c,
                        });
                    }
                    None => next.push(Open {
                        a0,
                        a1,
                        c0: c,
                        c1: c,
                    }),
                }
            }
            done.append(&mut open);
            open = next;
            if done.len() > MAX_RULES * 4 {
                return Vec::new();
            }
        }
        done.append(&mut open);
        for o in done.into_iter().filter(|o| o.c1 - o.c0 < thin) {
            let (a0, a1) = (o.a0 as f32 * scale, o.a1 as f32 * scale);
            let (c0, c1) = (o.c0 as f32 * scale, (o.c1 + 1) as f32 * scale);
            out.push(if horizontal {
                Rule {
                    x0: a0,
                    x1: a1,
                    top: c0,
                    bottom: c1,
                }
            } else {
                Rule {
                    x0: c0,
                    x1: c1,
                    top: a0,
                    bottom: a1,
                }
            });
        }
    }
    if out.len() > MAX_RULES {
        return Vec::new();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_thin_runs_become_rules_and_letters_do_not() {
        // 400 x 200 white image: a 3-pixel horizontal line, a vertical line, and a "letter" blob.
        let (w, h) = (400usize, 200usize);
        let mut px = vec![255u8; w * h];
        for y in 50..53 {
            for x in 20..380 {
                px[y * w + x] = 0;
            }
        }
        for y in 40..190 {
            px[y * w + 200] = 0;
            px[y * w + 201] = 0;
        }
        for y in 100..130 {
            for x in 50..70 {
                px[y * w + x] = 0;
            }
        }
        let mut data = format!("P5\n{w} {h}\n255\n").into_bytes();
        data.extend_from_slice(&px);
        let g = Gray::parse(&data).expect("pgm");
        let rules = find(&g, 0.0, 30.0, 1.0);
        assert_eq!(rules.len(), 2, "{rules:?}");
        assert!(
            rules
                .iter()
                .any(|r| r.is_horizontal() && r.x1 - r.x0 > 350.0)
        );
        assert!(
            rules
                .iter()
                .any(|r| !r.is_horizontal() && r.bottom - r.top > 140.0)
        );
    }
}
