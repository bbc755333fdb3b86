//! The compiled theme set: per language, every token sequence (phrases, `near` sides,
//! `unless` phrases) indexed by what its first item is, and the regexes: those with
//! literals to prefilter on one by one, the others in `RegexSet`s of at most
//! [`REGEX_SET_SIZE`] each, so a paragraph is scanned once per set, not once per pattern
//! ([`REGEX_SET_MIN`]).
//!
//! How a document is matched (see [`Matcher::match_text`]):
//! 1. each paragraph is tokenized by the shared analyzer; each stem becomes an id of the
//!    matcher's vocabulary (0 for stems no pattern uses: most tokens);
//! 2. a token whose stem starts one or more sequences is a candidate, and so is a token
//!    passing a surface test (glob, exact word) that starts one; the rest of each sequence
//!    (`*`, `~N`, globs, more words) is verified token by token inside the sentence;
//! 3. per paragraph, the regexes run alone are located, and the `RegexSet`s say which of
//!    theirs match, and only those are located;
//!    paragraphs where no pattern can fire are dropped ([`super::needs`]), and only the
//!    others are split into sentences;
//! 4. patterns turn occurrences into raw matches, [`super::rules`] applies negation,
//!    `unless` and the overlap policy, and the result is one list in text order.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use regex::{Regex, RegexSet, RegexSetBuilder};

use super::analyze::{fold_into, stem_key};
use super::evidence::ThemeMatch;
use super::file::Scope;
use super::model::{CompiledModels, ModelFile, ModelScratch, ModelSource, read_for};
use super::needs::{Needs, Role, SeqRoles};
use super::pattern::{Item, Phrase};
use super::rules::{
    Literal, MergeScratch, NegatorIds, Occ, Raw, StemSet, Unit, in_scope, merge_overlaps, negated,
    pair_near, raw_of_pair, raw_of_tokens,
};
use super::tokens::{CACHE_WORDS, DocTokens, SurfaceTests, TokenCache};
use super::trie::{FrozenTrie, TokenTrie, TrieEntry};
use super::{ThemeError, ThemeSet};
use crate::document::Lang;
use crate::text::fast::{LeadFilter, SharedStems};
use crate::text::small_words::{pair_key, spread};
use crate::text::words::IRREGULAR_EN;

/// A compiled theme set, shareable between threads.
pub struct Matcher {
    /// Unique per compiled matcher: token caches are bound to it.
    identity: u64,
    themes: Vec<Arc<str>>,
    rules: Vec<Vec<Arc<str>>>,
    en: Option<LangMatcher>,
    ru: Option<LangMatcher>,
    /// The learned models of the themes that count by them (`count = "model"|"either"`).
    models: Option<CompiledModels>,
    /// The model file those models were read from (`None`: none read, or models given).
    model_source: Option<ModelSource>,
    /// The languages compiled ([`Matcher::for_langs`]; empty: all).
    langs: Vec<Lang>,
}

/// Per-thread working memory for [`Matcher::match_text`].
#[derive(Default)]
pub struct Scratch {
    cache: TokenCache,
    doc: DocTokens,
    occ: Vec<Vec<Occ>>,
    touched: Vec<u32>,
    raws: Vec<Raw>,
    /// The raws after the overlap policy, and its scratch.
    merged: Vec<Raw>,
    merge: MergeScratch,
    pairs: Vec<(Occ, Occ)>,
    /// Occurrences of the B side of a `near` pattern.
    side_b: Vec<Occ>,
    /// The patterns whose sequences occur in the document: a bit per pattern.
    active: Vec<u64>,
    candidates: Candidates,
    needs: Needs,
    /// The occurrences found to the paragraph's end: (first token, sequence, end).
    verified: Vec<(u32, u32, u32)>,
    model: ModelScratch,
}

impl Scratch {
    /// Working memory for one of `threads` threads matching with the same matcher: with
    /// more than one, they share the stems of the words they meet (each word is stemmed
    /// once, not once per thread).
    pub fn for_threads(threads: usize) -> Scratch {
        let mut scratch = Scratch::default();
        scratch.cache.share_stems = threads > 1;
        scratch
    }
}

/// What one document's scan found before verification (buffers reused across documents).
#[derive(Default)]
struct Candidates {
    /// Tokens whose stem starts a sequence.
    anchors: Vec<u32>,
    /// Tokens passing a surface test that starts a sequence: (test, token).
    surface: Vec<(u32, u32)>,
    /// Regex matches: (regex, paragraph, start, end) in paragraph bytes.
    regex: Vec<(u32, u32, u32, u32)>,
}

/// One item of a compiled sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Elem {
    Stem(u32),
    Surface(u32),
    Any,
    Gap(u8),
}

#[derive(Debug)]
struct Seq {
    elems: Vec<Elem>,
}

/// A sequence listed under its first element, with the stem id its second element asks of
/// the next token ([`ANY_NEXT`] when the second element is no stem, or there is none): most
/// anchors are common words ("and", "not") whose next word is not the sequence's, and the
/// list rejects those without reading the sequence.
#[derive(Debug, Clone, Copy)]
struct Anchored {
    seq: u32,
    next: u32,
}

/// [`Anchored::next`] of a sequence whose second element is no stem.
const ANY_NEXT: u32 = u32::MAX;

impl Anchored {
    fn of(seq: usize, elems: &[Elem]) -> Anchored {
        let next = match elems.get(1) {
            Some(Elem::Stem(id)) => *id,
            _ => ANY_NEXT,
        };
        Anchored {
            seq: seq as u32,
            next,
        }
    }
}

/// Which (anchor stem, next stem) pairs can start a sequence: every anchor with a sequence
/// whose second element is no stem, and the pairs of the others, as bits of a hashed table
/// (two pairs may share a bit: then both are kept, and the sequence lists reject the wrong
/// one). Checked once per anchor token before any sequence list is read
/// (`Matcher::each_occurrence` rejects the same tokens one listed sequence at a time).
#[derive(Debug, Default)]
struct AnchorPairs {
    /// By stem id: some sequence starting with it takes any next token.
    any: Vec<bool>,
    /// Bit [`AnchorPairs::bit`] of each (stem, next stem) of the sequences whose second
    /// element is a stem (8 KB).
    bits: Vec<u64>,
}

impl AnchorPairs {
    /// Bits of [`AnchorPairs::bits`], as bits of a bit number.
    const BITS: u32 = 16;

    fn of(stem_anchored: &[Vec<Anchored>]) -> AnchorPairs {
        let mut out = AnchorPairs {
            any: vec![false; stem_anchored.len()],
            bits: vec![0; 1 << (Self::BITS - 6)],
        };
        for (stem, seqs) in stem_anchored.iter().enumerate() {
            for anchored in seqs {
                if anchored.next == ANY_NEXT {
                    out.any[stem] = true;
                } else {
                    let bit = Self::bit(stem as u32, anchored.next);
                    out.bits[bit / 64] |= 1 << (bit % 64);
                }
            }
        }
        out
    }

    /// The bit of the pair (`stem`, `next`).
    #[inline]
    fn bit(stem: u32, next: u32) -> usize {
        spread(pair_key(stem, next), Self::BITS)
    }

    /// Whether a token of stem `id` followed by one of stem `next` may start a sequence
    /// (`false` only when none can).
    #[inline]
    fn may_start(&self, id: u32, next: u32) -> bool {
        let bit = Self::bit(id, next);
        self.any.get(id as usize).copied().unwrap_or(false)
            || self.bits[bit / 64] & (1 << (bit % 64)) != 0
    }
}

#[derive(Debug)]
enum Kind {
    Seqs(Vec<u32>),
    Regex,
    Near {
        a: Vec<u32>,
        b: Vec<u32>,
        within: Option<usize>,
        ordered: bool,
    },
}

#[derive(Debug)]
struct CPattern {
    theme: u32,
    /// Index of the pattern's rule in `Matcher::rules[theme]`.
    rule: u32,
    kind: Kind,
    /// Its scope with its `carry`.
    unit: Unit,
    not_after: usize,
    negators: NegatorIds,
    /// Words the pattern names itself (negators among them do not cancel).
    literal: Literal,
    unless: Vec<u32>,
    with: Vec<u32>,
}

struct LangMatcher {
    lang: Lang,
    vocab: FxHashMap<String, u32>,
    /// Stem keys, prefix globs and case-insensitive exact words, walked once per token.
    trie: FrozenTrie,
    /// The folded leads of everything in `trie`, `exact_case` and the irregular words.
    lead: LeadFilter,
    /// Case-sensitive exact words (`=US`), by their form with `ё` folded.
    exact_case: FxHashMap<String, u32>,
    /// Bit `n` set when some case-sensitive exact word is `n` bytes long (63: longer).
    exact_case_lengths: u64,
    seqs: Vec<Seq>,
    /// Stem id -> sequences that start with it.
    stem_anchored: Vec<Vec<Anchored>>,
    /// What an anchor token and the token after it can start (see [`AnchorPairs`]).
    anchor_pairs: AnchorPairs,
    /// What each sequence can make fire (which paragraphs need sentences).
    roles: SeqRoles,
    /// Surface test id -> sequences that start with it.
    surface_anchored: FxHashMap<u32, Vec<Anchored>>,
    /// Regexes located one by one in every paragraph (indices into `regexes`).
    regex_alone: Vec<u32>,
    /// The other regexes (indices into `regexes`), in the order of their sets.
    set_members: Vec<u32>,
    /// The sets, each with the position in `set_members` of its first regex.
    regex_sets: Vec<(usize, RegexSet)>,
    regexes: Vec<Regex>,
    /// Regex index -> patterns using it.
    regex_patterns: Vec<Vec<u32>>,
    patterns: Vec<CPattern>,
    /// Stems of the words the counting threads have met, shared so that each word is
    /// stemmed once per count, not once per thread (a stem is a function of the word).
    stems: SharedStems,
}

