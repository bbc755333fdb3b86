//! Errors of the theme stage.

use std::path::PathBuf;

/// A theme file is invalid, or themes could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// A theme file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The theme file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
