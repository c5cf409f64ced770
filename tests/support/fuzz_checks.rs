//! The properties the fuzz targets check, shared with `tests/fuzz_regressions.rs` (which replays
//! the seeds and every input a fuzzer found on stable, without cargo-fuzz). Each function panics
//! when the property does not hold; any panic or abort inside the code under test is a finding.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::path::Path;
use std::sync::Once;

use mdspool::convert::{Builtin, ConvertOptions, Converter};
use mdspool::inbox::names::{Rules, glob_match};
use mdspool::inbox::validate::parse_sidecar;
use mdspool::store::Manifest;

/// The sidecar parser never panics, and a key it accepts is a safe file name.
pub fn sidecar(data: &[u8]) {
    let path = Path::new("fuzz.pdf.idem");
    if let Ok(s) = parse_sidecar(path, data)
        && let Some(k) = &s.key
    {
        for part in [&k.scope, &k.key] {
            assert!(!part.is_empty() && part.len() <= 128, "{part:?}");
            assert!(part != "." && part != "..", "{part:?}");
            assert!(
                part.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)),
                "{part:?}"
            );
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let rules = Rules::new(&["*.bak".to_string()]);
        let _ = rules.kind(text);
        if let Some((pattern, name)) = text.split_once('\n') {
            let _ = glob_match(pattern, name);
        }
    }
}

/// The manifest reader never panics, and what it accepts survives a write/read round trip.
pub fn manifest(data: &[u8]) {
    let path = Path::new("manifest.json");
    if let Ok(m) = Manifest::parse(path, data) {
        let again = Manifest::parse(path, &m.to_json()).expect("a parsed manifest re-reads");
        assert_eq!(m, again, "round trip");
    }
}

thread_local! {
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f`, catching a panic (`None`), as the engine must around the PDF library: a panic there
/// is contained (not reported by the fuzzer); an abort, a stack overflow, running out of memory or
/// time is not, and is a finding. With `MDSPOOL_FUZZ_PANICS=DIR`, the location of each contained
/// panic is appended to `DIR/sites.log`, and the first input that reached a site is kept as
/// `DIR/FILE-LINE.pdf` (to list the library's panic sites and keep one input for each).
pub fn contained<T>(f: impl FnOnce() -> T) -> Option<T> {
    install_hook();
    CONTAINED.with(|c| c.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CONTAINED.with(|c| c.set(false));
    r.ok()
}

/// Runs `f`, which must contain its own panics (as the engine does around the PDF library): a
/// panic it catches is not a finding, but one that escapes it still is (it unwinds out of here to
/// the fuzzer, which reports it). Without this, the fuzzer's panic hook would abort at the panic
/// itself, before the engine's `catch_unwind` could contain it.
pub fn self_contained<T>(f: impl FnOnce() -> T) -> T {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            CONTAINED.with(|c| c.set(false));
        }
    }
    install_hook();
    CONTAINED.with(|c| c.set(true));
    let _reset = Reset;
    f()
}

fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        let log = std::env::var_os("MDSPOOL_FUZZ_PANICS");
        std::panic::set_hook(Box::new(move |info| {
            if !CONTAINED.with(Cell::get) {
                return previous(info);
            }
            if let (Some(dir), Some(loc)) = (&log, info.location()) {
                let dir = Path::new(dir);
                let line = format!("{}:{}\n", loc.file(), loc.line());
                let open = |p: &Path, new: bool| {
                    let mut o = std::fs::OpenOptions::new();
                    o.write(true);
                    if new {
                        o.create_new(true);
                    } else {
                        o.create(true).append(true);
                    }
                    o.open(p)
                };
                let _ = open(&dir.join("sites.log"), false)
                    .and_then(|mut f| f.write_all(line.as_bytes()));
                let file = Path::new(loc.file()).file_stem().unwrap_or_default();
                let keep = dir.join(format!("{}-{}.pdf", file.to_string_lossy(), loc.line()));
                if let Ok(mut f) = open(&keep, true) {
                    let _ = INPUT.with(|i| f.write_all(&i.borrow()));
                }
            }
        }));
    });
}

/// The PDF engine (through a temp file, as the conversion child runs it) never panics on hostile
/// bytes; the PDF library under it may panic (contained, see [`contained`]) but never abort, hang
/// or exhaust memory.
pub fn convert(data: &[u8]) {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(data).expect("write");
    let opts = ConvertOptions {
        max_stream_bytes: 16 << 20,
        ..ConvertOptions::default()
    };
    INPUT.with(|i| *i.borrow_mut() = data.to_vec());
    let _ = self_contained(|| Builtin.convert(f.path(), &opts));
    contained(|| {
        if let Ok(doc) = pdf_oxide::PdfDocument::from_bytes(data.to_vec()) {
            let pages = doc.page_count().unwrap_or(0).min(4);
            for i in 0..pages {
                let _ = doc.extract_text(i);
            }
        }
    });
}
