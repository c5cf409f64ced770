//! Bullets drawn as small forms. Beamer's "ball" items (Madrid, Warsaw and other themes) are form
//! XObjects a few points square that paint a shading, with no path at all, so the path pass
//! (`shapes.rs`) never sees them, and the items read as paragraphs. The page's resources name its
//! forms; only when one is small (a bounding box of at most ten units each way) is the page's
//! content read again, for the `Do` operators that draw it under the current transformation. Each
//! placement's box is a candidate mark; `shapes.rs` keeps those that stand before a line of text.

use std::collections::HashMap;

use pdf_oxide::PdfDocument;
use pdf_oxide::content::{Operator, parse_content_stream_images_only};
use pdf_oxide::object::Object;

/// A form this small (in its own units, each way) may be a bullet.
const SMALL: f32 = 10.0;
/// Upper bound on the placements kept per page.
const MAX_MARKS: usize = 2_000;

/// An affine transformation `[a b c d e f]`, as PDF writes it.
type Matrix = [f32; 6];

fn multiply(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn numbers(o: Option<&Object>, doc: &PdfDocument) -> Vec<f32> {
    let Some(o) = o.and_then(|o| doc.resolve_object(o).ok()) else {
        return Vec::new();
    };
    let Some(items) = o.as_array() else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(super::widths::number)
        .map(|v| v as f32)
        .collect()
}

/// The page's small forms by name: their bounding box and matrix.
fn small_forms(doc: &PdfDocument, index: usize) -> HashMap<String, ([f32; 4], Matrix)> {
    let mut out = HashMap::new();
    let Some(res) = super::resources::page_resources(doc, index) else {
        return out;
    };
    let Some(xobjects) = res
        .get("XObject")
        .and_then(|o| doc.resolve_object(o).ok())
        .and_then(|o| o.as_dict().cloned())
    else {
        return out;
    };
    for (name, o) in xobjects {
        let Ok(Object::Stream { dict: d, .. }) = doc.resolve_object(&o) else {
            continue;
        };
        if d.get("Subtype").and_then(Object::as_name) != Some("Form") {
            continue;
        }
        let b = numbers(d.get("BBox"), doc);
        let [x0, y0, x1, y1] = b[..] else { continue };
        if (x1 - x0).abs() > SMALL || (y1 - y0).abs() > SMALL {
            continue;
        }
        let m = numbers(d.get("Matrix"), doc);
        let m: Matrix = m.try_into().unwrap_or([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
        out.insert(name, ([x0, y0, x1, y1], m));
    }
    out
}

/// Where page `index` draws a small form: each placement's box in page space (x0, y0, x1, y1).
pub(crate) fn placements(doc: &PdfDocument, index: usize) -> Vec<[f32; 4]> {
    let forms = small_forms(doc, index);
    if forms.is_empty() {
        return Vec::new();
    }
    let Ok(data) = doc.get_page_content_data(index) else {
        return Vec::new();
    };
    let Ok(ops) = parse_content_stream_images_only(&data) else {
        return Vec::new();
    };
    let mut ctm: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    let mut stack: Vec<Matrix> = Vec::new();
    let mut out = Vec::new();
    for op in ops {
        match op {
            Operator::SaveState => stack.push(ctm),
            Operator::RestoreState => ctm = stack.pop().unwrap_or(ctm),
            Operator::Cm { a, b, c, d, e, f } => ctm = multiply(&[a, b, c, d, e, f], &ctm),
            Operator::Do { name } if out.len() < MAX_MARKS => {
                let Some((b, m)) = forms.get(&name) else {
                    continue;
                };
                let t = multiply(m, &ctm);
                let corners = [(b[0], b[1]), (b[2], b[1]), (b[0], b[3]), (b[2], b[3])]
                    .map(|(x, y)| (t[0] * x + t[2] * y + t[4], t[1] * x + t[3] * y + t[5]));
                let xs = corners.map(|c| c.0);
                let ys = corners.map(|c| c.1);
                let min = |v: [f32; 4]| v.into_iter().fold(f32::MAX, f32::min);
                let max = |v: [f32; 4]| v.into_iter().fold(f32::MIN, f32::max);
                out.push([min(xs), min(ys), max(xs), max(ys)]);
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn transformations_compose_in_the_order_pdf_applies_them() {
        // Scale by 2, then move by (10, 20): a point (1, 1) lands on (12, 22).
        let t = super::multiply(
            &[2.0, 0.0, 0.0, 2.0, 0.0, 0.0],
            &[1.0, 0.0, 0.0, 1.0, 10.0, 20.0],
        );
        assert_eq!((t[0] + t[2] + t[4], t[1] + t[3] + t[5]), (12.0, 22.0));
    }
}
