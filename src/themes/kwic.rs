//! Keyword-in-context lines: which matches to show and in which order.
//!
//! Contract: a kwic target is a theme id of the set or, when it is not one, a phrase
//! pattern (see [`super::pattern`]) compiled as an ad-hoc theme `query` for both
//! languages; the lines are evidence rows, sorted by the words nearest the keyword on the
//! left (read right to left), by the words on the right, or by date. Layout is the
//! binary's business.

use std::path::Path;

use super::file::{LangSpec, PatternEntry, PatternSpec, ThemeFile, ThemeSpec};
use super::{EvidenceRow, ThemeError, ThemeSet};
use crate::text::names;
use toml::Spanned;

/// Id of the ad-hoc theme of a query.
pub const QUERY_THEME: &str = "query";

/// Orders of kwic lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KwicOrder {
    /// By the left context, nearest word first.
    Left,
    /// By the right context.
    Right,
    /// By date, document, paragraph, offset.
    Date,
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
        name: "query".into(),
        themes: vec![Spanned::new(
            0..0,
            ThemeSpec {
                id: Spanned::new(0..0, QUERY_THEME.into()),
                label: target.into(),
                description: String::new(),
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

/// Sorts kwic lines.
pub fn sort_kwic(rows: &mut [EvidenceRow], order: KwicOrder) {
    match order {
        KwicOrder::Date => {
            rows.sort_by(|a, b| {
                (a.date, &a.doc_id, a.para, a.start).cmp(&(b.date, &b.doc_id, b.para, b.start))
            });
        }
        KwicOrder::Left => rows.sort_by_cached_key(|r| {
            let words: Vec<String> = words(&r.left).rev().collect();
            (words, words_of(&r.matched), r.date, r.doc_id.clone())
        }),
        KwicOrder::Right => rows.sort_by_cached_key(|r| {
            (
                words_of(&r.matched),
                words(&r.right).collect::<Vec<_>>(),
                r.date,
                r.doc_id.clone(),
            )
        }),
    }
}

fn words(text: &str) -> impl DoubleEndedIterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

fn words_of(text: &str) -> Vec<String> {
    words(text).collect()
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

    #[test]
    fn lines_sort_by_nearest_left_word_right_words_or_date() {
        let mut rows = vec![
            row(3, "the new", "sanctions", "hurt everyone"),
            row(1, "a new wave of", "sanctions", "are useless"),
            row(2, "these old", "Sanctions", "backfire"),
        ];
        sort_kwic(&mut rows, KwicOrder::Left);
        assert_eq!(
            rows.iter().map(|r| r.date.day0()).collect::<Vec<_>>(),
            [2, 0, 1]
        );
        sort_kwic(&mut rows, KwicOrder::Right);
        let right: Vec<_> = rows.iter().map(|r| r.right.as_str()).collect();
        assert_eq!(right, ["are useless", "backfire", "hurt everyone"]);
        sort_kwic(&mut rows, KwicOrder::Date);
        assert_eq!(rows[0].doc_id, "d1");
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
