//! Scoring themes against hand-labelled paragraphs ([`super::gold`]): precision, recall
//! and F1 per theme at paragraph level, macro-F1 over the themes with enough gold
//! positives, 95% intervals from a bootstrap over documents, and K-fold cross-validation
//! with whole documents as folds.
//!
//! Contract: only labelled paragraphs are scored; a paragraph is predicted for a theme
//! when at least one match of the theme falls in it; a labelled paragraph whose document
//! is not in the index (or whose index is past the document's paragraphs) is reported as
//! missing with its `FILE:LINE` and left out of the scores, so a stale index cannot look
//! like bad patterns. Documents, not paragraphs, are the resampling unit: labelled
//! paragraphs of one transcript are not independent draws. Every random choice comes from
//! a fixed seed, so a report is reproducible.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use serde::Serialize;

use super::gold::GoldParagraph;
use super::{DocThemeMatches, ThemeError, ThemeSet, count_index};
use crate::index::{DocFilter, IndexStore, StoredDocument};
use crate::{Error, Result};

/// Themes with fewer gold positives than this are left out of macro-F1.
pub const MIN_SUPPORT: usize = 5;
/// Bootstrap draws behind each interval.
pub const BOOTSTRAP_DRAWS: usize = 1000;
/// Seed of the bootstrap and of the fold assignment.
pub const EVAL_SEED: u64 = 20_171_207;

/// A two-sided 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// 2.5th percentile.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
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
    /// 95% interval of the precision (bootstrap over documents; `None` without predictions).
    pub precision_ci: Option<Interval>,
    /// 95% interval of the recall (`None` without gold positives).
    pub recall_ci: Option<Interval>,
    /// 95% interval of F1 (`None` without predictions or gold positives).
    pub f1_ci: Option<Interval>,
    /// Predicted but not labelled: (doc_id, para).
    #[serde(skip)]
    pub false_positives: Vec<(String, usize)>,
    /// Labelled but not predicted: (doc_id, para).
    #[serde(skip)]
    pub false_negatives: Vec<(String, usize)>,
}

/// A labelled paragraph the index does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingParagraph {
    /// Document id.
    pub doc_id: String,
    /// Paragraph index.
    pub para: usize,
    /// `FILE:LINE` of the label.
    pub location: String,
}

/// Labelled paragraphs whose text, as the gold file gives it, is not the text the index
/// holds at that place (both trimmed): the document changed, or was split
/// (`ingest --split-inline-labels`), after it was labelled, so the label may belong to other
/// words. Labels without a text, and paragraphs the index lacks, are not checked here.
pub fn stale_labels(gold: &[GoldParagraph], docs: &[StoredDocument]) -> Vec<MissingParagraph> {
    let by_id: HashMap<&str, &StoredDocument> =
        docs.iter().map(|d| (d.doc.id.as_str(), d)).collect();
    let mut paragraphs: HashMap<&str, Vec<&str>> = HashMap::new();
    gold.iter()
        .filter(|g| !g.text.trim().is_empty())
        .filter(|g| {
            let Some(stored) = by_id.get(g.doc_id.as_str()) else {
                return false;
            };
            let paras = paragraphs
                .entry(stored.doc.id.as_str())
                .or_insert_with(|| stored.doc.paragraphs().collect());
            paras.get(g.para).is_some_and(|p| p.trim() != g.text.trim())
        })
        .map(|g| MissingParagraph {
            doc_id: g.doc_id.clone(),
            para: g.para,
            location: g.location(),
        })
        .collect()
}

/// The evaluation of a theme set against one set of labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// Labelled paragraphs scored.
    pub paragraphs: usize,
    /// Documents those paragraphs come from.
    pub documents: usize,
    /// One entry per theme of the set, then gold-only themes, in that order.
    pub themes: Vec<ThemeScore>,
    /// Mean F1 over the themes with `in_macro` (`None` when there is none).
    pub macro_f1: Option<f64>,
    /// 95% interval of macro-F1 (bootstrap over documents).
    pub macro_f1_ci: Option<Interval>,
    /// Labelled paragraphs not found in the index.
    pub missing: Vec<MissingParagraph>,
}

