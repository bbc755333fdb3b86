//! Cross-validation of a theme set with learned models: the models are trained inside
//! each fold, so every held-out document is scored by models that never saw it.
//!
//! Contract: the folds are [`crate::themes::document_folds`] of the labels (same seed,
//! same folds as a rules-only cross-validation); in each fold the models are trained on
//! the other folds' labels with the given settings (thresholds chosen by the inner
//! cross-validation of [`super::train`]), the held-out documents are counted with the
//! rules and those models under the theme file's `count` modes, and scored on the held-out
//! labels. A theme and language for which a fold has too few positives to train counts by
//! its rules in `either` mode and finds nothing in `model` mode, in that fold.

use std::collections::HashSet;

use super::CompiledModels;
use super::file::TrainSettings;
use super::train::train;
use crate::index::StoredDocument;
use crate::themes::count::turn_numbers;
use crate::themes::eval::cv_report;
use crate::themes::{
    CvReport, DocSummary, DocThemeMatches, FoldScore, GoldParagraph, Matcher, Scratch, ThemeError,
    ThemeSet, document_folds, evaluate, evaluate_by_file,
};

/// Counts every document of `docs` with `matcher` (their speaker turns as stored).
pub fn count_documents(matcher: &Matcher, docs: &[StoredDocument]) -> Vec<DocThemeMatches> {
    let mut scratch = Scratch::default();
    docs.iter()
        .map(|stored| {
            let turns = turn_numbers(&stored.structure.paragraphs);
            let matches =
                matcher.match_turns(stored.doc.lang, &stored.doc.text, &turns, &mut scratch);
            DocThemeMatches {
                doc: DocSummary::take(stored.clone()),
                matches,
            }
        })
        .collect()
}

/// K-fold cross-validation by document with the models trained in each fold (see the
/// module doc); `docs` are the labelled documents ([`super::gold_documents`]).
pub fn cross_validate_trained(
    set: &ThemeSet,
    gold: &[GoldParagraph],
    docs: &[StoredDocument],
    k: usize,
    seed: u64,
    settings: TrainSettings,
) -> Result<CvReport, ThemeError> {
    let assigned = document_folds(gold, k, seed)?;
    let mut folds = Vec::with_capacity(assigned.len());
    let mut all_counted = Vec::new();
    for (fold, doc_ids) in assigned.into_iter().enumerate() {
        let held: HashSet<&str> = doc_ids.iter().map(String::as_str).collect();
        let (test, training): (Vec<GoldParagraph>, Vec<GoldParagraph>) = gold
            .iter()
            .cloned()
            .partition(|g| held.contains(g.doc_id.as_str()));
        let model = train(set, &training, docs, Vec::new(), settings)?;
        let name = format!("fold-{fold}");
        let matcher =
            Matcher::rules_only(set)?.with_models(CompiledModels::new(set, &model, &name));
        let held_docs: Vec<StoredDocument> = docs
            .iter()
            .filter(|d| held.contains(d.doc.id.as_str()))
            .cloned()
            .collect();
        let counted = count_documents(&matcher, &held_docs);
        folds.push(FoldScore {
            fold,
            doc_ids,
            report: evaluate(set, &test, &counted),
        });
        all_counted.extend(counted);
    }
    let held_out = evaluate(set, gold, &all_counted);
    let by_file = evaluate_by_file(set, gold, &all_counted);
    Ok(cv_report(k, seed, folds, held_out, by_file))
}
