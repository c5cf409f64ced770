//! Fuzzes the PDF-to-Markdown path with hostile bytes: `mdspool::convert::Builtin` on a temp
//! file (what the conversion child runs) and the PDF library under it. The property lives in tests/support/fuzz_checks.rs,
//! shared with tests/fuzz_regressions.rs.
#![no_main]

#[path = "../../tests/support/fuzz_checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::convert(data));
