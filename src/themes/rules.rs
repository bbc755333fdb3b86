//! The rules applied between finding pattern occurrences and counting them: `not_after`
//! negation, `unless` cancellation, `near` pairing under a scope, and the overlap policy.
//!
//! Decisions, as documented in `docs/themes.md`:
//! - `not_after = N`: the match is dropped when a negator stands within the N tokens before
//!   any word of the pattern (its first token, and every later token the pattern names),
//!   inside that word's sentence. Words the pattern names itself never count as negators,
//!   so `sanctions ~2 useless` does not count "sanctions are not useless" (N >= 1) while
//!   `sanctions ~2 not work` counts "sanctions will not work". Regex matches are only
//!   checked before their start (the regex decides what it spans).
//! - `unless`: the match is dropped when any `unless` phrase occurs in the match's
//!   sentence, paragraph or document, as the pattern's scope says; `with` is the converse:
//!   the match stands only when one of its phrases occurs there.
//! - `near`: each occurrence of A is paired with the closest occurrence of B that does not
//!   overlap it, lies in the same scope unit, has at most `within` tokens between the two
//!   and, when `ordered`, starts after A ends. The match covers both when they are in one
//!   paragraph, otherwise only A.
//! - Overlap: within one theme and paragraph, matches whose byte spans intersect are merged
//!   into one match covering their union; it reports the rule and sentence of the match
//!   that starts first (ties: the longer one, then the pattern declared first). Spans that
//!   only touch stay separate.

use super::file::Scope;
use super::tokens::{DocTokens, NO_SENTENCE, Tok};

/// A token-range occurrence of a phrase: tokens `first..end` (document token indexes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Occ {
    pub first: u32,
    pub end: u32,
}

/// A match before the overlap policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Raw {
    /// Theme index in the set.
    pub theme: u32,
    /// Pattern index in the language matcher (declaration order).
    pub pattern: u32,
    pub para: u32,
    /// Sentence number across the document.
    pub sent: u32,
    /// Byte span within the paragraph.
    pub start: u32,
    pub end: u32,
    /// First token of the match (where `not_after` looks back from).
    pub first_tok: u32,
    /// Token just past the match (tokens in between are checked for negators).
    pub end_tok: u32,
}

/// The words a pattern names itself: stem ids and surface test ids (globs, exact words).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Literal {
    pub stems: StemSet,
    pub surface: Vec<u32>,
}

impl Literal {
    /// Whether token `t` is one of these words.
    fn names(&self, doc: &DocTokens, t: usize) -> bool {
        self.stems.has(doc.toks[t].id)
            || (!self.surface.is_empty()
                && doc.surface_of(t).iter().any(|s| self.surface.contains(s)))
    }
}

/// Stem ids of the matcher's vocabulary, a bit each: negation tests every token near a match
/// against a pattern's negators and its own words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StemSet {
    /// Bit `id` set for each stem id.
    bits: Vec<u64>,
}

impl StemSet {
    /// The set of `ids`.
    pub(crate) fn new(ids: &[u32]) -> StemSet {
        let words = ids.iter().max().map_or(0, |&max| max as usize / 64 + 1);
        let mut bits = vec![0u64; words];
        for &id in ids {
            bits[id as usize / 64] |= 1 << (id % 64);
        }
        StemSet { bits }
    }

    /// Whether `id` is in the set.
    #[inline]
    fn has(&self, id: u32) -> bool {
        self.bits
            .get(id as usize / 64)
            .is_some_and(|word| word >> (id % 64) & 1 != 0)
    }
}

/// Negators of one pattern as stem ids of the matcher's vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NegatorIds {
    stems: StemSet,
    /// Whether `n't` is a negator (`don't` is tokenized `don`, `t`: the token `t` right
    /// after an apostrophe that follows an `n`).
    pub contraction: bool,
}

impl NegatorIds {
    /// The negators with stem ids `ids`, and `n't` when `contraction`.
    pub(crate) fn new(ids: &[u32], contraction: bool) -> NegatorIds {
        NegatorIds {
            stems: StemSet::new(ids),
            contraction,
        }
    }

