//! The exit codes every command documents in its `--help` (and README.md in its table): one list
//! per command, so that a script knows what each code means for the command it runs. The numbers
//! are [`crate::error::exit`]; `tests/cli_docs.rs` checks that each list agrees with the table of
//! `mdspool --help` and with README.md.

/// `mdspool --help`: the whole table.
pub const ALL: &str = "\
Exit codes:
  0  success (status: the job or key was found, whatever the job's own status)
  1  internal error, ingest_in_progress, or the daemon stopped at once (second signal)
  2  usage or configuration error (a flag, the config file, an environment variable; an
     invalid job id or key)
  3  job_not_found: no such job or key here
  4  job_expired: the job existed and was removed by retention
  5  root_locked: another daemon serves this root on this host
  6  conflict: idempotency_conflict, or a state change the job's status does not allow
  7  refused or not converted: the file was refused (not_a_pdf, empty_file, too_large,
     unsafe_entry; drop_rejected from status) or its conversion failed (pdf_malformed, ...)
  8  storage error (io_error, storage_full, record_corrupt, store_failed); doctor: problems remain
  9  wait_timeout: submit --wait --timeout gave up before the job ended (the job goes on)

Storage root: --root, else $CONVERTER_STORAGE_ROOT, else $SIR_CONVERT_A_LOT_DATA_DIR (alias),
else ./mdspool-data (created on first use). Documentation: docs/ in the source tree.";

pub const RUN: &str = "\
Liveness without a network port: state/daemon.json (pid, last beat, queue depth, running
conversions, stuck threads) and the Prometheus text file (metrics.file, default
state/metrics.prom) are rewritten every metrics.interval. Under systemd (Type=notify, see
contrib/mdspool.service) it sends READY=1 once recovery is done, STATUS= lines and STOPPING=1, and
WATCHDOG=1 (when WatchdogSec= is set) only while no thread has been silent for longer than
metrics.stuck_after.

Several hosts on one root (NFS, SMB, sshfs; docs/scale-out.md): give each daemon its own
--host-id (default: the hostname) and set `[cluster] enabled = true` in mdspool.toml. Each daemon
then renews a heartbeat (state/hosts/HOST.json) and takes every job by creating its lease
(jobs/ID/lease-EPOCH) exclusively, renewed every cluster.lease_renew (10s). A job whose lease
nobody renewed for cluster.lease_timeout (60s, measured on the clock of the host that watches) is
taken over by another host; the late holder's result is then discarded, never published. A daemon
without the setting switches it on by itself when it finds another host's heartbeat at start.

Exit codes:
  0  stopped after a drain (first SIGTERM/SIGINT)
  1  internal error, or stopped at once (second signal)
  2  configuration error
  5  root_locked: another daemon serves this root on this host
  8  storage error (store_failed, storage_full, io_error)";

pub const SUBMIT: &str = "\
Which way: when state/daemon.json shows a live daemon on the root (a fresh heartbeat, starting or
serving), each file is dropped into inbox/ as any client would (the PDF under a temporary name,
synced, renamed into place, then its sidecar with the key, last) and the command waits for the
daemon's receipt before it prints the job id, so that exit 0 means the job is durably recorded.
Without a live daemon, or with --direct, the file is admitted here, straight into the store. Either
way the same key and bytes give the same job, and a file that would be refused is refused the same
way. A daemon that does not take the drop within 10 s (plus two polls with watch.poll) does not
leave the command waiting: it takes its drop back and admits it itself.

Several files: each becomes its own job (--key needs a single FILE); a file that fails does not
stop the others, and the exit code is the highest of the files' codes. Without --wait, each job id
is printed (several files: `ID<TAB>FILE`). With --wait, the command follows each job on stderr
(queued, running with its attempt number, queued again after a failed attempt, and how it ended),
prints the path of each Markdown on stdout as its job succeeds (several files: `PATH<TAB>FILE`,
in the order they end), and exits by how the jobs ended; a daemon must run on the root
(`mdspool run`) for them to progress.

