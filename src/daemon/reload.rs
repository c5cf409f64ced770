//! SIGHUP: the settings a running daemon can take without a restart (`[workers]` but `count`,
//! `[convert]`, `[ocr]`, `watch.outbox`, `watch.outbox_scopes`), applied to the next attempts.

use std::sync::Arc;

use crate::config::Loaded;
use crate::worker::{Settings, SharedSettings};

/// SIGHUP: re-reads the configuration file and the environment; applies `[workers]` (but `count`)
/// and `[convert]` to the next attempts. Other sections need a restart; a bad file changes nothing.
pub(super) fn reload(loaded: &Loaded, settings: &SharedSettings) {
    let sources = crate::config::Sources {
        root: Some(loaded.config.root.clone()),
        config_file: loaded.file.clone(),
        env: std::env::vars().collect(),
        flags: Vec::new(),
    };
    match crate::config::load(&sources) {
        Ok(new) => {
            let mut s = settings.write().unwrap_or_else(|e| e.into_inner());
            let mut workers = new.config.workers;
            workers.count = s.workers.count;
            *s = Arc::new(Settings {
                workers,
                convert: new.config.convert,
                ocr: new.config.ocr.resolved(),
                outbox: new.config.watch.outbox_rule(),
            });
            tracing::info!(settings = ?**s, "configuration reloaded ([workers] but count, [convert], [ocr], watch.outbox, watch.outbox_scopes; other settings need a restart)");
        }
        Err(e) => tracing::error!(error = %e, "configuration not reloaded"),
    }
}