/// Paragraph counts of one theme in some documents.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Tally {
    gold: usize,
    predicted: usize,
    tp: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.tp += other.tp;
    }

    fn precision(self) -> Option<f64> {
        (self.predicted > 0).then(|| self.tp as f64 / self.predicted as f64)
    }

    fn recall(self) -> Option<f64> {
        (self.gold > 0).then(|| self.tp as f64 / self.gold as f64)
    }

    /// F1 as 2tp / (gold + predicted): 0 when nothing is labelled or predicted.
    fn f1(self) -> f64 {
        let denominator = self.gold + self.predicted;
        if denominator == 0 {
            0.0
        } else {
            2.0 * self.tp as f64 / denominator as f64
        }
    }
}

/// Scores the matches in `docs` against `gold`, with bootstrap intervals.
pub fn evaluate(set: &ThemeSet, gold: &[GoldParagraph], docs: &[DocThemeMatches]) -> EvalReport {
    let paragraphs_of: HashMap<&str, u64> = docs
        .iter()
        .map(|d| (d.doc.id.as_str(), d.doc.n_paragraphs))
        .collect();
    let mut predicted: HashSet<(&str, usize, &str)> = HashSet::new();
    for doc in docs {
        for m in &doc.matches {
            predicted.insert((doc.doc.id.as_str(), m.para, &*m.theme));
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
                missing.push(MissingParagraph {
                    doc_id: g.doc_id.clone(),
                    para: g.para,
                    location: g.location(),
                });
            }
            found
        })
        .collect();
    // Tallies per document (the resampling unit), in order of first appearance.
    let mut doc_index: HashMap<&str, usize> = HashMap::new();
    let mut per_doc: Vec<Vec<Tally>> = Vec::new();
    let mut themes: Vec<ThemeScore> = ids.iter().map(|id| empty_score(id)).collect();
    for g in &scored {
        let d = *doc_index.entry(g.doc_id.as_str()).or_insert_with(|| {
            per_doc.push(vec![Tally::default(); ids.len()]);
            per_doc.len() - 1
        });
        for (t, theme) in ids.iter().enumerate() {
            let is_gold = g.themes.contains(theme);
            let is_predicted = predicted.contains(&(g.doc_id.as_str(), g.para, theme.as_str()));
            let tally = &mut per_doc[d][t];
            tally.gold += usize::from(is_gold);
            tally.predicted += usize::from(is_predicted);
            tally.tp += usize::from(is_gold && is_predicted);
            if is_predicted && !is_gold {
                themes[t].false_positives.push((g.doc_id.clone(), g.para));
            }
            if is_gold && !is_predicted {
                themes[t].false_negatives.push((g.doc_id.clone(), g.para));
            }
        }
    }
    let mut total = vec![Tally::default(); ids.len()];
    for doc in &per_doc {
        for (sum, tally) in total.iter_mut().zip(doc) {
            sum.add(*tally);
        }
    }
    for (score, tally) in themes.iter_mut().zip(&total) {
        score.gold = tally.gold;
        score.predicted = tally.predicted;
        score.tp = tally.tp;
        score.precision = tally.precision().unwrap_or(0.0);
        score.recall = tally.recall().unwrap_or(0.0);
        score.f1 = tally.f1();
        score.in_macro = tally.gold >= MIN_SUPPORT;
    }
    let in_macro: Vec<bool> = themes.iter().map(|t| t.in_macro).collect();
    let intervals = bootstrap(&per_doc, &in_macro, BOOTSTRAP_DRAWS, EVAL_SEED);
    for (t, score) in themes.iter_mut().enumerate() {
        score.precision_ci = intervals.precision[t];
        score.recall_ci = intervals.recall[t];
        score.f1_ci = (score.predicted > 0 && score.gold > 0)
            .then_some(intervals.f1[t])
            .flatten();
    }
    EvalReport {
        paragraphs: scored.len(),
        documents: per_doc.len(),
        macro_f1: macro_f1(&total, &in_macro),
        macro_f1_ci: intervals.macro_f1,
        themes,
        missing,
    }
}

