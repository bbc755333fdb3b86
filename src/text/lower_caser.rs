//! The analyzer's lowercasing stage: every token lowercased as Tantivy's `LowerCaser` does
//! and `ё` folded to `е` (which the stemming stage after it did), through the fast path of
//! [`super::words::fold_into`] (ASCII and basic Cyrillic without the standard library's
//! case tables). The analyzer's tokens are those of Tantivy's `SimpleTokenizer`,
//! `RemoveLongFilter`, `LowerCaser` and the stemming stage: a property test compares them.

use std::mem;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::words::fold_into;

/// Lowercases every token (see the module documentation).
#[derive(Clone, Copy)]
pub(crate) struct LowerCase;

impl TokenFilter for LowerCase {
    type Tokenizer<T: Tokenizer> = LowerCaseFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> LowerCaseFilter<T> {
        LowerCaseFilter {
            inner: tokenizer,
            buffer: String::new(),
        }
    }
}

#[derive(Clone)]
pub(crate) struct LowerCaseFilter<T> {
    inner: T,
    buffer: String,
}

impl<T: Tokenizer> Tokenizer for LowerCaseFilter<T> {
    type TokenStream<'a> = LowerCaseStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        LowerCaseStream {
            tail: self.inner.token_stream(text),
            buffer: &mut self.buffer,
        }
    }
}

pub(crate) struct LowerCaseStream<'a, T> {
    tail: T,
    buffer: &'a mut String,
}

impl<T: TokenStream> TokenStream for LowerCaseStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let text = &mut self.tail.token_mut().text;
        if text.is_ascii() {
            text.make_ascii_lowercase();
        } else {
            fold_into(text, self.buffer);
            mem::swap(text, self.buffer);
        }
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
    use rust_stemmers::Algorithm;
    use tantivy::tokenizer::{
        LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, WhitespaceTokenizer,
    };

    use super::*;
    use crate::document::Lang;
    use crate::text::analyzer::{SnowballStemmer, text_analyzer};
    use crate::text::words::MAX_TOKEN_BYTES;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    #[test]
    fn tokens_are_lowered_and_yo_is_folded() {
        let mut ours = TextAnalyzer::builder(WhitespaceTokenizer::default())
            .filter(LowerCase)
            .build();
        let texts: Vec<String> = tokens(&mut ours, "САНКЦИИ Ёлка ЀЏ Σοφία İstanbul DPRK")
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(
            texts,
            ["санкции", "елка", "ѐџ", "σοφία", "i\u{307}stanbul", "dprk"]
        );
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
}
