//! Keyword-in-context lines: which matches to show and in which order.
//!
//! Contract: a kwic target is a theme id of the set or, when it is not one, a phrase
//! pattern (see [`super::pattern`]) compiled as an ad-hoc theme `query` for both
//! languages; the lines are evidence rows, sorted by a list of [`KwicKey`]s (`right1,
//! right2,date`: the first word right of the match, then the second, then the date), words
//! compared lowercased, a missing word first; lines equal on every key keep the order of
//! date, document, paragraph and offset. Layout is the binary's business.

use std::path::Path;

use super::file::{LangSpec, PatternEntry, PatternSpec, ThemeFile, ThemeSpec};
use super::{EvidenceRow, ThemeError, ThemeSet};
use crate::text::names;
use toml::Spanned;

/// Id of the ad-hoc theme of a query.
pub const QUERY_THEME: &str = "query";

/// One key of a kwic sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KwicKey {
    /// The Nth word left of the match (1: the nearest), `leftN`.
    LeftWord(usize),
    /// The Nth word right of the match (1: the next), `rightN`.
    RightWord(usize),
    /// Every word of the left context, nearest first, `left`.
    Left,
    /// Every word of the right context, in order, `right`.
    Right,
    /// The words of the match, `match`.
    Match,
    /// The date, `date`.
    Date,
    /// The document id, `doc`.
    Doc,
    /// The theme id, `theme`.
    Theme,
}

/// The largest N of `leftN` and `rightN` (context beyond it is rarely shown).
pub const MAX_KWIC_WORD: usize = 20;

/// Parses a sort order: keys separated by commas, each `left`, `right`, `leftN`, `rightN`
/// (N from 1 to [`MAX_KWIC_WORD`]), `match`, `date`, `doc` or `theme`.
pub fn parse_kwic_sort(spec: &str) -> Result<Vec<KwicKey>, ThemeError> {
    let error = |reason: String| ThemeError::KwicSort {
        spec: spec.to_string(),
        reason,
    };
    let mut keys = Vec::new();
    for item in spec.split(',') {
        let word = item.trim().to_ascii_lowercase();
        let numbered = |prefix: &str| -> Result<Option<usize>, ThemeError> {
            let Some(digits) = word.strip_prefix(prefix).filter(|d| !d.is_empty()) else {
                return Ok(None);
            };
            match digits.parse::<usize>() {
                Ok(n) if (1..=MAX_KWIC_WORD).contains(&n) => Ok(Some(n)),
                _ => Err(error(format!(
                    "`{word}`: the word number goes from 1 to {MAX_KWIC_WORD}"
                ))),
            }
        };
        let key = match word.as_str() {
            "left" => KwicKey::Left,
            "right" => KwicKey::Right,
            "match" => KwicKey::Match,
            "date" => KwicKey::Date,
            "doc" => KwicKey::Doc,
            "theme" => KwicKey::Theme,
            _ => match (numbered("left")?, numbered("right")?) {
                (Some(n), _) => KwicKey::LeftWord(n),
                (_, Some(n)) => KwicKey::RightWord(n),
                _ => {
                    return Err(error(format!(
                        "unknown key `{}` (expected left, right, left1..left{MAX_KWIC_WORD}, \
                         right1..right{MAX_KWIC_WORD}, match, date, doc, theme)",
                        item.trim()
                    )));
                }
            },
        };
        if keys.contains(&key) {
            return Err(error(format!("`{word}` is given twice")));
        }
        keys.push(key);
    }
    Ok(keys)
}

/// The theme set for `target`: `set` restricted to the theme `target` when it has one,
/// else a one-theme set matching `target` as a phrase in English and Russian.
pub fn kwic_set(set: Option<&ThemeSet>, target: &str) -> Result<ThemeSet, ThemeError> {
    if let Some(set) = set
        && set.theme(target).is_some()
    {
        let mut only = set.clone();
        only.retain(&[target.to_string()])?;
        return Ok(only);
    }
    let table = || {
        Some(Spanned::new(
            0..0,
            LangSpec {
                patterns: vec![Spanned::new(
                    0..0,
                    PatternEntry(PatternSpec::phrase(target)),
                )],
                ..LangSpec::default()
            },
        ))
    };
    let file = ThemeFile {
        name: Spanned::new(0..0, "query".into()),
        themes: vec![Spanned::new(
            0..0,
            ThemeSpec {
                id: Spanned::new(0..0, QUERY_THEME.into()),
                label: target.into(),
                description: String::new(),
                count: None,
                en: table(),
                ru: table(),
            },
        )],
        ..ThemeFile::default()
    };
    ThemeSet::from_file(Path::new("<query>"), file, None)
}

/// The theme id of `set` that `target` is probably a misspelling of: `None` when `target`
/// is a theme id, holds whitespace (a phrase), or is no nearer than two edits (case,
/// hyphens and spaces aside: `US-Blame` is `us_blame`) to any id.
pub fn mistyped_theme_id<'a>(set: &'a ThemeSet, target: &str) -> Option<&'a str> {
    if set.theme(target).is_some() || target.contains(char::is_whitespace) {
        return None;
    }
    let normal = |s: &str| s.to_lowercase().replace('-', "_");
    let ids = set.themes.iter().map(|t| t.id.as_str());
    names::nearest(&normal(target), ids, |id| [normal(id)])
}

/// One part of a line's sort key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum KeyPart {
    Words(Vec<String>),
    Word(String),
    Date(chrono::NaiveDate),
    Text(String),
}

