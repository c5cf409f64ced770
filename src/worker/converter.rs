//! The one place that chooses the converter and its options from the `[convert]` settings, shared
//! by the conversion child (`child.rs`) and `mdspool convert`: the external command when
//! `[convert] command` is set, else the built-in engine. With the `test-hooks` feature (tests
//! only), `MDSPOOL_TEST_CONVERTER` selects the testing converter instead.

use crate::config::{ConvertConfig, OcrConfig};
use crate::convert::{self, ConvertOptions, Converter};

/// The converter for attempt `attempt` (1 for the first run) of a job.
pub fn select(cfg: &ConvertConfig, attempt: u32) -> Box<dyn Converter> {
    #[cfg(feature = "test-hooks")]
    if std::env::var_os(super::testconv::ENV).is_some_and(|v| !v.is_empty()) {
        return Box::new(super::testconv::TestConverter { attempt });
    }
    let _ = attempt;
    match &cfg.command {
        Some(cmd) => Box::new(convert::external::ExternalConverter::new(
            cmd.clone(),
            cfg.output.clone(),
        )),
        None => Box::new(convert::Builtin),
    }
}

/// The engine options that follow from the settings (OCR of scanned pages as `[ocr]` says).
pub fn options(cfg: &ConvertConfig, ocr: &OcrConfig) -> ConvertOptions {
    ConvertOptions {
        page_breaks: cfg.page_breaks,
        max_stream_bytes: cfg.max_stream.0,
        ocr: ocr.options(),
        ..ConvertOptions::default()
    }
}
