//! The phrase syntax: how a pattern string becomes token tests.
//!
//! ```text
//! pattern     := alternative ( "|" alternative )*
//! alternative := item ( " " item )*
//! item        := word        a word, analyzed like the index (lowercase, stem); a word
//!                            the analyzer splits (`U.S.`, `anti-missile`) gives several
//!                            tokens in a row
//!              | word*       prefix glob on the lowercased token as written (not stemmed):
//!                            `sanction*` matches `sanctions`, `sanctioned`
//!              | =word       the token exactly as written, not stemmed; smart case:
//!                            all-lowercase `=word` ignores case, `=US` with an uppercase
//!                            letter is case-sensitive (so it is not the pronoun "us")
//!              | *           exactly one arbitrary token
//!              | ~N          up to N extra arbitrary tokens (1 <= N <= 20)
//! ```
//!
//! Contract: an alternative starts and ends with a token test (not `*` or `~N`), so every
//! match has a definite first and last token; glob and exact words are lowercased and `ё`
//! is folded to `е`, as the analyzer does, so they compare with the same surface forms.

use crate::document::Lang;
use crate::text::Analyzer;
use crate::text::words::{overlong_reason, overlong_word};

/// The largest `~N` gap accepted: longer gaps are better written as `near`.
pub const MAX_GAP: usize = 20;

/// One position of a token sequence.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Item {
    /// A token whose stem equals this.
    Stem(String),
    /// A token whose lowercased surface form equals this.
    Exact(String),
    /// A token whose surface form (only `ё` folded) equals this, case included.
    ExactCase(String),
    /// A token whose lowercased surface form starts with this.
    Prefix(String),
    /// Exactly one arbitrary token.
    Any,
    /// Up to this many extra arbitrary tokens.
    Gap(usize),
}

impl Item {
    /// Whether the item tests a token (as opposed to skipping tokens).
    pub fn is_test(&self) -> bool {
        matches!(
            self,
            Item::Stem(_) | Item::Exact(_) | Item::ExactCase(_) | Item::Prefix(_)
        )
    }
}

/// A parsed phrase: alternatives, each a sequence of items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// The pattern as written.
    pub text: String,
    /// The alternatives (at least one), each starting and ending with a token test.
    pub alternatives: Vec<Vec<Item>>,
}

/// Parses `text` as a phrase of `lang`, stemming words with `analyzer`.
///
/// The error is a sentence for the user (the caller adds file, line, theme and pattern).
pub fn parse_phrase(text: &str, lang: Lang, analyzer: &mut Analyzer) -> Result<Phrase, String> {
    if text.trim().is_empty() {
        return Err("empty phrase".into());
    }
    let mut alternatives = Vec::new();
    for alternative in text.split('|') {
        let alternative = alternative.trim();
        if alternative.is_empty() {
            return Err("empty alternative around `|`".into());
        }
        alternatives.push(parse_alternative(alternative, lang, analyzer)?);
    }
    Ok(Phrase {
        text: text.to_string(),
        alternatives,
    })
}

