//! The one place that chooses the converter and its options from the `[convert]` settings, shared
//! by the conversion child (`child.rs`) and `mdspool convert`: the external command when
//! `[convert] command` is set, else the built-in engine. With the `test-hooks` feature (tests
//! only), `MDSPOOL_TEST_CONVERTER` selects the testing converter instead.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use crate::config::{ConvertConfig, OcrConfig};
use crate::convert::{self, ConvertError, ConvertOptions, ConvertOutput, Converter};

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

/// Runs `engine` on `input`. The built-in engine contains the PDF library's panics itself (as
/// `pdf_malformed`); a panic that escapes it is a bug in our own code: `Err` with the panic's
/// location and message, which callers report as `internal_error` (never blamed on the PDF).
/// Other converters' panics unwind on (in the conversion child: `conversion_crashed`).
pub fn run(
    engine: &dyn Converter,
    input: &Path,
    opts: &ConvertOptions,
) -> Result<Result<ConvertOutput, ConvertError>, String> {
    if engine.name() != "builtin" {
        return Ok(engine.convert(input, opts));
    }
    catch_unwind(AssertUnwindSafe(|| engine.convert(input, opts))).map_err(own_panic)
}

fn own_panic(payload: Box<dyn std::any::Any + Send>) -> String {
    let msg = convert::payload_text(payload.as_ref());
    match convert::last_own_panic() {
        Some(site) if msg.starts_with("engine panicked at ") || site.ends_with(&msg) => {
            format!("the built-in engine panicked at {site}")
        }
        _ => format!("the built-in engine panicked: {msg}"),
    }
}

/// Whether `cfg`'s converter can convert a PDF held in memory (in the persistent converter,
/// which opens no file): the built-in engine (and the testing converter) can, an external
/// command cannot.
pub fn in_memory(cfg: &ConvertConfig) -> bool {
    cfg.command.is_none()
}

/// [`run`] on the PDF's bytes `data` (`input` only names it), without opening any file. `Ok(None)`:
/// the document needs OCR, which runs programs on files (the caller converts it another way).
#[allow(clippy::type_complexity)]
pub fn run_bytes(
    cfg: &ConvertConfig,
    attempt: u32,
    input: &Path,
    data: Vec<u8>,
    opts: &ConvertOptions,
) -> Result<Option<Result<ConvertOutput, ConvertError>>, String> {
    #[cfg(feature = "test-hooks")]
    if std::env::var_os(super::testconv::ENV).is_some_and(|v| !v.is_empty()) {
        if opts.ocr.is_some() && super::testconv::wants_ocr(&data) {
            return Ok(None);
        }
        let t = super::testconv::TestConverter { attempt };
        return Ok(Some(t.convert_bytes(input, &data)));
    }
    let _ = (cfg, attempt);
    let engine = convert::Builtin;
    catch_unwind(AssertUnwindSafe(|| engine.convert_bytes(input, data, opts)))
        .map(Result::transpose)
        .map_err(own_panic)
}
