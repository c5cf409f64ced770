//! What the crash-state checker does with each state: writes it to a fresh folder, runs the
//! recovery the daemon runs at start (`Store::open`, `daemon::recovery::recover`, the walk of
//! finished jobs of `sweeper::leftovers`, then the first
//! sweep pass finishes `state/trash/`), and checks the invariants of docs/reliability.md that hold
//! after any recovery: I2 one job per key, I4 receipts tell the truth, I5/I6 a final job is whole,
//! I12 no final marker on a job that is not final,
//! I7 no debris, I9 every manifest parses. What was acknowledged (I1, I3) is each scenario's check.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::crash::{self, State};
use crate::clock::SystemClock;
use crate::config::{Config, RetentionConfig};
use crate::layout::Layout;
use crate::store::{JobStatus, Manifest, Store};

/// The store of a recovered crash state, with its jobs.
pub(super) struct Recovered {
    pub store: Store,
    pub jobs: Vec<Manifest>,
    _dir: tempfile::TempDir,
}

impl Recovered {
    pub fn root(&self) -> &Path {
        self.store.layout().root()
    }

    /// The jobs of key `key` (scope `default`).
    pub fn jobs_of(&self, key: &str) -> Vec<&Manifest> {
        self.jobs
            .iter()
            .filter(|m| m.idempotency.key == key)
            .collect()
    }

    /// The receipt of `key` (scope `default`) as JSON.
    pub fn receipt(&self, key: &str) -> Option<serde_json::Value> {
        let p = self
            .root()
            .join("receipts/default")
            .join(format!("{key}.json"));
        let b = std::fs::read(p).ok()?;
        serde_json::from_slice(&b).ok()
    }

    pub fn read(&self, rel: impl AsRef<Path>) -> Option<Vec<u8>> {
        std::fs::read(self.root().join(rel)).ok()
    }

    pub fn names(&self, rel: &str) -> Vec<String> {
        crate::durable::list_names(&self.root().join(rel)).unwrap_or_default()
    }
}

/// Writes `s`, recovers it and checks the common invariants.
pub(super) fn recover(s: &State, retention: &RetentionConfig) -> Result<Recovered, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let root = dir.path().join("root");
    crash::materialize(s, &root).map_err(|e| format!("materialize: {e}"))?;
    let store = Store::open(Layout::new(&root), Arc::new(SystemClock), retention.clone())
        .map_err(|e| format!("Store::open: {e}"))?;
    let cfg = Config::default();
    let rec = crate::daemon::recovery::recover(&store, &cfg, None)
        .map_err(|e| format!("recovery: {e}"))?;
    // What the sweeper thread finishes once the daemon is ready.
    if let Some(before) = rec.leftovers_before {
        let (_keep, stop) = crossbeam_channel::unbounded::<()>();
        let beat = crate::health::Beat::unwatched();
        crate::sweeper::leftovers::walk(&store, before, &beat, &stop)
            .map_err(|e| format!("leftovers: {e}"))?;
    }
    for id in crate::sweeper::apply::trash_ids(&store).map_err(|e| e.to_string())? {
        crate::sweeper::apply::finish_trash(&store, id).map_err(|e| format!("trash: {e}"))?;
    }
    let (jobs, errors) = store.list().map_err(|e| e.to_string())?;
    if !errors.is_empty() {
        return Err(format!("I9: manifests that do not parse: {errors:?}"));
    }
    let r = Recovered {
        store,
        jobs,
        _dir: dir,
    };
    common(&r)?;
    Ok(r)
}

fn walk(p: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if crate::durable::is_temp_name(&name) {
            out.push(e.path().display().to_string());
        }
        if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            walk(&e.path(), out);
        }
    }
}

fn sha256(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

fn common(r: &Recovered) -> Result<(), String> {
    let l = r.store.layout();
    let mut temps = Vec::new();
    walk(r.root(), &mut temps);
    if !temps.is_empty() {
        return Err(format!("I7: temp files after recovery: {temps:?}"));
    }
    for d in ["state/staging", "state/trash"] {
        if !r.names(d).is_empty() {
            return Err(format!(
                "I7: {d} not empty after recovery: {:?}",
                r.names(d)
            ));
        }
    }
    // I12: a final marker never hides a job that is not final.
    let marks = r.store.final_marks().map_err(|e| e.to_string())?;
    for m in &r.jobs {
        if let Some(s) = marks.get(&m.job_id).filter(|s| **s != m.status) {
            return Err(format!("I12: {} is {} but marked {s}", m.job_id, m.status));
        }
    }
    let mut per_key: HashMap<(String, String), usize> = HashMap::new();
    for m in &r.jobs {
        let k = (m.idempotency.scope.clone(), m.idempotency.key.clone());
        *per_key.entry(k.clone()).or_default() += 1;
        if per_key[&k] > 1 {
            return Err(format!("I2: two jobs for key {k:?}"));
        }
        match std::fs::read(l.raw_input(m.job_id)) {
            Ok(b) if sha256(&b) != m.idempotency.fingerprint => {
                return Err(format!(
                    "I1: job {} holds other bytes than its fingerprint",
                    m.job_id
                ));
            }
            Err(_) if m.raw_removed_at.is_none() => {
                return Err(format!("I1: job {} lost raw/input.pdf", m.job_id));
            }
            _ => {}
        }
        let out = l.output_md(m.job_id).exists();
        match m.status {
            JobStatus::Succeeded if !out => {
                return Err(format!("I6: {} succeeded without output", m.job_id));
            }
            JobStatus::Failed if m.error.is_none() => {
                return Err(format!("I5: {} failed without code", m.job_id));
            }
            JobStatus::Running => return Err(format!("{} still running after recovery", m.job_id)),
            _ => {}
        }
    }
    // I4: every receipt tells the truth.
    for scope in r.names("receipts") {
        for f in r.names(&format!("receipts/{scope}")) {
            let p = l.receipts_dir().join(&scope).join(&f);
            let v: serde_json::Value = std::fs::read(&p)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .ok_or_else(|| format!("I4: receipt {} does not parse", p.display()))?;
            let key = f.trim_end_matches(".json");
            let owner = r
                .jobs
                .iter()
                .find(|m| m.idempotency.scope == scope && m.idempotency.key == key);
            let status = v["status"].as_str().unwrap_or("");
            match (status, owner) {
                ("rejected", Some(m)) => {
                    return Err(format!(
                        "I2: the receipt of {key} says rejected, job {} owns it",
                        m.job_id
                    ));
                }
                ("rejected", None) => {}
                (s, Some(m))
                    if v["job_id"].as_str() == Some(&m.job_id.to_string())
                        && s == m.status.as_str() => {}
                (s, m) => {
                    return Err(format!(
                        "I4: receipt {scope}/{key} says {s} job {}, the store has {:?}",
                        v["job_id"],
                        m.map(|m| (m.job_id, m.status))
                    ));
                }
            }
        }
    }
    Ok(())
}
