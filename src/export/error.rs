//! Errors of the export stage.

use std::path::PathBuf;

/// Writing an output table failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The output extension names no supported format.
    #[error("{path}: unsupported output format (use .csv, .parquet, .json or .ndjson)")]
    UnsupportedFormat {
        /// The output path.
        path: PathBuf,
    },
    /// A chart was asked for in a format that is not written.
    #[error("{path}: {reason}")]
    UnsupportedChart {
        /// The chart path.
        path: PathBuf,
        /// Why, and what to do instead.
        reason: String,
    },
    /// Documents were asked for under a name that is not a JSON Lines file.
    #[error(
        "{path}: documents are written as .jsonl, or .jsonl.gz compressed (JSON Lines, as ingest reads them)"
    )]
    DocumentsPath {
        /// The output path given.
        path: PathBuf,
    },
    /// A report was asked for under a name that is not an HTML file.
    #[error("{path}: a report is written as .html")]
    ReportPath {
        /// The report path.
        path: PathBuf,
    },
    /// The report page could not be rendered.
    #[error("rendering the report: {reason}")]
    Report {
        /// Why.
        reason: String,
    },
    /// The output would go into the folder of an index (and could replace its files).
    #[error("{path}: inside the index {index}: outputs never go into an index")]
    InsideIndex {
        /// The output path.
        path: PathBuf,
        /// The folder holding the index.
        index: PathBuf,
    },
    /// The output could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The output path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Polars could not build or write the table.
    #[error("{path}: {source}")]
    Polars {
        /// The output path.
        path: PathBuf,
        /// The polars error.
        #[source]
        source: polars::error::PolarsError,
    },
    /// A CSV row could not be written.
    #[error("{path}: {source}")]
    Csv {
        /// The output path.
        path: PathBuf,
        /// The CSV error.
        #[source]
        source: csv::Error,
    },
}
