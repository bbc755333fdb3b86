//! The query language of `statemine search`, `--query` and job filters: text to a syntax
//! tree (`syntax`), then a [`Plan`] analyzed for both languages (`plan`).
//!
//! Contract: a query is parsed and analyzed once, here, into a [`Plan`]; the index turns a
//! plan into an engine query over its fields ([`crate::index::IndexStore::filter_query`]
//! for document filters), and search ranks, highlights and verifies with the same plan. This
//! module depends only on [`crate::text`] (the analyzer) and [`crate::document`], so the
//! index can hold a parsed query in its [`crate::index::DocFilter`] without depending on
//! search. A bad query is a [`QueryError`] with a 1-based character column.

mod error;
pub(crate) mod plan;
mod syntax;

pub use error::QueryError;
pub use plan::{Plan, cut_stems};
pub use syntax::{Expr, FieldName, Leaf, LeafValue, parse};
