//! Helpers of the torture tests: a small seeded random generator, a client that drops PDFs into the
//! inbox following the drop protocol (temp name, rename, sidecar written last) and keeps a ledger of
//! every drop it completed. The invariants over a root and a ledger are in `check.rs`.

pub mod check;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use super::fs::sha256_hex;

/// xorshift64*: deterministic for a seed, good enough to pick drop kinds and kill moments.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn millis(&mut self, lo: u64, hi: u64) -> Duration {
        Duration::from_millis(lo + self.below(hi - lo + 1))
    }
}

/// What a drop must become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Admitted (a job, or a replay of one); the job ends `succeeded` (`None`) or `failed` with
    /// this code.
    Job(Option<&'static str>),
    /// Refused before admission with this code.
    Refused(&'static str),
}

/// One drop the client completed (its last rename returned).
#[derive(Debug, Clone)]
pub struct DropRec {
    pub name: String,
    pub scope: String,
    pub key: String,
    pub sha: String,
    pub len: usize,
    pub expect: Expect,
    /// The kind the driver meant, for the summary (`new`, `replay`, `conflict`, `bare`...).
    pub kind: &'static str,
}

/// The final state a job converted by the test converter must reach, from its directives.
pub fn expected_outcome(bytes: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(bytes);
    if text.contains("%mdspool-test: malformed") {
        Some("pdf_malformed")
    } else if text.lines().any(|l| l.trim() == "%mdspool-test: panic") {
        Some("conversion_crashed")
    } else {
        None
    }
}

/// See [`Driver::backlog`].
pub const MAX_BACKLOG: usize = 150;
pub const MAX_INBOX: usize = 40;

/// The client: a thread dropping a mixed stream into the inbox until told to stop.
pub struct Driver {
    pub ledger: Arc<Mutex<Vec<DropRec>>>,
    /// Jobs not final yet, as last counted by the test: the client waits while it is above
    /// [`MAX_BACKLOG`] (or the inbox holds more than [`MAX_INBOX`] entries), so that the store stays
    /// small enough for a daemon killed every second to make progress.
    pub backlog: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

fn test_pdf(n: u64, directive: Option<&str>) -> Vec<u8> {
    let directives: Vec<&str> = directive.into_iter().collect();
    super::pdf(&format!("torture drop {n}"), &directives)
}

fn keyed(scope: &str, key: &str) -> String {
    format!("{{\"scope\": \"{scope}\", \"key\": \"{key}\", \"from\": \"torture\"}}")
}

impl Driver {
    /// Starts dropping into `inbox`, one drop every `pause_ms` (a random pause up to it).
    pub fn start(inbox: PathBuf, seed: u64, pause_ms: u64) -> Driver {
        let ledger = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let backlog = Arc::new(AtomicUsize::new(0));
        let (l, s, b) = (ledger.clone(), stop.clone(), backlog.clone());
        let handle = std::thread::spawn(move || {
            let mut rng = Rng::new(seed);
            let mut n = 0u64;
            while !s.load(Ordering::SeqCst) {
                let inbox_len = std::fs::read_dir(&inbox).map(|d| d.count()).unwrap_or(0);
                if b.load(Ordering::SeqCst) > MAX_BACKLOG || inbox_len > MAX_INBOX {
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
                n += 1;
                let rec = one_drop(&inbox, &mut rng, n, &l.lock().unwrap());
                l.lock().unwrap().push(rec);
                std::thread::sleep(rng.millis(0, pause_ms));
            }
        });
        Driver {
            ledger,
            backlog,
            stop,
            handle: Some(handle),
        }
    }

    pub fn snapshot(&self) -> Vec<DropRec> {
        self.ledger.lock().unwrap().clone()
    }

    /// Stops after the drop under way (a drop is never left half written) and returns the ledger.
    pub fn finish(mut self) -> Vec<DropRec> {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            h.join().expect("driver thread");
        }
        self.snapshot()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Picks and performs drop number `n`. `past` is the ledger so far (for replays and conflicts).
fn one_drop(inbox: &Path, rng: &mut Rng, n: u64, past: &[DropRec]) -> DropRec {
    let name = format!("d{n}.pdf");
    let admitted: Vec<&DropRec> = past
        .iter()
        .filter(|d| matches!(d.expect, Expect::Job(_)) && d.kind == "new")
        .collect();
    let bare: Vec<&DropRec> = past.iter().filter(|d| d.kind == "bare").collect();
    let roll = rng.below(100);
    let (bytes, scope, key, sidecar, kind, expect): (Vec<u8>, String, String, bool, _, _) =
        match roll {
            0..=14 if !admitted.is_empty() => {
                // Replay: same key, same bytes, another file name.
                let o = admitted[rng.below(admitted.len() as u64) as usize];
                let bytes = test_pdf_of(o);
                (
                    bytes,
                    o.scope.clone(),
                    o.key.clone(),
                    true,
                    "replay",
                    o.expect.clone(),
                )
            }
            15..=24 if !admitted.is_empty() => {
                // Conflict: same key, other bytes.
                let o = admitted[rng.below(admitted.len() as u64) as usize];
                let bytes = test_pdf(n, None);
                let scope = o.scope.clone();
                (
                    bytes,
                    scope,
                    o.key.clone(),
                    true,
                    "conflict",
                    Expect::Job(None),
                )
            }
            25..=31 => {
                let b = format!("this is not a PDF, drop {n}\n").into_bytes();
                let key = format!("bad-{n}");
                (
                    b,
                    "torture".into(),
                    key,
                    true,
                    "not_a_pdf",
                    Expect::Refused("not_a_pdf"),
                )
            }
            32..=37 => {
                let key = format!("empty-{n}");
                let e = Expect::Refused("empty_file");
                (Vec::new(), "torture".into(), key, true, "empty", e)
            }
            38..=41 if !bare.is_empty() => {
                let o = bare[rng.below(bare.len() as u64) as usize];
                let bytes = test_pdf_of(o);
                (
                    bytes,
                    o.scope.clone(),
                    o.key.clone(),
                    false,
                    "bare_replay",
                    o.expect.clone(),
                )
            }
            42..=51 => {
                let bytes = test_pdf(n, None);
                let key = format!("sha256-{}", sha256_hex(&bytes));
                (
                    bytes,
                    "default".into(),
                    key,
                    false,
                    "bare",
                    Expect::Job(None),
                )
            }
            52..=54 if !admitted.is_empty() => {
                // A bad drop reusing the key of a job: refused, the job's receipt untouched.
                let o = admitted[rng.below(admitted.len() as u64) as usize];
                let (b, code) = match rng.below(2) {
                    0 => (
                        format!("not a PDF either, drop {n}\n").into_bytes(),
                        "not_a_pdf",
                    ),
                    _ => (Vec::new(), "empty_file"),
                };
                let (scope, key) = (o.scope.clone(), o.key.clone());
                (b, scope, key, true, "bad_owned", Expect::Refused(code))
            }
            _ => {
                let directive = match rng.below(100) {
                    0..=9 => Some("sleep:1"),
                    10..=19 => Some("panic-until:2"),
                    20..=24 => Some("malformed"),
                    25..=27 => Some("panic"),
                    _ => None,
                };
                let bytes = test_pdf(n, directive);
                let e = Expect::Job(expected_outcome(&bytes));
                (bytes, "torture".into(), format!("k{n}"), true, "new", e)
            }
        };
    let sc = sidecar.then(|| keyed(&scope, &key));
    super::fs::drop_pdf(inbox, &name, &bytes, sc.as_deref());
    DropRec {
        name,
        scope,
        key,
        sha: sha256_hex(&bytes),
        len: bytes.len(),
        expect,
        kind,
    }
}

/// The bytes of an earlier drop, rebuilt from its number (drops are deterministic in `n`).
fn test_pdf_of(o: &DropRec) -> Vec<u8> {
    let n: u64 = o.name[1..o.name.len() - 4].parse().unwrap();
    for d in [
        None,
        Some("sleep:1"),
        Some("panic-until:2"),
        Some("malformed"),
        Some("panic"),
    ] {
        let b = test_pdf(n, d);
        if sha256_hex(&b) == o.sha {
            return b;
        }
    }
    panic!("cannot rebuild the bytes of {}", o.name)
}
