//! The model file: what `themes train` writes beside the theme file and counting reads.
//!
//! Contract: a [`ModelFile`] is JSON with sorted keys (weights in a `BTreeMap`, models in
//! theme-file order then language), numbers rounded to [`DIGITS`] decimals, so the same
//! training gives the same bytes. It names its format version, the featurisation
//! ([`super::ANALYZER_VERSION`]), the theme file it was trained for and a hash of that
//! file's theme ids and languages; [`ModelFile::check`] refuses a model that does not fit
//! the theme set, naming both files.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::ANALYZER_VERSION;
use crate::document::Lang;
use crate::themes::builtin::{BUILTIN_MODEL_FILE, BUILTIN_MODEL_JSON, BUILTIN_THEMES_PATH};
use crate::themes::{ThemeError, ThemeSet};

/// Version of the model file's layout.
pub const MODEL_FORMAT: u32 = 1;

/// Decimals kept of every weight, intercept and threshold.
pub const DIGITS: i32 = 6;

/// A trained model file. `W` is how its weight tables are held: an owned map
/// ([`WeightMap`], the default), or for counting, which reads each table once into its own
/// numbering, pairs borrowed from the file's text ([`WeightPairs`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "W: ReadWeights<'de>"))]
pub struct ModelFile<W = WeightMap> {
    /// Layout version ([`MODEL_FORMAT`]).
    pub format: u32,
    /// Featurisation version ([`ANALYZER_VERSION`]).
    pub analyzer: String,
    /// File name of the theme file it was trained for.
    pub themes_file: String,
    /// Hash of that theme file's theme ids and languages ([`themes_hash`]).
    pub themes_hash: String,
    /// How it was trained.
    pub settings: TrainSettings,
    /// The gold files it was trained on (file names) and their labelled paragraphs.
    pub gold: Vec<GoldSource>,
    /// One model per theme and language with enough labelled positives.
    pub models: Vec<LangModel<W>>,
}

/// Training settings (recorded so a model can be trained again the same way).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainSettings {
    /// L2 penalty of the logistic regression.
    pub alpha: f64,
    /// A feature is kept when at least this many training paragraphs have it.
    pub min_df: usize,
    /// At most this many features per model (the most frequent).
    pub max_features: usize,
    /// Fewer gold positives than this in a language: no model for the theme there.
    pub min_positives: usize,
    /// Document folds of the inner cross-validation that chooses thresholds.
    pub inner_folds: usize,
    /// Seed of the inner fold assignment.
    pub seed: u64,
}

impl Default for TrainSettings {
    fn default() -> TrainSettings {
        TrainSettings {
            alpha: 1.0,
            min_df: 2,
            max_features: 4000,
            min_positives: 5,
            inner_folds: 3,
            seed: crate::themes::EVAL_SEED,
        }
    }
}

/// A gold file a model was trained on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoldSource {
    /// Its file name.
    pub file: String,
    /// Labelled paragraphs taken from it.
    pub paragraphs: usize,
}

/// The model of one theme in one language (`W`: as in [`ModelFile`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "W: ReadWeights<'de>"))]
pub struct LangModel<W = WeightMap> {
    /// Theme id.
    pub theme: String,
    /// Language.
    pub lang: Lang,
    /// The intercept.
    pub intercept: f64,
    /// `count = "model"`: a paragraph counts when its score is above this.
    pub threshold: f64,
    /// `count = "either"`: a paragraph the rules miss counts when its score is above this.
    pub threshold_either: f64,
    /// Labelled paragraphs carrying the theme.
    pub positives: usize,
    /// Labelled paragraphs without it.
    pub negatives: usize,
    /// Documents they come from.
    pub documents: usize,
    /// F1 on the training labels, each document scored by a model that did not see it
    /// (inner cross-validation): rules, model, either.
    pub inner_f1: InnerF1,
    /// Weight of each feature (stem, or `stem stem` bigram).
    #[serde(deserialize_with = "ReadWeights::read")]
    pub weights: W,
}

/// A weight table as a map of owned feature names: what training writes and most readers
/// use.
pub type WeightMap = BTreeMap<String, f64>;

