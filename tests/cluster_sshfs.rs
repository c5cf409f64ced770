//! Several hosts on one root over sshfs (docs/scale-out.md): the acceptance run of
//! tests/cluster_hosts.rs again, with two of the three daemons on separate sshfs mounts of the
//! root (a real `sshd` on loopback; the kernel's FUSE attribute and entry caching as by default,
//! sshfs's own directory cache off as docs/scale-out.md asks; no lock is shared between the
//! mounts). Run once with sshfs's default directory cache: a daemon read a manifest another mount
//! had replaced cut at its old size and stopped on `record_corrupt`; manifests are now read again
//! before they are called corrupt, and the mount option is documented. One of the mounted daemons is SIGKILLed mid-run; its job finishes on
//! another host after the lease timeout, and every drop is one job published once.

mod support;

use std::time::{Duration, Instant};

use support::cluster::{
    TOML, check_once_each, drop_all, every_host_ran_a_job, running_on, start, wait_succeeded,
};
use support::fs::read_json;
use support::servers::{Sshd, have};
use support::{Root, wait_until};

#[test]
fn three_hosts_two_over_sshfs_share_the_drops_and_survive_a_kill() {
    if !have(
        "sshfs cluster",
        &["sshd", "ssh", "ssh-keygen", "sshfs", "fusermount3"],
    ) {
        return;
    }
    if !std::path::Path::new("/dev/fuse").exists() {
        support::skip::skip("sshfs cluster", "no /dev/fuse");
        return;
    }
    let root = Root::new(TOML);
    let r = root.path();
    let sshd = Sshd::start(&root.outside("ssh"));
    let m1 = sshd.sshfs(r, &root.outside("mnt1"));
    let m2 = sshd.sshfs(r, &root.outside("mnt2"));
    // The mounts see no inotify events of the other side: the inbox is polled.
    let poll = [("MDSPOOL_WATCH_POLL", "1s")];
    let h0 = start(r, "h0", &poll);
    let s1 = start(&m1.path, "s1", &poll);
    let mut s2 = start(&m2.path, "s2", &poll);
    let keys = drop_all(&r.join("inbox"), 90, &["sleep:1"]);
    wait_until(Duration::from_secs(120), "90 jobs admitted", || {
        support::fs::manifests(r).len() == 90
    });
    let victim = wait_until(Duration::from_secs(120), "a job running on s2", || {
        running_on(r, "s2")
    });
    s2.kill();
    let killed_at = Instant::now();
    wait_until(Duration::from_secs(90), "s2's job taken over", || {
        read_json(&r.join("jobs").join(&victim).join("manifest.json"))
            .is_some_and(|m| m["status"] != "running")
    });
    assert!(killed_at.elapsed() >= Duration::from_secs(4));
    wait_succeeded(r, &keys, Duration::from_secs(400));
    let jobs = check_once_each(r, &keys);
    let hosts: Vec<&str> = jobs[&victim]["attempt_hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["host"].as_str().unwrap())
        .collect();
    assert_eq!(hosts[0], "s2");
    assert_ne!(*hosts.last().unwrap(), "s2");
    every_host_ran_a_job(&jobs, &["h0", "s1", "s2"]);
    for d in [h0, s1] {
        let path = d.log.clone();
        let st = d.stop();
        let log = String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned();
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        assert!(
            st.is_some_and(|s| s.success()),
            "{st:?} {}: {tail:#?}",
            path.display()
        );
    }
    drop(s2);
    drop((m1, m2));
}
