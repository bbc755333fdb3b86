//! What counting produces: matches per document, and evidence rows for export.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::document::{Kind, Lang, ParagraphTurn};

/// One counted match of a theme (after the overlap policy: a span counts once per theme).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeMatch {
    /// Theme id.
    pub theme: String,
    /// 0-based paragraph index in the text split on `\n`.
    pub para: usize,
    /// 0-based sentence index within the paragraph.
    pub sentence: usize,
    /// Byte offset of the match start within the paragraph.
    pub start: usize,
    /// Byte offset just past the match within the paragraph.
    pub end: usize,
    /// The pattern that fired, as written in the theme file.
    pub rule: String,
}

/// The metadata of a document that aggregation needs (no text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocSummary {
    /// Document id.
    pub id: String,
    /// Publication date.
    pub date: NaiveDate,
    /// Main speaker.
    pub speaker: String,
    /// Publisher.
    pub source: String,
    /// Kind.
    pub kind: Kind,
    /// Language.
    pub lang: Lang,
    /// Word count.
    pub n_words: u64,
    /// Paragraph count.
    pub n_paragraphs: u64,
    /// Speaker turn of each paragraph.
    pub paragraphs: Vec<ParagraphTurn>,
}

/// The theme matches of one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocThemeMatches {
    /// The document.
    pub doc: DocSummary,
    /// Its matches, in text order.
    pub matches: Vec<ThemeMatch>,
}

/// One row of the evidence table, in the column order of the CSV export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRow {
    /// Document id.
    pub doc_id: String,
    /// Publication date.
    pub date: NaiveDate,
    /// Main speaker of the document.
    pub speaker: String,
    /// Publisher.
    pub source: String,
    /// Language.
    pub lang: Lang,
    /// Theme id.
    pub theme: String,
    /// 0-based paragraph index.
    pub para: usize,
    /// 0-based sentence index within the paragraph.
    pub sentence: usize,
    /// Byte offset of the match within the paragraph.
    pub start: usize,
    /// Byte offset just past the match within the paragraph.
    pub end: usize,
    /// The matched text.
    pub matched: String,
    /// The pattern that fired.
    pub rule: String,
    /// Who speaks in that paragraph (empty when unknown).
    pub turn_speaker: String,
    /// About 60 characters of context before the match.
    pub left: String,
    /// About 60 characters of context after the match.
    pub right: String,
}
