//! The query for prefixes (`threat*`) on one or more fields: every document holding a term
//! of a clause's field that starts with the clause's prefix, scored by the sum of the boosts
//! of the clauses it matches (a constant per clause, as the engine's constant-score
//! queries give; the same scores a disjunction of one such query per clause gives).
//!
//! The terms of each clause are those of its field starting with its prefix. Top hits do not visit every
//! matching document: since every document of one score level ties, and ties go to the
//! lower document number, they are taken level by level from the highest, each in document
//! order, and the walk stops when a level can no longer enter the top. With few clauses of
//! few terms each, the levels are walked on the terms' postings themselves ([`LevelWalk`]:
//! a level's documents are led by its rarest clause and checked against the others, so
//! `threat*` reads the title postings and a few text documents, not every posting of its
//! terms). Otherwise, and for counts, intersections and filters, the postings become one
//! bitset per clause ([`SegmentSets`]), kept in the query for every later search with it
//! (a search's total count and later top hits share them); a count is the number of bits
//! set.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::postings::{SegmentPostings, TermInfo};
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError};

use super::expansion::terms_with_prefix;

/// One field and prefix of a [`PrefixQuery`], and what a document matching it scores.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PrefixClause {
    pub(crate) field: Field,
    pub(crate) prefix: String,
    /// The term `prefix` alone, not every term it begins (a stem that words starting with
    /// the user's prefix have, shorter than it: `plan` for `plann*`).
    pub(crate) whole: bool,
    pub(crate) boost: Score,
}

/// Documents matching at least one of its clauses; see the module documentation.
#[derive(Debug, Clone)]
pub(crate) struct PrefixQuery {
    clauses: Arc<[PrefixClause]>,
    /// The bitsets of each segment searched so far.
    cache: Arc<Mutex<HashMap<SegmentId, Arc<SegmentSets>>>>,
}

impl PrefixQuery {
    pub(crate) fn new(clauses: Vec<PrefixClause>) -> Self {
        PrefixQuery {
            clauses: clauses.into(),
            cache: Arc::default(),
        }
    }
}

impl Query for PrefixQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(PrefixWeight {
            query: self.clone(),
        }))
    }
}

struct PrefixWeight {
    query: PrefixQuery,
}

