//! Language detection for records that do not say their language.
//!
//! statemine knows two languages, English and Russian, and they are written in disjoint
//! alphabets, so the share of Cyrillic among the letters is enough: no n-gram model is
//! needed. Russian statements quote Latin names (`NATO`, `Trump`) and English ones quote
//! Cyrillic hashtags, but neither comes near half of the letters, so a majority decides.

use crate::document::Lang;

/// Letters looked at: the opening of a text decides as well as the whole of it.
const SAMPLE_LETTERS: usize = 4000;

/// The language of `text`: Russian when most of its letters are Cyrillic, else English.
///
/// A text without letters (only digits or punctuation) is taken as English.
pub fn detect_lang(text: &str) -> Lang {
    let mut cyrillic = 0usize;
    let mut latin = 0usize;
    for c in text
        .chars()
        .filter(|c| c.is_alphabetic())
        .take(SAMPLE_LETTERS)
    {
        if matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}') {
            cyrillic += 1;
        } else if c.is_ascii_alphabetic() || matches!(c, '\u{00C0}'..='\u{024F}') {
            latin += 1;
        }
    }
    if cyrillic > latin { Lang::Ru } else { Lang::En }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_text_with_latin_names_is_russian() {
        assert_eq!(
            detect_lang(
                "Санкции против КНДР бесполезны, сказал он журналистам после встречи с Trump."
            ),
            Lang::Ru
        );
    }

    #[test]
    fn english_text_with_a_cyrillic_hashtag_is_english() {
        assert_eq!(
            detect_lang(
                "Another comment arrived under the tag #СмотрюЛинию during the broadcast today."
            ),
            Lang::En
        );
    }

    #[test]
    fn text_without_letters_defaults_to_english() {
        assert_eq!(detect_lang("2017 — 12:30"), Lang::En);
    }
}
