//! `mdspool submit --wait`: follows the submitted jobs to their end by reading their manifests (the
//! daemon writes each change atomically), so a person at a desk sees what happens without a job id:
//! on stderr a line each time a job's phase changes (`queued`, `running (attempt N)`, `queued again
//! after attempt N failed: CODE`), then how it ended; on stdout the path of each Markdown as soon as
//! it is there (with several files, `PATH<TAB>FILE`, since jobs end in any order). The exit
//! code is the highest among the jobs': 0 for a success, the exit code of the error code of a
//! failed (or canceled) job, `wait_timeout` (9) for one still going when `--timeout` ran out.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::code::Code;
use crate::error::{Error, Result, exit};
use crate::store::{JobStatus, Manifest, Store};

/// One file given to `submit`, and its job (or why it has none).
pub struct Submitted {
    pub file: PathBuf,
    pub job: Result<Manifest>,
}

/// How often the manifests are read while waiting.
const POLL: Duration = Duration::from_millis(200);

/// Prints `e`, the failure of `file`, on stderr as every command prints an error; returns its exit code.
pub fn report(file: &std::path::Path, e: &Error) -> i32 {
    eprintln!("mdspool: error[{}]: {}: {e}", e.code(), file.display());
    e.exit_code()
}

/// The phase of a job as a person reads it; `None` once it has ended.
fn phase(m: &Manifest) -> Option<String> {
    match m.status {
        JobStatus::Queued if m.attempts == 0 => Some("queued".into()),
        JobStatus::Queued => {
            let why = m
                .error
                .as_ref()
                .map_or(String::new(), |e| format!(": {}", e.code));
            let when = m.next_attempt_at.map_or(String::new(), |t| {
                format!(", next attempt at {}", t.format("%H:%M:%S"))
            });
            Some(format!(
                "queued again after attempt {} failed{why}{when}",
                m.attempts
            ))
        }
        JobStatus::Running => Some(format!("running (attempt {})", m.attempts.max(1))),
        _ => None,
    }
}

/// The end of a job: its Markdown's path on stdout, or its error; returns the exit code.
fn ended(store: &Store, s: &Submitted, m: &Manifest, json: bool, many: bool) -> i32 {
    let name = s.file.display();
    if m.status == JobStatus::Succeeded {
        eprintln!("{name}: succeeded ({} pages)", m.pages.unwrap_or(0));
        let path = store.layout().output_md(m.job_id);
        match (json, many) {
            (true, _) => {}
            (false, false) => say!("{}", path.display()),
            (false, true) => say!("{}\t{name}", path.display()),
        }
        return exit::OK;
    }
    let (code, message) = match &m.error {
        Some(e) => (e.code, e.message.as_str()),
        None if m.status == JobStatus::Canceled => (Code::Canceled, "canceled"),
        None => (Code::InternalError, "failed without an error"),
    };
    eprintln!(
        "mdspool: error[{code}]: {name}: job {} {}: {message}",
        m.job_id,
        m.status.as_str()
    );
    exit::for_code(code)
}

/// Waits for every submitted job to end, or for `timeout`; returns the highest exit code.
pub fn wait(
    store: &Store,
    jobs: &mut [Submitted],
    timeout: Option<Duration>,
    json: bool,
    many: bool,
) -> i32 {
    let start = Instant::now();
    let mut shown: Vec<Option<String>> = jobs.iter().map(|_| None).collect();
    let mut open: Vec<usize> = (0..jobs.len()).filter(|&i| jobs[i].job.is_ok()).collect();
    let mut code = exit::OK;
    loop {
        let mut still = Vec::new();
        for i in open {
            let Ok(m) = &jobs[i].job else { continue };
            let id = m.job_id;
            match store.load(id) {
                Ok(m) => {
                    let now = phase(&m);
                    if now.is_none() {
                        code = code.max(ended(store, &jobs[i], &m, json, many));
                    } else {
                        if now != shown[i] {
                            let name = jobs[i].file.display();
                            eprintln!("{name}: {}", now.as_deref().unwrap_or_default());
                            shown[i] = now;
                        }
                        still.push(i);
                    }
                    jobs[i].job = Ok(m);
                }
                Err(e) => {
                    code = code.max(report(&jobs[i].file, &e));
                    jobs[i].job = Err(e);
                }
            }
        }
        open = still;
        if open.is_empty() {
            return code;
        }
        if let Some(t) = timeout
            && start.elapsed() >= t
        {
            for i in open {
                let Ok(m) = &jobs[i].job else { continue };
                let e = Error::WaitTimeout {
                    job_id: m.job_id.to_string(),
                    status: m.status.as_str(),
                    waited: format!("{t:?}"),
                };
                code = code.max(report(&jobs[i].file, &e));
                jobs[i].job = Err(e);
            }
            return code;
        }
        std::thread::sleep(POLL);
    }
}

/// `--json` with several files or `--wait`: one entry per file, its manifest or its error.
pub fn print_json_list(jobs: &[Submitted]) {
    let list: Vec<serde_json::Value> = jobs
        .iter()
        .map(|s| {
            let file = s.file.display().to_string();
            match &s.job {
                Ok(m) => serde_json::json!({"file": file, "job": m}),
                Err(e) => {
                    let mut v = e.to_json();
                    v["file"] = file.into();
                    v
                }
            }
        })
        .collect();
    crate::cli::print_json(&list);
}