    /// Whether `id` is one of the negators' stem ids.
    #[inline]
    fn has(&self, id: u32) -> bool {
        self.stems.has(id)
    }
}

/// Whether a negator stands within `n` tokens before the first token of `span` (inside
/// sentence `sent`, the sentence of the match) or before any later token of the span that
/// is one of the pattern's own `literal` stems (inside that token's sentence). Literal
/// stems are never negators.
pub(crate) fn negated(
    doc: &DocTokens,
    text: &str,
    span: (usize, usize),
    sent: u32,
    n: usize,
    negators: &NegatorIds,
    literal: &Literal,
) -> bool {
    let (first, end) = span;
    if n == 0 {
        return false;
    }
    let may_negate = |t: usize| {
        negators.has(doc.toks[t].id) || (negators.contraction && follows_apostrophe(doc, text, t))
    };
    // Every token the tests below look at lies from `n` before the first token of the span
    // to its end; most spans have no negator there, which one pass tells without testing
    // the span's tokens against the pattern's words.
    let reach = first.saturating_sub(n)..end.max(first).min(doc.toks.len());
    if !reach.into_iter().any(may_negate) {
        return false;
    }
    // The negator test first: few tokens are negators, and a pattern may name many words.
    let is_negator = |t: usize| may_negate(t) && !literal.names(doc, t);
    let before = |t: usize, sent: u32| {
        let Some(sentence) = doc.sents.get(sent as usize) else {
            return false;
        };
        let from = t.saturating_sub(n).max(sentence.toks.start);
        (from..t.min(sentence.toks.end)).any(is_negator)
    };
    if before(first, sent) {
        return true;
    }
    let end = end.min(doc.toks.len());
    ((first + 1)..end).any(|t| literal.names(doc, t) && before(t, doc.toks[t].sent))
}

/// Whether token `t` is a `t` directly after an apostrophe glued to a word ending in `n`
/// (`don't`, `can’t`).
fn follows_apostrophe(doc: &DocTokens, text: &str, t: usize) -> bool {
    let tok = doc.toks[t];
    if tok.end.wrapping_sub(tok.start) != 1 {
        return false;
    }
    let para = &text[doc.paras[tok.para as usize].bytes.clone()];
    if !matches!(
        para.get(tok.start as usize..tok.end as usize),
        Some("t" | "T")
    ) {
        return false;
    }
    let before = &para[..tok.start as usize];
    let Some(rest) = before
        .strip_suffix('\'')
        .or_else(|| before.strip_suffix('’'))
    else {
        return false;
    };
    rest.ends_with(['n', 'N'])
}

/// Where a pattern looks: its scope, and with [`Scope::Turn`] how many paragraphs back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unit {
    pub scope: Scope,
    pub carry: u32,
}

impl Unit {
    /// Whether paragraph `from` reaches paragraph `to` in one turn (`from` at most `carry`
    /// paragraphs before `to`; with `forward_only` false, either way).
    fn turn_reaches(self, doc: &DocTokens, from: u32, to: u32, forward_only: bool) -> bool {
        let distance = if from <= to {
            to - from
        } else if forward_only {
            return false;
        } else {
            from - to
        };
        distance <= self.carry && doc.same_turn(from, to)
    }
}

