//! Convert one PDF with the built-in engine from the command line, for trying the engine and for the
//! corpus runner (which runs this in a child process per file).
//! Usage: `convert_one IN.pdf [-o OUT.md] [--page-breaks] [--stats] [--threads N] [--no-ocr] [--ocr-languages eng+deu]`; pages
//! without a text layer are read by OCR when `tesseract` and `pdftoppm` are on `PATH` (not with
//! `--no-ocr`). Exit code 0 on success,
//! 2 on a conversion error (its stable code is printed on stderr as `error: CODE: message`).
//! `RUST_LOG=mdspool_convert=trace` prints the layout traces (line fragments, gutters) on stderr.

use std::path::PathBuf;

use mdspool_convert::{Builtin, ConvertOptions, Converter, OcrOptions};

fn main() {
    // Layout traces on stderr with `RUST_LOG=mdspool_convert=trace`.
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .without_time()
            .with_target(false)
            .init();
    }
    let mut input: Option<PathBuf> = None;
    let mut output: Option<PathBuf> = None;
    let mut opts = ConvertOptions::default();
    let mut stats = false;
    let ocr = OcrOptions::default();
    opts.ocr = ocr.programs().is_ok().then_some(ocr);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-o" => output = args.next().map(PathBuf::from),
            "--page-breaks" => opts.page_breaks = true,
            "--stats" => stats = true,
            "--threads" => {
                opts.threads = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
            }
            "--no-ocr" => opts.ocr = None,
            "--ocr-languages" => {
                let langs = args.next().unwrap_or_default();
                if let Some(o) = opts.ocr.as_mut() {
                    o.languages = langs.split('+').map(str::to_string).collect();
                }
            }
            _ => input = Some(PathBuf::from(a)),
        }
    }
    let Some(input) = input else {
        eprintln!(
            "usage: convert_one IN.pdf [-o OUT.md] [--page-breaks] [--stats] [--threads N] [--no-ocr] [--ocr-languages eng+deu]"
        );
        std::process::exit(64);
    };
    match Builtin.convert(&input, &opts) {
        Ok(out) => {
            if stats {
                eprintln!("{}", serde_json::to_string(&out.stats).unwrap_or_default());
            }
            match output {
                Some(p) => {
                    if let Err(e) = std::fs::write(&p, out.markdown) {
                        eprintln!("error: io_error: {}: {e}", p.display());
                        std::process::exit(2);
                    }
                }
                None => {
                    use std::io::Write;
                    // A closed pipe (`| head`) is not an error worth a panic.
                    let _ = std::io::stdout().write_all(out.markdown.as_bytes());
                }
            }
        }
        Err(e) => {
            eprintln!("error: {}: {e}", e.code());
            std::process::exit(2);
        }
    }
}
