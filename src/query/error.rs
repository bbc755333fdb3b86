//! Errors of the query language.

/// A query could not be parsed or analyzed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// The query has a syntax error (or a value that cannot be searched).
    #[error("query syntax error: {message} at column {position}")]
    Syntax {
        /// 1-based column (in characters) of the query where the problem is.
        position: usize,
        /// What is wrong and what was expected there.
        message: String,
    },
}
