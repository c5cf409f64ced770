//! `mdspool config`: the configuration the daemon would run with, after defaults, file, environment
//! and flags, each value with where it came from, so that "which value wins" never needs guessing.

use clap::Args;

use crate::cli::{Ctx, print_json};
use crate::config::Loaded;
use crate::error::{Error, Result, exit};

#[derive(Debug, Args)]
#[command(after_help = crate::cli::help::CONFIG)]
pub struct ConfigArgs {
    /// Print as JSON ({"config": {...}, "origins": {"section.key": "..."}, "ocr": "on (...)"}) instead of TOML
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, a: ConfigArgs) -> Result<i32> {
    let l = &ctx.loaded;
    if a.json {
        let ocr = l.config.ocr.status().1;
        print_json(&serde_json::json!({"config": l.config, "origins": origins(l)?, "ocr": ocr}));
        return Ok(exit::OK);
    }
    match &l.file {
        Some(f) => say!("# config file: {}", f.display()),
        None => say!("# config file: none (defaults, environment and flags only)"),
    }
    say!("# after each value: where it came from (default, file, environment variable, flag)");
    let text = toml::to_string_pretty(&l.config)
        .map_err(|e| Error::internal(format!("cannot render config: {e}")))?;
    let mut section = String::new();
    for line in text.trim_end().lines() {
        if let Some(s) = line.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = s.to_string();
            say!("{line}");
            continue;
        }
        match line.split_once(" = ") {
            Some((key, _)) if !line.starts_with(' ') => {
                let full = match section.as_str() {
                    "" => key.to_string(),
                    s => format!("{s}.{key}"),
                };
                say!("{line}  # {}", l.origin(&full));
            }
            _ => say!("{line}"),
        }
    }
    say!("# OCR of scanned pages: {}", l.config.ocr.status().1);
    Ok(exit::OK)
}

/// `section.key` -> origin of every value of the configuration.
fn origins(l: &Loaded) -> Result<serde_json::Map<String, serde_json::Value>> {
    let v = serde_json::to_value(&l.config)
        .map_err(|e| Error::internal(format!("cannot render config: {e}")))?;
    let mut out = serde_json::Map::new();
    for (section, inner) in v.as_object().into_iter().flatten() {
        match inner.as_object() {
            Some(keys) => {
                for key in keys.keys() {
                    let full = format!("{section}.{key}");
                    out.insert(full.clone(), l.origin(&full).to_string().into());
                }
            }
            None => {
                out.insert(section.clone(), l.origin(section).to_string().into());
            }
        }
    }
    Ok(out)
}
