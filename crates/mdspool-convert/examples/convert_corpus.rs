//! Robustness runner: converts every PDF under the given directories, each in its own child process
//! (this program re-executed with `--child FILE`) limited to 1 GiB of address space and killed with its
//! whole process group after a timeout. Prints converted / failed-by-code / panics / timeouts / memory
//! kills and the slowest files. Usage: `convert_corpus DIR... [--timeout SECS]`.

use std::collections::BTreeMap;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mdspool_convert::{Builtin, ConvertOptions, Converter};

const MEMORY_LIMIT: u64 = 1 << 30;
/// Exit code of a child whose conversion panicked (the panic was not caught inside the engine).
const EXIT_PANIC: i32 = 101;
const EXIT_FAILED: i32 = 2;

fn child(file: &Path) -> ! {
    let r = std::panic::catch_unwind(|| Builtin.convert(file, &ConvertOptions::default()));
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
                        "panic caught inside the engine: {}: {msg}",
                        f.display()
                    ));
                }
            }
            Some(s) if s.code() == Some(EXIT_PANIC) => {
                panics += 1;
                bad.push(format!("panic: {}", f.display()));
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
        "files {} in {:.1}s: converted {ok}, failed-by-code {failed} (of which panics caught and mapped to pdf_malformed: {caught}), uncaught panics {panics}, timeouts {timeouts}, memory kills/aborts {oom}",
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
