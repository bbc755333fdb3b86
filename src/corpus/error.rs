//! Errors of the corpus stage.

use std::fmt;

/// One rejected input record: `FILE:LINE: FIELD: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The input (`-` for standard input).
    pub path: String,
    /// 1-based line number of the record.
    pub line: usize,
    /// The offending field, when one is to blame.
    pub field: Option<String>,
    /// What is wrong, in words.
    pub reason: String,
}

impl RecordError {
    /// A record error blamed on `field`.
    pub fn field(path: &str, line: usize, field: &str, reason: impl Into<String>) -> Self {
        RecordError {
            path: path.to_string(),
            line,
            field: Some(field.to_string()),
            reason: reason.into(),
        }
    }

    /// A record error not tied to one field (malformed JSON, invalid UTF-8).
    pub fn record(path: &str, line: usize, reason: impl Into<String>) -> Self {
        RecordError {
            path: path.to_string(),
            line,
            field: None,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}:{}: {}: {}", self.path, self.line, field, self.reason),
            None => write!(f, "{}:{}: {}", self.path, self.line, self.reason),
        }
    }
}

impl std::error::Error for RecordError {}

/// Reading inputs failed as a whole (as opposed to one bad record).
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// A bad record, when the caller treats it as fatal (`--strict`).
    #[error(transparent)]
    Record(#[from] RecordError),
    /// An input could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The input.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A path, folder or glob matched no input file.
    #[error("{pattern}: no input files matched")]
    NoInput {
        /// What the user gave.
        pattern: String,
    },
}