/// Regexes per `RegexSet` at first. One set of every regex of a large theme set passes the
/// regex crate's size limit for a compiled program (10 MB): sixty case-insensitive,
/// Unicode-aware patterns such as `\bsanction\w{0,3}\s+(\w+\s+){0,2}talk` already do, and
/// a theme set of ten thousand could not be compiled at all (70 s to find out). When a set
/// does not fit, the sets from there on hold half as many, until they fit.
pub(crate) const REGEX_SET_SIZE: usize = 512;

/// From how many regexes with literals (and without a Unicode word boundary) a language puts
/// them in sets instead of running them one by one. Each regex is compiled by itself anyway
/// (it locates the matches), and one whose matches begin or end with literals of a few bytes
/// runs from a prefilter on them: a few such regexes are faster one by one than one pass of a
/// set of them, and the set wins from about this many. Such a regex with a Unicode word
/// boundary (`\b` without `(?-u:)`) always runs alone: a set's lazy DFA gives up on it at the
/// first non-ASCII byte and the set falls back to its slowest engine. A regex without such
/// literals always goes in a set (alone it would be one more full pass per paragraph).
/// docs/themes.md has the measurements.
pub(crate) const REGEX_SET_MIN: usize = 32;

/// Shortest literal worth a prefilter: shorter ones (`[0-9]{2}` has a hundred) find
/// candidates nearly everywhere.
const MIN_PREFILTER_LITERAL: usize = 3;

/// What decides where a regex runs: whether its matches begin or end with literals of at
/// least [`MIN_PREFILTER_LITERAL`] bytes, and whether it asserts a Unicode word boundary.
/// `source` is parsed as theme regexes are compiled (case-insensitively); a regex that does
/// not parse has neither (it never reaches here: theme files are validated when loaded).
fn regex_traits(source: &str) -> (bool, bool) {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(source)
    else {
        return (false, false);
    };
    let literals = [ExtractKind::Prefix, ExtractKind::Suffix]
        .into_iter()
        .any(|kind| {
            let seq = Extractor::new().kind(kind).extract(&hir);
            seq.is_finite()
                && seq
                    .min_literal_len()
                    .is_some_and(|n| n >= MIN_PREFILTER_LITERAL)
        });
    let unicode = hir.properties().look_set().contains_word_unicode();
    (literals, unicode)
}

/// Splits the regexes of `sources` into those located one by one and those put in sets
/// ([`REGEX_SET_MIN`]), as (alone, in sets), each in regex order.
fn split_regexes<S: AsRef<str>>(sources: &[S]) -> (Vec<u32>, Vec<u32>) {
    let traits: Vec<(bool, bool)> = sources.iter().map(|s| regex_traits(s.as_ref())).collect();
    let ascii_with_literals = traits.iter().filter(|&&(l, u)| l && !u).count();
    let alone = |&(literals, unicode): &(bool, bool)| {
        literals && (unicode || ascii_with_literals < REGEX_SET_MIN)
    };
    (0..sources.len() as u32).partition(|&i| alone(&traits[i as usize]))
}

/// Most `RegexSet`s per language, so at most about 160 MB of compiled regexes (and as much
/// again for the regexes located one by one). Ten thousand regexes of the shape above,
/// split into sets without this bound, took 6.6 GB and had not counted one year of the
/// corpus after 20 minutes (a Unicode `\b` on non-ASCII text makes the regex crate run its
/// slowest engine).
pub const MAX_REGEX_SETS: usize = 16;

/// The regexes of `sources` in at most `max_sets` sets of at most [`REGEX_SET_SIZE`], in
/// order, each with the index of its first regex.
fn regex_sets<S: AsRef<str>>(
    sources: &[S],
    max_sets: usize,
) -> Result<Vec<(usize, RegexSet)>, ThemeError> {
    let mut sets = Vec::new();
    let (mut start, mut size) = (0, REGEX_SET_SIZE);
    while start < sources.len() {
        if sets.len() == max_sets {
            return Err(ThemeError::Compile {
                reason: format!(
                    "{} regexes do not fit in {max_sets} sets of 10 MB of compiled program \
                     (the first {start} do): use fewer regexes, phrases, or ASCII word \
                     classes such as (?-u:\\w)",
                    sources.len()
                ),
            });
        }
        let end = (start + size).min(sources.len());
        match RegexSetBuilder::new(&sources[start..end])
            .case_insensitive(true)
            .build()
        {
            Ok(set) => {
                sets.push((start, set));
                start = end;
            }
            Err(regex::Error::CompiledTooBig(_)) if end - start > 1 => size = (end - start) / 2,
            Err(e) => {
                return Err(ThemeError::Compile {
                    reason: e.to_string(),
                });
            }
        }
    }
    Ok(sets)
}

impl Matcher {
    /// Compiles `set`, with its model file when some theme counts by a model (read from
    /// the file the set names and checked against the set).
    pub fn new(set: &ThemeSet) -> Result<Matcher, ThemeError> {
        Matcher::compile(set, &[])
    }

    /// Compiles `set` as [`Matcher::new`] does, for documents of `langs` only (all when
    /// empty): the patterns and models of the other languages are left uncompiled (an
    /// English count need not build the Russian tables), and [`Matcher::check_langs`]
    /// refuses a count that selects their documents.
    pub fn for_langs(set: &ThemeSet, langs: &[Lang]) -> Result<Matcher, ThemeError> {
        let langs: Vec<Lang> = Lang::ALL
            .iter()
            .copied()
            .filter(|lang| lang.selected_by(langs))
            .collect();
        let mut matcher = Matcher::compile(set, &langs)?;
        if langs.len() < Lang::ALL.len() {
            matcher.langs = langs;
        }
        Ok(matcher)
    }

    /// [`Matcher::for_langs`] without the check's record of `langs`.
    fn compile(set: &ThemeSet, langs: &[Lang]) -> Result<Matcher, ThemeError> {
        // The model's weights go straight into the compiled tables, borrowed from its text.
        let read = if set.uses_model() {
            read_for(set, langs, |path, model| {
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into(),
                );
                CompiledModels::for_langs(set, model, &name, langs)
            })?
        } else {
            None
        };
        let mut matcher = Matcher::rules_for(set, langs)?;
        if let Some((models, source)) = read {
            matcher.models = models;
            matcher.model_source = Some(source);
        }
        Ok(matcher)
    }

    /// An error unless the matcher was compiled for every language of `langs` (a document
    /// filter's languages: all when empty).
    pub fn check_langs(&self, langs: &[Lang]) -> Result<(), ThemeError> {
        if self.langs.is_empty() {
            return Ok(());
        }
        match Lang::ALL
            .iter()
            .find(|lang| lang.selected_by(langs) && !self.langs.contains(lang))
        {
            None => Ok(()),
            Some(&lang) => Err(ThemeError::LangNotCompiled {
                lang,
                compiled: self
                    .langs
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// The model file [`Matcher::new`] read, with the hash of the bytes it compiled
    /// (`None` when it read none).
    pub fn model_source(&self) -> Option<&ModelSource> {
        self.model_source.as_ref()
    }

    /// Compiles `set` with `model` (known in evidence as `name`) for the themes that count
    /// by a model; `model` must fit the set ([`ModelFile::check`]).
    pub fn with_model(
        set: &ThemeSet,
        model: &ModelFile,
        name: &str,
    ) -> Result<Matcher, ThemeError> {
        model.check(Path::new(name), set)?;
        Ok(Matcher::rules_only(set)?.with_models(CompiledModels::new(set, model, name)))
    }

    /// This matcher with `models` in place of its own (`None`: rules alone).
    pub fn with_models(mut self, models: Option<CompiledModels>) -> Matcher {
        self.models = models;
        self.model_source = None;
        // What a word is now includes its number for the models: words cached for the
        // old identity lack it.
        self.identity = next_identity();
        self
    }

    /// Compiles the rules of `set` alone: every theme counts by its patterns, whatever its
    /// `count` says (training compares the rules with the model).
    pub fn rules_only(set: &ThemeSet) -> Result<Matcher, ThemeError> {
        Matcher::rules_for(set, &[])
    }

    /// [`Matcher::rules_only`] for the languages of `langs` (all when empty).
    fn rules_for(set: &ThemeSet, langs: &[Lang]) -> Result<Matcher, ThemeError> {
        let compile = |lang: Lang, other: Option<&LangMatcher>| {
            if lang.selected_by(langs) {
                LangMatcher::new(set, lang, other)
            } else {
                Ok(None)
            }
        };
        let en = compile(Lang::En, None)?;
        let ru = compile(Lang::Ru, en.as_ref())?;
        Ok(Matcher {
            identity: next_identity(),
            themes: set
                .themes
                .iter()
                .map(|t| Arc::from(t.id.as_str()))
                .collect(),
            rules: set
                .themes
                .iter()
                .map(|t| {
                    t.langs
                        .iter()
                        .flat_map(|l| l.patterns.iter().map(|p| Arc::from(p.rule.as_str())))
                        .collect()
                })
                .collect(),
            en,
            ru,
            models: None,
            model_source: None,
            langs: Vec::new(),
        })
    }

    /// Theme ids, in set order (`ThemeMatch::theme` is one of them).
    pub fn theme_ids(&self) -> &[Arc<str>] {
        &self.themes
    }

    /// The matches of every theme in `text` (paragraphs split on `\n`) read as `lang`, in
    /// text order (paragraph, start, theme), the whole text being one speaker turn.
    pub fn match_text(&self, lang: Lang, text: &str, scratch: &mut Scratch) -> Vec<ThemeMatch> {
        self.match_turns(lang, text, &[], scratch)
    }

    /// Like [`Matcher::match_text`], with the speaker turn number of each paragraph
    /// (`turns[p]`; paragraphs past its end are in turn 0): see [`Scope::Turn`].
    pub fn match_turns(
        &self,
        lang: Lang,
        text: &str,
        turns: &[u32],
        scratch: &mut Scratch,
    ) -> Vec<ThemeMatch> {
        self.match_with_turns(lang, text, &mut || turns.to_vec(), scratch)
    }

    /// Like [`Matcher::match_turns`], asking `turns` for the turn numbers only when a
    /// turn-scoped pattern can fire in the document (most documents need none).
    pub fn match_with_turns(
        &self,
        lang: Lang,
        text: &str,
        turns: &mut dyn FnMut() -> Vec<u32>,
        scratch: &mut Scratch,
    ) -> Vec<ThemeMatch> {
        let matcher = match lang {
            Lang::En => self.en.as_ref(),
            Lang::Ru => self.ru.as_ref(),
        };
        let Some(matcher) = matcher else {
            return Vec::new();
        };
        scratch.cache.bind(self.identity);
        let numbers = self.models.as_ref().and_then(|m| m.stems(lang));
        matcher.find(text, numbers, turns, scratch);
        // Text order, then theme order (theme ids are unique: the index is the order).
        merge_overlaps(&mut scratch.raws, &mut scratch.merged, &mut scratch.merge);
        let doc = &scratch.doc;
        let mut matches: Vec<ThemeMatch> = scratch
            .merged
            .iter()
            .map(|raw| {
                let pattern = &matcher.patterns[raw.pattern as usize];
                ThemeMatch {
                    theme: self.themes[raw.theme as usize].clone(),
                    para: raw.para as usize,
                    sentence: doc.sentence_in_paragraph(raw.sent),
                    start: raw.start as usize,
                    end: raw.end as usize,
                    rule: self.rules[raw.theme as usize][pattern.rule as usize].clone(),
                }
            })
            .collect();
        if let Some(models) = &self.models {
            models.apply(
                lang,
                text,
                &scratch.doc,
                &mut matches,
                &self.themes,
                &mut scratch.model,
            );
        }
        matches
    }
}

#[derive(Clone, Copy)]
enum SurfaceKind {
    Exact,
    ExactCase,
    Prefix,
}

/// The numbers of the bits set in `words` (bit `i` of word `w` is `64 * w + i`), in order.
fn set_bits(words: &[u64]) -> impl Iterator<Item = u32> + '_ {
    words.iter().enumerate().flat_map(|(w, &word)| {
        let mut bits = word;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let bit = bits.trailing_zeros();
                bits &= bits - 1;
                64 * w as u32 + bit
            })
        })
    })
}

