//! The recorder of the crash-state checker (test builds only, `test-hooks`): while it runs, every
//! mutating call of [`crate::fsx`] under one root is logged as an [`Op`] on inode numbers, the way
//! the file system sees it (a rename moves an inode, a directory fsync covers the entries of that
//! directory whatever its name by then). Calls outside the root (other tests running in parallel)
//! are ignored. One recording at a time: callers serialize.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Event;

/// One mutating operation; paths are relative to the recorded root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Create {
        path: PathBuf,
        ino: u64,
        dir: u64,
    },
    Truncate {
        ino: u64,
    },
    Write {
        ino: u64,
        data: Vec<u8>,
    },
    Fsync {
        ino: u64,
    },
    /// `ino` is the renamed file, `None` for a folder.
    Rename {
        from: PathBuf,
        to: PathBuf,
        ino: Option<u64>,
        from_dir: u64,
        to_dir: u64,
    },
    Link {
        to: PathBuf,
        ino: u64,
        dir: u64,
    },
    Unlink {
        path: PathBuf,
        dir: u64,
    },
    Mkdir {
        path: PathBuf,
        ino: u64,
        dir: u64,
    },
    Rmdir {
        path: PathBuf,
        dir: u64,
    },
    DirFsync {
        dir: u64,
    },
}

/// A name in a tree: a folder (with its inode) or a file (its inode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    Dir(u64),
    File(u64),
}

/// What a recording starts from and what it saw.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    /// The tree when the recording started (taken as durable: the scenario's set-up is synced).
    pub tree: BTreeMap<PathBuf, Node>,
    /// Content of every file inode the log did not create: the snapshot's, and files written by
    /// another process (the conversion child fsyncs its output) as first seen.
    pub bases: HashMap<u64, Vec<u8>>,
    pub ops: Vec<Op>,
}

struct Recorder {
    root: PathBuf,
    next: u64,
    names: BTreeMap<PathBuf, Node>,
    rec: Recording,
}

static ACTIVE: AtomicBool = AtomicBool::new(false);
static REC: Mutex<Option<Recorder>> = Mutex::new(None);

pub(super) fn active() -> bool {
    ACTIVE.load(Ordering::Relaxed)
}

/// Did `p` exist before an open that may create it? (Only asked while recording.)
pub(super) fn before_open(p: &Path) -> bool {
    active() && std::fs::symlink_metadata(p).is_ok()
}

pub(super) fn note(event: impl FnOnce() -> Event) {
    if !active() {
        return;
    }
    let mut g = REC.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(r) = g.as_mut() {
        r.handle(event());
    }
}

/// Starts recording under `root`, taking the current tree as the starting state.
pub fn start(root: &Path) {
    let mut r = Recorder {
        root: root.to_path_buf(),
        next: 1,
        names: BTreeMap::new(),
        rec: Recording::default(),
    };
    r.scan(root);
    r.rec.tree = r.names.clone();
    *REC.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
    ACTIVE.store(true, Ordering::SeqCst);
}

/// Stops recording and returns what was recorded.
pub fn stop() -> Recording {
    ACTIVE.store(false, Ordering::SeqCst);
    let r = REC.lock().unwrap_or_else(|e| e.into_inner()).take();
    r.map(|r| r.rec).unwrap_or_default()
}

impl Recorder {
    fn ino(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn scan(&mut self, p: &Path) {
        let Ok(meta) = std::fs::symlink_metadata(p) else {
            return;
        };
        let rel = self.rel(p).unwrap_or_default();
        let ino = self.ino();
        if meta.is_dir() {
            self.names.insert(rel, Node::Dir(ino));
            for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
                self.scan(&e.path());
            }
        } else {
            self.names.insert(rel, Node::File(ino));
            self.rec
                .bases
                .insert(ino, std::fs::read(p).unwrap_or_default());
        }
    }

    fn rel(&self, p: &Path) -> Option<PathBuf> {
        p.strip_prefix(&self.root).ok().map(Path::to_path_buf)
    }

