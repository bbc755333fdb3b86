//! The shared analyzer's token pipeline, re-done for counting: the same tokens, offsets,
//! lowercasing and stems as [`crate::text::Analyzer`], but a word is only stemmed when its
//! stem could be one the theme set uses.
//!
//! Why: Snowball stemming is most of the cost of analysis, and a theme set uses a few
//! hundred stems. A Snowball stem only strips or rewrites the end of a word (English turns
//! a final `y` into `i` and may add an `e`; Russian only strips endings), so a word can stem
//! to `S` only if it starts with `S` minus its last character ([`stem_key`]); the matcher
//! tests that with an anchored automaton over the keys of its stems, and stems the English
//! exceptions whose stem breaks the rule (`dying` -> `die`, `lying`, `tying`, see
//! [`is_irregular`]) always. Words that are not stemmed get id 0, exactly as if their stem
//! were unused.
//!
//! Contract (checked by property tests against the shared analyzer): tokens are the maximal
//! runs of alphanumeric characters (Tantivy's `SimpleTokenizer`), runs of 60 bytes or more
//! are dropped (`RemoveLongFilter`), the folded form is the token lowercased as Tantivy's
//! `LowerCaser` does with `ё` folded to `е`, and the stem is the Snowball stem of that.

use rust_stemmers::{Algorithm, Stemmer};

use crate::document::Lang;

/// Tokens of this many bytes or more are dropped (as in [`crate::text::text_analyzer`]).
const MAX_TOKEN_BYTES: usize = 60;

/// English words whose Snowball stem does not start with the word's first letters.
const IRREGULAR_EN: &[&str] = &["dying", "lying", "tying"];

/// Both Snowball stemmers.
pub(crate) struct Stemmers {
    en: Stemmer,
    ru: Stemmer,
}

impl Default for Stemmers {
    fn default() -> Stemmers {
        Stemmers {
            en: Stemmer::create(Algorithm::English),
            ru: Stemmer::create(Algorithm::Russian),
        }
    }
}

impl Stemmers {
    /// The Snowball stem of a folded word.
    pub fn stem<'a>(&self, lang: Lang, folded: &'a str) -> std::borrow::Cow<'a, str> {
        match lang {
            Lang::En => self.en.stem(folded),
            Lang::Ru => self.ru.stem(folded),
        }
    }
}

/// Whether `folded` is an English exception whose stem does not start with its key.
pub(crate) fn is_irregular(lang: Lang, folded: &str) -> bool {
    lang == Lang::En && IRREGULAR_EN.contains(&folded)
}

/// One token as seen by [`for_each_token`].
pub(crate) struct WordToken<'a> {
    /// Byte offset in the analyzed text.
    pub start: usize,
    /// Byte offset just past the token.
    pub end: usize,
    /// The token as written.
    pub raw: &'a str,
    /// Lowercased, `ё` folded to `е`.
    pub folded: &'a str,
}

/// Calls `visit` with every token of `text` in order (`buffer` holds the folded form).
pub(crate) fn for_each_token(
    text: &str,
    buffer: &mut String,
    mut visit: impl FnMut(WordToken<'_>),
) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let (c, len) = char_at(text, i);
        if !is_word_char(c) {
            i += len;
            continue;
        }
        let start = i;
        i += len;
        while i < bytes.len() {
            let (c, len) = char_at(text, i);
            if !is_word_char(c) {
                break;
            }
            i += len;
        }
        let raw = &text[start..i];
        if raw.len() >= MAX_TOKEN_BYTES {
            continue;
        }
        fold_into(raw, buffer);
        visit(WordToken {
            start,
            end: i,
            raw,
            folded: buffer,
        });
    }
}

/// The character starting at byte `i` of `text` and its length in bytes.
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (b as char, 1);
    }
    let c = text[i..].chars().next().unwrap_or('\u{0}');
    (c, c.len_utf8())
}

/// `char::is_alphanumeric` (what `SimpleTokenizer` splits on), with ASCII and basic
/// Cyrillic answered without the Unicode tables.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if matches!(c, 'А'..='я' | 'Ё' | 'ё') {
        true
    } else {
        c.is_alphanumeric()
    }
}

/// `word` lowercased as Tantivy's `LowerCaser` does (ASCII fast path, else
/// `char::to_lowercase`), then `ё` folded to `е` as the analyzer's stemmer filter does.
pub(crate) fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        match c {
            'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
            'а'..='я' => out.push(c),
            'Ё' | 'ё' => out.push('е'),
            _ => out.extend(c.to_lowercase().map(|l| if l == 'ё' { 'е' } else { l })),
        }
    }
}

/// The stem keys of `stem`: a word can stem to `stem` only if its folded form starts with
/// the returned key (`stem` minus its last character).
pub(crate) fn stem_key(stem: &str) -> &str {
    match stem.char_indices().last() {
        Some((i, _)) => &stem[..i],
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::text::Analyzer;

    /// (start, end, stem) of every token, stemming everything.
    fn fast(lang: Lang, text: &str) -> Vec<(usize, usize, String)> {
        let stemmers = Stemmers::default();
        let mut out = Vec::new();
        for_each_token(text, &mut String::new(), |t| {
            out.push((t.start, t.end, stemmers.stem(lang, t.folded).into_owned()));
        });
        out
    }

    fn shared(lang: Lang, text: &str) -> Vec<(usize, usize, String)> {
        Analyzer::default()
            .tokens(lang, text)
            .into_iter()
            .map(|t| (t.start, t.end, t.stem))
            .collect()
    }

    #[test]
    fn tokens_and_stems_agree_with_the_shared_analyzer() {
        for (lang, text) in [
            (
                Lang::En,
                "Sanctions are USELESS, don't you think? U.S.-led; dying, Lying.",
            ),
            (
                Lang::Ru,
                "САНКЦИИ бесполезны — ещё и Ёлка, 2017 год; Ǆemal Σίσυφος",
            ),
            (Lang::En, &format!("{} end", "x".repeat(70))),
        ] {
            assert_eq!(fast(lang, text), shared(lang, text), "{text}");
        }
    }

    #[test]
    fn a_stem_is_reached_only_from_words_starting_with_its_key() {
        let stemmers = Stemmers::default();
        for (lang, words) in [
            (
                Lang::En,
                &[
                    "happiness",
                    "happily",
                    "policy",
                    "policies",
                    "hoping",
                    "possibility",
                    "relational",
                    "skies",
                    "ugly",
                    "generously",
                    "agreed",
                    "feed",
                ][..],
            ),
            (
                Lang::Ru,
                &["длинный", "санкциями", "бесполезны", "ещё", "политико"][..],
            ),
        ] {
            for word in words {
                let mut folded = String::new();
                fold_into(word, &mut folded);
                let stem = stemmers.stem(lang, &folded).to_string();
                assert!(folded.starts_with(stem_key(&stem)), "{word} -> {stem}");
            }
        }
        assert_eq!(stem_key("sanction"), "sanctio");
        assert_eq!(stem_key("s"), "");
        assert_eq!(stem_key("санкц"), "санк");
    }

    proptest! {
        #[test]
        fn any_text_gives_the_shared_analyzers_tokens(
            text in "[ a-zA-Zа-яА-ЯёЁ0-9.,'’\\-ǅÉéßİ]{0,80}",
            ru in any::<bool>(),
        ) {
            let lang = if ru { Lang::Ru } else { Lang::En };
            prop_assert_eq!(fast(lang, &text), shared(lang, &text));
        }
    }
}
