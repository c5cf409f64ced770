//! What a worker writes after an attempt: `succeeded` with the Markdown published under the job lock
//! (and its copy delivered to `outbox/` when the job delivers there), `failed` when the failure is
//! final (with `outbox/NAME.error.txt`), or back to `queued` with `next_attempt_at` after the
//! backoff. A job canceled or removed meanwhile is no error.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::cluster::Fence;
use crate::code::Code;
use crate::config::WorkersConfig;
use crate::durable;
use crate::error::{Error, IoContext, Result};
use crate::failpoint;
use crate::ids::JobId;
use crate::store::manifest::{ConverterInfo, JobError};
use crate::store::{JobStatus, Manifest, Store, outbox};
use crate::worker::child::ChildReport;
use crate::worker::classify::{AttemptOutcome, Failure};
use crate::worker::{Mode, Settings, WorkerCtx, backoff, is_lost};

/// Writes the outcome of an attempt into the manifest. Every write first passes `fence` (several
/// hosts: the attempt's lease must still be this host's); a fenced attempt writes nothing.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record(
    ctx: &WorkerCtx,
    m: &Manifest,
    settings: &Settings,
    outcome: AttemptOutcome,
    output: &std::path::Path,
    say: &dyn Fn(&str),
    retry_at: &mut Option<DateTime<Utc>>,
    fence: Fence<'_>,
) -> Result<()> {
    let store = &ctx.store;
    let id = m.job_id;
    let n = m.attempts;
    let failure = match outcome {
        AttemptOutcome::Converted { report, elapsed } => {
            let outbox = &settings.outbox;
            let metrics = &ctx.metrics;
            let p = Publish {
                store,
                id,
                n,
                outbox,
                say,
                metrics,
                fence,
            };
            match p.publish(&report, elapsed, output)? {
                Some(f) => f,
                None => return Ok(()),
            }
        }
        AttemptOutcome::Failed(f) => f,
        AttemptOutcome::Canceled => {
            say(&format!("attempt {n} result: canceled, child killed"));
            tracing::info!(job = %id, "job canceled while running");
            return Ok(());
        }
        AttemptOutcome::Interrupted => {
            say(&format!("attempt {n} result: interrupted by shutdown"));
            if ctx.control.mode() == Mode::Abort && store.check().is_ok() {
                let r = store.transition_checked(id, JobStatus::Queued, |m| {
                    fence.check(m)?;
                    m.attempts = m.attempts.saturating_sub(1);
                    Ok(())
                });
                if let Err(e) = r.map(drop).or_else(ignore_lost) {
                    tracing::warn!(job = %id, error = %e, "cannot requeue interrupted job");
                }
            }
            return Ok(());
        }
    };
    ctx.metrics.attempt_failed(failure.code);
    let last = record_failure(store, id, n, settings, &failure, say, retry_at, fence)?;
    if last {
        ctx.metrics.failed(failure.code);
    }
    Ok(())
}

/// What publishing an attempt's Markdown needs.
struct Publish<'a> {
    store: &'a Store,
    id: JobId,
    n: u32,
    outbox: &'a outbox::Rule,
    say: &'a dyn Fn(&str),
    metrics: &'a crate::metrics::Metrics,
    fence: Fence<'a>,
}

