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
//! `model:korea-2017.model.json p=0.83`. The words are the matcher's tokens of the document
//! (the analyzer's word runs, [`crate::text`]'s fast path), each written form stemmed once
//! per thread by the training's [`super::Featurizer`] and remembered, so a model meets the
//! features it was trained on at the cost of one hash lookup per word.

use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashMap;

use super::features::Featurizer;
use super::file::ModelFile;
use super::fit::sigmoid;
use crate::document::Lang;
use crate::text::sentence_spans;
use crate::themes::file::CountMode;
use crate::themes::small_words::{SmallWords, small_key};
use crate::themes::tokens::DocTokens;
use crate::themes::{ThemeMatch, ThemeSet};

/// The models of a theme set, compiled for counting (shareable between threads).
pub struct CompiledModels {
    /// Unique per compiled set: the word caches of [`ModelScratch`] are bound to it.
    identity: u64,
    /// How evidence names the model (`model:NAME`).
    name: String,
    /// English, then Russian.
    langs: [Option<LangModels>; 2],
}

/// The models of one language over one shared feature numbering.
#[derive(Default)]
struct LangModels {
    /// Stem -> stem number (1-based) of every stem some feature uses.
    stems: FxHashMap<String, u32>,
    /// Stem number -> feature number + 1 of the stem as a unigram (0: not a feature).
    unigram: Vec<u32>,
    /// Bigram key ([`pair`]) -> feature number + 1 of the bigram.
    bigram: SmallWords<u32>,
    n_features: usize,
    models: Vec<Applied>,
}

