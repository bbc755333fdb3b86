//! Fuzz target `theme_match`: see `statemine_fuzz::theme_match` (tests/fuzz_checks/mod.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statemine_fuzz::theme_match(data));
