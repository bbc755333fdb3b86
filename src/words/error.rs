//! Errors of the word statistics.

use std::path::PathBuf;

use crate::analysis::AnalysisError;
use crate::index::IndexError;

/// Word statistics could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum WordsError {
    /// A stopword file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A stopword file is invalid: `FILE:LINE: lang: reason`.
    #[error("{}{}: {reason}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Stopwords {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// What is wrong, naming the language and the entry.
        reason: String,
    },
    /// The term of a collocation is not one word.
    #[error("collocation term `{term}`: {reason}")]
    Term {
        /// The term as given.
        term: String,
        /// What is wrong.
        reason: String,
    },
    /// The two sides of a keyness comparison cannot be told apart.
    #[error("keyness: {reason}")]
    Sides {
        /// What is wrong.
        reason: String,
    },
    /// Reading the index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// A period or grouping is invalid.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// Building an output table failed.
    #[error("building the {table} table: {source}")]
    Frame {
        /// Which table.
        table: &'static str,
        /// The polars error.
        #[source]
        source: polars::error::PolarsError,
    },
}
