//! Logging through `tracing`: human-readable lines on stderr by default, one JSON object per line
//! with `--log-format json` (for log shippers). `RUST_LOG` overrides the configured level. The PDF
//! library's own logs are shown only when `log.level` is `debug` or `trace`, or names the library.
//! A panic (one the engine contains on hostile input, or any other) is one line on stderr with its
//! location; its backtrace only at debug level. A stderr that cannot be written (a full disk, a
//! closed pipe) loses log lines and never stops the daemon.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Libraries whose logs are off unless `log.level` is `debug` or `trace` or names them, or
/// `RUST_LOG` says otherwise (the PDF library reports recoveries in files that convert fine, and
/// errors that the engine reports itself as the job's error).
const QUIET_LIBRARIES: &str = "pdf_oxide=off";

/// The filter for `level`: the library chatter is added only when the level does not ask for it.
fn filter_for(level: &str) -> String {
    let verbose = level
        .split(',')
        .any(|d| matches!(d.trim(), "debug" | "trace") || d.contains("pdf_oxide"));
    match verbose {
        true => level.to_string(),
        false => format!("{level},{QUIET_LIBRARIES}"),
    }
}

/// Installs the global subscriber; later calls are ignored.
pub fn init(format: LogFormat, level: &str) {
    // The PDF library reports font loading and stream recoveries: library chatter, not ours. `RUST_LOG` can
    // still ask for it (`RUST_LOG=pdf_oxide=info`).
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(filter_for(level)))
        .unwrap_or_else(|_| EnvFilter::new(format!("info,{QUIET_LIBRARIES}")));
    // Colours only on a terminal (never in a log file) and never with NO_COLOR set.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_thread_names(true)
        // A log line that cannot be written (stderr on a full disk, or a log reader gone) is
        // lost, never an error report on that same stderr (`eprintln!`, which would panic).
        .log_internal_errors(false);
    let _ = match format {
        LogFormat::Human => builder.with_target(false).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Replaces the default panic message (and its backtrace of dozens of lines with `RUST_BACKTRACE`)
/// by one line, `thread 'NAME' panicked at FILE:LINE:COL: MESSAGE`, which `worker::classify` reads
/// back from a conversion child's stderr; the backtrace follows only when debug logs are enabled.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_else(|| "an unknown location".into());
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("<unnamed>");
        let msg = msg.replace('\n', " ");
        // Never `eprintln!` here: it panics when stderr cannot be written, and a panic inside
        // the panic hook aborts the process.
        use std::io::Write;
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "thread '{name}' panicked at {at}: {msg}");
        if tracing::enabled!(tracing::Level::DEBUG) {
            let _ = writeln!(err, "{}", std::backtrace::Backtrace::force_capture());
        }
    }));
}

#[cfg(test)]
mod tests {
    #[test]
    fn library_logs_only_when_asked() {
        assert_eq!(super::filter_for("info"), "info,pdf_oxide=off");
        assert_eq!(super::filter_for("debug"), "debug");
        assert_eq!(
            super::filter_for("info,pdf_oxide=warn"),
            "info,pdf_oxide=warn"
        );
    }
}
