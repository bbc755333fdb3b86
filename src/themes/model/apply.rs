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
//! (the analyzer's word runs, [`crate::text`]'s fast path), and their stems the matcher's
//! (the analyzer's Snowball stems): the matcher's one lookup per token, of what each written
//! form is, also gives its stem's number in the models' vocabulary
//! ([`crate::themes::tokens::DocTokens::numbers`], from [`CompiledModels::stems`]), so a
//! model meets the features it was trained on without reading a word again.
//!
//! Most paragraphs cannot reach a threshold, and they are told apart before their features
//! are collected ([`Reach`]): a first pass over the paragraph's stems adds up what its features
//! may weigh (each distinct stem's unigram, at the largest weight any model gives it,
//! negative ones included, and for each neighbouring pair that may be a positively weighted
//! bigram at least that bigram's weight); only a paragraph whose bound, with a margin for
//! rounding, reaches some model's threshold is featurised and scored, in the same order and
//! with the same arithmetic as every paragraph would be. The bound is never below the score
//! (see [`Reach`] for the argument), so skipping changes no result; a test compares the whole
//! path with a plain featurisation through the training's [`Featurizer`](super::Featurizer).

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::file::{ModelFile, Weights};
use super::fit::sigmoid;
use crate::document::Lang;
use crate::text::sentence_spans;
use crate::text::small_words::{SmallWords, pair_key, spread};
use crate::themes::file::CountMode;
use crate::themes::tokens::DocTokens;
use crate::themes::{ThemeMatch, ThemeSet};

/// The models of a theme set, compiled for counting (shareable between threads).
pub struct CompiledModels {
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
    /// Every bigram, as (key, feature number), in numbering order.
    bigrams: Vec<(u64, u32)>,
    n_features: usize,
    models: Vec<Applied>,
    /// What a paragraph's stems can add to a score at most.
    reach: Reach,
}

/// One theme's model in one language.
struct Applied {
    /// Theme id, shared by the model's matches.
    theme: Arc<str>,
    mode: CountMode,
    /// Weight by feature number (0 for features of the language's other models).
    weights: Vec<f64>,
    intercept: f64,
    threshold: f64,
}

/// An upper bound of every model's score of a paragraph, from its stems alone, and the
/// bound below which a paragraph is not scored.
///
/// With `q(f)` the largest weight any model gives feature `f` (negative when every model
/// weighs it down) and `p(f) = max(q(f), 0)`, a paragraph's bound is the sum of `q`,
/// rounded up to `f32`, over its distinct stems as unigrams and, over each neighbouring
/// pair of stems of which the first starts and the second ends a bigram with `p > 0`, the
/// value of the pair's slot in a small hashed table: the largest `p` of the positive
/// bigrams that hash to it, rounded up to `f32` (0 when none does), so at least the pair's
/// own `p` (a pair that repeats counts each time; a pair that is no feature adds its slot's
/// non-negative value). A paragraph's features are its distinct unigrams and bigrams, so
/// for each model `m` (intercept `b`) the exact score is `z = b + sum of w_m(f)`, whose
/// unigrams add at most their `q` and whose bigrams at most their `p`: `z <= b + bound`.
/// Counting a stem's unigram once, with its sign, is what makes the bound tight: a
/// paragraph about the harvest holds many words every model weighs down.
///
/// Rounding: the bound sums two stored values per token (added together, then to the total:
/// `n`, at most three roundings per token) whose magnitudes add up to at most `s = k a`
/// over `k` tokens (`a`: the largest stored unigram magnitude plus the largest slot), so
/// the exact sum is at most `bound + 2 n u s` (`u` = 2^-53, `n u` far below 1); the
/// score's sum of at most `F` weights (every feature of the language) is within
/// `2 (F + 1) u (|b| + W)` of exact, `W` the sum of the model's absolute weights. A model
/// with threshold `t` counts when `sigmoid(z) > t`; if `z <= logit(t) - DELTA` then the
/// exact sigmoid is below `t (1 - 0.99 DELTA (1 - t))`, which for `t <= 1 - 1e-5` is more
/// than a relative 1e-11 below `t`, far beyond the few ulps of error of
/// `1 / (1 + exp(-z))`. So a paragraph whose inflated bound stays below
/// `logit(t) - DELTA - b` minus both error terms (and the error of computing `logit(t)`)
/// scores at most `t` with every model, and is skipped. Thresholds outside
/// `[1e-300, 1 - 1e-5]` are never skipped.
#[derive(Default)]
struct Reach {
    /// Stem number -> what it adds as a unigram (`q`) and whether it starts or ends a positive
    /// bigram (entry 0, of tokens without a number, adds nothing and does neither).
    stems: Vec<StemReach>,
    /// Slot [`pair_slot`] -> the largest `p` of the positive bigrams in it, rounded up
    /// (small enough for the first-level cache: read for every token, without a branch).
    pairs: Box<[f32]>,
    /// A paragraph whose inflated bound is below this is not scored (-inf: every
    /// paragraph is).
    skip_below: f64,
    /// The most a token's two addends weigh together, in magnitude (for the rounding
    /// margin).
    per_token: f64,
}

