//! Themes as data: theme files, their compiled matcher, and the evidence of every match.
//!
//! Contract: a theme set is validated and compiled once; counting a document is one pass
//! over its tokens and text, and every counted match is an evidence row that points back
//! to paragraph, sentence and byte offsets of the stored text.
//!
//! Files: [`file`] (the TOML as written) -> [`set`] (validated, defaults resolved, using
//! the phrase syntax of [`pattern`]) -> `matcher` (compiled: one Aho-Corasick automaton
//! over stems and one `RegexSet` per language) -> `rules` (negation, `unless`, scope,
//! overlap) -> `count` (over an index, in parallel) -> [`evidence`] rows.

mod error;
mod evidence;
pub mod file;
pub mod import;
mod matcher;
pub mod pattern;
mod rules;
mod set;
mod tokens;

pub use error::{Problem, ThemeError};
pub use evidence::{DocSummary, DocThemeMatches, EvidenceRow, ThemeMatch};
pub use matcher::{Matcher, Scratch};
pub use set::{
    MAX_NOT_AFTER, MAX_WITHIN, Negators, Pattern, PatternKind, Theme, ThemeLang, ThemeSet,
    default_negators,
};
