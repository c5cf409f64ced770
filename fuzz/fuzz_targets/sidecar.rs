//! Fuzzes the inbox's sidecar parser (`NAME.pdf.idem`, written by any client) and the inbox's
//! name rules. The property lives in tests/support/fuzz_checks.rs,
//! shared with tests/fuzz_regressions.rs.
#![no_main]

#[path = "../../tests/support/fuzz_checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::sidecar(data));
