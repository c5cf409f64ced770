//! Several hosts on one root (docs/scale-out.md), run here as several daemons with their own
//! `--host-id` on one machine: the shared folder is the only thing between them, as it is between
//! hosts on an NFS share. Three daemons share 90 drops; one is SIGKILLed mid-run and its job is
//! taken over after the lease timeout; and a daemon whose lease renewals stop (a fail point: a
//! partition seen from the other hosts) while its conversion goes on has its late result discarded.

mod support;

use std::time::{Duration, Instant};

use support::cluster::{
    TOML, check_once_each, count_in_log, drop_all, every_host_ran_a_job, running_on, start,
    wait_succeeded,
};
use support::fs::read_json;
use support::{Root, pdf, wait_until};

#[test]
fn three_hosts_share_the_drops_and_a_killed_hosts_job_finishes_elsewhere() {
    let root = Root::new(TOML);
    let r = root.path();
    let h0 = start(r, "h0", &[]);
    let h1 = start(r, "h1", &[]);
    let mut h2 = start(r, "h2", &[]);
    let keys = drop_all(&r.join("inbox"), 90, &["sleep:1"]);
    // Every drop admitted first: a drop claimed into h2's own staging folder would wait for h2 to
    // come back (docs/scale-out.md).
    wait_until(Duration::from_secs(60), "90 jobs admitted", || {
        support::fs::manifests(r).len() == 90
    });
    // h2 is killed while it converts a job under its lease.
    let victim = wait_until(Duration::from_secs(120), "a job running on h2", || {
        running_on(r, "h2")
    });
    h2.kill();
    let killed_at = Instant::now();
    // Before the takeover, doctor lists the hosts and names the dead holder's lease stale.
    let doctor = root.run(&["doctor", "--json"], &[]);
    let text = String::from_utf8_lossy(&doctor.stdout);
    for h in ["h0", "h1", "h2"] {
        assert!(text.contains(&format!("host {h} (serving)")), "{text}");
    }
    assert!(
        text.contains("lease_stale") && text.contains(&format!("job {victim}: lease epoch")),
        "{text}"
    );
    wait_until(
        Duration::from_secs(60),
        "the killed host's job taken over",
        || {
            read_json(&r.join("jobs").join(&victim).join("manifest.json"))
                .is_some_and(|m| m["status"] != "running")
        },
    );
    let took = killed_at.elapsed();
    assert!(
        took >= Duration::from_secs(4),
        "taken over {took:?} after the kill, before the lease timed out"
    );
    wait_succeeded(r, &keys, Duration::from_secs(240));
    let jobs = check_once_each(r, &keys);
    let m = &jobs[&victim];
    let hosts: Vec<&str> = m["attempt_hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["host"].as_str().unwrap())
        .collect();
    assert_eq!(hosts[0], "h2", "{m:#}");
    assert_ne!(*hosts.last().unwrap(), "h2", "{m:#}");
    assert_eq!(count_in_log(r, &victim, "of host h2 not renewed"), 1);
    let status = root.mdspool(&["status", &victim]);
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains("attempt   1 on host h2 (lease epoch 1)"),
        "{text}"
    );
    // Every host did part of the work.
    every_host_ran_a_job(&jobs, &["h0", "h1", "h2"]);
    for d in [h0, h1] {
        assert!(d.stop().is_some_and(|s| s.success()));
    }
    for h in ["h0", "h1"] {
        let beat = read_json(&r.join(format!("state/hosts/{h}.json"))).unwrap();
        assert_eq!(beat["state"], "stopped", "{beat:#}");
        // Each host keeps its own totals.
        assert!(r.join(format!("state/counters-{h}.json")).is_file());
    }
    assert!(!r.join("state/counters.json").exists());
}

