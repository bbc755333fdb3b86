//! Character-level pieces of the analyzer, shared by its fast path ([`super::fast`], used by
//! search highlighting and theme counting) and by the sentence splitter (`char_at`).
//!
//! Contract: each function gives exactly what the analyzer of [`super::text_analyzer`]
//! does (Tantivy's `SimpleTokenizer` word runs, `RemoveLongFilter`, `LowerCaser`, then the
//! `ё`→`е` fold and the Snowball stemmer); both callers check this with property tests.

use rust_stemmers::{Algorithm, Stemmer};

use crate::document::Lang;

/// Tokens of this many bytes or more are dropped: they are noise (URLs, base64, tables).
pub(crate) const MAX_TOKEN_BYTES: usize = 60;

/// English words whose Snowball stem is not a prefix of the word minus its last letters
/// (`dying` -> `die`): fast paths that skip stemming must always stem these.
pub(crate) const IRREGULAR_EN: &[&str] = &["dying", "lying", "tying"];

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
    #[cfg(test)]
    pub(crate) fn stem<'a>(&self, lang: Lang, folded: &'a str) -> std::borrow::Cow<'a, str> {
        self.get(lang).stem(folded)
    }

    /// The stemmer of `lang`.
    pub(crate) fn get(&self, lang: Lang) -> &Stemmer {
        match lang {
            Lang::En => &self.en,
            Lang::Ru => &self.ru,
        }
    }
}

/// A word of at most [`ShortWord::MAX`] bytes kept inline, as little-endian 64-bit words
/// padded with zero bytes (a token is alphanumeric, so it holds no NUL and the padding is
/// unambiguous). As a hash-table key it is compared without a pointer chase or a `memcmp`
/// call, which on a large vocabulary cost more than the rest of a lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ShortWord([u64; 3]);

impl std::hash::Hash for ShortWord {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let [a, b, c] = self.0;
        state.write_u64(a ^ b.rotate_left(21) ^ c.rotate_left(42));
    }
}

impl ShortWord {
    pub(crate) const MAX: usize = 24;

    /// `word`, or `None` when it is longer than [`ShortWord::MAX`] or holds a NUL.
    pub(crate) fn new(word: &str) -> Option<ShortWord> {
        if word.as_bytes().contains(&0) {
            return None;
        }
        ShortWord::of(word.as_bytes(), 0..word.len())
    }

    /// The token `text[word]` (alphanumeric, so without NUL), or `None` when it is longer
    /// than [`ShortWord::MAX`]. Reads the 24 bytes from the word's start at once when the
    /// text has them.
    #[inline]
    pub(crate) fn of(text: &[u8], word: std::ops::Range<usize>) -> Option<ShortWord> {
        let len = word.end - word.start;
        if len > ShortWord::MAX {
            return None;
        }
        let mut padded = [0u8; ShortWord::MAX];
        let bytes: &[u8; ShortWord::MAX] = match text.get(word.start..word.start + ShortWord::MAX) {
            Some(chunk) => chunk.try_into().ok()?,
            None => {
                padded[..len].copy_from_slice(&text[word]);
                &padded
            }
        };
        let mut words = [0u64; 3];
        for (k, out) in words.iter_mut().enumerate() {
            let chunk: [u8; 8] = bytes[8 * k..8 * k + 8].try_into().ok()?;
            let value = u64::from_le_bytes(chunk);
            *out = match len.saturating_sub(8 * k) {
                0 => 0,
                keep @ 1..8 => value & ((1u64 << (8 * keep)) - 1),
                _ => value,
            };
        }
        Some(ShortWord(words))
    }

    /// The word as a [`crate::text::small_words::small_key`] when it has at most eight
    /// bytes (and is not empty).
    pub(crate) fn small(&self) -> Option<u64> {
        let [a, b, c] = self.0;
        (a != 0 && b == 0 && c == 0).then_some(a)
    }

