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

/// Edits (Damerau-Levenshtein) within which a name typed by the user is taken for a
/// misspelling of a known one.
pub(crate) const MAX_EDITS: usize = 2;

/// The candidate whose `forms` come nearest to `wanted`, within [`MAX_EDITS`]; the first of
/// equals. `forms` gives the spellings a candidate may have been meant by.
pub(crate) fn nearest<T, F, I, S>(
    wanted: &str,
    candidates: impl IntoIterator<Item = T>,
    forms: F,
) -> Option<T>
where
    F: Fn(&T) -> I,
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    candidates
        .into_iter()
        .filter_map(|candidate| {
            let distance = forms(&candidate)
                .into_iter()
                .map(|form| strsim::damerau_levenshtein(wanted, form.as_ref()))
                .min()?;
            (distance <= MAX_EDITS).then_some((distance, candidate))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
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
    fn the_nearest_candidate_is_within_two_edits() {
        let ids = ["us_blame", "double_freeze"];
        let whole = |id: &&str| [id.to_string()];
        assert_eq!(nearest("us_blam", ids, whole), Some("us_blame"));
        assert_eq!(nearest("dobule_freeze", ids, whole), Some("double_freeze"));
        assert_eq!(nearest("sanctions", ids, whole), None);
        // Any form of a candidate counts, the nearest candidate wins.
        let words = |name: &&str| name.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            nearest("putn", ["anna putz", "vladimir putin"], words),
            Some("anna putz")
        );
        assert_eq!(
            nearest("putin", ["anna putz", "vladimir putin"], words),
            Some("vladimir putin")
        );
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