/// Interns sequences and surface tests while compiling one language.
#[derive(Default)]
struct Compiler {
    vocab: HashMap<String, u32>,
    exact: HashMap<String, u32>,
    exact_case: HashMap<String, u32>,
    prefix: HashMap<String, u32>,
    n_surface: u32,
    seqs: HashMap<Vec<Elem>, u32>,
    seq_list: Vec<Vec<Elem>>,
}

impl Compiler {
    fn stem(&mut self, stem: &str) -> u32 {
        let next = self.vocab.len() as u32 + 1;
        *self.vocab.entry(stem.to_string()).or_insert(next)
    }

    fn surface(&mut self, text: &str, test: SurfaceKind) -> u32 {
        let map = match test {
            SurfaceKind::Exact => &mut self.exact,
            SurfaceKind::ExactCase => &mut self.exact_case,
            SurfaceKind::Prefix => &mut self.prefix,
        };
        if let Some(&id) = map.get(text) {
            return id;
        }
        self.n_surface += 1;
        map.insert(text.to_string(), self.n_surface);
        self.n_surface
    }

    fn phrase(&mut self, phrase: &Phrase) -> Vec<u32> {
        phrase
            .alternatives
            .iter()
            .map(|items| {
                let elems: Vec<Elem> = items
                    .iter()
                    .map(|item| match item {
                        Item::Stem(s) => Elem::Stem(self.stem(s)),
                        Item::Exact(s) => Elem::Surface(self.surface(s, SurfaceKind::Exact)),
                        Item::ExactCase(s) => {
                            Elem::Surface(self.surface(s, SurfaceKind::ExactCase))
                        }
                        Item::Prefix(s) => Elem::Surface(self.surface(s, SurfaceKind::Prefix)),
                        Item::Any => Elem::Any,
                        Item::Gap(n) => Elem::Gap(*n as u8),
                    })
                    .collect();
                let next = self.seq_list.len() as u32;
                *self.seqs.entry(elems.clone()).or_insert_with(|| {
                    self.seq_list.push(elems);
                    next
                })
            })
            .collect()
    }
}

impl LangMatcher {
    /// The sources of the regexes in `regex_sets`, in set order.
    fn set_sources(&self) -> impl Iterator<Item = &str> {
        self.set_members
            .iter()
            .map(|&i| self.regexes[i as usize].as_str())
    }

    /// The matcher of `lang`'s patterns; `other`, another language's matcher, lends its
    /// `RegexSet`s when its set regexes are the same (an imported dictionary writes every
    /// value in each language), so that they are compiled once.
    fn new(
        set: &ThemeSet,
        lang: Lang,
        other: Option<&LangMatcher>,
    ) -> Result<Option<LangMatcher>, ThemeError> {
        let mut c = Compiler::default();
        let mut patterns = Vec::new();
        // The theme file's compiled regexes, one per distinct source.
        let mut regexes: Vec<Regex> = Vec::new();
        let mut regex_patterns: Vec<Vec<u32>> = Vec::new();
        for (theme_index, theme) in set.themes.iter().enumerate() {
            // Rule indexes count the patterns of every language of the theme, in order.
            let mut rule = 0;
            for table in &theme.langs {
                if table.lang != lang {
                    rule += table.patterns.len() as u32;
                    continue;
                }
                for pattern in &table.patterns {
                    let kind = match &pattern.kind {
                        super::PatternKind::Phrase(p) => Kind::Seqs(c.phrase(p)),
                        super::PatternKind::Regex(re) => {
                            let index = match regexes.iter().position(|r| r.as_str() == re.as_str())
                            {
                                Some(i) => i,
                                None => {
                                    regexes.push(re.clone());
                                    regex_patterns.push(Vec::new());
                                    regexes.len() - 1
                                }
                            };
                            regex_patterns[index].push(patterns.len() as u32);
                            Kind::Regex
                        }
                        super::PatternKind::Near {
                            a,
                            b,
                            within,
                            ordered,
                        } => Kind::Near {
                            a: c.phrase(a),
                            b: c.phrase(b),
                            within: *within,
                            ordered: *ordered,
                        },
                    };
                    let negators = if pattern.not_after > 0 {
                        let ids: Vec<u32> =
                            pattern.negators.stems.iter().map(|s| c.stem(s)).collect();
                        NegatorIds::new(&ids, pattern.negators.contraction)
                    } else {
                        NegatorIds::new(&[], false)
                    };
                    let (mut stems, mut surface) = (Vec::new(), Vec::new());
                    let seqs: Vec<u32> = match &kind {
                        Kind::Seqs(seqs) => seqs.clone(),
                        Kind::Near { a, b, .. } => a.iter().chain(b).copied().collect(),
                        Kind::Regex => Vec::new(),
                    };
                    for &seq in &seqs {
                        for elem in &c.seq_list[seq as usize] {
                            match *elem {
                                Elem::Stem(id) => stems.push(id),
                                Elem::Surface(id) => surface.push(id),
                                Elem::Any | Elem::Gap(_) => {}
                            }
                        }
                    }
                    surface.sort_unstable();
                    surface.dedup();
                    let literal = Literal {
                        stems: StemSet::new(&stems),
                        surface,
                    };
                    let unless = pattern.unless.iter().flat_map(|p| c.phrase(p)).collect();
                    let with = pattern.with.iter().flat_map(|p| c.phrase(p)).collect();
                    patterns.push(CPattern {
                        theme: theme_index as u32,
                        rule,
                        kind,
                        unit: Unit {
                            scope: pattern.scope,
                            carry: pattern.carry.min(u32::MAX as usize) as u32,
                        },
                        not_after: pattern.not_after,
                        negators,
                        literal,
                        unless,
                        with,
                    });
                    rule += 1;
                }
            }
        }
        if patterns.is_empty() {
            return Ok(None);
        }
        let mut roles = SeqRoles::new(c.seq_list.len());
        for (index, pattern) in patterns.iter().enumerate() {
            let index = index as u32;
            let context = pattern.unless.iter().chain(&pattern.with).copied();
            roles.scope(index, pattern.unit.scope, context);
            match &pattern.kind {
                Kind::Seqs(seqs) => seqs.iter().for_each(|&s| roles.add(s, index, Role::Alone)),
                Kind::Near { a, b, .. } => {
                    a.iter().for_each(|&s| roles.add(s, index, Role::NearA));
                    b.iter().for_each(|&s| roles.add(s, index, Role::NearB));
                }
                Kind::Regex => {}
            }
        }
        let mut stem_anchored: Vec<Vec<Anchored>> = vec![Vec::new(); c.vocab.len() + 1];
        let mut surface_anchored: FxHashMap<u32, Vec<Anchored>> = FxHashMap::default();
        let mut seqs = Vec::with_capacity(c.seq_list.len());
        for (id, elems) in c.seq_list.into_iter().enumerate() {
            let anchored = Anchored::of(id, &elems);
            match elems.first() {
                Some(Elem::Stem(stem)) => stem_anchored[*stem as usize].push(anchored),
                Some(Elem::Surface(test)) => {
                    surface_anchored.entry(*test).or_default().push(anchored)
                }
                // A sequence starting with a gap or `*` is rejected when the file is loaded.
                _ => {}
            }
            seqs.push(Seq { elems });
        }
        let sources: Vec<&str> = regexes.iter().map(Regex::as_str).collect();
        let (regex_alone, set_members) = split_regexes(&sources);
        let members: Vec<&str> = set_members.iter().map(|&i| sources[i as usize]).collect();
        let regex_sets = match other {
            Some(other) if other.set_sources().eq(members.iter().copied()) => {
                other.regex_sets.clone()
            }
            _ => regex_sets(&members, MAX_REGEX_SETS)?,
        };
        let mut trie = TokenTrie::default();
        let mut lead = LeadFilter::default();
        // Every trie word is a lead too: exact words as whole words, others as prefixes.
        let mut test = |word: &str, entry: TrieEntry| {
            trie.insert(word, entry);
            match entry {
                TrieEntry::Exact(_) => lead.insert_exact(word),
                _ => lead.insert(word),
            }
        };
        for stem in c.vocab.keys() {
            test(stem_key(lang, stem), TrieEntry::Key);
        }
        for (word, &id) in &c.prefix {
            test(word, TrieEntry::Prefix(id));
        }
        for (word, &id) in &c.exact {
            test(word, TrieEntry::Exact(id));
        }
        let mut folded = String::new();
        for word in c.exact_case.keys() {
            fold_into(word, &mut folded);
            lead.insert_exact(&folded);
        }
        if lang == Lang::En {
            for word in IRREGULAR_EN {
                lead.insert_exact(word);
            }
        }
        let exact_case_lengths = c
            .exact_case
            .keys()
            .fold(0u64, |bits, k| bits | length_bit(k.len()));
        let fx = |map: HashMap<String, u32>| map.into_iter().collect::<FxHashMap<_, _>>();
        Ok(Some(LangMatcher {
            lang,
            vocab: fx(c.vocab),
            trie: trie.freeze(),
            lead,
            exact_case: fx(c.exact_case),
            exact_case_lengths,
            seqs,
            anchor_pairs: AnchorPairs::of(&stem_anchored),
            stem_anchored,
            roles,
            surface_anchored,
            regex_alone,
            set_members,
            regex_sets,
            regexes,
            regex_patterns,
            patterns,
            stems: SharedStems::new(CACHE_WORDS),
        }))
    }

