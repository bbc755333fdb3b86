//! Errors of a study or a job run.

use std::path::PathBuf;

use crate::analysis::AnalysisError;
use crate::export::ExportError;
use crate::index::IndexError;
use crate::themes::ThemeError;

/// A study or a job could not be run.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    /// Ingesting a job's inputs failed.
    #[error("ingest into {}", index.display())]
    Ingest {
        /// The index directory.
        index: PathBuf,
        /// Why.
        #[source]
        source: crate::Error,
    },
    /// Some input records of a job were rejected (each was reported as it came).
    #[error(
        "{rejected} input record(s) rejected (see the messages above); fix the inputs and run the job again"
    )]
    Rejected {
        /// How many.
        rejected: u64,
    },
    /// The theme file could not be read for the manifest.
    #[error("reading the theme file {}", path.display())]
    ThemeFile {
        /// The theme file.
        path: PathBuf,
        /// Why.
        #[source]
        source: ExportError,
    },
    /// Two series of one study have the same name (a query term named like a theme, or
    /// given twice).
    #[error("two series are named `{id}`: name a term with NAME=QUERY")]
    DuplicateSeries {
        /// The name.
        id: String,
    },
    /// A study folder could not be made: files of that name are already there.
    #[error(
        "{} already holds {}: statemine init writes only into a folder without them",
        dir.display(),
        existing.join(", ")
    )]
    StudyExists {
        /// The folder.
        dir: PathBuf,
        /// The files that would have been overwritten.
        existing: Vec<String>,
    },
    /// None of the report's labelled paragraphs is in the study's index: a quality table
    /// of them would read as scores of zero.
    #[error(
        "none of the {labelled} labelled paragraphs of {} is in the index {} (the report's gold files label other documents): ingest their documents, or drop the gold files from the report",
        files.join(", "),
        index.display()
    )]
    GoldNotIndexed {
        /// The gold files.
        files: Vec<String>,
        /// The study's index.
        index: PathBuf,
        /// Labelled paragraphs.
        labelled: usize,
    },
    /// A file of a new study folder could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The index could not be read.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The theme file is invalid or counting failed.
    #[error(transparent)]
    Theme(#[from] ThemeError),
    /// An analysis failed.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// Writing an output or its manifest failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// Any other error of the library (counting reports these).
    #[error(transparent)]
    Library(#[from] Box<crate::Error>),
}

impl From<crate::Error> for StudyError {
    fn from(error: crate::Error) -> StudyError {
        StudyError::Library(Box::new(error))
    }
}
