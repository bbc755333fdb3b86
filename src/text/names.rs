//! Matching a name typed by the user against a stored name (speaker, source, tag, turn
//! speaker) by whole words, case-insensitively.
//!
//! Contract: `putin` matches `Vladimir Putin`, `"vladimir putin"` matches it too, `vlad*`
//! matches it by prefix of a word, and `put` does not (words are runs of letters and
//! digits, as the text analyzer's tokenizer sees them). The words of the pattern must
//! appear consecutively and in order in the stored name.

/// A name pattern: lowercased words, the last one optionally a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NamePattern {
    words: Vec<String>,
    prefix_last: bool,
}

impl NamePattern {
    /// A pattern of the words of `text`; `None` when it has no word.
    pub(crate) fn new(text: &str, prefix_last: bool) -> Option<NamePattern> {
        let words = words(text);
        (!words.is_empty()).then_some(NamePattern { words, prefix_last })
    }

    /// Whether `name` contains the pattern's words, consecutively.
    pub(crate) fn matches(&self, name: &str) -> bool {
        let name = words(name);
        if name.len() < self.words.len() {
            return false;
        }
        let last = self.words.len() - 1;
        name.windows(self.words.len()).any(|window| {
            window
                .iter()
                .zip(&self.words)
                .enumerate()
                .all(|(i, (w, p))| {
                    if i == last && self.prefix_last {
                        w.starts_with(p.as_str())
                    } else {
                        w == p
                    }
                })
        })
    }
}

/// Lowercased words (runs of letters and digits) of `text`, with `ё` folded to `е`.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('ё', "е"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> NamePattern {
        NamePattern::new(text, false).unwrap()
    }

    #[test]
    fn whole_words_in_order() {
        assert!(pattern("putin").matches("Vladimir Putin"));
        assert!(pattern("Vladimir PUTIN").matches("Vladimir Putin"));
        assert!(!pattern("put").matches("Vladimir Putin"));
        assert!(!pattern("putin vladimir").matches("Vladimir Putin"));
        assert!(pattern("kremlin").matches("kremlin.ru"));
        assert!(pattern("kremlin.ru").matches("kremlin.ru"));
        assert!(pattern("Пётр").matches("Петр Иванов"));
    }

    #[test]
    fn the_last_word_can_be_a_prefix() {
        let prefix = NamePattern::new("vladimir pu", true).unwrap();
        assert!(prefix.matches("Vladimir Putin"));
        assert!(
            !NamePattern::new("pu vladimir", true)
                .unwrap()
                .matches("Vladimir Putin")
        );
    }

    #[test]
    fn a_pattern_needs_a_word() {
        assert_eq!(NamePattern::new(" - ", false), None);
    }
}
