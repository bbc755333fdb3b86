//! The Tantivy index: schema, opening and creating, converting documents in and out,
//! turning a parsed query and a document filter into an engine query (`query`), iterating
//! stored documents under a filter, batch ingestion, removal by id, the summary and the
//! fingerprint of an index.
//!
//! Contract: every index directory holds a `statemine.json` with the schema version; an
//! index of another version is refused with a clear error rather than misread.

mod block_cursor;
mod compact;
mod doc_bytes;
mod error;
mod expansion;
mod filter;
mod filtered_query;
mod fingerprint;
mod info;
mod ingest;
mod membership;
mod order;
mod phrase_bound;
mod prefix_query;
mod progress;
mod query;
mod read_only;
mod remove;
mod schema;
mod store;
mod top_hits_weight;
mod translations;
mod turn_filter;
mod turns;

pub use compact::{CompactReport, compact};
pub(crate) use doc_bytes::DocBytesReader;
pub use error::IndexError;
pub use expansion::{MAX_PREFIX_TERMS, MAX_QUERY_PREFIX_TERMS};
pub use filter::{DocFilter, ParagraphFilter, UnmatchedName};
pub(crate) use filter::{keyword_query, keyword_values};
pub(crate) use filtered_query::FilteredQuery;
pub use fingerprint::IndexFingerprint;
pub use info::{IndexInfo, NO_VALUE, index_info, names_no_value, shown_value};
pub use ingest::{IngestOptions, IngestReport, InlineLabels, MAX_THREADS, REPLACED_LISTED, ingest};
pub use order::DateId;
pub use progress::{NoProgress, ProgressSink};
pub use remove::{RemoveOptions, RemoveReport, remove_documents};
pub use schema::{Fields, SCHEMA_VERSION, build_schema};
pub use store::{IndexStore, StoredDocument, document_to_tantivy, parse_turns};
pub use translations::{TranslatedPages, page_key};
pub use turn_filter::{EmptyTurnSpeaker, TurnFilter, TurnMatcher};
