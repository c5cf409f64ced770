//! `mdspool submit FILE`: a local file becomes a job the way a drop into the inbox would. When a
//! live daemon serves the root, it goes through the inbox and the command waits for the daemon's
//! acknowledgement (`submit_inbox.rs`); otherwise (or with `--direct`) it is copied (never moved)
//! into a staging entry with its key in a sidecar, so that recovery after a crash admits it under
//! the same key, then admitted without waiting for any daemon.
//!
//! A file the inbox would refuse is refused the same way and leaves the same trace: a copy in
//! `rejected/NAME` (with `NAME.idem` when it has a key), `rejected/NAME.error.json`, and the
//! `rejected` receipt of its key (its content key when it is empty or not a PDF and has none).
//! Unlike a drop, a file that is `too_large` or not a regular file (`unsafe_entry`) is not copied:
//! only the note and the receipt are written. The command then exits 7 with the refusal's code.
//!
//! Several files become several jobs, one after the other; one that fails does not stop the others.
//! `--wait` then follows the jobs to their end (`submit_wait.rs`).

use std::fs::File;
use std::io::Seek;
use std::path::PathBuf;

use clap::Args;

use crate::cli::{Ctx, print_json, submit_inbox, submit_wait};
use crate::code::Code;
use crate::durable;
use crate::error::{Error, IoContext, Result, exit};
use crate::ids::{DEFAULT_SCOPE, IdemKey, JobId};
use crate::store::admit::StagingHold;
use crate::store::admit::fingerprint;
use crate::store::{Admission, Manifest, StagedDrop, Store};

