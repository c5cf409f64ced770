//! kill -9 torture: a client drops a stream of PDFs into the inbox (good ones, not-PDFs, empty files,
//! replays of a key with the same bytes, conflicts with other bytes, bad drops reusing the key of a
//! job, drops without a sidecar) while
//! the daemon (`mdspool run --workers 2`, test converter) is SIGKILLed and restarted at random
//! moments. After every kill: no conversion child outlived the daemon, nothing the client dropped
//! vanished, no key has two jobs, every receipt points to a readable manifest. At the end the daemon
//! drains (SIGTERM, exit 0) and every drop is accounted for exactly (see `support/torture/check.rs`).
//!
//! `MDSPOOL_TORTURE_SECS` (default 75) sets how long the kills go on, `MDSPOOL_TORTURE_SEED` the
//! seed, `MDSPOOL_TORTURE_KEEP=1` keeps the root of a failed run, `MDSPOOL_TORTURE_BIN` runs another
//! copy of the binary (so that a long run is not disturbed by a rebuild).
//!
//! Guarantees G3 (recovery), G5 (no orphans) and G8 (no lost work) of docs/design.md, and the
//! invariants of docs/reliability.md.

mod support;

use std::time::{Duration, Instant};

use support::proc::orphans_after;
use support::torture::{Driver, Rng, check};
use support::{Daemon, Root};

const CONFIG: &str = r#"
[watch]
settle = "200ms"
rescan = "500ms"
[workers]
count = 2
max_attempts = 3
backoff = "100ms"
backoff_max = "400ms"
rescan = "300ms"
[convert]
timeout = "30s"
[shutdown]
grace = "30s"
"#;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// Fails the test with the context a human needs; keeps the root when asked to.
fn fail(r: Root, what: &str, log: &str) -> ! {
    let tail: String = log
        .lines()
        .rev()
        .take(40)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("\n");
    let root = r.root.display().to_string();
    if std::env::var_os("MDSPOOL_TORTURE_KEEP").is_some() {
        std::mem::forget(r);
    }
    panic!("{what}\nroot: {root}\nlast daemon log:\n{tail}");
}

