//! Replays, on stable and without cargo-fuzz, every input of the fuzzing seed corpora
//! (`fuzz/seeds/<target>/`) and every input a fuzzer found (`tests/fixtures/fuzz/<target>/`,
//! minimized crash inputs kept as regressions) through the same checks as the fuzz targets
//! (`tests/support/fuzz_checks.rs`). See docs/reliability.md, "Fuzzing".

mod support;

use support::fuzz_checks as checks;

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut v = Vec::new();
    for dir in [
        root.join("fuzz/seeds").join(target),
        root.join("tests/fixtures/fuzz").join(target),
    ] {
        if let Ok(rd) = std::fs::read_dir(&dir) {
            v.extend(rd.flatten().map(|e| e.path()).filter(|p| {
                let dot = p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'));
                p.is_file() && !dot
            }));
        }
    }
    v.sort();
    v
}

fn replay(target: &str, check: fn(&[u8])) {
    let files = inputs(target);
    assert!(!files.is_empty(), "no seeds for {target}");
    for f in files {
        let data = std::fs::read(&f).unwrap();
        let r = std::panic::catch_unwind(|| check(&data));
        assert!(r.is_ok(), "{target}: {} fails its check", f.display());
    }
}

#[test]
fn sidecar_inputs() {
    replay("sidecar", checks::sidecar);
}

#[test]
fn manifest_inputs() {
    replay("manifest", checks::manifest);
}

#[test]
fn convert_inputs() {
    replay("convert", checks::convert);
}
