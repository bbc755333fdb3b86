//! The analyzer's fast path, shared by search highlighting (`search::scan`) and theme
//! counting (`themes::tokens`): analyze only the words that may stem to a stem in use.
//!
//! Why: Snowball stemming is most of the cost of analysis, and a query or a theme set uses
//! a few hundred stems at most. Three pieces, one implementation each:
//! - **One key rule** ([`stem_key`]). A Snowball stem only strips or rewrites the end of a
//!   word, so a word can stem to `S` only if its folded form starts with the key of `S`:
//!   Russian only strips endings (the key is `S`); English rewrites endings into `e`, `i`,
//!   `l` or `y` (an added `e`, `y` -> `i`, `-biliti` -> `-bl(e)`, `skies` -> `sky`), so the
//!   key is `S` minus its last letter when that letter is one of these, else `S`. The
//!   English exceptions that break the rule (`dying` -> `die`, `lying`, `tying`) are always
//!   stemmed ([`is_irregular`]). A prefix `P` of stems has the key `stem_key(P)` too: a stem
//!   that starts with `P` has a key that starts with `P`.
//! - **One first-byte filter** ([`LeadFilter`], from the first four bytes of a token):
//!   most words start with no key and are told apart without folding them.
//! - **One stem cache** ([`StemCache`]): the stem of each folded word, kept inline for
//!   words of up to 24 bytes; the analyzer's own stemming stage uses it too, with a
//!   [`SharedStems`] table between the copies of one analyzer.
//!
//! Contract: a word that the shared analyzer stems to a stem whose key was given passes
//! [`WordFilter::may_stem_to_key`], and [`StemCache`] gives the analyzer's stem. The
//! property tests below check this on random English and Russian text, and the key rule
//! on every distinct word of the shared corpora (a test that fails, naming the folder,
//! when `../shared` is absent).

use std::sync::{Mutex, MutexGuard, PoisonError};

use rust_stemmers::Stemmer;
use rustc_hash::FxHashMap;

pub(crate) use super::lead::{LeadFilter, lead_of};
use super::small_words::{SmallWords, small_key, small_key16};
use super::words::{IRREGULAR_EN, ShortWord, fold_fast, fold_yo, replace_with_stem};
use crate::document::Lang;

/// The key of `stem`: a word of `lang` can stem to `stem` only if its folded form starts
/// with the returned key (see the module header; the exceptions are [`is_irregular`]).
pub(crate) fn stem_key(lang: Lang, stem: &str) -> &str {
    match (lang, stem.char_indices().last()) {
        (Lang::En, Some((i, 'e' | 'i' | 'l' | 'y'))) => &stem[..i],
        _ => stem,
    }
}

/// Whether `folded` is an English exception whose stem does not start with its key.
pub(crate) fn is_irregular(lang: Lang, folded: &str) -> bool {
    lang == Lang::En && IRREGULAR_EN.contains(&folded)
}

/// The words of `lang` that may stem to a stem with one of a set of keys: the lead filter,
/// then the exact test on the folded word, and the irregular words.
pub(crate) struct WordFilter {
    lang: Lang,
    lead: LeadFilter,
    keys: Vec<String>,
}

impl WordFilter {
    /// The filter for `keys` (folded: lowercase, `ё` as `е`), in `lang`.
    pub(crate) fn new(lang: Lang, keys: &[String]) -> WordFilter {
        let mut lead = LeadFilter::default();
        for key in keys {
            lead.insert(key);
        }
        if lang == Lang::En {
            for word in IRREGULAR_EN {
                lead.insert_exact(word);
            }
        }
        WordFilter {
            lang,
            lead,
            keys: keys.to_vec(),
        }
    }

    /// The keys the filter was made for.
    pub(crate) fn keys(&self) -> &[String] {
        &self.keys
    }

