//! Analyzing a stored text for matching a query: the index analyzer's tokens (same
//! tokenizer, length limit and lowercasing, same positions and offsets), but lowercased and
//! stemmed only where the query could match.
//!
//! Why: stemming is most of the cost of analysis (about 14 times the tokenizing), then
//! lowercasing and Unicode character classes; highlighting ten hits of long transcripts
//! would otherwise dominate a query's time. The tokenizer is Tantivy's `SimpleTokenizer`
//! rewritten with a fast path for Latin and Cyrillic letters.
//! Snowball stems only strip or rewrite endings, so a word can stem to `S` only if it starts
//! with `S` minus its last character (English rewrites a final `y` to `i`; Russian only
//! strips endings); the three English irregular forms that break this (`dying`→`die`,
//! `lying`, `tying`) are always stemmed. A token that cannot match keeps an empty stem. A
//! property test checks this against [`crate::text::Analyzer`] on many texts.

use rust_stemmers::{Algorithm, Stemmer};

use super::plan::Plan;
use crate::document::Lang;
use crate::text::AnalyzedToken;

/// The analyzer's token length limit (tokens of this many bytes or more are dropped).
const MAX_TOKEN_BYTES: usize = 60;
/// The English Snowball exceptions whose stem is not a prefix of the word minus one letter
/// (`dying` -> `die`); they are always stemmed.
const IRREGULAR: &[&str] = &["dying", "lying", "tying"];

/// Reusable stemmers.
pub(crate) struct Scanner {
    en: Stemmer,
    ru: Stemmer,
}

impl Default for Scanner {
    fn default() -> Scanner {
        Scanner {
            en: Stemmer::create(Algorithm::English),
            ru: Stemmer::create(Algorithm::Russian),
        }
    }
}

impl Scanner {
    /// The tokens of `text` as `lang`'s analyzer produces them; tokens that no stem or
    /// prefix of `plan` can match have an empty `stem`.
    pub(crate) fn tokens(&mut self, plan: &Plan, lang: Lang, text: &str) -> Vec<AnalyzedToken> {
        let keys = plan.stem_keys(lang);
        let stemmer = match lang {
            Lang::En => &self.en,
            Lang::Ru => &self.ru,
        };
        let mut out = Vec::new();
        let mut lowered = String::new();
        let mut chars = text.char_indices();
        let mut position = 0;
        // Tantivy's SimpleTokenizer: maximal runs of alphanumeric characters, every run
        // taking a position, runs of MAX_TOKEN_BYTES or more dropped (RemoveLongFilter).
        while let Some((start, _)) = chars.find(|&(_, c)| is_word_char(c)) {
            let end = chars
                .find(|&(_, c)| !is_word_char(c))
                .map_or(text.len(), |(i, _)| i);
            position += 1;
            let word = &text[start..end];
            if word.len() >= MAX_TOKEN_BYTES {
                continue;
            }
            // Lowercasing and stemming are the costs, so a word is compared to the keys
            // lowercase on the fly and only lowercased whole when it is stemmed.
            let wanted = keys.iter().any(|key| starts_with_folded(word, key))
                || IRREGULAR.iter().any(|w| w.eq_ignore_ascii_case(word));
            let stem = if wanted {
                lowercase_into(word, &mut lowered);
                if lowered.contains('ё') {
                    lowered = lowered.replace('ё', "е");
                }
                stemmer.stem(&lowered).into_owned()
            } else {
                String::new()
            };
            out.push(AnalyzedToken {
                stem,
                start,
                end,
                position: position - 1,
            });
        }
        out
    }
}

/// `char::is_alphanumeric` (what SimpleTokenizer splits on), with the basic Latin and
/// Cyrillic letters answered without the Unicode tables.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if matches!(c, 'А'..='я' | 'Ё' | 'ё') {
        true
    } else {
        c.is_alphanumeric()
    }
}

/// Lowercases like Tantivy's `LowerCaser` (ASCII fast path, else char by char).
fn lowercase_into(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        out.push_str(text);
        out.make_ascii_lowercase();
    } else {
        out.extend(text.chars().flat_map(char::to_lowercase));
    }
}

