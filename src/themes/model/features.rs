//! What a model sees of a paragraph: the stems the index analyzer gives its words, and the
//! pairs of neighbouring stems, each present or not.
//!
//! Contract: training and counting both featurise through [`Featurizer`], which runs the
//! shared analyzer of [`crate::text`], so a model is applied to exactly the tokens it was
//! trained on. A bigram is written `stem1 stem2` (stems never hold a space). Features are
//! binary: a paragraph has a feature or not, however often it repeats.

use crate::document::Lang;
use crate::text::{AnalyzedToken, Analyzer};

/// Names the featurisation (analyzer pipeline and feature kinds) a model was trained with;
/// a model file of another version is refused, since its weights would meet other tokens.
pub const ANALYZER_VERSION: &str = "snowball-stems+bigrams/1";

/// Turns paragraphs into features (reusable buffers; one per thread).
#[derive(Default)]
pub struct Featurizer {
    analyzer: Analyzer,
    tokens: Vec<AnalyzedToken>,
}

impl Featurizer {
    /// The tokens of `paragraph` read as `lang` (valid until the next call).
    pub fn tokens(&mut self, lang: Lang, paragraph: &str) -> &[AnalyzedToken] {
        self.tokens.clear();
        self.analyzer.tokens_into(lang, paragraph, &mut self.tokens);
        &self.tokens
    }

    /// The distinct features of `paragraph`, sorted: every stem and every `stem stem`
    /// bigram of neighbouring words.
    pub fn features(&mut self, lang: Lang, paragraph: &str) -> Vec<String> {
        let tokens = self.tokens(lang, paragraph);
        let mut out: Vec<String> = Vec::with_capacity(tokens.len() * 2);
        for (i, token) in tokens.iter().enumerate() {
            out.push(token.stem.clone());
            if let Some(next) = tokens.get(i + 1) {
                out.push(bigram(&token.stem, &next.stem));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The feature name of two neighbouring stems.
pub fn bigram(first: &str, second: &str) -> String {
    let mut out = String::with_capacity(first.len() + second.len() + 1);
    out.push_str(first);
    out.push(' ');
    out.push_str(second);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_bigrams_of_the_shared_analyzer() {
        let mut f = Featurizer::default();
        let features = f.features(Lang::En, "Sanctions are useless, sanctions!");
        assert_eq!(
            features,
            [
                "are",
                "are useless",
                "sanction",
                "sanction are",
                "useless",
                "useless sanction"
            ]
        );
        // The same stems as the index analyzer gives.
        let mut analyzer = Analyzer::default();
        for stem in analyzer.stems(Lang::En, "Sanctions are useless") {
            assert!(features.contains(&stem), "{stem}");
        }
        let ru = f.features(Lang::Ru, "Санкции бесполезны");
        assert_eq!(ru.len(), 3, "{ru:?}");
        assert!(ru.contains(&bigram(&ru[1], &ru[2])) || ru.iter().any(|x| x.contains(' ')));
        assert!(f.features(Lang::En, "  ").is_empty());
    }
}
