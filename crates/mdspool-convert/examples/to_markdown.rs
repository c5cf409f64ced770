//! The engine on its own, without the spool: `cargo run -p mdspool-convert --example to_markdown -- IN.pdf`
//! prints the Markdown of IN.pdf, or the error's stable code and message.

use mdspool_convert::{Builtin, ConvertOptions, Converter};

fn main() {
    let Some(input) = std::env::args_os().nth(1) else {
        eprintln!("usage: to_markdown IN.pdf");
        std::process::exit(64);
    };
    match Builtin.convert(input.as_ref(), &ConvertOptions::default()) {
        Ok(out) => print!("{}", out.markdown),
        Err(e) => {
            eprintln!("error: {}: {e}", e.code());
            std::process::exit(2);
        }
    }
}