/// One theme's model in one language.
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
    /// The models the words are remembered for (0: none yet).
    owner: u64,
    /// Per language, written word -> stem number (0: no feature uses its stem).
    words: [Words; 2],
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
        static NEXT: AtomicU64 = AtomicU64::new(1);
        langs.iter().any(Option::is_some).then(|| CompiledModels {
            identity: NEXT.fetch_add(1, Ordering::Relaxed),
            name: name.to_string(),
            langs,
        })
    }

    /// Applies the count modes to `matches` (the rule matches of `text` read as `lang`,
    /// in text order, whose tokens are `doc`): drops the rule matches of `model` themes and
    /// adds the model matches; `theme_order` gives each theme's place for the order of
    /// matches.
    pub(crate) fn apply(
        &self,
        lang: Lang,
        text: &str,
        doc: &DocTokens,
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
            owner,
            words,
            found,
            seen,
        } = scratch;
        if *owner != self.identity {
            *owner = self.identity;
            words.iter_mut().for_each(Words::clear);
        }
        let words = &mut words[lang_slot(lang)];
        if words.len() > WORD_CACHE {
            words.clear();
        }
        let featurizer = featurizer.get_or_insert_with(Featurizer::default);
        seen.clear();
        seen.resize(models.n_features, 0);
        let mut added = false;
        for (p, para) in doc.paras.iter().enumerate() {
            let paragraph = &text[para.bytes.clone()];
            // From the paragraph to the end of the text (eight-byte keys read past a word).
            let from_here = &text.as_bytes()[para.bytes.start..];
            found.clear();
            let stamp = p as u32 + 1;
            let mut previous = 0;
            for tok in &doc.toks[para.toks.clone()] {
                let (start, end) = (tok.start as usize, tok.end as usize);
                let word = &paragraph[start..end];
                let small = (end - start <= 8).then(|| small_key(from_here, start..end));
                let known = match small {
                    Some(key) => words.small.get(key),
                    None => words.long.get(word).copied(),
                };
                let stem = match known {
                    Some(stem) => stem,
                    None => {
                        let stem = match featurizer.tokens(lang, word) {
                            [token] => models.stems.get(token.stem.as_str()).copied(),
                            _ => None,
                        }
                        .unwrap_or(0);
                        match small {
                            Some(key) => words.small.insert(key, stem),
                            None => {
                                words.long.insert(word.into(), stem);
                            }
                        }
                        stem
                    }
                };
                let mut note = |feature: u32| {
                    let slot = &mut seen[feature as usize];
                    if *slot != stamp {
                        *slot = stamp;
                        found.push((feature, start));
                    }
                };
                if stem != 0 {
                    if let Some(&f) = models.unigram.get(stem as usize).filter(|&&f| f != 0) {
                        note(f - 1);
                    }
                    if previous != 0
                        && let Some(f) = models.bigram.get(pair(previous, stem))
                    {
                        note(f - 1);
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

/// Written words remembered per language and thread before the cache is emptied (bounds
/// memory).
const WORD_CACHE: usize = 200_000;

/// What each written word is to the models: its stem number (0: none).
#[derive(Default)]
struct Words {
    /// Words of up to eight bytes, by their bytes as one `u64` (most words).
    small: SmallWords<u32>,
    /// Longer words.
    long: FxHashMap<Box<str>, u32>,
}

impl Words {
    fn len(&self) -> usize {
        self.small.len() + self.long.len()
    }

    fn clear(&mut self) {
        self.small.clear();
        self.long.clear();
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

/// The key of a bigram of two stem numbers (both nonzero, so the key is).
fn pair(first: u32, second: u32) -> u64 {
    (u64::from(first) << 32) | u64::from(second)
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
                let key = pair(self.stem(a), self.stem(b));
                match self.bigram.get(key) {
                    Some(f) => f - 1,
                    None => {
                        self.bigram.insert(key, next + 1);
                        next
                    }
                }
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::themes::model::{
        ANALYZER_VERSION, InnerF1, LangModel, MODEL_FORMAT, TrainSettings, themes_hash,
    };
    use crate::themes::{Matcher, Scratch};

    const THEMES: &str = "name = \"t\"\nmodel = \"t.model.json\"\n[[theme]]\nid = \"a\"\ncount = \"either\"\n[theme.en]\npatterns = [\"violated\"]\n[[theme]]\nid = \"b\"\ncount = \"model\"\n[theme.en]\npatterns = [\"zzz\"]\n[[theme]]\nid = \"c\"\n[theme.en]\npatterns = [\"weather\"]\n";

    fn lang_model(theme: &str, weights: &[(&str, f64)], intercept: f64) -> LangModel {
        LangModel {
            theme: theme.into(),
            lang: Lang::En,
            intercept,
            threshold: 0.5,
            threshold_either: 0.5,
            positives: 5,
            negatives: 5,
            documents: 2,
            inner_f1: InnerF1 {
                rules: 0.0,
                model: 0.0,
                either: 0.0,
            },
            weights: weights
                .iter()
                .map(|&(f, w)| (f.to_string(), w))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn modes_decide_what_counts_and_model_hits_name_their_sentence() {
        let set = ThemeSet::from_toml(Path::new("t.toml"), THEMES).unwrap();
        let model = ModelFile {
            format: MODEL_FORMAT,
            analyzer: ANALYZER_VERSION.into(),
            themes_file: "t.toml".into(),
            themes_hash: themes_hash(&set),
            settings: TrainSettings::default(),
            gold: Vec::new(),
            models: vec![
                lang_model(
                    "a",
                    &[
                        ("partner", 3.0),
                        ("american partner", 2.0),
                        ("weather", -1.0),
                    ],
                    -3.0,
                ),
                lang_model("b", &[("harvest", 4.0)], -2.0),
                lang_model("c", &[("weather", 9.0)], 0.0),
            ],
        };
        let matcher = Matcher::with_model(&set, &model, "t.model.json").unwrap();
        let text = "Fine weather today. Our American Partners broke their word.\nWashington violated the deal with partners.\nThe harvest was good, zzz.";
        let found = matcher.match_text(Lang::En, text, &mut Scratch::default());
        let seen: Vec<(&str, usize, usize, &str)> = found
            .iter()
            .map(|m| (m.theme.as_str(), m.para, m.sentence, m.rule.as_str()))
            .collect();
        // `c` counts by rules (its model is not consulted); `a` gets a model match where the
        // rules found nothing, pointing at the sentence holding its features; in paragraph
        // 1 the rule match stands alone; `b`'s rule match is dropped for its model's.
        assert_eq!(
            seen,
            [
                ("c", 0, 0, "weather"),
                ("a", 0, 1, "model:t.model.json p=0.73"),
                ("a", 1, 0, "violated"),
                ("b", 2, 0, "model:t.model.json p=0.88"),
            ]
        );
        let hit = &found[1];
        assert_eq!(
            &text[hit.start..hit.end],
            "Our American Partners broke their word."
        );
        // The score is the one the training features give.
        let mut featurizer = Featurizer::default();
        let features = featurizer.features(Lang::En, text.split('\n').next().unwrap());
        let z: f64 = -3.0
            + model.models[0]
                .weights
                .iter()
                .filter(|(f, _)| features.contains(f))
                .map(|(_, w)| w)
                .sum::<f64>();
        assert_eq!(format!("p={:.2}", sigmoid(z)), "p=0.73");
        // (`weather` -1 counts in the paragraph, not in the best sentence's share.)
        assert!((z - 1.0).abs() < 1e-12);
        let rules = Matcher::rules_only(&set).unwrap();
        let plain = rules.match_text(Lang::En, text, &mut Scratch::default());
        assert!(plain.iter().all(|m| !m.rule.starts_with("model:")));
        assert_eq!(plain.len(), 3);
    }
}