/// A weight table as (feature, weight) pairs borrowed from the model file's text (a name
/// with a JSON escape is owned), sorted by feature with a repeated feature's last value
/// kept: the pairs of the [`WeightMap`] read from the same text, in its order. Counting
/// reads the default model's 44,000 weights once into its own tables; owning every name
/// in a map only to drop it was most of reading the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightPairs<'a>(pub Vec<(Cow<'a, str>, f64)>);

/// How a weight table is listed.
pub trait Weights {
    /// Every (feature, weight), in feature order.
    fn pairs(&self) -> impl Iterator<Item = (&str, f64)>;
}

/// How a weight table is read from a model file.
pub trait ReadWeights<'de>: Sized {
    /// Reads a JSON object of feature weights. The file writes its keys sorted; keys out
    /// of order or repeated (a hand-edited file) read as any JSON object does: the last
    /// value of a key wins.
    fn read<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// The pairs of a JSON object of feature weights, in the file's order.
fn weight_pairs<'de, K, D>(deserializer: D) -> Result<Vec<(K, f64)>, D::Error>
where
    K: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    struct Pairs<K>(std::marker::PhantomData<K>);

    impl<'de, K: Deserialize<'de>> serde::de::Visitor<'de> for Pairs<K> {
        type Value = Vec<(K, f64)>;

        fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            formatter.write_str("a map of feature weights")
        }

        fn visit_map<A>(self, mut map: A) -> Result<Self::Value, A::Error>
        where
            A: serde::de::MapAccess<'de>,
        {
            let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
            while let Some(pair) = map.next_entry()? {
                pairs.push(pair);
            }
            Ok(pairs)
        }
    }

    deserializer.deserialize_map(Pairs(std::marker::PhantomData))
}

impl<'de> ReadWeights<'de> for WeightMap {
    fn read<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `BTreeMap::from_iter` sorts stably (a pass over sorted pairs), keeps the last
        // value of a repeated key, and builds the tree in bulk: a small part of inserting
        // tens of thousands of keys one by one.
        Ok(BTreeMap::from_iter(weight_pairs::<String, D>(
            deserializer,
        )?))
    }
}

impl Weights for WeightMap {
    fn pairs(&self) -> impl Iterator<Item = (&str, f64)> {
        self.iter().map(|(k, &w)| (k.as_str(), w))
    }
}

impl Weights for WeightPairs<'_> {
    fn pairs(&self) -> impl Iterator<Item = (&str, f64)> {
        self.0.iter().map(|(k, w)| (k.as_ref(), *w))
    }
}

impl<'de: 'a, 'a> ReadWeights<'de> for WeightPairs<'a> {
    fn read<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// A feature name, borrowed unless it holds an escape (serde's `Cow<str>` always
        /// owns).
        struct Name<'a>(Cow<'a, str>);

        impl<'de: 'a, 'a> Deserialize<'de> for Name<'a> {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Visit;
                impl<'de> serde::de::Visitor<'de> for Visit {
                    type Value = Cow<'de, str>;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                        Ok(Cow::Borrowed(v))
                    }
                    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                        Ok(Cow::Owned(v.to_owned()))
                    }
                    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                        Ok(Cow::Owned(v))
                    }
                }
                Ok(Name(d.deserialize_str(Visit)?))
            }
        }

        let mut pairs: Vec<(Cow<'a, str>, f64)> = weight_pairs::<Name<'a>, D>(deserializer)?
            .into_iter()
            .map(|(name, w)| (name.0, w))
            .collect();
        // As the map: sorted stably (one pass when already sorted), then of each run of a
        // repeated key its last value.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut kept: Vec<(Cow<'a, str>, f64)> = Vec::with_capacity(pairs.len());
        for pair in pairs {
            match kept.last_mut() {
                Some(last) if last.0 == pair.0 => *last = pair,
                _ => kept.push(pair),
            }
        }
        Ok(WeightPairs(kept))
    }
}

/// A weight table left as its JSON text, borrowed from the model file: checked as JSON
/// when the file is read, read into pairs ([`RawWeights::read`]) only for the models a
/// count uses.
#[derive(Debug, Clone, Copy)]
pub struct RawWeights<'a>(&'a serde_json::value::RawValue);

impl<'de: 'a, 'a> ReadWeights<'de> for RawWeights<'a> {
    fn read<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <&'a serde_json::value::RawValue>::deserialize(deserializer).map(RawWeights)
    }
}

