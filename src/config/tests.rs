//! Precedence and parsing of the configuration sources.

use super::*;
use std::path::PathBuf;
use toml::Value;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn defaults_need_no_setup() {
    let l = load(&Sources::default()).unwrap();
    assert!(l.config.root.is_absolute());
    assert!(l.config.root.ends_with("mdspool-data"));
    assert_eq!(l.config.watch.settle.to_string(), "5s");
    assert_eq!(l.config.retention.raw.to_string(), "1d");
    assert_eq!(l.config.retention.failed().to_string(), "7d");
    assert!(l.file.is_none());
}

#[test]
fn root_precedence_flag_env_alias() {
    let mut s = Sources {
        env: env(&[(ROOT_ENV_ALIAS, "/alias"), (ROOT_ENV, "/canonical")]),
        ..Default::default()
    };
    assert_eq!(load(&s).unwrap().config.root, PathBuf::from("/canonical"));
    s.env = env(&[(ROOT_ENV_ALIAS, "/alias")]);
    assert_eq!(load(&s).unwrap().config.root, PathBuf::from("/alias"));
    s.root = Some("/flag".into());
    assert_eq!(load(&s).unwrap().config.root, PathBuf::from("/flag"));
}

#[test]
fn file_then_env_then_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mdspool.toml");
    std::fs::write(
        &file,
        "[workers]\ncount = 3\nmax_attempts = 5\n[retention]\nraw = \"3s\"\n[watch]\npoll = \"2s\"\n",
    )
    .unwrap();
    let s = Sources {
        root: Some(dir.path().to_path_buf()),
        env: env(&[("MDSPOOL_WORKERS_COUNT", "7"), ("MDSPOOL_FAILPOINT", "x")]),
        flags: vec![("watch", "poll", Value::String("500ms".into()))],
        ..Default::default()
    };
    let l = load(&s).unwrap();
    assert_eq!(l.file.as_deref(), Some(file.as_path()));
    assert_eq!(l.config.workers.count, 7);
    assert_eq!(l.config.workers.max_attempts, 5);
    assert_eq!(l.config.retention.raw.0, std::time::Duration::from_secs(3));
    assert_eq!(l.config.watch.poll.unwrap().to_string(), "500ms");
}

#[test]
fn bad_values_name_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.toml");
    std::fs::write(&file, "[retention]\nraw = \"soon\"\n").unwrap();
    let s = Sources {
        config_file: Some(file.clone()),
        ..Default::default()
    };
    let e = load(&s).unwrap_err();
    assert_eq!(e.code(), crate::Code::ConfigInvalid);
    assert!(e.to_string().contains("c.toml"), "{e}");
    assert!(e.to_string().contains("soon"), "{e}");

    std::fs::write(&file, "[workers]\ncuont = 3\n").unwrap();
    let e = load(&s).unwrap_err();
    assert!(e.to_string().contains("cuont"), "{e}");
}

#[test]
fn missing_explicit_file_is_an_error() {
    let s = Sources {
        config_file: Some("/nonexistent/mdspool.toml".into()),
        ..Default::default()
    };
    assert_eq!(load(&s).unwrap_err().exit_code(), crate::error::exit::USAGE);
}

#[test]
fn bad_values_name_their_own_source_and_origins_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mdspool.toml");
    std::fs::write(&file, "[workers]\nmax_attempts = 5\n").unwrap();
    let mut s = Sources {
        root: Some(dir.path().to_path_buf()),
        env: env(&[("MDSPOOL_WATCH_SETTLE", "2s")]),
        flags: vec![("workers", "count", Value::Integer(2))],
        ..Default::default()
    };
    let l = load(&s).unwrap();
    assert_eq!(l.origin("workers.max_attempts"), Origin::File(file.clone()));
    assert_eq!(
        l.origin("watch.settle"),
        Origin::Env("MDSPOOL_WATCH_SETTLE".into())
    );
    assert_eq!(l.origin("workers.count"), Origin::Flag("--workers".into()));
    assert_eq!(l.origin("root"), Origin::Flag("--root".into()));
    assert_eq!(l.origin("watch.rescan"), Origin::Default);

    // A flag out of range is the flag's error, not the file's.
    s.flags = vec![("workers", "count", Value::Integer(0))];
    let e = load(&s).unwrap_err().to_string();
    assert!(e.starts_with("--workers: "), "{e}");
    assert!(!e.contains("mdspool.toml"), "{e}");
    // So is an environment variable, by name, whether it does not parse or is out of range.
    s.flags.clear();
    s.env = env(&[("MDSPOOL_WORKERS_COUNT", "0")]);
    let e = load(&s).unwrap_err().to_string();
    assert!(
        e.starts_with("environment variable MDSPOOL_WORKERS_COUNT: "),
        "{e}"
    );
    s.env = env(&[("MDSPOOL_WATCH_SETTLE", "soon")]);
    let e = load(&s).unwrap_err().to_string();
    assert!(
        e.starts_with("environment variable MDSPOOL_WATCH_SETTLE: "),
        "{e}"
    );
    assert!(e.contains("soon"), "{e}");
    // And the file's own bad value is the file's.
    s.env.clear();
    std::fs::write(&file, "[workers]\nmax_attempts = 0\n").unwrap();
    let e = load(&s).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{}: ", file.display())), "{e}");
}

