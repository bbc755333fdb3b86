//! Equivalents of a theme set for benchmark baselines: regexes (Python `re`, polars
//! `str.count_matches`) and search queries (tantivy phrase queries counting documents).
//! The same workload, approximately the same matches.
//!
//! Approximations (for throughput comparisons, not for counting): in regexes a stemmed word
//! becomes its stem followed by any word characters (`sanction\w*`), a gap `~N` up to N
//! words, `near` the two sides with up to about 7 characters per `within` token between
//! them and no sentence stop (either order unless `ordered`); in queries a phrase with gaps
//! becomes a sloppy phrase (`"a b"~N`), `near` a sloppy phrase or an AND, a glob a prefix
//! term. `not_after`, `unless` and `with` are dropped. Regexes are meant case-insensitive.

use serde::Serialize;

use super::pattern::{Item, Phrase};
use super::{PatternKind, ThemeSet};
use crate::document::Lang;

/// The baseline equivalents of one theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeRegexes {
    /// Theme id.
    pub id: String,
    /// One regex per pattern of the theme's `lang` table.
    pub regexes: Vec<String>,
    /// One search query (statemine/tantivy syntax) for the whole table, `OR` of its patterns.
    pub query: String,
    /// One regex for the whole table: an alternation of every gap-free run of words of its
    /// phrases and `near` sides (a dictionary count: no proximity, gaps or exclusions).
    pub terms: String,
}

/// One regex per pattern for every theme of `set` that has a `lang` table.
pub fn regex_equivalents(set: &ThemeSet, lang: Lang) -> Vec<ThemeRegexes> {
    set.themes
        .iter()
        .filter_map(|theme| {
            let table = theme.lang(lang)?;
            let regexes = table
                .patterns
                .iter()
                .map(|p| match &p.kind {
                    PatternKind::Phrase(phrase) => phrase_regex(phrase),
                    PatternKind::Regex(re) => re.as_str().to_string(),
                    PatternKind::Near {
                        a,
                        b,
                        within,
                        ordered,
                    } => {
                        // A character window (about 7 per token) keeps the regex small:
                        // a repeated Unicode `\w` would exceed regex size limits.
                        let between = match within {
                            Some(n) => format!(r"[^.!?\n]{{0,{}}}?", (n + 1) * 7),
                            None => r"[^.!?\n]*?".to_string(),
                        };
                        let (a, b) = (phrase_regex(a), phrase_regex(b));
                        if *ordered {
                            format!("{a}{between}{b}")
                        } else {
                            format!("(?:{a}{between}{b}|{b}{between}{a})")
                        }
                    }
                })
                .collect();
            let query = table
                .patterns
                .iter()
                .filter_map(|p| match &p.kind {
                    PatternKind::Phrase(phrase) => Some(phrase_query(phrase, None)),
                    PatternKind::Regex(_) => None,
                    PatternKind::Near { a, b, .. } => Some(near_query(a, b)),
                })
                .collect::<Vec<_>>()
                .join(" OR ");
            // Single stemmed or prefix words share one `\w*` (`\b(?:a|b)\w*`): a repeated
            // Unicode `\w*` per word would exceed regex size limits for large themes.
            let mut stems: Vec<String> = Vec::new();
            let mut runs: Vec<String> = Vec::new();
            for pattern in &table.patterns {
                let phrases: Vec<&Phrase> = match &pattern.kind {
                    PatternKind::Phrase(p) => vec![p],
                    PatternKind::Near { a, b, .. } => vec![a, b],
                    PatternKind::Regex(_) => Vec::new(),
                };
                for items in phrases.iter().flat_map(|p| &p.alternatives) {
                    for run in items.split(|i| matches!(i, Item::Any | Item::Gap(_))) {
                        if let [Item::Stem(stem) | Item::Prefix(stem)] = run {
                            let stem = regex::escape(stem);
                            if !stems.contains(&stem) {
                                stems.push(stem);
                            }
                            continue;
                        }
                        let words: Vec<String> = run.iter().map(item_regex).collect();
                        let run = words.join(r"\W+");
                        if !run.is_empty() && !runs.contains(&run) {
                            runs.push(run);
                        }
                    }
                }
            }
            Some(ThemeRegexes {
                id: theme.id.clone(),
                regexes,
                query,
                terms: {
                    if !stems.is_empty() {
                        runs.push(format!(r"\b(?:{})\w*", stems.join("|")));
                    }
                    format!("(?:{})", runs.join("|"))
                },
            })
        })
        .collect()
}

/// A query word for an item (`None` for gaps).
fn query_word(item: &Item) -> Option<String> {
    match item {
        Item::Stem(s) | Item::Exact(s) | Item::ExactCase(s) => Some(s.to_lowercase()),
        Item::Prefix(s) => Some(format!("{}*", s.to_lowercase())),
        Item::Any | Item::Gap(_) => None,
    }
}

