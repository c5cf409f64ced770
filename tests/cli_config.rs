//! `mdspool config` says where each value came from, and a bad setting is reported against the
//! source that set it: the flag, the environment variable or the file.

mod support;

use support::Root;

#[test]
fn config_shows_origins_and_errors_name_their_source() {
    let r = Root::new("[watch]\nsettle = \"2s\"\n");
    let o = r.run(&["config"], &[("MDSPOOL_WORKERS_MAX_ATTEMPTS", "4")]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let text = String::from_utf8(o.stdout).unwrap();
    let line = |prefix: &str| {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in {text}"))
            .to_string()
    };
    assert!(line("settle = ").ends_with("mdspool.toml"), "{text}");
    assert!(
        line("max_attempts = ").ends_with("# environment variable MDSPOOL_WORKERS_MAX_ATTEMPTS")
    );
    assert!(line("rescan = \"1m\"").ends_with("# default"));
    assert!(line("root = ").ends_with("# flag --root"));

    let o = r.run(&["config", "--json"], &[]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["config"]["watch"]["settle"], "2s");
    assert!(
        v["origins"]["watch.settle"]
            .as_str()
            .unwrap()
            .starts_with("file ")
    );
    assert_eq!(v["origins"]["convert.timeout"], "default");

    // `--workers 0` is the flag's fault, not the file's.
    let o = r.mdspool(&["run", "--workers", "0"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("error[config_invalid]: --workers: "), "{err}");
    assert!(!err.contains("mdspool.toml"), "{err}");
    let o = r.run(&["config"], &[("MDSPOOL_CONVERT_TIMEOUT", "0s")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("environment variable MDSPOOL_CONVERT_TIMEOUT: "),
        "{err}"
    );
}
