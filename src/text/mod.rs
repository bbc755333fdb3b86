//! Text analysis shared by the index, search and the theme engine.
//!
//! One analyzer per language (Unicode word tokenizer -> lowercase -> `ё`→`е` folding ->
//! Snowball stemmer from rust-stemmers), so a stem matches the same way when searching and
//! when counting themes. Sentence splitting lives here too, because sentence counts (ingest),
//! sentence scope (themes) and sentence indexes (evidence) must agree. So does name matching
//! (`names`): `--speaker`, `speaker:` and `--turn-speaker` must select the same names.
//! The analyzer's fast path (`fast`: one key rule, one first-byte filter, one stem cache)
//! serves search highlighting and theme counting alike.

mod analyzer;
mod escape;
mod excerpt;
pub(crate) mod fast;
pub(crate) mod json_line;
mod lead;
pub(crate) mod names;
mod sentences;
pub(crate) mod small_words;
pub(crate) mod toml_error;
mod word_tokenizer;
pub(crate) mod words;

pub use analyzer::{
    AnalyzedToken, Analyzer, KEYWORD_ANALYZER, analyzer_name, register_analyzers, text_analyzer,
};
pub use escape::terminal_safe;
pub use excerpt::{MESSAGE_EXCERPT_CHARS, excerpt};
pub use sentences::{for_each_sentence, sentence_spans};
