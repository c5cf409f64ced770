//! The crash-state model of the checker (ALICE / CrashMonkey style): from a recorded op log
//! ([`super::record`]), every state a power cut could leave on disk.
//!
//! The model (ext4 `data=ordered`, read as weakly as POSIX allows):
//! - A crash happens after any prefix `ops[..k]` of the log (`k` = 0..=n).
//! - An op of the prefix is **durable** when a later op of the prefix covers it: `fsync` of a file
//!   covers the earlier writes and truncations of that inode; `fsync` of a directory covers the
//!   earlier create, link, unlink, mkdir and rmdir in that directory (by inode: a folder renamed
//!   since is still the same folder), and a rename whose source or destination is that directory
//!   (a rename is one journal entry: it persists whole or not at all, never as two names or none).
//!   An `fsync` of a file does not make its name durable.
//! - Every op that is not durable may or may not have reached the disk, independently of the others
//!   (any subset, in any combination: reordering across directories and files included). The
//!   file data of one inode is the exception: its writes reach the disk as a prefix (the data of
//!   an inode is written back in file order; a later write never lands without an earlier one).
//!   A write is whole or absent (the spool's records are small; a torn write within one call is not
//!   modelled). Permissions and times are not modelled.
//! - Dependencies are kept: an op that puts a name into a folder (create, link, mkdir, rename) did
//!   not persist if the op that made the folder (its mkdir, or the rename that gave it its name)
//!   did not, and a rename did not persist without the create of the name it moves. A journaling
//!   file system journals a folder before the entries put into it; the states that break this
//!   are counted as impossible and not checked. An `rmdir` that persists takes the names still
//!   below it along.
//! - The starting tree (taken when recording started) is durable.
//!
//! Each prefix has `2^u` subsets (`u` = ops not yet durable). When that is more than `limit`, the
//! checker takes the `u + 1` in-order subsets (what a journal replays: the first `j` pending ops),
//! the empty and the full one, and random subsets from a fixed seed up to `limit`. States that come
//! out the same (same names, same contents, same "acknowledged" flag) are checked once.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use super::record::{Node, Op, Recording};

/// A crash state: names and the content of each file inode.
#[derive(Debug, Clone)]
pub struct State {
    pub tree: BTreeMap<PathBuf, Node>,
    pub data: HashMap<u64, Vec<u8>>,
}

/// How many states the exploration went through.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub ops: usize,
    /// Subsets built over all prefixes (before removing duplicates).
    pub built: usize,
    /// Subsets the full space has (sum of `2^u`; saturating).
    pub space: u128,
    /// Subsets that break a dependency (module docs): not a possible state.
    pub impossible: usize,
    /// Distinct states handed to the check.
    pub checked: usize,
    /// Prefixes whose subsets were sampled, not all taken.
    pub sampled_prefixes: usize,
}

fn is_data(op: &Op) -> Option<u64> {
    match op {
        Op::Write { ino, .. } | Op::Truncate { ino } => Some(*ino),
        _ => None,
    }
}

/// Does `by` (a later op) make `op` durable?
fn covers(by: &Op, op: &Op) -> bool {
    match (by, op) {
        (Op::Fsync { ino }, _) => is_data(op) == Some(*ino),
        (
            Op::DirFsync { dir },
            Op::Rename {
                from_dir, to_dir, ..
            },
        ) => dir == from_dir || dir == to_dir,
        (
            Op::DirFsync { dir },
            Op::Create { dir: d, .. }
            | Op::Link { dir: d, .. }
            | Op::Unlink { dir: d, .. }
            | Op::Mkdir { dir: d, .. }
            | Op::Rmdir { dir: d, .. },
        ) => dir == d,
        _ => false,
    }
}

/// Indexes of the ops of `ops[..k]` not yet durable at `k` (syncs themselves change nothing).
pub fn pending(ops: &[Op], k: usize) -> Vec<usize> {
    (0..k)
        .filter(|&i| !matches!(ops[i], Op::Fsync { .. } | Op::DirFsync { .. }))
        .filter(|&i| !ops[i + 1..k].iter().any(|b| covers(b, &ops[i])))
        .collect()
}