impl<'a> RawWeights<'a> {
    /// The table's pairs, as [`WeightPairs`] reads them from the whole file, with the same
    /// error (`text` is the file the table was borrowed from, read from `path`: an error
    /// names its line and column in the file).
    pub fn read(&self, path: &Path, text: &str) -> Result<WeightPairs<'a>, ThemeError> {
        let raw: &'a str = self.0.get();
        let mut deserializer = serde_json::Deserializer::from_str(raw);
        <WeightPairs as ReadWeights>::read(&mut deserializer)
            .and_then(|pairs| deserializer.end().map(|()| pairs))
            .map_err(|e| ThemeError::ModelFile {
                path: path.to_path_buf(),
                reason: in_file(&e, text, raw),
            })
    }
}

/// The message of `e`, an error at a position of `part` (a slice of `text`), as the error
/// of reading the whole `text` reads: `line L: MESSAGE at line L column C`, the position
/// counted in `text`.
fn in_file(e: &serde_json::Error, text: &str, part: &str) -> String {
    let offset = (part.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    let before = text.get(..offset).unwrap_or_default();
    let full = e.to_string();
    let own = format!(" at line {} column {}", e.line(), e.column());
    let Some(message) = full.strip_suffix(&own) else {
        return format!("line {}: {full}", e.line());
    };
    let line = before.matches('\n').count() + e.line();
    let column = if e.line() == 1 {
        before.len() - before.rfind('\n').map_or(0, |at| at + 1) + e.column()
    } else {
        e.column()
    };
    format!("line {line}: {message} at line {line} column {column}")
}

/// Inner cross-validated F1 of the three ways of counting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InnerF1 {
    /// Rules alone.
    pub rules: f64,
    /// The model alone at `threshold`.
    pub model: f64,
    /// Either, at `threshold_either`.
    pub either: f64,
}

/// Rounds to [`DIGITS`] decimals (and `-0` to `0`).
pub fn round(x: f64) -> f64 {
    let scale = 10f64.powi(DIGITS);
    let r = (x * scale).round() / scale;
    if r == 0.0 { 0.0 } else { r }
}

/// The hash of a theme set's ids and languages, in file order: `id:lang` lines, BLAKE3.
pub fn themes_hash(set: &ThemeSet) -> String {
    set.signature_hash()
}

/// The default model file's name for a theme file: `NAME.model.json` beside `NAME.toml`.
pub fn default_model_name(themes: &Path) -> String {
    let stem = themes
        .file_stem()
        .map_or_else(|| "themes".into(), |s| s.to_string_lossy().into_owned());
    format!("{stem}.model.json")
}

impl ModelFile {
    /// The JSON text (pretty, sorted, newline-terminated).
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Parses a model file's text read from `path`.
    pub fn from_json(path: &Path, text: &str) -> Result<ModelFile, ThemeError> {
        parse(path, text)
    }

    /// Reads a model file.
    pub fn load(path: &Path) -> Result<ModelFile, ThemeError> {
        ModelFile::from_json(path, &read_text(path)?)
    }
}

/// Parses a model file's text read from `path`, its weights held as `W`.
fn parse<'de, W: ReadWeights<'de>>(
    path: &Path,
    text: &'de str,
) -> Result<ModelFile<W>, ThemeError> {
    serde_json::from_str(text).map_err(|e| ThemeError::ModelFile {
        path: path.to_path_buf(),
        reason: format!("line {}: {e}", e.line()),
    })
}

fn read_text(path: &Path) -> Result<String, ThemeError> {
    std::fs::read_to_string(path).map_err(|source| ThemeError::Io {
        path: path.to_path_buf(),
        source,
    })
}

impl<W> ModelFile<W> {
    /// The model of `theme` in `lang`, if trained.
    pub fn model(&self, theme: &str, lang: Lang) -> Option<&LangModel<W>> {
        self.models
            .iter()
            .find(|m| m.theme == theme && m.lang == lang)
    }

