//! First occurrences: when each theme first appears, overall and for each speaker, with
//! the evidence line (date, document, passage).
//!
//! Contract: "first" is the earliest match by (date, document id, paragraph, byte offset),
//! so ties on a date are broken the same way on every run. Scopes: `overall` (one row per
//! theme), `speaker` (the document's main speaker) and `turn_speaker` (the speaker of the
//! paragraph holding the match); the `overall` row names the speaker of its paragraph too.
//! Speakers are as the count resolved them through the speaker registry (canonical names).
//! Empty speakers and paragraphs without a known speaker have no per-speaker row (they
//! still count for `overall`). Rows come per theme in theme
//! order, then scope, then date.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use polars::prelude::*;

use super::AnalysisError;
use super::aggregate::theme_order;
use crate::index::{DocFilter, IndexError, IndexStore};
use crate::themes::{DocSummary, DocThemeMatches, ThemeMatch};

/// Characters of context kept on each side of a matched passage.
pub const CONTEXT_CHARS: usize = 80;

/// Whose first occurrence a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FirstScope {
    /// Over all documents.
    Overall,
    /// Per main speaker of the document.
    Speaker,
    /// Per speaker of the paragraph (speaker turn).
    TurnSpeaker,
}

impl FirstScope {
    /// The column value.
    pub fn as_str(self) -> &'static str {
        match self {
            FirstScope::Overall => "overall",
            FirstScope::Speaker => "speaker",
            FirstScope::TurnSpeaker => "turn_speaker",
        }
    }
}

/// A matched passage cut out of its paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Passage {
    /// Context before the match (`…` first when cut).
    pub left: String,
    /// The matched text.
    pub matched: String,
    /// Context after the match (`…` last when cut).
    pub right: String,
}

impl Passage {
    /// The passage of `paragraph[start..end]` with up to `context` characters on each
    /// side, cut at a space when one is near; `None` when the offsets are not valid.
    pub fn cut(paragraph: &str, start: usize, end: usize, context: usize) -> Option<Passage> {
        let matched = paragraph.get(start..end)?;
        let before = &paragraph[..start];
        let after = &paragraph[end..];
        let left_start = before
            .char_indices()
            .rev()
            .nth(context.saturating_sub(1))
            .map(|(i, _)| i);
        let left = match left_start {
            Some(i) if i > 0 => {
                let cut = &before[i..];
                // Start at a word boundary when one is within reach.
                let cut = cut.find(' ').map_or(cut, |s| &cut[s + 1..]);
                format!("…{cut}")
            }
            _ => before.to_string(),
        };
        let right = match after.char_indices().nth(context) {
            Some((i, _)) => {
                let cut = &after[..i];
                let cut = cut.rfind(' ').map_or(cut, |s| &cut[..s]);
                format!("{cut}…")
            }
            None => after.to_string(),
        };
        Some(Passage {
            left,
            matched: matched.to_string(),
            right,
        })
    }

    /// The passage on one line with the match in brackets: `left [match] right`.
    pub fn display(&self) -> String {
        format!("{}[{}]{}", self.left, self.matched, self.right)
    }
}

/// The first match of a theme within one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct FirstOccurrence {
    /// Theme id.
    pub theme: String,
    /// Scope of the row.
    pub scope: FirstScope,
    /// The speaker: of the document for `speaker`, of the matched paragraph for
    /// `turn_speaker` and `overall` (empty when the paragraph has no known speaker).
    pub who: String,
    /// Date of the document.
    pub date: NaiveDate,
    /// Document id.
    pub doc_id: String,
    /// The match.
    pub at: ThemeMatch,
    /// Document title, once [`attach_documents`] has run (empty when unavailable).
    pub title: String,
    /// Document address, once [`attach_documents`] has run.
    pub url: String,
    /// The passage, once [`attach_documents`] has run.
    pub passage: Passage,
}

/// The columns of [`first_frame`], in order.
pub const FIRST_COLUMNS: &[&str] = &[
    "theme", "scope", "who", "date", "doc_id", "title", "url", "para", "sentence", "rule", "left",
    "matched", "right",
];

type Key<'a> = (NaiveDate, &'a str, usize, usize);

fn key<'a>(doc: &'a DocSummary, m: &ThemeMatch) -> Key<'a> {
    (doc.date, doc.id.as_str(), m.para, m.start)
}