fn parent_ok(tree: &BTreeMap<PathBuf, Node>, p: &Path) -> bool {
    match p.parent() {
        Some(d) => matches!(tree.get(d), Some(Node::Dir(_))),
        None => true,
    }
}

fn subtree(tree: &BTreeMap<PathBuf, Node>, p: &Path) -> Vec<PathBuf> {
    tree.range(p.to_path_buf()..)
        .take_while(|(k, _)| k.starts_with(p))
        .map(|(k, _)| k.clone())
        .collect()
}

/// The state after the ops of `ops[..k]` for which `keep(i)`.
/// `None`: the subset breaks a dependency (module docs) and cannot happen.
pub fn build(rec: &Recording, k: usize, keep: &dyn Fn(usize) -> bool) -> Option<State> {
    let mut tree = rec.tree.clone();
    let mut data = rec.bases.clone();
    let mut cut: HashSet<u64> = HashSet::new();
    // Names some earlier op of the log put in place (kept or not).
    let mut placed: HashSet<&Path> = HashSet::new();
    for (i, op) in rec.ops[..k].iter().enumerate() {
        match op {
            Op::Create { path, .. } | Op::Link { to: path, .. } | Op::Rename { to: path, .. } => {
                placed.insert(path);
            }
            _ => {}
        }
        if !keep(i) {
            if let Some(ino) = is_data(op) {
                cut.insert(ino);
            }
            continue;
        }
        match op {
            Op::Create { path, ino, .. } | Op::Link { to: path, ino, .. } => {
                data.entry(*ino).or_default();
                if !parent_ok(&tree, path) {
                    return None;
                }
                tree.insert(path.clone(), Node::File(*ino));
            }
            Op::Truncate { ino } if !cut.contains(ino) => data.entry(*ino).or_default().clear(),
            Op::Write { ino, data: d } if !cut.contains(ino) => {
                data.entry(*ino).or_default().extend_from_slice(d)
            }
            Op::Rename {
                from,
                to,
                ino: None,
                ..
            } => {
                let moved: Vec<_> = subtree(&tree, from)
                    .into_iter()
                    .filter_map(|p| tree.remove(&p).map(|n| (p, n)))
                    .collect();
                if !parent_ok(&tree, to) || moved.is_empty() {
                    return None;
                }
                for p in subtree(&tree, to) {
                    tree.remove(&p);
                }
                for (p, n) in moved {
                    let tail = p.strip_prefix(from).unwrap_or(Path::new("")).to_path_buf();
                    tree.insert(to.join(tail), n);
                }
            }
            Op::Rename {
                from,
                to,
                ino: Some(ino),
                ..
            } => {
                if tree.get(from) == Some(&Node::File(*ino)) {
                    tree.remove(from);
                } else if !rec.bases.contains_key(ino) || placed.contains(from.as_path()) {
                    return None; // the op that put the name there did not persist
                }
                if !parent_ok(&tree, to) {
                    return None;
                }
                tree.insert(to.clone(), Node::File(*ino));
            }
            Op::Unlink { path, .. } => {
                if matches!(tree.get(path), Some(Node::File(_))) {
                    tree.remove(path);
                }
            }
            Op::Mkdir { path, ino, .. } => {
                if !parent_ok(&tree, path) {
                    return None;
                }
                tree.entry(path.clone()).or_insert(Node::Dir(*ino));
            }
            Op::Rmdir { path, .. } => {
                for p in subtree(&tree, path) {
                    tree.remove(&p);
                }
            }
            _ => {}
        }
    }
    Some(State { tree, data })
}

fn fingerprint(s: &State, acked: bool) -> u64 {
    let mut h = DefaultHasher::new();
    acked.hash(&mut h);
    for (p, n) in &s.tree {
        p.hash(&mut h);
        match n {
            Node::Dir(_) => 0u8.hash(&mut h),
            Node::File(i) => s.data.get(i).map(Vec::as_slice).unwrap_or(&[]).hash(&mut h),
        }
    }
    h.finish()
}

