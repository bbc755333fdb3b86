//! The analyzer's lowercasing: Tantivy's `LowerCaser` (ASCII in place, any other token
//! character by character through `char::to_lowercase`), with the Cyrillic letters
//! U+0400-U+045F mapped by arithmetic instead of the standard library's case table. The
//! output is the same string (a property test compares them).

use std::mem;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

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
            lowercase_into(text, self.buffer);
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

/// `text` lowercased character by character into `out` (cleared first).
fn lowercase_into(text: &str, out: &mut String) {
    out.clear();
    out.reserve(text.len());
    for c in text.chars() {
        match c as u32 {
            // А-Я -> а-я.
            0x0410..=0x042F => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
            // Ѐ-Џ (Ё among them) -> ѐ-џ.
            0x0400..=0x040F => out.push(char::from_u32(c as u32 + 0x50).unwrap_or(c)),
            // ASCII and the lowercase Cyrillic letters а-я, ѐ-џ stay as they are (ASCII
            // letters lowered).
            0x0000..=0x007F => out.push(c.to_ascii_lowercase()),
            0x0430..=0x045F => out.push(c),
            _ => out.extend(c.to_lowercase()),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tantivy::tokenizer::{LowerCaser, TextAnalyzer, WhitespaceTokenizer};

    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn cyrillic_and_latin_are_lowered() {
        let mut ours = TextAnalyzer::builder(WhitespaceTokenizer::default())
            .filter(LowerCase)
            .build();
        assert_eq!(
            tokens(&mut ours, "САНКЦИИ Ёлка ЀЏ Σοφία İstanbul DPRK"),
            ["санкции", "ёлка", "ѐџ", "σοφία", "i\u{307}stanbul", "dprk"]
        );
    }

    proptest! {
        #[test]
        fn lowers_as_the_engines_lower_caser(
            text in prop::collection::vec(prop::sample::select(vec![
                'A', 'z', '0', ' ', 'А', 'Я', 'а', 'я', 'Ё', 'ё', 'Ѐ', 'Џ', 'ѐ', 'џ', 'Ѡ', 'ѡ',
                'Ґ', 'ґ', 'Σ', 'ς', 'İ', 'ẞ', 'Ǆ', 'ǅ', '中', '😀', '\u{0301}', 'Ω',
            ]), 0..40).prop_map(|c| c.into_iter().collect::<String>())
        ) {
            let mut ours = TextAnalyzer::builder(WhitespaceTokenizer::default())
                .filter(LowerCase)
                .build();
            let mut engine = TextAnalyzer::builder(WhitespaceTokenizer::default())
                .filter(LowerCaser)
                .build();
            prop_assert_eq!(tokens(&mut ours, &text), tokens(&mut engine, &text));
        }
    }
}
