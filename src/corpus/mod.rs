//! Reading statements from input files into [`Document`]s, and the structure computed
//! from each document at ingest (counts, speaker turns).
//!
//! Inputs are JSON Lines, CSV with a header (columns mapped by [`ColumnMap`]) and folders
//! of `.txt`/`.md` files with front matter, each optionally gzip-compressed, plus `-` for
//! JSON Lines on standard input; [`expand_inputs`] turns paths, folders and globs into
//! [`Input`]s and [`CorpusReader`] streams their records.
//!
//! Contract: readers stream (memory stays bounded by one record, not by the corpus), and
//! every bad record becomes a [`RecordError`] naming file, line and field; reading goes on.

mod columns;
mod csv_input;
mod csv_quotes;
mod date;
mod date_text;
mod defaults;
mod error;
mod glob_walk;
mod id_prefix;
mod inline_labels;
mod inputs;
mod jsonl;
mod lang;
mod limit;
mod open;
mod reader;
mod record;
mod resolver;
mod roles;
mod speakers;
mod structure;
mod textfile;
mod turns;

pub use columns::ColumnMap;
pub use csv_input::parse_delimiter;
pub use date::{DateError, MAX_DATE, MIN_DATE, parse_date, parse_iso_day};
pub use date_text::DateText;
pub use defaults::FieldDefaults;
pub use error::{CorpusError, RecordError};
pub use id_prefix::{IdPrefix, MAX_PREFIX_BYTES};
pub use inline_labels::{inline_label_breaks, split_inline_labels};
pub use inputs::{Format, Input, InputSet, InputSource, expand_inputs, format_of};
pub use jsonl::parse_jsonl_record;
pub use lang::detect_lang;
pub use limit::DEFAULT_MAX_RECORD_BYTES;
pub use reader::CorpusReader;
pub use record::{FIELD_NAMES, MAX_ID_BYTES};
pub use resolver::Resolver;
pub use roles::guess_role;
pub use speakers::{
    BUILTIN_SPEAKERS_PATH, BUILTIN_SPEAKERS_TOML, DEFAULT_SPEAKERS_FILE, Office, OfficePeriod,
    Person, Resolved, SpeakerError, SpeakerRegistry,
};
pub use structure::analyze_structure;
pub use turns::{SpeakerLabel, parse_label};

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
