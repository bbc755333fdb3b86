//! Rule-based sentence boundaries inside one paragraph.
//!
//! A sentence ends at `.`, `!`, `?` or `…` (plus closing quotes or brackets) when the next
//! non-space character starts a new sentence (uppercase, digit, opening quote or dash) and
//! the word before the stop is not an abbreviation or an initial (`Mr.`, `U.S.`, `V. Putin`,
//! `т.е.`). Spans cover the whole paragraph without gaps except the spaces between sentences.

use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem;

use super::words::char_at;

/// Abbreviations (lowercase, without the final dot) after which a dot does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "no", "nos", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n",
    "gen", "col", "lt", "sgt", "prof", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "approx", "inc", "ltd", "co", "jr", "sr", "т", "г", "гг", "т.е",
    "т.д", "т.п", "др", "пр", "см", "им", "ул", "млн", "млрд", "тыс", "руб", "н.э", "с.г",
];

/// The ASCII abbreviations as eight bytes, zero-padded, sorted (compared as numbers, found
/// by binary search).
static ASCII_ABBREVIATIONS: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut keys: Vec<u64> = ABBREVIATIONS
        .iter()
        .filter(|a| a.is_ascii() && a.len() <= 8)
        .map(|a| {
            let mut bytes = [0u8; 8];
            bytes[..a.len()].copy_from_slice(a.as_bytes());
            u64::from_le_bytes(bytes)
        })
        .collect();
    keys.sort_unstable();
    keys
});

/// Byte ranges of the sentences of `paragraph`, trimmed of surrounding whitespace.
///
/// A paragraph with only whitespace yields no sentence; any other yields at least one.
pub fn sentence_spans(paragraph: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    for_each_sentence(paragraph, |span| spans.push(span));
    spans
}

/// Calls `visit` with each of [`sentence_spans`], in order, without collecting them.
pub fn for_each_sentence(paragraph: &str, mut visit: impl FnMut(Range<usize>)) {
    let mut start = 0;
    // Byte offsets throughout; only the bytes that can start a terminator (`.`, `!`, `?`
    // and the lead byte of `…`) are decoded.
    let bytes = paragraph.as_bytes();
    let mut i = 0;
    let mut stops = Stops::new(bytes);
    while let Some(at) = stops.next_from(i) {
        let (c, len) = char_at(paragraph, at);
        i = at + len;
        // A run of stops and closing marks belongs to this sentence: `?!`, `..."`, `.)`.
        let end = skip_while(paragraph, i, |next| {
            matches!(
                next,
                '.' | '!' | '?' | '…' | '"' | '\'' | '”' | '’' | '»' | ')' | ']'
            )
        });
        let next_start = skip_while(paragraph, end, char::is_whitespace);
        let has_space = next_start > end;
        let starts_new = match paragraph[next_start..].chars().next() {
            None => true,
            Some(n) => {
                has_space
                    && (is_uppercase(n)
                        || n.is_ascii_digit()
                        || matches!(n, '"' | '“' | '«' | '\'' | '‘' | '—' | '–' | '-' | '('))
            }
        };
        if starts_new && !(c == '.' && ends_with_abbreviation(&paragraph[start..at])) {
            push_trimmed(&mut visit, paragraph, start, end);
            start = next_start;
        }
        i = end;
    }
    push_trimmed(&mut visit, paragraph, start, paragraph.len());
}

/// Finds the sentence stops of a text (`.`, `!`, `?`, `…`) from a position onwards, with a
/// SIMD search for the ASCII ones and a remembered position of the next ellipsis (most
/// texts have few, and curly quotes share its first byte).
struct Stops<'a> {
    bytes: &'a [u8],
    /// Position of the next `…` at or after the last search start (None: no more).
    ellipsis: Option<usize>,
}

const ELLIPSIS: &[u8] = "…".as_bytes();