    /// The word as a [`crate::text::small_words::small_key16`] when it has nine to sixteen
    /// bytes.
    pub(crate) fn small16(&self) -> Option<u128> {
        let [a, b, c] = self.0;
        (b != 0 && c == 0).then_some(u128::from(a) | u128::from(b) << 64)
    }

    /// The word's bytes as one `u128` (zero-padded) when it has one to sixteen bytes.
    pub(crate) fn up_to16(&self) -> Option<u128> {
        let [a, b, c] = self.0;
        (a != 0 && c == 0).then_some(u128::from(a) | u128::from(b) << 64)
    }

    /// The word's bytes, zero-padded, and its length.
    fn bytes(&self) -> ([u8; ShortWord::MAX], usize) {
        let mut bytes = [0u8; ShortWord::MAX];
        for (chunk, word) in bytes.chunks_exact_mut(8).zip(self.0) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        let len = bytes.iter().position(|&b| b == 0).unwrap_or(ShortWord::MAX);
        (bytes, len)
    }

    /// Replaces `out` by the word (see [`replace_with_stem`]; the bytes are a copy of a
    /// whole `str`, see `of`, so they are valid UTF-8).
    pub(crate) fn replace(&self, out: &mut String) {
        let (bytes, len) = self.bytes();
        replace_with_stem(out, &bytes[..len]);
    }
}

/// Replaces `word` by `stem` (UTF-8 bytes; `false`, and `word` unchanged, when they are
/// not). A stem mostly cuts an ending off its word: then `word` is only shortened, without
/// checking the stem's characters.
#[inline]
pub(crate) fn replace_with_stem(word: &mut String, stem: &[u8]) -> bool {
    if word.as_bytes().starts_with(stem) && word.is_char_boundary(stem.len()) {
        word.truncate(stem.len());
        return true;
    }
    match std::str::from_utf8(stem) {
        Ok(stem) => {
            word.clear();
            word.push_str(stem);
            true
        }
        Err(_) => false,
    }
}

/// The character starting at byte `i` (a character boundary) of `text`, and its length in
/// bytes (ASCII without decoding).
#[inline]
pub(crate) fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (b as char, 1);
    }
    let c = text[i..].chars().next().unwrap_or('\u{0}');
    (c, c.len_utf8())
}

/// Calls `visit(start, end)` with the byte range of every maximal run of word characters
/// of `text` in order (Tantivy's `SimpleTokenizer`: each run is a token and takes a
/// position), long runs included.
#[inline]
pub(crate) fn for_each_run(text: &str, mut visit: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let (word, len) = word_char_at(text, i);
        if word {
            let end = run_end(text, i + len);
            visit(i, end);
            i = end;
        } else {
            i += len;
        }
    }
}

/// The first word of `text` (a run of word characters, as [`for_each_run`] finds them) of
/// [`MAX_TOKEN_BYTES`] bytes or more: the analyzer leaves such words out, so a query or a
/// pattern naming one can never match.
pub fn overlong_word(text: &str) -> Option<&str> {
    let mut from = 0;
    while let Some((start, end)) = next_run(text, from) {
        if end - start >= MAX_TOKEN_BYTES {
            return Some(&text[start..end]);
        }
        from = end;
    }
    None
}

/// Why `word` ([`overlong_word`]) cannot be searched for, for a message.
pub fn overlong_reason(word: &str) -> String {
    format!(
        "`{}` is a word of {} bytes: words of {MAX_TOKEN_BYTES} bytes or more are left out of \
         the index (as noise: URLs, codes), so it can never match",
        crate::text::excerpt(word, 40),
        word.len()
    )
}

/// The first maximal run of word characters of `text` at or after byte `from` (a character
/// boundary), as [`for_each_run`] finds them.
#[inline]
pub(crate) fn next_run(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut i = from;
    while i < text.len() {
        let (word, len) = word_char_at(text, i);
        if word {
            return Some((i, run_end(text, i + len)));
        }
        i += len;
    }
    None
}

