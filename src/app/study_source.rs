//! Where the study commands get their counts: the theme file and the theme engine.
//!
//! This is the one place that calls the theme stage, so `trends`, `compare`, `first` and
//! `run` count the same way.

use std::path::Path;

use anyhow::Context;

use statemine::export::{FileFingerprint, file_fingerprint};
use statemine::index::{DocFilter, IndexStore};
use statemine::themes::DocThemeMatches;

/// The theme matches of the selected documents, with the theme ids in file order.
pub struct Counted {
    /// Theme ids in theme-file order (themes without matches included).
    pub theme_ids: Vec<String>,
    /// One entry per selected document, matched or not (the denominators need them all).
    pub docs: Vec<DocThemeMatches>,
    /// The theme file, for manifests.
    pub themes_file: FileFingerprint,
}

/// Loads the theme file and counts every theme in the documents `filter` selects.
pub fn count(store: &IndexStore, themes: &Path, filter: &DocFilter) -> anyhow::Result<Counted> {
    let themes_file = file_fingerprint(themes)
        .with_context(|| format!("reading the theme file {}", themes.display()))?;
    let _ = (store, filter);
    // Written against `themes::ThemeSet::load(path)` and
    // `themes::count_index(&IndexStore, &ThemeSet, &DocFilter)`; wired once the theme engine
    // is merged into main.
    anyhow::bail!(
        "theme counting is not available in this build yet (theme file {})",
        themes_file.path
    )
}

/// What ingesting the inputs of a job did.
pub struct IngestSummary {
    /// Documents added or replaced.
    pub added: u64,
    /// Documents skipped because their content hash was unchanged.
    pub unchanged: u64,
    /// Records rejected (reported on stderr by ingest).
    pub rejected: u64,
}

/// Ingests `inputs` into the index at `index` (created when missing), skipping unchanged
/// documents.
pub fn ingest(index: &Path, inputs: &[std::path::PathBuf]) -> anyhow::Result<IngestSummary> {
    // Wired to the library's ingest once it is merged into main.
    anyhow::bail!(
        "ingest is not available in this build yet ({} inputs for {})",
        inputs.len(),
        index.display()
    )
}

/// The evidence table (one row per match, with its passage) of `docs`.
pub fn evidence_table(
    store: &IndexStore,
    docs: &[DocThemeMatches],
) -> anyhow::Result<polars::prelude::DataFrame> {
    let _ = (store, docs);
    // Wired to the theme stage's evidence rows once it is merged into main.
    anyhow::bail!("evidence export is not available in this build yet")
}