/// The searcher for [`ELLIPSIS`], built once (`memmem::find` builds one per call, which on
/// a short paragraph costs more than the search).
static ELLIPSIS_FINDER: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(ELLIPSIS));

impl<'a> Stops<'a> {
    fn new(bytes: &'a [u8]) -> Stops<'a> {
        Stops {
            bytes,
            ellipsis: ELLIPSIS_FINDER.find(bytes),
        }
    }

    /// Byte offset of the first stop at or after `from`.
    fn next_from(&mut self, from: usize) -> Option<usize> {
        let rest = self.bytes.get(from..)?;
        if self.ellipsis.is_some_and(|e| e < from) {
            self.ellipsis = ELLIPSIS_FINDER.find(rest).map(|k| from + k);
        }
        let ascii = memchr::memchr3(b'.', b'!', b'?', rest).map(|k| from + k);
        match (ascii, self.ellipsis) {
            (Some(a), Some(e)) => Some(a.min(e)),
            (found, None) | (None, found) => found,
        }
    }
}

/// The byte offset of the first character at or after `from` that fails `keep`.
fn skip_while(text: &str, from: usize, keep: impl Fn(char) -> bool) -> usize {
    text[from..]
        .char_indices()
        .find(|&(_, c)| !keep(c))
        .map_or(text.len(), |(k, _)| from + k)
}

fn push_trimmed(visit: &mut impl FnMut(Range<usize>), text: &str, start: usize, end: usize) {
    let slice = &text[start..end];
    let rest = slice.trim_start();
    let trimmed = rest.trim_end();
    if !trimmed.is_empty() {
        let lead = slice.len() - rest.len();
        visit(start + lead..start + lead + trimmed.len());
    }
}

/// `char::is_alphabetic`, with ASCII and basic Cyrillic answered without the Unicode
/// tables (a search of them for every Cyrillic letter was most of the splitting of Russian).
fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else if matches!(c, 'А'..='я' | 'Ё' | 'ё') {
        true
    } else {
        c.is_alphabetic()
    }
}

/// `char::is_uppercase`, with ASCII and basic Cyrillic answered without the Unicode tables.
fn is_uppercase(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_uppercase()
    } else if matches!(c, 'а'..='я' | 'ё') {
        false
    } else if matches!(c, 'А'..='Я' | 'Ё') {
        true
    } else {
        c.is_uppercase()
    }
}

/// Whether `before` (text up to a dot) ends with an abbreviation or a single-letter initial.
///
/// The last word is found byte by byte when it is ASCII up to its separator (most are, and
/// this runs at every full stop); a word with other characters, or one after a separator
/// that is not ASCII, goes through [`ends_with_abbreviation_chars`].
fn ends_with_abbreviation(before: &str) -> bool {
    let bytes = before.as_bytes();
    // Seven ASCII letters before the dot: a word too long for an abbreviation, with more
    // than one letter (through `char`s it would be as long, its letters the same).
    if bytes.len() >= 7 && bytes[bytes.len() - 7..].iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let mut start = bytes.len();
    while let Some(&b) = start.checked_sub(1).and_then(|i| bytes.get(i)) {
        if !b.is_ascii() {
            return ends_with_abbreviation_chars(before);
        }
        if char::from(b).is_whitespace() || matches!(b, b'(' | b'"') {
            break;
        }
        start -= 1;
    }
    let word = &bytes[start..];
    let mut letters = word.iter().filter(|b| b.is_ascii_alphabetic());
    if let (Some(&first), None) = (letters.next(), letters.next()) {
        // An initial such as `V.` in `V. Putin` (but not the pronoun `I`).
        return first.is_ascii_uppercase() && first != b'I';
    }
    is_ascii_abbreviation(word)
}