#[derive(Debug, Args)]
#[command(after_help = crate::cli::help::SUBMIT)]
pub struct SubmitArgs {
    /// The PDFs to add
    #[arg(required = true, value_name = "FILE")]
    pub pdf: Vec<PathBuf>,
    /// Idempotency key, with a single FILE [default: sha256-<hex of the bytes>]
    #[arg(long)]
    pub key: Option<String>,
    /// Idempotency scope
    #[arg(long, default_value = DEFAULT_SCOPE)]
    pub scope: String,
    /// Exempt the job from retention
    #[arg(long)]
    pub pin: bool,
    /// Wait for each job to end: show its progress on stderr, print its Markdown's path, and exit
    /// by how it ended
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up after this long (exit 9, wait_timeout; the jobs go on) [default: no
    /// limit]
    #[arg(long, value_name = "DURATION", requires = "wait", value_parser = parse_timeout)]
    pub timeout: Option<std::time::Duration>,
    /// Never go through the inbox: admit the files here even when a daemon serves the root
    /// [default: through the inbox when state/daemon.json shows a live daemon]
    #[arg(long)]
    pub direct: bool,
    /// Print the manifest as JSON (several files or --wait: a JSON array, one entry per file)
    #[arg(long)]
    pub json: bool,
}

fn parse_timeout(s: &str) -> std::result::Result<std::time::Duration, String> {
    crate::config::units::parse_duration(s)
}

pub fn submit(ctx: &Ctx, a: SubmitArgs) -> Result<i32> {
    let key = match &a.key {
        Some(_) if a.pdf.len() > 1 => {
            let msg = "a key names one job: give --key with a single FILE";
            return Err(Error::config("--key", msg));
        }
        Some(k) => Some(IdemKey::new(&a.scope, k)?),
        None => {
            crate::ids::validate_name("scope", &a.scope)?;
            None
        }
    };
    let store = ctx.open_store()?;
    let inbox = !a.direct && submit_inbox::daemon_takes_drops(&store, &ctx.loaded.config);
    if a.pdf.len() == 1 && !a.wait {
        let m = submit_one(ctx, &store, &a, inbox, &a.pdf[0], key)?;
        if a.json {
            print_json(&m);
        } else {
            say!("{}", m.job_id);
        }
        return Ok(exit::OK);
    }
    let mut code = exit::OK;
    let mut jobs = Vec::new();
    for pdf in &a.pdf {
        match submit_one(ctx, &store, &a, inbox, pdf, key.clone()) {
            Ok(m) => {
                if !a.wait && !a.json {
                    say!("{}\t{}", m.job_id, pdf.display());
                }
                jobs.push(submit_wait::Submitted {
                    file: pdf.clone(),
                    job: Ok(m),
                });
            }
            Err(e) => {
                code = code.max(submit_wait::report(pdf, &e));
                jobs.push(submit_wait::Submitted {
                    file: pdf.clone(),
                    job: Err(e),
                });
            }
        }
    }
    if a.wait {
        let many = a.pdf.len() > 1;
        code = code.max(submit_wait::wait(
            &store, &mut jobs, a.timeout, a.json, many,
        ));
    }
    if a.json {
        submit_wait::print_json_list(&jobs);
    }
    Ok(code)
}

/// Adds one file as a job, through the inbox when `inbox`; returns its manifest (or that of the
/// job its key already had).
fn submit_one(
    ctx: &Ctx,
    store: &Store,
    a: &SubmitArgs,
    inbox: bool,
    pdf: &std::path::Path,
    key: Option<IdemKey>,
) -> Result<Manifest> {
    // The same checks as a drop in the inbox (size, magic bytes), on the opened file.
    let mut src = crate::inbox::validate::open_named(pdf)?;
    let checked =
        crate::inbox::validate::check_pdf(&mut src, pdf, ctx.loaded.config.watch.max_size.0);
    let name = pdf
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input.pdf".into());
    match checked {
        Ok(_) => {}
        Err(e) if matches!(e.code(), Code::NotAPdf | Code::EmptyFile) => {
            let (drop, _hold) = stage(store, &mut src, a, pdf, &name, key)?;
            return Err(refuse_staged(store, drop, e));
        }
        Err(e @ Error::Drop { .. }) => {
            // Too large or not a regular file: the note and the receipt only.
            store.quarantine(&[], &name, &JobId::new().to_string(), &e, key.as_ref())?;
            return Err(e);
        }
        Err(e) => return Err(e),
    }
    if inbox {
        let cfg = &ctx.loaded.config;
        let k = key.clone();
        if let Some(m) = submit_inbox::submit(store, cfg, &mut src, pdf, &name, k, a.pin)? {
            return Ok(m);
        }
    }
    let (drop, _hold) = stage(store, &mut src, a, pdf, &name, key)?;
    let admitted = store.admit(&drop)?;
    store.nudge();
    match admitted {
        Admission::Created(m) | Admission::Replayed(m) => Ok(m),
        Admission::Conflict { existing, .. } => {
            let m = store.load(existing)?;
            Err(Error::IdempotencyConflict {
                scope: m.idempotency.scope,
                key: m.idempotency.key,
                job_id: existing.to_string(),
            })
        }
    }
}

/// Copies `src` into a new staging entry as `name`, its key first in a sidecar, as a drop would be
/// claimed. Nothing is left behind when it fails. The entry is held until the hold is dropped, so
/// that a daemon starting meanwhile leaves it to this command (its recovery would otherwise refuse
/// or remove a half-built entry).
fn stage(
    store: &Store,
    src: &mut File,
    a: &SubmitArgs,
    pdf: &std::path::Path,
    name: &str,
    key: Option<IdemKey>,
) -> Result<(StagedDrop, StagingHold)> {
    let (id, hold) = store.new_held_staging()?;
    let entry = store.layout().staging_entry(id);
    let staged = entry.join(name);
    // The key travels in a sidecar, as with an inbox drop, so that recovery admits an interrupted
    // submission under the same key.
    if let Some(k) = &key {
        let sidecar = serde_json::json!({"key": k.key, "scope": k.scope, "pin": a.pin});
        let path = entry.join(format!("{name}.idem"));
        if let Err(e) = durable::write_atomic(&path, sidecar.to_string().as_bytes()) {
            let _ = store.remove_staging(id);
            return Err(e);
        }
    }
    // Copied under a temp name first: a copy cut short (full disk, crash) is never taken for a drop.
    let partial = entry.join(format!(".~{name}.submit.tmp"));
    let copied = src
        .seek(std::io::SeekFrom::Start(0))
        .at(pdf)
        .and_then(|_| {
            crate::fsx::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&partial)
                .at(&partial)
        })
        .and_then(|mut dst| crate::fsx::copy(src, &mut dst, &partial).at(&partial))
        .inspect(|_| crate::failpoint::hit("submit.before_rename"))
        .and_then(|_| crate::fsx::rename(&partial, &staged).at(&staged));
    if let Err(e) = copied {
        let _ = store.remove_staging(id);
        return Err(e);
    }
    let drop = StagedDrop {
        id,
        pdf: staged,
        name: name.to_string(),
        key,
        pinned: a.pin,
        client: None,
    };
    Ok((drop, hold))
}

/// Moves a staged copy refused with `e` to `rejected/` (under its content key when it has none,
/// as the inbox does for an empty file or one that is not a PDF); returns the error to report. A
/// failure half-way leaves the staging entry to the daemon's recovery, which refuses it the same way.
fn refuse_staged(store: &Store, mut d: StagedDrop, e: Error) -> Error {
    let moved = (|| {
        if d.key.is_none() {
            let (fp, _) = fingerprint(&d.pdf)?;
            d.key = Some(IdemKey::new(DEFAULT_SCOPE, &format!("sha256-{fp}"))?);
        }
        store.reject_staged(&d, &e, d.key.as_ref())
    })();
    match moved {
        Ok(_) => e,
        Err(failed) => failed,
    }
}
