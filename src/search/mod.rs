//! Full-text search: the query language, filters, ranking and highlighted passages.

mod error;

pub use error::SearchError;
