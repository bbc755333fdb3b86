//! statemine: mine official statements.
//!
//! The stages, each in its own module, return data and never print:
//! [`corpus`] reads inputs into [`document::Document`]s, [`query`] parses and analyzes the
//! query language once, [`index`] stores documents in Tantivy and selects them by filter,
//! [`search`] answers queries, [`themes`] counts theme matches with their evidence,
//! [`analysis`] aggregates counts over time and tests changes, [`words`] counts terms
//! (frequencies, keyness, collocates), [`export`] writes tables,
//! charts and manifests, and [`study`] runs the stages together for a study or a job file.
//! [`text`] holds the analyzer shared by the index, search and themes. Dependencies point
//! one way: text, document -> corpus, query -> index -> search, themes -> analysis ->
//! words -> export -> study (`docs/architecture.md`).

// The library returns data; printing is the binary's (tests may print).
#![cfg_attr(not(test), deny(clippy::print_stdout, clippy::print_stderr))]

pub mod analysis;
pub mod corpus;
pub mod document;
pub mod error;
pub mod export;
pub mod index;
pub mod query;
pub mod search;
pub mod study;
#[cfg(test)]
mod test_data;
pub mod text;
pub mod themes;
pub mod words;

pub use error::{Error, Result};