    /// Whether `word` (a token as written: letters and digits) may stem to a stem with one
    /// of the keys; `false` is exact, `true` may be a word whose stem is another.
    #[inline]
    pub(crate) fn may_stem_to_key(&self, word: &str) -> bool {
        if !self.lead.could_match(lead_of(word.as_bytes())) {
            return false;
        }
        self.keys.iter().any(|key| starts_with_folded(word, key))
            || (self.lang == Lang::En && IRREGULAR_EN.iter().any(|w| w.eq_ignore_ascii_case(word)))
    }
}

/// Whether `word`, lowercased with `ё` folded to `е`, starts with `key` (already lowercase
/// and folded).
fn starts_with_folded(word: &str, key: &str) -> bool {
    let (head, key_bytes) = (word.as_bytes().get(..key.len()), key.as_bytes());
    if key.is_ascii() {
        // ASCII characters fold one to one to ASCII: an ASCII head decides alone, and an
        // ASCII word shorter than the key cannot start with it.
        match head {
            Some(head) if head.is_ascii() => return head.eq_ignore_ascii_case(key_bytes),
            None if word.is_ascii() => return false,
            _ => {}
        }
    }
    let mut key = key.chars();
    for c in word.chars() {
        match fold_fast(c) {
            Some(folded) => match key.next() {
                None => return true,
                Some(k) if k != folded => return false,
                Some(_) => {}
            },
            None => {
                for folded in c.to_lowercase().map(fold_yo) {
                    match key.next() {
                        None => return true,
                        Some(k) if k != folded => return false,
                        Some(_) => {}
                    }
                }
            }
        }
    }
    key.next().is_none()
}

/// Stems remembered by folded word, up to a number of words (then all are forgotten:
/// bounds memory). Words and stems of up to [`ShortWord::MAX`] bytes sit inline in the
/// table, so a lookup reads one cache line instead of chasing a pointer to the key's bytes
/// (which, with heap strings, cost more than the rest of the lookup); longer words are
/// stemmed every time, except by the analyzer, which keeps them in a table of their own.
/// The stem is a function of the word, so the cache changes no result.
///
/// For the analyzer ([`StemCache::stem_in_place_shared`], asked once per token), words of
/// up to sixteen bytes whose stems are that short too (most tokens, English and Russian)
/// are remembered a second time, in a table keyed by the word as one `u64` (up to eight
/// bytes) or one `u128` ([`SmallWords`]): one multiply and one compare find them, where the
/// `ShortWord` table hashes and compares three words.
#[derive(Debug, Clone)]
pub(crate) struct StemCache {
    stems: FxHashMap<ShortWord, ShortWord>,
    /// Words longer than a [`ShortWord`] (Russian words of more than twelve letters), for
    /// the analyzer only ([`StemCache::stem_through`]): with their keys on the heap.
    long: FxHashMap<Box<str>, Box<str>>,
    /// Word of at most eight bytes -> its stem (at most eight bytes), both as
    /// [`small_key`]s.
    small: SmallWords<u64>,
    /// Word of nine to sixteen bytes (most Russian words) -> its stem (at most sixteen
    /// bytes), both as [`small_key16`]s.
    small16: SmallWords<u128, u128>,
    capacity: usize,
}

impl StemCache {
    /// A cache of at most `capacity` words.
    pub(crate) fn new(capacity: usize) -> StemCache {
        StemCache {
            stems: FxHashMap::default(),
            long: FxHashMap::default(),
            // Small at first: analyzers are cloned for every field, segment and query.
            small: SmallWords::with_slots(64),
            small16: SmallWords::with_slots(64),
            capacity,
        }
    }

    /// Replaces `word` by its stem when the small table knows it.
    #[inline]
    fn stem_small(&self, word: &mut String) -> bool {
        let len = word.len();
        // A NUL would be taken for padding (tokens hold none; other callers' words may).
        if len == 0 || len > 16 || word.as_bytes().contains(&0) {
            return false;
        }
        let stem = if len <= 8 {
            self.small
                .get(small_key(word.as_bytes(), 0..len))
                .map(u128::from)
        } else {
            self.small16.get(small_key16(word.as_bytes(), 0..len))
        };
        let Some(stem) = stem else {
            return false;
        };
        let bytes = stem.to_le_bytes();
        replace_with_stem(word, &bytes[..16 - stem.leading_zeros() as usize / 8])
    }

