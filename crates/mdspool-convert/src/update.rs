//! An incremental update appended to a PDF file: new versions of some stream objects (same object
//! numbers), a cross-reference section for them and a trailer whose `/Prev` points at the file's
//! own. A reader that follows the `/Prev` chain then sees the new objects in place of the old ones;
//! the rest of the file is untouched. Used to hand the parser ToUnicode CMaps it can read
//! (`cmaps.rs`).

use std::collections::HashMap;

use pdf_oxide::object::{Object, ObjectRef};

/// Serialise a trailer value that is a reference or a plain array of strings (`/Root`, `/Info`, `/ID`).
fn trailer_value(o: &Object) -> Option<String> {
    match o {
        Object::Reference(r) => Some(format!("{} {} R", r.id, r.r#gen)),
        Object::Array(items) => {
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|i| match i {
                    Object::String(b) => Some(format!(
                        "<{}>",
                        b.iter().map(|x| format!("{x:02X}")).collect::<String>()
                    )),
                    _ => None,
                })
                .collect();
            Some(format!("[{}]", parts?.join(" ")))
        }
        _ => None,
    }
}

/// `data` with an incremental update that replaces each stream object of `fixes` by its new text.
pub(crate) fn append_update(
    data: &[u8],
    trailer: &HashMap<String, Object>,
    fixes: &[(ObjectRef, String)],
) -> Option<Vec<u8>> {
    let root = trailer_value(trailer.get("Root")?)?;
    let tail = data.get(data.len().saturating_sub(2048)..)?;
    let at = tail.windows(9).rposition(|w| w == b"startxref")?;
    let prev: u64 = String::from_utf8_lossy(&tail[at + 9..])
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let mut out = data.to_vec();
    out.extend_from_slice(b"\n");
    let mut offsets = Vec::new();
    for (r, text) in fixes {
        offsets.push((*r, out.len()));
        let obj = format!(
            "{} {} obj\n<< /Length {} >>\nstream\n{text}\nendstream\nendobj\n",
            r.id,
            r.r#gen,
            text.len() + 1
        );
        out.extend_from_slice(obj.as_bytes());
    }
    let xref = out.len();
    let mut table = String::from("xref\n0 1\n0000000000 65535 f \n");
    for (r, off) in &offsets {
        table.push_str(&format!("{} 1\n{off:010} {:05} n \n", r.id, r.r#gen));
    }
    let size = trailer
        .get("Size")
        .and_then(Object::as_integer)
        .unwrap_or(0)
        .max(fixes.iter().map(|(r, _)| i64::from(r.id) + 1).max()?);
    let mut t = format!("trailer\n<< /Size {size} /Root {root} /Prev {prev}");
    for key in ["Info", "ID"] {
        if let Some(v) = trailer.get(key).and_then(trailer_value) {
            t.push_str(&format!(" /{key} {v}"));
        }
    }
    t.push_str(&format!(" >>\nstartxref\n{xref}\n%%EOF\n"));
    out.extend_from_slice(table.as_bytes());
    out.extend_from_slice(t.as_bytes());
    Some(out)
}
