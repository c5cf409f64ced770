//! The documentation and the command line cannot drift apart silently: every flag in README.md's
//! command table is one its command's `--help` lists, README.md's configuration example is accepted
//! as it stands (commented-out keys included), every `section.key` that README.md, docs/ or a
//! `--help` names is a setting, and `MDSPOOL_CONFIG` names the configuration file.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::Root;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `--flags` (and `-o`) written in `text`.
fn flags(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
        let is_flag = word.starts_with("--") && word.len() > 2 || word == "-o";
        if is_flag && !out.iter().any(|f| f == word) {
            out.push(word.to_string());
        }
    }
    out
}

/// Every `section.key` named in backticks in `text`.
fn keys(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for quoted in text.split('`').skip(1).step_by(2) {
        for word in quoted.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')) {
            if let Some((s, k)) = word.split_once('.')
                && mdspool::config::SECTIONS.contains(&s)
                && !k.is_empty()
                // File names that begin like a section: `output.md`, `state/metrics.prom`.
                && !["md", "prom"].contains(&k)
                && !k.contains('.')
            {
                out.push((s.to_string(), k.to_string()));
            }
        }
    }
    out
}

/// The resolved configuration, as `mdspool config --json` prints it.
fn config_json(r: &Root, extra: &[&str]) -> Value {
    let mut args = extra.to_vec();
    args.extend(["config", "--json"]);
    let o = r.mdspool(&args);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn readme_command_table_flags_are_in_each_commands_help() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let rows: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("| `mdspool "))
        .collect();
    assert!(rows.len() >= 9, "the command table has {} rows", rows.len());
    let mut checked = 0;
    for row in rows {
        let usage = row.split(" | ").next().unwrap();
        for spelled in usage.split('`').skip(1).step_by(2) {
            let cmd = spelled.split_whitespace().nth(1).unwrap();
            let text = support::help(&[cmd]);
            for f in flags(spelled) {
                assert!(
                    text.contains(&f),
                    "README.md: `mdspool {cmd} {f}` is not in its --help"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 15, "only {checked} flags checked");
    let top = support::help(&[]);
    for f in ["--root", "--config", "--log-format"] {
        assert!(
            readme.contains(&format!("`{f}")),
            "README.md does not name {f}"
        );
        assert!(top.contains(f));
    }
}

#[test]
fn documented_config_keys_are_settings_and_readme_example_is_accepted() {
    let r = Root::new("");
    // README.md's example, its commented-out keys included.
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let block = readme
        .split("```toml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a toml block in README.md");
    let mut toml = String::new();
    for line in block.lines() {
        let uncommented = line.strip_prefix("# ").filter(|l| l.contains(" = "));
        toml.push_str(uncommented.unwrap_or(line));
        toml.push('\n');
    }
    let file = r.outside("readme.toml");
    std::fs::write(&file, &toml).unwrap();
    let v = config_json(&r, &["--config", file.to_str().unwrap()]);
    assert_eq!(v["config"]["convert"]["max_stream"], "256MiB", "{toml}");
    assert!(v["config"]["convert"]["command"].is_array(), "{toml}");
    assert_eq!(v["config"]["log"]["level"], "info");

    // Every setting that the docs or a --help name exists.
    let defaults = config_json(&r, &[]);
    let mut named = keys(&readme);
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    docs.sort();
    for d in &docs {
        named.extend(keys(&std::fs::read_to_string(d).unwrap()));
    }
    for cmd in [
        "run", "submit", "status", "list", "config", "convert", "sweep", "stats",
    ] {
        let text = support::help(&[cmd]).replace(['[', ']'], "`");
        named.extend(keys(&text));
    }
    assert!(named.len() >= 20, "{named:?}");
    for (s, k) in named {
        let obj = defaults["config"][&s].as_object().unwrap();
        assert!(
            obj.contains_key(&k),
            "{s}.{k} is documented but is no setting"
        );
    }
}

#[test]
fn mdspool_config_names_the_configuration_file() {
    let r = Root::new("");
    let file = r.outside("elsewhere.toml");
    std::fs::write(&file, "[workers]\nmax_attempts = 9\n").unwrap();
    let o = r.run(
        &["config", "--json"],
        &[("MDSPOOL_CONFIG", file.to_str().unwrap())],
    );
    assert!(o.status.success(), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["config"]["workers"]["max_attempts"], 9);
    let origin = v["origins"]["workers.max_attempts"].as_str().unwrap();
    assert!(Path::new(origin.trim_start_matches("file ")).ends_with("elsewhere.toml"));
}
