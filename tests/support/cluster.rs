//! Several `mdspool run` daemons on one root, as several hosts would run them (each its own
//! `--host-id`), and the invariants their work must keep (docs/scale-out.md): every drop is one
//! job that succeeded, and each job's Markdown was published once, by the attempt whose lease
//! epoch the manifest names (its run.log has exactly one `result: succeeded` line, naming it).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::fs::{drop_pdf, manifests, names, read_json};
use super::{Daemon, pdf, wait_until};

/// The `mdspool.toml` of the cluster tests: leases renewed every second, taken over after 5 s.
pub const TOML: &str = "[cluster]\nenabled = true\nlease_renew = \"1s\"\nlease_timeout = \"5s\"\n\n[workers]\nrescan = \"1s\"\n";

/// `mdspool run --root ROOT --workers 1 --host-id HOST` with the test converter.
pub fn start(root: &Path, host: &str, env: &[(&str, &str)]) -> Daemon {
    let mut all = vec![("MDSPOOL_TEST_CONVERTER", "1")];
    all.extend_from_slice(env);
    let d = Daemon::start(root, &["--workers", "1", "--host-id", host], &all);
    assert!(
        d.wait_log("daemon started", Duration::from_secs(30)),
        "{host} did not start:\n{}",
        d.log_text()
    );
    d
}

/// Drops `n` PDFs (`d000.pdf`..., keys `k000`...) into `inbox`, each with `directives`.
pub fn drop_all(inbox: &Path, n: usize, directives: &[&str]) -> Vec<String> {
    (0..n)
        .map(|i| {
            let key = format!("k{i:03}");
            let bytes = pdf(&format!("drop {i}"), directives);
            drop_pdf(inbox, &format!("d{i:03}.pdf"), &bytes, Some(&key));
            key
        })
        .collect()
}

/// Waits until every key of `keys` has a receipt saying `succeeded` and its job's run.log the
/// result line (written just after the receipt).
pub fn wait_succeeded(root: &Path, keys: &[String], limit: Duration) {
    wait_until(limit, "every drop succeeded", || {
        keys.iter().all(|k| {
            read_json(&root.join("receipts/default").join(format!("{k}.json"))).is_some_and(|r| {
                r["status"] == "succeeded"
                    && count_in_log(root, r["job_id"].as_str().unwrap(), "result: succeeded") > 0
            })
        })
    });
}

/// How many times `text` occurs in job `id`'s run.log.
pub fn count_in_log(root: &Path, id: &str, text: &str) -> usize {
    std::fs::read_to_string(root.join("jobs").join(id).join("logs/run.log"))
        .unwrap_or_default()
        .matches(text)
        .count()
}

/// Checks the invariants over the whole root; returns each job's manifest by job id.
/// Asserts that each of `hosts` ran an attempt of one job or more (`attempt_hosts` in `jobs`, the
/// manifests by key).
pub fn every_host_ran_a_job(jobs: &BTreeMap<String, Value>, hosts: &[&str]) {
    for h in hosts {
        let ran = |m: &&Value| {
            m["attempt_hosts"]
                .as_array()
                .is_some_and(|a| a.iter().any(|a| a["host"] == *h))
        };
        assert!(jobs.values().any(|m| ran(&m)), "host {h} ran no job");
    }
}

pub fn check_once_each(root: &Path, keys: &[String]) -> BTreeMap<String, Value> {
    let all = manifests(root);
    assert_eq!(all.len(), keys.len(), "one job per drop");
    let mut by_key = BTreeMap::new();
    let mut by_id = BTreeMap::new();
    for m in all {
        let id = m["job_id"].as_str().unwrap().to_string();
        let key = m["idempotency"]["key"].as_str().unwrap().to_string();
        assert_eq!(m["status"], "succeeded", "job {id} ({key}): {m:#}");
        let epoch = m["lease_epoch"].as_u64().unwrap_or(0);
        assert!(epoch >= 1, "job {id} ran without a lease: {m:#}");
        let attempts = m["attempt_hosts"].as_array().cloned().unwrap_or_default();
        let last = attempts
            .last()
            .unwrap_or_else(|| panic!("job {id}: no attempt host"));
        assert_eq!(last["epoch"].as_u64(), Some(epoch), "job {id}: {m:#}");
        let host = last["host"].as_str().unwrap();
        let log = std::fs::read_to_string(root.join("jobs").join(&id).join("logs/run.log"))
            .unwrap_or_default();
        let published: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("result: succeeded"))
            .collect();
        assert_eq!(
            published.len(),
            1,
            "job {id} published {} times:\n{log}",
            published.len()
        );
        let by = format!("succeeded on host {host} (lease epoch {epoch})");
        assert!(
            published[0].contains(&by),
            "job {id}: {by:?} not in:\n{log}"
        );
        assert!(
            root.join("jobs")
                .join(&id)
                .join(format!("lease-{epoch}"))
                .is_file()
        );
        assert!(
            root.join("jobs")
                .join(&id)
                .join("artifacts/output.md")
                .is_file()
        );
        assert!(
            by_key.insert(key.clone(), id.clone()).is_none(),
            "key {key} twice"
        );
        by_id.insert(id, m);
    }
    let want: Vec<&String> = keys.iter().collect();
    assert_eq!(by_key.keys().collect::<Vec<_>>(), want);
    assert!(
        names(&root.join("inbox")).is_empty(),
        "inbox left: {:?}",
        names(&root.join("inbox"))
    );
    assert!(names(&root.join("rejected")).is_empty());
    by_id
}

/// The job running under `host`'s lease right now, if any.
pub fn running_on(root: &Path, host: &str) -> Option<String> {
    manifests(root).into_iter().find_map(|m| {
        let last = m["attempt_hosts"].as_array()?.last()?.clone();
        (m["status"] == "running" && last["host"] == host)
            .then(|| m["job_id"].as_str().unwrap().to_string())
    })
}
