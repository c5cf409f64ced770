//! Deciding what to do with one entry of the inbox: take it now, wait for it to settle or for its
//! sidecar, or leave it alone. The loop thread alone calls these (see the parent module).

use std::path::Path;
use std::time::Instant;

use crate::inbox::names::{Kind, sidecar_of};
use crate::inbox::settle::{FileState, SIDECAR_GRACE, cut_short, sidecar_pending};

use super::{Loop, ORPHAN_AGE};

impl Loop {
    /// Looks at one entry of the inbox (or of a sub-folder) and takes it, tracks it or leaves it.
    pub(super) fn consider(&mut self, dir: &Path, name: &str) {
        let path = dir.join(name);
        if self.in_flight.contains(&path) {
            return;
        }
        let kind = self.rules.kind(name);
        if kind == Kind::Ignored {
            return;
        }
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(_) => {
                self.settling.forget(&path);
                self.orphans.remove(&path);
                return;
            }
        };
        if meta.is_dir() {
            if self.cfg.recursive {
                self.scan_dir(&path);
            }
            return;
        }
        if let Kind::Sidecar { companion } = &kind {
            let companion_meta = dir.join(companion).symlink_metadata();
            if companion_meta.is_ok_and(|m| !m.is_dir()) {
                // Taken with its drop (and refused with it when the sidecar is unsafe).
                return self.consider_drop(dir, companion, true);
            }
        }
        if !meta.is_file() {
            // Symlink, FIFO, socket, device: never opened, moved aside as `unsafe_entry`.
            return self.consider_unsafe(dir, name, &kind, &meta);
        }
        match kind {
            Kind::Sidecar { .. } => {
                let first = *self.orphans.entry(path).or_insert_with(Instant::now);
                if first.elapsed() >= ORPHAN_AGE {
                    self.dispatch(dir, name);
                }
            }
            Kind::Pdf | Kind::Other => {
                let has_sidecar = dir.join(sidecar_of(name)).symlink_metadata().is_ok();
                if has_sidecar {
                    return self.consider_drop(dir, name, true);
                }
                if kind == Kind::Other {
                    return;
                }
                self.consider_drop(dir, name, false);
            }
            Kind::Ignored => {}
        }
    }

    /// A drop whose name is known to be a drop: `sidecar` says its sidecar exists.
    fn consider_drop(&mut self, dir: &Path, name: &str, sidecar: bool) {
        let path = dir.join(name);
        if self.in_flight.contains(&path) {
            return self.settling.forget(&path);
        }
        if sidecar {
            let grace = self.cfg.settle.0.min(SIDECAR_GRACE);
            match sidecar_pending(&dir.join(sidecar_of(name))) {
                Some(st) if !self.settling.stable(&path, st, grace) => {}
                _ => self.dispatch(dir, name),
            }
            return;
        }
        if self.cfg.require_sidecar {
            return;
        }
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            self.settling.forget(&path);
            return;
        };
        if self
            .settling
            .stable(&path, FileState::of(&meta), self.cfg.settle.0)
        {
            if cut_short(&path) {
                // Looked at again when it changes, and at each rescan.
                if self.cut_short.insert(path.clone()) {
                    tracing::warn!(drop = %path.display(), "PDF without %%EOF at its end left in the inbox until it is whole or its sidecar comes (upload cut?)");
                }
                return;
            }
            self.dispatch(dir, name);
        }
    }

    /// An entry that is not a regular file. It is refused as any drop is taken: with its sidecar
    /// once that is there (so that the refusal carries its key and writes its receipt), without
    /// one once it has not changed for `watch.settle` (also with `require_sidecar`: it is never
    /// left in the inbox). A lone unsafe sidecar is refused at once.
    fn consider_unsafe(&mut self, dir: &Path, name: &str, kind: &Kind, meta: &std::fs::Metadata) {
        if matches!(kind, Kind::Sidecar { .. }) {
            return self.dispatch(dir, name);
        }
        if dir.join(sidecar_of(name)).symlink_metadata().is_ok() {
            return self.consider_drop(dir, name, true);
        }
        let path = dir.join(name);
        if self
            .settling
            .stable(&path, FileState::of(meta), self.cfg.settle.0)
        {
            self.dispatch(dir, name);
        }
    }
}