/// Checked once with fencing disabled (`Cluster::fence` returning `Ok` at once): h0's late result
/// was published as well, its run.log then held two `result: succeeded` lines, and this test failed.
#[test]
fn a_partitioned_holders_late_result_is_discarded_not_published() {
    let root = Root::new(TOML);
    let r = root.path();
    // h0's renewals stop at its third pass, about two seconds after it starts.
    let h0 = start(r, "h0", &[("MDSPOOL_FAILPOINT", "leases.renew:3=hang")]);
    let bytes = pdf("partitioned", &["sleep:12"]);
    support::fs::drop_pdf(&r.join("inbox"), "p.pdf", &bytes, Some("p"));
    let id = wait_until(Duration::from_secs(30), "the job running on h0", || {
        running_on(r, "h0")
    });
    let h1 = start(r, "h1", &[]);
    wait_succeeded(r, &["p".to_string()], Duration::from_secs(90));
    // h0's conversion ended (before h1's did) and found its lease lost.
    let log = |id: &str| {
        std::fs::read_to_string(r.join("jobs").join(id).join("logs/run.log")).unwrap_or_default()
    };
    wait_until(
        Duration::from_secs(30),
        "h0's late result discarded",
        || log(&id).contains("result discarded, not published"),
    );
    let jobs = check_once_each(r, &["p".to_string()]);
    let m = &jobs[&id];
    let hosts: Vec<(String, u64)> = m["attempt_hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["host"].as_str().unwrap().to_string(),
                a["epoch"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        hosts,
        [("h0".to_string(), 1), ("h1".to_string(), 3)],
        "{m:#}"
    );
    let text = log(&id);
    assert!(text.contains("on host h0 (lease epoch 1): job"), "{text}");
    assert!(text.contains("taken over by host h1 as epoch 2"), "{text}");
    assert!(r.join("jobs").join(&id).join("lease-2").is_file());
    assert!(h0.log_text().contains("lease lost"), "{}", h0.log_text());
    drop(h0);
    assert!(h1.stop().is_some_and(|s| s.success()));
}

/// Two hosts take the copies of one drop at once: the idempotency record is created exclusively,
/// so one host's admission wins and the other replays its job (same bytes) or refuses the drop
/// (other bytes), even while the winner's job is still being built in the winner's own staging
/// folder (the record names that host).
#[test]
fn two_hosts_admitting_one_key_make_one_job() {
    let root = Root::new(TOML);
    let r = root.path();
    // h0 pauses once between creating a record and building its job: h1, admitting the other
    // copy of that drop then, finds the record of a job it cannot see yet.
    let h0 = start(
        r,
        "h0",
        &[("MDSPOOL_FAILPOINT", "admit.after_record=sleep:1500")],
    );
    let h1 = start(r, "h1", &[]);
    let inbox = r.join("inbox");
    let mut keys = Vec::new();
    for i in 0..20 {
        let key = format!("same{i:02}");
        let bytes = pdf(&format!("same {i}"), &[]);
        for side in ["a", "b"] {
            support::fs::drop_pdf(&inbox, &format!("{side}{i:02}.pdf"), &bytes, Some(&key));
        }
        keys.push(key);
    }
    wait_succeeded(r, &keys, Duration::from_secs(120));
    let conflict = pdf("other bytes", &[]);
    support::fs::drop_pdf(&inbox, "c00.pdf", &conflict, Some("same00"));
    wait_until(Duration::from_secs(30), "inbox emptied", || {
        support::fs::names(&inbox).is_empty()
    });
    let rejected = wait_until(Duration::from_secs(30), "the conflict refused", || {
        support::fs::rejection(r, "c00.pdf")
    });
    assert_eq!(rejected["code"], "idempotency_conflict", "{rejected:#}");
    std::thread::sleep(Duration::from_secs(2));
    let all = support::fs::manifests(r);
    assert_eq!(all.len(), 20, "one job per key");
    for d in [h0, h1] {
        assert!(d.stop().is_some_and(|s| s.success()));
    }
}

/// Without `cluster.enabled`: a daemon that finds another host's live heartbeat at start switches
/// coordination on by itself; one that started alone says loudly that a host came after it.
#[test]
fn a_heartbeat_switches_coordination_on_and_a_lone_daemon_warns() {
    let root = Root::new("[workers]\nrescan = \"100ms\"\n");
    let r = root.path();
    let solo = start(r, "solo", &[]);
    assert!(
        solo.log_text().contains("cluster=false"),
        "{}",
        solo.log_text()
    );
    let h1 = start(r, "h1", &[("MDSPOOL_CLUSTER_ENABLED", "true")]);
    assert!(
        solo.wait_log("another host serves this root", Duration::from_secs(20)),
        "{}",
        solo.log_text()
    );
    let h2 = start(r, "h2", &[]);
    assert!(
        h2.log_text().contains("coordination switched on"),
        "{}",
        h2.log_text()
    );
    assert!(h2.log_text().contains("cluster=true"), "{}", h2.log_text());
    assert!(r.join("state/staging/h2").is_dir());
    for d in [solo, h1, h2] {
        assert!(d.stop().is_some_and(|s| s.success()));
    }
}

/// A daemon alone on its root keeps the fast path: no heartbeat, no lease, nothing of the cluster
/// in its manifests.
#[test]
fn a_lone_daemon_writes_no_lease_and_no_heartbeat() {
    let root = Root::new("");
    let r = root.path();
    let solo = start(r, "solo", &[]);
    let keys = drop_all(&r.join("inbox"), 3, &[]);
    wait_succeeded(r, &keys, Duration::from_secs(60));
    assert!(solo.stop().is_some_and(|s| s.success()));
    assert!(!r.join("state/hosts").exists());
    for m in support::fs::manifests(r) {
        assert!(
            m.get("lease_epoch").is_none() && m.get("attempt_hosts").is_none(),
            "{m:#}"
        );
        let dir = r.join("jobs").join(m["job_id"].as_str().unwrap());
        let leases: Vec<String> = support::fs::names(&dir)
            .into_iter()
            .filter(|n| n.starts_with("lease-"))
            .collect();
        assert!(leases.is_empty(), "{leases:?}");
    }
}