/// Where the run of word characters that goes on at byte `i` ends.
#[inline(always)]
fn run_end(text: &str, mut i: usize) -> usize {
    while i < text.len() {
        let (word, len) = word_char_at(text, i);
        if !word {
            break;
        }
        i += len;
    }
    i
}

/// The runs of [`for_each_run`], found faster in a text that is mostly ASCII (English)
/// and slower in others (a Russian text: use [`for_each_run`]).
///
/// Sixty-four or eight ASCII bytes are classified at once ([`ascii_block`],
/// [`ascii_words`]): a run starts or ends where the class of a byte differs from the class
/// of the byte before (an edge). Where the next eight bytes are not all ASCII, characters
/// go one at a time through [`word_char_at`] up to the end of the next run. Every run end
/// is reported from one place, so `visit` is inlined once. On Russian text nearly every
/// eight bytes hold a Cyrillic letter and the failed attempts cost more than they save (14 M
/// instructions more on the 2025 Russian count than [`for_each_run`]). A property test
/// checks both against `char::is_alphanumeric` character by character.
#[inline]
pub(crate) fn for_each_run_ascii(text: &str, mut visit: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    // Next byte to classify (a character boundary).
    let mut i = 0;
    // Whether the byte before `i` is in a run, and where that run starts.
    let mut in_run = false;
    let mut start = 0;
    loop {
        // Edges at the bytes from `base`: bit `k` for byte `base + k`.
        let mut base = i;
        let mut edges;
        // The text ends with the edge.
        let mut done = false;
        let before = u64::from(in_run);
        if let Some(words) = ascii_block(bytes, i) {
            // Sixty-four bytes at once: one exit from the edge loop below (a mispredicted
            // branch, most often) per 64 bytes instead of per 8.
            edges = words ^ ((words << 1) | before);
            i += BLOCK;
        } else if let Some(chunk) = ascii_chunk(bytes, i) {
            let words = gather(ascii_words(chunk));
            edges = (words ^ ((words << 1) | before)) & 0xFF;
            i += 8;
        } else {
            // Character by character up to the end of a run: one edge there.
            if !in_run {
                loop {
                    let Some(_) = bytes.get(i) else { return };
                    let (word, len) = word_char_at(text, i);
                    if word {
                        break;
                    }
                    i += len;
                }
                start = i;
                in_run = true;
            }
            loop {
                let Some(_) = bytes.get(i) else {
                    done = true;
                    break;
                };
                let (word, len) = word_char_at(text, i);
                if !word {
                    break;
                }
                i += len;
            }
            base = i;
            edges = 1;
        }
        while edges != 0 {
            let at = base + edges.trailing_zeros() as usize;
            edges &= edges - 1;
            if in_run {
                visit(start, at);
            } else {
                start = at;
            }
            in_run = !in_run;
        }
        if done {
            return;
        }
    }
}

/// Bytes classified at once by [`ascii_block`].
const BLOCK: usize = 64;

/// The word bytes among the [`BLOCK`] bytes of `bytes` from `i`, one bit each (bit `k`
/// for byte `i + k`), when there are that many and all are ASCII.
#[inline(always)]
fn ascii_block(bytes: &[u8], i: usize) -> Option<u64> {
    let block = bytes.get(i..)?.first_chunk::<BLOCK>()?;
    let chunk = |k: usize| {
        block[8 * k..]
            .first_chunk::<8>()
            .map(|c| u64::from_le_bytes(*c))
    };
    let mut high = 0;
    for k in 0..BLOCK / 8 {
        high |= chunk(k)?;
    }
    if high & HIGH != 0 {
        return None;
    }
    let mut words = 0;
    for k in 0..BLOCK / 8 {
        words |= gather(ascii_words(chunk(k)?)) << (8 * k);
    }
    Some(words)
}