fn empty_score(theme: &str) -> ThemeScore {
    ThemeScore {
        theme: theme.to_string(),
        gold: 0,
        predicted: 0,
        tp: 0,
        precision: 0.0,
        recall: 0.0,
        f1: 0.0,
        in_macro: false,
        precision_ci: None,
        recall_ci: None,
        f1_ci: None,
        false_positives: Vec::new(),
        false_negatives: Vec::new(),
    }
}

fn macro_f1(total: &[Tally], in_macro: &[bool]) -> Option<f64> {
    let f1: Vec<f64> = total
        .iter()
        .zip(in_macro)
        .filter(|(_, keep)| **keep)
        .map(|(t, _)| t.f1())
        .collect();
    (!f1.is_empty()).then(|| f1.iter().sum::<f64>() / f1.len() as f64)
}

/// Percentile intervals per theme.
struct Intervals {
    precision: Vec<Option<Interval>>,
    recall: Vec<Option<Interval>>,
    f1: Vec<Option<Interval>>,
    macro_f1: Option<Interval>,
}

/// A uniform index below `n` (`n > 0`), by the multiply-shift reduction.
fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize
}

/// Resamples whole documents `draws` times and takes the 2.5th and 97.5th percentiles of
/// each score over the draws where it is defined (precision needs a prediction, recall a
/// gold positive, F1 either of them in the draw).
fn bootstrap(per_doc: &[Vec<Tally>], in_macro: &[bool], draws: usize, seed: u64) -> Intervals {
    let n_themes = in_macro.len();
    let mut precision = vec![Vec::new(); n_themes];
    let mut recall = vec![Vec::new(); n_themes];
    let mut f1 = vec![Vec::new(); n_themes];
    let mut macros = Vec::new();
    if !per_doc.is_empty() {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut total = vec![Tally::default(); n_themes];
        for _ in 0..draws {
            total.fill(Tally::default());
            for _ in 0..per_doc.len() {
                let doc = &per_doc[below(&mut rng, per_doc.len())];
                for (sum, tally) in total.iter_mut().zip(doc) {
                    sum.add(*tally);
                }
            }
            for (t, tally) in total.iter().enumerate() {
                precision[t].extend(tally.precision());
                recall[t].extend(tally.recall());
                if tally.gold + tally.predicted > 0 {
                    f1[t].push(tally.f1());
                }
            }
            macros.extend(macro_f1(&total, in_macro));
        }
    }
    Intervals {
        precision: precision.iter_mut().map(|v| percentiles(v)).collect(),
        recall: recall.iter_mut().map(|v| percentiles(v)).collect(),
        f1: f1.iter_mut().map(|v| percentiles(v)).collect(),
        macro_f1: percentiles(&mut macros),
    }
}

/// The 2.5th and 97.5th percentiles (nearest rank) of `values`.
fn percentiles(values: &mut [f64]) -> Option<Interval> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let at =
        |q: f64| values[((q * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1];
    Some(Interval {
        low: at(0.025),
        high: at(0.975),
    })
}

/// One held-out fold of a cross-validation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoldScore {
    /// 0-based fold number.
    pub fold: usize,
    /// Documents held out in this fold.
    pub doc_ids: Vec<String>,
    /// The scores on the held-out documents.
    pub report: EvalReport,
}

