//! Themes as data: theme files, their compiled matcher, and the evidence of every match.
//!
//! Contract: a theme set is validated and compiled once; counting a document is one pass
//! over its tokens and text, and every counted match is an evidence row that points back
//! to paragraph, sentence and byte offsets of the stored text.

mod error;
mod evidence;

pub use error::ThemeError;
pub use evidence::{DocSummary, DocThemeMatches, EvidenceRow, ThemeMatch};