/// Whether `word`, lowercased with `ё` folded to `е`, starts with `key` (already lowercase
/// and folded).
fn starts_with_folded(word: &str, key: &str) -> bool {
    let mut word = word
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c });
    key.chars().all(|k| word.next() == Some(k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::syntax::parse;
    use crate::text::Analyzer;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "sanctions",
        "Sanction",
        "useless",
        "policy",
        "policies",
        "dying",
        "lying",
        "Skies",
        "news",
        "Korean",
        "peninsula",
        "peninsulas",
        "early",
        "gently",
        "only",
        "санкции",
        "Санкциям",
        "ещё",
        "ЁЛКА",
        "длинные",
        "переговоры",
        "Корейский",
        "полуострове",
        "U.S.",
        "six-party",
        "x",
        "1.5",
        "2017",
    ];

    fn plan_of(query: &str) -> Plan {
        Plan::new(&parse(query).unwrap(), &mut Analyzer::default()).unwrap()
    }

    /// Every token that the full analyzer stems to something the query looks for gets the
    /// same stem here, and offsets and positions never differ.
    fn agrees(query: &str, text: &str) {
        let plan = plan_of(query);
        let mut analyzer = Analyzer::default();
        let mut scanner = Scanner::default();
        for lang in [Lang::En, Lang::Ru] {
            let full = analyzer.tokens(lang, text);
            let fast = scanner.tokens(&plan, lang, text);
            assert_eq!(full.len(), fast.len(), "{text}");
            let mut wanted: Vec<String> = Vec::new();
            plan.for_each_text_leaf(&mut |leaf| match leaf.pattern(lang) {
                crate::search::plan::Pattern::Term(s) => wanted.push(s.clone()),
                crate::search::plan::Pattern::Phrase { terms, .. } => {
                    wanted.extend(terms.iter().map(|(_, s)| s.clone()));
                }
                crate::search::plan::Pattern::Prefix(ps) => wanted.extend(ps.iter().cloned()),
            });
            for (a, b) in full.iter().zip(&fast) {
                assert_eq!((a.start, a.end, a.position), (b.start, b.end, b.position));
                if wanted.iter().any(|w| a.stem.starts_with(w.as_str())) {
                    assert_eq!(a.stem, b.stem, "{lang:?} {text:?}");
                }
                assert!(b.stem.is_empty() || a.stem == b.stem);
            }
        }
    }

    #[test]
    fn irregular_and_folded_forms_are_stemmed() {
        agrees(
            "die lie sky ugli",
            "Dying, lying and tying under skies; ugly.",
        );
        agrees("елка \"еще санкции\"", "ЁЛКА ещё санкции, ещё Санкциям");
        agrees("polic* sanctions", "policies policy sanctioned sanction");
        agrees("x", &format!("{} x", "a".repeat(70)));
        agrees("a", &format!("{} a {}", "a".repeat(59), "ж".repeat(30)));
    }

    proptest! {
        #[test]
        fn the_fast_path_agrees_with_the_analyzer(
            words in prop::collection::vec(prop::sample::select(WORDS), 0..40),
            query in prop::collection::vec(prop::sample::select(WORDS), 1..4),
            separators in prop::collection::vec(prop::sample::select(&[" ", ", ", ". ", " — ", "\n"][..]), 40),
        ) {
            let text: String = words
                .iter()
                .zip(&separators)
                .map(|(w, s)| format!("{w}{s}"))
                .collect();
            let query: Vec<String> = query.iter().map(|w| format!("\"{w}\"")).collect();
            agrees(&query.join(" OR "), &text);
            let prefixes: Vec<String> = query
                .iter()
                .map(|w| w.trim_matches('"').chars().filter(|c| c.is_alphanumeric()).take(4).collect::<String>())
                .filter(|p| !p.is_empty())
                .map(|p| format!("{p}*"))
                .collect();
            if !prefixes.is_empty() {
                agrees(&prefixes.join(" OR "), &text);
            }
        }
    }
}