/// K-fold cross-validation with whole documents as folds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CvReport {
    /// Number of folds.
    pub k: usize,
    /// Seed of the fold assignment.
    pub seed: u64,
    /// Each fold's held-out scores.
    pub folds: Vec<FoldScore>,
    /// Mean of the folds' macro-F1 (folds without one left out).
    pub macro_f1_mean: Option<f64>,
    /// Sample standard deviation of the folds' macro-F1 (`None` with fewer than 2 folds).
    pub macro_f1_sd: Option<f64>,
    /// Every fold's held-out predictions scored together: per theme P, R, F1 with their
    /// bootstrap intervals, each document predicted by a fold that did not train on it
    /// (for rules alone, the same as the whole evaluation).
    pub held_out: EvalReport,
    /// With labels from several gold files, the same held-out predictions scored on each
    /// file's labels, in the order the files were given (empty with one file): a sample
    /// of whole documents and a sample chosen by trigger words measure different things.
    pub held_out_files: Vec<FileScore>,
}

/// An evaluation restricted to the labels of one gold file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileScore {
    /// The gold file.
    pub file: PathBuf,
    /// The scores on its labels.
    pub report: EvalReport,
}

/// [`evaluate`] on the labels of each gold file of `gold` (in first-seen order), or
/// nothing when all labels come from one file.
pub fn evaluate_by_file(
    set: &ThemeSet,
    gold: &[GoldParagraph],
    docs: &[DocThemeMatches],
) -> Vec<FileScore> {
    let mut files: Vec<&Arc<PathBuf>> = Vec::new();
    for label in gold {
        if !files.contains(&&label.file) {
            files.push(&label.file);
        }
    }
    if files.len() < 2 {
        return Vec::new();
    }
    files
        .into_iter()
        .map(|file| {
            let labels: Vec<GoldParagraph> =
                gold.iter().filter(|g| g.file == *file).cloned().collect();
            FileScore {
                file: file.as_ref().clone(),
                report: evaluate(set, &labels, docs),
            }
        })
        .collect()
}