    /// Remembers `stem` as the stem of `word` in the small table, if both fit it.
    fn remember_small_words(&mut self, word: ShortWord, stem: ShortWord) {
        if let (Some(word), Some(stem)) = (word.small(), stem.small()) {
            if self.small.len() >= self.capacity {
                self.small.clear();
            }
            self.small.insert(word, stem);
        } else if let (Some(word), Some(stem)) = (word.small16(), stem.up_to16()) {
            if self.small16.len() >= self.capacity {
                self.small16.clear();
            }
            self.small16.insert(word, stem);
        }
    }

    /// Replaces the folded word in `word` by its stem (by `stemmer`, the cache's language).
    ///
    /// Only the `ShortWord` table: the callers (the theme matcher's first sight of a
    /// written form, snippets) ask for most words once, so a second table to fill would
    /// cost more than it saves.
    pub(crate) fn stem_in_place(&mut self, stemmer: &Stemmer, word: &mut String) {
        let key = ShortWord::new(word);
        if let Some(stem) = key.and_then(|key| self.stems.get(&key)) {
            stem.replace(word);
            return;
        }
        let stem = stemmer.stem(word).into_owned();
        if let (Some(key), Some(short)) = (key, ShortWord::new(&stem)) {
            self.remember(key, short);
        }
        *word = stem;
    }

    /// As [`StemCache::stem_in_place`], but a word this cache has not seen is looked up in
    /// `shared` before it is stemmed, and a word stemmed here is added to `shared`: copies
    /// of one analyzer (one per field and segment being written, so one per indexing thread
    /// at least) then run the stemmer once per word between them instead of once each.
    pub(crate) fn stem_in_place_shared(
        &mut self,
        stemmer: &Stemmer,
        shared: &SharedStems,
        word: &mut String,
    ) {
        if self.stem_small(word) {
            return;
        }
        if let Some((key, stem)) = self.stem_through(stemmer, shared, word) {
            self.remember_small_words(key, stem);
        }
    }

    /// As [`StemCache::stem_in_place_shared`] without the small table (for callers that
    /// ask for most words once, as [`StemCache::stem_in_place`]'s do): the counting
    /// threads of one matcher stem each word once between them.
    pub(crate) fn stem_in_place_through(
        &mut self,
        stemmer: &Stemmer,
        shared: &SharedStems,
        word: &mut String,
    ) {
        self.stem_through(stemmer, shared, word);
    }

    /// Replaces the folded word in `word` by its stem from this cache, else from `shared`,
    /// else from `stemmer` (then remembered in both); gives (word, stem) when both are
    /// [`ShortWord`]s.
    fn stem_through(
        &mut self,
        stemmer: &Stemmer,
        shared: &SharedStems,
        word: &mut String,
    ) -> Option<(ShortWord, ShortWord)> {
        let Some(key) = ShortWord::new(word) else {
            self.stem_long(stemmer, word);
            return None;
        };
        let stem = match self.stems.get(&key) {
            Some(&stem) => stem,
            None => match shared.get(key) {
                Some(stem) => {
                    self.remember(key, stem);
                    stem
                }
                None => {
                    let stem = stemmer.stem(word);
                    let Some(short) = ShortWord::new(&stem) else {
                        *word = stem.into_owned();
                        return None;
                    };
                    shared.insert(key, short);
                    self.remember(key, short);
                    short
                }
            },
        };
        stem.replace(word);
        Some((key, stem))
    }

    /// Replaces the folded `word`, longer than a [`ShortWord`], by its stem, remembered in
    /// this cache's own table of long words.
    fn stem_long(&mut self, stemmer: &Stemmer, word: &mut String) {
        if let Some(stem) = self.long.get(word.as_str()) {
            replace_with_stem(word, stem.as_bytes());
            return;
        }
        let stem = stemmer.stem(word).into_owned();
        if self.long.len() >= self.capacity {
            self.long.clear();
        }
        self.long.insert(word.as_str().into(), stem.as_str().into());
        *word = stem;
    }

