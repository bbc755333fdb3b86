//! Fuzz target `period`: see `statemine_fuzz::period` (tests/fuzz_checks/mod.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statemine_fuzz::period(data));
