//! The shared analyzer's token pipeline, re-done for counting: the same tokens, offsets,
//! lowercasing and stems as [`crate::text::Analyzer`], but a word is only stemmed when its
//! stem could be one the theme set uses.
//!
//! Why: Snowball stemming is most of the cost of analysis, and a theme set uses a few
//! hundred stems. A Snowball stem only strips or rewrites the end of a word, so a word can
//! stem to `S` only if it starts with the key of `S` ([`stem_key`]): Russian only strips
//! endings (the key is `S`); English rewrites endings into `e`, `i`, `l` or `y` (an added
//! `e`, `y` -> `i`, `-biliti` -> `-bl(e)`, `skies` -> `sky`), so the key is `S` minus its
//! last letter when that letter is one of these, else `S`. The matcher walks a trie of its
//! stems' keys per token, and stems the English exceptions that break the rule (`dying` ->
//! `die`, `lying`, `tying`, see [`is_irregular`]) always. Words that are not stemmed get id
//! 0, exactly as if their stem were unused. A test checks the rule on every distinct word
//! of the shared corpora.
//!
//! Contract (checked by property tests against the shared analyzer): tokens are the maximal
//! runs of alphanumeric characters (Tantivy's `SimpleTokenizer`), runs of 60 bytes or more
//! are dropped (`RemoveLongFilter`), the folded form is the token lowercased as Tantivy's
//! `LowerCaser` does with `ё` folded to `е`, and the stem is the Snowball stem of that.

use crate::document::Lang;
use crate::text::words::IRREGULAR_EN;
#[cfg(test)]
use crate::text::words::{MAX_TOKEN_BYTES, for_each_run};
pub(crate) use crate::text::words::{Stemmers, fold_into};

/// Whether `folded` is an English exception whose stem does not start with its key.
pub(crate) fn is_irregular(lang: Lang, folded: &str) -> bool {
    lang == Lang::En && IRREGULAR_EN.contains(&folded)
}

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

/// The key of `stem`: a word of `lang` can stem to `stem` only if its folded form starts
/// with the returned key.
pub(crate) fn stem_key(lang: Lang, stem: &str) -> &str {
    match (lang, stem.char_indices().last()) {
        (Lang::En, Some((i, 'e' | 'i' | 'l' | 'y'))) => &stem[..i],
        _ => stem,
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

    /// The key rule on every distinct word of the shared corpora (when present): the
    /// folded word starts with the key of its stem, or is one of the exceptions.
    #[test]
    fn every_corpus_word_starts_with_the_key_of_its_stem() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let Some(corpus) = ["../shared/corpus", "../../shared/corpus"]
            .iter()
            .map(|d| root.join(d))
            .find(|d| d.is_dir())
        else {
            eprintln!("skipped: ../shared/corpus is not present");
            return;
        };
        let stemmers = Stemmers::default();
        let mut checked = 0;
        for entry in std::fs::read_dir(&corpus).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("jsonl") {
                continue;
            }
            let lang = if path.to_string_lossy().contains("-ru-") {
                Lang::Ru
            } else {
                Lang::En
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let mut words = std::collections::HashSet::new();
            let mut buffer = String::new();
            for_each_token(&text, &mut buffer, |t| {
                words.insert(t.folded.to_string());
            });
            for folded in &words {
                let stem = stemmers.stem(lang, folded);
                assert!(
                    folded.starts_with(stem_key(lang, &stem)) || is_irregular(lang, folded),
                    "{lang}: {folded} -> {stem}"
                );
            }
            checked += words.len();
        }
        assert!(checked > 50_000, "only {checked} words checked");
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
