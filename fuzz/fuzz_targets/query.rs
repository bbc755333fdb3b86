//! Fuzz target `query`: see `statemine_fuzz::query` (tests/fuzz_checks/mod.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statemine_fuzz::query(data));
