//! The token layout of one document as the matcher sees it: every token with its stem id,
//! paragraph, sentence and byte offsets, and its surface tests.
//!
//! Contract: paragraphs are the text split on `\n` (the indexes of evidence and gold
//! labels); sentences come from [`crate::text::sentence_spans`], computed only for the
//! paragraphs that need them ([`DocTokens::ensure_sentences`]; most paragraphs hold no
//! candidate match), and numbered in the order they were computed (`sent`; a paragraph's
//! sentences are consecutive, so the index inside the paragraph is recoverable with
//! [`DocTokens::sentence_in_paragraph`]); token offsets are bytes within the paragraph. A
//! token's `sent` is [`NO_SENTENCE`] until its paragraph's sentences are computed.
//! A token's stem id is 0 when no pattern uses its stem. What a word is (its id and surface
//! tests) depends only on the word as written, so each thread remembers it per written form
//! ([`TokenCache`]): most tokens of a corpus are words seen before, and one hash lookup
//! replaces folding, the trie walk and stemming.
//!
//! The same lookup serves a second reader of the words, the learned models
//! ([`SurfaceTests::numbers_words`]): each written word also remembers the number its stem
//! has in the models' vocabulary ([`DocTokens::numbers`]), so the models neither re-cut,
//! re-stem nor look up a word again.

use std::ops::Range;

use rust_stemmers::Stemmer;
use rustc_hash::FxHashMap;

use super::analyze::{Stemmers, fold_into, is_irregular};
use crate::document::Lang;
use crate::text::fast::{SharedStems, StemCache, lead_of};
use crate::text::for_each_sentence;
use crate::text::small_words::{SmallWords, small_key};
use crate::text::words::{MAX_TOKEN_BYTES, ShortWord, for_each_run, for_each_run_ascii};

/// `Tok::sent` of a token whose paragraph's sentences are not computed yet.
pub(crate) const NO_SENTENCE: u32 = u32::MAX;

/// One token of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    /// Stem id in the matcher's vocabulary (0 when no pattern uses the stem).
    pub id: u32,
    /// Byte offset in the paragraph.
    pub start: u32,
    /// Byte offset just past the token in the paragraph.
    pub end: u32,
    /// Paragraph index.
    pub para: u32,
    /// Sentence number across the document.
    pub sent: u32,
}

/// One paragraph of the document.
#[derive(Debug, Clone)]
pub(crate) struct Para {
    /// Byte range of the paragraph in the document text.
    pub bytes: Range<usize>,
    /// Its tokens (indexes into [`DocTokens::toks`]).
    pub toks: Range<usize>,
    /// Its sentences (numbers in [`DocTokens::sents`]), once computed.
    pub sents: Option<Range<usize>>,
}

/// One sentence of the document.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    /// Its paragraph.
    pub para: u32,
    /// Byte range within the paragraph.
    pub bytes: Range<usize>,
    /// Its tokens.
    pub toks: Range<usize>,
}

/// Stemming state kept across documents by one thread: the stemmers, and per language
/// the stem id of each folded word stemmed and what each written word is (exact: both are
/// functions of the word, for one matcher).
#[derive(Default)]
pub(crate) struct TokenCache {
    stemmers: Stemmers,
    buffer: String,
    /// Identity of the matcher the ids belong to (0: none yet).
    owner: u64,
    /// Whether stems go through the matcher's [`SurfaceTests::shared_stems`] (when other
    /// threads count with it; alone, the shared table would only cost).
    pub share_stems: bool,
    /// English, then Russian.
    langs: [LangCache; 2],
}

/// How a thread stems the words new to it: the language's stemmer, and the table of stems
/// it shares with the other threads of a count (if any).
#[derive(Clone, Copy)]
struct Stemming<'a> {
    stemmer: &'a Stemmer,
    shared: Option<&'a SharedStems>,
}

/// The remembered words of one language.
struct LangCache {
    /// Stems by folded word (the analyzer's fast-path cache).
    stems: StemCache,
    /// The stem being looked up.
    stem: String,
    /// What each written word of up to eight bytes is (most words: the key is one `u64`).
    small: SmallWords<Word>,
    /// What each written word of nine to [`ShortWord::MAX`] bytes is (the key is compared
    /// without a pointer chase or a `memcmp` call).
    short: FxHashMap<ShortWord, Word>,
    /// What each longer written word is.
    long: FxHashMap<Box<str>, Word>,
    /// Surface test ids of the remembered words (`Rich::surface` ranges into it).
    surface: Vec<u32>,
    /// The remembered words that pass surface tests or start a sequence.
    rich: Vec<Rich>,
}

