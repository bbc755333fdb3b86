//! Training: one model per theme and language on the labelled paragraphs of the gold
//! files, with thresholds chosen on held-out documents.
//!
//! Contract: the paragraphs are read from the index (the text counting sees), each label
//! must find its paragraph there (else an error at its `FILE:LINE`); a theme gets a model
//! in a language when it has at least `min_positives` positives and one negative there.
//! Features are chosen from the training paragraphs alone (at least `min_df` of them have
//! it; the `max_features` most frequent, ties by name). The thresholds come from an inner
//! cross-validation over the training documents (each paragraph scored by a model that did
//! not see its document, [`super::best_threshold`]); the stored weights come from a fit on
//! all of them. Nothing depends on iteration order of hash maps or on threads, so the same
//! inputs give the same [`ModelFile`].

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use super::features::Featurizer;
use super::file::{GoldSource, InnerF1, LangModel, ModelFile, TrainSettings, round, themes_hash};
use super::fit::{Fitted, fit_logistic};
use super::threshold::{Scored, best_threshold};
use super::{ANALYZER_VERSION, MODEL_FORMAT};
use crate::document::Lang;
use crate::index::{DocFilter, IndexStore, StoredDocument};
use crate::themes::count::turn_numbers;
use crate::themes::{GoldParagraph, Matcher, Scratch, ThemeError, ThemeSet};
use crate::{Error, Result};

/// The stored documents that `gold` labels (in index order), with their speaker turns.
pub fn gold_documents(store: &IndexStore, gold: &[GoldParagraph]) -> Result<Vec<StoredDocument>> {
    let wanted: HashSet<&str> = gold.iter().map(|g| g.doc_id.as_str()).collect();
    let mut out = Vec::new();
    store.for_each_document(&DocFilter::default(), |doc| -> Result<(), Error> {
        if wanted.contains(doc.doc.id.as_str()) {
            out.push(doc);
        }
        Ok(())
    })?;
    Ok(out)
}

/// One labelled paragraph with what training needs of it.
struct Example {
    /// Rank of its document's id among the training documents' ids.
    doc: usize,
    lang: Lang,
    features: Vec<String>,
    /// Theme ids of its label.
    themes: Vec<String>,
    /// Theme ids the rules find in it.
    ruled: Vec<String>,
}

/// Trains a model file for `set` on `gold` (deduplicated labels) found in `docs`;
/// `sources` are the gold files (name, paragraphs) to record.
pub fn train(
    set: &ThemeSet,
    gold: &[GoldParagraph],
    docs: &[StoredDocument],
    sources: Vec<GoldSource>,
    settings: TrainSettings,
) -> Result<ModelFile, ThemeError> {
    let examples = examples(set, gold, docs)?;
    let mut models = Vec::new();
    for theme in &set.themes {
        for table in &theme.langs {
            let rows: Vec<&Example> = examples.iter().filter(|e| e.lang == table.lang).collect();
            if let Some(model) = train_one(&theme.id, table.lang, &rows, settings) {
                models.push(model);
            }
        }
    }
    Ok(ModelFile {
        format: MODEL_FORMAT,
        analyzer: ANALYZER_VERSION.to_string(),
        themes_file: set
            .path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        themes_hash: themes_hash(set),
        settings,
        gold: sources,
        models,
    })
}

/// The labelled paragraphs with their features and the rules' findings.
fn examples(
    set: &ThemeSet,
    gold: &[GoldParagraph],
    docs: &[StoredDocument],
) -> Result<Vec<Example>, ThemeError> {
    // Documents are numbered in id order, not in the order the index returns them (which
    // depends on how it was built: threads, segments, merges), so that folds, and with
    // them the thresholds, are the same for the same gold and texts.
    let mut ids: Vec<&str> = docs.iter().map(|d| d.doc.id.as_str()).collect();
    ids.sort_unstable();
    let rank: HashMap<&str, usize> = ids.iter().enumerate().map(|(r, id)| (*id, r)).collect();
    let by_id: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.doc.id.as_str(), i))
        .collect();
    let matcher = Matcher::rules_only(set)?;
    let mut scratch = Scratch::default();
    let mut ruled: HashMap<usize, HashSet<(usize, String)>> = HashMap::new();
    let mut featurizer = Featurizer::default();
    let mut paragraphs: HashMap<usize, Vec<&str>> = HashMap::new();
    let mut out = Vec::with_capacity(gold.len());
    for g in gold {
        let missing = || ThemeError::Gold {
            path: g.file.to_path_buf(),
            line: g.line,
            reason: format!(
                "{} para {} is not in the index (ingest its document)",
                g.doc_id, g.para
            ),
        };
        let &d = by_id.get(g.doc_id.as_str()).ok_or_else(missing)?;
        let stored = &docs[d];
        let text = *paragraphs
            .entry(d)
            .or_insert_with(|| stored.doc.paragraphs().collect())
            .get(g.para)
            .ok_or_else(missing)?;
        let found = ruled.entry(d).or_insert_with(|| {
            let turns = turn_numbers(&stored.structure.paragraphs);
            matcher
                .match_turns(stored.doc.lang, &stored.doc.text, &turns, &mut scratch)
                .into_iter()
                .map(|m| (m.para, m.theme.to_string()))
                .collect()
        });
        let mut ruled_here: Vec<String> = found
            .iter()
            .filter(|(p, _)| *p == g.para)
            .map(|(_, t)| t.clone())
            .collect();
        ruled_here.sort();
        out.push(Example {
            doc: rank[g.doc_id.as_str()],
            lang: stored.doc.lang,
            features: featurizer.features(stored.doc.lang, text),
            themes: g.themes.clone(),
            ruled: ruled_here,
        });
    }
    Ok(out)
}

