//! The per-language token pipeline, registered in the index and usable on its own.

use std::sync::Arc;

use rust_stemmers::{Algorithm, Stemmer};
use tantivy::Index;
use tantivy::tokenizer::{
    LowerCaser, RawTokenizer, RemoveLongFilter, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};

use super::fast::{SharedStems, StemCache};
use super::word_tokenizer::WordTokenizer;
use super::words::{MAX_TOKEN_BYTES, fold_into};
use crate::document::Lang;

/// Name of the analyzer for exact, case-insensitive metadata values (speaker, source, kind).
pub const KEYWORD_ANALYZER: &str = "statemine_keyword";

/// Name under which the analyzer of `lang` is registered in an index.
pub fn analyzer_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "statemine_en",
        Lang::Ru => "statemine_ru",
    }
}

/// Builds the text analyzer of `lang`: word tokens, lowercased, folded, stemmed.
pub fn text_analyzer(lang: Lang) -> TextAnalyzer {
    let algorithm = match lang {
        Lang::En => Algorithm::English,
        Lang::Ru => Algorithm::Russian,
    };
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(SnowballStemmer { algorithm })
        .build()
}

/// Registers the per-language analyzers and the keyword analyzer in `index`.
pub fn register_analyzers(index: &Index) {
    let manager = index.tokenizers();
    for &lang in Lang::ALL {
        manager.register(analyzer_name(lang), text_analyzer(lang));
    }
    manager.register(
        KEYWORD_ANALYZER,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

/// One token of analyzed text: its stem and where it stands in the original string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedToken {
    /// Lowercased, folded, stemmed form.
    pub stem: String,
    /// Byte offset of the first byte of the word in the analyzed string.
    pub start: usize,
    /// Byte offset just past the word.
    pub end: usize,
    /// Token position (0-based, counts every word token).
    pub position: usize,
}

/// Reusable analyzers for both languages (building one per call is wasteful in hot loops).
pub struct Analyzer {
    en: TextAnalyzer,
    ru: TextAnalyzer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer {
            en: text_analyzer(Lang::En),
            ru: text_analyzer(Lang::Ru),
        }
    }
}

impl Analyzer {
    /// Appends the tokens of `text` analyzed as `lang` to `out` (positions start at 0).
    pub fn tokens_into(&mut self, lang: Lang, text: &str, out: &mut Vec<AnalyzedToken>) {
        let analyzer = match lang {
            Lang::En => &mut self.en,
            Lang::Ru => &mut self.ru,
        };
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let token = stream.token();
            out.push(AnalyzedToken {
                stem: token.text.clone(),
                start: token.offset_from,
                end: token.offset_to,
                position: token.position,
            });
        }
    }

    /// The tokens of `text` analyzed as `lang`.
    pub fn tokens(&mut self, lang: Lang, text: &str) -> Vec<AnalyzedToken> {
        let mut out = Vec::new();
        self.tokens_into(lang, text, &mut out);
        out
    }

    /// The stems of `text` analyzed as `lang`, in order.
    pub fn stems(&mut self, lang: Lang, text: &str) -> Vec<String> {
        self.tokens(lang, text)
            .into_iter()
            .map(|t| t.stem)
            .collect()
    }
}

/// Token filter: lowercasing with `ё`→`е` folding ([`fold_into`]: ASCII and basic Cyrillic
/// without the case tables, the rest as Tantivy's `LowerCaser`), then the rust-stemmers
/// Snowball stemmer.
#[derive(Clone, Copy)]
struct SnowballStemmer {
    algorithm: Algorithm,
}

impl TokenFilter for SnowballStemmer {
    type Tokenizer<T: Tokenizer> = SnowballStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> SnowballStemmerFilter<T> {
        SnowballStemmerFilter {
            algorithm: self.algorithm,
            stemmer: Stemmer::create(self.algorithm),
            stems: StemCache::new(STEM_CACHE_WORDS),
            shared: Arc::new(SharedStems::new(STEM_CACHE_WORDS)),
            folded: String::new(),
            inner: tokenizer,
        }
    }
}

/// Words whose stems a filter remembers before it forgets them all (bounds memory: a few
/// MB per analyzer; a corpus's vocabulary is mostly far smaller).
const STEM_CACHE_WORDS: usize = 100_000;

/// The stemming stage of an analyzer. It keeps the stem of every word it has seen in the
/// fast path's [`StemCache`]: the same analyzer instance serves many documents (Tantivy
/// keeps one per field and segment being written), most words recur, and a hash lookup
/// costs a fraction of a Snowball run. Copies of one analyzer (Tantivy clones the
/// registered one for every field of every new segment, on every indexing thread) share
/// the stems they find through [`SharedStems`], so a second indexing thread or a new
/// segment does not stem the vocabulary again.
struct SnowballStemmerFilter<T> {
    algorithm: Algorithm,
    stemmer: Stemmer,
    stems: StemCache,
    shared: Arc<SharedStems>,
    /// The token being folded.
    folded: String,
    inner: T,
}

