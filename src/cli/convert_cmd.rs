//! `mdspool convert IN.pdf [-o OUT.md]`: one conversion in this process, with exactly the converter
//! and options the daemon uses (chosen by `worker::converter`, `[convert] command` included). A failed
//! conversion exits 7 and `io_error` 8 (as everywhere), with the stable code on stderr.

use std::path::PathBuf;

use clap::Args;

use crate::cli::Ctx;
use crate::durable;
use crate::error::{IoContext, Result, exit};
use crate::worker::converter;

#[derive(Debug, Args)]
#[command(after_help = crate::cli::help::CONVERT)]
pub struct ConvertArgs {
    /// The PDF to convert
    pub input: PathBuf,
    /// Write the Markdown here instead of stdout
    #[arg(short, long, value_name = "OUT.md")]
    pub output: Option<PathBuf>,
    /// Separate pages with `<!-- page N -->` lines
    #[arg(long)]
    pub page_breaks: bool,
    /// Print the statistics (pages, warnings, title) as JSON on stderr
    #[arg(long)]
    pub stats: bool,
}

pub fn run(ctx: &Ctx, a: ConvertArgs) -> Result<i32> {
    let cfg = &ctx.loaded.config.convert;
    let mut opts = converter::options(cfg);
    opts.page_breaks |= a.page_breaks;
    // The converter the daemon's conversion child would use (`[convert] command` included).
    let engine = converter::select(cfg, 1);
    let out = engine.convert(&a.input, &opts)?;
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
