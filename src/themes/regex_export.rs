//! Regex equivalents of a theme set, for baselines that only have regexes (Python `re`,
//! polars `str.count_matches`): the same workload, approximately the same matches.
//!
//! Approximations (these regexes are for throughput comparisons, not for counting): a
//! stemmed word becomes its stem followed by any word characters (`sanction\w*`), a gap
//! `~N` up to N words, `near` the two sides with up to `within` words between (either
//! order unless `ordered`; without `within`, anything but a sentence stop); `not_after`
//! and `unless` are dropped. Matching is meant to be case-insensitive.

use serde::Serialize;

use super::pattern::{Item, Phrase};
use super::{PatternKind, ThemeSet};
use crate::document::Lang;

/// The regexes of one theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeRegexes {
    /// Theme id.
    pub id: String,
    /// One regex per pattern of the theme's `lang` table.
    pub regexes: Vec<String>,
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
                    PatternKind::Regex(re) => re.clone(),
                    PatternKind::Near {
                        a,
                        b,
                        within,
                        ordered,
                    } => {
                        let between = match within {
                            Some(n) => format!(r"(?:\W+\w+){{0,{n}}}\W+"),
                            None => r"[^.!?]*?".to_string(),
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
            Some(ThemeRegexes {
                id: theme.id.clone(),
                regexes,
            })
        })
        .collect()
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
                    Item::Stem(s) | Item::Prefix(s) => {
                        out.push_str(&format!(r"\b{}\w*", regex::escape(s)));
                    }
                    Item::Exact(s) => out.push_str(&format!(r"\b{}\b", regex::escape(s))),
                    Item::ExactCase(s) => {
                        out.push_str(&format!(r"\b(?-i:{})\b", regex::escape(s)));
                    }
                    Item::Any => out.push_str(r"\w+"),
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
    }
}
