//! Robustness runner: converts every PDF under the given directories, each in its own child process
//! (this program re-executed with `--child FILE`) limited to 1 GiB of address space and killed with its
//! whole process group after a timeout. Prints converted / failed-by-code / panics / timeouts / memory
//! kills and the slowest files. Usage: `convert_corpus DIR... [--timeout SECS]`.
//!
//! Panics are counted by whose they are: inside the PDF library (contained by the engine, while
//! opening a document or reading one page; a document with a page-level panic may still convert),
//! or in the engine's own code (escaping the engine: a bug of ours, `internal_error` in the daemon).

use std::collections::BTreeMap;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mdspool_convert::{Builtin, ConvertOptions, Converter, parser_panics};

const MEMORY_LIMIT: u64 = 1 << 30;
/// Exit code of a child whose conversion panicked in the engine's own code (not contained).
const EXIT_PANIC: i32 = 101;
const EXIT_FAILED: i32 = 2;

fn child(file: &Path) -> ! {
    let r = std::panic::catch_unwind(|| Builtin.convert(file, &ConvertOptions::default()));
    // First line: the library's panics the engine contained (while opening, while reading pages).
    let p = parser_panics();
    println!("parser-panics {} {}", p.open, p.page);
    match r {
        Ok(Ok(out)) => {
            println!("ok {} bytes", out.markdown.len());
            std::process::exit(0)
        }
        Ok(Err(e)) => {
            println!("{}\t{e}", e.code());
            std::process::exit(EXIT_FAILED)
        }
        Err(_) => std::process::exit(EXIT_PANIC),
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")) {
            out.push(p);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let file = args.get(i + 1).map(PathBuf::from).unwrap_or_default();
        child(&file);
    }
    let mut timeout = Duration::from_secs(10);
    let mut files = Vec::new();
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if a == "--timeout" {
            let secs = it.next().and_then(|s| s.parse().ok()).unwrap_or(10);
            timeout = Duration::from_secs(secs);
        } else {
            collect(Path::new(a), &mut files);
        }
    }
    files.sort();
    let exe = std::env::current_exe().expect("own executable path");
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    let (mut ok, mut panics, mut timeouts, mut oom, mut caught) = (0, 0, 0, 0, 0);
    // Library panics contained while opening, while reading pages, and files with page panics.
    let (mut open_panics, mut page_panics, mut page_panic_files) = (0, 0, 0);
    let mut times: Vec<(Duration, PathBuf)> = Vec::new();
    let mut bad: Vec<String> = Vec::new();
    let started = Instant::now();
    for f in &files {
        let t = Instant::now();
        let mut cmd = Command::new(&exe);
        cmd.arg("--child")
            .arg(f)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        // SAFETY: only async-signal-safe calls (setpgid, setrlimit) between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::setpgid(0, 0);
                let lim = libc::rlimit {
                    rlim_cur: MEMORY_LIMIT,
                    rlim_max: MEMORY_LIMIT,
                };
                libc::setrlimit(libc::RLIMIT_AS, &lim);
                Ok(())
            });
        }
        let Ok(mut c) = cmd.spawn() else {
            bad.push(format!("spawn failed: {}", f.display()));
            continue;
        };
        let pid = c.id() as i32;
        let status = loop {
            match c.try_wait() {
                Ok(Some(s)) => break Some(s),
                Ok(None) if t.elapsed() > timeout => {
                    // SAFETY: kill the child's own process group (created by setpgid above).
                    unsafe { libc::kill(-pid, libc::SIGKILL) };
                    let _ = c.wait();
                    break None;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(_) => break None,
            }
        };
        let mut out = String::new();
        if let Some(mut so) = c.stdout.take() {
            use std::io::Read;
            let _ = so.read_to_string(&mut out);
        }
        times.push((t.elapsed(), f.clone()));
        let mut lines = out.splitn(2, '\n');
        let first = lines.next().unwrap_or_default();
        let counts: Vec<usize> = first
            .strip_prefix("parser-panics ")
            .map(|c| c.split(' ').filter_map(|n| n.parse().ok()).collect())
            .unwrap_or_default();
        if let [open, page] = counts[..] {
            open_panics += open;
            page_panics += page;
            if page > 0 {
                page_panic_files += 1;
                bad.push(format!(
                    "{page} page(s) panicked in the library: {}",
                    f.display()
                ));
            }
        }
        let out = lines.next().unwrap_or_default().to_string();
        match status {
            None => {
                timeouts += 1;
                bad.push(format!("timeout: {}", f.display()));
            }
            Some(s) if s.success() => ok += 1,
            Some(s) if s.code() == Some(EXIT_FAILED) => {
                let (code, msg) = out.trim().split_once('\t').unwrap_or((out.trim(), ""));
                *codes.entry(code.to_string()).or_default() += 1;
                if msg.contains("panicked") {
                    caught += 1;
                    bad.push(format!(
                        "library panic contained by the engine: {}: {msg}",
                        f.display()
                    ));
                }
            }
            Some(s) if s.code() == Some(EXIT_PANIC) => {
                panics += 1;
                bad.push(format!("engine panic (our bug): {}", f.display()));
            }
            Some(s) => {
                // SIGABRT/SIGSEGV from a failed allocation under the address-space limit.
                oom += 1;
                bad.push(format!(
                    "killed ({:?} / signal {:?}): {}",
                    s.code(),
                    s.signal(),
                    f.display()
                ));
            }
        }
    }
    let failed: usize = codes.values().sum();
    println!(
        "files {} in {:.1}s: converted {ok}, failed-by-code {failed} (of which by a library panic, pdf_malformed: {caught}), library panics contained: {open_panics} while opening, {page_panics} in pages ({page_panic_files} files), engine panics (our bugs) {panics}, timeouts {timeouts}, memory kills/aborts {oom}",
        files.len(),
        started.elapsed().as_secs_f64()
    );
    for (code, n) in &codes {
        println!("  {code}: {n}");
    }
    for b in &bad {
        println!("  {b}");
    }
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    println!("slowest:");
    for (d, f) in times.iter().take(8) {
        println!("  {:.2}s {}", d.as_secs_f64(), f.display());
    }
}
