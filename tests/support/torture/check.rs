//! The invariants of a storage root against the ledger of what a client dropped. `midway` runs on
//! the tree a SIGKILLed daemon left (nothing may have vanished, nothing is duplicated, every
//! receipt points to a readable manifest); `finished` runs after a clean drain and accounts for
//! every drop exactly: a job, a replay of one, or a refusal with its code.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use mdspool::store::{JobStatus, Manifest};

use super::super::fs::{names, read_json, temp_files_under, walk};
use super::{DropRec, Expect, sha256_hex};

/// What `finished` counted.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub drops: usize,
    pub jobs: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub replays: usize,
    pub conflicts: usize,
    pub refused: BTreeMap<String, usize>,
    pub lost: usize,
    pub duplicates: usize,
}

/// Every manifest of `jobs/`; an unreadable one is a violation.
pub fn manifests(root: &Path) -> Result<Vec<Manifest>, String> {
    let mut out = Vec::new();
    for id in names(&root.join("jobs")) {
        let p = root.join("jobs").join(&id).join("manifest.json");
        let bytes = std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        out.push(Manifest::parse(&p, &bytes).map_err(|e| format!("torn manifest: {e}"))?);
    }
    Ok(out)
}

/// `rejected/` notes: file stem -> (code, scope/key).
fn notes(root: &Path) -> HashMap<String, (String, Option<String>)> {
    let dir = root.join("rejected");
    let mut out = HashMap::new();
    for n in names(&dir) {
        let Some(stem) = n.strip_suffix(".error.json") else {
            continue;
        };
        let Ok(b) = std::fs::read(dir.join(&n)) else {
            continue;
        };
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap_or_default();
        let code = v["code"].as_str().unwrap_or("").to_string();
        let key = v["key"].as_str().map(|k| {
            let scope = v["scope"].as_str().unwrap_or("default");
            format!("{scope}/{k}")
        });
        out.insert(stem.to_string(), (code, key));
    }
    out
}

/// The note of the drop called `name` (`rejected/NAME` or `rejected/TAG-NAME`).
fn note_of<'a>(
    notes: &'a HashMap<String, (String, Option<String>)>,
    name: &str,
) -> Option<&'a (String, Option<String>)> {
    notes.get(name).or_else(|| {
        let suffix = format!("-{name}");
        notes
            .iter()
            .find(|(stem, _)| stem.ends_with(&suffix))
            .map(|(_, v)| v)
    })
}

fn by_key(jobs: &[Manifest]) -> Result<HashMap<String, &Manifest>, String> {
    let mut map: HashMap<String, &Manifest> = HashMap::new();
    for m in jobs {
        let k = format!("{}/{}", m.idempotency.scope, m.idempotency.key);
        if let Some(other) = map.insert(k.clone(), m) {
            return Err(format!(
                "duplicate: key {k} has jobs {} and {}",
                other.job_id, m.job_id
            ));
        }
    }
    Ok(map)
}

/// Every receipt that names a job points to a readable manifest of the same key.
fn receipts_point_to_jobs(root: &Path, jobs: &HashMap<String, &Manifest>) -> Result<(), String> {
    let dir = root.join("receipts");
    for scope in names(&dir) {
        for f in names(&dir.join(&scope)) {
            let Some(key) = f.strip_suffix(".json") else {
                continue;
            };
            let p = dir.join(&scope).join(&f);
            let r = read_json(&p).ok_or_else(|| format!("torn receipt {}", p.display()))?;
            if let Some(id) = r["job_id"].as_str() {
                let k = format!("{scope}/{key}");
                match jobs.get(&k) {
                    Some(m) if m.job_id.to_string() == id => {}
                    _ => return Err(format!("receipt {k} names job {id}, which is not its job")),
                }
            }
        }
    }
    Ok(())
}

/// Files (recursively) of the staging entries: names and content hashes.
fn staging(root: &Path) -> (HashSet<String>, HashSet<String>) {
    let (mut ns, mut shas) = (HashSet::new(), HashSet::new());
    for (p, t) in walk(&root.join("state/staging")) {
        if t.is_dir() {
            continue;
        }
        if let Ok(b) = std::fs::read(&p) {
            shas.insert(sha256_hex(&b));
        }
        if let Some(n) = p.file_name() {
            ns.insert(n.to_string_lossy().into_owned());
        }
    }
    (ns, shas)
}

/// Where a drop may be at any instant (I1): in the inbox, in a staging entry, a job of its bytes
/// (its own or a replay of its key's), or refused with a note.
struct Places {
    jobs: Vec<Manifest>,
    inbox: HashSet<String>,
    staged: HashSet<String>,
    staged_shas: HashSet<String>,
    notes: HashMap<String, (String, Option<String>)>,
    sources: HashSet<(String, String)>,
}