/// Sorts kwic lines by `keys`, then by date, document, paragraph and offset (stable).
pub fn sort_kwic(rows: &mut [EvidenceRow], keys: &[KwicKey]) {
    let part = |r: &EvidenceRow, key: &KwicKey| -> KeyPart {
        match *key {
            KwicKey::LeftWord(n) => {
                KeyPart::Word(words(&r.left).rev().nth(n - 1).unwrap_or_default())
            }
            KwicKey::RightWord(n) => KeyPart::Word(words(&r.right).nth(n - 1).unwrap_or_default()),
            KwicKey::Left => KeyPart::Words(words(&r.left).rev().collect()),
            KwicKey::Right => KeyPart::Words(words(&r.right).collect()),
            KwicKey::Match => KeyPart::Words(words(&r.matched).collect()),
            KwicKey::Date => KeyPart::Date(r.date),
            KwicKey::Doc => KeyPart::Text(r.doc_id.clone()),
            KwicKey::Theme => KeyPart::Text(r.theme.clone()),
        }
    };
    rows.sort_by_cached_key(|r| {
        let parts: Vec<KeyPart> = keys.iter().map(|key| part(r, key)).collect();
        (parts, r.date, r.doc_id.clone(), r.para, r.start)
    });
}

fn words(text: &str) -> impl DoubleEndedIterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::themes::evidence::sample_row;
    use chrono::{Datelike, NaiveDate};

    fn row(day: u32, left: &str, matched: &str, right: &str) -> EvidenceRow {
        EvidenceRow {
            doc_id: format!("d{day}"),
            date: NaiveDate::from_ymd_opt(2017, 1, day).unwrap(),
            matched: matched.into(),
            left: left.into(),
            right: right.into(),
            ..sample_row()
        }
    }

    fn sorted(rows: &mut [EvidenceRow], spec: &str) -> Vec<u32> {
        sort_kwic(rows, &parse_kwic_sort(spec).unwrap());
        rows.iter().map(|r| r.date.day()).collect()
    }

    #[test]
    fn lines_sort_by_a_list_of_keys() {
        let mut rows = vec![
            row(3, "the new", "sanctions", "hurt everyone"),
            row(1, "a new wave of", "sanctions", "are useless"),
            row(2, "these old", "Sanctions", "backfire"),
            row(4, "new", "sanctions", "hurt trade"),
        ];
        // Nearest left word: new (3, 4), of (1), old (2).
        assert_eq!(sorted(&mut rows, "left"), [4, 3, 1, 2]);
        assert_eq!(sorted(&mut rows, "left1"), [3, 4, 1, 2]);
        // Second left word: none (4) sorts first, then a "the" (3) < "these" (2) < "wave" (1).
        assert_eq!(sorted(&mut rows, "left2"), [4, 3, 2, 1]);
        assert_eq!(sorted(&mut rows, "right1,right2"), [1, 2, 3, 4]);
        assert_eq!(sorted(&mut rows, "right1,date"), [1, 2, 3, 4]);
        assert_eq!(sorted(&mut rows, "right1, doc"), [1, 2, 3, 4]);
        rows[3].doc_id = "a".into();
        assert_eq!(sorted(&mut rows, "right1,doc"), [1, 2, 4, 3]);
        assert_eq!(sorted(&mut rows, "date"), [1, 2, 3, 4]);
        assert_eq!(sorted(&mut rows, "match,right"), [1, 2, 3, 4]);
    }

    #[test]
    fn sort_orders_are_checked() {
        assert_eq!(
            parse_kwic_sort("Right1,right12,date,left").unwrap(),
            [
                KwicKey::RightWord(1),
                KwicKey::RightWord(12),
                KwicKey::Date,
                KwicKey::Left
            ]
        );
        for bad in [
            "",
            "right0",
            "left21",
            "righty",
            "date,date",
            "right1,,date",
            "rightx",
        ] {
            assert!(parse_kwic_sort(bad).is_err(), "{bad}");
        }
        let err = parse_kwic_sort("rite1").unwrap_err().to_string();
        assert!(
            err.starts_with("--sort `rite1`: unknown key `rite1`"),
            "{err}"
        );
    }

    #[test]
    fn near_misses_of_theme_ids_are_recognised() {
        let text = "name = \"t\"\n[[theme]]\nid = \"us_blame\"\n[theme.en]\npatterns = [\"blame\"]\n\
                    [[theme]]\nid = \"double_freeze\"\n[theme.en]\npatterns = [\"freeze\"]\n";
        let set = ThemeSet::from_toml(Path::new("t.toml"), text).unwrap();
        assert_eq!(mistyped_theme_id(&set, "us-blame"), Some("us_blame"));
        assert_eq!(mistyped_theme_id(&set, "US_Blame"), Some("us_blame"));
        assert_eq!(
            mistyped_theme_id(&set, "double_freez"),
            Some("double_freeze")
        );
        assert_eq!(
            mistyped_theme_id(&set, "dobule_freeze"),
            Some("double_freeze")
        );
        // An id, a phrase, or a word far from every id: no suggestion.
        assert_eq!(mistyped_theme_id(&set, "us_blame"), None);
        assert_eq!(mistyped_theme_id(&set, "us blame"), None);
        assert_eq!(mistyped_theme_id(&set, "sanctions"), None);
    }

    #[test]
    fn a_target_that_is_no_theme_is_a_phrase_query() {
        let set = kwic_set(None, "sanction* ~2 useless").unwrap();
        assert_eq!(set.themes[0].id, QUERY_THEME);
        assert_eq!(set.themes[0].langs.len(), 2);
        assert!(kwic_set(None, "~2 bad").is_err());
    }
}
