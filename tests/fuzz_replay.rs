//! Replays the kept fuzz corpus (`tests/fuzz-corpus/<target>/`: crashes found and fixed,
//! and a minimised corpus of interesting inputs) through the checks the fuzz targets run
//! (`tests/fuzz_checks/mod.rs`), in the ordinary suite on stable Rust.

mod fuzz_checks;

use std::fs;
use std::path::Path;

#[test]
fn every_kept_fuzz_input_passes_its_target_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    for &(target, check) in fuzz_checks::TARGETS {
        let dir = root.join(target);
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{}: no kept inputs", dir.display());
        for file in files {
            let data = fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{target}: {} fails", file.display());
        }
    }
}
