//! Themes as data: theme files, their compiled matcher, and the evidence of every match.
//!
//! Contract: a theme set is validated and compiled once; counting a document is one pass
//! over its tokens and text, and every counted match is an evidence row that points back
//! to paragraph, sentence and byte offsets of the stored text.
//!
//! Files: [`mod@file`] (the TOML as written) -> `set` ([`ThemeSet`]: validated, defaults
//! resolved, using the phrase syntax of [`pattern`]) -> `matcher` ([`Matcher`]: sequences
//! indexed by their first stem or surface test, and one `RegexSet` per language, fed by
//! `analyze`, `tokens` and `trie`) -> `rules` (negation, `unless`/`with`, scope, overlap) -> `count`
//! (over an index, in parallel) -> [`EvidenceRow`]s; beside them `examples`, `eval`, `kwic`,
//! `summary`, `baseline` and the [`import`]ers.

mod analyze;
mod baseline;
pub(crate) mod builtin;
mod by_doc;
pub(crate) mod count;
mod error;
pub(crate) mod eval;
mod eval_table;
mod evidence;
mod examples;
pub mod file;
mod gold;
pub mod import;
mod kwic;
mod matcher;
pub mod model;
mod needs;
pub mod pattern;
mod rules;
pub mod sample;
mod set;
mod summary;
mod terms;
pub(crate) mod tokens;
mod trie;

pub use baseline::{ThemeRegexes, regex_equivalents};
pub use builtin::{
    BUILTIN_MODEL_FILE, BUILTIN_MODEL_JSON, BUILTIN_THEMES_PATH, BUILTIN_THEMES_TOML,
    DEFAULT_THEMES_FILE, builtin_theme_set, source_text,
};
pub use by_doc::{BY_DOC_COLUMNS, by_doc_frame};
pub use count::{
    CountOptions, CountResult, Progress, count_index, count_index_with_evidence, count_into,
    count_with, turn_numbers,
};
pub use error::{Problem, ThemeError};
pub use eval::{
    BOOTSTRAP_DRAWS, CvReport, EVAL_SEED, EvalReport, FileScore, FoldScore, Interval, MIN_SUPPORT,
    Miss, MissKind, MissingParagraph, ThemeScore, count_gold_documents, cross_validate, dedup_gold,
    document_folds, eval_index, evaluate, evaluate_by_file, misses, stale_labels,
};
pub use eval_table::{EVAL_COLUMNS, MACRO_ROW, eval_frame, eval_scopes};
#[cfg(test)]
pub(crate) use evidence::sample_row;
pub use evidence::{
    CONTEXT_CHARS, DocColumns, DocSummary, DocThemeMatches, EVIDENCE_COLUMNS, EvidenceRef,
    EvidenceRow, EvidenceSink, EvidenceSource, ThemeMatch, evidence_frame, evidence_rows,
    evidence_rows_with_context,
};
pub use examples::{ExampleOutcome, run_examples, run_examples_with};
pub use file::CountMode;
pub use gold::{GoldParagraph, check_gold_themes, read_gold};
pub use kwic::{
    KwicKey, MAX_KWIC_WORD, QUERY_THEME, kwic_set, mistyped_theme_id, parse_kwic_sort, sort_kwic,
};
pub use matcher::{MAX_REGEX_SETS, Matcher, Scratch};
pub use set::{
    DEFAULT_CARRY, MAX_CARRY, MAX_NOT_AFTER, MAX_REGEX_BYTES, MAX_WITHIN, Negators, Pattern,
    PatternKind, Theme, ThemeLang, ThemeSet, default_negators,
};
pub use summary::{Collision, CountSummary, ThemeTotals, summarize};
pub use terms::QueryTerm;
