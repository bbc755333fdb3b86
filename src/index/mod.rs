//! The Tantivy index: schema, opening and creating, converting documents in and out,
//! iterating stored documents under a metadata filter, batch ingestion, and the summary
//! of an index.
//!
//! Contract: every index directory holds a `statemine.json` with the schema version; an
//! index of another version is refused with a clear error rather than misread.

mod compact;
mod error;
mod filter;
mod info;
mod ingest;
mod progress;
mod schema;
mod store;
mod turns;

pub use compact::{CompactReport, compact};
pub use error::IndexError;
pub use filter::{DocFilter, UnmatchedName};
pub(crate) use filter::{keyword_query, keyword_values};
pub use info::{IndexInfo, NO_VALUE, index_info};
pub use ingest::{IngestOptions, IngestReport, ingest};
pub use progress::{NoProgress, ProgressSink};
pub use schema::{Fields, SCHEMA_VERSION, build_schema};
pub use store::{IndexStore, StoredDocument, document_to_tantivy, parse_turns};