    /// Fills `scratch.raws` with the raw matches of `text` (negation, `unless` and `with` applied).
    /// `numbers`: the models' stem numbers, when a model reads the language (the tokens'
    /// [`DocTokens::numbers`] are filled in the same lookup).
    fn find(
        &self,
        text: &str,
        numbers: Option<&FxHashMap<String, u32>>,
        turns: &mut dyn FnMut() -> Vec<u32>,
        scratch: &mut Scratch,
    ) {
        let Scratch {
            cache,
            doc,
            occ,
            touched,
            raws,
            pairs,
            side_b,
            active,
            candidates,
            needs,
            verified,
            ..
        } = scratch;
        match numbers {
            Some(numbers) => doc.fill(
                text,
                self.lang,
                cache,
                &Numbered {
                    rules: self,
                    numbers,
                },
            ),
            None => doc.fill(text, self.lang, cache, self),
        }
        doc.turns.clear();
        for &seq in touched.iter() {
            occ[seq as usize].clear();
        }
        touched.clear();
        if occ.len() < self.seqs.len() {
            occ.resize_with(self.seqs.len(), Vec::new);
        }
        raws.clear();
        self.collect_candidates(text, doc, candidates);
        let paragraph_pass = self.keep_needed_paragraphs(doc, candidates, needs, verified);
        // Sentences only where something may match.
        let mut last_para = u32::MAX;
        let paras = candidates
            .anchors
            .iter()
            .map(|&first| doc.toks[first as usize].para)
            .chain(
                candidates
                    .surface
                    .iter()
                    .map(|&(_, t)| doc.toks[t as usize].para),
            )
            .chain(candidates.regex.iter().map(|&(_, p, _, _)| p))
            .collect::<Vec<u32>>();
        for para in paras {
            if para != last_para {
                doc.ensure_sentences(text, para as usize);
                last_para = para;
            }
        }
        let verified = paragraph_pass.then_some(verified.as_slice());
        self.find_sequences(doc, candidates, verified, occ, touched);
        for &seq in touched.iter() {
            occ[seq as usize].sort_unstable();
        }
        // Only patterns with an occurring sequence can fire (most documents touch few of
        // the sequences; visiting every pattern's sides cost more than pairing them). The
        // bits give them in pattern order, without sorting the many repeats of dense text.
        active.clear();
        active.resize(self.patterns.len().div_ceil(64), 0);
        for &seq in touched.iter() {
            for index in self.roles.patterns_of(seq) {
                active[index as usize / 64] |= 1 << (index % 64);
            }
        }
        // Turns are asked for at most once, and only when a turn-scoped pattern has
        // something to pair or a match to check.
        let mut have_turns = false;
        for index in set_bits(active) {
            let pattern = &self.patterns[index as usize];
            match &pattern.kind {
                Kind::Seqs(seqs) => {
                    for &seq in seqs {
                        for &o in &occ[seq as usize] {
                            raws.push(raw_of_tokens(doc, pattern.theme, index, o));
                        }
                    }
                }
                Kind::Regex => {}
                Kind::Near {
                    a,
                    b,
                    within,
                    ordered,
                } => {
                    // Most documents hold neither side: nothing to pair.
                    let none = |seqs: &[u32]| seqs.iter().all(|&s| occ[s as usize].is_empty());
                    if none(a) || none(b) {
                        continue;
                    }
                    side_b.clear();
                    for &seq in b {
                        side_b.extend_from_slice(&occ[seq as usize]);
                    }
                    side_b.sort_unstable();
                    if pattern.unit.scope == Scope::Turn && !have_turns {
                        doc.turns = turns();
                        have_turns = true;
                    }
                    pairs.clear();
                    // Most sequences of a side with many alternatives are absent.
                    for &seq in a.iter().filter(|&&s| !occ[s as usize].is_empty()) {
                        pair_near(
                            doc,
                            &occ[seq as usize],
                            side_b,
                            *within,
                            *ordered,
                            pattern.unit,
                            pairs,
                        );
                    }
                    for &(oa, ob) in pairs.iter() {
                        raws.push(raw_of_pair(doc, pattern.theme, index, oa, ob));
                    }
                }
            }
        }
        self.regex_raws(doc, candidates, raws);
        if !have_turns
            && raws
                .iter()
                .any(|raw| self.patterns[raw.pattern as usize].unit.scope == Scope::Turn)
        {
            doc.turns = turns();
        }
        raws.retain(|raw| {
            let pattern = &self.patterns[raw.pattern as usize];
            if negated(
                doc,
                text,
                (raw.first_tok as usize, raw.end_tok as usize),
                raw.sent,
                pattern.not_after,
                &pattern.negators,
                &pattern.literal,
            ) {
                return false;
            }
            let unless = pattern.unless.iter().map(|&s| occ[s as usize].as_slice());
            if !pattern.unless.is_empty() && in_scope(doc, raw, pattern.unit, unless) {
                return false;
            }
            let with = pattern.with.iter().map(|&s| occ[s as usize].as_slice());
            pattern.with.is_empty() || in_scope(doc, raw, pattern.unit, with)
        });
    }

    /// Finds the tokens that start a sequence (by stem or surface test) and the regex
    /// matches.
    fn collect_candidates(&self, text: &str, doc: &DocTokens, found: &mut Candidates) {
        found.anchors.clear();
        found.surface.clear();
        found.regex.clear();
        // Only the anchors a sequence can start at, given the next token: most tokens of a
        // common anchor word ("the", "and") are followed by no word of its sequences.
        let pairs = &self.anchor_pairs;
        found
            .anchors
            .extend(doc.anchors.iter().copied().filter(|&t| {
                let id = doc.toks[t as usize].id;
                let next = doc.toks.get(t as usize + 1).map_or(0, |tok| tok.id);
                pairs.may_start(id, next)
            }));
        if !self.surface_anchored.is_empty() {
            for (t, tests) in doc.surfaced() {
                for &test in tests {
                    if self.surface_anchored.contains_key(&test) {
                        found.surface.push((test, t as u32));
                    }
                }
            }
        }
        // Per paragraph, the regexes kept alone are located, then one pass of each
        // `RegexSet` says which of its regexes to locate.
        for (p, para) in doc.paras.iter().enumerate() {
            let paragraph = &text[para.bytes.clone()];
            for &index in &self.regex_alone {
                self.locate_regex(index, p, paragraph, found);
            }
            for (first, set) in &self.regex_sets {
                for i in set.matches(paragraph).iter() {
                    self.locate_regex(self.set_members[first + i], p, paragraph, found);
                }
            }
        }
    }

    /// Adds the non-empty matches of regex `index` in paragraph `p` to `found.regex`.
    fn locate_regex(&self, index: u32, p: usize, paragraph: &str, found: &mut Candidates) {
        for m in self.regexes[index as usize].find_iter(paragraph) {
            if !m.is_empty() {
                found
                    .regex
                    .push((index, p as u32, m.start() as u32, m.end() as u32));
            }
        }
    }

