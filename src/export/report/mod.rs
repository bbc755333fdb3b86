//! The study as one self-contained HTML page: what was studied, each theme's rate over
//! time, the comparisons, first occurrences, theme quality and every evidence row in a
//! browser that filters and pages.
//!
//! Contract: the page loads nothing: its style, script, charts (inline SVG, the charts of
//! [`super::chart`] with clickable points) and data are inside the file, and a
//! Content-Security-Policy meta tag allows only that inline style and script (by SHA-256)
//! and no other source, so no document text can run as code even if escaping failed. All
//! text goes through the template engine's HTML escaping; the evidence rows travel as a
//! JSON data island (`<` written as `\u003c`, so no text can close the element) that the
//! page's script reads and renders with DOM text nodes, a page of rows at a time, so
//! 100,000 rows never become 100,000 table rows. The page reads its filters from the URL
//! fragment (`#theme=..&period=..&speaker=..&q=..&sort=desc&page=2`) and writes them back,
//! so a filtered view can be shared as a link; it reports its state on `<body>` as data
//! attributes (`data-status`, `data-total`, `data-shown`, `data-init-ms`: the script's time,
//! `data-ready-ms`: from the start of navigation to the first page of rows) for tests.
//! See docs/report.md.

mod render;
mod rows;
mod summary;

use std::path::{Path, PathBuf};

use super::ExportError;
use super::atomic::{Staged, commit_pair};
use super::manifest::{ManifestContext, OutputInfo, stage_manifest, write_bytes_with_manifest};
use crate::analysis::{ComparisonTable, FirstOccurrence, TrendRow};
use crate::themes::{EvalReport, EvidenceRow};

pub use render::{content_security_policy, data_island, render_report};
pub use rows::ReportRows;
pub use summary::CorpusSummary;

/// One theme's section: its words from the theme file and its rows of the trend table.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeTrend {
    /// Theme id.
    pub id: String,
    /// Label from the theme file.
    pub label: String,
    /// Description from the theme file.
    pub description: String,
    /// The trend rows of this theme, in period order (one group).
    pub rows: Vec<TrendRow>,
}

/// Title and URL of a document that evidence rows cite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocLink {
    /// Document id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Source URL (linked only when it is `http:` or `https:`).
    pub url: String,
}

/// Theme quality against hand labels.
#[derive(Debug, Clone)]
pub struct Quality {
    /// The gold files, as given.
    pub files: Vec<String>,
    /// Their labels pooled and scored.
    pub report: EvalReport,
}

/// Everything the report shows, computed by the study (see `study::build_report`).
#[derive(Debug, Clone)]
pub struct Report {
    /// Page title.
    pub title: String,
    /// When the report was made (UTC, RFC 3339).
    pub created: String,
    /// Index, theme file and job file fingerprints, and the command line.
    pub context: ManifestContext,
    /// The documents studied.
    pub corpus: CorpusSummary,
    /// Title of the trend charts (names the periods).
    pub chart_title: String,
    /// One section per theme, in theme-file order.
    pub themes: Vec<ThemeTrend>,
    /// The job's comparisons.
    pub comparisons: Vec<ComparisonTable>,
    /// First occurrences with their passages.
    pub first: Vec<FirstOccurrence>,
    /// Theme quality, when gold files were given.
    pub quality: Option<Quality>,
    /// Every evidence row, ordered by date then document (none when the rows are spooled
    /// instead: see [`write_report_with_rows`]).
    pub evidence: Vec<EvidenceRow>,
    /// Titles and URLs of the documents the evidence rows cite.
    pub documents: Vec<DocLink>,
}

/// Renders `report` and writes it to `path` with its manifest beside it, both replaced
/// whole or not at all; returns the manifest's path.
pub fn write_report(
    report: &Report,
    path: &Path,
    context: &ManifestContext,
) -> Result<PathBuf, ExportError> {
    let html = render_report(report)?;
    let info = OutputInfo {
        path: path.display().to_string(),
        format: "html".into(),
        rows: report.evidence.len(),
        columns: report.themes.iter().map(|t| t.id.clone()).collect(),
    };
    write_bytes_with_manifest(html.as_bytes(), path, info, context)
}

/// Like [`write_report`] for the evidence rows `rows`, spooled as they were counted, in
/// place of `report.evidence` (not read): the same bytes for the same rows, while memory
/// does not grow with them.
pub fn write_report_with_rows(
    report: &Report,
    rows: ReportRows,
    path: &Path,
    context: &ManifestContext,
) -> Result<PathBuf, ExportError> {
    let info = OutputInfo {
        path: path.display().to_string(),
        format: "html".into(),
        rows: rows.rows(),
        columns: report.themes.iter().map(|t| t.id.clone()).collect(),
    };
    let mut staged = Staged::create(path)?;
    render::write_page_with_rows(report, rows, staged.writer(), path)?;
    let manifest = stage_manifest(path, &context.manifest(info))?;
    let manifest_path = manifest.path().to_path_buf();
    commit_pair(staged, manifest)?;
    Ok(manifest_path)
}

/// Checks that `path` names an HTML file (`.html` or `.htm`).
pub fn check_report_path(path: &Path) -> Result<(), ExportError> {
    match path.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm") => Ok(()),
        _ => Err(ExportError::ReportPath {
            path: path.to_path_buf(),
        }),
    }
}
