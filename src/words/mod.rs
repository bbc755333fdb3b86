//! Word statistics (quanteda's textstat family): term frequencies, keyness between two
//! sides, and collocates of a term.
//!
//! Contract: a term is a word as the index analyzer sees it (the same word runs, the same
//! lowercasing, `ё`→`е` folding and Snowball stem), keyed by language and either its stem
//! (shown with its most frequent surface form) or its lowercase surface form; stopwords
//! ([`Stopwords`], a data file checked on load) are left out of every count, denominators
//! included, and said so. The selected documents are streamed once; each distinct written
//! form is folded and stemmed once and interned, so counting a token is one hash lookup on
//! the token as written and one count increment, with no allocation. Statistics are
//! Rayson's log-likelihood G2 (the one `compare` uses, [`crate::analysis::stats`]) with its
//! chi-square p-value, Hardie's log ratio, and PMI. Nothing here prints.
//!
//! Files: `stopwords` (the lists), `terms` (the interner: written form -> term), `count`
//! (the stream over an index, by group) -> `freq`, `keyness`; `colloc` (its own stream,
//! with positions); `frame` (the rows as polars tables for export).
//!
//! Dependencies: the index and the analyzer's pieces (`text`), the periods, groupings
//! and G2 of `analysis`; export and the binary consume the rows.

mod colloc;
mod count;
mod error;
mod frame;
mod freq;
mod keyness;
mod stopwords;
mod terms;

pub use colloc::{COLLOC_COLUMNS, CollocRow, CollocTable, collocates};
pub use count::{GroupCounts, Grouping, TermCount, WordCounts, count_words};
pub use error::WordsError;
pub use frame::{colloc_frame, freq_frame, keyness_frame};
pub use freq::{FREQ_COLUMNS, FreqRow, freq_rows};
pub use keyness::{KEYNESS_COLUMNS, KeynessRow, KeynessTable, keyness, keyness_counts};
pub use stopwords::{BUILTIN_STOPWORDS_TOML, Stopwords};
pub use terms::{Term, TermForm, Vocabulary};

/// What to count and what to leave out.
#[derive(Debug, Clone)]
pub struct WordsOptions {
    /// Stems (grouping a word's inflections) or lowercase surface forms.
    pub form: TermForm,
    /// Words left out of every count (`None`: keep every word).
    pub stopwords: Option<Stopwords>,
}

impl Default for WordsOptions {
    fn default() -> WordsOptions {
        WordsOptions {
            form: TermForm::Stem,
            stopwords: Some(Stopwords::builtin()),
        }
    }
}