/// Whether any of `occurrences` lies in the scope unit of `raw` (for `unless`: the match
/// is cancelled; for `with`: the match stands). With [`Scope::Turn`], an occurrence counts
/// in the match's turn, in its paragraph or up to `carry` paragraphs before it.
///
/// Each list must be sorted by first token (as the matcher sorts them): the tokens of a
/// sentence, a paragraph or a run of paragraphs are one range, found by binary search, so a
/// document with many occurrences does not scan them all for every match.
pub(crate) fn in_scope<'a>(
    doc: &DocTokens,
    raw: &Raw,
    unit: Unit,
    occurrences: impl IntoIterator<Item = &'a [Occ]>,
) -> bool {
    let para_toks = |p: u32| doc.paras.get(p as usize).map(|para| para.toks.clone());
    // The tokens an occurrence's first token must be among.
    let range = match unit.scope {
        Scope::Sentence => doc.sents.get(raw.sent as usize).map(|s| s.toks.clone()),
        Scope::Paragraph => para_toks(raw.para),
        Scope::Turn => para_toks(raw.para.saturating_sub(unit.carry))
            .zip(para_toks(raw.para))
            .map(|(from, to)| from.start..to.end),
        Scope::Document => Some(0..doc.toks.len()),
    };
    let Some(range) = range else {
        return false;
    };
    occurrences.into_iter().any(|occs| {
        let from = occs.partition_point(|o| (o.first as usize) < range.start);
        occs[from..]
            .iter()
            .take_while(|o| (o.first as usize) < range.end)
            .any(|occ| match unit.scope {
                Scope::Turn => {
                    let tok = doc.toks[occ.first as usize];
                    unit.turn_reaches(doc, tok.para, raw.para, true)
                }
                _ => true,
            })
    })
}

/// Pairs each occurrence of A with its closest admissible occurrence of B (see the module
/// documentation); `a` and `b` must be sorted by start. Among B at the same gap the first
/// in `b` wins.
///
/// Linear in the pairs it looks at, not in |A| x |B|: for each A the B after it are read
/// from the first one past A outwards (the gap grows with the start) and the B before it
/// backwards, each side stopping at the first B out of A's sentence, paragraph or carry
/// range, beyond `within`, or (before A, where ends are not sorted) once no B can be
/// closer than the best found. One document with 80,000 matches was quadratic here.
pub(crate) fn pair_near(
    doc: &DocTokens,
    a: &[Occ],
    b: &[Occ],
    within: Option<usize>,
    ordered: bool,
    unit: Unit,
    out: &mut Vec<(Occ, Occ)>,
) {
    let longest_b = b.iter().map(|o| o.end - o.first).max().unwrap_or(0);
    let too_far = |gap: u32| within.is_some_and(|w| gap as usize > w);
    // Whether B's token, moving away from A's, has left every unit A's unit can pair with.
    let past_unit = |tok_a: Tok, tok_b: Tok| match unit.scope {
        // Sentence numbers grow along the document; a token outside every sentence
        // (NO_SENTENCE) proves nothing.
        Scope::Sentence => {
            tok_a.sent != tok_b.sent && tok_a.sent != NO_SENTENCE && tok_b.sent != NO_SENTENCE
        }
        Scope::Paragraph => tok_a.para != tok_b.para,
        Scope::Turn => tok_a.para.abs_diff(tok_b.para) > unit.carry,
        Scope::Document => false,
    };
    let same_unit = |tok_a: Tok, tok_b: Tok| match unit.scope {
        Scope::Sentence => tok_a.sent == tok_b.sent,
        Scope::Paragraph => tok_a.para == tok_b.para,
        Scope::Turn => unit.turn_reaches(doc, tok_b.para, tok_a.para, false),
        Scope::Document => true,
    };
    // The first B starting at or after the current A: A is sorted by start, so it only
    // moves forward.
    let mut below = 0;
    for &occ_a in a {
        let tok_a = doc.toks[occ_a.first as usize];
        while b.get(below).is_some_and(|o| o.first < occ_a.first) {
            below += 1;
        }
        // B before A (index, gap): scanned backwards, so `<=` keeps the first in `b`.
        let mut before: Option<(usize, u32)> = None;
        if !ordered {
            for i in (0..below).rev() {
                let occ_b = b[i];
                // No B from here back can end later than this bound.
                let nearest = occ_a.first.saturating_sub(occ_b.first + longest_b);
                if too_far(nearest) || before.is_some_and(|(_, g)| nearest > g) {
                    break;
                }
                let tok_b = doc.toks[occ_b.first as usize];
                if past_unit(tok_a, tok_b) {
                    break;
                }
                if occ_a.first < occ_b.end {
                    continue;
                }
                let gap = occ_a.first - occ_b.end;
                if !too_far(gap) && same_unit(tok_a, tok_b) && before.is_none_or(|(_, g)| gap <= g)
                {
                    before = Some((i, gap));
                }
            }
        }
        // B after A: the gap grows with the start, so the first admissible one is nearest.
        let mut after: Option<(usize, u32)> = None;
        // The B starting inside A (few: they overlap it) are passed over.
        let past_a = below
            + b[below..]
                .iter()
                .take_while(|o| o.first < occ_a.end)
                .count();
        for (i, occ_b) in b.iter().enumerate().skip(past_a) {
            let gap = occ_b.first - occ_a.end;
            if too_far(gap) || before.is_some_and(|(_, g)| gap >= g) {
                break;
            }
            let tok_b = doc.toks[occ_b.first as usize];
            if past_unit(tok_a, tok_b) {
                break;
            }
            if same_unit(tok_a, tok_b) {
                after = Some((i, gap));
                break;
            }
        }
        // Every B before A comes earlier in `b` than every B after it: a tie goes before.
        let best = match (before, after) {
            (Some((i, g)), Some((j, h))) => Some(if g <= h { i } else { j }),
            (Some((i, _)), None) => Some(i),
            (None, Some((j, _))) => Some(j),
            (None, None) => None,
        };
        if let Some(i) = best {
            out.push((occ_a, b[i]));
        }
    }
}