/// The first occurrences of every theme (or of `only`), without evidence text; call
/// [`attach_documents`] to fill title, url and passage.
pub fn first_occurrences(
    docs: &[DocThemeMatches],
    themes: &[String],
    only: Option<&str>,
) -> Result<Vec<FirstOccurrence>, AnalysisError> {
    let mut themes = theme_order(themes, docs);
    if let Some(only) = only {
        if !themes.iter().any(|t| t == only) {
            return Err(AnalysisError::UnknownTheme {
                theme: only.to_string(),
                available: themes.join(", "),
            });
        }
        themes.retain(|t| t == only);
    }
    // Earliest (doc, match) per (theme, scope, who).
    let mut best: HashMap<(&str, FirstScope, &str), (Key<'_>, &DocSummary, &ThemeMatch)> =
        HashMap::new();
    for doc in docs {
        for m in &doc.matches {
            if !themes.iter().any(|t| **t == *m.theme) {
                continue;
            }
            let k = key(&doc.doc, m);
            let turn = doc
                .doc
                .paragraphs
                .get(m.para)
                .and_then(|t| t.speaker.as_deref())
                .unwrap_or("");
            let scopes = [
                (FirstScope::Overall, ""),
                (FirstScope::Speaker, doc.doc.speaker.as_str()),
                (FirstScope::TurnSpeaker, turn),
            ];
            for (scope, who) in scopes {
                if scope != FirstScope::Overall && who.is_empty() {
                    continue;
                }
                let slot = best
                    .entry((&*m.theme, scope, who))
                    .or_insert((k, &doc.doc, m));
                if k < slot.0 {
                    *slot = (k, &doc.doc, m);
                }
            }
        }
    }
    let mut ordered: BTreeMap<(usize, FirstScope, NaiveDate, &str), FirstOccurrence> =
        BTreeMap::new();
    for ((theme, scope, who), (_, doc, m)) in best {
        let rank = themes.iter().position(|t| t == theme).unwrap_or(usize::MAX);
        // The overall first names who said it: the speaker of the matched paragraph.
        let named = match scope {
            FirstScope::Overall => doc
                .paragraphs
                .get(m.para)
                .and_then(|t| t.speaker.clone())
                .unwrap_or_default(),
            _ => who.to_string(),
        };
        ordered.insert(
            (rank, scope, doc.date, who),
            FirstOccurrence {
                theme: theme.to_string(),
                scope,
                who: named,
                date: doc.date,
                doc_id: doc.id.clone(),
                at: m.clone(),
                title: String::new(),
                url: String::new(),
                passage: Passage::default(),
            },
        );
    }
    Ok(ordered.into_values().collect())
}

/// Fills title, url and passage of `rows` from the stored documents of `store` (one pass
/// over the documents of the rows' date range).
pub fn attach_documents(
    rows: &mut [FirstOccurrence],
    store: &IndexStore,
) -> Result<(), IndexError> {
    let wanted: HashSet<String> = rows.iter().map(|r| r.doc_id.clone()).collect();
    let (Some(from), Some(to)) = (
        rows.iter().map(|r| r.date).min(),
        rows.iter().map(|r| r.date).max(),
    ) else {
        return Ok(());
    };
    let filter = DocFilter {
        from: Some(from),
        to: Some(to),
        ..DocFilter::default()
    };
    let mut found = HashMap::new();
    store.for_each_document(&filter, |stored| -> Result<(), IndexError> {
        if wanted.contains(&stored.doc.id) {
            found.insert(stored.doc.id.clone(), stored.doc);
        }
        Ok(())
    })?;
    for row in rows {
        if let Some(doc) = found.get(&row.doc_id) {
            row.title = doc.title.clone();
            row.url = doc.url.clone();
            if let Some(paragraph) = doc.paragraphs().nth(row.at.para) {
                row.passage = Passage::cut(paragraph, row.at.start, row.at.end, CONTEXT_CHARS)
                    .unwrap_or_default();
            }
        }
    }
    Ok(())
}

/// The rows as a table with [`FIRST_COLUMNS`].
pub fn first_frame(rows: &[FirstOccurrence]) -> Result<DataFrame, AnalysisError> {
    let text = |get: &dyn Fn(&FirstOccurrence) -> &str| -> Vec<String> {
        rows.iter().map(|r| get(r).to_string()).collect()
    };
    let columns = vec![
        Column::new("theme".into(), text(&|r| &r.theme)),
        Column::new("scope".into(), text(&|r| r.scope.as_str())),
        Column::new("who".into(), text(&|r| &r.who)),
        Series::new(
            "date".into(),
            rows.iter().map(|r| r.date).collect::<Vec<_>>(),
        )
        .into_column(),
        Column::new("doc_id".into(), text(&|r| &r.doc_id)),
        Column::new("title".into(), text(&|r| &r.title)),
        Column::new("url".into(), text(&|r| &r.url)),
        Column::new(
            "para".into(),
            rows.iter().map(|r| r.at.para as u64).collect::<Vec<_>>(),
        ),
        Column::new(
            "sentence".into(),
            rows.iter()
                .map(|r| r.at.sentence as u64)
                .collect::<Vec<_>>(),
        ),
        Column::new("rule".into(), text(&|r| &r.at.rule)),
        Column::new("left".into(), text(&|r| &r.passage.left)),
        Column::new("matched".into(), text(&|r| &r.passage.matched)),
        Column::new("right".into(), text(&|r| &r.passage.right)),
    ];
    Ok(DataFrame::new_infer_height(columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Kind, Lang, ParagraphTurn, Role};

    fn doc(id: &str, date: &str, speaker: &str, hits: &[(&str, usize, usize)]) -> DocThemeMatches {
        DocThemeMatches {
            doc: DocSummary {
                kept: None,
                id: id.into(),
                date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
                speaker: speaker.into(),
                source: "s".into(),
                kind: Kind::Transcript,
                lang: Lang::En,
                n_words: 100,
                n_paragraphs: 2,
                paragraphs: vec![
                    ParagraphTurn {
                        speaker: Some("Question".into()),
                        role: Role::Journalist,
                        n_words: 50,
                    },
                    ParagraphTurn {
                        speaker: Some(speaker.into()),
                        role: Role::Official,
                        n_words: 50,
                    },
                ],
            },
            matches: hits
                .iter()
                .map(|&(theme, para, start)| ThemeMatch {
                    theme: theme.into(),
                    para,
                    sentence: 0,
                    start,
                    end: start + 3,
                    rule: "r".into(),
                })
                .collect(),
        }
    }

    fn summary(rows: &[FirstOccurrence]) -> Vec<(String, &'static str, String, String)> {
        rows.iter()
            .map(|r| {
                (
                    r.theme.clone(),
                    r.scope.as_str(),
                    r.who.clone(),
                    format!("{}:{}", r.doc_id, r.at.start),
                )
            })
            .collect()
    }

    #[test]
    fn earliest_by_date_then_document_then_offset() {
        let docs = vec![
            doc("b", "2017-05-01", "Lavrov", &[("libya", 1, 9)]),
            doc(
                "a",
                "2017-05-01",
                "Putin",
                &[("libya", 1, 20), ("libya", 1, 4)],
            ),
            doc("c", "2017-04-01", "", &[("libya", 0, 0)]),
            doc("d", "2017-06-01", "Lavrov", &[("blame", 1, 0)]),
        ];
        let themes = vec![
            "blame".to_string(),
            "libya".to_string(),
            "unused".to_string(),
        ];
        let rows = first_occurrences(&docs, &themes, None).unwrap();
        let s = |a: &str, b: &'static str, c: &str, d: &str| {
            (a.to_string(), b, c.to_string(), d.to_string())
        };
        assert_eq!(
            summary(&rows),
            [
                s("blame", "overall", "Lavrov", "d:0"),
                s("blame", "speaker", "Lavrov", "d:0"),
                s("blame", "turn_speaker", "Lavrov", "d:0"),
                s("libya", "overall", "Question", "c:0"),
                s("libya", "speaker", "Lavrov", "b:9"),
                s("libya", "speaker", "Putin", "a:4"),
                s("libya", "turn_speaker", "Question", "c:0"),
                s("libya", "turn_speaker", "Lavrov", "b:9"),
                s("libya", "turn_speaker", "Putin", "a:4"),
            ]
        );
        let only = first_occurrences(&docs, &themes, Some("blame")).unwrap();
        assert_eq!(only.len(), 3);
        let err = first_occurrences(&docs, &themes, Some("nope"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("nope") && err.contains("blame, libya"),
            "{err}"
        );
    }

    #[test]
    fn passages_cut_on_char_and_word_boundaries() {
        let text = "Один два три четыре пять шесть семь восемь";
        let start = text.find("четыре").unwrap();
        let end = start + "четыре".len();
        let passage = Passage::cut(text, start, end, 9).unwrap();
        assert_eq!(passage.matched, "четыре");
        assert_eq!(passage.left, "…два три ");
        assert_eq!(passage.right, " пять…");
        assert_eq!(passage.display(), "…два три [четыре] пять…");
        let whole = Passage::cut(text, start, end, 200).unwrap();
        assert_eq!(whole.left, "Один два три ");
        assert_eq!(whole.right, " пять шесть семь восемь");
        assert!(
            Passage::cut(text, 1, 3, 5).is_none(),
            "offset inside a character"
        );
        assert!(Passage::cut(text, 0, 999, 5).is_none());
    }

    #[test]
    fn frame_has_the_documented_columns() {
        let docs = vec![doc("a", "2017-05-01", "Putin", &[("libya", 1, 4)])];
        let rows = first_occurrences(&docs, &[], None).unwrap();
        let frame = first_frame(&rows).unwrap();
        let names: Vec<_> = frame
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(names, FIRST_COLUMNS);
        assert_eq!(frame.height(), 3);
    }
}
