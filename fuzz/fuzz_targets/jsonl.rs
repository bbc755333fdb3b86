//! Fuzz target `jsonl`: see `statemine_fuzz::jsonl` (tests/fuzz_checks/mod.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statemine_fuzz::jsonl(data));
