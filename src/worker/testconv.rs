//! A converter for testing the worker pool, never used in production: the conversion child selects
//! it only when the environment variable `MDSPOOL_TEST_CONVERTER` is set (to anything non-empty).
//! It does not parse PDFs; it obeys `%mdspool-test: DIRECTIVE` lines found in the input's bytes, so
//! one daemon can run jobs that misbehave in different ways side by side:
//!
//! | directive        | behaviour                                                       |
//! |------------------|-----------------------------------------------------------------|
//! | (none)           | echo: `# NAME` and the size in bytes, 1 page                    |
//! | `sleep:SECS`     | sleeps, then echoes                                             |
//! | `panic`          | panics                                                          |
//! | `panic-until:N`  | panics on attempts below N, then echoes                         |
//! | `segv`           | dies by SIGSEGV                                                 |
//! | `alloc`          | allocates (and touches) memory until the allocation fails       |
//! | `spin`           | burns CPU forever                                               |
//! | `stderr:BYTES`   | writes BYTES bytes to stderr, then echoes                       |
//! | `stdout`         | prints to stdout (must not disturb the result channel), echoes  |
//! | `grandchild`     | starts `sleep 300` (pid on stderr), then sleeps 300 s itself    |
//! | `needs:PATH`     | `pdf_malformed` (permanent) unless PATH exists, else echoes     |
//! | `ocr`            | has pages for OCR: with OCR on, the persistent converter hands it to a one-attempt child (which echoes) |
//! | `malformed`, `encrypted`, `no-text`, `io-error` | the matching `ConvertError`      |
//!
//! And the escapes a parser taken over by a hostile PDF would try, one attempt each, for the
//! sandbox's tests (docs/security.md). Each that succeeds adds an `escaped: ...` line to the echo;
//! a denied file access is returned as the `io_error` it is (the child reports it as
//! `conversion_sandbox_violation`); a denied system call never returns (SIGSYS).
//!
//! | directive        | attempt                                                         |
//! |------------------|-----------------------------------------------------------------|
//! | `read:PATH`      | reads PATH (another job's `output.md`, `/etc/passwd`)           |
//! | `write:PATH`     | overwrites PATH (a receipt)                                     |
//! | `create:PATH`    | creates the new file PATH (in the inbox)                        |
//! | `connect:ADDR`   | opens a TCP connection to ADDR (`127.0.0.1:PORT`)               |
//! | `exec:MARKER`    | replaces itself by `/bin/sh -c ': > "$0"' MARKER` (creates MARKER) |

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use crate::convert::{ConvertError, ConvertOptions, ConvertOutput, ConvertStats, Converter};

/// Environment variable that selects this converter in the conversion child.
pub const ENV: &str = "MDSPOOL_TEST_CONVERTER";

pub struct TestConverter {
    /// The attempt number of the job (1 for the first run).
    pub attempt: u32,
}

fn directives(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("%mdspool-test:"))
        .map(|d| d.trim().to_string())
        .collect()
}

/// Whether the document says it has pages for OCR (the `ocr` directive).
pub fn wants_ocr(bytes: &[u8]) -> bool {
    directives(bytes).iter().any(|d| d == "ocr")
}

fn echo(input: &Path, size: usize) -> ConvertOutput {
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    ConvertOutput {
        markdown: format!("# {name}\n\n{size} bytes\n"),
        stats: ConvertStats {
            pages: 1,
            warnings: vec!["test converter".into()],
            title: Some(name),
            author: None,
            ocr: None,
        },
    }
}

impl Converter for TestConverter {
    fn name(&self) -> &str {
        "test"
    }

    fn version(&self) -> String {
        "1".into()
    }

    fn convert(&self, input: &Path, _opts: &ConvertOptions) -> Result<ConvertOutput, ConvertError> {
        let bytes = std::fs::read(input).map_err(|source| ConvertError::Io {
            path: input.to_path_buf(),
            source,
        })?;
        self.convert_bytes(input, &bytes)
    }
}