    /// Records every occurrence of every sequence in `occ`, verifying the candidates
    /// (sentences of their paragraphs computed), or the occurrences `verified` to their
    /// paragraph's end when given.
    ///
    /// An occurrence found to the paragraph's end that ends inside its sentence is the one
    /// found to the sentence's end: the search tries the same choices in the same order, a
    /// choice that fails with the farther end fails with the nearer one, and this one stays
    /// within it. One that ends past its sentence is verified again to the sentence's end;
    /// a sequence not found to the paragraph's end is not found to the sentence's.
    fn find_sequences(
        &self,
        doc: &DocTokens,
        found: &Candidates,
        verified: Option<&[(u32, u32, u32)]>,
        occ: &mut [Vec<Occ>],
        touched: &mut Vec<u32>,
    ) {
        let mut record = |seq: u32, first: usize, end: usize| {
            let list = &mut occ[seq as usize];
            if list.is_empty() {
                touched.push(seq);
            }
            list.push(Occ {
                first: first as u32,
                end: end as u32,
            });
        };
        let sentence_end = |first: usize| doc.sents[doc.toks[first].sent as usize].toks.end;
        match verified {
            Some(verified) => {
                for &(first, seq, end) in verified {
                    let (first, end) = (first as usize, end as usize);
                    let limit = sentence_end(first);
                    let end = if end <= limit {
                        Some(end)
                    } else {
                        self.verify(doc, &self.seqs[seq as usize].elems[1..], first + 1, limit)
                    };
                    if let Some(end) = end {
                        record(seq, first, end);
                    }
                }
            }
            None => {
                for (first, seqs) in self.anchored(doc, found) {
                    let limit = sentence_end(first);
                    self.each_occurrence(doc, first, seqs, limit, |seq, end| {
                        record(seq, first, end)
                    });
                }
            }
        }
    }

    /// Each candidate token with the sequences that start there.
    fn anchored<'a>(
        &'a self,
        doc: &'a DocTokens,
        found: &'a Candidates,
    ) -> impl Iterator<Item = (usize, &'a [Anchored])> {
        let by_stem = found.anchors.iter().map(|&t| {
            let seqs = &self.stem_anchored[doc.toks[t as usize].id as usize];
            (t as usize, seqs.as_slice())
        });
        let by_surface = found.surface.iter().map(|&(test, t)| {
            let seqs = self
                .surface_anchored
                .get(&test)
                .map_or(&[][..], Vec::as_slice);
            (t as usize, seqs)
        });
        by_stem.chain(by_surface)
    }

    /// Calls `visit(seq, end)` for each of `seqs` that occurs from token `first` without
    /// passing token `limit`.
    fn each_occurrence(
        &self,
        doc: &DocTokens,
        first: usize,
        seqs: &[Anchored],
        limit: usize,
        mut visit: impl FnMut(u32, usize),
    ) {
        let next = doc
            .toks
            .get(first + 1)
            .filter(|_| first + 1 < limit)
            .map(|tok| tok.id);
        for &Anchored { seq, next: wanted } in seqs {
            if wanted != ANY_NEXT && next != Some(wanted) {
                continue;
            }
            let rest = &self.seqs[seq as usize].elems[1..];
            if let Some(end) = self.verify(doc, rest, first + 1, limit) {
                visit(seq, end);
            }
        }
    }

    /// Drops the candidates of the paragraphs where no pattern can fire ([`super::needs`]),
    /// keeping in `verified` the occurrences found (bounded by their paragraph) in the
    /// others. Returns whether it looked (it does not when every paragraph is kept).
    fn keep_needed_paragraphs(
        &self,
        doc: &DocTokens,
        found: &mut Candidates,
        needs: &mut Needs,
        verified: &mut Vec<(u32, u32, u32)>,
    ) -> bool {
        verified.clear();
        if self.roles.keeps_all() {
            return false;
        }
        needs.clear(doc.paras.len());
        // A regex match needs its paragraph whatever the sequences say.
        for &(_, para, _, _) in &found.regex {
            needs.paragraph[para as usize] = true;
        }
        for (first, seqs) in self.anchored(doc, found) {
            let para = doc.toks[first].para;
            let limit = doc.paras[para as usize].toks.end;
            self.each_occurrence(doc, first, seqs, limit, |seq, end| {
                needs.present.push((para, seq));
                verified.push((first as u32, seq, end as u32));
            });
        }
        needs.decide(&self.roles);
        let needed = |t: u32| needs.paragraph[doc.toks[t as usize].para as usize];
        found.anchors.retain(|&t| needed(t));
        found.surface.retain(|&(_, t)| needed(t));
        verified.retain(|&(t, _, _)| needed(t));
        true
    }

    /// Matches `elems` from token `at` without passing token `limit`; the shortest match's
    /// end (exclusive) wins. Words are matched in a loop; only a gap recurses, once per
    /// length it tries.
    fn verify(&self, doc: &DocTokens, elems: &[Elem], at: usize, limit: usize) -> Option<usize> {
        let (mut elems, mut at) = (elems, at);
        loop {
            let Some((first, rest)) = elems.split_first() else {
                return Some(at);
            };
            match *first {
                Elem::Gap(n) => {
                    return (0..=n as usize)
                        .take_while(|k| at + k <= limit)
                        .find_map(|k| self.verify(doc, rest, at + k, limit));
                }
                _ if at >= limit => return None,
                Elem::Stem(id) if doc.toks[at].id == id => {}
                Elem::Surface(id) if doc.has_surface(at, id) => {}
                Elem::Any => {}
                _ => return None,
            }
            (elems, at) = (rest, at + 1);
        }
    }

    /// Raw matches of the regex candidates (sentences of their paragraphs computed).
    fn regex_raws(&self, doc: &DocTokens, found: &Candidates, raws: &mut Vec<Raw>) {
        for &(index, p, start, end) in &found.regex {
            let Some(sent) = doc.sentence_at(p as usize, start as usize) else {
                continue;
            };
            let first_tok = doc.token_at(p as usize, start as usize) as u32;
            for &pattern in &self.regex_patterns[index as usize] {
                raws.push(Raw {
                    theme: self.patterns[pattern as usize].theme,
                    pattern,
                    para: p,
                    sent,
                    start,
                    end,
                    first_tok,
                    end_tok: first_tok,
                });
            }
        }
    }
}

impl SurfaceTests for LangMatcher {
    fn token_tests(&self, raw: &str, folded: &str, out: &mut Vec<u32>) -> bool {
        // Most tokens have a length no case-sensitive word has: no hashing for them
        // (`ё` and `е` have the same length).
        if !self.exact_case.is_empty() && self.exact_case_lengths & length_bit(raw.len()) != 0 {
            let hit = if raw.contains('ё') {
                self.exact_case.get(&raw.replace('ё', "е"))
            } else {
                self.exact_case.get(raw)
            };
            out.extend(hit);
        }
        self.trie.test(folded, out)
    }

    fn stem_id(&self, stem: &str) -> u32 {
        self.vocab.get(stem).copied().unwrap_or(0)
    }

    fn starts_sequence(&self, id: u32) -> bool {
        self.stem_anchored
            .get(id as usize)
            .is_some_and(|seqs| !seqs.is_empty())
    }

    #[inline]
    fn could_pass(&self, lead: u32) -> bool {
        self.lead.could_match(lead)
    }

    fn shared_stems(&self) -> Option<&SharedStems> {
        Some(&self.stems)
    }
}

/// The matcher's reading of words, with the models' stem numbers beside it.
struct Numbered<'a> {
    rules: &'a LangMatcher,
    numbers: &'a FxHashMap<String, u32>,
}

impl SurfaceTests for Numbered<'_> {
    fn token_tests(&self, raw: &str, folded: &str, out: &mut Vec<u32>) -> bool {
        self.rules.token_tests(raw, folded, out)
    }

    fn stem_id(&self, stem: &str) -> u32 {
        self.rules.stem_id(stem)
    }

    fn starts_sequence(&self, id: u32) -> bool {
        self.rules.starts_sequence(id)
    }

    fn could_pass(&self, lead: u32) -> bool {
        self.rules.could_pass(lead)
    }

    fn numbers_words(&self) -> bool {
        true
    }

    fn number(&self, stem: &str) -> u32 {
        self.numbers.get(stem).copied().unwrap_or(0)
    }

    fn shared_stems(&self) -> Option<&SharedStems> {
        self.rules.shared_stems()
    }
}

