//! Errors of the search stage.

use crate::index::IndexError;

/// A query could not be parsed or run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query has a syntax error (or a value that cannot be searched).
    #[error("query syntax error: {message} at column {position}")]
    Syntax {
        /// 1-based column (in characters) of the query where the problem is.
        position: usize,
        /// What is wrong and what was expected there.
        message: String,
    },
    /// A `--turn-speaker` name has no word to match.
    #[error("--turn-speaker `{name}` has no letters or digits to match a speaker")]
    TurnSpeaker {
        /// The name given.
        name: String,
    },
    /// The index could not be read.
    #[error(transparent)]
    Index(#[from] IndexError),
}
