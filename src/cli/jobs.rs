//! `mdspool status` and `list`: the job commands that read the store directly. They need no running
//! daemon and are safe beside one.

use clap::Args;

use crate::cli::{Ctx, print_json};
use crate::code::Code;
use crate::error::{Error, Result, exit};
use crate::ids::{DEFAULT_SCOPE, IdemKey};
use crate::store::manifest::{JobStatus, Manifest};
use crate::store::records::ReceiptStatus;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["job_id", "key"])))]
#[command(after_help = crate::cli::help::STATUS)]
pub struct StatusArgs {
    /// The job id (a UUID, as in jobs/<id>/)
    pub job_id: Option<String>,
    /// Find the job by idempotency key instead
    #[arg(long)]
    pub key: Option<String>,
    /// Scope of --key
    #[arg(long, default_value = DEFAULT_SCOPE, requires = "key")]
    pub scope: String,
    /// Print the manifest itself as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = crate::cli::help::LIST)]
pub struct ListArgs {
    /// Only jobs in this state
    #[arg(long, value_enum)]
    pub status: Option<JobStatus>,
    /// Print a JSON array of manifests
    #[arg(long)]
    pub json: bool,
}

pub fn status(ctx: &Ctx, a: StatusArgs) -> Result<i32> {
    let store = ctx.open_store()?;
    let m = match (&a.job_id, &a.key) {
        (Some(id), _) => store.load(id.parse()?)?,
        (None, Some(key)) => {
            let k = IdemKey::new(&a.scope, key)?;
            match store.read_record(&k)? {
                Some(rec) => store.load(rec.job_id)?,
                None => match store.read_receipt(&k)? {
                    Some(r) if r.status == ReceiptStatus::Rejected => {
                        let err = r.error.unwrap_or(crate::store::manifest::JobError {
                            code: Code::DropRejected,
                            message: "the drop was refused".into(),
                        });
                        return Err(Error::Drop {
                            path: store.layout().receipt(&k),
                            code: Code::DropRejected,
                            message: format!("{}: {}", err.code, err.message),
                        });
                    }
                    _ => {
                        // An expired job's key is free again, but its tombstone remembers it.
                        let expired = store
                            .tombstones()?
                            .into_iter()
                            .filter(|t| t.scope == k.scope && t.key == k.key)
                            .max_by_key(|t| t.expired_at);
                        return Err(match expired {
                            Some(t) => Error::JobExpired {
                                job_id: t.job_id.to_string(),
                                expired_at: t
                                    .expired_at
                                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                            },
                            None => Error::JobNotFound {
                                job_id: format!("(key {k})"),
                            },
                        });
                    }
                },
            }
        }
        (None, None) => unreachable!("clap requires one of them"),
    };
    if a.json {
        print_json(&m);
    } else {
        print_human(ctx, &m);
    }
    Ok(exit::OK)
}

fn print_human(ctx: &Ctx, m: &Manifest) {
    let l = ctx.loaded.layout();
    let t = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_else(|| "-".into())
    };
    say!("job       {}", m.job_id);
    say!("status    {}", m.status);
    say!(
        "key       {} (scope {})",
        m.idempotency.key,
        m.idempotency.scope
    );
    say!("source    {} ({} bytes)", m.source.name, m.source.size);
    say!("created   {}", t(Some(m.created_at)));
    say!("finished  {}", t(m.finished_at));
    say!("attempts  {}", m.attempts);
    if m.pinned {
        say!("pinned    yes");
    }
    if let Some(e) = &m.error {
        say!("error     {}: {}", e.code, e.message);
    }
    if m.status == JobStatus::Succeeded {
        say!("output    {}", l.output_md(m.job_id).display());
    }
    say!("expires   {}", t(m.expires_at));
}

pub fn list(ctx: &Ctx, a: ListArgs) -> Result<i32> {
    let store = ctx.open_store()?;
    let (jobs, errors) = store.list()?;
    for e in &errors {
        eprintln!("mdspool: warning[{}]: {e}", e.code());
    }
    let jobs: Vec<&Manifest> = jobs
        .iter()
        .filter(|m| a.status.is_none_or(|s| m.status == s))
        .collect();
    if a.json {
        print_json(&jobs);
        return Ok(exit::OK);
    }
    say!(
        "{:<36}  {:<9}  {:<20}  {:<24}  SOURCE",
        "JOB",
        "STATUS",
        "CREATED",
        "KEY"
    );
    for m in jobs {
        say!(
            "{:<36}  {:<9}  {:<20}  {:<24}  {}",
            m.job_id,
            m.status.as_str(),
            m.created_at.format("%Y-%m-%dT%H:%M:%SZ"),
            format!("{}/{}", m.idempotency.scope, m.idempotency.key),
            m.source.name
        );
    }
    Ok(exit::OK)
}