/// Document folds of `rows`: distinct documents sorted, shuffled with `seed`, dealt
/// round-robin into `k` folds; the fold of each row.
fn inner_folds(rows: &[&Example], k: usize, seed: u64) -> Vec<usize> {
    let mut docs: Vec<usize> = rows
        .iter()
        .map(|e| e.doc)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for i in (1..docs.len()).rev() {
        let j = ((u128::from(rng.next_u64()) * (i as u128 + 1)) >> 64) as usize;
        docs.swap(i, j);
    }
    let fold_of: HashMap<usize, usize> =
        docs.iter().enumerate().map(|(i, &d)| (d, i % k)).collect();
    rows.iter().map(|e| fold_of[&e.doc]).collect()
}

/// The features of `rows` kept for a model: in at least `min_df` rows, the `max` most
/// frequent (ties by name), in name order.
fn vocabulary(rows: &[&Example], settings: TrainSettings) -> Vec<String> {
    let mut df: BTreeMap<&str, usize> = BTreeMap::new();
    for row in rows {
        for f in &row.features {
            *df.entry(f.as_str()).or_default() += 1;
        }
    }
    let mut kept: Vec<(&str, usize)> = df
        .into_iter()
        .filter(|&(_, n)| n >= settings.min_df)
        .collect();
    kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    kept.truncate(settings.max_features);
    let mut names: Vec<String> = kept.into_iter().map(|(f, _)| f.to_string()).collect();
    names.sort();
    names
}

/// A fit on `rows` with its vocabulary.
struct Trained {
    vocabulary: HashMap<String, u32>,
    names: Vec<String>,
    fitted: Fitted,
}

impl Trained {
    fn fit(rows: &[&Example], theme: &str, settings: TrainSettings) -> Trained {
        let names = vocabulary(rows, settings);
        let vocabulary: HashMap<String, u32> = names
            .iter()
            .enumerate()
            .map(|(i, f)| (f.clone(), i as u32))
            .collect();
        let ids: Vec<Vec<u32>> = rows.iter().map(|r| ids_of(&vocabulary, r)).collect();
        let labels: Vec<bool> = rows
            .iter()
            .map(|r| r.themes.iter().any(|t| t == theme))
            .collect();
        let fitted = fit_logistic(&ids, &labels, names.len(), settings.alpha);
        Trained {
            vocabulary,
            names,
            fitted,
        }
    }

    fn score(&self, row: &Example) -> f64 {
        self.fitted.score(&ids_of(&self.vocabulary, row))
    }
}

fn ids_of(vocabulary: &HashMap<String, u32>, row: &Example) -> Vec<u32> {
    row.features
        .iter()
        .filter_map(|f| vocabulary.get(f).copied())
        .collect()
}