    /// Checks that this model (read from `path`) fits `set`: format and analyzer versions,
    /// the hash of theme ids and languages, and a model for every theme and language that
    /// counts by it. Errors name both files.
    pub fn check(&self, path: &Path, set: &ThemeSet) -> Result<(), ThemeError> {
        let mismatch = |reason: String| ThemeError::ModelMismatch {
            model: path.to_path_buf(),
            themes: set.path.clone(),
            reason,
        };
        if self.format != MODEL_FORMAT {
            return Err(mismatch(format!(
                "model format {} (this statemine reads format {MODEL_FORMAT}): train it again",
                self.format
            )));
        }
        if self.analyzer != ANALYZER_VERSION {
            return Err(mismatch(format!(
                "trained on features `{}`, this statemine makes `{ANALYZER_VERSION}`: train it again",
                self.analyzer
            )));
        }
        let hash = themes_hash(set);
        if self.themes_hash != hash {
            return Err(mismatch(format!(
                "trained for the theme ids and languages of `{}` (hash {}), which differ from this theme file's (hash {hash}): train it again",
                self.themes_file,
                short(&self.themes_hash)
            )));
        }
        for theme in &set.themes {
            for table in theme.langs.iter().filter(|l| l.count.uses_model()) {
                if self.model(&theme.id, table.lang).is_none() {
                    return Err(mismatch(format!(
                        "theme `{}` [{}] counts with count = \"{}\", but the model file has no model for it (too few labelled positives when it was trained?)",
                        theme.id,
                        table.lang,
                        table.count.as_str()
                    )));
                }
            }
        }
        Ok(())
    }

    /// The models `set` counts with in the languages of `langs` (all when empty; see
    /// [`read_for`]), their tables read by `read`, with the file's other fields.
    fn used_by<V>(
        self,
        set: &ThemeSet,
        langs: &[Lang],
        mut read: impl FnMut(&W) -> Result<V, ThemeError>,
    ) -> Result<ModelFile<V>, ThemeError> {
        let counts_with = |model: &LangModel<W>| {
            model.lang.selected_by(langs)
                && set.themes.iter().any(|theme| {
                    theme.id == model.theme
                        && theme
                            .langs
                            .iter()
                            .any(|table| table.lang == model.lang && table.count.uses_model())
                })
        };
        let mut models = Vec::new();
        for model in self.models.into_iter().filter(counts_with) {
            models.push(LangModel {
                weights: read(&model.weights)?,
                theme: model.theme,
                lang: model.lang,
                intercept: model.intercept,
                threshold: model.threshold,
                threshold_either: model.threshold_either,
                positives: model.positives,
                negatives: model.negatives,
                documents: model.documents,
                inner_f1: model.inner_f1,
            });
        }
        Ok(ModelFile {
            format: self.format,
            analyzer: self.analyzer,
            themes_file: self.themes_file,
            themes_hash: self.themes_hash,
            settings: self.settings,
            gold: self.gold,
            models,
        })
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// The model `set` names, read and checked, with the path it is known by: from disk,
/// resolved against the theme file's folder, or the compiled-in default model for the
/// compiled-in default set. `None` when the set names no model.
pub fn load_for(set: &ThemeSet) -> Result<Option<(PathBuf, ModelFile)>, ThemeError> {
    let Some((path, text)) = model_text(set)? else {
        return Ok(None);
    };
    let model: ModelFile = parse(&path, &text)?;
    model.check(&path, set)?;
    Ok(Some((path, model)))
}

/// A model file as counting read it: where it is and the BLAKE3 hash (hex) of the bytes
/// read, so that a manifest names the bytes the counts came from, even if the file is
/// replaced (say, by a `themes train` running meanwhile) before the manifest is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSource {
    /// The path the model is known by.
    pub path: PathBuf,
    /// BLAKE3 of its bytes, lowercase hex.
    pub hash: String,
}

/// As [`load_for`], handing the model with its weights borrowed from the file's text
/// ([`WeightPairs`]) to `take` and returning what it returns, with the file as read: what
/// counting needs, without the map of owned feature names. The model given to `take` holds
/// only the models `set` counts with in the languages of `langs` (all when empty; themes
/// and languages whose `count` is not `rules`): the weight tables of the others are checked
/// as JSON and skipped, not read into numbers (the default file has twenty tables and an
/// English count uses one), and the file is checked against the whole set all the same.
pub fn read_for<T>(
    set: &ThemeSet,
    langs: &[Lang],
    take: impl for<'a> FnOnce(&Path, &ModelFile<WeightPairs<'a>>) -> T,
) -> Result<Option<(T, ModelSource)>, ThemeError> {
    let Some((path, text)) = model_text(set)? else {
        return Ok(None);
    };
    let model: ModelFile<RawWeights> = parse(&path, &text)?;
    model.check(&path, set)?;
    let used = model.used_by(set, langs, |raw| raw.read(&path, &text))?;
    let taken = take(&path, &used);
    let hash = blake3::hash(text.as_bytes()).to_hex().to_string();
    Ok(Some((taken, ModelSource { path, hash })))
}