/// The high bits of the eight bytes of `flags` (nothing else set), as bits 0 to 7: the
/// multiply moves byte `k`'s bit to bit `56 + k`, and no two partial products overlap.
#[inline(always)]
fn gather(flags: u64) -> u64 {
    ((flags >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Every byte's high bit.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The eight bytes of `bytes` from `i`, little-endian, when there are eight and all are
/// ASCII.
#[inline(always)]
fn ascii_chunk(bytes: &[u8], i: usize) -> Option<u64> {
    let chunk = u64::from_le_bytes(*bytes.get(i..)?.first_chunk::<8>()?);
    (chunk & HIGH == 0).then_some(chunk)
}

/// ASCII letters (any case) and digits among the eight bytes of `chunk` (ASCII only):
/// bit `8k + 7` set for byte `k`.
#[inline(always)]
fn ascii_words(chunk: u64) -> u64 {
    let lower = chunk | splat(0x20);
    let letters = (lower + splat(0x80 - b'a')) & !(lower + splat(0x7F - b'z'));
    let digits = (chunk + splat(0x80 - b'0')) & !(chunk + splat(0x7F - b'9'));
    (letters | digits) & HIGH
}

/// `b` in every byte.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// Whether the character at byte `i` of `text` is a word character, and its length in bytes.
#[inline(always)]
fn word_char_at(text: &str, i: usize) -> (bool, usize) {
    let bytes = text.as_bytes();
    let b = bytes[i];
    if b < 0x80 {
        return (ASCII_WORD[b as usize], 1);
    }
    if matches!(b, 0xD0 | 0xD1) {
        // U+0400-U+047F: Cyrillic letters, all alphanumeric (a test checks it).
        return (true, 2);
    }
    if b == 0xE2 && bytes.get(i + 1) == Some(&0x80) {
        // U+2000-U+203F: spaces, dashes, quotes, bullets (none alphanumeric; tested).
        return (false, 3);
    }
    let (c, len) = char_at(text, i);
    (is_word_char(c), len)
}

/// ASCII letters and digits, by byte.
static ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// `char::is_alphanumeric` (what `SimpleTokenizer` splits on), with ASCII and basic
/// Cyrillic answered without the Unicode tables.
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if matches!(c, 'А'..='я' | 'Ё' | 'ё') {
        true
    } else {
        c.is_alphanumeric()
    }
}

/// `text` lowercased as Tantivy's `LowerCaser` does, then `ё` folded to `е` (fast paths
/// for ASCII and basic Cyrillic).
///
/// Runs of bytes that fold to themselves (lowercase Latin and Cyrillic, digits, spaces,
/// most punctuation: most of a text) are copied whole; only the characters that change go
/// through [`fold_fast`] or `char::to_lowercase` (a test checks this against folding every
/// character).
pub(crate) fn fold_into(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        out.push_str(text);
        out.make_ascii_lowercase();
        return;
    }
    out.reserve(text.len());
    let bytes = text.as_bytes();
    // Start of the pending run of unchanged bytes.
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let unchanged = match b {
            b'A'..=b'Z' => 0,
            0..0x80 => 1,
            // а-п (U+0430-043F); below them capitals, `Ё` and `Ѐ`-`Џ`.
            0xD0 => 2 * usize::from(bytes.get(i + 1).is_some_and(|&n| n >= 0xB0)),
            // р-я and ѐ-џ (U+0440-045F) but `ё`; above them historic capitals.
            0xD1 => 2 * usize::from(bytes.get(i + 1).is_some_and(|&n| n < 0xA0 && n != 0x91)),
            _ => 0,
        };
        if unchanged > 0 {
            i += unchanged;
            continue;
        }
        out.push_str(&text[run..i]);
        let (c, len) = char_at(text, i);
        match fold_fast(c) {
            Some(folded) => out.push(folded),
            None => out.extend(c.to_lowercase().map(fold_yo)),
        }
        i += len;
        run = i;
    }
    out.push_str(&text[run..]);
}

