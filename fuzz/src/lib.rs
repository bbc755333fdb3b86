//! The checks of every fuzz target, shared with the replay test of the ordinary suite
//! (`tests/fuzz_replay.rs`), which reads them from the same file.

#[path = "../../tests/fuzz_checks/mod.rs"]
mod checks;

pub use checks::*;