impl PrefixWeight {
    fn sets(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentSets>> {
        let id = reader.segment_id();
        if let Some(sets) = self.lock().get(&id) {
            return Ok(Arc::clone(sets));
        }
        let sets = Arc::new(SegmentSets::build(&self.query.clauses, reader)?);
        self.lock().insert(id, Arc::clone(&sets));
        Ok(sets)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegmentSets>>> {
        // The map only ever gains complete entries, so a panic elsewhere leaves it usable.
        self.query
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Weight for PrefixWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(PrefixScorer::new(self.sets(reader)?, boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let sets = self.sets(reader)?;
        if !sets.contains(doc) {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match the prefix query"
            )));
        }
        Ok(Explanation::new("PrefixQuery", sets.score(doc)))
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        let sets = self.sets(reader)?;
        Ok(match reader.alive_bitset() {
            None => sets.len,
            Some(alive) => {
                let mut scorer = PrefixScorer::new(sets, 1.0);
                scorer.count(alive)
            }
        })
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let built = self.lock().get(&reader.segment_id()).cloned();
        if let Some(sets) = built {
            sets.for_each_pruning(threshold, callback);
            return Ok(());
        }
        match LevelWalk::open(&self.query.clauses, reader)? {
            Some(walk) => walk.for_each_pruning(threshold, callback)?,
            None => self.sets(reader)?.for_each_pruning(threshold, callback),
        }
        Ok(())
    }
}

/// The score levels of clauses with `boosts`, highest first, each with the sets of clauses
/// (bit masks, in increasing order) whose boosts sum to it, summed in clause order as
/// [`SegmentSets::score`] sums.
fn score_levels(boosts: &[Score]) -> Vec<(Score, Vec<u32>)> {
    let mut masks: Vec<(Score, u32)> = (1..1u32 << boosts.len())
        .map(|mask| {
            let mut score = 0.0;
            for (i, boost) in boosts.iter().enumerate() {
                if mask >> i & 1 == 1 {
                    score += boost;
                }
            }
            (score, mask)
        })
        .collect();
    masks.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut levels: Vec<(Score, Vec<u32>)> = Vec::new();
    for (score, mask) in masks {
        match levels.last_mut() {
            Some((level, masks)) if *level == score => masks.push(mask),
            _ => levels.push((score, vec![mask])),
        }
    }
    levels
}

/// The terms of `inverted` that `clause` selects, in order. `None` when there are more
/// than `limit`.
fn prefix_terms(
    inverted: &tantivy::InvertedIndexReader,
    clause: &PrefixClause,
    limit: usize,
) -> std::io::Result<Option<Vec<TermInfo>>> {
    let mut stream = terms_with_prefix(inverted.terms(), &clause.prefix, clause.whole)?;
    let mut terms = Vec::new();
    while stream.advance() {
        if terms.len() == limit {
            return Ok(None);
        }
        terms.push(stream.value().clone());
    }
    Ok(Some(terms))
}

/// Terms a clause may have for [`LevelWalk`]: each step of a clause's walk looks at every
/// term's postings.
const MAX_WALK_TERMS: usize = 16;

/// Top hits of one segment by score level, read from the clauses' postings (see the module
/// documentation): the same documents in the same order as [`SegmentSets::for_each_pruning`].
struct LevelWalk {
    inverted: Vec<Arc<tantivy::InvertedIndexReader>>,
    /// Per clause kept (one with a term in the segment): its terms.
    terms: Vec<Vec<TermInfo>>,
    /// Per clause kept: its boost.
    boosts: Vec<Score>,
    /// Per clause kept: the documents of its terms, summed (how long a walk it leads).
    costs: Vec<u64>,
}

impl LevelWalk {
    /// `None` when the walk does not apply: more than [`MAX_LEVEL_CLAUSES`] clauses have
    /// terms in the segment, or one has more than [`MAX_WALK_TERMS`].
    fn open(clauses: &[PrefixClause], reader: &SegmentReader) -> tantivy::Result<Option<Self>> {
        let mut walk = LevelWalk {
            inverted: Vec::new(),
            terms: Vec::new(),
            boosts: Vec::new(),
            costs: Vec::new(),
        };
        for clause in clauses {
            let inverted = reader.inverted_index(clause.field)?;
            let Some(terms) = prefix_terms(&inverted, clause, MAX_WALK_TERMS)? else {
                return Ok(None);
            };
            if terms.is_empty() {
                continue;
            }
            if walk.terms.len() == MAX_LEVEL_CLAUSES {
                return Ok(None);
            }
            walk.costs
                .push(terms.iter().map(|t| u64::from(t.doc_freq)).sum());
            walk.inverted.push(inverted);
            walk.terms.push(terms);
            walk.boosts.push(clause.boost);
        }
        Ok(Some(walk))
    }

    /// As [`SegmentSets::for_each_pruning`]: each score level from the highest, its
    /// documents in document order, until a level cannot beat the threshold.
    fn for_each_pruning(
        &self,
        mut threshold: Score,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        for (level, masks) in score_levels(&self.boosts) {
            if level <= threshold {
                return Ok(());
            }
            // The documents matching exactly one of the level's sets: the sets are
            // disjoint, merged in document order.
            let mut walks = masks
                .iter()
                .map(|&mask| self.exact_set(mask))
                .collect::<tantivy::Result<Vec<_>>>()?;
            while let Some(next) = walks.iter_mut().min_by_key(|w| w.doc()) {
                let doc = next.doc();
                if doc == TERMINATED {
                    break;
                }
                threshold = callback(doc, level);
                if level <= threshold {
                    return Ok(());
                }
                next.advance();
            }
        }
        Ok(())
    }

    /// The documents matching the clauses of `mask` and no other, led by the rarest.
    fn exact_set(&self, mask: u32) -> tantivy::Result<ExactSet> {
        let mut clauses = Vec::with_capacity(self.terms.len());
        for (inverted, terms) in self.inverted.iter().zip(&self.terms) {
            clauses.push(ClauseDocs::open(inverted, terms)?);
        }
        let lead = (0..self.terms.len())
            .filter(|i| mask >> i & 1 == 1)
            .min_by_key(|&i| self.costs[i])
            .unwrap_or(0);
        let mut set = ExactSet {
            clauses,
            mask,
            lead,
        };
        set.align();
        Ok(set)
    }
}

/// The documents of one clause on one segment, in document order: the union of its terms'
/// postings.
struct ClauseDocs {
    postings: Vec<SegmentPostings>,
    doc: DocId,
}

impl ClauseDocs {
    fn open(inverted: &tantivy::InvertedIndexReader, terms: &[TermInfo]) -> tantivy::Result<Self> {
        let postings = terms
            .iter()
            .map(|term| inverted.read_postings_from_terminfo(term, IndexRecordOption::Basic))
            .collect::<std::io::Result<Vec<_>>>()?;
        let doc = postings.iter().map(|p| p.doc()).min().unwrap_or(TERMINATED);
        Ok(ClauseDocs { postings, doc })
    }