#[test]
fn sandbox_is_strict_for_the_engine_off_for_a_command_and_never_strict_with_one() {
    use crate::config::Sandbox;
    let l = load(&Sources::default()).unwrap();
    assert_eq!(l.config.convert.sandbox(), Sandbox::Strict);
    let cmd = ("MDSPOOL_CONVERT_COMMAND", r#"["tool", "{input}"]"#);
    let s = Sources {
        env: env(&[cmd]),
        ..Default::default()
    };
    assert_eq!(load(&s).unwrap().config.convert.sandbox(), Sandbox::Off);
    let s = Sources {
        env: env(&[("MDSPOOL_CONVERT_SANDBOX", "off")]),
        ..Default::default()
    };
    assert_eq!(load(&s).unwrap().config.convert.sandbox(), Sandbox::Off);
    let s = Sources {
        env: env(&[cmd, ("MDSPOOL_CONVERT_SANDBOX", "strict")]),
        ..Default::default()
    };
    let e = load(&s).unwrap_err().to_string();
    assert!(
        e.contains("MDSPOOL_CONVERT_SANDBOX") && e.contains("docs/security.md"),
        "{e}"
    );
    let s = Sources {
        env: env(&[("MDSPOOL_CONVERT_SANDBOX", "loose")]),
        ..Default::default()
    };
    assert!(load(&s).is_err());
}

#[test]
fn cluster_settings_default_validate_and_name_their_flag() {
    let l = load(&Sources::default()).unwrap();
    let c = &l.config.cluster;
    assert!(!c.enabled);
    assert_eq!(c.lease_renew.to_string(), "10s");
    assert_eq!(c.lease_timeout.to_string(), "1m");
    assert_eq!(c.host(), crate::store::lock::hostname());
    let s = Sources {
        env: env(&[("MDSPOOL_CLUSTER_ENABLED", "true")]),
        flags: vec![("cluster", "host_id", Value::String("gpu-1".into()))],
        ..Default::default()
    };
    let l = load(&s).unwrap();
    assert!(l.config.cluster.enabled);
    assert_eq!(l.config.cluster.host(), "gpu-1");
    assert!(l.layout().staging_dir().ends_with("state/staging/gpu-1"));
    let bad = |key: &'static str, v: Value| {
        let s = Sources {
            flags: vec![("cluster", key, v)],
            ..Default::default()
        };
        load(&s).unwrap_err().to_string()
    };
    let e = bad("lease_timeout", Value::String("15s".into()));
    assert!(
        e.contains("at least three times cluster.lease_renew"),
        "{e}"
    );
    let e = bad("host_id", Value::String(".hidden".into()));
    assert!(e.starts_with("--host-id"), "{e}");
    let e = bad("host_id", Value::String("a/b".into()));
    assert!(e.contains("cluster.host_id must be"), "{e}");
}

#[test]
fn recycling_of_persistent_converters_defaults_and_validates() {
    let c = ConvertConfig::default();
    assert!(c.persistent);
    assert_eq!(
        (c.recycle_after_jobs, c.recycle_above_rss.0),
        (200, 512 << 20)
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.toml");
    let s = Sources {
        config_file: Some(file.clone()),
        ..Default::default()
    };
    for (toml, key) in [
        ("recycle_after_jobs = 0", "convert.recycle_after_jobs"),
        ("recycle_above_rss = \"1MiB\"", "convert.recycle_above_rss"),
    ] {
        std::fs::write(&file, format!("[convert]\n{toml}\n")).unwrap();
        let e = load(&s).unwrap_err();
        assert_eq!(e.code(), crate::Code::ConfigInvalid);
        assert!(e.to_string().contains(key), "{e}");
    }
    std::fs::write(
        &file,
        "[convert]\nrecycle_after_jobs = 5\npersistent = false\n",
    )
    .unwrap();
    let l = load(&s).unwrap();
    assert_eq!(l.config.convert.recycle_after_jobs, 5);
    assert!(!l.config.convert.persistent);
}
