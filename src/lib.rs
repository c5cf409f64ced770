//! mdspool: a durable, filesystem-watching spool that turns PDFs dropped into a folder into Markdown.
//!
//! The folder layout is the interface. Data flows through the modules in this order:
//!
//! ```text
//! client --(NAME.pdf + NAME.pdf.idem)--> <root>/inbox/
//!   inbox    watcher + claim by rename -> state/staging/<id>/
//!   store    admit: idempotency record, jobs/<id>/{raw/input.pdf, manifest.json}, receipt
//!   queue    job ids, in creation order
//!   worker   isolated child process per conversion -> artifacts/output.md, logs/run.log
//!   convert  PDF -> Markdown (knows nothing of the spool)
//!   sweeper  retention: raw 24h, jobs 7d, pinned exempt, tombstones
//!   daemon   threads, signals, recovery, ordered shutdown, liveness (daemon.json, sd_notify)
//!   metrics  totals, job census, Prometheus text (`metrics.file`, `mdspool stats`)
//!   doctor   checks a root and repairs what is safe (`mdspool doctor`)
//! ```
//!
//! [`layout`] builds every path; [`durable`] does every durable write; [`error::Error`] carries every
//! failure with a stable [`code::Code`].

pub mod cli;
pub mod clock;
pub mod cluster;
pub mod code;
pub mod config;
pub mod doctor;
pub use mdspool_convert as convert;
pub(crate) mod daemon;
pub mod durable;
pub mod error;
pub(crate) mod failpoint;
pub mod fsx;
pub mod health;
pub mod ids;
pub mod inbox;
pub mod layout;
pub(crate) mod logging;
pub mod metrics;
pub(crate) mod queue;
pub mod share;
pub mod store;
pub mod sweeper;
pub mod worker;

pub use code::Code;
pub use error::{Error, Result};
