//! `mdspool convert IN.pdf [-o OUT.md]`: one conversion in this process, with exactly the converter
//! and options the daemon uses (chosen by `worker::converter`, `[convert] command` included). A failed
//! conversion exits 7 and `io_error` 8 (as everywhere), with the stable code on stderr.
//!
//! `mdspool convert DIR_OR_FILES... -o OUTDIR [--jobs N]`: many PDFs, each in a limited child
//! process (`convert_batch.rs`). That form is taken when several inputs are given, when one is a
//! directory, or when `-o` names an existing directory.

use std::path::PathBuf;

use clap::Args;

use crate::cli::{Ctx, convert_batch, convert_inputs};
use crate::durable;
use crate::error::{Error, IoContext, Result, exit};
use crate::worker::converter;

#[derive(Debug, Args)]
#[command(after_help = crate::cli::help::CONVERT)]
pub struct ConvertArgs {
    /// The PDF to convert; or several PDFs and directories (searched for *.pdf), converted into
    /// -o OUTDIR
    #[arg(required = true, value_name = "IN.pdf|DIR")]
    pub input: Vec<PathBuf>,
    /// Write the Markdown here instead of stdout; for many PDFs, the directory that receives
    /// NAME.md for each
    #[arg(short, long, value_name = "OUT.md|OUTDIR")]
    pub output: Option<PathBuf>,
    /// Many PDFs: how many conversions run at once; one PDF: how many threads read its pages
    /// [default: the number of cores]
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Many PDFs: no progress bar and no line per converted file (failures and the summary only)
    #[arg(short, long)]
    pub quiet: bool,
    /// Separate pages with `<!-- page N -->` lines
    #[arg(long)]
    pub page_breaks: bool,
    /// Print the statistics (pages, warnings, title) as JSON on stderr
    #[arg(long)]
    pub stats: bool,
}

pub fn run(ctx: &Ctx, a: ConvertArgs) -> Result<i32> {
    let cfg = &ctx.loaded.config.convert;
    let batch = a.input.len() > 1
        || a.input.iter().any(|i| i.is_dir())
        || a.output.as_ref().is_some_and(|o| o.is_dir());
    if batch {
        return run_batch(ctx, a);
    }
    let mut opts = converter::options(cfg, &ctx.loaded.config.ocr);
    opts.page_breaks |= a.page_breaks;
    // Idle cores read pages of the one document (pages are independent; the output is the same).
    opts.threads = jobs_or_cores(a.jobs);
    // The converter the daemon's conversion child would use (`[convert] command` included).
    let engine = converter::select(cfg, 1);
    let out = converter::run(engine.as_ref(), &a.input[0], &opts).map_err(Error::internal)??;
    match &a.output {
        Some(p) => durable::write_atomic(p, out.markdown.as_bytes())?,
        None => {
            use std::io::Write;
            let mut so = std::io::stdout().lock();
            so.write_all(out.markdown.as_bytes()).at("<stdout>")?;
        }
    }
    if a.stats {
        eprintln!(
            "{}",
            serde_json::to_string(&out.stats).unwrap_or_else(|_| "{}".into())
        );
    }
    Ok(exit::OK)
}

fn run_batch(ctx: &Ctx, a: ConvertArgs) -> Result<i32> {
    let Some(outdir) = &a.output else {
        let msg = "several PDFs or a directory need -o OUTDIR";
        return Err(Error::config("--output", msg));
    };
    if a.stats {
        let msg = "--stats is for one PDF; with many, the summary gives pages and pages/s";
        return Err(Error::config("--stats", msg));
    }
    if outdir.exists() && !outdir.is_dir() {
        let msg = format!("{} is not a directory", outdir.display());
        return Err(Error::config("--output", msg));
    }
    let mut cfg = ctx.loaded.config.convert.clone();
    cfg.page_breaks |= a.page_breaks;
    let jobs = jobs_or_cores(a.jobs);
    let inputs = convert_inputs::name_outputs(convert_inputs::collect(&a.input)?);
    let ocr = ctx.loaded.config.ocr.resolved();
    convert_batch::run(&inputs, outdir, &cfg, &ocr, jobs, a.quiet)
}

/// `--jobs`, else the number of cores.
fn jobs_or_cores(jobs: Option<u16>) -> usize {
    match jobs {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}
