//! Where the study commands get their data: ingest (for jobs) and the theme engine.
//!
//! This is the one place that calls those stages, so `trends`, `compare`, `first` and `run`
//! count the same way `statemine themes count` does.

use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use statemine::export::{FileFingerprint, file_fingerprint};
use statemine::index::{DocFilter, IndexStore, IngestOptions, IngestReport, ingest};
use statemine::themes::{
    CountOptions, DocThemeMatches, EvidenceRow, Matcher, Progress, ThemeSet, count_with,
};

use super::output::stderr_is_terminal;
use super::progress::IngestProgress;

/// The theme matches of the selected documents, with the theme ids in file order.
pub struct Counted {
    /// Theme ids in theme-file order (themes without matches included).
    pub theme_ids: Vec<String>,
    /// One entry per selected document, matched or not (the denominators need them all).
    pub docs: Vec<DocThemeMatches>,
    /// Evidence rows of every match (empty unless asked for).
    pub evidence: Vec<EvidenceRow>,
    /// The theme file, for manifests.
    pub themes_file: FileFingerprint,
}

/// Counts every theme of `set` in the documents `filter` selects, with evidence rows when
/// `evidence` is set; a progress bar on stderr when it is a terminal.
pub fn count(
    store: &IndexStore,
    set: &ThemeSet,
    filter: &DocFilter,
    evidence: bool,
) -> anyhow::Result<Counted> {
    let themes_file = file_fingerprint(&set.path)
        .with_context(|| format!("reading the theme file {}", set.path.display()))?;
    let matcher = Matcher::new(set)?;
    let options = CountOptions {
        evidence,
        ..CountOptions::default()
    };
    let bar = if stderr_is_terminal() {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    if let Ok(style) =
        ProgressStyle::with_template("counting themes [{bar:30}] {pos}/{len} documents")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    let progress = |event: Progress| match event {
        Progress::Selected(n) => bar.set_length(n as u64),
        Progress::Done => bar.inc(1),
    };
    let result = count_with(store, &matcher, filter, &options, &progress);
    bar.finish_and_clear();
    let result = result?;
    Ok(Counted {
        theme_ids: set.themes.iter().map(|t| t.id.clone()).collect(),
        docs: result.docs,
        evidence: result.evidence,
        themes_file,
    })
}

/// Ingests `inputs` into the index at `index` (created when missing); documents whose
/// content hash is already in the index are skipped. Rejected records are printed on
/// stderr as they come and make the job fail after the summary.
pub fn ingest_inputs(index: &Path, inputs: &[PathBuf]) -> anyhow::Result<IngestReport> {
    let options = IngestOptions::new(index);
    let progress = IngestProgress::new(false);
    let report = ingest(inputs, &options, &progress)
        .with_context(|| format!("ingest into {}", index.display()))?;
    eprintln!("ingest {}: {report}", index.display());
    anyhow::ensure!(
        report.rejected == 0,
        "{} input record(s) rejected (see the messages above); fix the inputs and run the job again",
        report.rejected
    );
    Ok(report)
}
