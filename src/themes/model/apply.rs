//! Applying the models while counting: per paragraph, a sparse sum of weights and a
//! sigmoid, then the count mode of each theme decides what the paragraph's matches are.
//!
//! Contract, per theme and language, by its `count` mode:
//! - `rules`: the rule matches, untouched (the model is not consulted);
//! - `model`: the rule matches are dropped; a paragraph whose score is above `threshold`
//!   gets one match;
//! - `either`: the rule matches stay; a paragraph without one whose score is above
//!   `threshold_either` gets one match, so a paragraph both find counts once, by its rules.
//!
//! A model match spans the sentence that contributes most to the score (the sum of the
//! weights of the features first seen in it), and its `rule` names the model and the score:
//! `model:korea-2017.model.json p=0.83`. Featurisation is the training's
//! ([`super::Featurizer`]).

use rustc_hash::FxHashMap;

use super::features::Featurizer;
use super::file::ModelFile;
use super::fit::sigmoid;
use crate::document::Lang;
use crate::text::sentence_spans;
use crate::themes::file::CountMode;
use crate::themes::{ThemeMatch, ThemeSet};

/// The models of a theme set, compiled for counting (shareable between threads).
#[derive(Debug)]
pub struct CompiledModels {
    /// How evidence names the model (`model:NAME`).
    name: String,
    /// English, then Russian.
    langs: [Option<LangModels>; 2],
}

/// The models of one language over one shared feature numbering.
#[derive(Debug, Default)]
struct LangModels {
    /// Stem -> stem number (1-based) of every stem some feature uses.
    stems: FxHashMap<String, u32>,
    /// Stem number -> feature number + 1 of the stem as a unigram (0: not a feature).
    unigram: Vec<u32>,
    /// (stem number, stem number) -> feature number of the bigram.
    bigram: FxHashMap<(u32, u32), u32>,
    n_features: usize,
    models: Vec<Applied>,
}

/// One theme's model in one language.
#[derive(Debug)]
struct Applied {
    theme: String,
    mode: CountMode,
    /// Weight by feature number (0 for features of the language's other models).
    weights: Vec<f64>,
    intercept: f64,
    threshold: f64,
}

/// Per-thread working memory of [`CompiledModels::apply`].
#[derive(Default)]
pub struct ModelScratch {
    featurizer: Option<Featurizer>,
    /// Features of the paragraph: (feature, byte offset of its first token).
    found: Vec<(u32, usize)>,
    /// Per feature, the paragraph it was last seen in + 1 (deduplication).
    seen: Vec<u32>,
}

impl CompiledModels {
    /// Compiles the models `set` counts with (its themes with `count` other than `rules`),
    /// from `model`, which evidence names `name`. `None` when no theme uses a model.
    pub fn new(set: &ThemeSet, model: &ModelFile, name: &str) -> Option<CompiledModels> {
        let mut langs: [Option<LangModels>; 2] = Default::default();
        for theme in &set.themes {
            for table in theme.langs.iter().filter(|l| l.count.uses_model()) {
                let Some(trained) = model.model(&theme.id, table.lang) else {
                    continue;
                };
                let slot = &mut langs[lang_slot(table.lang)];
                let lang = slot.get_or_insert_with(LangModels::default);
                let mut weights = vec![0.0; lang.n_features];
                for (feature, &w) in &trained.weights {
                    let id = lang.feature(feature) as usize;
                    if id >= weights.len() {
                        weights.resize(id + 1, 0.0);
                    }
                    weights[id] = w;
                }
                lang.models.push(Applied {
                    theme: theme.id.clone(),
                    mode: table.count,
                    weights,
                    intercept: trained.intercept,
                    threshold: match table.count {
                        CountMode::Either => trained.threshold_either,
                        _ => trained.threshold,
                    },
                });
            }
        }
        for lang in langs.iter_mut().flatten() {
            for model in &mut lang.models {
                model.weights.resize(lang.n_features, 0.0);
            }
        }
        langs.iter().any(Option::is_some).then(|| CompiledModels {
            name: name.to_string(),
            langs,
        })
    }