impl Places {
    fn of(root: &Path) -> Result<Places, String> {
        let jobs = manifests(root)?;
        let (staged, staged_shas) = staging(root);
        let sources = jobs
            .iter()
            .map(|m| (m.source.name.clone(), m.idempotency.fingerprint.clone()))
            .collect();
        Ok(Places {
            jobs,
            inbox: names(&root.join("inbox")).into_iter().collect(),
            staged,
            staged_shas,
            notes: notes(root),
            sources,
        })
    }

    fn holds(&self, d: &DropRec) -> bool {
        let (scope, key) = (d.scope.as_str(), d.key.as_str());
        self.inbox.contains(&d.name)
            || self.staged.contains(&d.name)
            || (d.len > 0 && self.staged_shas.contains(&d.sha))
            || self.sources.contains(&(d.name.clone(), d.sha.clone()))
            || note_of(&self.notes, &d.name).is_some()
            || self.jobs.iter().any(|m| {
                m.idempotency.scope == scope
                    && m.idempotency.key == key
                    && m.idempotency.fingerprint == d.sha
            })
    }
}

/// Counted from the real tree, never assumed: drops of the ledger that are nowhere (`lost`), and
/// jobs beyond the first of a (scope, key) (`duplicates`).
pub fn lost_and_duplicates(root: &Path, ledger: &[DropRec]) -> Result<(usize, usize), String> {
    let places = Places::of(root)?;
    let lost = ledger.iter().filter(|d| !places.holds(d)).count();
    let mut per_key: HashMap<(&str, &str), usize> = HashMap::new();
    for m in &places.jobs {
        *per_key
            .entry((&m.idempotency.scope, &m.idempotency.key))
            .or_default() += 1;
    }
    let duplicates = per_key.values().map(|n| n - 1).sum();
    Ok((lost, duplicates))
}

/// Invariants of the tree a killed daemon left, for the drops the client had completed. Returns
/// how many jobs are not final yet.
pub fn midway(root: &Path, ledger: &[DropRec]) -> Result<usize, String> {
    let places = Places::of(root)?;
    let keyed = by_key(&places.jobs)?;
    receipts_point_to_jobs(root, &keyed)?;
    if let Some(d) = ledger.iter().find(|d| !places.holds(d)) {
        let k = format!("{}/{}", d.scope, d.key);
        return Err(format!(
            "lost: drop {} ({}, key {k}) is nowhere",
            d.name, d.kind
        ));
    }
    Ok(places.jobs.iter().filter(|m| !m.status.is_final()).count())
}

/// Temp files, staging or trash entries, and drops left in the inbox.
pub fn debris(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = temp_files_under(root)
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    for sub in ["state/staging", "state/trash", "inbox"] {
        for n in names(&root.join(sub)) {
            out.push(format!("{sub}/{n}"));
        }
    }
    out
}

