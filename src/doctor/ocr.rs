//! The OCR check of `mdspool doctor`: whether scanned pages will be read (`[ocr]`, and for
//! `enabled = "auto"` whether `tesseract` and `pdftoppm` are found), and whether tesseract has the
//! data of every configured language.

use std::path::Path;
use std::process::{Command, Stdio};

use super::{Finding, Severity};
use crate::config::Loaded;

pub const OCR_STATUS: &str = "ocr_status";
pub const OCR_UNAVAILABLE: &str = "ocr_unavailable";

pub fn check(loaded: &Loaded, out: &mut Vec<Finding>) {
    let cfg = &loaded.config.ocr;
    let (opts, why) = cfg.status();
    let Some(opts) = opts else {
        let msg = format!("OCR {why}: scanned PDFs fail with no_text_layer");
        out.push(Finding::new(
            OCR_STATUS,
            Severity::Info,
            Path::new("[ocr]"),
            msg,
        ));
        return;
    };
    let tesseract = match opts.programs() {
        Ok((t, _)) => t,
        Err(e) => {
            let msg = format!(
                "ocr.enabled = true but {e}: install tesseract-ocr and poppler-utils, or set ocr.command"
            );
            out.push(Finding::new(
                OCR_UNAVAILABLE,
                Severity::Warning,
                Path::new("[ocr]"),
                msg,
            ));
            return;
        }
    };
    let listed = Command::new(&tesseract)
        .arg("--list-langs")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let have: Vec<&str> = listed.lines().skip(1).map(str::trim).collect();
    let missing: Vec<&String> = cfg
        .languages
        .iter()
        .filter(|l| !have.contains(&l.as_str()))
        .collect();
    if !missing.is_empty() {
        let msg = format!(
            "{} has no data for ocr.languages {missing:?} (installed: {}): install tesseract-ocr-LANG",
            tesseract.display(),
            have.join(", ")
        );
        out.push(Finding::new(
            OCR_UNAVAILABLE,
            Severity::Warning,
            &tesseract,
            msg,
        ));
        return;
    }
    let msg = format!(
        "OCR {why}: scanned pages are read in {} at {} dpi",
        cfg.languages.join("+"),
        cfg.dpi
    );
    out.push(Finding::new(OCR_STATUS, Severity::Info, &tesseract, msg));
}