/// One stem's part of [`Reach`].
#[derive(Debug, Clone, Copy, Default)]
struct StemReach {
    /// `q` of its unigram rounded up to `f32` (0 when it is no feature): eight bytes an
    /// entry keep the table of a model's few thousand stems closer to the first-level cache.
    unigram: f32,
    /// 1 when the stem starts a positive bigram, else 0.
    starts: u16,
    /// 1 when the stem ends a positive bigram, else 0.
    ends: u16,
}

/// Slots of [`Reach::pairs`], as bits of a slot number (32 KB).
const PAIR_BITS: u32 = 13;

/// The slot of the bigram (`first`, `second`) in [`Reach::pairs`].
#[inline(always)]
fn pair_slot(first: u32, second: u32) -> usize {
    spread(pair_key(first, second), PAIR_BITS)
}

/// `w` as an `f32` no smaller than it (`w` finite).
fn round_up(w: f64) -> f32 {
    let near = w as f32;
    if f64::from(near) < w {
        near.next_up()
    } else {
        near
    }
}

/// How far below the threshold's logit a bound must stay (see [`Reach`]).
const DELTA: f64 = 1e-6;

/// Per-thread working memory of the compiled models' scoring.
#[derive(Default)]
pub struct ModelScratch {
    /// Features of the paragraph: (feature, byte offset of its first token).
    found: Vec<(u32, usize)>,
    /// Number of the current paragraph (increasing across documents, modulo 255 with the
    /// marks cleared at each wrap; 0: none yet). A byte a mark keeps `seen` and `seen_stem`
    /// (read for every token) a quarter of their `u32` size, nearer the first-level cache.
    stamp: u8,
    /// Per feature, the stamp of the paragraph it was last seen in (deduplication).
    seen: Vec<u8>,
    /// Per stem number, the stamp of the paragraph it was last seen in.
    seen_stem: Vec<u8>,
    /// Paragraphs scored (those the bound did not skip).
    scored: usize,
}

impl CompiledModels {
    /// Compiles the models `set` counts with (its themes with `count` other than `rules`),
    /// from `model`, which evidence names `name`. `None` when no theme uses a model.
    pub fn new<W: Weights>(
        set: &ThemeSet,
        model: &ModelFile<W>,
        name: &str,
    ) -> Option<CompiledModels> {
        CompiledModels::for_langs(set, model, name, &[])
    }

