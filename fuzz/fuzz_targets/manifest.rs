//! Fuzzes the manifest reader (`jobs/<id>/manifest.json`, which an operator or a damaged disk
//! may alter): no panic, and a write/read round trip of what it accepts. The property lives in tests/support/fuzz_checks.rs,
//! shared with tests/fuzz_regressions.rs.
#![no_main]

#[path = "../../tests/support/fuzz_checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::manifest(data));
