//! Errors of the search stage.

use crate::index::IndexError;
use crate::query::QueryError;

/// A query could not be parsed or run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query has a syntax error (or a value that cannot be searched).
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A `--turn-speaker` name has no word to match.
    #[error("--turn-speaker `{name}` has no letters or digits to match a speaker")]
    TurnSpeaker {
        /// The name given.
        name: String,
    },
    /// The index could not be read.
    #[error(transparent)]
    Index(#[from] IndexError),
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

impl From<crate::index::EmptyTurnSpeaker> for SearchError {
    fn from(e: crate::index::EmptyTurnSpeaker) -> SearchError {
        SearchError::TurnSpeaker { name: e.name }
    }
}
