//! Where the watcher's hints come from: inotify on local file systems, notify's `PollWatcher` on
//! network file systems (NFS, SMB/CIFS, FUSE..., where inotify sees only this host's changes) or
//! when `watch.poll` asks for it. Either way an event is only a hint to look at a path; an overflow
//! or an error asks for a full rescan.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crossbeam_channel::Sender;
use notify::Watcher;

use crate::config::WatchConfig;
use crate::inbox::fstype;

/// Poll interval used when the inbox is found on a network file system and `watch.poll` is unset.
pub const NETWORK_POLL: Duration = Duration::from_secs(2);

pub enum Hint {
    Paths(Vec<PathBuf>),
    Rescan,
}

/// How the inbox is watched.
pub fn start_notify(inbox: &Path, cfg: &WatchConfig, tx: Sender<Hint>) -> Box<dyn Watcher + Send> {
    let handler = move |res: notify::Result<notify::Event>| {
        let hint = match res {
            Ok(ev) if !ev.need_rescan() && !ev.paths.is_empty() => Hint::Paths(ev.paths),
            Ok(_) | Err(_) => Hint::Rescan,
        };
        let _ = tx.send(hint);
    };
    let mode = match cfg.recursive {
        true => notify::RecursiveMode::Recursive,
        false => notify::RecursiveMode::NonRecursive,
    };
    let network = fstype::network_fs(inbox);
    let poll = cfg.poll.map(|d| d.0).or(network.map(|_| NETWORK_POLL));
    let native = match poll {
        Some(_) => None,
        None => match notify::recommended_watcher(handler.clone()) {
            Ok(mut w) => match w.watch(inbox, mode) {
                Ok(()) => Some(Box::new(w) as Box<dyn Watcher + Send>),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot watch the inbox natively; polling");
                    None
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "native file events unavailable; polling");
                None
            }
        },
    };
    if let Some(w) = native {
        tracing::info!(inbox = %inbox.display(), "watching the inbox (native events)");
        return w;
    }
    let every = poll.unwrap_or(NETWORK_POLL);
    let config = notify::Config::default()
        .with_poll_interval(every)
        .with_follow_symlinks(false);
    let mut w = match notify::PollWatcher::new(handler, config) {
        Ok(w) => w,
        Err(e) => {
            // Cannot happen in practice; the periodic rescan still takes every drop.
            tracing::error!(error = %e, "cannot start the poll watcher; rescans only");
            return Box::new(NullWatcher);
        }
    };
    if let Err(e) = w.watch(inbox, mode) {
        tracing::warn!(error = %e, "poll watcher cannot watch the inbox; rescans only");
    }
    tracing::info!(inbox = %inbox.display(), every = ?every, network = ?network, "watching the inbox (polling)");
    Box::new(w)
}

struct NullWatcher;

impl Watcher for NullWatcher {
    fn new<F: notify::EventHandler>(_: F, _: notify::Config) -> notify::Result<Self> {
        Ok(NullWatcher)
    }
    fn watch(&mut self, _: &Path, _: notify::RecursiveMode) -> notify::Result<()> {
        Ok(())
    }
    fn unwatch(&mut self, _: &Path) -> notify::Result<()> {
        Ok(())
    }
    fn kind() -> notify::WatcherKind {
        notify::WatcherKind::NullWatcher
    }
}

/// Other spellings of the inbox path that events may use (absolute, canonical).
pub fn aliases(inbox: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        v.push(cwd.join(inbox));
    }
    if let Ok(c) = inbox.canonicalize() {
        v.push(c);
    }
    v.retain(|a| a != inbox);
    v
}
