//! The decompression cap (`max_stream_bytes`): a 3.7 KB file whose content stream inflates to 3 MB is
//! refused as `pdf_too_complex` under a 1 MB cap. Its own test binary, because the cap is applied
//! once per process.

use std::path::Path;

use mdspool_convert::{Builtin, ConvertOptions, Converter};

#[test]
fn stream_over_the_cap_is_too_complex() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdf/flate_3mb.pdf");
    let opts = ConvertOptions {
        max_stream_bytes: 1024 * 1024,
        ..Default::default()
    };
    let e = Builtin.convert(&file, &opts).expect_err("over the cap");
    assert_eq!(e.code(), "pdf_too_complex", "{e}");
    assert!(e.is_permanent());
}