/// The raw match of a token range `first..end` inside one paragraph.
pub(crate) fn raw_of_tokens(doc: &DocTokens, theme: u32, pattern: u32, occ: Occ) -> Raw {
    let first = doc.toks[occ.first as usize];
    let last = doc.toks[occ.end as usize - 1];
    Raw {
        theme,
        pattern,
        para: first.para,
        sent: first.sent,
        start: first.start,
        end: last.end,
        first_tok: occ.first,
        end_tok: occ.end,
    }
}

/// The raw match of a `near` pair: both parts when in one paragraph, else A alone.
pub(crate) fn raw_of_pair(doc: &DocTokens, theme: u32, pattern: u32, a: Occ, b: Occ) -> Raw {
    let (ta, tb) = (doc.toks[a.first as usize], doc.toks[b.first as usize]);
    if ta.para != tb.para {
        return raw_of_tokens(doc, theme, pattern, a);
    }
    let first = a.first.min(b.first);
    let end = a.end.max(b.end);
    raw_of_tokens(doc, theme, pattern, Occ { first, end })
}

/// Applies the overlap policy: merges intersecting spans of one theme in one paragraph, each
/// merged span keeping its first raw (the earliest start, then the longest, then the
/// lowest pattern) with the end extended. `merged` receives the result in text order
/// (paragraph, start, theme).
///
/// One sort in text order: the raws of one theme are then visited in the order of the
/// policy (paragraph, start, longest first, pattern), so each theme's last merged span
/// (kept per theme in `scratch`) is the only one a raw can extend, and spans are pushed in
/// the order of their first raw, which is the text order of the result (no two merged spans
/// of a theme in a paragraph start at the same byte).
pub(crate) fn merge_overlaps(raws: &mut [Raw], merged: &mut Vec<Raw>, scratch: &mut MergeScratch) {
    merged.clear();
    let MergeScratch { open, keys } = scratch;
    open.clear();
    let mut push = |raw: Raw| {
        let theme = raw.theme as usize;
        if theme >= open.len() {
            open.resize(theme + 1, u32::MAX);
        }
        if let Some(cur) = merged.get_mut(open[theme] as usize)
            && cur.para == raw.para
            && raw.start < cur.end
        {
            cur.end = cur.end.max(raw.end);
            return;
        }
        open[theme] = merged.len() as u32;
        merged.push(raw);
    };
    // Raws of the same pattern and byte span cover the same tokens: equal keys are equal
    // raws, so the order among them (the raw's index, or an unstable sort's) changes
    // nothing.
    if let Some(packing) = KeyPacking::of(raws) {
        keys.clear();
        keys.extend(raws.iter().enumerate().map(|(i, r)| packing.key(r, i)));
        keys.sort_unstable();
        for &key in keys.iter() {
            push(raws[packing.index(key)]);
        }
        return;
    }
    raws.sort_unstable_by_key(|r| {
        (
            r.para,
            r.start,
            r.theme,
            std::cmp::Reverse(r.end),
            r.pattern,
        )
    });
    for &raw in raws.iter() {
        push(raw);
    }
}