    fn advance(&mut self) -> DocId {
        let at = self.doc;
        if at == TERMINATED {
            return at;
        }
        let mut doc = TERMINATED;
        for postings in &mut self.postings {
            let next = if postings.doc() == at {
                postings.advance()
            } else {
                postings.doc()
            };
            doc = doc.min(next);
        }
        self.doc = doc;
        doc
    }

    /// The first document at or after `target` (no move when the current one is).
    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.doc {
            return self.doc;
        }
        if target == TERMINATED {
            self.doc = TERMINATED;
            return TERMINATED;
        }
        let mut doc = TERMINATED;
        for postings in &mut self.postings {
            let next = if postings.doc() < target {
                postings.seek(target)
            } else {
                postings.doc()
            };
            doc = doc.min(next);
        }
        self.doc = doc;
        doc
    }
}

/// The documents that match exactly the clauses of `mask`.
struct ExactSet {
    clauses: Vec<ClauseDocs>,
    mask: u32,
    /// The clause of `mask` whose documents are walked (the others are sought).
    lead: usize,
}

impl ExactSet {
    fn doc(&self) -> DocId {
        self.clauses[self.lead].doc
    }

    fn advance(&mut self) {
        self.clauses[self.lead].advance();
        self.align();
    }

    /// Moves the lead to its first document, from the current one, in every clause of the
    /// mask and in no other.
    fn align(&mut self) {
        'candidates: loop {
            let doc = self.clauses[self.lead].doc;
            if doc == TERMINATED {
                return;
            }
            for i in 0..self.clauses.len() {
                if i == self.lead {
                    continue;
                }
                let at = self.clauses[i].seek(doc);
                if self.mask >> i & 1 == 1 {
                    if at > doc {
                        self.clauses[self.lead].seek(at);
                        continue 'candidates;
                    }
                } else if at == doc {
                    self.clauses[self.lead].advance();
                    continue 'candidates;
                }
            }
            return;
        }
    }
}

/// The documents of one segment matching each clause (clauses matching nothing there are
/// left out), as bitsets of 64-document words.
#[derive(Debug)]
struct SegmentSets {
    /// Per clause kept: its words.
    words: Vec<Vec<u64>>,
    /// Per clause kept: its boost.
    boosts: Vec<Score>,
    /// The union of the clauses' words.
    union: Vec<u64>,
    /// Documents in the union.
    len: u32,
}

/// Clauses up to which [`SegmentSets::for_each_pruning`] walks score levels (2^N - 1 sets
/// of clauses); with more it visits every matching document.
const MAX_LEVEL_CLAUSES: usize = 4;

impl SegmentSets {
    fn build(clauses: &[PrefixClause], reader: &SegmentReader) -> tantivy::Result<SegmentSets> {
        let n_words = (reader.max_doc() as usize).div_ceil(64);
        let mut sets = SegmentSets {
            words: Vec::new(),
            boosts: Vec::new(),
            union: vec![0; n_words],
            len: 0,
        };
        for clause in clauses {
            let inverted = reader.inverted_index(clause.field)?;
            let terms = prefix_terms(&inverted, clause, usize::MAX)?.unwrap_or_default();
            let mut words: Vec<u64> = Vec::new();
            for term in &terms {
                if words.is_empty() {
                    words = vec![0; n_words];
                }
                let mut postings =
                    inverted.read_block_postings_from_terminfo(term, IndexRecordOption::Basic)?;
                loop {
                    let docs = postings.docs();
                    if docs.is_empty() {
                        break;
                    }
                    for &doc in docs {
                        words[doc as usize / 64] |= 1 << (doc % 64);
                    }
                    postings.advance();
                }
            }
            if words.is_empty() {
                continue;
            }
            for (all, word) in sets.union.iter_mut().zip(&words) {
                *all |= word;
            }
            sets.words.push(words);
            sets.boosts.push(clause.boost);
        }
        sets.len = sets.union.iter().map(|w| w.count_ones()).sum();
        Ok(sets)
    }

