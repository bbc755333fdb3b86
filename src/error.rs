//! The library's error type: one enum per stage, wrapped in [`Error`].
//!
//! Each variant carries the context a user needs to act (file, line, field, theme, pattern);
//! the binary prints the chain with `{:#}` and exits 2.

pub use crate::analysis::AnalysisError;
pub use crate::corpus::CorpusError;
pub use crate::export::ExportError;
pub use crate::index::IndexError;
pub use crate::query::QueryError;
pub use crate::search::SearchError;
pub use crate::themes::ThemeError;
pub use crate::words::WordsError;

/// Any error of the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading input documents failed.
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    /// A speaker registry is invalid.
    #[error(transparent)]
    Speakers(#[from] crate::corpus::SpeakerError),
    /// Creating, opening or writing the index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// A query could not be parsed.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A query could not be run.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// A theme file is invalid or a theme could not be applied.
    #[error(transparent)]
    Theme(#[from] ThemeError),
    /// Aggregation or statistics failed.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// Word statistics failed.
    #[error(transparent)]
    Words(#[from] WordsError),
    /// Writing an output table failed.
    #[error(transparent)]
    Export(#[from] ExportError),
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