/// Full accounting after a clean drain (SIGTERM, exit 0). `lost` and `duplicates` are counted
/// from the tree ([`lost_and_duplicates`]); the caller fails when either is not 0.
pub fn finished(root: &Path, ledger: &[DropRec]) -> Result<Tally, String> {
    let (lost, duplicates) = lost_and_duplicates(root, ledger)?;
    if lost + duplicates > 0 {
        return Err(format!("lost={lost} duplicates={duplicates}"));
    }
    let jobs = manifests(root)?;
    let keyed = by_key(&jobs)?;
    receipts_point_to_jobs(root, &keyed)?;
    let notes = notes(root);
    let mut t = Tally {
        drops: ledger.len(),
        jobs: jobs.len(),
        lost,
        duplicates,
        ..Tally::default()
    };
    let mut groups: BTreeMap<String, Vec<&DropRec>> = BTreeMap::new();
    for d in ledger {
        groups
            .entry(format!("{}/{}", d.scope, d.key))
            .or_default()
            .push(d);
    }
    let mut matched_jobs = HashSet::new();
    for (k, drops) in &groups {
        let refused: Vec<_> = drops
            .iter()
            .filter(|d| matches!(d.expect, Expect::Refused(_)))
            .collect();
        for d in &refused {
            let Expect::Refused(code) = d.expect else {
                unreachable!()
            };
            match note_of(&notes, &d.name) {
                Some((c, key)) if c == code && key.as_deref() == Some(k.as_str()) => {
                    *t.refused.entry(code.to_string()).or_default() += 1;
                }
                other => return Err(format!("{} should be refused {code}: {other:?}", d.name)),
            }
            // With a job owning the key, the receipt is the job's (checked with the job).
            let r = read_json(&root.join("receipts").join(format!("{k}.json")));
            if !keyed.contains_key(k)
                && r.as_ref().and_then(|r| r["status"].as_str()) != Some("rejected")
            {
                return Err(format!("{}: receipt of a refused drop: {r:?}", d.name));
            }
        }
        if refused.len() == drops.len() {
            if keyed.contains_key(k) {
                return Err(format!("key {k} of refused drops has a job"));
            }
            continue;
        }
        let m = keyed
            .get(k)
            .ok_or_else(|| format!("lost: key {k} ({} drops) has no job", drops.len()))?;
        matched_jobs.insert(m.job_id);
        let fp = &m.idempotency.fingerprint;
        let drops: Vec<_> = drops
            .iter()
            .filter(|d| matches!(d.expect, Expect::Job(_)))
            .collect();
        let winners: Vec<_> = drops.iter().filter(|d| &d.sha == fp).collect();
        let Some(first) = winners.first() else {
            return Err(format!(
                "job {} of key {k} holds bytes nobody dropped",
                m.job_id
            ));
        };
        if !winners.iter().any(|d| d.name == m.source.name) {
            return Err(format!(
                "job {} of {k}: source {} unknown",
                m.job_id, m.source.name
            ));
        }
        for d in drops.iter().filter(|d| &d.sha != fp) {
            match note_of(&notes, &d.name) {
                Some((c, _)) if c == "idempotency_conflict" => t.conflicts += 1,
                other => return Err(format!("{} conflicts on {k} but: {other:?}", d.name)),
            }
        }
        for d in winners.iter().filter(|d| d.name != m.source.name) {
            if let Some(n) = note_of(&notes, &d.name) {
                return Err(format!("{} replays {k} but was refused: {n:?}", d.name));
            }
            t.replays += 1;
        }
        check_job(root, m, &first.expect)?;
        match m.status {
            JobStatus::Succeeded => t.succeeded += 1,
            _ => t.failed += 1,
        }
    }
    for m in &jobs {
        if !matched_jobs.contains(&m.job_id) {
            return Err(format!("job {} matches no drop: {m:?}", m.job_id));
        }
    }
    Ok(t)
}

/// A job after the drain: final as its bytes say, complete output, receipt and record agree.
fn check_job(root: &Path, m: &Manifest, expect: &Expect) -> Result<(), String> {
    let id = m.job_id;
    let dir = root.join("jobs").join(id.to_string());
    let want = match expect {
        Expect::Job(w) => *w,
        Expect::Refused(_) => return Err(format!("job {id} from a refused drop")),
    };
    match (m.status, want) {
        (JobStatus::Succeeded, None) => {
            // The expected output below is the test converter's: a job converted by anything else
            // (a binary built without `--features test-hooks`) proves nothing about I6.
            let by = m.converter.as_ref().map(|c| c.name.as_str());
            if by != Some("test") {
                return Err(format!(
                    "job {id} was converted by {by:?}, not the test converter: \
                     was the daemon built without `--features test-hooks`?"
                ));
            }
            let md = std::fs::read_to_string(dir.join("artifacts/output.md"))
                .map_err(|e| format!("job {id} succeeded without output: {e}"))?;
            let expect_md = format!("# input.pdf\n\n{} bytes\n", m.source.size);
            if md != expect_md {
                return Err(format!("job {id}: output {md:?} != {expect_md:?}"));
            }
            let log = std::fs::read_to_string(dir.join("logs/run.log")).unwrap_or_default();
            if log.matches("result: succeeded").count() > 1 {
                return Err(format!("job {id} succeeded twice:\n{log}"));
            }
        }
        (JobStatus::Failed, Some(code)) if m.error.as_ref().is_some_and(|e| e.code == code) => {
            if dir.join("artifacts/output.md").exists() {
                return Err(format!("failed job {id} has an output"));
            }
        }
        _ => {
            return Err(format!(
                "job {id} ended {} ({:?}), wanted {want:?}",
                m.status, m.error
            ));
        }
    }
    let k = format!("{}/{}", m.idempotency.scope, m.idempotency.key);
    let r = read_json(&root.join("receipts").join(format!("{k}.json")))
        .ok_or_else(|| format!("job {id}: no receipt for {k}"))?;
    if r["job_id"].as_str() != Some(&id.to_string())
        || r["status"].as_str() != Some(m.status.as_str())
    {
        return Err(format!("job {id} is {}, its receipt says {r}", m.status));
    }
    let rec = read_json(&root.join("state/idempotency").join(format!("{k}.json")))
        .ok_or_else(|| format!("job {id}: no idempotency record for {k}"))?;
    if rec["job_id"].as_str() != Some(&id.to_string()) {
        return Err(format!("job {id}: record of {k} says {rec}"));
    }
    Ok(())
}