fn parse_alternative(text: &str, lang: Lang, analyzer: &mut Analyzer) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for word in text.split_whitespace() {
        if let Some(long) = overlong_word(word) {
            return Err(overlong_reason(long));
        }
        if word == "*" {
            items.push(Item::Any);
        } else if let Some(n) = word.strip_prefix('~') {
            let n: usize = n
                .parse()
                .map_err(|_| format!("`{word}`: a gap is `~N` with a number N"))?;
            if n == 0 || n > MAX_GAP {
                return Err(format!(
                    "`{word}`: a gap must be between ~1 and ~{MAX_GAP} (use `near` for longer distances)"
                ));
            }
            items.push(Item::Gap(n));
        } else if let Some(exact) = word.strip_prefix('=') {
            if exact.contains('*') {
                return Err(format!("`{word}`: `=` and `*` cannot be combined"));
            }
            let case_sensitive = exact.chars().any(char::is_uppercase);
            let pieces: Vec<&str> = exact
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            if pieces.is_empty() {
                return Err(format!("`{word}` has no letters or digits"));
            }
            for piece in pieces {
                items.push(if case_sensitive {
                    Item::ExactCase(piece.replace('ё', "е"))
                } else {
                    Item::Exact(fold_surface(piece))
                });
            }
        } else if let Some(prefix) = word.strip_suffix('*') {
            if prefix.contains('*') || prefix.contains('?') {
                return Err(format!(
                    "`{word}`: only one trailing `*` is supported in a word (use a regex)"
                ));
            }
            let mut pieces = surface_tokens(prefix);
            // `non-prolif*` is the exact token `non` followed by the prefix `prolif`.
            let last_is_word = prefix.chars().last().is_some_and(char::is_alphanumeric);
            let Some(last) = pieces.pop().filter(|_| last_is_word) else {
                return Err(format!(
                    "`{word}`: a glob needs letters or digits right before `*`"
                ));
            };
            items.extend(pieces.into_iter().map(Item::Exact));
            items.push(Item::Prefix(last));
        } else {
            if word.contains('*') {
                return Err(format!(
                    "`{word}`: `*` is either a word of its own or the last character of a word"
                ));
            }
            let stems = analyzer.stems(lang, word);
            if stems.is_empty() {
                return Err(format!("`{word}` has no letters or digits"));
            }
            items.extend(stems.into_iter().map(Item::Stem));
        }
    }
    match (items.first(), items.last()) {
        (Some(first), _) if !first.is_test() => {
            Err("a phrase cannot start with `*` or `~N`".into())
        }
        (_, Some(last)) if !last.is_test() => Err("a phrase cannot end with `*` or `~N`".into()),
        (None, _) => Err("empty phrase".into()),
        _ => Ok(items),
    }
}

/// Splits `text` into lowercased word tokens the way the analyzer's tokenizer does (runs of
/// alphanumeric characters), folding `ё` to `е`.
pub fn surface_tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fold_surface)
        .collect()
}

/// The comparison form of a surface token: lowercase, `ё` folded to `е`.
pub fn fold_surface(token: &str) -> String {
    let lower = token.to_lowercase();
    if lower.contains('ё') {
        lower.replace('ё', "е")
    } else {
        lower
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Vec<Item>>, String> {
        parse_phrase(text, Lang::En, &mut Analyzer::default()).map(|p| p.alternatives)
    }

    fn stem(s: &str) -> Item {
        Item::Stem(s.into())
    }

    #[test]
    fn words_are_stemmed_and_gaps_parsed() {
        assert_eq!(
            parse("Sanctions * useless").unwrap(),
            [vec![stem("sanction"), Item::Any, stem("useless")]]
        );
        assert_eq!(
            parse("sanctions ~3 futile").unwrap(),
            [vec![stem("sanction"), Item::Gap(3), stem("futil")]]
        );
    }

    #[test]
    fn alternatives_split_on_bars() {
        assert_eq!(
            parse("dead end | impasse").unwrap(),
            [vec![stem("dead"), stem("end")], vec![stem("impass")]]
        );
    }

    #[test]
    fn split_words_give_several_tokens() {
        assert_eq!(parse("U.S.").unwrap(), [vec![stem("u"), stem("s")]]);
    }

    #[test]
    fn globs_and_exact_words_stay_unstemmed() {
        assert_eq!(
            parse("=sanctions non-prolif*").unwrap(),
            [vec![
                Item::Exact("sanctions".into()),
                Item::Exact("non".into()),
                Item::Prefix("prolif".into())
            ]]
        );
        let ru = parse_phrase("санкци* =ещё", Lang::Ru, &mut Analyzer::default()).unwrap();
        assert_eq!(
            ru.alternatives,
            [vec![
                Item::Prefix("санкци".into()),
                Item::Exact("еще".into())
            ]]
        );
    }

    #[test]
    fn exact_words_with_capitals_are_case_sensitive() {
        assert_eq!(
            parse("=US =U.S.-led =usa").unwrap(),
            [vec![
                Item::ExactCase("US".into()),
                Item::ExactCase("U".into()),
                Item::ExactCase("S".into()),
                Item::ExactCase("led".into()),
                Item::Exact("usa".into())
            ]]
        );
    }

    #[test]
    fn bad_phrases_say_why() {
        for (text, needle) in [
            ("", "empty"),
            ("* sanction", "start"),
            ("sanction ~2", "end"),
            ("a ~0 b", "between ~1"),
            ("a ~21 b", "between ~1"),
            ("a ~x b", "number"),
            ("a | | b", "empty alternative"),
            ("sanc*tion", "last character"),
            ("- *", "letters"),
            ("—", "no letters"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains(needle), "{text:?}: {err}");
        }
    }
}
