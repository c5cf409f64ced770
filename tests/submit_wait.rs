//! `mdspool submit --wait` against a running daemon, as a person at a desk uses it: the progress of
//! each job on stderr, the path of each Markdown on stdout, exit 0 when every job succeeded, the
//! exit code of the job's error code when one failed, and `wait_timeout` (9) when `--timeout` runs
//! out (the job goes on).

mod support;

use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use support::Root;

const CONFIG: &str = r#"
[workers]
count = 2
max_attempts = 3
backoff = "100ms"
backoff_max = "200ms"
rescan = "200ms"
"#;

fn write(r: &Root, name: &str, directives: &[&str]) -> String {
    let p = r.outside(name);
    std::fs::write(&p, support::pdf("", directives)).unwrap();
    p.to_str().unwrap().to_string()
}

/// A daemon on the root, once its startup recovery is over (a submission it would see half done).
fn daemon(r: &Root) -> support::Daemon {
    let d = r.start(&[], &[]);
    let started = d.wait_log("daemon started", Duration::from_secs(120));
    assert!(started, "{}", d.log_text());
    d
}

fn submit(r: &Root, args: &[&str]) -> Output {
    let mut all = vec!["submit"];
    all.extend_from_slice(args);
    r.mdspool(&all)
}

#[test]
fn wait_prints_each_markdown_path_and_exits_0() {
    let r = Root::new(CONFIG);
    let _d = daemon(&r);
    // One that runs long enough for its running phase to be seen, one that fails its first attempt.
    let slow = write(&r, "slow.pdf", &["sleep:3"]);
    let flaky = write(&r, "flaky.pdf", &["panic-until:2"]);
    // A bound so that a broken daemon fails the test rather than hanging it.
    let o = submit(&r, &[&slow, &flaky, "--wait", "--timeout", "10m"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stdout}\n{stderr}");
    // `PATH<TAB>FILE`, in the order the jobs end.
    let mut lines: Vec<(&str, &str)> = stdout
        .lines()
        .map(|l| l.split_once('\t').expect("PATH<TAB>FILE"))
        .collect();
    lines.sort_by_key(|(_, f)| *f != slow.as_str());
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!([lines[0].1, lines[1].1], [slow.as_str(), flaky.as_str()]);
    let paths: Vec<PathBuf> = lines.iter().map(|(p, _)| PathBuf::from(p)).collect();
    for p in &paths {
        assert!(p.starts_with(&r.root), "{}", p.display());
        assert!(p.ends_with("artifacts/output.md"), "{}", p.display());
        let md = std::fs::read_to_string(p).unwrap();
        assert!(md.starts_with("# "), "{md}");
    }
    assert!(stderr.contains("slow.pdf: running (attempt 1)"), "{stderr}");
    assert!(stderr.contains("slow.pdf: succeeded"), "{stderr}");
    assert!(stderr.contains("flaky.pdf: succeeded"), "{stderr}");

    // The same file again: the key's job, already done, is reported at once.
    let o = submit(&r, &[&slow, "--wait"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        paths[0].to_str().unwrap()
    );
}

#[test]
fn a_failed_job_exits_with_its_codes_exit_code() {
    let r = Root::new(CONFIG);
    let _d = daemon(&r);
    let good = write(&r, "good.pdf", &[]);
    let bad = write(&r, "bad.pdf", &["malformed"]);
    let o = submit(&r, &[&good, &bad, "--wait", "--timeout", "10m", "--json"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(7), "{stderr}");
    assert!(stderr.contains("error[pdf_malformed]"), "{stderr}");
    assert!(stderr.contains("bad.pdf"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["job"]["status"], "succeeded", "{v}");
    assert_eq!(v[1]["job"]["status"], "failed", "{v}");
    assert_eq!(v[1]["job"]["error"]["code"], "pdf_malformed", "{v}");

    // A file the inbox would refuse fails at once, with its refusal's code.
    let text = r.outside("notes.pdf");
    std::fs::write(&text, b"plain text").unwrap();
    let o = submit(&r, &[text.to_str().unwrap(), "--wait"]);
    assert_eq!(o.status.code(), Some(7), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("error[not_a_pdf]"));
}

#[test]
fn timeout_exits_9_and_the_job_goes_on() {
    // No daemon: the job stays queued.
    let r = Root::new(CONFIG);
    let pdf = write(&r, "later.pdf", &[]);
    let o = submit(&r, &[&pdf, "--key", "later", "--wait", "--timeout", "1s"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(9), "{stderr}");
    assert!(stderr.contains("later.pdf: queued"), "{stderr}");
    assert!(stderr.contains("error[wait_timeout]"), "{stderr}");
    assert!(o.stdout.is_empty(), "{o:?}");
    let o = r.mdspool(&["status", "--key", "later", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "queued");
}

#[test]
fn several_files_without_wait_and_usage_errors() {
    let r = Root::new(CONFIG);
    let a = write(&r, "a.pdf", &[]);
    let b = write(&r, "b.pdf", &["malformed"]);
    let o = submit(&r, &[&a, &b]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].ends_with(&format!("\t{a}")), "{stdout}");
    assert!(lines[1].ends_with(&format!("\t{b}")), "{stdout}");
    // One key cannot name two jobs; --timeout needs --wait.
    assert_eq!(submit(&r, &[&a, &b, "--key", "k"]).status.code(), Some(2));
    assert_eq!(submit(&r, &[&a, "--timeout", "1s"]).status.code(), Some(2));
}
