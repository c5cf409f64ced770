//! The fonts a page uses, as dictionaries: those named in its resources (inherited through the page
//! tree) and in the resources of its form XObjects, two levels down, each font and each form visited
//! once per document. Read for the ToUnicode repair (`cmaps.rs`) and to know whether a page draws
//! with a Type3 font (whose nominal size may not be its glyphs' size, `reader.rs`).

use std::collections::{HashMap, HashSet};

use pdf_oxide::PdfDocument;
use pdf_oxide::object::{Object, ObjectRef};

/// Most distinct fonts, and form XObjects, looked at in one document.
const MAX_FONTS: usize = 2_000;
/// Levels of form XObjects looked into below the page.
const FORM_DEPTH: usize = 2;

type Dict = HashMap<String, Object>;

/// The page's `/Resources` dictionary, looked up through the page tree (it is inheritable).
pub(crate) fn page_resources(doc: &PdfDocument, index: usize) -> Option<Dict> {
    let mut node = doc.get_page(index).ok()?;
    for _ in 0..32 {
        let d = node.as_dict()?.clone();
        if let Some(res) = d.get("Resources") {
            return doc.resolve_object(res).ok()?.as_dict().cloned();
        }
        node = doc.resolve_object(d.get("Parent")?).ok()?;
    }
    None
}

/// Fonts and forms already visited.
#[derive(Default)]
pub(crate) struct PageFonts {
    fonts: HashSet<ObjectRef>,
    forms: HashSet<ObjectRef>,
}

impl PageFonts {
    /// Call `f` with each font dictionary page `index` uses that was not visited before.
    pub(crate) fn visit(&mut self, doc: &PdfDocument, index: usize, f: &mut impl FnMut(&Dict)) {
        if let Some(res) = page_resources(doc, index) {
            self.resources(doc, &res, FORM_DEPTH, f);
        }
    }

    fn resources(
        &mut self,
        doc: &PdfDocument,
        res: &Dict,
        depth: usize,
        f: &mut impl FnMut(&Dict),
    ) {
        let dict = |o: Option<&Object>| {
            o.and_then(|o| doc.resolve_object(o).ok())
                .and_then(|o| o.as_dict().cloned())
        };
        for font in dict(res.get("Font")).unwrap_or_default().values() {
            if self.fonts.len() < MAX_FONTS
                && font.as_reference().is_none_or(|r| self.fonts.insert(r))
                && let Some(d) = dict(Some(font))
            {
                f(&d);
            }
        }
        if depth == 0 {
            return;
        }
        for form in dict(res.get("XObject")).unwrap_or_default().values() {
            let Some(r) = form.as_reference() else {
                continue;
            };
            if self.forms.len() >= MAX_FONTS || !self.forms.insert(r) || !doc.is_form_xobject(r) {
                continue;
            }
            if let Ok(Object::Stream { dict: d, .. }) = doc.load_object(r)
                && let Some(inner) = dict(d.get("Resources"))
            {
                self.resources(doc, &inner, depth - 1, f);
            }
        }
    }
}

/// Whether page `index` draws with a Type3 font (in its resources or its forms').
pub(crate) fn page_has_type3(doc: &PdfDocument, index: usize) -> bool {
    let mut found = false;
    PageFonts::default().visit(doc, index, &mut |font| {
        found |= font.get("Subtype").and_then(Object::as_name) == Some("Type3");
    });
    found
}