    fn contains(&self, doc: DocId) -> bool {
        self.union
            .get(doc as usize / 64)
            .is_some_and(|word| word >> (doc % 64) & 1 == 1)
    }

    /// The sum of the boosts of the clauses `doc` matches, in clause order.
    fn score(&self, doc: DocId) -> Score {
        let (word, bit) = (doc as usize / 64, doc % 64);
        let mut score = 0.0;
        for (words, boost) in self.words.iter().zip(&self.boosts) {
            if words[word] >> bit & 1 == 1 {
                score += boost;
            }
        }
        score
    }

    /// Calls `callback` with each document scoring above `threshold` as the engine's
    /// top-hits collector needs it (it returns the new threshold), in an order that gives
    /// the same top hits as a walk in document order: score levels from the highest, each
    /// in document order, stopping at the first level not above the threshold (its
    /// documents and all lower ones can no longer enter).
    fn for_each_pruning(
        &self,
        mut threshold: Score,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) {
        let k = self.words.len();
        if k > MAX_LEVEL_CLAUSES {
            for (w, &word) in self.union.iter().enumerate() {
                let mut bits = word;
                while bits != 0 {
                    let doc = (w * 64) as DocId + bits.trailing_zeros();
                    bits &= bits - 1;
                    let score = self.score(doc);
                    if score > threshold {
                        threshold = callback(doc, score);
                    }
                }
            }
            return;
        }
        for (level, masks) in score_levels(&self.boosts) {
            if level <= threshold {
                return;
            }
            for (w, &any) in self.union.iter().enumerate() {
                if any == 0 {
                    continue;
                }
                let mut bits = 0;
                for &mask in &masks {
                    let mut exact = any;
                    for (i, words) in self.words.iter().enumerate() {
                        exact &= if mask >> i & 1 == 1 {
                            words[w]
                        } else {
                            !words[w]
                        };
                    }
                    bits |= exact;
                }
                while bits != 0 {
                    let doc = (w * 64) as DocId + bits.trailing_zeros();
                    bits &= bits - 1;
                    threshold = callback(doc, level);
                    if level <= threshold {
                        return;
                    }
                }
            }
        }
    }
}

/// Walks the union of a segment's sets in document order.
struct PrefixScorer {
    sets: Arc<SegmentSets>,
    boost: Score,
    /// The word of `doc`, and its bits after `doc`.
    word: usize,
    rest: u64,
    doc: DocId,
}

impl PrefixScorer {
    fn new(sets: Arc<SegmentSets>, boost: Score) -> Self {
        let rest = sets.union.first().copied().unwrap_or(0);
        let mut scorer = PrefixScorer {
            sets,
            boost,
            word: 0,
            rest,
            doc: 0,
        };
        scorer.next_set_bit();
        scorer
    }

    /// Moves to the lowest bit of `rest`, or of the next non-empty word.
    fn next_set_bit(&mut self) -> DocId {
        loop {
            if self.rest != 0 {
                let bit = self.rest.trailing_zeros();
                self.rest &= self.rest - 1;
                self.doc = (self.word * 64) as DocId + bit;
                return self.doc;
            }
            self.word += 1;
            match self.sets.union.get(self.word) {
                Some(&word) => self.rest = word,
                None => {
                    self.doc = TERMINATED;
                    return TERMINATED;
                }
            }
        }
    }
}

impl DocSet for PrefixScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.next_set_bit()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc == TERMINATED || target <= self.doc {
            return self.doc;
        }
        let word = target as usize / 64;
        match self.sets.union.get(word) {
            Some(&bits) => {
                self.word = word;
                self.rest = bits & (u64::MAX << (target % 64));
                self.next_set_bit()
            }
            None => {
                self.doc = TERMINATED;
                TERMINATED
            }
        }
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.sets.len
    }
}

impl Scorer for PrefixScorer {
    fn score(&mut self) -> Score {
        self.sets.score(self.doc) * self.boost
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, RegexQuery};
    use tantivy::schema::{STRING, Schema};
    use tantivy::{DocAddress, Index, IndexWriter, TantivyDocument, Term};

    use super::*;