/// Scratch of [`merge_overlaps`], kept between documents.
#[derive(Debug, Default)]
pub(crate) struct MergeScratch {
    /// Per theme, its last merged span (an index of the result; `u32::MAX`: none).
    open: Vec<u32>,
    /// The raws' sort keys.
    keys: Vec<u64>,
}

/// The sort key of [`merge_overlaps`] in one `u64`: paragraph, start, theme, end
/// (complemented: longest first) and pattern, each in as many bits as its largest value
/// among the raws needs, then the raw's index (the order among equal raws is free).
/// Comparing two keys is then one comparison instead of up to five.
struct KeyPacking {
    /// Bits of each field, from the least significant: index, pattern, end, theme, start.
    widths: [u32; 5],
    /// Every end's bits or-ed together (an end is stored complemented within them, which
    /// reverses the order of ends).
    end_mask: u32,
}

impl KeyPacking {
    /// The packing of `raws`' keys, when they fit in 63 bits (every shift then stays
    /// below 64).
    fn of(raws: &[Raw]) -> Option<KeyPacking> {
        let width = |v: u32| u32::BITS - v.leading_zeros();
        let (mut para, mut start, mut theme, mut end, mut pattern) = (0, 0, 0, 0, 0);
        for r in raws {
            para |= r.para;
            start |= r.start;
            theme |= r.theme;
            end |= r.end;
            pattern |= r.pattern;
        }
        let index = u32::try_from(raws.len().saturating_sub(1)).ok()?;
        let widths = [
            width(index),
            width(pattern),
            width(end),
            width(theme),
            width(start),
        ];
        (widths.iter().sum::<u32>() + width(para) <= 63).then_some(KeyPacking {
            widths,
            end_mask: end,
        })
    }

    fn key(&self, r: &Raw, index: usize) -> u64 {
        let [i, p, e, t, s] = self.widths;
        let mut key = r.para as u64;
        key = (key << s) | r.start as u64;
        key = (key << t) | r.theme as u64;
        // Every end's bits are within `end_mask`, so this complement keeps them there.
        key = (key << e) | (self.end_mask & !r.end) as u64;
        key = (key << p) | r.pattern as u64;
        (key << i) | index as u64
    }

