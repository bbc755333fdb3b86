//! The analyzer's tokenizer: every maximal run of alphanumeric characters is a token, with
//! the next position. These are the tokens of Tantivy's `SimpleTokenizer`, offsets and
//! positions included (a property test compares them on random text of many scripts);
//! only the test of a character differs: `SimpleTokenizer` asks `char::is_alphanumeric`,
//! a table search for every non-ASCII character (two fifths of the time of ingesting Russian
//! text), while the runs here come from the word test of [`super::words`], which tells
//! ASCII and Cyrillic by their bytes.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::words::next_run;

/// Splits text into runs of alphanumeric characters (see the module documentation).
#[derive(Clone, Default)]
pub(crate) struct WordTokenizer {
    token: Token,
}

/// The tokens of one text.
pub(crate) struct WordTokenStream<'a> {
    text: &'a str,
    /// Where the search for the next run starts (a character boundary).
    next: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        WordTokenStream {
            text,
            next: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        let Some((start, end)) = next_run(self.text, self.next) else {
            self.next = self.text.len();
            return false;
        };
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.text.push_str(&self.text[start..end]);
        self.next = end;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tantivy::tokenizer::SimpleTokenizer;

    use super::*;

    fn tokens<T: Tokenizer>(tokenizer: &mut T, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    #[test]
    fn runs_of_letters_and_digits_are_tokens() {
        let found = tokens(&mut WordTokenizer::default(), "U.S. санкций — 2017-й, ёж²!");
        let texts: Vec<&str> = found.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(texts, ["U", "S", "санкций", "2017", "й", "ёж²"]);
        assert_eq!(found[2], ("санкций".into(), 5, 19, 2));
        assert!(tokens(&mut WordTokenizer::default(), "— ,. ").is_empty());
        // The tokenizer is reused: positions start again at 0.
        let mut tokenizer = WordTokenizer::default();
        tokens(&mut tokenizer, "one two");
        assert_eq!(tokens(&mut tokenizer, "three")[0].3, 0);
    }

    /// Characters of many kinds: ASCII, Cyrillic (with `ё`, a sign and combining marks
    /// after it), Greek, CJK, Arabic digits, superscripts, spaces and dashes of U+2000-U+206F,
    /// emoji, other symbols.
    fn text() -> impl Strategy<Value = String> {
        let chars = prop::sample::select(vec![
            'a', 'Z', '0', '9', ' ', '.', '-', '\'', '_', '\n', 'я', 'Ё', 'ё', 'Ж', 'ѣ',
            '\u{0482}', '\u{0483}', '\u{0301}', 'λ', 'Ω', '中', '文', '٣', '²', '½', '\u{2014}',
            '\u{2019}', '\u{2028}', '\u{2060}', '\u{00A0}', '😀', '€', '§', 'é', 'ß', '\u{FEFF}',
        ]);
        prop::collection::vec(chars, 0..60).prop_map(|c| c.into_iter().collect())
    }

    proptest! {
        #[test]
        fn gives_the_tokens_of_the_simple_tokenizer(text in text()) {
            let mut ours = WordTokenizer::default();
            let mut engine = SimpleTokenizer::default();
            prop_assert_eq!(tokens(&mut ours, &text), tokens(&mut engine, &text));
            // Reused, as the index reuses one per field.
            prop_assert_eq!(tokens(&mut ours, &text), tokens(&mut engine, &text));
        }
    }
}