    /// An index of two multi-valued string fields; each document holds the given words of
    /// each field; documents whose number is in `deleted` are deleted afterwards (by an
    /// `id` term).
    fn index(docs: &[(Vec<String>, Vec<String>)], deleted: &[usize]) -> (Index, [Field; 2]) {
        let mut schema = Schema::builder();
        let a = schema.add_text_field("a", STRING);
        let b = schema.add_text_field("b", STRING);
        let id = schema.add_text_field("id", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (n, (in_a, in_b)) in docs.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            doc.add_text(id, n.to_string());
            for word in in_a {
                doc.add_text(a, word);
            }
            for word in in_b {
                doc.add_text(b, word);
            }
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        for n in deleted {
            writer.delete_term(Term::from_field_text(id, &n.to_string()));
        }
        writer.commit().unwrap();
        (index, [a, b])
    }

    /// The same clauses as a disjunction of the engine's own constant-score queries.
    fn engine_query(clauses: &[PrefixClause]) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            clauses
                .iter()
                .map(|c| {
                    let any = if c.whole { "" } else { ".*" };
                    let pattern = format!("{}{any}", regex::escape(&c.prefix));
                    let regex = RegexQuery::from_pattern(&pattern, c.field).unwrap();
                    let scored = ConstScoreQuery::new(Box::new(regex), 1.0);
                    let boosted: Box<dyn Query> =
                        Box::new(BoostQuery::new(Box::new(scored), c.boost));
                    (Occur::Should, boosted)
                })
                .collect(),
        ))
    }

    fn top(index: &Index, query: &dyn Query, k: usize) -> Vec<(Score, DocAddress)> {
        let searcher = index.reader().unwrap().searcher();
        searcher
            .search(query, &TopDocs::with_limit(k).order_by_score())
            .unwrap()
    }

    fn count(index: &Index, query: &dyn Query) -> usize {
        index
            .reader()
            .unwrap()
            .searcher()
            .search(query, &Count)
            .unwrap()
    }

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn selects_the_terms_starting_with_the_prefix_only() {
        let vocabulary = [
            "threat",
            "threaten",
            "threats",
            "throat",
            "thread",
            "санкции",
            "санкц",
        ];
        let docs: Vec<_> = vocabulary.iter().map(|w| (words(&[w]), vec![])).collect();
        let (index, [a, _]) = index(&docs, &[]);
        for (prefix, expected) in [
            ("threat", vec![0, 1, 2]),
            ("thr", vec![0, 1, 2, 3, 4]),
            ("санкц", vec![5, 6]),
            ("zzz", vec![]),
            ("", vec![0, 1, 2, 3, 4, 5, 6]),
        ] {
            let query = PrefixQuery::new(vec![PrefixClause {
                field: a,
                prefix: prefix.into(),
                whole: false,
                boost: 1.0,
            }]);
            let mut found: Vec<u32> = top(&index, &query, 10)
                .iter()
                .map(|(_, d)| d.doc_id)
                .collect();
            found.sort_unstable();
            assert_eq!(found, expected, "prefix {prefix}");
            assert_eq!(count(&index, &query), expected.len(), "prefix {prefix}");
        }
    }

    #[test]
    fn the_query_is_reused_with_the_sets_it_built() {
        let docs = vec![
            (words(&["threat"]), words(&["threaten"])),
            (words(&["other"]), vec![]),
        ];
        let (index, [a, b]) = index(&docs, &[]);
        let query = PrefixQuery::new(vec![
            PrefixClause {
                field: a,
                prefix: "threat".into(),
                whole: false,
                boost: 1.0,
            },
            PrefixClause {
                field: b,
                prefix: "threat".into(),
                whole: false,
                boost: 2.0,
            },
        ]);
        assert_eq!(count(&index, &query), 1);
        assert_eq!(query.cache.lock().unwrap().len(), 1);
        let hits = top(&index, &query, 5);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].0, 3.0);
        assert_eq!(query.cache.lock().unwrap().len(), 1);
    }

    #[test]
    fn top_hits_of_few_terms_walk_the_postings_without_building_sets() {
        let docs: Vec<_> = (0..200)
            .map(|n| {
                let a = if n % 3 == 0 {
                    words(&["threat"])
                } else {
                    vec![]
                };
                let b = if n % 40 == 7 {
                    words(&["threaten"])
                } else {
                    vec![]
                };
                (a, b)
            })
            .collect();
        let (two_fields, [a, b]) = index(&docs, &[]);
        let clauses = |prefix: &str| {
            vec![
                PrefixClause {
                    field: a,
                    prefix: prefix.into(),
                    whole: false,
                    boost: 1.0,
                },
                PrefixClause {
                    field: b,
                    prefix: prefix.into(),
                    whole: false,
                    boost: 2.0,
                },
            ]
        };
        let query = PrefixQuery::new(clauses("threat"));
        let hits = top(&two_fields, &query, 3);
        let ids: Vec<u32> = hits.iter().map(|(_, d)| d.doc_id).collect();
        // Both fields (3.0): 87 (87 % 3 == 0, 87 % 40 == 7); then b alone (2.0): 7, 47.
        assert_eq!(ids, [87, 7, 47]);
        assert_eq!(hits[0].0, 3.0);
        assert!(query.cache.lock().unwrap().is_empty());

        // A clause with more terms than a walk takes builds the sets, with the same hits.
        let many: Vec<_> = (0..=MAX_WALK_TERMS)
            .map(|n| (vec![format!("t{n:02}")], vec![]))
            .collect();
        let (one_field, [a, _]) = index(&many, &[]);
        let query = PrefixQuery::new(vec![PrefixClause {
            field: a,
            prefix: "t".into(),
            whole: false,
            boost: 1.0,
        }]);
        let ids: Vec<u32> = top(&one_field, &query, 2)
            .iter()
            .map(|(_, d)| d.doc_id)
            .collect();
        assert_eq!(ids, [0, 1]);
        assert_eq!(query.cache.lock().unwrap().len(), 1);
    }

    fn word() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["ab", "abc", "abd", "b", "ba", "bab", "c"]).prop_map(String::from)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Top hits (scores and documents, ties included), counts and document order agree
        /// with the engine's disjunction of constant-score regex queries, with deletions.
        #[test]
        fn agrees_with_the_engines_constant_score_disjunction(
            docs in prop::collection::vec(
                (prop::collection::vec(word(), 0..3), prop::collection::vec(word(), 0..3)),
                1..150,
            ),
            deleted in prop::collection::vec(0usize..150, 0..10),
            clauses in prop::collection::vec(
                (any::<bool>(), prop::sample::select(vec!["a", "ab", "b", "ba", "c", "x"]),
                 prop::sample::select(vec![1.0f32, 2.0, 0.5])),
                1..7,
            ),
            k in 1usize..20,
        ) {
            let (index, [a, b]) = index(&docs, &deleted);
            let clauses: Vec<PrefixClause> = clauses
                .into_iter()
                .map(|(in_a, prefix, boost)| PrefixClause {
                    field: if in_a { a } else { b },
                    prefix: prefix.to_string(),
                    whole: false,
                    boost,
                })
                .collect();
            let ours = PrefixQuery::new(clauses.clone());
            let engine = engine_query(&clauses);
            // Top hits first walk the postings (few clauses) or build the sets (more than
            // four with terms); after the count they come from the sets the count built.
            let expected = top(&index, &*engine, k);
            prop_assert_eq!(&top(&index, &ours, k), &expected);
            prop_assert_eq!(count(&index, &ours), count(&index, &*engine));
            prop_assert_eq!(&top(&index, &ours, k), &expected);
            // Document order (the scorer as an intersection or a filter sees it).
            let searcher = index.reader().unwrap().searcher();
            let by_doc = |q: &dyn Query| {
                let mut d: Vec<DocAddress> = searcher
                    .search(q, &tantivy::collector::DocSetCollector)
                    .unwrap()
                    .into_iter()
                    .collect();
                d.sort();
                d
            };
            prop_assert_eq!(by_doc(&ours), by_doc(&*engine));
        }
    }

    #[test]
    fn seek_lands_on_the_next_matching_document() {
        let docs: Vec<_> = (0..300)
            .map(|n| {
                (
                    if n % 70 == 3 {
                        words(&["ab"])
                    } else {
                        words(&["c"])
                    },
                    vec![],
                )
            })
            .collect();
        let (index, [a, _]) = index(&docs, &[]);
        let searcher = index.reader().unwrap().searcher();
        let reader = searcher.segment_reader(0);
        let sets = Arc::new(
            SegmentSets::build(
                &[PrefixClause {
                    field: a,
                    prefix: "a".into(),
                    whole: false,
                    boost: 1.0,
                }],
                reader,
            )
            .unwrap(),
        );
        let mut scorer = PrefixScorer::new(sets, 1.0);
        assert_eq!(scorer.doc(), 3);
        assert_eq!(scorer.seek(3), 3);
        assert_eq!(scorer.seek(4), 73);
        assert_eq!(scorer.seek(213), 213);
        assert_eq!(scorer.advance(), 283);
        assert_eq!(scorer.seek(284), TERMINATED);
        assert_eq!(scorer.advance(), TERMINATED);
    }
}
