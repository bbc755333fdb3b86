//! Errors of the search stage.

/// A query could not be parsed or run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query has a syntax error.
    #[error("query syntax error at position {position}: {message}")]
    Syntax {
        /// 0-based character position in the query.
        position: usize,
        /// What was expected.
        message: String,
    },
}
