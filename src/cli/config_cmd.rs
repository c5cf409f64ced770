//! `mdspool config`: the configuration the daemon would run with, after defaults, file, environment
//! and flags, so that "which value wins" never needs guessing.

use clap::Args;

use crate::cli::{Ctx, print_json};
use crate::error::{Result, exit};

#[derive(Debug, Args)]
#[command(after_help = crate::cli::help::CONFIG)]
pub struct ConfigArgs {
    /// Print as JSON instead of TOML
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, a: ConfigArgs) -> Result<i32> {
    let c = &ctx.loaded.config;
    if a.json {
        print_json(c);
        return Ok(exit::OK);
    }
    match &ctx.loaded.file {
        Some(f) => say!("# config file: {}", f.display()),
        None => say!("# config file: none (defaults, environment and flags only)"),
    }
    let text = toml::to_string_pretty(c)
        .map_err(|e| crate::error::Error::internal(format!("cannot render config: {e}")))?;
    say!("{}", text.trim_end());
    Ok(exit::OK)
}
