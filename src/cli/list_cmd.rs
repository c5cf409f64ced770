//! `mdspool list`: the jobs of the store (or, with `--rejected`, the refused drops), filtered by
//! source name, status and error code, with what a client looks for first: the error code, whether
//! the job is pinned, and where its Markdown is. Reads the store directly; safe beside a daemon.

use clap::Args;
use serde_json::Value;

use crate::cli::{Ctx, print_json};
use crate::error::{Result, exit};
use crate::layout::Layout;
use crate::store::manifest::{JobStatus, Manifest};

#[derive(Debug, Args)]
#[command(after_help = crate::cli::help::LIST)]
pub struct ListArgs {
    /// Only jobs in this state
    #[arg(long, value_enum, conflicts_with = "rejected")]
    pub status: Option<JobStatus>,
    /// Only jobs (or refused drops) of the file of this name, as dropped (`report.pdf`)
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Only jobs that failed (or drops refused) with this code (`pdf_malformed`, `not_a_pdf`...)
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
    /// List the refused drops in rejected/ instead of jobs
    #[arg(long)]
    pub rejected: bool,
    /// Print a JSON array: manifests (with `output`, the Markdown's path, once succeeded), or with
    /// --rejected the notes (with `file`, the refused file's path)
    #[arg(long)]
    pub json: bool,
}

/// The path of a succeeded job's Markdown, relative to the root.
pub(crate) fn output_path(l: &Layout, m: &Manifest) -> Option<String> {
    (m.status == JobStatus::Succeeded).then(|| l.relative(&l.output_md(m.job_id)))
}

pub fn list(ctx: &Ctx, a: ListArgs) -> Result<i32> {
    if a.rejected {
        return list_rejected(ctx, &a);
    }
    let store = ctx.open_store()?;
    let l = store.layout();
    // A status that is not final: the finished jobs (marked) need not be read.
    let (jobs, errors) = match a.status {
        Some(s) if !s.is_final() => store.list_unmarked()?,
        _ => store.list()?,
    };
    for e in &errors {
        eprintln!("mdspool: warning[{}]: {e}", e.code());
    }
    let jobs: Vec<&Manifest> = jobs
        .iter()
        .filter(|m| a.status.is_none_or(|s| m.status == s))
        .filter(|m| a.source.as_ref().is_none_or(|s| &m.source.name == s))
        .filter(|m| {
            a.code
                .as_ref()
                .is_none_or(|c| m.error.as_ref().is_some_and(|e| &e.code.to_string() == c))
        })
        .collect();
    if a.json {
        let all: Vec<Value> = jobs
            .iter()
            .map(|m| {
                let mut v = serde_json::to_value(m).unwrap_or(Value::Null);
                if let (Some(o), Some(out)) = (v.as_object_mut(), output_path(l, m)) {
                    o.insert("output".into(), out.into());
                }
                v
            })
            .collect();
        print_json(&all);
        return Ok(exit::OK);
    }
    say!(
        "{:<36}  {:<9}  {:<20}  {:<24}  {:<3}  {:<15}  {:<24}  OUTPUT",
        "JOB",
        "STATUS",
        "CREATED",
        "KEY",
        "PIN",
        "ERROR",
        "SOURCE"
    );
    for m in jobs {
        say!(
            "{:<36}  {:<9}  {:<20}  {:<24}  {:<3}  {:<15}  {:<24}  {}",
            m.job_id,
            m.status.as_str(),
            m.created_at.format("%Y-%m-%dT%H:%M:%SZ"),
            format!("{}/{}", m.idempotency.scope, m.idempotency.key),
            if m.pinned { "yes" } else { "-" },
            m.error
                .as_ref()
                .map_or_else(|| "-".to_string(), |e| e.code.to_string()),
            m.source.name,
            output_path(l, m).unwrap_or_else(|| "-".into())
        );
    }
    Ok(exit::OK)
}

fn list_rejected(ctx: &Ctx, a: &ListArgs) -> Result<i32> {
    let store = ctx.open_store()?;
    let l = store.layout();
    let (notes, errors) = store.list_rejected()?;
    for e in &errors {
        eprintln!("mdspool: warning[{}]: {e}", e.code());
    }
    let notes: Vec<_> = notes
        .into_iter()
        .filter(|(name, _)| a.source.as_ref().is_none_or(|s| name == s))
        .filter(|(_, n)| a.code.as_ref().is_none_or(|c| &n.code.to_string() == c))
        .collect();
    if a.json {
        let all: Vec<Value> = notes
            .iter()
            .map(|(name, n)| {
                let mut v = serde_json::to_value(n).unwrap_or(Value::Null);
                if let Some(o) = v.as_object_mut() {
                    let file = l.relative(&l.rejected_dir().join(name));
                    o.insert("file".into(), file.into());
                }
                v
            })
            .collect();
        print_json(&all);
        return Ok(exit::OK);
    }
    say!(
        "{:<20}  {:<24}  {:<24}  {:<24}  MESSAGE",
        "REFUSED",
        "CODE",
        "KEY",
        "FILE"
    );
    for (name, n) in notes {
        let key = match (&n.scope, &n.key) {
            (Some(s), Some(k)) => format!("{s}/{k}"),
            (None, Some(k)) => k.clone(),
            _ => "-".into(),
        };
        say!(
            "{:<20}  {:<24}  {:<24}  {:<24}  {}",
            n.at.format("%Y-%m-%dT%H:%M:%SZ"),
            n.code.to_string(),
            key,
            l.relative(&l.rejected_dir().join(&name)),
            n.message
        );
    }
    Ok(exit::OK)
}