Exit codes:
  0  a job was created, or the same key and bytes already had one (its id is printed); with
     --wait, every job succeeded (the Markdown's path is printed)
  1  ingest_in_progress: the daemon took the drop but did not admit it within 30 s (it goes on)
  2  invalid key or scope, or a configuration error
  6  idempotency_conflict: the key names another job with different bytes
  7  refused (not_a_pdf, empty_file, too_large, unsafe_entry): as a refused drop, rejected/NAME.error.json
     and the key's receipt say why; a copy of the file is in rejected/ unless it is too large or not a
     regular file. With --wait: the job failed (pdf_malformed, conversion_timeout, ...) or was canceled
  8  storage error (io_error: the file cannot be read; storage_full, ...)
  9  wait_timeout: --wait --timeout ran out before a job ended (the job goes on)";

pub const STATUS: &str = "\
Exit codes (status reports a job; its exit code says whether it was found, not how the job
ended):
  0  found: queued, running, succeeded, failed or canceled (the status is printed)
  2  invalid job id, key or scope
  3  job_not_found: no such job, and no drop with that key
  4  job_expired: the job was removed by retention (its tombstone remains)
  7  drop_rejected (--key, --file): that drop was refused; the message gives its code
  8  storage error (record_corrupt, io_error, ...)";

pub const LIST: &str = "\
Exit codes:
  0  listed (unreadable manifests are reported on stderr and skipped)
  2  invalid filter, or a configuration error
  8  storage error";

pub const JOB_CHANGE: &str = "\
Exit codes:
  0  done
  1  ingest_in_progress: the job is still being ingested; try again
  2  invalid job id, or a configuration error
  3  job_not_found
  4  job_expired
  6  invalid_transition: the job's status does not allow it
  8  storage error";

pub const SWEEP: &str = "\
Exit codes:
  0  swept (or, with --dry-run, planned), also when nothing was due
  2  configuration error
  8  storage error; when a removal fails, the pass goes on and exits with the code of the first error";

pub const CONVERT: &str = "\
One PDF: converted in this process, its pages read by --jobs threads (default: one per core; the
Markdown is the same with any number).

Many PDFs (several inputs, a directory, or -o naming an existing directory): each is converted in
its own limited child process (convert.max_memory, convert.timeout, convert.sandbox), --jobs
at a time, into
OUTDIR/NAME.md; two inputs with the same name give NAME.md and NAME (2).md, in the order given
(an output left by an earlier run is replaced). Directories are searched recursively for *.pdf.
Progress goes to stderr: a bar on a terminal, else one line per file; the summary (converted,
failed by code, pages/s) goes to stdout. A failed file does not stop the others.

Exit codes:
  0  the Markdown was written (many PDFs: every file was converted)
  2  configuration error
  7  the conversion failed (pdf_malformed, pdf_encrypted, no_text_layer, pdf_too_complex,
     external_converter_failed; many PDFs: also not_a_pdf, empty_file, conversion_timeout,
     conversion_memory_limit, conversion_crashed, conversion_killed,
     conversion_sandbox_violation)
  8  io_error: the input cannot be read or the output cannot be written
Many PDFs: when files failed with different exit codes, the highest is the exit code.";

pub const CONFIG: &str = "\
Exit codes:
  0  printed
  2  configuration error (the message names the flag, file or environment variable)";

pub const DOCTOR: &str = "\
Checks the root: missing folders; a daemon serving it; a lock or --pid-file naming an ended process;
unreadable manifests; receipts, manifests and outputs clients cannot read (or not of output.mode,
when set), and state/ not private;
and, only while no daemon runs (a running daemon's are in flight), temp files, staging and trash
entries left by an interrupted run, jobs left running and receipts that disagree with their
manifest; a network file system (polling) and free space under 1 GiB. Each finding has a code
(docs/codes.md), a severity (error, warning, info), a path and what to do. --fix repairs what is
safe: it creates folders, runs startup recovery when no daemon serves the root (temp files, staging,
jobs left running, receipts rewritten from their manifests) and fixes modes. It never deletes a
manifest, an output or a receipt (trash entries are left to `mdspool sweep`). --json prints the
findings as an array of {code, severity, path, message, fixed}.

Exit codes:
  0  healthy: no error or warning remains (info findings allowed)
  2  configuration error
  5  root_locked: --fix found a daemon starting on the root; run it again
  8  an error or warning remains (not fixed), or a storage error while checking";

pub const STATS: &str = "\
Prints what the daemon's metrics file (metrics.file, default state/metrics.prom) holds, computed
now by this command: jobs by status, queue depth, age of the oldest queued job, free space on the
root's file system, whether a daemon serves the root (from state/daemon.json), and the daemon's
totals (drops ingested, refused by code, jobs succeeded and failed by code, pages, conversion
times) as of its last save of state/counters.json. Works whether a daemon runs or not; changes
nothing. Without --json, the Prometheus text format (a cron job can write it where node_exporter
looks when no daemon runs).

Exit codes:
  0  printed
  2  configuration error
  8  storage error (io_error: the root does not exist or cannot be read)";