/// The path of the model `set` names and its text: from disk, resolved against the theme
/// file's folder, or the compiled-in default model for the compiled-in default set.
fn model_text(set: &ThemeSet) -> Result<Option<(PathBuf, Cow<'static, str>)>, ThemeError> {
    let Some(path) = set.model_path() else {
        return Ok(None);
    };
    let text = if set.path == Path::new(BUILTIN_THEMES_PATH)
        && set.model.as_deref() == Some(BUILTIN_MODEL_FILE)
    {
        Cow::Borrowed(BUILTIN_MODEL_JSON)
    } else {
        Cow::Owned(read_text(&path)?)
    };
    Ok(Some((path, text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Plain {
        weights: BTreeMap<String, f64>,
    }

    #[derive(Deserialize)]
    #[serde(bound(deserialize = "W: ReadWeights<'de>"))]
    struct Table<W> {
        #[serde(deserialize_with = "ReadWeights::read")]
        weights: W,
    }

    /// Every (feature, weight) of a table, in its order.
    fn listed(weights: &impl Weights) -> Vec<(String, f64)> {
        weights.pairs().map(|(k, w)| (k.to_string(), w)).collect()
    }

    /// The weight tables of `text` read as a map and as borrowed pairs: the same pairs in
    /// the same order as a plain JSON object read into a map, or the same error.
    fn reads_as_a_plain_object(text: &str) {
        let plain = serde_json::from_str::<Plain>(text).map(|p| listed(&p.weights));
        let map = serde_json::from_str::<Table<WeightMap>>(text).map(|t| listed(&t.weights));
        let pairs = serde_json::from_str::<Table<WeightPairs>>(text).map(|t| listed(&t.weights));
        match plain {
            Ok(plain) => {
                assert_eq!(map.unwrap(), plain, "{text}");
                assert_eq!(pairs.unwrap(), plain, "{text}");
            }
            Err(_) => {
                let (map, pairs) = (map.unwrap_err(), pairs.unwrap_err());
                assert_eq!(map.to_string(), pairs.to_string(), "{text}");
            }
        }
    }

    #[test]
    fn weight_tables_read_as_plain_json_objects_do() {
        for text in [
            r#"{"weights": {"a": 1.0, "b": 2.0, "b c": -0.5}}"#,
            r#"{"weights": {"b": 2.0, "a": 1.0, "b": 3.0}}"#,
            r#"{"weights": {"a": 1.0, "a": 4.0}}"#,
            r#"{"weights": {"\u0061": 1.0, "a": 4.0, "\u00e9t\u00e9": 2.5, "été": -1}}"#,
            r#"{"weights": {}}"#,
            r#"{"weights": [1.0]}"#,
            r#"{"weights": {"a": "x"}}"#,
            r#"{"weights": {"a": 1.0"#,
        ] {
            reads_as_a_plain_object(text);
        }
        assert!(serde_json::from_str::<Table<WeightPairs>>(r#"{"weights": [1.0]}"#).is_err());
        let builtin = ModelFile::from_json(Path::new("m.json"), BUILTIN_MODEL_JSON).unwrap();
        let borrowed: ModelFile<WeightPairs> =
            parse(Path::new("m.json"), BUILTIN_MODEL_JSON).unwrap();
        let value: serde_json::Value = serde_json::from_str(BUILTIN_MODEL_JSON).unwrap();
        assert_eq!(builtin.models.len(), borrowed.models.len());
        for ((model, lean), value) in builtin
            .models
            .iter()
            .zip(&borrowed.models)
            .zip(value["models"].as_array().unwrap())
        {
            let plain: Plain = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(model.weights, plain.weights, "{}", model.theme);
            assert_eq!(
                listed(&lean.weights),
                listed(&model.weights),
                "{}",
                model.theme
            );
            // Every other field as read into the owned form.
            let without = |m: &LangModel<WeightMap>| LangModel {
                weights: WeightMap::new(),
                theme: m.theme.clone(),
                ..*m
            };
            let lean_without = LangModel {
                weights: WeightMap::new(),
                theme: lean.theme.clone(),
                lang: lean.lang,
                intercept: lean.intercept,
                threshold: lean.threshold,
                threshold_either: lean.threshold_either,
                positives: lean.positives,
                negatives: lean.negatives,
                documents: lean.documents,
                inner_f1: lean.inner_f1,
            };
            assert_eq!(lean_without, without(model));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any object of weights, keys in any order, repeated or escaped, reads the same
        /// through either table.
        #[test]
        fn any_weight_object_reads_the_same_as_pairs_and_as_a_map(
            entries in proptest::collection::vec(
                ("[a-c é\\\"]{0,3}", -3.0f64..3.0, proptest::bool::ANY),
                0..12,
            ),
        ) {
            let body: Vec<String> = entries
                .iter()
                .map(|(key, w, escape)| {
                    let key = if *escape {
                        key.chars().map(|c| format!("\\u{:04x}", c as u32)).collect()
                    } else {
                        serde_json::to_string(key).unwrap().trim_matches('"').to_string()
                    };
                    format!("\"{key}\": {w}")
                })
                .collect();
            reads_as_a_plain_object(&format!("{{\"weights\": {{{}}}}}", body.join(", ")));
        }
    }

    const THEMES: &str = "name = \"t\"\nmodel = \"t.model.json\"\n[[theme]]\nid = \"a\"\ncount = \"either\"\n[theme.en]\npatterns = [\"x\"]\n[[theme]]\nid = \"b\"\n[theme.en]\npatterns = [\"y\"]\n[theme.ru]\npatterns = [\"у\"]\n";

    fn set(text: &str) -> ThemeSet {
        ThemeSet::from_toml(Path::new("dir/t.toml"), text).unwrap()
    }

    fn model_for(set: &ThemeSet) -> ModelFile {
        ModelFile {
            format: MODEL_FORMAT,
            analyzer: ANALYZER_VERSION.into(),
            themes_file: "t.toml".into(),
            themes_hash: themes_hash(set),
            settings: TrainSettings::default(),
            gold: Vec::new(),
            models: vec![LangModel {
                theme: "a".into(),
                lang: Lang::En,
                intercept: -1.0,
                threshold: 0.5,
                threshold_either: 0.6,
                positives: 5,
                negatives: 9,
                documents: 2,
                inner_f1: InnerF1 {
                    rules: 0.5,
                    model: 0.4,
                    either: 0.6,
                },
                weights: BTreeMap::from([("x".to_string(), 2.0)]),
            }],
        }
    }

    fn refusal(model: &ModelFile, set: &ThemeSet) -> String {
        let err = model
            .check(Path::new("dir/t.model.json"), set)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("dir/t.model.json does not fit the theme file dir/t.toml: "),
            "{err}"
        );
        err
    }

    #[test]
    fn a_model_that_does_not_fit_is_refused_naming_both_files() {
        let set = set(THEMES);
        let good = model_for(&set);
        good.check(Path::new("dir/t.model.json"), &set).unwrap();
        let old = ModelFile {
            format: MODEL_FORMAT + 1,
            ..good.clone()
        };
        assert!(refusal(&old, &set).contains("model format 2"));
        let other_features = ModelFile {
            analyzer: "words/0".into(),
            ..good.clone()
        };
        assert!(refusal(&other_features, &set).contains("features `words/0`"));
        // Another theme id, another language: another hash.
        for changed in [
            THEMES.replace("id = \"b\"", "id = \"c\""),
            THEMES.replace("[theme.ru]\npatterns = [\"у\"]\n", ""),
        ] {
            assert!(refusal(&good, &self::set(&changed)).contains("hash"));
        }
        // A theme counting by a model the file does not have.
        let missing = THEMES.replace("id = \"b\"\n", "id = \"b\"\ncount = \"model\"\n");
        assert!(refusal(&good, &self::set(&missing)).contains("theme `b` [en]"));
        // Narrowing the set (`--theme`) keeps the file's hash.
        let mut narrowed = set.clone();
        narrowed.retain(&["a".into()]).unwrap();
        good.check(Path::new("dir/t.model.json"), &narrowed)
            .unwrap();
    }

    #[test]
    fn the_json_is_sorted_rounded_and_read_back() {
        let set = set(THEMES);
        let mut model = model_for(&set);
        model.models[0]
            .weights
            .insert("a b".into(), round(0.123_456_789));
        let text = model.to_json();
        assert!(text.contains("\"a b\": 0.123457"), "{text}");
        assert!(text.find("\"a b\"").unwrap() < text.find("\"x\"").unwrap());
        assert_eq!(
            ModelFile::from_json(Path::new("m.json"), &text).unwrap(),
            model
        );
        let err = ModelFile::from_json(Path::new("m.json"), "{\"format\": 1}").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("m.json: not a model file: line 1"),
            "{err}"
        );
        assert_eq!(round(-0.000_000_1), 0.0);
        assert_eq!(
            default_model_name(Path::new("x/korea-2017.toml")),
            "korea-2017.model.json"
        );
    }

    /// A model as (theme, language, weights).
    type Listed = (String, Lang, Vec<(String, f64)>);

    /// The models `read_for` hands over.
    fn read_for_counting(set: &ThemeSet) -> Result<Vec<Listed>, ThemeError> {
        read_for(set, &[], |_, model| {
            model
                .models
                .iter()
                .map(|m| (m.theme.clone(), m.lang, listed(&m.weights)))
                .collect()
        })
        .map(|read| read.unwrap().0)
    }

    #[test]
    fn counting_reads_only_the_tables_it_counts_with_and_their_errors_as_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let set = ThemeSet::from_toml(&dir.path().join("t.toml"), THEMES).unwrap();
        let mut model = model_for(&set);
        model.models[0].weights.insert("x y".into(), -0.5);
        let mut unused = model.models[0].clone();
        unused.theme = "b".into();
        unused.weights = BTreeMap::from([("y".to_string(), 1.5)]);
        model.models.push(unused);
        let value = serde_json::to_value(&model).unwrap();
        let write = |value: &serde_json::Value, pretty: bool| {
            let text = if pretty {
                serde_json::to_string_pretty(value).unwrap()
            } else {
                serde_json::to_string(value).unwrap()
            };
            std::fs::write(dir.path().join("t.model.json"), text).unwrap();
        };
        let loaded = || load_for(&set).map(|read| read.unwrap().1);

        write(&value, true);
        let read = read_for_counting(&set).unwrap();
        let whole = loaded().unwrap();
        assert_eq!(
            read,
            vec![("a".to_string(), Lang::En, listed(&whole.models[0].weights))]
        );
        assert_eq!(read[0].2, vec![("x".into(), 2.0), ("x y".into(), -0.5)]);

        // A table of a model the count does not use is checked as JSON only.
        let mut bad_unused = value.clone();
        bad_unused["models"][1]["weights"]["y"] = "one".into();
        write(&bad_unused, true);
        assert_eq!(read_for_counting(&set).unwrap(), read);
        assert!(loaded().is_err());

        // A used table's error names the place in the file, as reading the whole file does,
        // with the file pretty-printed and on one line.
        let mut bad_used = value.clone();
        bad_used["models"][0]["weights"]["x y"] = "one".into();
        for pretty in [true, false] {
            write(&bad_used, pretty);
            let (counting, whole) = (read_for_counting(&set).unwrap_err(), loaded().unwrap_err());
            assert!(counting.to_string().contains("expected f64"), "{counting}");
            assert_eq!(counting.to_string(), whole.to_string());
        }
        // A JSON syntax error anywhere is an error of either reading, at the same place
        // (the wording may differ: skipping a table reads it as any JSON value).
        write(&value, true);
        let text = std::fs::read_to_string(dir.path().join("t.model.json")).unwrap();
        let broken = text.replacen("\"y\": 1.5", "\"y\": 1.5,", 1);
        assert_ne!(broken, text);
        std::fs::write(dir.path().join("t.model.json"), broken).unwrap();
        let (counting, whole) = (read_for_counting(&set).unwrap_err(), loaded().unwrap_err());
        let place = |e: ThemeError| e.to_string().rsplit_once(" at ").unwrap().1.to_string();
        assert_eq!(place(counting), place(whole));
    }
}