/// The model of `theme` on `rows` (one language), or `None` with too few positives.
fn train_one(
    theme: &str,
    lang: Lang,
    rows: &[&Example],
    settings: TrainSettings,
) -> Option<LangModel> {
    let is_gold = |r: &Example| r.themes.iter().any(|t| t == theme);
    let positives = rows.iter().filter(|r| is_gold(r)).count();
    let negatives = rows.len() - positives;
    if positives < settings.min_positives.max(1) || negatives == 0 {
        return None;
    }
    let documents = rows.iter().map(|r| r.doc).collect::<BTreeSet<_>>().len();
    // Held-out scores: each document scored by a model fitted without it.
    let k = settings.inner_folds.clamp(2, documents.max(2));
    let folds = inner_folds(rows, k, settings.seed);
    let mut scores = vec![0.0; rows.len()];
    for fold in 0..k {
        let train: Vec<&Example> = rows
            .iter()
            .zip(&folds)
            .filter(|&(r, &f)| f != fold && !r.features.is_empty())
            .map(|(r, _)| *r)
            .collect();
        let held: Vec<usize> = (0..rows.len()).filter(|&i| folds[i] == fold).collect();
        if held.is_empty() {
            continue;
        }
        let has_both = train.iter().any(|r| is_gold(r)) && train.iter().any(|r| !is_gold(r));
        if !has_both {
            // Nothing to learn from: the held-out paragraphs score 0 (never counted).
            continue;
        }
        let trained = Trained::fit(&train, theme, settings);
        for i in held {
            scores[i] = trained.score(rows[i]);
        }
    }
    let scored = |with_rules: bool| -> Vec<Scored> {
        rows.iter()
            .zip(&scores)
            .map(|(r, &score)| Scored {
                score,
                gold: is_gold(r),
                already: with_rules && r.ruled.iter().any(|t| t == theme),
            })
            .collect()
    };
    let alone = best_threshold(&scored(false));
    let either = best_threshold(&scored(true));
    let rules_f1 = {
        let tp = rows
            .iter()
            .filter(|r| is_gold(r) && r.ruled.iter().any(|t| t == theme))
            .count();
        let predicted = rows
            .iter()
            .filter(|r| r.ruled.iter().any(|t| t == theme))
            .count();
        2.0 * tp as f64 / (positives + predicted) as f64
    };
    let all: Vec<&Example> = rows
        .iter()
        .filter(|r| !r.features.is_empty())
        .copied()
        .collect();
    let trained = Trained::fit(&all, theme, settings);
    let weights: BTreeMap<String, f64> = trained
        .names
        .iter()
        .zip(&trained.fitted.weights)
        .map(|(name, &w)| (name.clone(), round(w)))
        .filter(|&(_, w)| w != 0.0)
        .collect();
    Some(LangModel {
        theme: theme.to_string(),
        lang,
        intercept: round(trained.fitted.intercept),
        threshold: round(alone.threshold),
        threshold_either: round(either.threshold),
        positives,
        negatives,
        documents,
        inner_f1: InnerF1 {
            rules: round(rules_f1),
            model: round(alone.f1),
            either: round(either.f1),
        },
        weights,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(doc: usize, features: &[&str], gold: bool) -> Example {
        Example {
            doc,
            lang: Lang::En,
            features: features.iter().map(|f| f.to_string()).collect(),
            themes: if gold { vec!["t".into()] } else { Vec::new() },
            ruled: Vec::new(),
        }
    }

    #[test]
    fn the_vocabulary_keeps_frequent_features_by_name() {
        let rows = [
            example(0, &["a", "b", "c"], true),
            example(1, &["a", "b"], false),
            example(2, &["a", "d"], false),
        ];
        let refs: Vec<&Example> = rows.iter().collect();
        let settings = TrainSettings {
            min_df: 2,
            max_features: 10,
            ..TrainSettings::default()
        };
        assert_eq!(vocabulary(&refs, settings), ["a", "b"]);
        let one = TrainSettings {
            min_df: 1,
            max_features: 2,
            ..settings
        };
        // a (3), then b, c, d with 1-2: b (2) is more frequent.
        assert_eq!(vocabulary(&refs, one), ["a", "b"]);
    }

    #[test]
    fn a_model_needs_enough_positives_and_learns_the_marker() {
        let mut rows = Vec::new();
        for i in 0..40 {
            let gold = i % 4 == 0;
            let marker = if gold { "blame" } else { "trade" };
            rows.push(example(i / 4, &[marker, "the", "we"], gold));
        }
        let refs: Vec<&Example> = rows.iter().collect();
        let settings = TrainSettings::default();
        let model = train_one("t", Lang::En, &refs, settings).unwrap();
        assert_eq!(
            (model.positives, model.negatives, model.documents),
            (10, 30, 10)
        );
        assert!(model.weights["blame"] > 0.5, "{model:?}");
        assert!(model.weights["trade"] < 0.0, "{model:?}");
        assert_eq!(model.inner_f1.model, 1.0);
        assert!(model.threshold > 0.0 && model.threshold < 1.0);
        let few = TrainSettings {
            min_positives: 11,
            ..settings
        };
        assert!(train_one("t", Lang::En, &refs, few).is_none());
    }
}
