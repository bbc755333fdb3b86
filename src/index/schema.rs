//! The index schema and the handles of its fields.
//!
//! Text is indexed once per language field (`text_en`, `text_ru`, with positions) through
//! that language's analyzer and stored once, raw, in `text`; a document fills only the
//! field of its own language, so a query term is stemmed per language when it is parsed
//! against both fields. Metadata used for filters and counts is indexed lowercased
//! (case-insensitive filters) and kept raw in fast columns (counting, grouping).

use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, STORED, STRING,
    Schema, TextFieldIndexing, TextOptions,
};

use crate::document::Lang;
use crate::text::{KEYWORD_ANALYZER, analyzer_name};

/// Version of the schema and of what is stored; bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Handles of every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Document id (raw, exact).
    pub id: Field,
    /// Publication date (indexed, fast, stored).
    pub date: Field,
    /// Title, stored raw.
    pub title: Field,
    /// Title indexed with the English analyzer (English documents only).
    pub title_en: Field,
    /// Title indexed with the Russian analyzer (Russian documents only).
    pub title_ru: Field,
    /// Main speaker (keyword).
    pub speaker: Field,
    /// Publisher (keyword).
    pub source: Field,
    /// Kind (keyword).
    pub kind: Field,
    /// Language code (keyword).
    pub lang: Field,
    /// Tags (keyword, multi-valued).
    pub tags: Field,
    /// Location, stored.
    pub location: Field,
    /// Original address, stored.
    pub url: Field,
    /// Full text, stored exactly as given.
    pub text: Field,
    /// Text indexed with the English analyzer, with positions.
    pub text_en: Field,
    /// Text indexed with the Russian analyzer, with positions.
    pub text_ru: Field,
    /// Word count (fast, stored).
    pub n_words: Field,
    /// Sentence count (fast, stored).
    pub n_sentences: Field,
    /// Paragraph count (fast, stored).
    pub n_paragraphs: Field,
    /// Content hash used to skip unchanged documents.
    pub content_hash: Field,
    /// Per-paragraph speaker turns as JSON (see [`crate::document::DocStructure`]).
    pub structure: Field,
}

impl Fields {
    /// Resolves the handles from a schema built by [`build_schema`].
    pub fn from_schema(schema: &Schema) -> Result<Fields, tantivy::TantivyError> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            id: f("id")?,
            date: f("date")?,
            title: f("title")?,
            title_en: f("title_en")?,
            title_ru: f("title_ru")?,
            speaker: f("speaker")?,
            source: f("source")?,
            kind: f("kind")?,
            lang: f("lang")?,
            tags: f("tags")?,
            location: f("location")?,
            url: f("url")?,
            text: f("text")?,
            text_en: f("text_en")?,
            text_ru: f("text_ru")?,
            n_words: f("n_words")?,
            n_sentences: f("n_sentences")?,
            n_paragraphs: f("n_paragraphs")?,
            content_hash: f("content_hash")?,
            structure: f("structure")?,
        })
    }

    /// The indexed text field of `lang`.
    pub fn text_field(&self, lang: Lang) -> Field {
        match lang {
            Lang::En => self.text_en,
            Lang::Ru => self.text_ru,
        }
    }

    /// The indexed title field of `lang`.
    pub fn title_field(&self, lang: Lang) -> Field {
        match lang {
            Lang::En => self.title_en,
            Lang::Ru => self.title_ru,
        }
    }
}

/// Builds the schema of [`SCHEMA_VERSION`].
pub fn build_schema() -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field("id", STRING | STORED);
    builder.add_date_field(
        "date",
        DateOptions::default()
            .set_indexed()
            .set_stored()
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    builder.add_text_field("title", STORED);
    for lang in [Lang::En, Lang::Ru] {
        let analyzed = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer_name(lang))
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        builder.add_text_field(&format!("title_{lang}"), analyzed);
    }
    let keyword = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD_ANALYZER)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_stored()
        .set_fast("raw");
    for name in ["speaker", "source", "kind", "lang", "tags"] {
        builder.add_text_field(name, keyword.clone());
    }
    builder.add_text_field("location", STORED);
    builder.add_text_field("url", STORED);
    builder.add_text_field("text", STORED);
    for lang in [Lang::En, Lang::Ru] {
        let analyzed = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer_name(lang))
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        builder.add_text_field(&format!("text_{lang}"), analyzed);
    }
    for name in ["n_words", "n_sentences", "n_paragraphs"] {
        builder.add_u64_field(name, STORED | FAST | INDEXED);
    }
    builder.add_text_field("content_hash", STRING | STORED);
    builder.add_text_field("structure", STORED);
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_resolves() {
        let schema = build_schema();
        let fields = Fields::from_schema(&schema).expect("all fields present");
        assert_ne!(fields.text_field(Lang::En), fields.text_field(Lang::Ru));
    }
}
