//! The `statemine` binary: parse arguments, call the library, print, map errors to exit codes.

// Diagnostics go through `app::output`, which ignores a closed stderr (`eprintln!` panics).
#![deny(clippy::print_stderr)]

mod app;

fn main() -> std::process::ExitCode {
    app::main()
}
