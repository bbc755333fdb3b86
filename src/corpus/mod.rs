//! Reading statements from input files into [`Document`]s, and the structure computed
//! from each document at ingest (counts, speaker turns).
//!
//! Contract: readers stream (memory stays bounded by one record, not by the corpus), and
//! every bad record becomes a [`RecordError`] naming file, line and field; reading goes on.

mod error;
mod jsonl;
mod structure;

pub use error::{CorpusError, RecordError};
pub use jsonl::parse_jsonl_record;
pub use structure::analyze_structure;

use crate::document::Document;

/// A document read from an input, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct SourcedDocument {
    /// The document.
    pub doc: Document,
    /// The input it came from (`-` for standard input).
    pub path: String,
    /// 1-based line (JSONL, CSV) where the record starts; 1 for whole files.
    pub line: usize,
}
