//! `mdspool status`: one job, by id, by idempotency key, or by the file a client dropped. It reads
//! the store directly, needs no running daemon and is safe beside one.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::cli::{Ctx, print_json};
use crate::code::Code;
use crate::error::{Error, Result, exit};
use crate::ids::{DEFAULT_SCOPE, IdemKey};
use crate::store::Store;
use crate::store::admit::fingerprint;
use crate::store::manifest::{JobError, Manifest};
use crate::store::records::ReceiptStatus;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["job_id", "key", "file"])))]
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
    /// Find the drop of this file instead: by its content (the key of a drop without sidecar)
    /// when the file is at hand, else by its name (`report.pdf`, as dropped)
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Print the manifest itself as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn status(ctx: &Ctx, a: StatusArgs) -> Result<i32> {
    let store = ctx.open_store()?;
    let m = match (&a.job_id, &a.key, &a.file) {
        (Some(id), _, _) => store.load(id.parse()?)?,
        (None, Some(key), _) => by_key(&store, &IdemKey::new(&a.scope, key)?)?,
        (None, None, Some(f)) => by_file(&store, f)?,
        (None, None, None) => unreachable!("clap requires one of them"),
    };
    if a.json {
        print_json(&m);
    } else {
        print_human(ctx, &m);
    }
    Ok(exit::OK)
}

/// The job of key `k`, or why there is none: refused (`drop_rejected`), expired, not found.
fn by_key(store: &Store, k: &IdemKey) -> Result<Manifest> {
    if let Some(rec) = store.read_record(k)? {
        return store.load(rec.job_id);
    }
    if let Some(r) = store.read_receipt(k)?
        && r.status == ReceiptStatus::Rejected
    {
        let err = r.error.unwrap_or(JobError {
            code: Code::DropRejected,
            message: "the drop was refused".into(),
        });
        return Err(Error::Drop {
            path: store.layout().receipt(k),
            code: Code::DropRejected,
            message: format!("{}: {}", err.code, err.message),
        });
    }
    // An expired job's key is free again, but its tombstone remembers it.
    let expired = store
        .tombstones()?
        .into_iter()
        .filter(|t| t.scope == k.scope && t.key == k.key)
        .max_by_key(|t| t.expired_at);
    Err(match expired {
        Some(t) => Error::JobExpired {
            job_id: t.job_id.to_string(),
            expired_at: t
                .expired_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
        None => Error::JobNotFound {
            job_id: format!("(key {k})"),
        },
    })
}

/// The outcome of the drop of file `f`: when the file is at hand, by its content key (the key of a
/// drop without sidecar); else, or when that finds nothing, by its name: the newest job of that
/// source name, or its refusal in `rejected/`.
fn by_file(store: &Store, f: &Path) -> Result<Manifest> {
    if f.is_file() {
        let (fp, _) = fingerprint(f)?;
        let k = IdemKey::new(DEFAULT_SCOPE, &format!("sha256-{fp}"))?;
        match by_key(store, &k) {
            Err(Error::JobNotFound { .. }) => {}
            found => return found,
        }
    }
    let name = f
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (jobs, _) = store.list()?;
    if let Some(m) = jobs.into_iter().rev().find(|m| m.source.name == name) {
        return Ok(m);
    }
    let (notes, _) = store.list_rejected()?;
    let refused = notes
        .into_iter()
        .rev()
        .find(|(n, _)| *n == name || n.ends_with(&format!("-{name}")));
    if let Some((n, note)) = refused {
        let l = store.layout();
        return Err(Error::Drop {
            path: l.relative(&l.rejected_dir().join(n)).into(),
            code: Code::DropRejected,
            message: format!("{}: {}", note.code, note.message),
        });
    }
    Err(Error::JobNotFound {
        job_id: format!("(file {name})"),
    })
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
    // Several hosts on one root: which host ran each attempt, under which lease epoch.
    for a in &m.attempt_hosts {
        say!(
            "attempt   {} on host {} (lease epoch {})",
            a.attempt,
            a.host,
            a.epoch
        );
    }
    if let Some(e) = &m.error {
        say!("error     {}: {}", e.code, e.message);
    }
    if let Some(out) = crate::cli::list_cmd::output_path(&l, m) {
        say!("output    {}", l.root().join(out).display());
    }
    match m.pinned {
        true => {
            say!("pinned    yes");
            say!("expires   never (pinned)");
        }
        false => say!("expires   {}", t(m.expires_at)),
    }
}
