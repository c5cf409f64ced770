//! Logging through `tracing`: human-readable lines on stderr by default, one JSON object per line
//! with `--log-format json` (for log shippers). `RUST_LOG` overrides the configured level.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Libraries whose logs are shown only from ERROR on unless `RUST_LOG` says otherwise (the PDF
/// library warns about recoveries in files that convert fine).
const QUIET_LIBRARIES: &str = "pdf_oxide=error";

/// Installs the global subscriber; later calls are ignored.
pub fn init(format: LogFormat, level: &str) {
    // The PDF library reports font loading and stream recoveries: library chatter, not ours. `RUST_LOG` can
    // still ask for it (`RUST_LOG=pdf_oxide=info`).
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(format!("{level},{QUIET_LIBRARIES}")))
        .unwrap_or_else(|_| EnvFilter::new(format!("info,{QUIET_LIBRARIES}")));
    // Colours only on a terminal (never in a log file) and never with NO_COLOR set.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_thread_names(true);
    let _ = match format {
        LogFormat::Human => builder.with_target(false).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
