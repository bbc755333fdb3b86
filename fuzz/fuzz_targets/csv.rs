//! Fuzz target `csv`: see `statemine_fuzz::csv` (tests/fuzz_checks/mod.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statemine_fuzz::csv(data));