impl TestConverter {
    /// As [`Converter::convert`] on the input's bytes (the persistent converter's way).
    pub fn convert_bytes(&self, input: &Path, bytes: &[u8]) -> Result<ConvertOutput, ConvertError> {
        let path = input.to_path_buf();
        let mut escaped = String::new();
        for d in directives(bytes) {
            let (verb, arg) = d.split_once(':').unwrap_or((d.as_str(), ""));
            let n: u64 = arg.trim().parse().unwrap_or(0);
            match verb {
                "sleep" => std::thread::sleep(Duration::from_secs(n)),
                "panic" => panic!("test converter: panic directive"),
                "panic-until" if u64::from(self.attempt) < n => {
                    panic!("test converter: panic on attempt {}", self.attempt)
                }
                "segv" => {
                    // SAFETY: restores the default action (the runtime's handler would ignore a
                    // raised SIGSEGV) and raises it in our own process: it dies.
                    unsafe {
                        libc::signal(libc::SIGSEGV, libc::SIG_DFL);
                        libc::raise(libc::SIGSEGV);
                    }
                }
                "alloc" => {
                    let mut hog: Vec<Vec<u8>> = Vec::new();
                    loop {
                        hog.push(vec![1u8; 16 << 20]);
                    }
                }
                "spin" => {
                    let mut x = 0u64;
                    loop {
                        x = std::hint::black_box(x.wrapping_add(1));
                    }
                }
                "stderr" => {
                    let chunk = vec![b'e'; 4096];
                    let mut left = n as usize;
                    let mut err = std::io::stderr().lock();
                    while left > 0 {
                        let k = left.min(chunk.len());
                        let _ = err.write_all(&chunk[..k]);
                        left -= k;
                    }
                }
                "needs" if !Path::new(arg.trim()).exists() => {
                    return Err(ConvertError::Malformed {
                        path,
                        reason: format!("test directive: {} is missing", arg.trim()),
                    });
                }
                "grandchild" => {
                    let c = std::process::Command::new("sleep").arg("300").spawn();
                    let pid = c.as_ref().map(|c| c.id()).unwrap_or(0);
                    eprintln!("grandchild pid {pid}");
                    std::thread::sleep(Duration::from_secs(300));
                }
                "stdout" => println!("test converter: noise on stdout"),
                "read" | "write" | "create" | "connect" | "exec" => {
                    escaped.push_str(&escape(verb, arg.trim())?);
                }
                "malformed" => {
                    return Err(ConvertError::Malformed {
                        path,
                        reason: "test directive".into(),
                    });
                }
                "encrypted" => return Err(ConvertError::Encrypted { path }),
                "no-text" => return Err(ConvertError::NoTextLayer { path, pages: 1 }),
                "io-error" => {
                    return Err(ConvertError::Io {
                        path,
                        source: std::io::Error::other("test directive"),
                    });
                }
                _ => {}
            }
        }
        let mut out = echo(input, bytes.len());
        out.markdown.push_str(&escaped);
        Ok(out)
    }
}

/// One escape attempt (see the module comment): the line it adds to the echo, or the error.
fn escape(verb: &str, arg: &str) -> Result<String, ConvertError> {
    let io = |source| ConvertError::Io {
        path: arg.into(),
        source,
    };
    let line = match verb {
        "read" => format!(
            "read {arg} ({} bytes)",
            std::fs::read(arg).map_err(io)?.len()
        ),
        "write" => {
            crate::fsx::write(arg, b"forged by the test converter\n").map_err(io)?;
            format!("wrote {arg}")
        }
        "create" => {
            let mut f = crate::fsx::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(arg)
                .map_err(io)?;
            f.write_all(b"created by the test converter\n")
                .map_err(io)?;
            format!("created {arg}")
        }
        "connect" => {
            let s = std::net::TcpStream::connect(arg).map_err(io)?;
            format!("connected to {arg} from {:?}", s.local_addr().ok())
        }
        _ => {
            use std::os::unix::process::CommandExt;
            // Replaces this process: on success the attempt ends without a report.
            let e = std::process::Command::new("/bin/sh")
                .args(["-c", ": > \"$0\"", arg])
                .exec();
            return Err(io(e));
        }
    };
    eprintln!("test converter: escaped: {line}");
    Ok(format!("\nescaped: {line}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_found_anywhere() {
        let d = directives(b"%PDF-1.4\n%mdspool-test: sleep:2\nstuff\n  %mdspool-test:panic\n");
        assert_eq!(d, vec!["sleep:2", "panic"]);
    }

    #[test]
    fn echo_and_permanent_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.pdf");
        std::fs::write(&p, b"%PDF-1.4\n").unwrap();
        let c = TestConverter { attempt: 1 };
        let out = c.convert(&p, &ConvertOptions::default()).unwrap();
        assert_eq!(out.markdown, "# a.pdf\n\n9 bytes\n");
        std::fs::write(&p, b"%PDF-1.4\n%mdspool-test: encrypted\n").unwrap();
        let e = c.convert(&p, &ConvertOptions::default()).unwrap_err();
        assert_eq!(e.code(), "pdf_encrypted");
    }
}
