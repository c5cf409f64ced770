//! The exit codes are one table: README.md has it, `mdspool --help` has it, every command's
//! `--help` lists its own codes from it, and the rules behind it hold: `status` exits by whether the
//! job was found (not by how it ended), a refused drop's key exits 7, `io_error` exits 8 from
//! `convert` and `submit` alike.

mod support;

use std::path::Path;

use mdspool::store::JobStatus;
use support::Root;

const COMMANDS: &[&str] = &[
    "run", "submit", "status", "list", "config", "convert", "sweep", "pin", "unpin", "retry",
    "cancel", "doctor", "stats",
];

/// The `(code, meaning)` pairs after `Exit codes` in a help text (a meaning may go on over
/// indented lines).
fn exit_lines(text: &str) -> Vec<(u32, String)> {
    let start = text.find("Exit codes").expect("an exit-code list");
    let mut out: Vec<(u32, String)> = Vec::new();
    for l in text[start..]
        .lines()
        .skip_while(|l| !l.ends_with(':'))
        .skip(1)
    {
        let t = l.trim_start();
        let numbered = t
            .split_once("  ")
            .and_then(|(n, rest)| Some((n.parse::<u32>().ok()?, rest.trim().to_string())));
        match (numbered, out.last_mut()) {
            (Some(pair), _) => out.push(pair),
            (None, Some(last)) if l.starts_with("   ") && !t.is_empty() => {
                last.1.push(' ');
                last.1.push_str(t);
            }
            _ => break,
        }
    }
    out
}

#[test]
fn every_help_lists_exit_codes_of_the_one_table_that_readme_has() {
    let all = exit_lines(&support::help(&[]));
    assert_eq!(
        all.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        (0..=9).collect::<Vec<_>>()
    );
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for (n, meaning) in &all {
        let row = format!("| {n} | {meaning} |");
        assert!(readme.contains(&row), "README.md lacks the row {row}");
    }
    for cmd in COMMANDS {
        let own = exit_lines(&support::help(&[cmd]));
        assert!(own.iter().any(|(n, _)| *n == 0), "{cmd}: no exit 0");
        for (n, _) in &own {
            assert!(all.iter().any(|(m, _)| m == n), "{cmd} lists exit {n}");
        }
    }
    let status = support::help(&["status"]);
    assert!(status.contains("whether it was found, not how the job\nended"));
}

#[test]
fn status_exits_by_whether_the_job_was_found_not_by_how_it_ended() {
    let r = Root::new("");
    let id = r.submit_job("f.pdf", "k-failed", &[]);
    r.finish(id, JobStatus::Failed);
    let o = r.mdspool(&["status", &id.to_string()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("failed"));
    assert_eq!(r.code(&["status", "--key", "k-failed"]), Some(0));

    // A refused drop's key: exit 7, `drop_rejected`, naming the refusal's code.
    let bad = r.outside("bad.pdf");
    std::fs::write(&bad, b"not a pdf").unwrap();
    let o = r.mdspool(&["submit", bad.to_str().unwrap(), "--key", "k-bad"]);
    assert_eq!(o.status.code(), Some(7), "{o:?}");
    let o = r.mdspool(&["status", "--key", "k-bad", "--json"]);
    assert_eq!(o.status.code(), Some(7), "{o:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "drop_rejected");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not_a_pdf")
    );
}

#[test]
fn io_error_exits_8_from_convert_and_submit() {
    let r = Root::with_engine("");
    let missing = r.outside("missing.pdf");
    for args in [
        vec!["convert", missing.to_str().unwrap()],
        vec!["submit", missing.to_str().unwrap()],
    ] {
        let o = r.mdspool(&args);
        assert_eq!(o.status.code(), Some(8), "{args:?}: {o:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("error[io_error]"));
    }
    // A conversion that fails is still 7.
    let text = r.outside("text.pdf");
    std::fs::write(&text, b"%PDF-1.4\nnot really\n").unwrap();
    assert_eq!(r.code(&["convert", text.to_str().unwrap()]), Some(7));
}