/// A small deterministic generator (xorshift64*), so that a sampled run is repeatable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// The subsets of `pending` taken at one prefix, as sets of kept indexes.
fn subsets(u: &[usize], limit: usize, seed: u64) -> (Vec<HashSet<usize>>, bool) {
    if u.len() < 63 && (1u64 << u.len()) <= limit as u64 {
        let all = (0..1u64 << u.len())
            .map(|m| {
                u.iter()
                    .enumerate()
                    .filter(|(b, _)| m >> b & 1 == 1)
                    .map(|(_, i)| *i)
                    .collect()
            })
            .collect();
        return (all, false);
    }
    let mut out: Vec<HashSet<usize>> = (0..=u.len())
        .map(|j| u[..j].iter().copied().collect())
        .collect();
    let mut rng = Rng(seed | 1);
    while out.len() < limit.max(u.len() + 1) {
        out.push(u.iter().copied().filter(|_| rng.next() & 1 == 1).collect());
    }
    (out, true)
}

/// Goes through the crash states of `rec` and calls `check(k, acked, state)` on each distinct
/// one (`acked`: the crash came after the whole log, i.e. after the call returned to its client).
/// Stops at the first error, returned with the prefix and the ops left out.
pub fn explore(
    rec: &Recording,
    limit: usize,
    seed: u64,
    mut check: impl FnMut(&State, bool) -> Result<(), String>,
) -> Result<Counts, String> {
    let n = rec.ops.len();
    let mut c = Counts {
        ops: n,
        ..Counts::default()
    };
    let mut seen = HashSet::new();
    for k in 0..=n {
        let u = pending(&rec.ops, k);
        c.space = c
            .space
            .saturating_add(1u128.checked_shl(u.len() as u32).unwrap_or(u128::MAX));
        let (sets, sampled) = subsets(&u, limit, seed ^ (k as u64).wrapping_mul(0x9e37_79b9));
        c.sampled_prefixes += sampled as usize;
        for kept in sets {
            c.built += 1;
            let keep = |i: usize| !u.contains(&i) || kept.contains(&i);
            let Some(s) = build(rec, k, &keep) else {
                c.impossible += 1;
                continue;
            };
            let acked = k == n;
            if !seen.insert(fingerprint(&s, acked)) {
                continue;
            }
            c.checked += 1;
            check(&s, acked).map_err(|e| {
                let lost: Vec<String> = u
                    .iter()
                    .filter(|i| !kept.contains(i))
                    .map(|i| format!("#{i} {:?}", short(&rec.ops[*i])))
                    .collect();
                let names: Vec<String> = s.tree.keys().map(|p| p.display().to_string()).collect();
                format!("crash after op {k} of {n} with pending ops lost {lost:?}: {e}\nstate before recovery: {names:?}")
            })?;
        }
    }
    Ok(c)
}

/// An op without its data, for messages.
fn short(op: &Op) -> String {
    match op {
        Op::Write { ino, data } => format!("Write {{ ino: {ino}, {} bytes }}", data.len()),
        o => format!("{o:?}"),
    }
}

/// Writes `s` under `dir` (a fresh folder, the root of the state); hard links stay links.
pub fn materialize(s: &State, dir: &Path) -> std::io::Result<()> {
    let mut first: HashMap<u64, PathBuf> = HashMap::new();
    std::fs::create_dir_all(dir)?;
    for (p, n) in &s.tree {
        let at = dir.join(p);
        match n {
            Node::Dir(_) => std::fs::create_dir_all(&at)?,
            Node::File(i) => match first.get(i) {
                Some(f) => std::fs::hard_link(f, &at)?,
                None => {
                    std::fs::write(&at, s.data.get(i).map(Vec::as_slice).unwrap_or(&[]))?;
                    first.insert(*i, at);
                }
            },
        }
    }
    Ok(())
}
