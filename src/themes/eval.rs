//! Scoring themes against hand-labelled paragraphs (the gold format of
//! `../shared/gold/README.md`): precision, recall and F1 per theme at paragraph level,
//! and macro-F1 over the themes with enough gold positives.
//!
//! Contract: only labelled paragraphs are scored; a paragraph is predicted for a theme
//! when at least one match of the theme falls in it; a labelled paragraph whose document
//! is not in the index (or whose index is past the document's paragraphs) is reported as
//! missing and left out of the scores, so a stale index cannot look like bad patterns.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{DocThemeMatches, ThemeError, ThemeSet, count_index};
use crate::index::{DocFilter, IndexStore};
use crate::{Error, Result};

/// Themes with fewer gold positives than this are left out of macro-F1.
pub const MIN_SUPPORT: usize = 5;

/// One labelled paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GoldParagraph {
    /// Document id.
    pub doc_id: String,
    /// 0-based paragraph index (text split on `\n`).
    pub para: usize,
    /// Theme ids the paragraph carries (usually none).
    #[serde(default)]
    pub themes: Vec<String>,
    /// The paragraph text, when the file has it (for error listings).
    #[serde(default)]
    pub text: String,
}

/// Reads a gold file (JSON Lines).
pub fn read_gold(path: &Path) -> Result<Vec<GoldParagraph>, ThemeError> {
    let file = std::fs::File::open(path).map_err(|source| ThemeError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| ThemeError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let record = serde_json::from_str(&line).map_err(|e| ThemeError::Gold {
            path: path.to_path_buf(),
            line: i + 1,
            reason: e.to_string(),
        })?;
        out.push(record);
    }
    Ok(out)
}

/// The scores of one theme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeScore {
    /// Theme id.
    pub theme: String,
    /// Labelled paragraphs carrying the theme.
    pub gold: usize,
    /// Labelled paragraphs where the theme matched.
    pub predicted: usize,
    /// Both.
    pub tp: usize,
    /// tp / predicted (0 when nothing is predicted).
    pub precision: f64,
    /// tp / gold (0 when there is no gold positive).
    pub recall: f64,
    /// Harmonic mean of precision and recall (0 when both are 0).
    pub f1: f64,
    /// Whether the theme counts in macro-F1 (gold >= [`MIN_SUPPORT`]).
    pub in_macro: bool,
    /// Predicted but not labelled: (doc_id, para).
    #[serde(skip)]
    pub false_positives: Vec<(String, usize)>,
    /// Labelled but not predicted: (doc_id, para).
    #[serde(skip)]
    pub false_negatives: Vec<(String, usize)>,
}

/// The evaluation of a theme set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// Labelled paragraphs scored.
    pub paragraphs: usize,
    /// One entry per theme of the set, then gold-only themes, in that order.
    pub themes: Vec<ThemeScore>,
    /// Mean F1 over the themes with `in_macro` (`None` when there is none).
    pub macro_f1: Option<f64>,
    /// Labelled paragraphs not found in the index: (doc_id, para).
    pub missing: Vec<(String, usize)>,
}

/// Scores the matches in `docs` against `gold`.
pub fn evaluate(set: &ThemeSet, gold: &[GoldParagraph], docs: &[DocThemeMatches]) -> EvalReport {
    let paragraphs_of: HashMap<&str, u64> = docs
        .iter()
        .map(|d| (d.doc.id.as_str(), d.doc.n_paragraphs))
        .collect();
    let mut predicted: HashSet<(&str, usize, &str)> = HashSet::new();
    for doc in docs {
        for m in &doc.matches {
            predicted.insert((doc.doc.id.as_str(), m.para, m.theme.as_str()));
        }
    }
    let mut ids: Vec<String> = set.themes.iter().map(|t| t.id.clone()).collect();
    let gold_only: BTreeSet<&String> = gold
        .iter()
        .flat_map(|g| &g.themes)
        .filter(|t| !ids.contains(t))
        .collect();
    ids.extend(gold_only.into_iter().cloned());
    let mut missing = Vec::new();
    let scored: Vec<&GoldParagraph> = gold
        .iter()
        .filter(|g| {
            let found = paragraphs_of
                .get(g.doc_id.as_str())
                .is_some_and(|&n| (g.para as u64) < n);
            if !found {
                missing.push((g.doc_id.clone(), g.para));
            }
            found
        })
        .collect();
    let themes: Vec<ThemeScore> = ids
        .iter()
        .map(|theme| {
            let mut score = ThemeScore {
                theme: theme.clone(),
                gold: 0,
                predicted: 0,
                tp: 0,
                precision: 0.0,
                recall: 0.0,
                f1: 0.0,
                in_macro: false,
                false_positives: Vec::new(),
                false_negatives: Vec::new(),
            };
            for g in &scored {
                let is_gold = g.themes.contains(theme);
                let is_predicted = predicted.contains(&(g.doc_id.as_str(), g.para, theme.as_str()));
                score.gold += usize::from(is_gold);
                score.predicted += usize::from(is_predicted);
                score.tp += usize::from(is_gold && is_predicted);
                if is_predicted && !is_gold {
                    score.false_positives.push((g.doc_id.clone(), g.para));
                }
                if is_gold && !is_predicted {
                    score.false_negatives.push((g.doc_id.clone(), g.para));
                }
            }
            let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
            score.precision = ratio(score.tp, score.predicted);
            score.recall = ratio(score.tp, score.gold);
            let sum = score.precision + score.recall;
            score.f1 = if sum == 0.0 {
                0.0
            } else {
                2.0 * score.precision * score.recall / sum
            };
            score.in_macro = score.gold >= MIN_SUPPORT;
            score
        })
        .collect();
    let in_macro: Vec<f64> = themes.iter().filter(|t| t.in_macro).map(|t| t.f1).collect();
    EvalReport {
        paragraphs: scored.len(),
        macro_f1: (!in_macro.is_empty())
            .then(|| in_macro.iter().sum::<f64>() / in_macro.len() as f64),
        themes,
        missing,
    }
}

