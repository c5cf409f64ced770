//! A worker records one attempt (publish, manifest, receipt) while it already runs the next job's
//! conversion: the fsyncs of a job overlap the next conversion instead of idling the converter slot.

mod support;

use std::time::Duration;

use support::{Root, wait_until};

const CONFIG: &str = r#"
[workers]
count = 1
rescan = "200ms"
"#;

fn at(m: &serde_json::Value, k: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(m[k].as_str().unwrap()).unwrap()
}

#[test]
fn next_conversion_starts_while_the_previous_job_is_recorded() {
    let r = Root::new(CONFIG);
    let first = r.submit("first.pdf", &[], "first");
    let second = r.submit("second.pdf", &[], "second");
    // The first publish is held for 3 s (once): the second job must not wait for it.
    let mut d = r.start(
        &[],
        &[("MDSPOOL_FAILPOINT", "worker.before_publish=sleep:3000")],
    );
    wait_until(Duration::from_secs(60), "both jobs done", || {
        r.status(&first) == "succeeded" && r.status(&second) == "succeeded"
    });
    let (a, b) = (r.manifest(&first), r.manifest(&second));
    // One worker: whichever ran first was held; the other started before it was recorded (the
    // held job's manifest was written after the pause: its file's mtime).
    let (held, next) = if at(&a, "started_at") < at(&b, "started_at") {
        (&first, b)
    } else {
        (&second, a)
    };
    let path = r.job_dir(held).join("manifest.json");
    let recorded: chrono::DateTime<chrono::Utc> =
        std::fs::metadata(&path).unwrap().modified().unwrap().into();
    assert!(
        at(&next, "started_at") < recorded,
        "the next job started at {} only after the held one was recorded at {recorded}",
        next["started_at"],
    );
    d.signal(libc::SIGTERM);
    assert!(d.wait_exit(Duration::from_secs(30)).unwrap().success());
    assert!(r.temp_debris().is_empty(), "{:?}", r.temp_debris());
}