    fn remember(&mut self, word: ShortWord, stem: ShortWord) {
        if self.stems.len() >= self.capacity {
            self.stems.clear();
        }
        self.stems.insert(word, stem);
    }
}

/// Stems found by any copy of one analyzer, shared between threads (see
/// [`StemCache::stem_in_place_shared`]). Each copy asks it only for words missing from its
/// own cache, so the lock is taken about once per distinct word and copy, not per token.
#[derive(Debug)]
pub(crate) struct SharedStems {
    stems: Mutex<StemCache>,
}

impl SharedStems {
    /// A shared cache of at most `capacity` words.
    pub(crate) fn new(capacity: usize) -> SharedStems {
        SharedStems {
            stems: Mutex::new(StemCache::new(capacity)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, StemCache> {
        // A panic elsewhere cannot leave a wrong stem in the table (an insert is one call),
        // so a poisoned lock is still good to read.
        self.stems.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self, word: ShortWord) -> Option<ShortWord> {
        self.lock().stems.get(&word).copied()
    }

    fn insert(&self, word: ShortWord, stem: ShortWord) {
        self.lock().remember(word, stem);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::text::Analyzer;
    use crate::text::words::{MAX_TOKEN_BYTES, Stemmers, fold_into, for_each_run};

    /// The fast path on `text` for the stems `stems`: (start, end, stem) of every token
    /// that passes the filter of their keys, stemmed through the cache.
    fn fast(lang: Lang, text: &str, stems: &[String], cache: &mut StemCache) -> Vec<Token> {
        let keys: Vec<String> = stems
            .iter()
            .map(|s| stem_key(lang, s).to_string())
            .collect();
        let filter = WordFilter::new(lang, &keys);
        let stemmers = Stemmers::default();
        let mut out = Vec::new();
        let mut word = String::new();
        for_each_run(text, |start, end| {
            if end - start >= MAX_TOKEN_BYTES || !filter.may_stem_to_key(&text[start..end]) {
                return;
            }
            fold_into(&text[start..end], &mut word);
            cache.stem_in_place(stemmers.get(lang), &mut word);
            out.push((start, end, word.clone()));
        });
        out
    }

    type Token = (usize, usize, String);

    fn analyzed(lang: Lang, text: &str) -> Vec<Token> {
        Analyzer::default()
            .tokens(lang, text)
            .into_iter()
            .map(|t| (t.start, t.end, t.stem))
            .collect()
    }

    /// Every analyzer token whose stem is wanted is kept by the fast path with the same
    /// offsets and stem, and every token the fast path keeps is the analyzer's.
    fn agrees(lang: Lang, text: &str, wanted: &[String], cache: &mut StemCache) {
        let full = analyzed(lang, text);
        let kept = fast(lang, text, wanted, cache);
        for token in &kept {
            assert!(
                full.contains(token),
                "{lang} {text:?}: {token:?} not analyzed so"
            );
        }
        for token in full.iter().filter(|t| wanted.contains(&t.2)) {
            assert!(kept.contains(token), "{lang} {text:?}: {token:?} left out");
        }
    }

    #[test]
    fn known_words_are_found_and_others_left_out() {
        let mut cache = StemCache::new(4);
        let text = "Sanctions are USELESS, policies; dying, Lying. U.S.-led Skies happily";
        let wanted: Vec<String> = ["sanction", "polici", "die", "sky", "happili"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        agrees(Lang::En, text, &wanted, &mut cache);
        let kept = fast(Lang::En, text, &wanted, &mut cache);
        let stems: Vec<&str> = kept.iter().map(|t| t.2.as_str()).collect();
        assert!(!stems.contains(&"useless"), "{stems:?}");
        let ru = "САНКЦИИ бесполезны — ещё и Ёлка, санкциями";
        let wanted = vec!["санкц".to_string(), "елк".to_string()];
        agrees(Lang::Ru, ru, &wanted, &mut cache);
        let kept = fast(Lang::Ru, ru, &wanted, &mut cache);
        assert_eq!(
            kept.iter().filter(|t| t.2 == "санкц").count(),
            2,
            "{kept:?}"
        );
    }

    #[test]
    fn keys_follow_the_rule() {
        assert_eq!(stem_key(Lang::En, "sanction"), "sanction");
        assert_eq!(stem_key(Lang::En, "possibl"), "possib");
        assert_eq!(stem_key(Lang::En, "happi"), "happ");
        assert_eq!(stem_key(Lang::En, "e"), "");
        assert_eq!(stem_key(Lang::Ru, "санкц"), "санкц");
        assert!(is_irregular(Lang::En, "dying") && !is_irregular(Lang::Ru, "dying"));
    }

    #[test]
    fn the_cache_gives_the_stemmers_stems_and_forgets_when_full() {
        let stemmers = Stemmers::default();
        let mut cache = StemCache::new(2);
        for _ in 0..2 {
            for word in [
                "relational",
                "sanctions",
                "internationalisations",
                "policies",
            ] {
                let mut stemmed = word.to_string();
                cache.stem_in_place(stemmers.get(Lang::En), &mut stemmed);
                assert_eq!(stemmed, stemmers.stem(Lang::En, word), "{word}");
                assert!(cache.stems.len() <= 2);
            }
        }
    }

    #[test]
    fn long_words_are_remembered_by_the_analyzers_cache_and_forgotten_when_full() {
        let stemmers = Stemmers::default();
        let shared = SharedStems::new(10);
        let mut cache = StemCache::new(2);
        let words = [
            (Lang::Ru, "государственными"),
            (Lang::Ru, "международного"),
            (Lang::En, "internationalisations"),
            (Lang::Ru, "санкции"),
        ];
        for _ in 0..2 {
            for (lang, word) in words {
                let mut stemmed = word.to_string();
                cache.stem_in_place_shared(stemmers.get(lang), &shared, &mut stemmed);
                assert_eq!(stemmed, stemmers.stem(lang, word), "{word}");
                assert!(cache.long.len() <= 2 && cache.small16.len() <= 2);
            }
        }
        // Words of nine to sixteen bytes sit in a table of their own.
        let mut word = "санкции".to_string();
        cache.stem_in_place_shared(stemmers.get(Lang::Ru), &shared, &mut word);
        assert_eq!(word, stemmers.stem(Lang::Ru, "санкции"));
        let key = ShortWord::new("санкции").unwrap().small16().unwrap();
        let planted = ShortWord::new("посажено").unwrap().up_to16().unwrap();
        cache.small16.insert(key, planted);
        let mut got = "санкции".to_string();
        cache.stem_in_place_shared(stemmers.get(Lang::Ru), &shared, &mut got);
        assert_eq!(got, "посажено");
        // A remembered stem is what the cache gives, not the stemmer's second run.
        let long = "государственными";
        cache.long.clear();
        cache.long.insert(long.into(), "planted".into());
        let mut got = long.to_string();
        cache.stem_in_place_shared(stemmers.get(Lang::Ru), &shared, &mut got);
        assert_eq!(got, "planted");
    }

    #[test]
    fn a_word_another_cache_stemmed_is_taken_from_the_shared_table() {
        let stemmers = Stemmers::default();
        let stemmer = stemmers.get(Lang::En);
        let shared = SharedStems::new(10);
        let mut first = StemCache::new(10);
        let mut word = "sanctions".to_string();
        first.stem_in_place_through(stemmer, &shared, &mut word);
        assert_eq!(word, "sanction");
        // A stem only the shared table can give shows that a second cache asks it before
        // running the stemmer.
        let (key, planted) = (ShortWord::new("policies"), ShortWord::new("planted"));
        shared.insert(key.unwrap(), planted.unwrap());
        let mut second = StemCache::new(10);
        for (word, stem) in [("sanctions", "sanction"), ("policies", "planted")] {
            let mut got = word.to_string();
            second.stem_in_place_through(stemmer, &shared, &mut got);
            assert_eq!(got, stem, "{word}");
        }
        // Without the shared table the stemmer decides.
        let mut alone = "policies".to_string();
        StemCache::new(10).stem_in_place(stemmer, &mut alone);
        assert_eq!(alone, "polici");
    }

    /// The key rule on every distinct word of the shared corpora: the folded word starts
    /// with the key of its stem, or is one of the exceptions.
    #[test]
    fn every_corpus_word_starts_with_the_key_of_its_stem() {
        let corpus = crate::test_data::shared_corpus();
        let stemmers = Stemmers::default();
        let mut checked = 0;
        for entry in std::fs::read_dir(corpus).unwrap() {
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
            for_each_run(&text, |start, end| {
                if end - start < MAX_TOKEN_BYTES {
                    fold_into(&text[start..end], &mut buffer);
                    words.insert(buffer.clone());
                }
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
        /// Random text in both languages, wanting the stems of some of its own words and
        /// of some common words: the fast path keeps exactly the analyzer's tokens.
        #[test]
        fn the_fast_path_equals_the_analyzer(
            text in "[ a-zA-Zа-яА-ЯёЁ0-9.,'’\\-ǅÉéßİ]{0,80}|(sanctions|Policies|dying|lying|ЕЩЁ|санкциями|Skies|happily|x|1\\.5| |, ){0,12}",
            ru in any::<bool>(),
            pick in proptest::collection::vec(any::<bool>(), 0..16),
            capacity in 1usize..8,
        ) {
            let lang = if ru { Lang::Ru } else { Lang::En };
            let mut wanted: Vec<String> = analyzed(lang, &text)
                .into_iter()
                .zip(pick.iter().copied().chain(std::iter::repeat(false)))
                .filter(|(_, keep)| *keep)
                .map(|(t, _)| t.2)
                .collect();
            wanted.extend(["sanction", "die", "санкц"].map(String::from));
            let mut cache = StemCache::new(capacity);
            agrees(lang, &text, &wanted, &mut cache);
        }

        /// Words asked twice or more (the second time the small table may answer), with
        /// stems that are not prefixes (`dying` -> `die`), NUL bytes (which a short key
        /// would take for padding), empty words and long ones: both lookups give the
        /// stemmer's own stem, whatever the capacity.
        #[test]
        fn the_cache_gives_the_stemmers_stems(
            words in proptest::collection::vec(
                "[a-zа-яё\x00]{0,10}|dying|lying|skies|ski|ties|news|ёлки|санкциями|x{9,30}",
                1..40,
            ),
            ru in any::<bool>(),
            capacity in 1usize..6,
            shared_capacity in 1usize..6,
        ) {
            let lang = if ru { Lang::Ru } else { Lang::En };
            let stemmers = Stemmers::default();
            let stemmer = stemmers.get(lang);
            let mut cache = StemCache::new(capacity);
            let mut cache_shared = StemCache::new(capacity);
            let shared = SharedStems::new(shared_capacity);
            let mut cache_through = StemCache::new(capacity);
            for word in words.iter().chain(words.iter().rev()).chain(words.iter()) {
                let expected = stemmer.stem(word).into_owned();
                let mut got = word.clone();
                cache.stem_in_place(stemmer, &mut got);
                prop_assert_eq!(&got, &expected, "stem_in_place({:?})", word);
                let mut got = word.clone();
                cache_shared.stem_in_place_shared(stemmer, &shared, &mut got);
                prop_assert_eq!(&got, &expected, "stem_in_place_shared({:?})", word);
                let mut got = word.clone();
                cache_through.stem_in_place_through(stemmer, &shared, &mut got);
                prop_assert_eq!(&got, &expected, "stem_in_place_through({:?})", word);
            }
        }
    }
}