/// [`ends_with_abbreviation`] for any text, through `char`s.
fn ends_with_abbreviation_chars(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '«' | '“'))
        .next()
        .unwrap_or("");
    let mut letters = word.chars().filter(|&c| is_alphabetic(c));
    if let (Some(first), None) = (letters.next(), letters.next()) {
        // An initial such as `V.` in `V. Putin` (but not the pronoun `I`).
        return is_uppercase(first) && first != 'I';
    }
    if word.is_ascii() {
        return is_ascii_abbreviation(word.as_bytes());
    }
    // Lowercasing never shortens a word, and no abbreviation is longer than 6 characters.
    if word.chars().count() > 6 {
        return false;
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Whether the ASCII `word` is one of [`ABBREVIATIONS`] in any case: lowercased into eight
/// bytes of a `u64` and compared as a number (a heap copy per full stop would cost more than
/// the test).
fn is_ascii_abbreviation(word: &[u8]) -> bool {
    // No abbreviation is longer than 6 characters.
    if word.len() > 6 {
        return false;
    }
    // The first byte lowest, as `u64::from_le_bytes` reads it.
    let key = word.iter().rev().fold(0u64, |key, &b| {
        (key << 8) | u64::from(b.to_ascii_lowercase())
    });
    ASCII_ABBREVIATIONS.binary_search(&key).is_ok()
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy;

    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        sentence_spans(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_on_stops_followed_by_capitals() {
        assert_eq!(
            sentences("Sanctions are useless. They will eat grass! Will they? Yes."),
            [
                "Sanctions are useless.",
                "They will eat grass!",
                "Will they?",
                "Yes."
            ]
        );
    }

    #[test]
    fn keeps_abbreviations_and_initials_inside() {
        assert_eq!(
            sentences("Mr. Putin met V. Lavrov in the U.S. Embassy. Then he left."),
            [
                "Mr. Putin met V. Lavrov in the U.S. Embassy.",
                "Then he left."
            ]
        );
    }

    #[test]
    fn handles_russian_and_closing_quotes() {
        assert_eq!(
            sentences("Он сказал: «Это тупик». Санкции бесполезны, т.е. не работают."),
            [
                "Он сказал: «Это тупик».",
                "Санкции бесполезны, т.е. не работают."
            ]
        );
    }

    #[test]
    fn decimals_and_lowercase_continuations_do_not_split() {
        assert_eq!(
            sentences("Growth was 1.5 percent. ok."),
            ["Growth was 1.5 percent. ok."]
        );
    }

    #[test]
    fn fast_letter_classes_agree_with_char() {
        for c in ('\0'..='\u{500}').chain(['\u{1E9E}', 'ǅ', 'Ⅻ', '\u{2160}']) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_uppercase(c), c.is_uppercase(), "{c:?}");
        }
    }

    #[test]
    fn empty_paragraph_has_no_sentence() {
        assert!(sentence_spans("   ").is_empty());
        assert_eq!(sentences("no stop at all"), ["no stop at all"]);
    }

    /// The splitter as first written (a vector of every character), kept as the reference
    /// the byte-offset version must agree with.
    fn reference_spans(paragraph: &str) -> Vec<Range<usize>> {
        let mut spans = Vec::new();
        let mut start = 0;
        let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (_, c) = chars[i];
            if matches!(c, '.' | '!' | '?' | '…') {
                let mut j = i + 1;
                // A run of stops and closing marks belongs to this sentence: `?!`, `..."`, `.)`.
                while j < chars.len()
                    && matches!(
                        chars[j].1,
                        '.' | '!' | '?' | '…' | '"' | '\'' | '”' | '’' | '»' | ')' | ']'
                    )
                {
                    j += 1;
                }
                let end = chars.get(j).map_or(paragraph.len(), |&(o, _)| o);
                let mut k = j;
                while k < chars.len() && chars[k].1.is_whitespace() {
                    k += 1;
                }
                let has_space = k > j;
                let next = chars.get(k).map(|&(_, n)| n);
                let starts_new = match next {
                    None => true,
                    Some(n) => {
                        has_space
                            && (n.is_uppercase()
                                || n.is_ascii_digit()
                                || matches!(
                                    n,
                                    '"' | '“' | '«' | '\'' | '‘' | '—' | '–' | '-' | '('
                                ))
                    }
                };
                if starts_new
                    && !(c == '.' && ends_with_abbreviation(&paragraph[start..chars[i].0]))
                {
                    push_trimmed(&mut |r| spans.push(r), paragraph, start, end);
                    start = chars.get(k).map_or(paragraph.len(), |&(o, _)| o);
                }
                i = j.max(i + 1);
            } else {
                i += 1;
            }
        }
        push_trimmed(&mut |r| spans.push(r), paragraph, start, paragraph.len());
        spans
    }

    /// The abbreviation test through `char`s only: the definition the byte path must agree
    /// with.
    fn reference_ends_with_abbreviation(before: &str) -> bool {
        let word = before
            .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '«' | '“'))
            .next()
            .unwrap_or("");
        let mut letters = word.chars().filter(|&c| c.is_alphabetic());
        if let (Some(first), None) = (letters.next(), letters.next()) {
            return first.is_uppercase() && first != 'I';
        }
        word.chars().count() <= 6 && ABBREVIATIONS.contains(&word.to_lowercase().as_str())
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_reference_splitter(
            text in "[ a-zA-Zа-яА-Я0-9.!?…\"'”’»)\\]“«‘—–(-]{0,60}"
        ) {
            proptest::prop_assert_eq!(sentence_spans(&text), reference_spans(&text));
        }

        /// The byte path and the `char` path answer as the reference for text up to a dot:
        /// ASCII and other words, every separator, initials, abbreviations in any case.
        #[test]
        fn the_abbreviation_test_agrees_with_its_reference(
            head in "[ a-zA-Zа-я.\u{a0}]{0,12}",
            separator in proptest::sample::select(vec!["", " ", "\t", "\u{b}", "(", "\"", "«", "“", "\u{a0}", "\u{2009}"]),
            word in proptest::prop_oneof![
                proptest::sample::select(ABBREVIATIONS.to_vec()).prop_map(str::to_uppercase),
                proptest::sample::select(ABBREVIATIONS.to_vec()).prop_map(str::to_string),
                "[a-zA-Z.0-9]{0,9}",
                // Initials, and the pronoun `I`, which is not one.
                "[IViva][.0-9]{0,2}",
                // One letter in a long word is still an initial.
                "[.0-9]{0,4}[IViva][.0-9]{4,8}",
                "[a-zA-Zа-яА-ЯİẞΣ.]{0,8}",
            ],
        ) {
            let before = format!("{head}{separator}{word}");
            proptest::prop_assert_eq!(
                ends_with_abbreviation(&before),
                reference_ends_with_abbreviation(&before),
                "{:?}", before
            );
        }

        /// A word is an abbreviation as when it was looked up through a lowercased copy,
        /// whatever its case and script.
        #[test]
        fn abbreviations_are_found_as_through_a_lowercased_copy(
            pick in proptest::sample::select(ABBREVIATIONS.to_vec()),
            upper in proptest::collection::vec(proptest::bool::ANY, 6),
            noise in "[a-zA-Zа-яА-ЯİẞΣ.]{0,8}",
            use_noise in proptest::bool::ANY,
        ) {
            let word: String = if use_noise {
                noise
            } else {
                pick.chars()
                    .zip(upper.iter().cycle())
                    .map(|(c, &up)| if up { c.to_uppercase().next().unwrap_or(c) } else { c })
                    .collect()
            };
            let letters = word.chars().filter(|&c| c.is_alphabetic()).count();
            if letters != 1 {
                let expected = word.chars().count() <= 6
                    && ABBREVIATIONS.contains(&word.to_lowercase().as_str());
                proptest::prop_assert_eq!(ends_with_abbreviation(&format!("Said {word}")), expected);
                if !use_noise {
                    proptest::prop_assert!(expected);
                }
            }
        }
    }
}