impl<T: Clone> Clone for SnowballStemmerFilter<T> {
    fn clone(&self) -> Self {
        SnowballStemmerFilter {
            algorithm: self.algorithm,
            stemmer: Stemmer::create(self.algorithm),
            stems: StemCache::new(STEM_CACHE_WORDS),
            shared: Arc::clone(&self.shared),
            folded: String::new(),
            inner: self.inner.clone(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for SnowballStemmerFilter<T> {
    type TokenStream<'a> = SnowballStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SnowballStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: &self.stemmer,
            stems: &mut self.stems,
            shared: &self.shared,
            folded: &mut self.folded,
        }
    }
}

struct SnowballStemmerStream<'a, T> {
    tail: T,
    stemmer: &'a Stemmer,
    stems: &'a mut StemCache,
    shared: &'a SharedStems,
    folded: &'a mut String,
}

impl<T: TokenStream> TokenStream for SnowballStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // Russian texts write `ё` inconsistently; the stemmer expects `е`.
        if token.text.is_ascii() {
            token.text.make_ascii_lowercase();
        } else {
            fold_into(&token.text, self.folded);
            std::mem::swap(&mut token.text, self.folded);
        }
        self.stems
            .stem_in_place_shared(self.stemmer, self.shared, &mut token.text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tantivy::tokenizer::SimpleTokenizer;

    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    proptest! {
        /// The analyzer against the engine's own pipeline with the same stemming stage.
        #[test]
        fn the_analyzer_gives_the_tokens_of_the_engines_pipeline(
            text in prop::collection::vec(prop::sample::select(vec![
                'A', 'z', '0', ' ', '.', '-', 'А', 'Я', 'а', 'я', 'Ё', 'ё', 'Ѐ', 'Џ', 'ѐ', 'џ',
                'Ѡ', 'ѡ', 'Ґ', 'ґ', 'Σ', 'ς', 'İ', 'ẞ', 'Ǆ', 'ǅ', '中', '😀', '\u{0301}', 'Ω',
                '\u{2014}', '²',
            ]), 0..60).prop_map(|c| c.into_iter().collect::<String>())
        ) {
            for (lang, algorithm) in [(Lang::En, Algorithm::English), (Lang::Ru, Algorithm::Russian)] {
                let mut engine = TextAnalyzer::builder(SimpleTokenizer::default())
                    .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
                    .filter(LowerCaser)
                    .filter(SnowballStemmer { algorithm })
                    .build();
                let mut ours = text_analyzer(lang);
                prop_assert_eq!(tokens(&mut ours, &text), tokens(&mut engine, &text));
            }
        }
    }

    #[test]
    fn english_plural_and_singular_share_a_stem() {
        let mut analyzer = Analyzer::default();
        assert_eq!(
            analyzer.stems(Lang::En, "Sanctions"),
            analyzer.stems(Lang::En, "sanction")
        );
    }

    #[test]
    fn russian_case_forms_share_a_stem() {
        let mut analyzer = Analyzer::default();
        let stems: Vec<_> = ["санкции", "санкций", "санкциями", "САНКЦИЯМ"]
            .iter()
            .map(|w| analyzer.stems(Lang::Ru, w))
            .collect();
        assert!(stems.windows(2).all(|w| w[0] == w[1]), "{stems:?}");
    }

    #[test]
    fn yo_is_folded_to_ye() {
        let mut analyzer = Analyzer::default();
        assert_eq!(
            analyzer.stems(Lang::Ru, "ещё"),
            analyzer.stems(Lang::Ru, "еще")
        );
    }

    #[test]
    fn remembered_stems_are_the_stems() {
        // Words over 24 bytes are stemmed every time, not remembered.
        let text = "Sanctions, sanctions and SANCTIONS: санкции, санкций, ещё, еще; relational \
                    relations, internationalisations, высокотехнологичными";
        let mut analyzer = Analyzer::default();
        for lang in [Lang::En, Lang::Ru] {
            let first = analyzer.stems(lang, text);
            let again = analyzer.stems(lang, text);
            assert_eq!(first, again);
            let stemmer = Stemmer::create(match lang {
                Lang::En => Algorithm::English,
                Lang::Ru => Algorithm::Russian,
            });
            let fresh: Vec<String> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| {
                    stemmer
                        .stem(&w.to_lowercase().replace('ё', "е"))
                        .into_owned()
                })
                .collect();
            assert_eq!(again, fresh, "{lang}");
        }
    }

    #[test]
    fn copies_on_many_threads_stem_as_a_fresh_analyzer() {
        // Latin words stem differently in the two languages (the Russian stemmer leaves
        // them alone), so a stem shared across languages would show here.
        let text = "Sanctions, relations and talks; санкции, отношениями, переговоры; \
                    sanctions санкций talks relational ещё";
        for lang in [Lang::En, Lang::Ru] {
            let expected = Analyzer::default().stems(lang, text);
            let registered = text_analyzer(lang);
            let other = text_analyzer(match lang {
                Lang::En => Lang::Ru,
                Lang::Ru => Lang::En,
            });
            std::thread::scope(|scope| {
                for _ in 0..4 {
                    let (mut mine, mut theirs) = (registered.clone(), other.clone());
                    let expected = &expected;
                    scope.spawn(move || {
                        for _ in 0..50 {
                            let mut stream = theirs.token_stream(text);
                            while stream.advance() {}
                            let mut stems = Vec::new();
                            let mut stream = mine.token_stream(text);
                            while stream.advance() {
                                stems.push(stream.token().text.clone());
                            }
                            assert_eq!(&stems, expected, "{lang}");
                        }
                    });
                }
            });
        }
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let mut analyzer = Analyzer::default();
        let text = "Санкции — тупик, said Mr Lavrov.";
        let tokens = analyzer.tokens(Lang::Ru, text);
        assert_eq!(&text[tokens[0].start..tokens[0].end], "Санкции");
        assert_eq!(tokens.len(), 5);
        assert_eq!(&text[tokens[4].start..tokens[4].end], "Lavrov");
        assert_eq!(tokens[4].position, 4);
    }
}