/// `mdspool run --workers 2` on the root, like `Root::start`, from `MDSPOOL_TORTURE_BIN` if set.
fn start(r: &Root) -> Daemon {
    let Some(bin) = std::env::var_os("MDSPOOL_TORTURE_BIN") else {
        return r.start(&["--workers", "2"], &[]);
    };
    // The checks expect the test converter's output; a binary without it converts with the
    // built-in engine and every job "fails" I6 after the whole run.
    static CHECKED: std::sync::Once = std::sync::Once::new();
    CHECKED.call_once(|| {
        let image = std::fs::read(&bin).expect("read MDSPOOL_TORTURE_BIN");
        assert!(
            image.windows(22).any(|w| w == b"MDSPOOL_TEST_CONVERTER"),
            "MDSPOOL_TORTURE_BIN={} has no test converter: build it with \
             `cargo build --release --features test-hooks`",
            bin.to_string_lossy()
        );
    });
    let mut c = r.cmd();
    let args: Vec<_> = c.get_args().map(|a| a.to_owned()).collect();
    let envs: Vec<_> = c
        .get_envs()
        .map(|(k, v)| (k.to_owned(), v.map(|v| v.to_owned())))
        .collect();
    c = std::process::Command::new(bin);
    c.args(args).args(["run", "--workers", "2"]);
    for (k, v) in envs {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    Daemon::spawn(c, &r.root, r.dir.path())
}

/// Waits until the daemon says it started (its signal handlers are installed then).
fn wait_started(d: &Daemon) {
    assert!(
        d.wait_log("daemon started", Duration::from_secs(120)),
        "daemon did not start: {}",
        d.log_text()
    );
}

/// Is the inbox drained and every job final? And how many jobs are final (progress)?
fn settled(r: &Root) -> (bool, usize) {
    let empty = |sub: &str| {
        std::fs::read_dir(r.root.join(sub))
            .map(|mut d| d.next().is_none())
            .unwrap_or(true)
    };
    let jobs = check::manifests(&r.root).unwrap_or_default();
    let finals = jobs.iter().filter(|m| m.status.is_final()).count();
    let done = empty("inbox") && empty("state/staging") && finals == jobs.len();
    (done, finals)
}

#[test]
fn sigkill_torture_loses_and_duplicates_nothing() {
    let secs = env_u64("MDSPOOL_TORTURE_SECS").unwrap_or(75);
    let seed = env_u64("MDSPOOL_TORTURE_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
    });
    eprintln!("torture: seed={seed} secs={secs}");
    let r = Root::new(CONFIG);
    let inbox = r.root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let mut rng = Rng::new(seed ^ 0x5eed);
    let driver = Driver::start(inbox, seed, 200);
    let (mut kills, mut kills_mid_conversion, mut children_killed) = (0u64, 0u64, 0usize);
    // Children found by the /proc scan of the orphan check while their daemon lived: shows that
    // the scan sees them at all.
    let mut scanned = 0usize;
    let end = Instant::now() + Duration::from_secs(secs);
    let mut last_log = String::new();
    while Instant::now() < end {
        let mut d = start(&r);
        // Half the kills at any moment (during recovery too), half once the daemon serves.
        if rng.below(2) == 0 {
            std::thread::sleep(rng.millis(50, 1500));
        } else {
            wait_started(&d);
            std::thread::sleep(rng.millis(100, 1500));
        }
        if let Some(st) = d.wait_exit(Duration::ZERO) {
            let log = d.log_text();
            fail(
                r,
                &format!("daemon exited on its own ({st}) after {kills} kills"),
                &log,
            );
        }
        let children = d.converters();
        scanned += support::proc::converters_under(&r.root).len();
        d.kill();
        kills += 1;
        if !children.is_empty() {
            kills_mid_conversion += 1;
            children_killed += children.len();
        }
        last_log = d.log_text();
        // G5: the conversion children die with their daemon (PR_SET_PDEATHSIG).
        let orphans = orphans_after(&r.root, Duration::from_secs(10));
        if !orphans.is_empty() {
            fail(
                r,
                &format!("orphan conversion children {orphans:?}"),
                &last_log,
            );
        }
        let ledger = driver.snapshot();
        match check::midway(&r.root, &ledger) {
            Ok(pending) => driver
                .backlog
                .store(pending, std::sync::atomic::Ordering::SeqCst),
            Err(e) => fail(r, &format!("after kill {kills}: {e}"), &last_log),
        }
    }
    let ledger = driver.finish();
    let mut d = start(&r);
    wait_started(&d);
    // Drained: inbox and staging empty, every job final, on two looks 200 ms apart (one look reads
    // three directories one after the other: a drop claimed between them, its job's manifest not
    // yet written, passed for drained once); it fails if nothing moves for 120 s.
    let (mut last, mut moved) = (None, Instant::now());
    let mut settled_looks = 0;
    let drained = loop {
        let (done, finals) = settled(&r);
        settled_looks = if done { settled_looks + 1 } else { 0 };
        if settled_looks >= 2 {
            break true;
        }
        if last != Some(finals) {
            (last, moved) = (Some(finals), Instant::now());
        } else if moved.elapsed() > Duration::from_secs(120) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    if !drained {
        let log = d.log_text();
        d.kill();
        fail(r, "the drain did not finish", &log);
    }
    d.signal(libc::SIGTERM);
    let st = d.wait_exit(Duration::from_secs(60));
    let log = d.log_text();
    if !st.is_some_and(|s| s.success()) {
        fail(r, &format!("clean stop failed: {st:?}"), &log);
    }
    let debris = check::debris(&r.root);
    if !debris.is_empty() {
        fail(r, &format!("debris after a clean finish: {debris:?}"), &log);
    }
    // Counted from the tree, not assumed: a drop found nowhere, a key with a second job.
    // (Seen failing: with one job folder removed before this line, `lost=1` failed the run.)
    let (lost, duplicates) = match check::lost_and_duplicates(&r.root, &ledger) {
        Ok(n) => n,
        Err(e) => fail(r, &e, &log),
    };
    if lost + duplicates > 0 {
        let what = format!("lost={lost} duplicates={duplicates}");
        fail(r, &what, &log);
    }
    let t = match check::finished(&r.root, &ledger) {
        Ok(t) => t,
        Err(e) => fail(r, &e, &log),
    };
    assert_eq!((t.lost, t.duplicates), (0, 0));
    assert!(t.jobs > 0 && kills > 0, "the run did something: {t:?}");
    assert!(
        children_killed == 0 || scanned > 0,
        "the orphan scan never saw a conversion child"
    );
    let _ = last_log;
    let rejected: usize = t.refused.values().sum::<usize>() + t.conflicts;
    println!(
        "torture summary: seed={seed} secs={secs} kills={kills} kills_mid_conversion={kills_mid_conversion} \
         children_killed={children_killed} orphans=0 drops={} jobs={} succeeded={} failed={} replays={} \
         rejected={rejected} (conflicts={} {:?}) lost={} duplicates={}",
        t.drops,
        t.jobs,
        t.succeeded,
        t.failed,
        t.replays,
        t.conflicts,
        t.refused,
        t.lost,
        t.duplicates
    );
}

/// The codes the engine itself ends a hostile file with (the file's fault, decided by the engine):
/// a crash, timeout, memory kill or internal error of the engine on one of them is a finding, never
/// an accepted outcome (this corpus holds no file made to trigger those; the test converter's
/// directives do that in `daemon_failures.rs`).
const CONVERTER_CODES: &[&str] = &[
    "pdf_malformed",
    "pdf_encrypted",
    "no_text_layer",
    "pdf_too_complex",
];

/// Hostile PDFs (the fuzzing seeds, the inputs the fuzzer found, and the smallest files of the
/// pdf.js corpus when `../shared/corpus` is there) converted by the built-in engine, not the test
/// converter, while the daemon is SIGKILLed a few times: every drop ends as one job, `succeeded`
/// or `failed` with a stable code, no child outlives its daemon, the daemon drains and exits 0.
#[test]
fn hostile_pdfs_through_the_builtin_engine_under_kills() {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for d in ["fuzz/seeds/convert", "tests/fixtures/fuzz/convert"] {
        for e in std::fs::read_dir(crate_dir.join(d)).unwrap().flatten() {
            if !e.file_name().to_string_lossy().starts_with('.') {
                files.push(e.path());
            }
        }
    }
    let pdfjs = crate_dir.join("../shared/corpus/pdfjs");
    match std::fs::read_dir(&pdfjs) {
        Ok(rd) => {
            let mut small: Vec<(u64, std::path::PathBuf)> = rd
                .flatten()
                .filter_map(|e| Some((e.metadata().ok()?.len(), e.path())))
                .filter(|(len, p)| {
                    *len > 0 && *len < 20_000 && p.extension().is_some_and(|x| x == "pdf")
                })
                .collect();
            small.sort();
            files.extend(small.into_iter().take(40).map(|(_, p)| p));
        }
        Err(e) => support::skip::skip("pdfjs-corpus", &format!("{}: {e}", pdfjs.display())),
    }
    let r = Root::new(CONFIG);
    let inbox = r.root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let mut ledger = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let bytes = std::fs::read(f).unwrap();
        let (name, key) = (format!("h{i}.pdf"), format!("h{i}"));
        support::fs::drop_pdf(
            &inbox,
            &name,
            &bytes,
            Some(&format!("{{\"key\": \"{key}\"}}")),
        );
        ledger.push(support::torture::DropRec {
            name,
            scope: "default".into(),
            key,
            sha: support::torture::sha256_hex(&bytes),
            len: bytes.len(),
            expect: support::torture::Expect::Job(None),
            kind: "hostile",
        });
    }
    let real = [("MDSPOOL_TEST_CONVERTER", "")];
    let mut rng = Rng::new(7);
    for kill in 0..5 {
        let mut d = r.start(&["--workers", "2"], &real);
        std::thread::sleep(rng.millis(300, 1500));
        d.kill();
        let orphans = orphans_after(&r.root, Duration::from_secs(10));
        assert!(orphans.is_empty(), "kill {kill}: orphans {orphans:?}");
        if let Err(e) = check::midway(&r.root, &ledger) {
            panic!("after kill {kill}: {e}\n{}", d.log_text());
        }
    }
    let mut d = r.start(&["--workers", "2"], &real);
    wait_started(&d);
    let end = Instant::now() + Duration::from_secs(600);
    while !settled(&r).0 {
        assert!(Instant::now() < end, "drain: {}", d.log_text());
        std::thread::sleep(Duration::from_millis(200));
    }
    d.signal(libc::SIGTERM);
    let st = d.wait_exit(Duration::from_secs(60));
    assert!(st.is_some_and(|s| s.success()), "{st:?}: {}", d.log_text());
    assert!(
        check::debris(&r.root).is_empty(),
        "{:?}",
        check::debris(&r.root)
    );
    let jobs = check::manifests(&r.root).unwrap();
    let mut outcome: std::collections::BTreeMap<String, usize> = Default::default();
    let mut bad: Vec<String> = Vec::new();
    // The final ledger, per key: one job holding the file's bytes, ended `succeeded` or with a
    // converter code, its receipt saying so; or a refusal of that drop with its note and receipt.
    for (d, file) in ledger.iter().zip(&files) {
        let mine: Vec<_> = jobs.iter().filter(|m| m.idempotency.key == d.key).collect();
        let receipt =
            support::fs::read_json(&r.root.join(format!("receipts/default/{}.json", d.key)));
        let said = receipt
            .as_ref()
            .and_then(|v| v["status"].as_str().map(String::from));
        let what = match mine[..] {
            [] => {
                let note = r.root.join(format!("rejected/{}.error.json", d.name));
                match support::fs::read_json(&note) {
                    Some(n) if said.as_deref() == Some("rejected") => {
                        format!("rejected {}", n["code"].as_str().unwrap_or("?"))
                    }
                    n => format!("lost (note {n:?}, receipt {said:?})"),
                }
            }
            [m] if m.idempotency.fingerprint != d.sha => "a job with other bytes".into(),
            [m] if said.as_deref() != Some(m.status.as_str()) => {
                format!("{} with receipt {said:?}", m.status)
            }
            [m] => match (m.status, &m.error) {
                (mdspool::store::JobStatus::Succeeded, _) => "succeeded".into(),
                (mdspool::store::JobStatus::Failed, Some(e)) => e.code.to_string(),
                other => format!("ended {other:?}"),
            },
            _ => format!("{} jobs", mine.len()),
        };
        let ok = what == "succeeded"
            || CONVERTER_CODES.contains(&what.as_str())
            || what.starts_with("rejected ");
        if !ok {
            bad.push(format!("{} ({}): {what}", file.display(), d.key));
        }
        *outcome.entry(what).or_default() += 1;
    }
    let refused: usize = outcome
        .iter()
        .filter(|(k, _)| k.starts_with("rejected "))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(
        jobs.len() + refused,
        ledger.len(),
        "one job or refusal per drop: {outcome:?}"
    );
    println!(
        "hostile summary: files={} outcomes={outcome:?}",
        ledger.len()
    );
    assert!(
        bad.is_empty(),
        "files that did not end with a converter code:\n{}",
        bad.join("\n")
    );
}
