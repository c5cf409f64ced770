//! The `[ocr]` settings: whether scanned pages (no text layer) are read by OCR, with which
//! languages, resolution and limits. `enabled = "auto"` (the default) turns OCR on when the
//! `tesseract` program (and `pdftoppm`, which renders pages for it) is found when the daemon
//! starts; `mdspool config` and `mdspool doctor` say which and why.

use std::path::PathBuf;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Dur;
use crate::convert::OcrOptions;

/// `enabled = "auto" | true | false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OcrMode {
    #[default]
    Auto,
    On,
    Off,
}

impl Serialize for OcrMode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OcrMode::Auto => s.serialize_str("auto"),
            OcrMode::On => s.serialize_bool(true),
            OcrMode::Off => s.serialize_bool(false),
        }
    }
}

impl<'de> Deserialize<'de> for OcrMode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Flag(bool),
            Word(String),
        }
        match Raw::deserialize(d)? {
            Raw::Flag(true) => Ok(OcrMode::On),
            Raw::Flag(false) => Ok(OcrMode::Off),
            Raw::Word(w) if w == "auto" => Ok(OcrMode::Auto),
            Raw::Word(w) => Err(serde::de::Error::custom(format!(
                "ocr.enabled must be \"auto\", true or false, not {w:?}"
            ))),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct OcrConfig {
    /// `"auto"`: on when `tesseract` and `pdftoppm` are found at start-up; `true`; `false`.
    pub enabled: OcrMode,
    /// tesseract language codes; each needs its `tesseract-ocr-LANG` data installed.
    pub languages: Vec<String>,
    /// Resolution pages are rendered at for OCR.
    pub dpi: u32,
    /// Wall-clock limit of each program run on one page (render, recognise).
    pub timeout: Dur,
    /// The tesseract program (default: `tesseract` on `PATH`).
    pub command: Option<PathBuf>,
    /// Below this mean word confidence (0-100) a conversion still succeeds, with a warning.
    pub min_confidence: f32,
}

impl Default for OcrConfig {
    fn default() -> Self {
        let o = OcrOptions::default();
        OcrConfig {
            enabled: OcrMode::Auto,
            languages: o.languages,
            dpi: o.dpi,
            timeout: Dur(o.timeout),
            command: None,
            min_confidence: o.min_confidence,
        }
    }
}

impl OcrConfig {
    /// The engine's options when OCR is on (`auto` decided now).
    pub fn options(&self) -> Option<OcrOptions> {
        self.status().0
    }

    /// Engine options when OCR is on, and why it is on or off.
    pub fn status(&self) -> (Option<OcrOptions>, String) {
        let mut o = OcrOptions {
            languages: self.languages.clone(),
            dpi: self.dpi,
            timeout: self.timeout.0,
            min_confidence: self.min_confidence,
            ..OcrOptions::default()
        };
        if let Some(c) = &self.command {
            o.command = c.clone();
        }
        let found = o.programs();
        match (self.enabled, found) {
            (OcrMode::Off, _) => (None, "off (ocr.enabled = false)".into()),
            (OcrMode::On, Ok((t, _))) => {
                let why = format!("on (ocr.enabled = true; {})", t.display());
                (Some(o), why)
            }
            (OcrMode::On, Err(e)) => {
                let why = format!("on (ocr.enabled = true) but {e}: scans fail with no_text_layer");
                (Some(o), why)
            }
            (OcrMode::Auto, Ok((t, _))) => (
                Some(o),
                format!("on (ocr.enabled = \"auto\": {} found)", t.display()),
            ),
            (OcrMode::Auto, Err(e)) => (None, format!("off (ocr.enabled = \"auto\": {e})")),
        }
    }

    /// The same settings with `auto` decided once (at start-up), so that every conversion of a
    /// daemon run agrees.
    pub fn resolved(&self) -> OcrConfig {
        let mut c = self.clone();
        if c.enabled == OcrMode::Auto {
            c.enabled = match self.options() {
                Some(_) => OcrMode::On,
                None => OcrMode::Off,
            };
        }
        c
    }
}
