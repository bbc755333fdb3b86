//! Errors of the index stage.

use std::path::PathBuf;

/// Creating, opening, reading or writing an index failed.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// A `--turn-speaker` name cannot match any speaker.
    #[error(transparent)]
    TurnSpeaker(#[from] super::EmptyTurnSpeaker),
    /// No index exists at the given directory.
    #[error("no index at {dir} (create one with `statemine ingest PATH --index {dir}`)")]
    NotFound {
        /// The directory that was expected to hold an index.
        dir: PathBuf,
    },
    /// Another process holds the index writer lock.
    #[error(
        "index is locked: another ingest, remove or compact is writing to {dir}; wait for it to finish"
    )]
    Locked {
        /// The index directory.
        dir: PathBuf,
    },
    /// The index was written by an incompatible version of statemine.
    #[error(
        "index at {dir} has schema version {found}, this statemine needs {expected}; re-ingest into a new directory"
    )]
    SchemaMismatch {
        /// The index directory.
        dir: PathBuf,
        /// Version found in `statemine.json`.
        found: String,
        /// Version this build writes.
        expected: u32,
    },
    /// A stored document could not be read back.
    #[error("stored document {id} is unreadable: {reason}")]
    CorruptDocument {
        /// Document id (or `?` when the id itself is missing).
        id: String,
        /// What was wrong.
        reason: String,
    },
    /// The index's files are damaged (the engine reported data corruption on open).
    #[error(
        "index at {dir} is damaged: {detail}; restore it from a backup, or re-ingest the inputs into a new directory"
    )]
    Damaged {
        /// The index directory.
        dir: PathBuf,
        /// The start of the engine's report (it may quote a whole file).
        detail: String,
    },
    /// The disk holding the index is full. A commit is all or nothing, so the index keeps
    /// its last commit.
    #[error(
        "no space left on the device of {dir}: the index keeps its last commit; free some space and run the command again (an ingest skips the documents already committed)"
    )]
    DiskFull {
        /// The index directory.
        dir: PathBuf,
        /// The I/O error as the engine reported it.
        #[source]
        source: tantivy::TantivyError,
    },
    /// An error from the Tantivy engine.
    #[error("index {dir}: {source}")]
    Tantivy {
        /// The index directory.
        dir: PathBuf,
        /// The engine's error.
        #[source]
        source: tantivy::TantivyError,
    },
    /// A prefix query would expand to more index terms than allowed (see
    /// [`crate::index::MAX_PREFIX_TERMS`] and [`crate::index::MAX_QUERY_PREFIX_TERMS`]).
    #[error(
        "prefix `{prefix}*` takes the query past {limit} matching index terms, the limit for {scope}; use longer or fewer prefixes"
    )]
    PrefixTooWide {
        /// The prefix, as written.
        prefix: String,
        /// The limit it exceeded.
        limit: usize,
        /// What the limit applies to.
        scope: &'static str,
    },
    /// Ids asked to be removed that the index does not hold; nothing was removed.
    #[error(
        "{} not in the index at {}: {}; nothing was removed (--missing-ok removes the others)",
        super::remove::count_ids(ids.len()),
        dir.display(),
        super::remove::list_ids(ids)
    )]
    UnknownIds {
        /// The index directory.
        dir: PathBuf,
        /// The ids it does not hold, sorted.
        ids: Vec<String>,
    },
    /// A file of the index directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Whether `error` is a full disk (or quota). The engine wraps I/O errors in several
/// variants, not all of which expose them as a source, so the message is the last resort
/// (`os error 28` is ENOSPC).
pub(crate) fn is_disk_full(error: &tantivy::TantivyError) -> bool {
    let full = |io: &std::io::Error| {
        matches!(
            io.kind(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
        )
    };
    if let tantivy::TantivyError::IoError(io) = error
        && full(io)
    {
        return true;
    }
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if e.downcast_ref::<std::io::Error>().is_some_and(full) {
            return true;
        }
        current = e.source();
    }
    error.to_string().contains("(os error 28)")
}
