//! The tree: the one walk, drops written the way the protocol asks, readers of the store's files.

use std::fs::FileType;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Every entry under `dir`, recursively, with its type, not following symlinks (a missing or
/// unreadable directory is empty).
pub fn walk(dir: &Path) -> Vec<(PathBuf, FileType)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                stack.push(e.path());
            }
            out.push((e.path(), ft));
        }
    }
    out
}

/// Every regular file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    walk(dir)
        .into_iter()
        .filter(|(_, t)| t.is_file())
        .map(|(p, _)| p)
        .collect()
}

/// Every temp file (`.~NAME.XXXX.tmp`, see `mdspool::durable::is_temp_name`) under `dir`.
pub fn temp_files_under(dir: &Path) -> Vec<PathBuf> {
    walk(dir)
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| mdspool::durable::is_temp_name(&n.to_string_lossy()))
        })
        .collect()
}

/// Names in `dir` (empty when missing), sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

pub fn read_json(p: &Path) -> Option<serde_json::Value> {
    serde_json::from_slice(&std::fs::read(p).ok()?).ok()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Writes `dir/name` the way the protocol asks: under a temp name, then renamed.
pub fn put(dir: &Path, name: &str, bytes: &[u8]) {
    let tmp = dir.join(format!(".{name}.part"));
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, dir.join(name)).unwrap();
}

/// Drops `name` into `inbox`, then its sidecar (when given) last.
pub fn drop_pdf(inbox: &Path, name: &str, bytes: &[u8], sidecar: Option<&str>) {
    put(inbox, name, bytes);
    if let Some(s) = sidecar {
        put(inbox, &format!("{name}.idem"), s.as_bytes());
    }
}

/// Every manifest under `<root>/jobs/`, as JSON.
pub fn manifests(root: &Path) -> Vec<serde_json::Value> {
    std::fs::read_dir(root.join("jobs"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| read_json(&e.path().join("manifest.json")))
        .collect()
}

/// The manifest of the job whose key is `key` (in any scope).
pub fn job_with_key(root: &Path, key: &str) -> Option<serde_json::Value> {
    manifests(root)
        .into_iter()
        .find(|m| m["idempotency"]["key"] == key)
}

/// The note `rejected/NAME.error.json` of a refused drop named `name`.
pub fn rejection(root: &Path, name: &str) -> Option<serde_json::Value> {
    read_json(&root.join("rejected").join(format!("{name}.error.json")))
}

/// Waits until `rejected/NAME` and its note are both there (the note is written first, then the
/// drop is moved beside it) and returns the note.
pub fn wait_rejected(root: &Path, name: &str, timeout: Duration) -> serde_json::Value {
    super::wait_until(timeout, &format!("rejection of {name}"), || {
        let moved = root.join("rejected").join(name).symlink_metadata().is_ok();
        rejection(root, name).filter(|_| moved)
    })
}