impl Default for LangCache {
    fn default() -> LangCache {
        LangCache {
            stems: StemCache::new(CACHE_WORDS),
            stem: String::new(),
            small: SmallWords::default(),
            short: FxHashMap::default(),
            long: FxHashMap::default(),
            surface: Vec::new(),
            rich: Vec::new(),
        }
    }
}

/// What a written word is, for the matcher the cache is bound to, in eight bytes (a slot
/// of the word tables is then sixteen: the tables are read once per token and most of a
/// lookup's time was waiting for the slot's cache line).
///
/// Most words have only a stem id and a model number; the few that also pass surface
/// tests or start a sequence keep those in [`LangCache::rich`], and `more` is then their
/// index there.
#[derive(Debug, Clone, Copy, Default)]
struct Word {
    /// Stem id, with [`Word::RICH`] set when `more` indexes [`LangCache::rich`].
    id: u32,
    /// The stem's number in the second vocabulary ([`SurfaceTests::number`]), or the
    /// index of the word's [`Rich`] entry.
    more: u32,
}

impl Word {
    /// Flag bit of [`Word::id`] (stem ids are far below it).
    const RICH: u32 = 1 << 31;
}

/// What the few words that pass surface tests or start a sequence also are.
#[derive(Debug, Clone, Copy)]
struct Rich {
    /// Its stem's number in the second vocabulary.
    number: u32,
    /// Its surface test ids (a range of [`LangCache::surface`]).
    surface: (u32, u32),
    /// Its stem starts a sequence ([`SurfaceTests::starts_sequence`]).
    anchor: bool,
}

/// How a written word is remembered.
#[derive(Debug, Clone, Copy)]
enum Key {
    /// Up to eight bytes, zero-padded.
    Small(u64),
    Short(ShortWord),
    Long,
}

/// Words cached per language before the cache is emptied (bounds memory).
pub(crate) const CACHE_WORDS: usize = 200_000;

impl TokenCache {
    /// Forgets every id when they were computed for another matcher.
    pub fn bind(&mut self, owner: u64) {
        if self.owner != owner {
            self.owner = owner;
            self.langs = Default::default();
        }
    }

    /// Sets the stem id of every token of `doc` (read from `text` as `lang`) and records
    /// the surface tests they pass, computing what a written form is the first time it is
    /// seen.
    fn identify(&mut self, lang: Lang, text: &str, doc: &mut DocTokens, tests: &impl SurfaceTests) {
        let TokenCache {
            stemmers,
            buffer,
            langs,
            share_stems,
            ..
        } = self;
        let cache = &mut langs[if lang == Lang::En { 0 } else { 1 }];
        let stemming = Stemming {
            stemmer: stemmers.get(lang),
            shared: if *share_stems {
                tests.shared_stems()
            } else {
                None
            },
        };
        let DocTokens {
            toks,
            paras,
            surface,
            surfaced,
            anchors,
            numbers,
            ..
        } = doc;
        // With a second reader every token is looked up (its number is wanted even when
        // the lead filter rules the matcher out).
        let numbered = tests.numbers_words();
        numbers.clear();
        if numbered {
            numbers.resize(toks.len(), 0);
        }
        for para in paras.iter() {
            // From the paragraph to the end of the text (eight-byte keys read past a token).
            let text = &text[para.bytes.start..];
            let bytes = text.as_bytes();
            let first = para.toks.start;
            for (k, tok) in toks[para.toks.clone()].iter_mut().enumerate() {
                let (start, end) = (tok.start as usize, tok.end as usize);
                let len = end - start;
                let word = if len <= 8 {
                    let key = small_key(bytes, start..end);
                    if !numbered && !tests.could_pass(key as u32) {
                        continue;
                    }
                    match cache.small.get(key) {
                        Some(word) => word,
                        None => {
                            let raw = &text[start..end];
                            cache.learn(lang, raw, Key::Small(key), buffer, stemming, tests)
                        }
                    }
                } else {
                    if !numbered && !tests.could_pass(lead_of(&bytes[start..end])) {
                        continue;
                    }
                    let key = ShortWord::of(bytes, start..end);
                    let known = match &key {
                        Some(key) => cache.short.get(key),
                        None => cache.long.get(&text[start..end]),
                    };
                    match known {
                        Some(&word) => word,
                        None => {
                            let key = key.map_or(Key::Long, Key::Short);
                            let raw = &text[start..end];
                            cache.learn(lang, raw, key, buffer, stemming, tests)
                        }
                    }
                };
                if word.id & Word::RICH == 0 {
                    tok.id = word.id;
                    if numbered {
                        numbers[first + k] = word.more;
                    }
                    continue;
                }
                tok.id = word.id & !Word::RICH;
                let rich = cache.rich[word.more as usize];
                if numbered {
                    numbers[first + k] = rich.number;
                }
                if rich.anchor {
                    anchors.push((first + k) as u32);
                }
                let (a, b) = rich.surface;
                if a != b {
                    let from = surface.len() as u32;
                    surface.extend_from_slice(&cache.surface[a as usize..b as usize]);
                    surfaced.push(Surfaced {
                        tok: (first + k) as u32,
                        tests: from..surface.len() as u32,
                    });
                }
            }
        }
    }
}

