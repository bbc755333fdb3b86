//! Test-only: where the shared data lies for the unit tests that read it.
//!
//! Contract: [`shared_corpus`] gives `../shared/corpus` beside the repository (or one level
//! further up, as in a worktree), and fails the test, naming the folder, when it is absent:
//! a test that needs the data never passes without it.

use std::path::PathBuf;

/// The shared corpus folder; panics naming the folder when it is absent.
pub(crate) fn shared_corpus() -> PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = ["../shared/corpus", "../../shared/corpus"].map(|d| root.join(d));
    match candidates.iter().find(|d| d.is_dir()) {
        Some(found) => found.clone(),
        None => panic!(
            "shared data missing: {} (this test needs ../shared beside the repository)",
            candidates[0].display()
        ),
    }
}
