//! The shared analyzer's token pipeline, re-done for counting: the same tokens, offsets,
//! lowercasing and stems as [`crate::text::Analyzer`], but a word is only stemmed when its
//! stem could be one the theme set uses.
//!
//! Why: Snowball stemming is most of the cost of analysis, and a theme set uses a few
//! hundred stems. The analyzer's fast path ([`crate::text::fast`]) gives the one key rule
//! ([`stem_key`]: a word can stem to `S` only if it starts with the key of `S`, checked on
//! every distinct word of the shared corpora there), its exceptions ([`is_irregular`]),
//! the first-byte filter and the stem cache. The matcher walks a trie of its stems' keys
//! per token and always stems the exceptions. Words that are not stemmed get id 0, exactly
//! as if their stem were unused.
//!
//! Contract (checked by property tests against the shared analyzer): tokens are the maximal
//! runs of alphanumeric characters (Tantivy's `SimpleTokenizer`), runs of 60 bytes or more
//! are dropped (`RemoveLongFilter`), the folded form is the token lowercased as Tantivy's
//! `LowerCaser` does with `ё` folded to `е`, and the stem is the Snowball stem of that.

pub(crate) use crate::text::fast::{is_irregular, stem_key};
#[cfg(test)]
use crate::text::words::{MAX_TOKEN_BYTES, for_each_run};
pub(crate) use crate::text::words::{Stemmers, fold_into};

/// One token as seen by [`for_each_token`].
#[cfg(test)]
pub(crate) struct WordToken<'a> {
    /// Byte offset in the analyzed text.
    pub start: usize,
    /// Byte offset just past the token.
    pub end: usize,
    /// Lowercased, `ё` folded to `е`.
    pub folded: &'a str,
}

/// Calls `visit` with every token of `text` in order (`buffer` holds the folded form).
#[cfg(test)]
pub(crate) fn for_each_token(
    text: &str,
    buffer: &mut String,
    mut visit: impl FnMut(WordToken<'_>),
) {
    for_each_run(text, |start, end| {
        if end - start < MAX_TOKEN_BYTES {
            fold_into(&text[start..end], buffer);
            visit(WordToken {
                start,
                end,
                folded: buffer,
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::document::Lang;
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
                    "gently",
                    "lies",
                    "ties",
                    "capability",
                    "conditional",
                    "controlling",
                    "sensitivity",
                    "apology",
                    "hopefully",
                    "electrical",
                    "dependency",
                    "tying",
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
                assert!(
                    folded.starts_with(stem_key(lang, &stem)) || is_irregular(lang, &folded),
                    "{word} -> {stem}"
                );
            }
        }
        assert_eq!(stem_key(Lang::En, "sanction"), "sanction");
        assert_eq!(stem_key(Lang::En, "possibl"), "possib");
        assert_eq!(stem_key(Lang::En, "happi"), "happ");
        assert_eq!(stem_key(Lang::En, "e"), "");
        assert_eq!(stem_key(Lang::Ru, "санкц"), "санкц");
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