    fn index(&self, key: u64) -> usize {
        (key & ((1u64 << self.widths[0]) - 1)) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::themes::tokens::Sent;
    use proptest::prelude::*;

    /// The pairing by comparing every A with every B (the definition `pair_near` keeps).
    fn pair_near_naive(
        doc: &DocTokens,
        a: &[Occ],
        b: &[Occ],
        within: Option<usize>,
        ordered: bool,
        unit: Unit,
    ) -> Vec<(Occ, Occ)> {
        let mut out = Vec::new();
        for &occ_a in a {
            let tok_a = doc.toks[occ_a.first as usize];
            let mut best: Option<(u32, Occ)> = None;
            for &occ_b in b {
                let gap = if occ_b.first >= occ_a.end {
                    occ_b.first - occ_a.end
                } else if occ_a.first >= occ_b.end && !ordered {
                    occ_a.first - occ_b.end
                } else {
                    continue;
                };
                if within.is_some_and(|w| gap as usize > w) {
                    continue;
                }
                let tok_b = doc.toks[occ_b.first as usize];
                let same_unit = match unit.scope {
                    Scope::Sentence => tok_a.sent == tok_b.sent,
                    Scope::Paragraph => tok_a.para == tok_b.para,
                    Scope::Turn => unit.turn_reaches(doc, tok_b.para, tok_a.para, false),
                    Scope::Document => true,
                };
                if same_unit && best.is_none_or(|(g, _)| gap < g) {
                    best = Some((gap, occ_b));
                }
            }
            if let Some((_, occ_b)) = best {
                out.push((occ_a, occ_b));
            }
        }
        out
    }

    /// A document of `n` tokens, a new sentence every `sent_len` and a new paragraph every
    /// `para_len` tokens (some tokens outside any sentence), turns changing every 3
    /// paragraphs.
    fn doc_of(n: usize, sent_len: usize, para_len: usize) -> DocTokens {
        let toks = (0..n)
            .map(|i| Tok {
                id: 0,
                start: 0,
                end: 0,
                para: (i / para_len) as u32,
                sent: if i % 7 == 6 {
                    NO_SENTENCE
                } else {
                    (i / sent_len) as u32
                },
            })
            .collect::<Vec<_>>();
        let paras = n / para_len + 1;
        DocTokens {
            toks,
            turns: (0..paras as u32).map(|p| p / 3).collect(),
            ..DocTokens::default()
        }
    }

    fn occs(starts: Vec<(u32, u32)>, n: u32) -> Vec<Occ> {
        let mut occs: Vec<Occ> = starts
            .into_iter()
            .map(|(first, len)| Occ {
                first: first % n,
                end: (first % n + len).min(n),
            })
            .filter(|o| o.end > o.first)
            .collect();
        occs.sort_by_key(|o| o.first);
        occs
    }

    proptest! {
        /// A stem set holds exactly its ids (any id, past the last word of bits too).
        #[test]
        fn a_stem_set_holds_exactly_its_ids(
            ids in prop::collection::vec(0u32..300, 0..20),
            probe in 0u32..400,
        ) {
            let set = StemSet::new(&ids);
            prop_assert_eq!(set.has(probe), ids.contains(&probe));
            for &id in &ids {
                prop_assert!(set.has(id));
            }
        }
    }

    proptest! {
        #[test]
        fn pair_near_agrees_with_the_quadratic_definition(
            a in prop::collection::vec((0u32..200, 1u32..4), 0..40),
            b in prop::collection::vec((0u32..200, 1u32..4), 0..40),
            within in prop::option::of(0usize..30),
            ordered in any::<bool>(),
            scope in 0usize..4,
            carry in 0u32..3,
            sent_len in 1usize..12,
            para_len in 1usize..40,
        ) {
            let doc = doc_of(200, sent_len, para_len);
            let (a, b) = (occs(a, 200), occs(b, 200));
            let scope = [Scope::Sentence, Scope::Paragraph, Scope::Turn, Scope::Document][scope];
            let unit = Unit { scope, carry };
            let mut fast = Vec::new();
            pair_near(&doc, &a, &b, within, ordered, unit, &mut fast);
            prop_assert_eq!(fast, pair_near_naive(&doc, &a, &b, within, ordered, unit));
        }
    }

    /// A document of `n` tokens in paragraphs of `para_len` tokens, each split into sentences
    /// of at most `sent_len` tokens (every token in one), turns changing every 3 paragraphs.
    fn doc_with_sentences(n: usize, sent_len: usize, para_len: usize) -> DocTokens {
        let mut doc = DocTokens::default();
        for start in (0..n).step_by(para_len) {
            let p = doc.paras.len() as u32;
            let end = (start + para_len).min(n);
            let first_sent = doc.sents.len();
            for s in (start..end).step_by(sent_len) {
                let toks = s..(s + sent_len).min(end);
                for _ in toks.clone() {
                    doc.toks.push(Tok {
                        id: 0,
                        start: 0,
                        end: 0,
                        para: p,
                        sent: doc.sents.len() as u32,
                    });
                }
                doc.sents.push(Sent {
                    para: p,
                    bytes: 0..0,
                    toks,
                });
            }
            doc.paras.push(crate::themes::tokens::Para {
                bytes: 0..0,
                toks: start..end,
                sents: Some(first_sent..doc.sents.len()),
            });
            doc.turns.push(p / 3);
        }
        doc
    }

    proptest! {
        /// Scope by token ranges answers as the definition: some occurrence's first token in
        /// the match's sentence, paragraph, reach of its turn, or anywhere in the document.
        #[test]
        fn in_scope_agrees_with_its_definition(
            lists in prop::collection::vec(prop::collection::vec((0u32..150, 1u32..4), 0..30), 0..4),
            at in 0usize..150,
            scope in 0usize..4,
            carry in 0u32..3,
            sent_len in 1usize..12,
            para_len in 1usize..40,
        ) {
            let doc = doc_with_sentences(150, sent_len, para_len);
            let lists: Vec<Vec<Occ>> = lists.into_iter().map(|l| occs(l, 150)).collect();
            let tok = doc.toks[at];
            let raw = Raw { sent: tok.sent, para: tok.para, ..raw(0, 0, tok.para, 0, 1) };
            let scope = [Scope::Sentence, Scope::Paragraph, Scope::Turn, Scope::Document][scope];
            let unit = Unit { scope, carry };
            let expected = lists.iter().flatten().any(|occ| {
                let t = doc.toks[occ.first as usize];
                match scope {
                    Scope::Sentence => t.sent == raw.sent,
                    Scope::Paragraph => t.para == raw.para,
                    Scope::Turn => unit.turn_reaches(&doc, t.para, raw.para, true),
                    Scope::Document => true,
                }
            });
            let lists = lists.iter().map(Vec::as_slice);
            prop_assert_eq!(in_scope(&doc, &raw, unit, lists), expected);
        }
    }

    proptest! {
        /// Negation with its shortcut (no negator near the span: not negated) answers as
        /// the definition on documents of few distinct words.
        #[test]
        fn negation_agrees_with_its_definition(
            ids in prop::collection::vec(0u32..8, 1..80),
            sent_len in 1usize..12,
            span in (0usize..80, 0usize..20),
            n in 0usize..5,
            negator_ids in prop::collection::vec(0u32..8, 0..3),
            literal_ids in prop::collection::vec(0u32..8, 0..4),
        ) {
            let len = ids.len();
            let toks: Vec<Tok> = ids
                .iter()
                .enumerate()
                .map(|(i, &id)| Tok { id, start: 0, end: 0, para: 0, sent: (i / sent_len) as u32 })
                .collect();
            let sents = (0..len.div_ceil(sent_len))
                .map(|s| Sent { para: 0, bytes: 0..0, toks: s * sent_len..((s + 1) * sent_len).min(len) })
                .collect();
            let doc = DocTokens { toks, sents, ..DocTokens::default() };
            let first = span.0 % len;
            let span = (first, first + span.1);
            let sent = doc.toks[first].sent;
            let negators = NegatorIds::new(&negator_ids, false);
            let literal = Literal { stems: StemSet::new(&literal_ids), surface: Vec::new() };
            // The definition, by brute force (no contraction: the document has no text): a
            // negator that is none of the pattern's words stands at most `n` tokens before
            // the span's first token or one of the pattern's words in the span, within that
            // token's sentence.
            let mut anchors = vec![(first, sent)];
            anchors.extend(
                (first + 1..span.1.min(len))
                    .filter(|&t| literal.names(&doc, t))
                    .map(|t| (t, doc.toks[t].sent)),
            );
            let expected = anchors.into_iter().any(|(t, s)| {
                doc.sents[s as usize].toks.clone().any(|k| {
                    k < t
                        && k + n >= t
                        && negator_ids.contains(&doc.toks[k].id)
                        && !literal.names(&doc, k)
                })
            });
            prop_assert_eq!(negated(&doc, "", span, sent, n, &negators, &literal), expected);
        }
    }

    fn raw(theme: u32, pattern: u32, para: u32, start: u32, end: u32) -> Raw {
        Raw {
            theme,
            pattern,
            para,
            sent: 0,
            start,
            end,
            first_tok: 0,
            end_tok: 0,
        }
    }

    #[test]
    fn overlapping_spans_of_a_theme_merge_and_keep_the_first_rule() {
        let mut raws = vec![
            raw(0, 2, 0, 5, 12),
            raw(0, 1, 0, 0, 8),
            raw(0, 0, 0, 0, 8),
            raw(0, 3, 0, 12, 15),
            raw(1, 4, 0, 0, 8),
            raw(0, 0, 1, 0, 8),
        ];
        let (mut merged, mut scratch) = (Vec::new(), MergeScratch::default());
        merge_overlaps(&mut raws, &mut merged, &mut scratch);
        let spans: Vec<_> = merged
            .iter()
            .map(|r| (r.theme, r.para, r.start, r.end, r.pattern))
            .collect();
        assert_eq!(
            spans,
            [
                (0, 0, 0, 12, 0),
                (1, 0, 0, 8, 4),
                (0, 0, 12, 15, 3),
                (0, 1, 0, 8, 0),
            ]
        );
    }

    /// The overlap policy as defined: sorted by theme, paragraph, start, longest first and
    /// pattern, each theme's spans merged in that order, then put in text order.
    fn merge_overlaps_by_theme(raws: &mut [Raw]) -> Vec<Raw> {
        raws.sort_by_key(|r| {
            (
                r.theme,
                r.para,
                r.start,
                std::cmp::Reverse(r.end),
                r.pattern,
            )
        });
        let mut merged: Vec<Raw> = Vec::new();
        for &raw in raws.iter() {
            match merged.last_mut() {
                Some(cur)
                    if cur.theme == raw.theme && cur.para == raw.para && raw.start < cur.end =>
                {
                    cur.end = cur.end.max(raw.end);
                }
                _ => merged.push(raw),
            }
        }
        merged.sort_by_key(|r| (r.para, r.start, r.theme));
        merged
    }

    proptest! {
        #[test]
        fn one_sort_merges_as_the_policy_defines(
            spans in prop::collection::vec((0u32..4, 0u32..6, 0u32..3, 0u32..40, 1u32..12), 0..60),
            reuse in prop::collection::vec((0u32..3, 0u32..3, 0u32..40, 0u32..3), 0..3),
            wide in 0u8..3,
        ) {
            // A raw's other fields follow from its pattern and span (as in the matcher),
            // so that equal keys are equal raws.
            // Offsets too large for one packed key take the other sort: with long
            // paragraphs, or many paragraphs and some length.
            let (base, para_base) = match wide {
                0 => (0, 0),
                1 => (1 << 31, 0),
                _ => (1 << 20, 1 << 31),
            };
            let make = |(theme, pattern, para, start, len): (u32, u32, u32, u32, u32)| Raw {
                theme,
                pattern,
                para: para_base + para,
                sent: para * 7 + start / 10,
                start: base + start,
                end: base + start + len,
                first_tok: start / 3 + pattern,
                end_tok: (start + len) / 3 + pattern,
            };
            let mut raws: Vec<Raw> = spans.into_iter().map(make).collect();
            // A few themes far from the others (the scratch grows to them).
            raws.extend(reuse.into_iter().map(|(t, p, s, l)| make((t + 60, p, 0, s, l + 1))));
            let mut expected_input = raws.clone();
            let expected = merge_overlaps_by_theme(&mut expected_input);
            prop_assert_eq!(KeyPacking::of(&raws).is_some(), wide == 0 || raws.is_empty());
            let mut merged = Vec::new();
            let mut scratch = MergeScratch { open: vec![5; 2], keys: vec![9; 3] };
            merge_overlaps(&mut raws, &mut merged, &mut scratch);
            prop_assert_eq!(merged, expected);
        }
    }
}