    /// Applies the count modes to `matches` (the rule matches of `text` read as `lang`,
    /// in text order): drops the rule matches of `model` themes and adds the model
    /// matches; `theme_order` gives each theme's place for the order of matches.
    pub fn apply(
        &self,
        lang: Lang,
        text: &str,
        matches: &mut Vec<ThemeMatch>,
        theme_order: &[String],
        scratch: &mut ModelScratch,
    ) {
        let Some(models) = &self.langs[lang_slot(lang)] else {
            return;
        };
        matches.retain(|m| {
            !models
                .models
                .iter()
                .any(|a| a.mode == CountMode::Model && a.theme == m.theme)
        });
        let ModelScratch {
            featurizer,
            found,
            seen,
        } = scratch;
        let featurizer = featurizer.get_or_insert_with(Featurizer::default);
        seen.clear();
        seen.resize(models.n_features, 0);
        let mut added = false;
        for (p, paragraph) in text.split('\n').enumerate() {
            found.clear();
            let stamp = p as u32 + 1;
            let mut previous = 0;
            for token in featurizer.tokens(lang, paragraph) {
                let stem = models.stems.get(token.stem.as_str()).copied().unwrap_or(0);
                let mut note = |feature: u32| {
                    let slot = &mut seen[feature as usize];
                    if *slot != stamp {
                        *slot = stamp;
                        found.push((feature, token.start));
                    }
                };
                if stem != 0 {
                    if let Some(&f) = models.unigram.get(stem as usize).filter(|&&f| f != 0) {
                        note(f - 1);
                    }
                    if previous != 0
                        && let Some(&f) = models.bigram.get(&(previous, stem))
                    {
                        note(f);
                    }
                }
                previous = stem;
            }
            for model in &models.models {
                let z = model.intercept
                    + found
                        .iter()
                        .map(|&(f, _)| model.weights[f as usize])
                        .sum::<f64>();
                let score = sigmoid(z);
                if score <= model.threshold {
                    continue;
                }
                if model.mode == CountMode::Either
                    && matches
                        .iter()
                        .any(|m| m.para == p && m.theme == model.theme)
                {
                    continue;
                }
                let (sentence, span) = best_sentence(paragraph, found, &model.weights);
                matches.push(ThemeMatch {
                    theme: model.theme.clone(),
                    para: p,
                    sentence,
                    start: span.start,
                    end: span.end,
                    rule: format!("model:{} p={score:.2}", self.name),
                });
                added = true;
            }
        }
        if added {
            let place = |theme: &str| theme_order.iter().position(|t| t == theme);
            matches.sort_by_cached_key(|m| (m.para, m.start, place(&m.theme)));
        }
    }
}

/// The sentence of `paragraph` whose features weigh most (the first among equals), as
/// (index, byte span).
fn best_sentence(
    paragraph: &str,
    found: &[(u32, usize)],
    weights: &[f64],
) -> (usize, std::ops::Range<usize>) {
    let spans = sentence_spans(paragraph);
    if spans.is_empty() {
        return (0, 0..paragraph.len());
    }
    let mut sums = vec![0.0; spans.len()];
    for &(f, at) in found {
        let s = spans
            .partition_point(|span| span.end <= at)
            .min(spans.len() - 1);
        sums[s] += weights[f as usize];
    }
    let mut best = 0;
    for (s, &sum) in sums.iter().enumerate() {
        if sum > sums[best] {
            best = s;
        }
    }
    (best, spans[best].clone())
}

fn lang_slot(lang: Lang) -> usize {
    match lang {
        Lang::En => 0,
        Lang::Ru => 1,
    }
}

impl LangModels {
    fn stem(&mut self, stem: &str) -> u32 {
        let next = self.stems.len() as u32 + 1;
        *self.stems.entry(stem.to_string()).or_insert(next)
    }

    /// The feature number of a feature name, numbering it the first time.
    fn feature(&mut self, feature: &str) -> u32 {
        let next = self.n_features as u32;
        let id = match feature.split_once(' ') {
            Some((a, b)) => {
                let key = (self.stem(a), self.stem(b));
                *self.bigram.entry(key).or_insert(next)
            }
            None => {
                let stem = self.stem(feature) as usize;
                if self.unigram.len() <= stem {
                    self.unigram.resize(stem + 1, 0);
                }
                if self.unigram[stem] == 0 {
                    self.unigram[stem] = next + 1;
                }
                self.unigram[stem] - 1
            }
        };
        if id == next {
            self.n_features += 1;
        }
        id
    }
}