/// An alternative as a term or a (sloppy) phrase query; `extra` adds slop.
fn alternative_query(items: &[Item], extra: Option<usize>) -> String {
    let words: Vec<String> = items.iter().filter_map(query_word).collect();
    let slop: usize = items
        .iter()
        .map(|i| match i {
            Item::Any => 1,
            Item::Gap(n) => *n,
            _ => 0,
        })
        .sum::<usize>()
        + extra.unwrap_or(0);
    if words.len() == 1 && extra.is_none() {
        return words[0].clone();
    }
    // Prefix terms are not allowed inside phrases: keep the prefix as a word.
    let words: Vec<String> = words
        .iter()
        .map(|w| w.trim_end_matches('*').to_string())
        .collect();
    if slop == 0 {
        format!("\"{}\"", words.join(" "))
    } else {
        format!("\"{}\"~{slop}", words.join(" "))
    }
}

fn phrase_query(phrase: &Phrase, extra: Option<usize>) -> String {
    let alternatives: Vec<String> = phrase
        .alternatives
        .iter()
        .map(|items| alternative_query(items, extra))
        .collect();
    if alternatives.len() == 1 {
        alternatives.into_iter().next().unwrap_or_default()
    } else {
        format!("({})", alternatives.join(" OR "))
    }
}

/// Both sides in the document: tantivy has no proximity between two phrases.
fn near_query(a: &Phrase, b: &Phrase) -> String {
    format!("({} AND {})", phrase_query(a, None), phrase_query(b, None))
}

/// The regex of one token test.
fn item_regex(item: &Item) -> String {
    match item {
        Item::Stem(s) | Item::Prefix(s) => format!(r"\b{}\w*", regex::escape(s)),
        Item::Exact(s) => format!(r"\b{}\b", regex::escape(s)),
        Item::ExactCase(s) => format!(r"\b(?-i:{})\b", regex::escape(s)),
        Item::Any => r"\w+".to_string(),
        Item::Gap(n) => format!(r"(?:\w+\W+){{0,{n}}}"),
    }
}

fn phrase_regex(phrase: &Phrase) -> String {
    let alternatives: Vec<String> = phrase
        .alternatives
        .iter()
        .map(|items| {
            let mut out = String::new();
            for (i, item) in items.iter().enumerate() {
                let last = i + 1 == items.len();
                match item {
                    Item::Gap(n) => {
                        out.push_str(&format!(r"(?:\w+\W+){{0,{n}}}"));
                        continue;
                    }
                    other => out.push_str(&item_regex(other)),
                }
                if !last {
                    out.push_str(r"\W+");
                }
            }
            out
        })
        .collect();
    if alternatives.len() == 1 {
        alternatives.into_iter().next().unwrap_or_default()
    } else {
        format!("(?:{})", alternatives.join("|"))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use regex::RegexBuilder;

    use super::*;

    #[test]
    fn regexes_approximate_the_patterns() {
        let text = r#"
name = "t"
[[theme]]
id = "a"
[theme.en]
patterns = [
  "sanctions ~2 useless | dead end",
  { near = ["pressure", "futile"], within = 3 },
  { regex = 'x\d' },
]
"#;
        let set = ThemeSet::from_toml(Path::new("t.toml"), text).unwrap();
        let out = regex_equivalents(&set, Lang::En);
        assert_eq!(
            out[0].regexes[0],
            r"(?:\bsanction\w*\W+(?:\w+\W+){0,2}\buseless\w*|\bdead\w*\W+\bend\w*)"
        );
        assert_eq!(out[0].regexes[2], r"x\d");
        let re = |i: usize| {
            RegexBuilder::new(&out[0].regexes[i])
                .case_insensitive(true)
                .build()
                .unwrap()
        };
        assert!(re(0).is_match("Sanctions are totally useless"));
        assert!(!re(0).is_match("Sanctions are really totally useless"));
        assert!(re(1).is_match("futile, this pressure"));
        assert!(regex_equivalents(&set, Lang::Ru).is_empty());
        assert_eq!(
            out[0].query,
            r#"("sanction useless"~2 OR "dead end") OR (pressur AND futil)"#
        );
        assert_eq!(
            out[0].terms,
            r"(?:\bdead\w*\W+\bend\w*|\b(?:sanction|useless|pressur|futil)\w*)"
        );
        let terms = RegexBuilder::new(&out[0].terms)
            .case_insensitive(true)
            .build()
            .unwrap();
        let found: Vec<&str> = terms
            .find_iter("Sanctions are a dead end; pressure is futile")
            .map(|m| m.as_str())
            .collect();
        assert_eq!(found, ["Sanctions", "dead end", "pressure", "futile"]);
    }
}