impl LangCache {
    /// Computes and remembers what `raw` (remembered by `key`) is (`buffer` receives its
    /// folded form).
    #[inline(never)]
    fn learn(
        &mut self,
        lang: Lang,
        raw: &str,
        key: Key,
        buffer: &mut String,
        stemming: Stemming<'_>,
        tests: &impl SurfaceTests,
    ) -> Word {
        if self.small.len() + self.short.len() + self.long.len() >= CACHE_WORDS {
            self.small.clear();
            self.short.clear();
            self.long.clear();
            self.surface.clear();
            self.rich.clear();
        }
        fold_into(raw, buffer);
        let first = self.surface.len() as u32;
        let wanted = tests.token_tests(raw, buffer, &mut self.surface);
        // Words the trie rules out keep id 0 (their stem is unused), but the second reader
        // wants every word's stem.
        let stems_used = wanted || is_irregular(lang, buffer);
        let (id, number) = if stems_used || tests.numbers_words() {
            let stem = self.stem_of(buffer, stemming);
            let id = if stems_used { tests.stem_id(stem) } else { 0 };
            (id, tests.number(stem))
        } else {
            (0, 0)
        };
        debug_assert!(id < Word::RICH, "stem id {id} collides with the flag bit");
        let anchor = id != 0 && tests.starts_sequence(id);
        let surface = (first, self.surface.len() as u32);
        let word = if anchor || surface.0 != surface.1 {
            self.rich.push(Rich {
                number,
                surface,
                anchor,
            });
            Word {
                id: id | Word::RICH,
                more: (self.rich.len() - 1) as u32,
            }
        } else {
            Word { id, more: number }
        };
        match key {
            Key::Small(key) => self.small.insert(key, word),
            Key::Short(key) => {
                self.short.insert(key, word);
            }
            Key::Long => {
                self.long.insert(raw.into(), word);
            }
        }
        word
    }

    /// The stem of `folded` (remembered in the stem cache, and in the shared table when
    /// there is one).
    fn stem_of(&mut self, folded: &str, stemming: Stemming<'_>) -> &str {
        self.stem.clear();
        self.stem.push_str(folded);
        match stemming.shared {
            Some(shared) => {
                self.stems
                    .stem_in_place_through(stemming.stemmer, shared, &mut self.stem)
            }
            None => self.stems.stem_in_place(stemming.stemmer, &mut self.stem),
        }
        &self.stem
    }
}

/// What the matcher wants to know about each token.
pub(crate) trait SurfaceTests {
    /// Appends the ids of the surface tests the token passes (`raw` as written, `folded`
    /// lowercased with `ё` folded) and tells whether the word could stem to a stem in use.
    fn token_tests(&self, raw: &str, folded: &str, out: &mut Vec<u32>) -> bool;
    /// Stem id of `stem` (0 when unused).
    fn stem_id(&self, stem: &str) -> u32;
    /// Whether some sequence starts with stem id `id` (nonzero).
    fn starts_sequence(&self, id: u32) -> bool;
    /// `false` only when a token whose lead is `lead` ([`lead_of`]: its first four bytes as
    /// written) has stem id 0 and passes no surface test: the answer without the word's
    /// lookup, for most words.
    fn could_pass(&self, lead: u32) -> bool;
    /// Whether a second reader wants every word's [`SurfaceTests::number`] (then every
    /// token is looked up and [`DocTokens::numbers`] is filled).
    fn numbers_words(&self) -> bool {
        false
    }
    /// The number of `stem` (a word's Snowball stem, as the analyzer gives it) in the
    /// second reader's vocabulary (0: none).
    fn number(&self, _stem: &str) -> u32 {
        0
    }
    /// Stems shared by the threads that read for this matcher (`None`: each thread stems
    /// the words new to it).
    fn shared_stems(&self) -> Option<&SharedStems> {
        None
    }
}