    /// The inode of the file named `rel`; one never seen (written by another process) is read
    /// from `now_at` as it is.
    fn file(&mut self, rel: &Path, now_at: &Path) -> u64 {
        match self.names.get(rel) {
            Some(Node::File(i)) | Some(Node::Dir(i)) => *i,
            None => {
                let ino = self.ino();
                let data = std::fs::read(now_at).unwrap_or_default();
                self.rec.bases.insert(ino, data);
                self.names.insert(rel.to_path_buf(), Node::File(ino));
                ino
            }
        }
    }

    fn dir(&mut self, rel: &Path) -> u64 {
        match self.names.get(rel) {
            Some(Node::Dir(i)) | Some(Node::File(i)) => *i,
            None => {
                let ino = self.ino();
                self.names.insert(rel.to_path_buf(), Node::Dir(ino));
                ino
            }
        }
    }

    fn parent(&mut self, rel: &Path) -> u64 {
        let p = rel.parent().unwrap_or(Path::new("")).to_path_buf();
        self.dir(&p)
    }

    fn handle(&mut self, e: Event) {
        let op = match e {
            Event::Create(p) => {
                let Some(rel) = self.rel(&p) else { return };
                let (ino, dir) = (self.ino(), self.parent(&rel));
                self.names.insert(rel.clone(), Node::File(ino));
                Op::Create {
                    path: rel,
                    ino,
                    dir,
                }
            }
            Event::Truncate(p) => {
                let Some(rel) = self.rel(&p) else { return };
                Op::Truncate {
                    ino: self.file(&rel, &p),
                }
            }
            Event::Write(p, data) => {
                let Some(rel) = self.rel(&p) else { return };
                Op::Write {
                    ino: self.file(&rel, &p),
                    data,
                }
            }
            Event::Fsync(p) => {
                let Some(rel) = self.rel(&p) else { return };
                Op::Fsync {
                    ino: self.file(&rel, &p),
                }
            }
            Event::Rename(a, b) => {
                let (Some(from), Some(to)) = (self.rel(&a), self.rel(&b)) else {
                    return;
                };
                let (from_dir, to_dir) = (self.parent(&from), self.parent(&to));
                let ino = if b.is_dir() {
                    let moved: Vec<_> = self
                        .names
                        .range(from.clone()..)
                        .take_while(|(k, _)| k.starts_with(&from))
                        .map(|(k, v)| (k.clone(), *v))
                        .collect();
                    for (k, v) in moved {
                        self.names.remove(&k);
                        let tail = k.strip_prefix(&from).unwrap_or(Path::new(""));
                        self.names.insert(to.join(tail), v);
                    }
                    None
                } else {
                    let ino = self.file(&from, &b);
                    self.names.remove(&from);
                    self.names.insert(to.clone(), Node::File(ino));
                    Some(ino)
                };
                Op::Rename {
                    from,
                    to,
                    ino,
                    from_dir,
                    to_dir,
                }
            }
            Event::Link(a, b) => {
                let (Some(from), Some(to)) = (self.rel(&a), self.rel(&b)) else {
                    return;
                };
                let ino = self.file(&from, &a);
                let dir = self.parent(&to);
                self.names.insert(to.clone(), Node::File(ino));
                Op::Link { to, ino, dir }
            }
            Event::Unlink(p) => {
                let Some(rel) = self.rel(&p) else { return };
                let dir = self.parent(&rel);
                self.names.remove(&rel);
                Op::Unlink { path: rel, dir }
            }
            Event::Mkdir(p) => {
                let Some(rel) = self.rel(&p) else { return };
                let (ino, dir) = (self.ino(), self.parent(&rel));
                self.names.insert(rel.clone(), Node::Dir(ino));
                Op::Mkdir {
                    path: rel,
                    ino,
                    dir,
                }
            }
            Event::Rmdir(p) => {
                let Some(rel) = self.rel(&p) else { return };
                let dir = self.parent(&rel);
                self.names.remove(&rel);
                Op::Rmdir { path: rel, dir }
            }
            Event::DirFsync(p) => {
                let Some(rel) = self.rel(&p) else { return };
                Op::DirFsync {
                    dir: self.dir(&rel),
                }
            }
        };
        self.rec.ops.push(op);
    }
}