    /// As [`CompiledModels::new`], for the languages of `selected` only (all when empty).
    pub fn for_langs<W: Weights>(
        set: &ThemeSet,
        model: &ModelFile<W>,
        name: &str,
        selected: &[Lang],
    ) -> Option<CompiledModels> {
        let mut langs: [Option<LangModels>; 2] = Default::default();
        for theme in &set.themes {
            for table in theme
                .langs
                .iter()
                .filter(|l| l.count.uses_model() && l.lang.selected_by(selected))
            {
                let Some(trained) = model.model(&theme.id, table.lang) else {
                    continue;
                };
                let slot = &mut langs[lang_slot(table.lang)];
                let lang = slot.get_or_insert_with(LangModels::default);
                let mut weights = vec![0.0; lang.n_features];
                for (feature, w) in trained.weights.pairs() {
                    let id = lang.feature(feature) as usize;
                    if id >= weights.len() {
                        weights.resize(id + 1, 0.0);
                    }
                    weights[id] = w;
                }
                lang.models.push(Applied {
                    theme: theme.id.as_str().into(),
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
            lang.reach = Reach::new(lang);
        }
        langs.iter().any(Option::is_some).then(|| CompiledModels {
            name: name.to_string(),
            langs,
        })
    }

    /// The models' stems of `lang` and their numbers (1-based), which
    /// [`DocTokens::numbers`] must give each token for [`CompiledModels::apply`]; `None`
    /// when no model reads `lang`.
    pub(crate) fn stems(&self, lang: Lang) -> Option<&FxHashMap<String, u32>> {
        self.langs[lang_slot(lang)].as_ref().map(|m| &m.stems)
    }

    /// Applies the count modes to `matches` (the rule matches of `text` read as `lang`,
    /// in text order, whose tokens are `doc`, numbered by [`CompiledModels::stems`]): drops the rule matches of `model` themes and
    /// adds the model matches; `theme_order` gives each theme's place for the order of
    /// matches.
    pub(crate) fn apply(
        &self,
        lang: Lang,
        text: &str,
        doc: &DocTokens,
        matches: &mut Vec<ThemeMatch>,
        theme_order: &[Arc<str>],
        scratch: &mut ModelScratch,
    ) {
        let Some(models) = &self.langs[lang_slot(lang)] else {
            return;
        };
        matches.retain(|m| {
            !models
                .models
                .iter()
                .any(|a| a.mode == CountMode::Model && *a.theme == *m.theme)
        });
        let mut added = false;
        self.score(lang, doc, scratch, |p, model, score, found| {
            let model = &models.models[model];
            if model.mode == CountMode::Either
                && matches
                    .iter()
                    .any(|m| m.para == p && m.theme == model.theme)
            {
                return;
            }
            let paragraph = &text[doc.paras[p].bytes.clone()];
            let (sentence, span) = best_sentence(paragraph, found, &model.weights);
            matches.push(ThemeMatch {
                theme: model.theme.clone(),
                para: p,
                sentence,
                start: span.start,
                end: span.end,
                rule: format!("model:{} p={score:.2}", self.name).into(),
            });
            added = true;
        });
        if added {
            let place = |theme: &str| theme_order.iter().position(|t| **t == *theme);
            matches.sort_by_cached_key(|m| (m.para, m.start, place(&m.theme)));
        }
    }

    /// Calls `hit(paragraph, model, score, features)` for every paragraph of `doc` (the
    /// tokens of a text read as `lang`, numbered by [`CompiledModels::stems`]) and model (its index in the language) whose score
    /// is above the model's threshold, in paragraph then model order; `features` are the
    /// paragraph's (feature, byte offset of its first token).
    fn score(
        &self,
        lang: Lang,
        doc: &DocTokens,
        scratch: &mut ModelScratch,
        mut hit: impl FnMut(usize, usize, f64, &[(u32, usize)]),
    ) {
        let Some(models) = &self.langs[lang_slot(lang)] else {
            return;
        };
        let ModelScratch {
            found,
            stamp,
            seen,
            seen_stem,
            scored,
        } = scratch;
        if seen.len() < models.n_features {
            seen.resize(models.n_features, 0);
        }
        if seen_stem.len() <= models.stems.len() {
            seen_stem.resize(models.stems.len() + 1, 0);
        }
        let reach = &models.reach;
        for (p, para) in doc.paras.iter().enumerate() {
            let toks = &doc.toks[para.toks.clone()];
            let stems = &doc.numbers[para.toks.clone()];
            // A new stamp per paragraph: the `seen` marks of earlier ones no longer count.
            *stamp = match stamp.checked_add(1) {
                Some(next) => next,
                None => {
                    seen.fill(0);
                    seen_stem.fill(0);
                    1
                }
            };
            let stamp = *stamp;
            // First pass: the bound of every score, without a branch (a repeated stem, and a
            // pair that cannot be a positive bigram, add +0.0, which leaves the sum as it is).
            // The tables as plain slices, so that the byte stores into the marks do not
            // make the compiler load the tables' addresses again for every token.
            let (stem_reach, pairs, marks) =
                (&reach.stems[..], &reach.pairs[..], &mut seen_stem[..]);
            let mut bound = 0.0;
            let mut previous = 0;
            let mut previous_starts = 0;
            for &stem in stems {
                let s = stem as usize;
                let entry = stem_reach[s];
                // 1 for a stem new to the paragraph, else 0, hidden from the optimiser:
                // knowing it is 0 or 1, it compiled the product (and a select, and a mask of
                // the bits) to a branch, mispredicted for about a third of the tokens.
                let fresh = std::hint::black_box(u8::from(marks[s] != stamp));
                marks[s] = stamp;
                let unigram = f64::from(entry.unigram) * f64::from(fresh);
                let may = previous_starts & entry.ends;
                // A pair that cannot be a positive bigram reads slot 0 (its value times 0):
                // the table is then read at random only for the pairs that can.
                let slot = pair_slot(previous, stem) & 0usize.wrapping_sub(usize::from(may));
                let paired = f64::from(pairs[slot]) * f64::from(may);
                bound += unigram + paired;
                previous = stem;
                previous_starts = entry.starts;
            }
            // At most three roundings per token (see `Reach`).
            let addends = 3.0 * toks.len() as f64 + 2.0;
            let spread = toks.len() as f64 * reach.per_token;
            if bound + 2.0 * addends * UNIT_ROUNDOFF * spread < reach.skip_below {
                continue;
            }
            // Second pass: the distinct features in order of first occurrence.
            *scored += 1;
            found.clear();
            let mut previous = 0;
            for (tok, &stem) in toks.iter().zip(stems.iter()) {
                let start = tok.start as usize;
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
                        && let Some(f) = models.bigram.get(pair_key(previous, stem))
                    {
                        note(f - 1);
                    }
                }
                previous = stem;
            }
            for (m, model) in models.models.iter().enumerate() {
                let z = model.intercept
                    + found
                        .iter()
                        .map(|&(f, _)| model.weights[f as usize])
                        .sum::<f64>();
                let score = sigmoid(z);
                if score > model.threshold {
                    hit(p, m, score, found);
                }
            }
        }
    }
}

/// Unit roundoff of `f64` (half the machine epsilon).
const UNIT_ROUNDOFF: f64 = f64::EPSILON / 2.0;

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
    /// The largest positive weight any model of the language gives feature `f` (0 when none
    /// does): what the feature can add to a score at most when it may be absent.
    fn reach_of(&self, f: usize) -> f64 {
        self.top_weight(f).max(0.0)
    }

    /// The largest weight any model of the language gives feature `f` (negative when every
    /// model weighs it down): what it adds to a score at most when it is present.
    fn top_weight(&self, f: usize) -> f64 {
        self.models
            .iter()
            .map(|m| m.weights[f])
            .reduce(f64::max)
            .unwrap_or(0.0)
    }

    fn stem(&mut self, stem: &str) -> u32 {
        let next = self.stems.len() as u32 + 1;
        *self.stems.entry(stem.to_string()).or_insert(next)
    }

    /// The feature number of a feature name, numbering it the first time.
    fn feature(&mut self, feature: &str) -> u32 {
        let next = self.n_features as u32;
        let id = match feature.split_once(' ') {
            Some((a, b)) => {
                let key = pair_key(self.stem(a), self.stem(b));
                match self.bigram.get(key) {
                    Some(f) => f - 1,
                    None => {
                        self.bigram.insert(key, next + 1);
                        self.bigrams.push((key, next));
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

impl Reach {
    /// The bounds of the models of `lang` (every model added, weights at full length).
    fn new(lang: &LangModels) -> Reach {
        let n_stems = lang.stems.len() + 1;
        let mut reach = Reach {
            stems: vec![StemReach::default(); n_stems],
            pairs: vec![0.0; 1 << PAIR_BITS].into_boxed_slice(),
            skip_below: f64::INFINITY,
            per_token: 0.0,
        };
        for (stem, &f) in lang.unigram.iter().enumerate() {
            if f != 0 {
                reach.stems[stem].unigram = round_up(lang.top_weight(f as usize - 1));
            }
        }
        for &(key, f) in &lang.bigrams {
            let w = lang.reach_of(f as usize);
            if w > 0.0 {
                let (first, second) = ((key >> 32) as u32, key as u32);
                reach.stems[first as usize].starts = 1;
                reach.stems[second as usize].ends = 1;
                let slot = &mut reach.pairs[pair_slot(first, second)];
                *slot = slot.max(round_up(w));
            }
        }
        let unigrams = reach.stems.iter().map(|e| e.unigram.abs());
        let slots = reach.pairs.iter().copied();
        reach.per_token =
            f64::from(unigrams.fold(0.0, f32::max)) + f64::from(slots.fold(0.0, f32::max));
        let u = UNIT_ROUNDOFF;
        let features = lang.n_features as f64;
        for model in &lang.models {
            let t = model.threshold;
            let below = if (1e-300..=1.0 - 1e-5).contains(&t) {
                let logit = (t / (1.0 - t)).ln();
                let absolute: f64 = model.weights.iter().map(|w| w.abs()).sum();
                // The errors of the logit and of the score's sum (see `Reach`).
                let logit_error = 8.0 * u * (logit.abs() + 1.0);
                let sum_error = 2.0 * (features + 1.0) * u * (model.intercept.abs() + absolute);
                logit - DELTA - logit_error - sum_error - model.intercept
            } else {
                f64::NEG_INFINITY
            };
            reach.skip_below = reach.skip_below.min(below);
        }
        reach
    }
}
#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::themes::model::{
        ANALYZER_VERSION, Featurizer, InnerF1, LangModel, MODEL_FORMAT, TrainSettings, themes_hash,
    };
    use crate::themes::{Matcher, Scratch};

    #[test]
    fn models_compiled_and_read_for_some_languages_are_only_theirs() {
        let set = crate::themes::builtin::builtin_theme_set().unwrap();
        let (_, file) = crate::themes::model::load_for(&set).unwrap().unwrap();
        let whole = CompiledModels::new(&set, &file, "m").unwrap();
        assert!(whole.stems(Lang::En).is_some());
        let english = CompiledModels::for_langs(&set, &file, "m", &[Lang::En]).unwrap();
        assert_eq!(english.stems(Lang::En), whole.stems(Lang::En));
        assert!(
            CompiledModels::for_langs(&set, &file, "m", &[Lang::Ru])
                .is_none_or(|m| m.stems(Lang::En).is_none())
        );
        let read = |langs: &[Lang]| {
            let taken = crate::themes::model::read_for(&set, langs, |_, model| {
                model
                    .models
                    .iter()
                    .map(|m| (m.theme.clone(), m.lang))
                    .collect::<Vec<_>>()
            });
            taken.unwrap().unwrap().0
        };
        let all = read(&[]);
        assert!(all.iter().any(|(_, lang)| *lang == Lang::En));
        for lang in Lang::ALL {
            let expected: Vec<_> = all.iter().filter(|(_, l)| l == lang).cloned().collect();
            assert_eq!(read(&[*lang]), expected, "{lang}");
        }
    }

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
            .map(|m| (&*m.theme, m.para, m.sentence, &*m.rule))
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

    /// A token layout without surface tests or stem ids, numbered for the models.
    struct Plain<'a>(&'a FxHashMap<String, u32>);

    impl crate::themes::tokens::SurfaceTests for Plain<'_> {
        fn token_tests(&self, _raw: &str, _folded: &str, _out: &mut Vec<u32>) -> bool {
            false
        }
        fn stem_id(&self, _stem: &str) -> u32 {
            0
        }
        fn starts_sequence(&self, _id: u32) -> bool {
            false
        }
        fn could_pass(&self, _lead: u32) -> bool {
            false
        }
        fn numbers_words(&self) -> bool {
            true
        }
        fn number(&self, stem: &str) -> u32 {
            self.0.get(stem).copied().unwrap_or(0)
        }
    }

    /// The default set's English us_blame model, compiled alone (as counting compiles it).
    static DEFAULT: std::sync::LazyLock<(LangModel, CompiledModels)> =
        std::sync::LazyLock::new(|| {
            let set = crate::themes::builtin::builtin_theme_set().unwrap();
            let (_, file) = crate::themes::model::load_for(&set).unwrap().unwrap();
            let trained = file.model("us_blame", Lang::En).unwrap().clone();
            let compiled = CompiledModels::new(&set, &file, "m").unwrap();
            (trained, compiled)
        });

    /// The hits of the compiled models in `text`: (paragraph, model, score).
    /// (`cache`: the thread's memory of written words.)
    fn fast_hits(
        text: &str,
        cache: &mut crate::themes::tokens::TokenCache,
        scratch: &mut ModelScratch,
    ) -> Vec<(usize, usize, f64)> {
        let mut doc = DocTokens::default();
        let stems = DEFAULT.1.stems(Lang::En).unwrap();
        doc.fill(text, Lang::En, cache, &Plain(stems));
        let mut hits = Vec::new();
        DEFAULT.1.score(Lang::En, &doc, scratch, |p, m, score, _| {
            hits.push((p, m, score))
        });
        hits
    }

    /// The straightforward path: every paragraph featurised by the training's analyzer,
    /// its distinct features in order of first occurrence (each token's stem, then the
    /// bigram it ends), the weights summed in that order.
    fn plain_hits(text: &str) -> Vec<(usize, usize, f64)> {
        let trained = &DEFAULT.0;
        let mut featurizer = Featurizer::default();
        let mut hits = Vec::new();
        for (p, paragraph) in text.split('\n').enumerate() {
            let stems: Vec<String> = featurizer
                .tokens(Lang::En, paragraph)
                .iter()
                .map(|t| t.stem.clone())
                .collect();
            let mut features: Vec<String> = Vec::new();
            for (i, stem) in stems.iter().enumerate() {
                let mut names = vec![stem.clone()];
                if i > 0 {
                    names.push(crate::themes::model::bigram(&stems[i - 1], stem));
                }
                for name in names {
                    if trained.weights.contains_key(&name) && !features.contains(&name) {
                        features.push(name);
                    }
                }
            }
            let z = trained.intercept + features.iter().map(|f| trained.weights[f]).sum::<f64>();
            let score = sigmoid(z);
            if score > trained.threshold_either {
                hits.push((p, 0, score));
            }
        }
        hits
    }

    /// Words and word pairs the default model weighs most either way, and common words.
    static VOCABULARY: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let mut weighted: Vec<(&String, f64)> =
            DEFAULT.0.weights.iter().map(|(f, &w)| (f, w)).collect();
        weighted.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(b.0)));
        let mut words: Vec<String> = weighted
            .iter()
            .take(150)
            .map(|(f, _)| f.to_string())
            .collect();
        for word in [
            "the",
            "United",
            "States",
            "US",
            "American",
            "partners",
            "Americans",
            "NATO",
            "withdrew",
            "treaty",
            "they",
            "said",
            "Russia",
            "Ukraine",
            "We",
            "it",
            "of",
            "and",
            "Sanctions",
            "TALKS",
            "dialogue",
            "2017",
            "Washington's",
            "naïve",
            "Ёлка",
        ] {
            words.push(word.to_string());
        }
        words
    });

    proptest::proptest! {
        /// Paragraphs whose bound is below the threshold are skipped, and the others are
        /// scored, exactly as featurising every paragraph with the analyzer scores them.
        #[test]
        fn the_fast_path_scores_like_the_straightforward_one(
            items in proptest::collection::vec(proptest::sample::select(VOCABULARY.clone()), 0..120),
            separators in proptest::collection::vec(
                proptest::sample::select(&[" ", " ", " ", ", ", ". ", "? ", "\n"][..]), 120),
        ) {
            let text: String = items
                .iter()
                .zip(&separators)
                .map(|(w, s)| format!("{w}{s}"))
                .collect();
            let expected = plain_hits(&text);
            let mut scratch = ModelScratch::default();
            let mut cache = crate::themes::tokens::TokenCache::default();
            proptest::prop_assert_eq!(&fast_hits(&text, &mut cache, &mut scratch), &expected, "{}", text);
            // Again with every word remembered.
            proptest::prop_assert_eq!(&fast_hits(&text, &mut cache, &mut scratch), &expected, "{}", text);
        }
    }

    /// The paragraph marks are a byte: past 255 paragraphs they wrap, and a stem or feature
    /// last seen exactly 255 paragraphs before must not count as seen again. The same
    /// sentence every 255 paragraphs (between them, paragraphs without a word), scored as the
    /// straightforward path scores it, twice with one scratch.
    #[test]
    fn paragraph_marks_wrap_without_stale_marks() {
        let blame = "Our American partners imposed sanctions and pressure; this is their policy, the US is to blame.";
        let text: Vec<&str> = (0..800)
            .map(|i| if i % 255 == 5 { blame } else { "" })
            .collect();
        let text = text.join("\n");
        let expected = plain_hits(&text);
        assert_eq!(
            expected.iter().map(|h| h.0).collect::<Vec<_>>(),
            [5, 260, 515, 770]
        );
        let mut scratch = ModelScratch::default();
        let mut cache = crate::themes::tokens::TokenCache::default();
        assert_eq!(fast_hits(&text, &mut cache, &mut scratch), expected);
        assert_eq!(fast_hits(&text, &mut cache, &mut scratch), expected);
    }

    /// Every positive bigram of the default model sets both of its stems' flags and its
    /// slot holds at least its `p`; slots without one hold 0, and most slots are empty.
    #[test]
    fn every_positive_bigram_is_bounded_by_its_slot() {
        let lang = DEFAULT.1.langs[0].as_ref().unwrap();
        let reach = &lang.reach;
        let p = |f: u32| lang.reach_of(f as usize);
        let mut used = vec![false; reach.pairs.len()];
        for &(key, f) in &lang.bigrams {
            let w = p(f);
            if w <= 0.0 {
                continue;
            }
            let (first, second) = ((key >> 32) as u32, key as u32);
            assert_eq!(reach.stems[first as usize].starts, 1);
            assert_eq!(reach.stems[second as usize].ends, 1);
            let slot = pair_slot(first, second);
            assert!(f64::from(reach.pairs[slot]) >= w, "{key}: {w}");
            used[slot] = true;
        }
        let filled = used.iter().filter(|&&u| u).count();
        assert!(filled > 100, "{filled}");
        for (slot, &u) in used.iter().enumerate() {
            assert_eq!(reach.pairs[slot] > 0.0, u, "slot {slot}");
        }
        assert!(filled < reach.pairs.len() / 5, "{filled}");
    }

    /// A paragraph whose strongest words would lift it over the threshold is held down by
    /// its other words: the bound counts each unigram with its sign, so the paragraph is not
    /// scored (a bound of the positive weights alone would score it).
    #[test]
    fn words_weighed_down_keep_a_paragraph_from_being_scored() {
        let lang = DEFAULT.1.langs[0].as_ref().unwrap();
        let reach = &lang.reach;
        let mut featurizer = Featurizer::default();
        // Unigram features that are their own stem, strongest first either way.
        let mut words: Vec<(&str, f64, StemReach)> = Vec::new();
        for (f, &w) in &DEFAULT.0.weights {
            let alone = featurizer.tokens(Lang::En, f);
            if !f.contains(' ') && alone.len() == 1 && alone[0].stem == *f {
                words.push((f.as_str(), w, reach.stems[lang.stems[f.as_str()] as usize]));
            }
        }
        words.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        let mut lifting: Vec<&str> = Vec::new();
        let mut up = 0.0;
        for &(word, w, _) in &words {
            if w > 0.0 && up <= reach.skip_below + 1.0 {
                lifting.push(word);
                up += w;
            }
        }
        // Down-weighted words that start and end no positive bigram, so that no neighbouring
        // pair adds to the bound.
        let mut holding: Vec<&str> = Vec::new();
        let mut down = 0.0;
        for &(word, w, stem) in &words {
            let loose = stem.starts == 0 && stem.ends == 0;
            if w < 0.0
                && loose
                && (up + down >= reach.skip_below - 1.0 || holding.len() < lifting.len())
            {
                holding.push(word);
                down += w;
            }
        }
        assert!(up > reach.skip_below, "{up} {}", reach.skip_below);
        assert!(up + down < reach.skip_below - 1.0, "{up} {down}");
        assert!(holding.len() >= lifting.len());
        // Each lifting word between two holding ones.
        let mut paragraph: Vec<&str> = Vec::new();
        for (i, word) in holding.iter().enumerate() {
            paragraph.push(word);
            if let Some(lift) = lifting.get(i) {
                paragraph.push(lift);
            }
        }
        let text = paragraph.join(" ");
        let mut cache = crate::themes::tokens::TokenCache::default();
        let mut scratch = ModelScratch::default();
        let hits = fast_hits(&text, &mut cache, &mut scratch);
        assert_eq!(hits, plain_hits(&text));
        assert!(hits.is_empty(), "{hits:?}");
        assert_eq!(scratch.scored, 0, "{text}");
    }

    #[test]
    fn rounding_up_to_f32_never_lowers_a_weight() {
        for w in [
            -1.458_071,
            -0.119_483_463_657_386_37,
            -1e-300,
            0.0,
            1e-300,
            0.1,
            0.119_483_463_657_386_37,
            1.458_071,
            3.0,
            1e30,
        ] {
            assert!(f64::from(round_up(w)) >= w, "{w}");
            assert!(f64::from(round_up(w)) <= w + w.abs() * 1e-6 + 1e-38, "{w}");
        }
    }

    /// The property above meets both outcomes: paragraphs over the threshold, and
    /// paragraphs the bound skips; the bound keeps far fewer than all.
    #[test]
    fn the_bound_skips_most_paragraphs_and_keeps_the_hits() {
        let strong: Vec<&str> = DEFAULT
            .0
            .weights
            .iter()
            .filter(|(f, w)| **w > 0.5 && !f.contains(' '))
            .map(|(f, _)| f.as_str())
            .collect();
        let text = format!(
            "{}\nThe weather in Sochi was fine, and the harvest was good.\n",
            strong.join(" ")
        );
        let mut cache = crate::themes::tokens::TokenCache::default();
        let hits = fast_hits(&text, &mut cache, &mut ModelScratch::default());
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits, plain_hits(&text));
        let reach = &DEFAULT.1.langs[0].as_ref().unwrap().reach;
        assert!(
            reach.skip_below > 7.0 && reach.skip_below < 9.0,
            "{}",
            reach.skip_below
        );
        // Of the three paragraphs (the last one empty), only the first is scored.
        let mut scratch = ModelScratch::default();
        fast_hits(&text, &mut cache, &mut scratch);
        assert_eq!(scratch.scored, 1);
    }
}
