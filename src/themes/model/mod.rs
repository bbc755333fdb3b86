//! Learned themes beside rules: per theme and language, an L2-regularised logistic
//! regression over the analyzer's stems and stem bigrams of a paragraph, trained on
//! hand-labelled paragraphs (`themes train`), stored as a versioned JSON file beside the
//! theme file and applied while counting.
//!
//! Contract: `features` (what a paragraph is to a model, through the index analyzer) ->
//! `fit` (one model, smartcore's L-BFGS) and `threshold` (where the score counts, chosen on
//! held-out documents) -> `train` (every theme and language of a set, deterministic) ->
//! `file` ([`ModelFile`]: versioned, checked against its theme file) -> `apply`
//! ([`CompiledModels`]: one pass over a document's paragraphs, the theme file's `count`
//! modes applied to the rule matches). Every model match is an ordinary [`super::ThemeMatch`]
//! with an evidence row.

mod apply;
mod cv;
mod features;
mod file;
mod fit;
mod threshold;
mod train;

pub use apply::{CompiledModels, ModelScratch};
pub use cv::{count_documents, cross_validate_trained};
pub use features::{ANALYZER_VERSION, Featurizer, bigram};
pub use file::{
    DIGITS, GoldSource, InnerF1, LangModel, MODEL_FORMAT, ModelFile, ModelSource, ReadWeights,
    TrainSettings, WeightMap, WeightPairs, Weights, default_model_name, load_for, read_for,
    themes_hash,
};
pub use fit::{Fitted, fit_logistic, sigmoid};
pub use threshold::{Cut, Scored, best_threshold};
pub use train::{gold_documents, train};
