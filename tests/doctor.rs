//! `mdspool doctor` on real roots: a healthy one exits 0; on a deliberately broken one each planted
//! problem is reported with its code and the exit is non-zero; `--fix` repairs the safe ones and a
//! second run reports only what needs an operator; beside a running daemon its files are left alone.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::Value;
use support::Root;

/// `doctor --json` (plus `extra`): its exit code and findings.
fn doctor(r: &Root, extra: &[&str]) -> (Option<i32>, Vec<Value>) {
    let mut args = vec!["doctor", "--json"];
    args.extend_from_slice(extra);
    let o = r.mdspool(&args);
    let found: Vec<Value> =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {o:?}"));
    (o.status.code(), found)
}

fn has(found: &[Value], code: &str, path: &Path) -> Option<Value> {
    let p = path.display().to_string();
    found
        .iter()
        .find(|f| f["code"] == code && f["path"] == p.as_str())
        .cloned()
}

fn problems(found: &[Value]) -> Vec<String> {
    found
        .iter()
        .filter(|f| f["severity"] != "info" && f["fixed"] != true)
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_healthy_root_exits_zero() {
    let r = Root::new("");
    r.submit_job("a.pdf", "k1", &[]);
    let (code, found) = doctor(&r, &[]);
    assert_eq!(code, Some(0), "{found:?}");
    assert!(problems(&found).is_empty(), "{found:?}");
    let o = r.mdspool(&["doctor"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("healthy"),
        "{o:?}"
    );
}

#[test]
fn each_planted_problem_is_reported_and_fix_repairs_the_safe_ones() {
    let r = Root::new("");
    let l = &r.layout;
    let good = r.submit_job("good.pdf", "good", &[]);
    let broken = r.submit_job("broken.pdf", "broken", &[]);
    // A temp file of an interrupted write.
    let temp = l.receipts_dir().join("default").join(".~x.json.abc123.tmp");
    std::fs::write(&temp, b"half").unwrap();
    // A missing folder.
    std::fs::remove_dir(l.outbox_dir()).unwrap();
    // A corrupt manifest.
    std::fs::write(l.manifest(broken), b"{not json").unwrap();
    // A receipt that disagrees with its manifest (queued).
    let key = mdspool::ids::IdemKey::new("default", "good").unwrap();
    let receipt = l.receipt(&key);
    let mut v: Value = serde_json::from_slice(&std::fs::read(&receipt).unwrap()).unwrap();
    v["status"] = "succeeded".into();
    std::fs::write(&receipt, serde_json::to_vec(&v).unwrap()).unwrap();
    // A pid file naming a process that has ended.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let pid_file = r.outside("mdspool.pid");
    std::fs::write(&pid_file, format!("{dead}\n")).unwrap();
    // Wrong modes: a manifest clients cannot read, state/ open to others.
    std::fs::set_permissions(l.manifest(good), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::set_permissions(l.state_dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let pid_arg = ["--pid-file", pid_file.to_str().unwrap()];

    let (code, found) = doctor(&r, &pid_arg);
    assert_eq!(code, Some(8), "{found:#?}");
    for (c, p) in [
        ("temp_file", temp.as_path()),
        ("layout_missing", &l.outbox_dir()),
        ("manifest_unreadable", &l.manifest(broken)),
        ("receipt_stale", &receipt),
        ("stale_pid_file", &pid_file),
        ("mode_not_shared", &l.manifest(good)),
        ("state_not_private", &l.state_dir()),
    ] {
        let f = has(&found, c, p).unwrap_or_else(|| panic!("{c} {p:?} not in {found:#?}"));
        assert_eq!(f["fixed"], false);
        assert!(!f["message"].as_str().unwrap().is_empty());
    }
    // Checking changed nothing.
    assert!(temp.exists() && !l.outbox_dir().exists());

    let (code, found) = doctor(&r, &["--fix", "--pid-file", pid_file.to_str().unwrap()]);
    assert_eq!(code, Some(8), "{found:#?}");
    for (c, p) in [
        ("temp_file", temp.as_path()),
        ("layout_missing", &l.outbox_dir()),
        ("receipt_stale", &receipt),
        ("mode_not_shared", &l.manifest(good)),
        ("state_not_private", &l.state_dir()),
    ] {
        assert_eq!(has(&found, c, p).unwrap()["fixed"], true, "{c}: {found:#?}");
    }
    assert!(!temp.exists());
    assert!(l.outbox_dir().is_dir());
    assert_eq!(mode(&l.state_dir()), 0o700);
    assert_ne!(mode(&l.manifest(good)) & 0o044, 0);
    let v: Value = serde_json::from_slice(&std::fs::read(&receipt).unwrap()).unwrap();
    assert_eq!(v["status"], "queued");
    // Nothing an operator must judge was touched.
    assert_eq!(std::fs::read(l.manifest(broken)).unwrap(), b"{not json");
    assert!(pid_file.exists());

    let (code, found) = doctor(&r, &pid_arg);
    assert_eq!(code, Some(8), "{found:#?}");
    let mut left = problems(&found);
    left.sort();
    assert_eq!(
        left,
        ["manifest_unreadable", "stale_pid_file"],
        "{found:#?}"
    );
}

#[test]
fn a_running_daemons_in_flight_files_are_not_problems() {
    let r = Root::new("");
    let mut d = r.daemon(&[]);
    // Once started, the daemon holds the lock and its store is open.
    assert!(
        d.wait_log("daemon started", std::time::Duration::from_secs(30)),
        "{}",
        d.log_text()
    );
    let (_, found) = doctor(&r, &[]);
    assert!(
        found.iter().any(|f| f["code"] == "daemon_running"),
        "{found:#?}"
    );
    std::fs::write(r.layout.jobs_dir().join(".~m.json.abc123.tmp"), b"x").unwrap();
    let (code, found) = doctor(&r, &[]);
    d.kill();
    assert_eq!(code, Some(0), "{found:#?}");
    assert!(problems(&found).is_empty(), "{found:#?}");
}
