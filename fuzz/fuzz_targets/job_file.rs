//! Fuzz target `job_file`: see `statemine_fuzz::job_file` (tests/fuzz_checks/mod.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| statemine_fuzz::job_file(data));
