//! Errors of the corpus stage: [`RecordError`] for one rejected record (reading goes on),
//! [`CorpusError`] for failures of the inputs as a whole.

use std::fmt;

/// One rejected input record: `FILE:LINE: FIELD: reason`.
///
/// Errors about the record as a whole (malformed JSON, an unreadable file) have no field
/// and print the pseudo-field `record`, so every message has the same four parts.
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
            None => write!(f, "{}:{}: record: {}", self.path, self.line, self.reason),
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
    /// `--strict`: the first bad record stopped the run and nothing from it was written.
    #[error("--strict: stopped at the first bad record, {0}; nothing from this run was written")]
    Strict(RecordError),
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
    #[error(
        "{pattern}: no input files matched (looked for .jsonl, .csv, .tsv, .txt, .md, optionally .gz)"
    )]
    NoInput {
        /// What the user gave.
        pattern: String,
    },
    /// A file named on the command line has an extension we do not read.
    #[error(
        "{path}: cannot tell the format from the name (expected .jsonl, .ndjson, .csv, .tsv, .txt or .md, optionally followed by .gz)"
    )]
    UnknownFormat {
        /// The file.
        path: String,
    },
    /// A glob pattern is malformed.
    #[error("{pattern}: invalid glob: {reason}")]
    BadGlob {
        /// The pattern.
        pattern: String,
        /// What the glob parser said.
        reason: String,
    },
    /// A `--set FIELD=VALUE` default is malformed, names an unknown field or is invalid.
    #[error("--set {spec}: {reason}")]
    BadDefault {
        /// The specification as given.
        spec: String,
        /// What is wrong.
        reason: String,
    },
    /// A `--map FIELD=COLUMN` specification is malformed or names an unknown field.
    #[error("--map {spec}: {reason}")]
    BadMapping {
        /// The specification as given.
        spec: String,
        /// What is wrong.
        reason: String,
    },
    /// An `--id-prefix` is empty, too long or holds whitespace or control characters.
    #[error("--id-prefix {text}: {reason}")]
    BadIdPrefix {
        /// The prefix as given (escaped for display).
        text: String,
        /// What is wrong.
        reason: String,
    },
    /// A `--delimiter` is not one ASCII character that can separate fields.
    #[error("--delimiter {text}: {reason}")]
    BadDelimiter {
        /// The delimiter as given (escaped for display).
        text: String,
        /// What is wrong.
        reason: String,
    },
}
