//! Errors of the analysis stage.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

/// Aggregation or a statistical computation failed.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// A period specification is invalid.
    #[error("invalid period `{spec}`: {reason}")]
    Period {
        /// What the user gave.
        spec: String,
        /// What is wrong.
        reason: String,
    },
    /// Two named periods overlap.
    #[error("periods overlap: {first} and {second}")]
    PeriodsOverlap {
        /// The earlier period, with its range.
        first: String,
        /// The later period, with its range.
        second: String,
    },
    /// A periods file is unreadable or invalid.
    #[error("{}: {reason}", location(path, *line))]
    PeriodsFile {
        /// The periods file.
        path: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// What is wrong.
        reason: String,
    },
    /// A label file (hand-coded sample or gold file) or a validation file is unreadable or
    /// invalid.
    #[error("{}: {reason}", location(path, *line))]
    Labels {
        /// The file.
        path: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// What is wrong.
        reason: String,
    },
    /// A grouping name is not one of the known ones.
    #[error(
        "unknown group `{value}` (expected one of: speaker, source, kind, lang, turn_speaker, role)"
    )]
    UnknownGroupBy {
        /// What the user gave.
        value: String,
    },
    /// A cluster unit name is not one of the known ones.
    #[error("unknown cluster unit `{value}` (expected document or turn)")]
    UnknownClusterUnit {
        /// What the user gave.
        value: String,
    },
    /// A group value asked for does not occur in the documents.
    #[error("no {by} `{value}` in the selected documents (found: {available})")]
    UnknownGroupValue {
        /// The grouping.
        by: &'static str,
        /// The value asked for.
        value: String,
        /// Some of the values found.
        available: String,
    },
    /// A theme id asked for is not in the theme set.
    #[error("unknown theme `{theme}` (themes: {available})")]
    UnknownTheme {
        /// The id asked for.
        theme: String,
        /// The ids of the theme set.
        available: String,
    },
    /// The operation needs documents and the selection has none.
    #[error("no documents selected")]
    NoDocuments,
    /// A calendar granularity over a date range makes too many periods for one table.
    #[error(
        "{granularity} periods from {first} to {last} are more than {max}: use a coarser \
         granularity or a narrower date range"
    )]
    TooManyPeriods {
        /// The granularity.
        granularity: &'static str,
        /// The first date.
        first: NaiveDate,
        /// The last date.
        last: NaiveDate,
        /// The limit.
        max: usize,
    },
    /// A compared period holds none of the selected documents.
    #[error("period {period} holds none of the {n_docs} selected documents (dated {span})")]
    EmptyPeriod {
        /// The period, with its range.
        period: String,
        /// Documents selected.
        n_docs: usize,
        /// The first and last document dates, `FIRST..LAST`.
        span: String,
    },
    /// Both sides of a group comparison name the same value.
    #[error("both sides are {by} `{value}`: compare two different values")]
    SameGroup {
        /// The grouping.
        by: &'static str,
        /// The value both sides name.
        value: String,
    },
    /// A gold file of speaker roles is unreadable or has a bad line (line 0: the file).
    #[error("{}:{line}: {reason}", path.display())]
    GoldRole {
        /// The gold file.
        path: std::path::PathBuf,
        /// 1-based line (0 when the file as a whole cannot be read).
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A job file is unreadable or invalid.
    #[error("{}: {}{reason}", location(path, *line), key_prefix(key))]
    Job {
        /// The job file.
        path: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// The key at fault (`trends[2].by`), empty when the file as a whole is.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// The index could not be read (boxed: the index's errors are large, and every
    /// analysis result carries this type).
    #[error(transparent)]
    Index(Box<crate::index::IndexError>),
    /// Polars failed while building or running an aggregation plan.
    #[error("aggregation failed: {0}")]
    Polars(#[from] polars::error::PolarsError),
}

/// `path:line`, or `path` alone.
pub(crate) fn location(path: &Path, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{}:{line}", path.display()),
        None => path.display().to_string(),
    }
}

fn key_prefix(key: &str) -> String {
    if key.is_empty() {
        String::new()
    } else {
        format!("{key}: ")
    }
}

impl From<crate::index::IndexError> for AnalysisError {
    fn from(e: crate::index::IndexError) -> AnalysisError {
        AnalysisError::Index(Box::new(e))
    }
}