impl Publish<'_> {
    /// `running -> succeeded`: moves the Markdown into place under the job lock (and a copy into the
    /// outbox, when it delivers there) and records what the converter reported. `None` when done (or
    /// the job was canceled or taken over meanwhile: the output is discarded); the failure when the
    /// output could not be published.
    fn publish(
        &self,
        report: &ChildReport,
        elapsed: Duration,
        output: &std::path::Path,
    ) -> Result<Option<Failure>> {
        let Publish {
            store,
            id,
            n,
            outbox,
            say,
            metrics,
            fence,
        } = *self;
        let stats = report.stats.clone().unwrap_or_default();
        let target = store.layout().output_md(id);
        let r = store.transition_checked(id, JobStatus::Succeeded, |m| {
            failpoint::hit("worker.before_publish");
            fence.check(m)?;
            store.guard(store.share().apply_path(output))?;
            store.guard(durable::rename_into(output, &target))?;
            failpoint::hit("worker.after_publish");
            if outbox.wants(m) {
                // Before the manifest says `succeeded`: a crash here repeats the delivery, which finds
                // its own bytes and writes nothing twice. A failed delivery does not fail the job.
                let md = std::fs::read(&target).at(&target);
                match md.and_then(|md| outbox::deliver_markdown(store, m, &md)) {
                    Ok(p) => say(&format!("delivered to {}", store.layout().relative(&p))),
                    Err(e) => tracing::warn!(job = %id, error = %e, "cannot deliver to the outbox"),
                }
            }
            m.converter = Some(ConverterInfo {
                name: report.converter.clone(),
                version: report.converter_version.clone(),
            });
            m.pages = Some(stats.pages);
            m.output_bytes = report.output_bytes;
            m.warnings = stats.warnings.clone();
            m.ocr = stats.ocr.is_some();
            m.ocr_pages = stats
                .ocr
                .as_ref()
                .map(|o| o.pages.clone())
                .unwrap_or_default();
            m.ocr_mean_confidence = stats.ocr.as_ref().map(|o| o.mean_confidence);
            m.ocr_languages = stats
                .ocr
                .as_ref()
                .map(|o| o.languages.clone())
                .unwrap_or_default();
            let mut meta = serde_json::Map::new();
            if let Some(t) = &stats.title {
                meta.insert("title".into(), t.clone().into());
            }
            if let Some(a) = &stats.author {
                meta.insert("author".into(), a.clone().into());
            }
            m.metadata = (!meta.is_empty()).then_some(serde_json::Value::Object(meta));
            Ok(())
        });
        match r {
            Ok(_) => {
                metrics.succeeded(stats.pages as u64);
                if let Some(o) = &stats.ocr {
                    say(&format!(
                        "OCR read page(s) {:?}: {} words, mean word confidence {:.1}, languages {}",
                        o.pages,
                        o.words,
                        o.mean_confidence,
                        o.languages.join("+")
                    ));
                }
                for w in &stats.warnings {
                    say(&format!("warning: {w}"));
                }
                say(&format!(
                    "attempt {n} result: succeeded{} in {:.3}s, {} page(s), {} bytes, converter {} {}",
                    fence.where_(),
                    elapsed.as_secs_f64(),
                    stats.pages,
                    report.output_bytes.unwrap_or(0),
                    report.converter,
                    report.converter_version
                ));
                tracing::info!(job = %id, attempt = n, "job succeeded");
                Ok(None)
            }
            Err(e @ Error::LeaseLost { .. }) => {
                say(&format!(
                    "attempt {n}{}: {e}; result discarded, not published",
                    fence.where_()
                ));
                tracing::warn!(job = %id, error = %e, code = %e.code(), "lease lost: result discarded");
                Ok(None)
            }
            Err(e) if is_lost(&e) => {
                say(&format!(
                    "attempt {n}: job canceled meanwhile; output discarded"
                ));
                Ok(None)
            }
            Err(e) => {
                store.check()?;
                Ok(Some(Failure::new(
                    Code::InternalError,
                    format!("cannot publish: {e}"),
                    false,
                )))
            }
        }
    }
}

/// A failed attempt: `failed` when it was the last one (permanent, or out of attempts), else back
/// to `queued` with `next_attempt_at` after the backoff. `Ok(true)`: the job failed for good.
#[allow(clippy::too_many_arguments)]
fn record_failure(
    store: &Store,
    id: JobId,
    n: u32,
    settings: &Settings,
    failure: &Failure,
    say: &dyn Fn(&str),
    retry_at: &mut Option<DateTime<Utc>>,
    fence: Fence<'_>,
) -> Result<bool> {
    let last = f_is_final(failure, n, &settings.workers);
    say(&format!(
        "attempt {n} result: failed [{}] {}{}",
        failure.code,
        failure.message,
        if last { "" } else { " (will retry)" }
    ));
    if failure.code == Code::ConversionSandboxViolation {
        // What was denied, in the daemon's log too: a hostile PDF (or a gap in the allow-list).
        tracing::warn!(job = %id, denied = %failure.message, "conversion child stopped by its sandbox");
    }
    let err = JobError {
        code: failure.code,
        message: failure.message.clone(),
    };
    let r = if last {
        tracing::warn!(job = %id, code = %failure.code, attempts = n, "job failed");
        let r = store.transition_checked(id, JobStatus::Failed, |m| {
            fence.check(m)?;
            m.error = Some(err);
            Ok(())
        });
        if let Ok(m) = &r
            && settings.outbox.wants(m)
        {
            match outbox::deliver_error(store, m) {
                Ok(p) => say(&format!("delivered to {}", store.layout().relative(&p))),
                Err(e) => tracing::warn!(job = %id, error = %e, "cannot deliver to the outbox"),
            }
        }
        r
    } else {
        let at = store.now()
            + chrono::Duration::from_std(backoff(&settings.workers, n))
                .unwrap_or(chrono::Duration::MAX);
        tracing::info!(job = %id, code = %failure.code, attempts = n, retry_at = %at, "attempt failed, will retry");
        *retry_at = Some(at);
        store.transition_checked(id, JobStatus::Queued, |m| {
            fence.check(m)?;
            m.error = Some(err);
            m.next_attempt_at = Some(at);
            Ok(())
        })
    };
    if !last && r.is_ok() {
        failpoint::hit("worker.after_retry_scheduled");
    }
    if let Err(e @ Error::LeaseLost { .. }) = &r {
        say(&format!(
            "attempt {n}{}: {e}; outcome discarded, not recorded",
            fence.where_()
        ));
    }
    let failed = last && r.is_ok();
    r.map(drop).or_else(ignore_lost).map(|()| failed)
}

/// A full disk never uses up the attempts: the job waits for space however long it takes.
fn f_is_final(f: &Failure, attempts: u32, w: &WorkersConfig) -> bool {
    f.permanent || (attempts >= w.max_attempts && f.code != Code::StorageFull)
}

/// A canceled, vanished or taken-over job is not an error for the worker.
fn ignore_lost(e: Error) -> Result<()> {
    if is_lost(&e) { Ok(()) } else { Err(e) }
}
