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
use super::set::MAX_REGEX_BYTES;
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
        let (regex, classes) = glob_regex(&words);
        if classes > MAX_GLOB_CLASSES {
            return Err(format!(
                "{classes} wildcards and word gaps (at most {MAX_GLOB_CLASSES}: each is a \
                 Unicode class in the regex, which would pass the {} MB limit of a theme regex)",
                MAX_REGEX_BYTES >> 20
            ));
        }
        return Ok(PatternSpec::regex(regex));
    }
    let mut items = Vec::new();
    for word in &words {
        match word.strip_suffix('*') {
            // Lowercased: dictionaries match whatever the case (a capital would make `=US`
            // a case-sensitive test in a theme file).
            Some(prefix) if prefix.chars().last().is_some_and(char::is_alphanumeric) => {
                items.push(format!("{}*", prefix.to_lowercase()));
            }
            Some(_) => return Err(format!("`{word}`: a glob needs letters before `*`")),
            None => {
                if surface_tokens(word).is_empty() {
                    return Err(format!("`{word}` has no letters or digits"));
                }
                items.push(format!("={}", word.to_lowercase()));
            }
        }
    }
    Ok(PatternSpec::phrase(items.join(" ")))
}

/// Most Unicode classes (`?`, runs of `*`, gaps between words) in the regex of one value.
/// Each compiles to about 50 KB, so a value within this stays well inside the theme loader's
/// limit for one regex ([`MAX_REGEX_BYTES`], 2 MB), and one past it is
/// skipped with its line instead of failing the whole dictionary when it loads.
pub const MAX_GLOB_CLASSES: usize = 24;

/// A regex for glob words (`*` any letters, `?` one letter, words separated by non-letters),
/// and how many Unicode classes it holds: one per `?`, per run of `*` (one `\w*`: the same
/// words, where each repeat would make a larger program) and per gap between words, which
/// [`MAX_GLOB_CLASSES`] bounds.
fn glob_regex(words: &[&str]) -> (String, usize) {
    let mut classes = words.len().saturating_sub(1);
    let mut body = Vec::with_capacity(words.len());
    for word in words {
        let mut regex = String::new();
        let mut previous = None;
        for c in word.chars() {
            let star_again = c == '*' && previous == Some('*');
            previous = Some(c);
            match c {
                '*' if star_again => {}
                '*' => {
                    regex.push_str(r"\w*");
                    classes += 1;
                }
                '?' => {
                    regex.push_str(r"\w");
                    classes += 1;
                }
                c => regex.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
            }
        }
        body.push(regex);
    }
    let first = words.first().and_then(|w| w.chars().next());
    let last = words.last().and_then(|w| w.chars().last());
    let edge = |c: Option<char>| {
        if c.is_some_and(|c| c.is_alphanumeric() || c == '*' || c == '?') {
            r"\b"
        } else {
            ""
        }
    };
    let regex = format!("{}{}{}", edge(first), body.join(r"\W+"), edge(last));
    (regex, classes)
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
        // Lowercased, so that the tests ignore case as the dictionaries do.
        assert_eq!(
            value_to_pattern("Prime minister").unwrap(),
            PatternSpec::phrase("=prime =minister")
        );
        assert_eq!(
            value_to_pattern("NATO").unwrap(),
            PatternSpec::phrase("=nato")
        );
        assert_eq!(
            value_to_pattern("Sanct*").unwrap(),
            PatternSpec::phrase("sanct*")
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
    fn a_value_with_too_many_wildcards_is_refused_and_its_regex_would_not_load() {
        let at_limit = format!("w{}n", "?".repeat(MAX_GLOB_CLASSES));
        let past = format!("w{}n", "?".repeat(MAX_GLOB_CLASSES + 1));
        let gaps = format!("a?b {}", "c ".repeat(MAX_GLOB_CLASSES));
        assert_eq!(glob_regex(&["a***b?**", "c"]).1, 4);
        assert!(value_to_pattern(&at_limit).is_ok());
        let refused = value_to_pattern(&past).unwrap_err();
        assert!(
            refused.starts_with("25 wildcards and word gaps"),
            "{refused}"
        );
        assert!(value_to_pattern(&gaps).is_err());
        // What the limit is for: the largest accepted value loads, and a value of twice
        // as many classes would be refused by the loader itself.
        let compiles = |value: &str| {
            regex::RegexBuilder::new(&glob_regex(&value.split_whitespace().collect::<Vec<_>>()).0)
                .case_insensitive(true)
                .size_limit(MAX_REGEX_BYTES)
                .build()
                .is_ok()
        };
        assert!(compiles(&at_limit));
        assert!(!compiles(&format!(
            "w{}n",
            "?".repeat(2 * MAX_GLOB_CLASSES)
        )));
    }

    #[test]
    fn ids_are_sanitised() {
        assert_eq!(theme_id("Social Processes"), "Social_Processes");
        assert_eq!(theme_id("econ.tax"), "econ.tax");
    }
}
