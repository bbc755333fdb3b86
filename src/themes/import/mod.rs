//! Importers: existing dictionaries (quanteda YAML, LIWC `.dic`) converted to theme files.
//!
//! Contract: an importer produces an ordinary [`ThemeFile`] (so it can be written as TOML
//! and edited), plus warnings for entries it had to skip. Dictionary values are matched on
//! the lowercased tokens as written, never stemmed, because that is what the dictionaries
//! were made for: `word` becomes the exact-token test `=word`, `word*` the prefix glob
//! `word*`, a multi-word value a phrase of such tests, and a value with `*` or `?` inside a
//! word a case-insensitive regex. Each dictionary key becomes one theme with the same
//! patterns in every language asked for.

mod liwc;
mod quanteda;

pub use liwc::liwc;
pub use quanteda::quanteda;

use std::path::Path;

use super::file::{LangSpec, PatternEntry, PatternSpec, ThemeSpec};
use super::pattern::surface_tokens;
use crate::document::Lang;
use toml::Spanned;

use super::file::ThemeFile;

/// A converted dictionary.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The theme file.
    pub file: ThemeFile,
    /// Entries that were skipped or changed, as `line N: reason` sentences.
    pub warnings: Vec<String>,
}

/// Converts one dictionary value (`tax*`, `prime minister`, `wom?n`) to a pattern.
pub(crate) fn value_to_pattern(value: &str) -> Result<PatternSpec, String> {
    let words: Vec<&str> = value.split_whitespace().collect();
    if words.is_empty() {
        return Err("empty value".into());
    }
    let inner_wildcard = words.iter().any(|w| {
        let body = w.strip_suffix('*').unwrap_or(w);
        body.contains('*') || body.contains('?')
    });
    if inner_wildcard {
        return Ok(PatternSpec::regex(glob_regex(&words)));
    }
    let mut items = Vec::new();
    for word in &words {
        match word.strip_suffix('*') {
            Some(prefix) if prefix.chars().last().is_some_and(char::is_alphanumeric) => {
                items.push(format!("{prefix}*"));
            }
            Some(_) => return Err(format!("`{word}`: a glob needs letters before `*`")),
            None => {
                if surface_tokens(word).is_empty() {
                    return Err(format!("`{word}` has no letters or digits"));
                }
                items.push(format!("={word}"));
            }
        }
    }
    Ok(PatternSpec::phrase(items.join(" ")))
}

/// A regex for glob words: `*` any letters, `?` one letter, words separated by non-letters.
/// A run of `*` is one `\w*` (the same words; each repeat would make a larger program).
fn glob_regex(words: &[&str]) -> String {
    let body: Vec<String> = words
        .iter()
        .map(|w| {
            let mut previous = None;
            w.chars()
                .map(|c| {
                    let star_again = c == '*' && previous == Some('*');
                    previous = Some(c);
                    match c {
                        '*' if star_again => String::new(),
                        '*' => r"\w*".to_string(),
                        '?' => r"\w".to_string(),
                        c => regex::escape(&c.to_string()),
                    }
                })
                .collect()
        })
        .collect();
    let first = words.first().and_then(|w| w.chars().next());
    let last = words.last().and_then(|w| w.chars().last());
    let edge = |c: Option<char>| {
        if c.is_some_and(|c| c.is_alphanumeric() || c == '*' || c == '?') {
            r"\b"
        } else {
            ""
        }
    };
    format!("{}{}{}", edge(first), body.join(r"\W+"), edge(last))
}

/// The theme set's name of a dictionary read from `path`: its file stem (built in memory,
/// so with no place in a theme file).
pub(crate) fn dictionary_name(path: &Path) -> Spanned<String> {
    let stem = path.file_stem();
    Spanned::new(
        0..0,
        stem.map_or_else(|| "dictionary".into(), |s| s.to_string_lossy().into()),
    )
}

/// A theme with the same patterns in each of `langs`.
pub(crate) fn theme(id: &str, patterns: &[PatternSpec], langs: &[Lang]) -> ThemeSpec {
    let table = || {
        Some(Spanned::new(
            0..0,
            LangSpec {
                patterns: patterns
                    .iter()
                    .map(|p| Spanned::new(0..0, PatternEntry(p.clone())))
                    .collect(),
                ..LangSpec::default()
            },
        ))
    };
    ThemeSpec {
        id: Spanned::new(0..0, id.to_string()),
        label: id.to_string(),
        description: String::new(),
        count: None,
        en: langs.contains(&Lang::En).then(table).flatten(),
        ru: langs.contains(&Lang::Ru).then(table).flatten(),
    }
}

/// A theme id from a dictionary key: characters outside `[A-Za-z0-9_.-]` become `_`.
pub(crate) fn theme_id(key: &str) -> String {
    key.trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_exact_globs_phrases_or_regexes() {
        assert_eq!(
            value_to_pattern("tax*").unwrap(),
            PatternSpec::phrase("tax*")
        );
        assert_eq!(
            value_to_pattern("Prime minister").unwrap(),
            PatternSpec::phrase("=Prime =minister")
        );
        assert_eq!(
            value_to_pattern("wom?n").unwrap(),
            PatternSpec::regex(r"\bwom\wn\b")
        );
        assert_eq!(
            value_to_pattern("*ism").unwrap(),
            PatternSpec::regex(r"\b\w*ism\b")
        );
        assert_eq!(
            value_to_pattern("a***b?** c").unwrap(),
            PatternSpec::regex(r"\ba\w*b\w\w*\W+c\b")
        );
        assert!(value_to_pattern("  ").is_err());
        assert!(value_to_pattern("-*").is_err());
    }

    #[test]
    fn ids_are_sanitised() {
        assert_eq!(theme_id("Social Processes"), "Social_Processes");
        assert_eq!(theme_id("econ.tax"), "econ.tax");
    }
}
