//! The `statemine` binary: parse arguments, call the library, print, map errors to exit codes.

mod app;

fn main() -> std::process::ExitCode {
    app::main()
}