/// A fresh matcher identity (token caches are bound to one).
fn next_identity() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The bit of byte length `n` in a length mask (lengths of 63 and more share bit 63).
fn length_bit(n: usize) -> u64 {
    1 << n.min(63)
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::LazyLock;

    use super::*;

    #[test]
    fn a_matcher_for_some_languages_matches_them_as_the_whole_matcher_does() {
        let set = crate::themes::builtin::builtin_theme_set().unwrap();
        assert!(set.uses_model());
        let all = Matcher::new(&set).unwrap();
        let texts = [
            (
                Lang::En,
                "Washington is to blame for the escalation on the peninsula, and the \
                 Americans keep raising the stakes.\nSanctions against North Korea are \
                 useless and ineffective; we call for dialogue without preconditions.",
            ),
            (
                Lang::Ru,
                "Вашингтон виноват в эскалации на Корейском полуострове.\nСанкции против \
                 КНДР бесполезны и неэффективны, нужен диалог без предварительных условий.",
            ),
        ];
        let found = |matcher: &Matcher, lang: Lang, text: &str| {
            let matches = matcher.match_text(lang, text, &mut Scratch::default());
            let listed: Vec<String> = matches
                .iter()
                .map(|m| format!("{} {} {}-{} {}", m.theme, m.para, m.start, m.end, m.rule))
                .collect();
            listed
        };
        for (lang, text) in texts {
            let one = Matcher::for_langs(&set, &[lang]).unwrap();
            assert!(!found(&all, lang, text).is_empty(), "{lang}");
            assert_eq!(found(&one, lang, text), found(&all, lang, text), "{lang}");
            let other = Lang::ALL.iter().find(|&&l| l != lang).copied().unwrap();
            // The other language is not compiled: neither its patterns nor its models.
            assert!(
                one.en.is_some() == (lang == Lang::En) && one.ru.is_some() == (lang == Lang::Ru)
            );
            assert!(one.models.as_ref().is_none_or(|m| m.stems(other).is_none()));
            assert!(one.check_langs(&[lang]).is_ok());
            assert!(one.check_langs(&[other]).is_err() && one.check_langs(&[]).is_err());
            assert_eq!(one.model_source(), all.model_source());
        }
        assert!(all.check_langs(&[]).is_ok() && all.check_langs(&[Lang::Ru]).is_ok());
        let both = Matcher::for_langs(&set, &[Lang::Ru, Lang::En]).unwrap();
        assert!(both.check_langs(&[]).is_ok());
    }

    #[test]
    fn a_language_with_the_same_set_regexes_takes_the_other_languages_sets() {
        // Regexes without literals of three bytes go in `RegexSet`s.
        let text = |ru_extra: &str| {
            format!(
                "name = \"t\"\n[[theme]]\nid = \"a\"\n[theme.en]\npatterns = \
                 [{{ regex = '\\d{{4}}-\\d{{2}}' }}, {{ regex = '[xz]\\w+q' }}]\n\
                 [theme.ru]\npatterns = [{ru_extra}{{ regex = '\\d{{4}}-\\d{{2}}' }}, \
                 {{ regex = '[xz]\\w+q' }}]\n"
            )
        };
        let sample = "In 2017-09 the zebraq met a walk.";
        for extra in ["", "{ regex = '[jw]\\w+k' }, "] {
            let set = ThemeSet::from_toml(Path::new("t.toml"), &text(extra)).unwrap();
            let matcher = Matcher::new(&set).unwrap();
            let (en, ru) = (matcher.en.as_ref().unwrap(), matcher.ru.as_ref().unwrap());
            assert_eq!(en.set_members.len(), 2);
            assert_eq!(ru.set_members.len(), 2 + usize::from(!extra.is_empty()));
            let spans = |lang| {
                let mut spans: Vec<(usize, usize)> = matcher
                    .match_text(lang, sample, &mut Scratch::default())
                    .iter()
                    .map(|m| (m.start, m.end))
                    .collect();
                spans.sort_unstable();
                spans
            };
            assert_eq!(spans(Lang::En), [(3, 10), (15, 21)]);
            let mut want = spans(Lang::En);
            if !extra.is_empty() {
                want.push((28, 32));
            }
            assert_eq!(spans(Lang::Ru), want, "{extra}");
        }
    }

    /// A regex match's paragraph is searched for its pattern's `unless` phrase though no
    /// sequence pattern can fire there (the regex alone makes the paragraph needed).
    #[test]
    fn a_regex_match_is_cancelled_by_an_unless_phrase_in_its_paragraph() {
        let text = "name = \"t\"\n[[theme]]\nid = \"a\"\n[theme.en]\nscope = \"paragraph\"\n\
                    unless = [\"lift the sanctions\"]\npatterns = [{ regex = 'embargo\\w*' }]\n";
        let set = ThemeSet::from_toml(Path::new("t.toml"), text).unwrap();
        let matcher = Matcher::new(&set).unwrap();
        let found = |text: &str| {
            matcher
                .match_text(Lang::En, text, &mut Scratch::default())
                .len()
        };
        assert_eq!(found("The embargoes stay.\nWe may lift the sanctions."), 1);
        assert_eq!(found("The embargoes stay. We may lift the sanctions."), 0);
    }

    fn semantics() -> Matcher {
        let text = include_str!("../../tests/fixtures/themes/semantics.toml");
        let set = ThemeSet::from_toml(Path::new("semantics.toml"), text).unwrap();
        Matcher::new(&set).unwrap()
    }

    static MATCHER: LazyLock<Matcher> = LazyLock::new(semantics);

    // Issue 18, finding 16: sixty such regexes made one `RegexSet` past the regex crate's
    // size limit, and the theme set could not be compiled at all.
    #[test]
    fn a_hundred_unicode_regexes_compile_in_sets_and_match_in_order() {
        let patterns: Vec<String> = (0..100)
            .map(|i| {
                format!("  {{ regex = '(?-u:\\b)w{i}x\\w{{0,3}}\\s+(\\w+\\s+){{0,2}}talks' }}")
            })
            .collect();
        let text = format!(
            "name = \"many\"\nversion = \"1\"\n\n[[theme]]\nid = \"many\"\nlabel = \"Many\"\n\
             [theme.en]\npatterns = [\n{}\n]\n",
            patterns.join(",\n")
        );
        let set = ThemeSet::from_toml(Path::new("many.toml"), &text).unwrap();
        let matcher = Matcher::new(&set).unwrap();
        let en = matcher.en.as_ref().unwrap();
        assert!(en.regex_sets.len() > 1 && en.regex_alone.is_empty());
        let sources: Vec<String> = (0..100)
            .map(|i| format!(r"(?-u:\b)w{i}x\w{{0,3}}\s+(\w+\s+){{0,2}}talks"))
            .collect();
        let err = regex_sets(&sources, 1).err().unwrap().to_string();
        assert!(err.contains("100 regexes do not fit in 1 sets"), "{err}");
        let found = matcher.match_text(
            Lang::En,
            "First w99xs direct talks.\nThen w3x talks and w60xes talks.",
            &mut Scratch::default(),
        );
        let rules: Vec<(usize, &str)> = found.iter().map(|m| (m.para, &*m.rule)).collect();
        assert_eq!(
            rules,
            [
                (0, r"/(?-u:\b)w99x\w{0,3}\s+(\w+\s+){0,2}talks/"),
                (1, r"/(?-u:\b)w3x\w{0,3}\s+(\w+\s+){0,2}talks/"),
                (1, r"/(?-u:\b)w60x\w{0,3}\s+(\w+\s+){0,2}talks/"),
            ]
        );
    }

    /// The same theme set, splitting sentences in every paragraph with a candidate.
    static EVERY_PARAGRAPH: LazyLock<Matcher> = LazyLock::new(|| {
        let mut matcher = semantics();
        for lang in [&mut matcher.en, &mut matcher.ru].into_iter().flatten() {
            lang.roles.keep_all();
        }
        matcher
    });

    /// Patterns of every scope, with `unless` and `with` looking across paragraphs.
    const WIDE_SCOPES: &str = r#"
name = "wide"
version = "1"

[[theme]]
id = "document_unless"
[theme.en]
scope = "document"
unless = ["dialogue"]
patterns = ["sanctions useless", { near = ["pressure", "collapse"] }]

[[theme]]
id = "turn_pairs"
[theme.en]
scope = "turn"
carry = 1
patterns = [{ near = ["=US", "refused"] }, { phrase = "lift", with = ["Korea | Washington"] }]
[theme.ru]
scope = "turn"
with = ["не"]
patterns = ["санкции"]

[[theme]]
id = "narrow"
[theme.en]
not_after = 2
patterns = [{ near = ["talks", "end"], scope = "paragraph", with = ["work"] }, { phrase = "dead end", unless = ["economic"] }]
"#;

    /// [`WIDE_SCOPES`] as counted, and splitting every paragraph with a candidate.
    static WIDE: LazyLock<(Matcher, Matcher)> = LazyLock::new(|| {
        let compile = || {
            let set = ThemeSet::from_toml(Path::new("wide.toml"), WIDE_SCOPES).unwrap();
            Matcher::new(&set).unwrap()
        };
        let mut every = compile();
        for lang in [&mut every.en, &mut every.ru].into_iter().flatten() {
            lang.roles.keep_all();
        }
        (compile(), every)
    });

    #[test]
    fn regexes_with_literals_run_alone_unless_many_without_unicode_boundaries() {
        let ascii = |i: usize| format!(r"(?-u:\b)w{i}xyz\w*");
        let few: Vec<String> = (0..3).map(ascii).chain([r"\bwxyz".to_string()]).collect();
        assert_eq!(split_regexes(&few), (vec![0, 1, 2, 3], vec![]));
        let mut many: Vec<String> = (0..REGEX_SET_MIN).map(ascii).collect();
        many.insert(5, r"\bxyz\B".into());
        many.push(r"(?-u:\b)xyz|\byzx".into());
        let (alone, in_sets) = split_regexes(&many);
        assert_eq!(alone, [5, REGEX_SET_MIN as u32 + 1]);
        assert_eq!(in_sets.len(), REGEX_SET_MIN);
        assert!(in_sets.windows(2).all(|w| w[0] < w[1]) && !in_sets.contains(&5));
        // Without literals of three bytes, a regex goes in a set however few there are.
        let bare = [
            r"\b[a-z]{3}[0-9]{2}\b",
            r"(?-u:\b)xy",
            r"\bsanction\w*",
            r"\w+ism\b",
        ];
        assert_eq!(split_regexes(&bare), (vec![2, 3], vec![0, 1]));
        assert_eq!(regex_traits(r"(?-u:\b)\w+ism"), (true, false));
        assert_eq!(regex_traits(r"sanction\w*\b"), (true, true));
        assert_eq!(regex_traits(r"(?-u:\b)[0-9]{4}(?-u:\b)"), (false, false));
    }

    /// Fewer regexes than [`REGEX_SET_MIN`], one with a Unicode word boundary, as compiled
    /// (located one by one), and the same matcher with all of them in a set.
    static FEW_REGEXES: LazyLock<(Matcher, Matcher)> = LazyLock::new(|| {
        let text = r#"
name = "few"
version = "1"

[[theme]]
id = "futility"
[theme.en]
patterns = [
  { regex = '\bsanction\w*\s+(\w+\s+){0,2}(useless|futile)' },
  { regex = 'dead\s+end', unless = ["dialogue"] },
]
[[theme]]
id = "talks"
[theme.en]
patterns = [
  { regex = '(?-u:\b)talks?(?-u:\b)|(?-u:\b)dialogue' },
  { regex = '\bend\b' },
  { regex = '\b[a-z]{2}\s+[0-9]{2}' },
]
"#;
        let set = ThemeSet::from_toml(Path::new("few.toml"), text).unwrap();
        let alone = Matcher::new(&set).unwrap();
        let mut in_sets = Matcher::new(&set).unwrap();
        let en = in_sets.en.as_mut().unwrap();
        assert_eq!((en.regex_alone.len(), en.set_members.len()), (4, 1));
        let sources: Vec<&str> = en.regexes.iter().map(Regex::as_str).collect();
        en.regex_sets = regex_sets(&sources, MAX_REGEX_SETS).unwrap();
        en.set_members = (0..sources.len() as u32).collect();
        en.regex_alone.clear();
        (alone, in_sets)
    });

    proptest::proptest! {
        /// The set bits are the numbers set, each once, in order.
        #[test]
        fn set_bits_lists_each_number_set_once_in_order(
            numbers in proptest::collection::vec(0u32..300, 0..80),
        ) {
            let mut words = vec![0u64; 5];
            for &n in &numbers {
                words[n as usize / 64] |= 1 << (n % 64);
            }
            let mut expected = numbers.clone();
            expected.sort_unstable();
            expected.dedup();
            proptest::prop_assert_eq!(set_bits(&words).collect::<Vec<u32>>(), expected);
        }

        /// An anchor token is kept whenever one of its stem's sequences can start there (one
        /// takes any next token, or asks for the next token's stem); otherwise only when its
        /// pair shares its bit with a listed pair.
        #[test]
        fn anchor_pairs_keep_every_anchor_a_sequence_can_start_at(
            lists in proptest::collection::vec(
                proptest::collection::vec(proptest::prop_oneof![proptest::strategy::Just(ANY_NEXT), 1u32..6], 0..4), 0..6),
            id in 0u32..8,
            next in 0u32..7,
        ) {
            let stem_anchored: Vec<Vec<Anchored>> = lists
                .iter()
                .map(|nexts| nexts.iter().map(|&next| Anchored { seq: 0, next }).collect())
                .collect();
            let pairs = AnchorPairs::of(&stem_anchored);
            let listed = |id: u32, next: u32| {
                stem_anchored
                    .get(id as usize)
                    .is_some_and(|seqs| seqs.iter().any(|a| a.next == ANY_NEXT || a.next == next))
            };
            if listed(id, next) {
                proptest::prop_assert!(pairs.may_start(id, next));
            }
            // A pair kept without a listed sequence shares its bit with a listed pair.
            if pairs.may_start(id, next) && !listed(id, next) {
                let bit = AnchorPairs::bit(id, next);
                let shared = stem_anchored.iter().enumerate().any(|(stem, seqs)| {
                    seqs.iter().any(|a| a.next != ANY_NEXT && AnchorPairs::bit(stem as u32, a.next) == bit)
                });
                proptest::prop_assert!(shared);
            }
        }

        /// A few regexes located one by one match as they do in a set.
        #[test]
        fn a_few_regexes_match_as_in_a_set(
            words in proptest::collection::vec(proptest::sample::select(&[
                "sanctions", "Sanction", "are", "useless", "futile", "dead", "end", "talk",
                "talks", "talked", "dialogue", "the", "Korea", "санкции", "is", "17",
            ][..]), 0..40),
            separators in proptest::collection::vec(
                proptest::sample::select(&[" ", " ", ", ", ". ", "\n", "  "][..]), 40),
        ) {
            let text: String = words
                .iter()
                .zip(&separators)
                .map(|(w, s)| format!("{w}{s}"))
                .collect();
            let (alone, in_sets) = &*FEW_REGEXES;
            let alone = alone.match_text(Lang::En, &text, &mut Scratch::default());
            let in_sets = in_sets.match_text(Lang::En, &text, &mut Scratch::default());
            proptest::prop_assert_eq!(alone, in_sets, "{}", text);
        }

        /// Skipping the paragraphs where no pattern can fire changes no match.
        #[test]
        fn paragraphs_without_a_possible_match_change_nothing(
            words in proptest::collection::vec(proptest::sample::select(&[
                "sanctions", "useless", "futile", "pressure", "dead", "end", "talks",
                "collapse", "not", "useful", "lift", "the", "missile", "defence", "systems",
                "US", "violated", "dialogue", "Korea", "work", "economic", "санкции", "не",
                "полезны", "and", "They", "it", "withdrew", "from", "Washington",
                "refused", "Korea",
            ][..]), 0..60),
            separators in proptest::collection::vec(
                proptest::sample::select(&[" ", " ", ", ", ". ", ".\n", "\n"][..]), 60),
            turn_starts in proptest::collection::vec(proptest::bool::ANY, 60),
        ) {
            let text: String = words
                .iter()
                .zip(&separators)
                .map(|(w, s)| format!("{w}{s}"))
                .collect();
            // Speaker turns (the turn and document scopes pair and look across paragraphs).
            let paragraphs = text.split('\n').count();
            let mut turn = 0;
            let turns: Vec<u32> = turn_starts[..paragraphs.min(turn_starts.len())]
                .iter()
                .map(|&starts| {
                    turn += u32::from(starts);
                    turn
                })
                .collect();
            for lang in [Lang::En, Lang::Ru] {
                let fast = MATCHER.match_turns(lang, &text, &turns, &mut Scratch::default());
                let every =
                    EVERY_PARAGRAPH.match_turns(lang, &text, &turns, &mut Scratch::default());
                proptest::prop_assert_eq!(fast, every, "{}", text);
                let (fast, every) = &*WIDE;
                let fast = fast.match_turns(lang, &text, &turns, &mut Scratch::default());
                let every = every.match_turns(lang, &text, &turns, &mut Scratch::default());
                proptest::prop_assert_eq!(fast, every, "{}", text);
            }
        }
    }

    /// The matched texts of `theme` in `text`.
    fn hits(lang: Lang, text: &str, theme: &str) -> Vec<String> {
        let paragraphs: Vec<&str> = text.split('\n').collect();
        MATCHER
            .match_text(lang, text, &mut Scratch::default())
            .into_iter()
            .filter(|m| &*m.theme == theme)
            .map(|m| paragraphs[m.para][m.start..m.end].to_string())
            .collect()
    }

    fn en(text: &str, theme: &str) -> Vec<String> {
        hits(Lang::En, text, theme)
    }

    #[test]
    fn phrases_match_on_stems() {
        assert_eq!(
            en("New Economic Sanctions were adopted.", "stems"),
            ["Economic Sanctions"]
        );
        assert_eq!(
            hits(Lang::Ru, "Введены экономических санкций.", "stems"),
            ["экономических санкций"]
        );
        assert!(en("Economic growth and sanctions.", "stems").is_empty());
    }

    #[test]
    fn a_star_is_exactly_one_token() {
        assert_eq!(
            en("The sanctions are useless.", "one_gap"),
            ["sanctions are useless"]
        );
        assert!(en("The sanctions useless.", "one_gap").is_empty());
        assert!(en("The sanctions are quite useless.", "one_gap").is_empty());
    }

    #[test]
    fn a_tilde_gap_allows_up_to_n_tokens() {
        for (text, expected) in [
            ("Sanctions futile.", true),
            ("Sanctions are futile.", true),
            ("Sanctions are totally futile.", true),
            ("Sanctions are really totally futile.", false),
        ] {
            assert_eq!(!en(text, "up_to_two").is_empty(), expected, "{text}");
        }
    }

    #[test]
    fn gaps_do_not_cross_sentences() {
        assert!(en("We imposed sanctions. Futile.", "up_to_two").is_empty());
    }

    #[test]
    fn near_pairs_within_n_tokens_in_either_order_unless_ordered() {
        let forward = "Pressure is a dead end.";
        let backward = "A dead end is this pressure.";
        let far = "Pressure, as everyone knows by now, leads to a dead end.";
        assert_eq!(en(forward, "near_any_order"), ["Pressure is a dead end"]);
        assert_eq!(
            en(backward, "near_any_order"),
            ["dead end is this pressure"]
        );
        assert!(en(far, "near_any_order").is_empty());
        assert_eq!(en(forward, "near_ordered").len(), 1);
        assert!(en(backward, "near_ordered").is_empty());
    }

    #[test]
    fn near_scope_is_the_sentence_unless_widened() {
        let text = "The talks went on for years. Then came the collapse.";
        assert!(en(text, "near_sentence").is_empty());
        assert_eq!(
            en(text, "near_paragraph"),
            ["talks went on for years. Then came the collapse"]
        );
        assert!(en("The talks.\nThe collapse.", "near_paragraph").is_empty());
        assert_eq!(en("Talks will collapse.", "near_sentence").len(), 1);
    }

    #[test]
    fn negators_before_the_match_cancel_it() {
        assert_eq!(en("It is useful.", "negated"), ["useful"]);
        assert!(en("It is not useful.", "negated").is_empty());
        assert!(en("It is never very useful.", "negated").is_empty());
        assert!(en("It isn't useful.", "negated").is_empty());
        assert!(en("It isn’t useful.", "negated").is_empty());
        // Three tokens away is beyond not_after = 2.
        assert_eq!(en("Not that it is useful.", "negated").len(), 1);
        // Negation does not reach into the next sentence.
        assert_eq!(en("Not me. Useful.", "negated").len(), 1);
        // `not_after = 0` on the pattern turns it off.
        assert_eq!(en("It is not helpful.", "negated"), ["helpful"]);
        assert!(hits(Lang::Ru, "Они не полезны.", "negated").is_empty());
        assert_eq!(hits(Lang::Ru, "Они полезны.", "negated").len(), 1);
    }

    #[test]
    fn negators_skipped_by_a_gap_cancel_unless_the_pattern_names_them() {
        let rules = |text: &str| -> Vec<String> {
            MATCHER
                .match_text(Lang::En, text, &mut Scratch::default())
                .into_iter()
                .filter(|m| &*m.theme == "gap_negation")
                .map(|m| m.rule.to_string())
                .collect()
        };
        assert_eq!(rules("Sanctions do work."), ["sanctions ~2 work"]);
        assert_eq!(rules("Sanctions will not work."), ["sanctions ~2 not work"]);
        assert_eq!(rules("Sanctions don't work."), Vec::<String>::new());
        assert_eq!(
            rules("Pressure is a dead end."),
            ["near(pressure; dead end; within 8)"]
        );
        assert!(rules("Pressure is not a dead end.").is_empty());
    }

    #[test]
    fn a_negator_before_a_glob_word_of_the_pattern_cancels() {
        assert_eq!(en("The US violated it.", "glob_negation"), ["US violated"]);
        assert!(en("The US did not violate it.", "glob_negation").is_empty());
    }

    #[test]
    fn unless_cancels_in_the_scope_of_the_pattern() {
        let same = "We must lift the sanctions now.";
        let next = "We must lift the sanctions. Sanctions hurt.";
        assert!(en(same, "unless_sentence").is_empty());
        assert_eq!(en(next, "unless_sentence"), ["Sanctions"]);
        assert!(en(next, "unless_paragraph").is_empty());
        assert_eq!(
            en(
                "We must lift the sanctions.\nSanctions hurt.",
                "unless_paragraph"
            ),
            ["Sanctions"]
        );
    }

    #[test]
    fn with_requires_a_phrase_in_the_scope() {
        let hits = |t: &str| en(t, "with_context");
        assert!(hits("We want dialogue.").is_empty());
        assert_eq!(hits("We want dialogue. Pyongyang agrees."), ["dialogue"]);
        assert!(hits("We want dialogue.\nPyongyang agrees.").is_empty());
        // `with = []` on the pattern drops the table's requirement.
        assert_eq!(hits("We want negotiations."), ["negotiations"]);
    }

    #[test]
    fn turn_scope_carries_a_referent_forward_within_the_turn_only() {
        let text = [
            "Washington was our partner.",
            "Then they withdrew from the treaty.",
            "They withdrew from the talks.",
            "The minister withdrew from the race.",
            "Filler.",
            "They withdrew from the pact.",
            "They withdrew from the accord.",
        ]
        .join("\n");
        let text = text.as_str();
        let run = |turns: &[u32]| -> Vec<usize> {
            MATCHER
                .match_turns(Lang::En, text, turns, &mut Scratch::default())
                .into_iter()
                .filter(|m| &*m.theme == "turn_referent")
                .map(|m| m.para)
                .collect()
        };
        // One turn: the referent of paragraph 0 carries five paragraphs on (`carry`'s
        // default), not six.
        assert_eq!(run(&[]), [1, 2, 3, 5]);
        // A new turn at paragraph 2 (another speaker) drops it there and after.
        assert_eq!(run(&[0, 0, 1, 1, 1, 1, 1]), [1]);
        // Only forward: a referent after the match does not count.
        let late = "They withdrew from the treaty.\nWashington was our partner.";
        let found = MATCHER.match_turns(Lang::En, late, &[], &mut Scratch::default());
        assert!(
            found.iter().all(|m| &*m.theme != "turn_referent"),
            "{found:?}"
        );
        // `near` with turn scope pairs across paragraphs of one turn, not across turns.
        let near = "The US made an offer.\nOur partners refused.";
        let themes_of = |turns: &[u32]| -> Vec<String> {
            MATCHER
                .match_turns(Lang::En, near, turns, &mut Scratch::default())
                .into_iter()
                .map(|m| m.theme.to_string())
                .collect()
        };
        assert!(themes_of(&[0, 0]).contains(&"turn_referent".to_string()));
        assert!(!themes_of(&[0, 1]).contains(&"turn_referent".to_string()));
    }

    #[test]
    fn cyrillic_word_boundaries_are_unicode() {
        let ru = |text: &str| hits(Lang::Ru, text, "cyrillic");
        assert_eq!(ru("Новые Санкции введены."), ["Санкции"]);
        assert_eq!(ru("«санкциями» и санкций"), ["санкциями", "санкций"]);
        assert!(ru("антисанкционный закон").is_empty());
        assert!(ru("Присанкц").is_empty());
    }

    #[test]
    fn a_span_counts_once_per_theme_with_the_first_rule() {
        let text = "The missile defence systems are here.";
        let matches = MATCHER.match_text(Lang::En, text, &mut Scratch::default());
        let overlap: Vec<_> = matches.iter().filter(|m| &*m.theme == "overlap").collect();
        assert_eq!(overlap.len(), 1, "{matches:?}");
        assert_eq!(
            &text[overlap[0].start..overlap[0].end],
            "missile defence systems"
        );
        assert_eq!(&*overlap[0].rule, "missile ~1 systems");
        // Another theme on the same words is reported separately.
        let collides: Vec<_> = matches.iter().filter(|m| &*m.theme == "collides").collect();
        assert_eq!(collides.len(), 1);
    }

    #[test]
    fn globs_and_exact_words_use_the_surface_form() {
        assert_eq!(
            en("New U.S. sanctions and escalating, escalation.", "globs"),
            ["U.S. sanctions", "escalating", "escalation"]
        );
        assert!(en("New US sanctions.", "globs").is_empty());
        assert_eq!(en("The US and us.", "case"), ["US"]);
        assert_eq!(
            hits(Lang::Ru, "САНКЦИЯМИ, ЕЩЁ, еще, сша и США.", "globs"),
            ["САНКЦИЯМИ", "ЕЩЁ", "еще", "США"]
        );
        assert_eq!(en("The USA.", "case"), Vec::<String>::new());
    }

    #[test]
    fn matches_report_paragraph_sentence_and_offsets() {
        let text = "Intro.\nFirst sentence. Then it is useful here.";
        let m: Vec<_> = MATCHER
            .match_text(Lang::En, text, &mut Scratch::default())
            .into_iter()
            .filter(|m| &*m.theme == "negated")
            .collect();
        assert_eq!(m.len(), 1);
        assert_eq!(
            (m[0].para, m[0].sentence, m[0].start, m[0].end),
            (1, 1, 27, 33)
        );
        assert_eq!(&*m[0].rule, "useful");
    }

    /// The stemming prefilter never skips a word whose stem the default theme set uses:
    /// every distinct word of the shared corpus (a test that fails, naming the folder, when
    /// `../shared` is absent).
    #[test]
    fn the_stem_prefilter_keeps_every_word_of_the_corpus_that_matters() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let corpus = crate::test_data::shared_corpus();
        let set = ThemeSet::load(&root.join("corpus/themes/korea-2017.toml")).unwrap();
        let matcher = Matcher::new(&set).unwrap();
        let mut analyzer = crate::text::Analyzer::default();
        for (lang, file) in [
            (Lang::En, "kremlin-en-2017.jsonl"),
            (Lang::Ru, "kremlin-ru-2025.jsonl"),
        ] {
            let lm = match lang {
                Lang::En => matcher.en.as_ref().unwrap(),
                Lang::Ru => matcher.ru.as_ref().unwrap(),
            };
            let text = std::fs::read_to_string(corpus.join(file)).unwrap();
            let words: std::collections::BTreeSet<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty() && w.len() < 60)
                .collect();
            let mut folded = String::new();
            let mut kept = 0;
            for word in &words {
                let stem = analyzer.stems(lang, word).pop().unwrap();
                if lm.stem_id(&stem) == 0 {
                    continue;
                }
                kept += 1;
                super::super::analyze::fold_into(word, &mut folded);
                let wanted = lm.token_tests(word, &folded, &mut Vec::new())
                    || (lang == Lang::En && ["dying", "lying", "tying"].contains(&folded.as_str()));
                assert!(wanted, "{word} -> {stem} would not be stemmed");
            }
            assert!(kept > 100, "{lang}: only {kept} words with used stems");
        }
    }

    #[test]
    fn a_scratch_reused_with_another_matcher_forgets_cached_stems() {
        let set = |words: &str| {
            let text =
                format!("name = \"t\"\n[[theme]]\nid = \"a\"\n[theme.en]\npatterns = [{words}]\n");
            Matcher::new(&ThemeSet::from_toml(Path::new("t.toml"), &text).unwrap()).unwrap()
        };
        let first = set(r#""pressure", "sanctions""#);
        let second = set(r#""sanctions""#);
        let mut scratch = Scratch::default();
        let text = "Sanctions and pressure.";
        assert_eq!(first.match_text(Lang::En, text, &mut scratch).len(), 2);
        assert_eq!(second.match_text(Lang::En, text, &mut scratch).len(), 1);
        assert_eq!(first.match_text(Lang::En, text, &mut scratch).len(), 2);
    }

    #[test]
    fn a_language_without_patterns_matches_nothing() {
        assert!(en("Sanctions are useless.", "cyrillic").is_empty());
    }
}