/// The lowercase, `ё`-folded form of `c` when it is one character and cheap to know
/// (ASCII, Cyrillic, common punctuation); `None` sends the caller to `char::to_lowercase`.
pub(crate) fn fold_fast(c: char) -> Option<char> {
    Some(match c {
        'A'..='Z' | 'А'..='Я' => char::from_u32(c as u32 + 0x20)?,
        'Ё' | 'ё' => 'е',
        'Ѐ'..='Џ' => char::from_u32(c as u32 + 0x50)?,
        'а'..='я' | 'ѐ'..='џ' | '\u{2000}'..='\u{206F}' | '\u{A0}' | '«' | '»' => c,
        c if c.is_ascii() => c,
        _ => return None,
    })
}

/// `ё` as `е`, any other character unchanged.
pub(crate) fn fold_yo(c: char) -> char {
    if c == 'ё' { 'е' } else { c }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Every character through `fold_fast` or `to_lowercase` (the definition).
    fn fold_each(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match fold_fast(c) {
                Some(folded) => out.push(folded),
                None => out.extend(c.to_lowercase().map(fold_yo)),
            }
        }
        out
    }

    #[test]
    fn the_fast_fold_is_lowercasing() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            if let Some(fast) = fold_fast(c) {
                let slow: Vec<char> = c.to_lowercase().map(fold_yo).collect();
                assert_eq!(slow, [fast], "{c:?}");
            }
        }
    }

    #[test]
    fn folding_lowercases_and_folds_yo() {
        let mut out = String::new();
        for (text, folded) in [
            ("САНКЦИИ Ещё ЁЛКА", "санкции еще елка"),
            ("Ѐ Џ ѐ џ Ѡ ѡ", "ѐ џ ѐ џ ѡ ѡ"),
            (
                "İran KELVIN\u{212a} «Да» — Σ",
                "i\u{307}ran kelvink «да» — σ",
            ),
        ] {
            fold_into(text, &mut out);
            assert_eq!(out, folded);
        }
    }

    #[test]
    fn short_words_round_trip_and_read_inside_a_text() {
        let mut out = String::new();
        for word in [
            "",
            "a",
            "sanction",
            "sanctions",
            "санкции",
            "x".repeat(24).as_str(),
        ] {
            out.clear();
            ShortWord::new(word).unwrap().replace(&mut out);
            assert_eq!(out, word);
        }
        assert_eq!(ShortWord::new(&"x".repeat(25)), None);
        assert_eq!(ShortWord::new("a\0b"), None);
        // A word inside a longer text reads the same as on its own, at the text's end too.
        let text = "Sanctions are useless, sanctions";
        let inner = ShortWord::of(text.as_bytes(), 0..9);
        assert_eq!(inner, ShortWord::new("Sanctions"));
        assert_eq!(
            ShortWord::of(text.as_bytes(), 23..32),
            ShortWord::new("sanctions")
        );
        assert_ne!(inner, ShortWord::of(text.as_bytes(), 23..32));
    }

    #[test]
    fn two_byte_cyrillic_is_all_word_characters() {
        for c in '\u{400}'..='\u{47f}' {
            assert!(is_word_char(c) && c.len_utf8() == 2, "{c:?}");
        }
    }

    #[test]
    fn general_punctuation_from_u2000_to_u203f_is_not() {
        for c in '\u{2000}'..='\u{203f}' {
            assert!(!is_word_char(c) && c.len_utf8() == 3, "{c:?}");
            assert_eq!(c.to_string().as_bytes()[..2], [0xE2, 0x80]);
        }
    }

    /// Runs as `char::is_alphanumeric` draws them, character by character.
    fn runs_of_chars(text: &str) -> Vec<(usize, usize)> {
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for (i, c) in text.char_indices() {
            if c.is_alphanumeric() {
                match runs.last_mut() {
                    Some(last) if last.1 == i => last.1 = i + c.len_utf8(),
                    _ => runs.push((i, i + c.len_utf8())),
                }
            }
        }
        runs
    }

    /// Both run finders give the runs of `char::is_alphanumeric` characters of `text`.
    fn check_runs(text: &str) -> Result<(), TestCaseError> {
        let mut runs = Vec::new();
        for_each_run(text, |start, end| runs.push((start, end)));
        prop_assert_eq!(&runs, &runs_of_chars(text));
        let mut ascii = Vec::new();
        for_each_run_ascii(text, |start, end| ascii.push((start, end)));
        prop_assert_eq!(ascii, runs);
        Ok(())
    }

    #[test]
    fn overlong_words_are_those_the_index_leaves_out() {
        let ascii = |n: usize| "a".repeat(n);
        assert_eq!(overlong_word(&format!("x {} y", ascii(59))), None);
        let sixty = format!("x {}-y", ascii(60));
        assert_eq!(overlong_word(&sixty), Some(ascii(60).as_str()));
        // Thirty Cyrillic letters are sixty bytes.
        let cyrillic = "ж".repeat(30);
        assert_eq!(
            overlong_word(&format!("«{cyrillic}»")),
            Some(cyrillic.as_str())
        );
        assert_eq!(overlong_word(&"ж".repeat(29)), None);
        assert!(overlong_reason(&ascii(500)).contains("500 bytes"));
    }

    proptest! {
        #[test]
        fn word_runs_are_alphanumeric_runs(text in "[a-zA-Z0-9 .,«»—\\-а-яА-ЯёЁѐ-џЀ-Џ\u{460}-\u{48f}İΣσÄä\u{300}\u{2000}-\u{2080}ℓ]{0,40}") {
            check_runs(&text)?;
        }

        /// Longer texts: words of ASCII and Cyrillic, with other characters here and there.
        #[test]
        fn long_word_runs_are_alphanumeric_runs(text in "([a-zA-Z0-9]{1,12}|[а-яА-ЯёЁ]{1,7}|[ .,\n'0-9]{1,3}|[—«»İΣ\u{300}ℓ\u{1F600}€]){0,40}") {
            check_runs(&text)?;
        }

        /// English-like texts, hundreds of bytes of ASCII with a rare other character: the
        /// 64-byte blocks, runs across their edges, and the way out of and back into them.
        #[test]
        fn mostly_ascii_word_runs_are_alphanumeric_runs(text in "([a-zA-Z0-9]{1,70}|[ .,\n'-]{1,3}|[—«»ä€]){0,60}") {
            check_runs(&text)?;
        }

        /// A short word written over another gives the short word, whether it is a prefix
        /// of the other (cut at a character boundary or not) or not.
        #[test]
        fn a_short_word_replaces_any_string(
            word in "[a-zаеёжя]{0,12}",
            cut in 0usize..30,
            other in "[a-zаеёжя€]{0,12}",
        ) {
            let stem = &word.as_bytes()[..cut.min(word.len())];
            let stem = String::from_utf8_lossy(stem).into_owned();
            for (over, expected) in [(&word, &stem), (&other, &stem), (&stem, &word)] {
                if let Some(short) = ShortWord::new(expected) {
                    let mut out = over.clone();
                    short.replace(&mut out);
                    prop_assert_eq!(&out, expected);
                }
            }
        }

        #[test]
        fn runs_fold_like_each_character(text in "[a-zA-Z0-9 .,«»—\\-а-яА-ЯёЁѐ-џЀ-ЏѠ-ѿİ\u{212a}ΣσÄä]{0,40}") {
            let mut out = String::new();
            fold_into(&text, &mut out);
            prop_assert_eq!(out, fold_each(&text));
        }
    }
}
