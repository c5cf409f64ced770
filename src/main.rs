//! The `mdspool` binary: all logic lives in the library (`mdspool::cli`).

fn main() {
    std::process::exit(mdspool::cli::main());
}
