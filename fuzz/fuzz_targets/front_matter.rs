//! Fuzz target `front_matter`: see `statemine_fuzz::front_matter` (tests/fuzz_checks/mod.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statemine_fuzz::front_matter(data));
