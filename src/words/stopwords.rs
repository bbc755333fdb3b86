//! Stopword lists per language, from a TOML data file ([`BUILTIN_STOPWORDS_TOML`] is
//! compiled in; `--stopwords FILE` replaces it).
//!
//! Contract: a loaded list is valid: only the languages `en` and `ru`, every entry one
//! word token of the analyzer (letters and digits), lowercase, and no entry twice once `ё`
//! is read as `е`. A problem is an error naming the file, the line, the language and the
//! entry. Lookups take a word already folded by the analyzer (lowercase, `ё` as `е`).

use std::path::{Path, PathBuf};

use rustc_hash::FxHashSet;
use serde::Deserialize;
use toml::Spanned;

use super::WordsError;
use crate::document::Lang;
use crate::text::toml_error::toml_error_place;
use crate::text::words::{fold_into, for_each_run};

/// The stopword file compiled into statemine.
pub const BUILTIN_STOPWORDS_TOML: &str = include_str!("stopwords.toml");

/// Where the compiled-in list says it comes from (in error messages).
const BUILTIN_PATH: &str = "<builtin>/src/words/stopwords.toml";

/// Stopwords by language, folded as the analyzer folds words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stopwords {
    en: FxHashSet<String>,
    ru: FxHashSet<String>,
}

/// The file as written: one optional table per language.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    en: Option<LangTable>,
    ru: Option<LangTable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LangTable {
    words: Vec<Spanned<String>>,
}

impl Stopwords {
    /// The compiled-in lists (checked by a unit test, so this cannot fail at run time).
    pub fn builtin() -> Stopwords {
        Stopwords::from_toml(Path::new(BUILTIN_PATH), BUILTIN_STOPWORDS_TOML).unwrap_or_default()
    }

    /// Reads and checks a stopword file.
    pub fn from_file(path: &Path) -> Result<Stopwords, WordsError> {
        let text = std::fs::read_to_string(path).map_err(|source| WordsError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Stopwords::from_toml(path, &text)
    }

    /// Parses and checks the stopword file `text` (read from `path`).
    pub fn from_toml(path: &Path, text: &str) -> Result<Stopwords, WordsError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let problem = |line: Option<usize>, reason: String| WordsError::Stopwords {
            path: PathBuf::from(path),
            line,
            reason,
        };
        let file: File = toml::from_str(text).map_err(|e| {
            let (line, reason) = toml_error_place(text, &e);
            problem(line, reason)
        })?;
        let mut out = Stopwords::default();
        for (lang, table) in [(Lang::En, file.en), (Lang::Ru, file.ru)] {
            let Some(table) = table else { continue };
            let set = match lang {
                Lang::En => &mut out.en,
                Lang::Ru => &mut out.ru,
            };
            let mut folded = String::new();
            for entry in &table.words {
                let word = entry.get_ref();
                let fail = |reason: String| problem(Some(line_of(entry.span().start)), reason);
                let mut runs = Vec::new();
                for_each_run(word, |start, end| runs.push((start, end)));
                if runs != [(0, word.len())] {
                    return Err(fail(format!(
                        "{lang}: `{word}` is not one word token (letters and digits only; \
                         \"don't\" is the two tokens \"don\" and \"t\")"
                    )));
                }
                fold_into(word, &mut folded);
                if folded != word.replace('ё', "е") {
                    return Err(fail(format!(
                        "{lang}: `{word}` is not lowercase: write `{folded}`"
                    )));
                }
                if !set.insert(folded.clone()) {
                    return Err(fail(format!(
                        "{lang}: `{word}` is listed twice (`ё` reads as `е`)"
                    )));
                }
            }
        }
        Ok(out)
    }

    /// Whether the folded word `folded` of `lang` is a stopword.
    pub fn contains(&self, lang: Lang, folded: &str) -> bool {
        match lang {
            Lang::En => self.en.contains(folded),
            Lang::Ru => self.ru.contains(folded),
        }
    }

    /// Number of stopwords of `lang`.
    pub fn len(&self, lang: Lang) -> usize {
        match lang {
            Lang::En => self.en.len(),
            Lang::Ru => self.ru.len(),
        }
    }

    /// Whether no language has a stopword.
    pub fn is_empty(&self) -> bool {
        self.en.is_empty() && self.ru.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Stopwords, WordsError> {
        Stopwords::from_toml(Path::new("stop.toml"), text)
    }

    #[test]
    fn the_builtin_lists_are_valid_and_hold_both_languages() {
        let builtin = Stopwords::from_toml(Path::new(BUILTIN_PATH), BUILTIN_STOPWORDS_TOML)
            .expect("the compiled-in stopword file is valid");
        assert!(builtin.len(Lang::En) > 100 && builtin.len(Lang::Ru) > 100);
        assert!(builtin.contains(Lang::En, "the") && !builtin.contains(Lang::En, "sanction"));
        assert!(builtin.contains(Lang::Ru, "еще") && !builtin.contains(Lang::Ru, "санкции"));
        assert!(!builtin.contains(Lang::Ru, "the"));
        assert_eq!(Stopwords::builtin(), builtin);
    }

    #[test]
    fn bad_entries_are_named_by_file_line_and_language() {
        let err = load("[en]\nwords = [\n  \"the\",\n  \"don't\",\n]\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "stop.toml:4: en: `don't` is not one word token (letters and digits only; \
             \"don't\" is the two tokens \"don\" and \"t\")"
        );
        let err = load("[ru]\nwords = [\"всё\", \"все\"]\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("stop.toml:2: ru: `все` is listed twice"),
            "{err}"
        );
        let err = load("[en]\nwords = [\"The\"]\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("`The` is not lowercase: write `the`"),
            "{err}"
        );
        let err = load("[fr]\nwords = [\"le\"]\n").unwrap_err();
        assert!(err.to_string().starts_with("stop.toml:1:"), "{err}");
        assert!(err.to_string().contains("fr"), "{err}");
        assert!(load("[en]\nwords = [\"\"]\n").is_err());
        assert_eq!(load("").unwrap(), Stopwords::default());
    }
}