/// Assigns the documents of `gold` to `k` folds: document ids sorted, shuffled with
/// `seed`, dealt round-robin. Errors when `k` is below 2 or above the number of documents.
pub fn document_folds(
    gold: &[GoldParagraph],
    k: usize,
    seed: u64,
) -> Result<Vec<Vec<String>>, ThemeError> {
    let mut ids: Vec<String> = gold
        .iter()
        .map(|g| g.doc_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if k < 2 || k > ids.len() {
        return Err(ThemeError::Eval {
            reason: format!(
                "cross-validation needs 2 <= K <= the number of labelled documents ({}), got K = {k}",
                ids.len()
            ),
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for i in (1..ids.len()).rev() {
        ids.swap(i, below(&mut rng, i + 1));
    }
    let mut folds = vec![Vec::new(); k];
    for (i, id) in ids.into_iter().enumerate() {
        folds[i % k].push(id);
    }
    for fold in &mut folds {
        fold.sort();
    }
    Ok(folds)
}

/// Scores each fold of [`document_folds`] on its held-out documents. The theme set is the
/// same in every fold (rules learn nothing from the labels), so the folds show how much
/// the scores vary from one set of documents to another. A set whose themes count by a
/// model is cross-validated by [`super::model::cross_validate_trained`] instead, which
/// trains the models inside each fold.
pub fn cross_validate(
    set: &ThemeSet,
    gold: &[GoldParagraph],
    docs: &[DocThemeMatches],
    k: usize,
    seed: u64,
) -> Result<CvReport, ThemeError> {
    let folds: Vec<FoldScore> = document_folds(gold, k, seed)?
        .into_iter()
        .enumerate()
        .map(|(fold, doc_ids)| {
            let held: HashSet<&str> = doc_ids.iter().map(String::as_str).collect();
            let labels: Vec<GoldParagraph> = gold
                .iter()
                .filter(|g| held.contains(g.doc_id.as_str()))
                .cloned()
                .collect();
            let report = evaluate(set, &labels, docs);
            FoldScore {
                fold,
                doc_ids,
                report,
            }
        })
        .collect();
    let held_out = evaluate(set, gold, docs);
    let by_file = evaluate_by_file(set, gold, docs);
    Ok(cv_report(k, seed, folds, held_out, by_file))
}

/// The report of held-out `folds`: their macro-F1 mean and standard deviation.
pub(crate) fn cv_report(
    k: usize,
    seed: u64,
    folds: Vec<FoldScore>,
    held_out: EvalReport,
    held_out_files: Vec<FileScore>,
) -> CvReport {
    let macros: Vec<f64> = folds.iter().filter_map(|f| f.report.macro_f1).collect();
    let n = macros.len() as f64;
    let mean = (!macros.is_empty()).then(|| macros.iter().sum::<f64>() / n);
    let sd = mean
        .filter(|_| macros.len() >= 2)
        .map(|m| (macros.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)).sqrt());
    CvReport {
        k,
        seed,
        folds,
        macro_f1_mean: mean,
        macro_f1_sd: sd,
        held_out,
        held_out_files,
    }
}

/// Keeps the first label of each (document, paragraph); returns how many repeats were
/// dropped (the same paragraph in two gold files would otherwise count twice when pooled).
pub fn dedup_gold(gold: &mut Vec<GoldParagraph>) -> usize {
    let before = gold.len();
    let mut seen = HashSet::new();
    gold.retain(|g| seen.insert((g.doc_id.clone(), g.para)));
    before - gold.len()
}

/// Counts `set` over the documents of `store` that `gold` labels.
pub fn count_gold_documents(
    store: &IndexStore,
    set: &ThemeSet,
    gold: &[GoldParagraph],
) -> Result<Vec<DocThemeMatches>, Error> {
    let wanted: HashSet<&str> = gold.iter().map(|g| g.doc_id.as_str()).collect();
    Ok(count_index(store, set, &DocFilter::default())?
        .into_iter()
        .filter(|d| wanted.contains(d.doc.id.as_str()))
        .collect())
}

/// Counts `set` over `store` and scores it against `gold`.
pub fn eval_index(
    store: &IndexStore,
    set: &ThemeSet,
    gold: &[GoldParagraph],
) -> Result<EvalReport, Error> {
    let docs = count_gold_documents(store, set, gold)?;
    Ok(evaluate(set, gold, &docs))
}

/// Why a labelled paragraph is listed in a misses file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissKind {
    /// Labelled with the theme, not predicted.
    FalseNegative,
    /// Predicted, not labelled.
    FalsePositive,
}

/// One false negative or false positive, with its text, for reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Miss {
    /// The theme.
    pub theme: String,
    /// What went wrong.
    pub kind: MissKind,
    /// Document id.
    pub doc_id: String,
    /// Paragraph index.
    pub para: usize,
    /// `FILE:LINE` of the label.
    pub location: String,
    /// The paragraph text as the gold file has it.
    pub text: String,
}

/// Every false negative and false positive of `report`, theme by theme, in label order.
pub fn misses(report: &EvalReport, gold: &[GoldParagraph]) -> Vec<Miss> {
    let by_key: HashMap<(&str, usize), &GoldParagraph> = gold
        .iter()
        .map(|g| ((g.doc_id.as_str(), g.para), g))
        .collect();
    let mut out = Vec::new();
    for score in &report.themes {
        for (kind, list) in [
            (MissKind::FalseNegative, &score.false_negatives),
            (MissKind::FalsePositive, &score.false_positives),
        ] {
            for (doc_id, para) in list {
                let label = by_key.get(&(doc_id.as_str(), *para));
                out.push(Miss {
                    theme: score.theme.clone(),
                    kind,
                    doc_id: doc_id.clone(),
                    para: *para,
                    location: label.map_or_else(String::new, |g| g.location()),
                    text: label.map_or_else(String::new, |g| g.text.clone()),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::themes::sample::fixtures::doc;

    fn set() -> ThemeSet {
        let text = "name = \"t\"\n[[theme]]\nid = \"a\"\n[theme.en]\npatterns = [\"x\"]\n[[theme]]\nid = \"b\"\n[theme.en]\npatterns = [\"y\"]\n";
        ThemeSet::from_toml(Path::new("t.toml"), text).unwrap()
    }

    fn gold(doc_id: &str, para: usize, themes: &[&str]) -> GoldParagraph {
        GoldParagraph {
            doc_id: doc_id.into(),
            para,
            themes: themes.iter().map(|t| t.to_string()).collect(),
            text: format!("text of {doc_id} {para}"),
            file: Default::default(),
            line: 0,
        }
    }

    #[test]
    fn labels_whose_text_is_not_the_indexed_paragraph_are_stale() {
        let stored = |id: &str, text: &str| StoredDocument {
            doc: crate::document::Document {
                id: id.into(),
                date: chrono::NaiveDate::from_ymd_opt(2017, 1, 1).unwrap(),
                title: String::new(),
                speaker: String::new(),
                source: String::new(),
                kind: crate::document::Kind::News,
                lang: crate::document::Lang::En,
                url: String::new(),
                text: text.into(),
                tags: vec![],
                location: None,
            },
            structure: Default::default(),
            content_hash: String::new(),
        };
        let docs = [
            stored("d1", "text of d1 0\n  text of d1 1 \nsomething else"),
            stored("d2", "text of d2 0"),
        ];
        let mut untexted = gold("d1", 1, &[]);
        untexted.text.clear();
        let labels = [
            gold("d1", 0, &[]),
            gold("d1", 1, &[]), // equal once trimmed
            gold("d1", 2, &[]), // another text at that place
            gold("d1", 9, &[]), // missing: not stale
            gold("d3", 0, &[]), // document missing: not stale
            untexted,
            gold("d2", 0, &[]),
        ];
        let stale: Vec<(String, usize)> = stale_labels(&labels, &docs)
            .into_iter()
            .map(|m| (m.doc_id, m.para))
            .collect();
        assert_eq!(stale, [("d1".to_string(), 2)]);
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
        assert_eq!(report.documents, 1);
        let missing: Vec<(&str, usize, &str)> = report
            .missing
            .iter()
            .map(|m| (m.doc_id.as_str(), m.para, m.location.as_str()))
            .collect();
        assert_eq!(missing, [("d2", 0, "d2 para 0"), ("d1", 11, "d1 para 11")]);
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
        // One document: every bootstrap draw is that document, so the interval is a point.
        let ci = a.f1_ci.unwrap();
        assert!((ci.low - a.f1).abs() < 1e-12 && (ci.high - a.f1).abs() < 1e-12);
        assert_eq!(b.recall_ci, None);
    }

    #[test]
    fn labels_of_several_files_are_also_scored_file_by_file() {
        let (docs, mut labels) = mixed();
        // The first eight documents' labels come from one file, the rest from another.
        let (first, second) = (
            Arc::new(PathBuf::from("one.jsonl")),
            Arc::new(PathBuf::from("two.jsonl")),
        );
        for label in &mut labels {
            let n: usize = label.doc_id[1..].parse().unwrap();
            label.file = if n < 8 { first.clone() } else { second.clone() };
        }
        let by_file = evaluate_by_file(&set(), &labels, &docs);
        let files: Vec<&Path> = by_file.iter().map(|f| f.file.as_path()).collect();
        assert_eq!(files, [Path::new("one.jsonl"), Path::new("two.jsonl")]);
        let a = |report: &EvalReport| {
            let t = &report.themes[0];
            (t.gold, t.predicted, t.tp, report.documents)
        };
        // `a` is found in d00-d09: all eight of the first file, two of the twelve others.
        assert_eq!(a(&by_file[0].report), (8, 8, 8, 8));
        assert_eq!(a(&by_file[1].report), (12, 2, 2, 12));
        assert_eq!(a(&evaluate(&set(), &labels, &docs)), (20, 10, 10, 20));
        // One file: the pooled report is the file's, so there is nothing to split.
        for label in &mut labels {
            label.file = first.clone();
        }
        assert!(evaluate_by_file(&set(), &labels, &docs).is_empty());
    }

    /// Twenty documents; theme `a` is found in the first ten and missed in the others.
    fn mixed() -> (Vec<DocThemeMatches>, Vec<GoldParagraph>) {
        let mut docs = Vec::new();
        let mut labels = Vec::new();
        for i in 0..20 {
            let id = format!("d{i:02}");
            let hits: &[(&str, usize)] = if i < 10 { &[("a", 0)] } else { &[] };
            docs.push(doc(&id, 2, hits));
            labels.push(gold(&id, 0, &["a"]));
            labels.push(gold(&id, 1, &[]));
        }
        (docs, labels)
    }

    #[test]
    fn intervals_come_from_resampled_documents_and_cover_the_estimate() {
        let (docs, labels) = mixed();
        let report = evaluate(&set(), &labels, &docs);
        let a = &report.themes[0];
        assert_eq!(a.recall, 0.5);
        let ci = a.recall_ci.unwrap();
        // Ten of twenty documents found: a binomial over documents, about 0.28..0.72.
        assert!(ci.low > 0.2 && ci.low < 0.4, "{ci:?}");
        assert!(ci.high > 0.6 && ci.high < 0.8, "{ci:?}");
        // Precision is 1 in every draw.
        assert_eq!(
            a.precision_ci,
            Some(Interval {
                low: 1.0,
                high: 1.0
            })
        );
        // Same seed, same report.
        assert_eq!(report, evaluate(&set(), &labels, &docs));
    }

    #[test]
    fn folds_hold_out_whole_documents_and_cover_each_once() {
        let (docs, labels) = mixed();
        let folds = document_folds(&labels, 4, EVAL_SEED).unwrap();
        let mut all: Vec<&String> = folds.iter().flatten().collect();
        assert!(folds.iter().all(|f| f.len() == 5));
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 20);
        assert_ne!(folds, document_folds(&labels, 4, EVAL_SEED + 1).unwrap());
        let cv = cross_validate(&set(), &labels, &docs, 4, EVAL_SEED).unwrap();
        let gold_total: usize = cv.folds.iter().map(|f| f.report.themes[0].gold).sum();
        let tp_total: usize = cv.folds.iter().map(|f| f.report.themes[0].tp).sum();
        assert_eq!((gold_total, tp_total), (20, 10));
        assert!(cv.macro_f1_sd.unwrap() >= 0.0);
        assert!(document_folds(&labels, 21, EVAL_SEED).is_err());
        assert!(document_folds(&labels, 1, EVAL_SEED).is_err());
    }

    #[test]
    fn misses_list_both_kinds_with_text() {
        let docs = [doc("d", 3, &[("a", 1)])];
        let labels = [gold("d", 0, &["a"]), gold("d", 1, &[]), gold("d", 2, &[])];
        let report = evaluate(&set(), &labels, &docs);
        let list = misses(&report, &labels);
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].kind, MissKind::FalseNegative);
        assert_eq!((list[0].para, list[0].text.as_str()), (0, "text of d 0"));
        assert_eq!(list[1].kind, MissKind::FalsePositive);
        assert_eq!(list[1].para, 1);
    }

    #[test]
    fn pooled_labels_drop_repeated_paragraphs() {
        let mut labels = vec![gold("d", 0, &["a"]), gold("d", 0, &[]), gold("d", 1, &[])];
        assert_eq!(dedup_gold(&mut labels), 1);
        assert_eq!(labels[0].themes, ["a"]);
    }
}
