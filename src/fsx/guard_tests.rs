//! Keeps every mutating file-system call of the spool inside `fsx`: scans the non-test code of
//! `src/` for direct `std::fs` mutations (write, rename, link, remove, mkdir, permissions, a
//! writable `OpenOptions`, `File::create`, `sync_all`, temp files of the `tempfile` crate). A line
//! that must stay direct says why with `fsx-exempt:` on it or the line before.
//!
//! Seen to fail: with `std::fs::rename(&raw, entry.join(&name))` put back in `inbox/take.rs`, the
//! test lists that line.

use std::path::Path;

const MUTATING: &[&str] = &[
    "fs::write(",
    "fs::rename(",
    "fs::hard_link(",
    "fs::remove_file(",
    "fs::remove_dir(",
    "fs::remove_dir_all(",
    "fs::create_dir(",
    "fs::create_dir_all(",
    "fs::set_permissions(",
    "fs::copy(",
    "fs::DirBuilder",
    "File::create",
    ".sync_all()",
    ".sync_data()",
    ".set_len(",
    "tempfile::",
    "os::unix::fs::symlink(",
];

const WRITABLE: &[&str] = &[
    ".write(true)",
    ".append(true)",
    ".create(",
    ".create_new(",
    ".truncate(",
];

/// The lines of `text` before its test module (`#[cfg(test)]` at the start of a line).
fn non_test(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if l.starts_with("#[cfg(test)]") {
            break;
        }
        out.push((i + 1, l));
    }
    out
}

fn violations(file: &str, text: &str) -> Vec<String> {
    let lines = non_test(text);
    // `OpenOptions` imported from fsx is fsx's.
    let fsx_options = text
        .lines()
        .any(|l| l.starts_with("use crate::fsx") && l.contains("OpenOptions"));
    let mut bad = Vec::new();
    let exempt = |i: usize| {
        lines[i].1.contains("fsx-exempt:") || (i > 0 && lines[i - 1].1.contains("fsx-exempt:"))
    };
    for (i, (n, l)) in lines.iter().enumerate() {
        let code = l.split("//").next().unwrap_or("");
        if exempt(i) {
            continue;
        }
        if MUTATING.iter().any(|m| code.contains(m)) && !code.contains("fsx::") {
            bad.push(format!("{file}:{n}: {}", l.trim()));
        }
        if code.contains("OpenOptions::new()") && !code.contains("fsx::") && !fsx_options {
            // A read-only open is fine; one that writes or creates must be `fsx::OpenOptions`.
            let stmt: String = lines[i..]
                .iter()
                .take(8)
                .map(|(_, l)| *l)
                .take_while(|l| !l.contains(".open("))
                .collect();
            if WRITABLE.iter().any(|w| stmt.contains(w)) {
                bad.push(format!("{file}:{n}: {}", l.trim()));
            }
        }
    }
    bad
}

fn scan(dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            if name != "fsx" {
                scan(&p, out);
            }
        } else if name.ends_with(".rs") && !name.ends_with("tests.rs") && name != "durable.rs" {
            let text = std::fs::read_to_string(&p).unwrap();
            out.extend(violations(&p.display().to_string(), &text));
        }
    }
}

#[test]
fn no_direct_mutating_fs_call_outside_fsx() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut bad = Vec::new();
    scan(&src, &mut bad);
    // durable.rs is the layer right above fsx: its non-test part must use fsx too.
    let durable = std::fs::read_to_string(src.join("durable.rs")).unwrap();
    bad.extend(violations("src/durable.rs", &durable));
    assert!(
        bad.is_empty(),
        "direct mutating std::fs calls outside fsx:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_guard_sees_a_direct_call() {
    let text = "fn f() {\n    std::fs::rename(a, b).unwrap();\n    let f = std::fs::OpenOptions::new()\n        .write(true)\n        .open(p);\n    let r = std::fs::OpenOptions::new().read(true).open(p);\n}\n#[cfg(test)]\nmod tests { fn t() { std::fs::write(p, b\"\").unwrap(); } }\n";
    let bad = violations("x.rs", text);
    assert_eq!(bad.len(), 2, "{bad:?}");
}