/// Counts `set` over `store` and scores it against `gold`.
pub fn eval_index(
    store: &IndexStore,
    set: &ThemeSet,
    gold: &[GoldParagraph],
) -> Result<EvalReport, Error> {
    let wanted: HashSet<&str> = gold.iter().map(|g| g.doc_id.as_str()).collect();
    let docs: Vec<DocThemeMatches> = count_index(store, set, &DocFilter::default())?
        .into_iter()
        .filter(|d| wanted.contains(d.doc.id.as_str()))
        .collect();
    Ok(evaluate(set, gold, &docs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Kind, Lang};
    use crate::themes::{DocSummary, ThemeMatch};
    use chrono::NaiveDate;

    fn set() -> ThemeSet {
        let text = "name = \"t\"\n[[theme]]\nid = \"a\"\n[theme.en]\npatterns = [\"x\"]\n[[theme]]\nid = \"b\"\n[theme.en]\npatterns = [\"y\"]\n";
        ThemeSet::from_toml(Path::new("t.toml"), text).unwrap()
    }

    fn doc(id: &str, paras: u64, matches: &[(&str, usize)]) -> DocThemeMatches {
        DocThemeMatches {
            doc: DocSummary {
                id: id.into(),
                date: NaiveDate::from_ymd_opt(2017, 1, 1).unwrap(),
                speaker: String::new(),
                source: String::new(),
                kind: Kind::News,
                lang: Lang::En,
                n_words: 0,
                n_paragraphs: paras,
                paragraphs: vec![],
            },
            matches: matches
                .iter()
                .map(|&(theme, para)| ThemeMatch {
                    theme: theme.into(),
                    para,
                    sentence: 0,
                    start: 0,
                    end: 1,
                    rule: "x".into(),
                })
                .collect(),
        }
    }

    fn gold(doc_id: &str, para: usize, themes: &[&str]) -> GoldParagraph {
        GoldParagraph {
            doc_id: doc_id.into(),
            para,
            themes: themes.iter().map(|t| t.to_string()).collect(),
            text: String::new(),
        }
    }

    #[test]
    fn scores_count_labelled_paragraphs_only() {
        let docs = [doc(
            "d1",
            10,
            &[("a", 0), ("a", 0), ("a", 1), ("a", 9), ("b", 2)],
        )];
        let mut labels = vec![
            gold("d1", 0, &["a"]),
            gold("d1", 1, &[]),
            gold("d1", 2, &["a", "c"]),
            gold("d1", 3, &["a"]),
            gold("d1", 4, &["a"]),
            gold("d1", 5, &["a"]),
            gold("d2", 0, &["a"]),
            gold("d1", 11, &[]),
        ];
        labels.push(gold("d1", 6, &[]));
        let report = evaluate(&set(), &labels, &docs);
        assert_eq!(report.paragraphs, 7);
        assert_eq!(report.missing, [("d2".into(), 0), ("d1".into(), 11)]);
        let a = &report.themes[0];
        assert_eq!((a.gold, a.predicted, a.tp), (5, 2, 1));
        assert_eq!(a.precision, 0.5);
        assert_eq!(a.recall, 0.2);
        assert!((a.f1 - 2.0 * 0.5 * 0.2 / 0.7).abs() < 1e-12);
        assert!(a.in_macro);
        assert_eq!(a.false_positives, [("d1".to_string(), 1)]);
        let b = &report.themes[1];
        assert_eq!((b.gold, b.predicted, b.tp, b.f1), (0, 1, 0, 0.0));
        assert_eq!(report.themes[2].theme, "c");
        assert_eq!(report.macro_f1, Some(a.f1));
    }
}