/// A token that passes surface tests, and their ids (a range of [`DocTokens::surface`]).
#[derive(Debug, Clone)]
pub(crate) struct Surfaced {
    pub tok: u32,
    pub tests: Range<u32>,
}

/// The analysed document, reused across documents to keep allocations down.
#[derive(Debug, Default)]
pub(crate) struct DocTokens {
    pub toks: Vec<Tok>,
    pub paras: Vec<Para>,
    pub sents: Vec<Sent>,
    /// Surface test ids of the tokens in `surfaced`.
    pub surface: Vec<u32>,
    /// The tokens that pass a surface test, in order (few: most tokens pass none).
    pub surfaced: Vec<Surfaced>,
    /// The tokens whose stem starts a sequence, in order.
    pub anchors: Vec<u32>,
    /// The speaker turn number of each paragraph (empty: the whole text is one turn).
    pub turns: Vec<u32>,
    /// Per token, its stem's number for the second reader
    /// ([`SurfaceTests::numbers_words`]; empty without one).
    pub numbers: Vec<u32>,
}

impl DocTokens {
    /// Analyses `text` as `lang`, mapping stems and surface forms through `tests`.
    ///
    /// Two passes: the tokens and paragraphs first, then what each token is (each loop
    /// stays small enough to keep its state in registers). Never inlined: once per document,
    /// and inlined into the matcher's `find` its loops ran more instructions.
    #[inline(never)]
    pub fn fill(
        &mut self,
        text: &str,
        lang: Lang,
        cache: &mut TokenCache,
        tests: &impl SurfaceTests,
    ) {
        self.toks.clear();
        self.paras.clear();
        self.sents.clear();
        self.surface.clear();
        self.surfaced.clear();
        self.anchors.clear();
        // Paragraph ends: each line break, then the end of the text (SIMD search).
        let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]);
        let mut para_start = 0;
        for (p, para_end) in ends.enumerate() {
            let paragraph = &text[para_start..para_end];
            let first_tok = self.toks.len();
            let toks = &mut self.toks;
            let push = |start: usize, end: usize| {
                if end - start < MAX_TOKEN_BYTES {
                    toks.push(Tok {
                        id: 0,
                        start: start as u32,
                        end: end as u32,
                        para: p as u32,
                        sent: NO_SENTENCE,
                    });
                }
            };
            // English is nearly all ASCII, Russian nearly none.
            match lang {
                Lang::En => for_each_run_ascii(paragraph, push),
                Lang::Ru => for_each_run(paragraph, push),
            }
            self.paras.push(Para {
                bytes: para_start..para_end,
                toks: first_tok..self.toks.len(),
                sents: None,
            });
            para_start = para_end + 1;
        }
        cache.identify(lang, text, self, tests);
    }

    /// The tokens that pass surface tests, with the ids of the tests, in token order.
    pub fn surfaced(&self) -> impl Iterator<Item = (usize, &[u32])> {
        self.surfaced.iter().map(|s| {
            let tests = &self.surface[s.tests.start as usize..s.tests.end as usize];
            (s.tok as usize, tests)
        })
    }

    /// Whether token `t` passes surface test `id`.
    pub fn has_surface(&self, t: usize, id: u32) -> bool {
        self.surface_of(t).contains(&id)
    }

    /// The surface tests token `t` passes.
    pub fn surface_of(&self, t: usize) -> &[u32] {
        match self.surfaced.binary_search_by_key(&(t as u32), |s| s.tok) {
            Ok(i) => {
                let tests = &self.surfaced[i].tests;
                &self.surface[tests.start as usize..tests.end as usize]
            }
            Err(_) => &[],
        }
    }

    /// Computes the sentences of paragraph `para` of `text` (the text given to
    /// [`DocTokens::fill`]) and the `sent` of its tokens, unless done already.
    pub fn ensure_sentences(&mut self, text: &str, para: usize) {
        let Some(info) = self.paras.get(para) else {
            return;
        };
        if info.sents.is_some() {
            return;
        }
        let (bytes, toks) = (info.bytes.clone(), info.toks.clone());
        let paragraph = &text[bytes];
        let first_sent = self.sents.len();
        let sents = &mut self.sents;
        for_each_sentence(paragraph, |span| {
            sents.push(Sent {
                para: para as u32,
                bytes: span,
                toks: 0..0,
            })
        });
        if self.sents.len() == first_sent && !toks.is_empty() {
            // Words without a sentence span cannot happen with the splitter, but every
            // token must belong to a sentence.
            self.sents.push(Sent {
                para: para as u32,
                bytes: 0..paragraph.len(),
                toks: 0..0,
            });
        }
        // Spans cover every word and tokens come in text order: a sentence takes the
        // tokens that start before its end, the last one every token left.
        let tokens = &mut self.toks[toks.clone()];
        let mut t = 0;
        let last = self.sents.len().saturating_sub(1);
        for (s, sent) in self.sents.iter_mut().enumerate().skip(first_sent) {
            let begin = t;
            while let Some(tok) = tokens.get_mut(t)
                && (s == last || (tok.start as usize) < sent.bytes.end)
            {
                tok.sent = s as u32;
                t += 1;
            }
            sent.toks = toks.start + begin..toks.start + t;
        }
        self.paras[para].sents = Some(first_sent..self.sents.len());
    }

    /// Whether paragraphs `a` and `b` are in one speaker turn (paragraphs past
    /// [`DocTokens::turns`] are in turn 0).
    pub fn same_turn(&self, a: u32, b: u32) -> bool {
        let turn = |p: u32| self.turns.get(p as usize).copied().unwrap_or(0);
        turn(a) == turn(b)
    }

    /// 0-based index of sentence `sent` within its paragraph (computed sentences only).
    pub fn sentence_in_paragraph(&self, sent: u32) -> usize {
        let s = &self.sents[sent as usize];
        let first = self.paras[s.para as usize]
            .sents
            .as_ref()
            .map_or(0, |r| r.start);
        sent as usize - first
    }

    /// The sentence holding byte `offset` of paragraph `para` (computed sentences only).
    pub fn sentence_at(&self, para: usize, offset: usize) -> Option<u32> {
        let sents = self.paras.get(para)?.sents.clone()?;
        let inside = &self.sents[sents.clone()];
        if inside.is_empty() {
            return None;
        }
        let after = inside.partition_point(|s| s.bytes.start <= offset);
        Some((sents.start + after.saturating_sub(1)) as u32)
    }

    /// The first token of paragraph `para` that ends after byte `offset`.
    pub fn token_at(&self, para: usize, offset: usize) -> usize {
        let range = self.paras[para].toks.clone();
        range.start + self.toks[range].partition_point(|t| (t.end as usize) <= offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Vocab(&'static [&'static str]);

    impl SurfaceTests for Vocab {
        fn stem_id(&self, stem: &str) -> u32 {
            self.0
                .iter()
                .position(|s| *s == stem)
                .map_or(0, |i| i as u32 + 1)
        }
        fn token_tests(&self, _raw: &str, folded: &str, out: &mut Vec<u32>) -> bool {
            if folded.starts_with("sanc") {
                out.push(7);
            }
            true
        }
        fn could_pass(&self, _lead: u32) -> bool {
            true
        }
        fn starts_sequence(&self, id: u32) -> bool {
            id == 1
        }
    }

    #[test]
    fn tokens_know_paragraph_sentence_and_offsets() {
        let text = "Sanctions are useless. They fail.\n\nNo sanctions here";
        let mut doc = DocTokens::default();
        doc.fill(
            text,
            Lang::En,
            &mut TokenCache::default(),
            &Vocab(&["sanction", "fail"]),
        );
        assert_eq!(doc.paras.len(), 3);
        assert_eq!(doc.paras[1].toks, 5..5);
        assert!(doc.sents.is_empty());
        assert_eq!(doc.toks[0].sent, NO_SENTENCE);
        // Computed on demand, in the order asked for.
        doc.ensure_sentences(text, 2);
        doc.ensure_sentences(text, 0);
        doc.ensure_sentences(text, 0);
        doc.ensure_sentences(text, 1);
        assert_eq!(doc.sents.len(), 3);
        let ids: Vec<u32> = doc.toks.iter().map(|t| t.id).collect();
        assert_eq!(ids, [1, 0, 0, 0, 2, 0, 1, 0]);
        let fail = doc.toks[4];
        assert_eq!((fail.para, fail.sent, fail.start, fail.end), (0, 2, 28, 32));
        let last = doc.toks[7];
        assert_eq!((last.para, last.sent), (2, 0));
        assert_eq!(doc.sentence_in_paragraph(0), 0);
        assert_eq!(doc.sentence_in_paragraph(2), 1);
        assert_eq!(doc.sents[2].toks, 3..5);
        assert!(doc.has_surface(0, 7) && doc.has_surface(6, 7) && !doc.has_surface(1, 7));
        assert_eq!(doc.anchors, [0, 6]);
        assert_eq!(doc.sentence_at(0, 25), Some(2));
        assert_eq!(doc.token_at(0, 23), 3);
    }

    proptest::proptest! {
        /// Sentences asked for in any order give each token the first sentence of its
        /// paragraph that ends after the token starts (else the paragraph's last), and each
        /// sentence exactly the tokens that name it.
        #[test]
        fn tokens_get_the_sentence_they_start_in(
            text in "([A-Za-z]{1,6}[ .!?]{1,2}|\n| ){0,40}",
            order in proptest::collection::vec(0usize..50, 0..12),
        ) {
            let mut doc = DocTokens::default();
            doc.fill(&text, Lang::En, &mut TokenCache::default(), &Vocab(&[]));
            let n = doc.paras.len();
            for p in order.iter().map(|k| k % n.max(1)).chain(0..n) {
                doc.ensure_sentences(&text, p);
            }
            for (p, para) in doc.paras.iter().enumerate() {
                let sents = para.sents.clone().unwrap();
                for t in para.toks.clone() {
                    let start = doc.toks[t].start as usize;
                    let expected = sents
                        .clone()
                        .find(|&s| start < doc.sents[s].bytes.end)
                        .unwrap_or(sents.end - 1);
                    proptest::prop_assert_eq!(doc.toks[t].sent as usize, expected, "paragraph {}", p);
                }
                for s in sents {
                    let named: Vec<usize> =
                        para.toks.clone().filter(|&t| doc.toks[t].sent as usize == s).collect();
                    let range: Vec<usize> = doc.sents[s].toks.clone().collect();
                    proptest::prop_assert_eq!(named, range);
                }
            }
        }
    }

    /// [`Vocab`] whose lead filter rules every word out, with a second reader numbering
    /// the stems `sanction` and `are`.
    struct Numbering(bool);

    impl SurfaceTests for Numbering {
        fn stem_id(&self, stem: &str) -> u32 {
            Vocab(&["sanction", "fail"]).stem_id(stem)
        }
        fn token_tests(&self, raw: &str, folded: &str, out: &mut Vec<u32>) -> bool {
            Vocab(&[]).token_tests(raw, folded, out)
        }
        fn could_pass(&self, _lead: u32) -> bool {
            false
        }
        fn starts_sequence(&self, id: u32) -> bool {
            id == 1
        }
        fn numbers_words(&self) -> bool {
            self.0
        }
        fn number(&self, stem: &str) -> u32 {
            match stem {
                "sanction" => 5,
                "are" => 9,
                _ => 0,
            }
        }
    }

    #[test]
    fn a_second_reader_numbers_every_token_and_changes_nothing_else() {
        let text = "Sanctions are useless. They fail.\nSanctions are sanctions";
        let fill = |numbered: bool, cache: &mut TokenCache| {
            let mut doc = DocTokens::default();
            doc.fill(text, Lang::En, cache, &Numbering(numbered));
            doc
        };
        let mut cache = TokenCache::default();
        let plain = fill(false, &mut cache);
        // The lead filter skips every word: no ids, no surface tests, no numbers.
        assert!(plain.toks.iter().all(|t| t.id == 0));
        assert!(plain.surfaced.is_empty() && plain.numbers.is_empty());
        // Words learnt, then remembered.
        for _ in 0..2 {
            let numbered = fill(true, &mut cache);
            assert_eq!(numbered.numbers, [5, 9, 0, 0, 0, 5, 9, 5]);
            // Every token looked up: the ids and tests are the words' own.
            let ids: Vec<u32> = numbered.toks.iter().map(|t| t.id).collect();
            assert_eq!(ids, [1, 0, 0, 0, 2, 1, 0, 1]);
            assert_eq!(numbered.anchors, [0, 5, 7]);
            assert!(numbered.has_surface(7, 7));
        }
    }
}
