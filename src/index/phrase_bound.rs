//! The top hits of an exact phrase without reading the positions of every candidate.
//!
//! A phrase leaf of a query is a disjunction of one phrase query per field (the text and
//! the boosted title, per language). Tantivy scores it by reading and intersecting the
//! word positions of every document that holds all the words, because the score needs the
//! phrase count; "North Korea" has thousands of such documents in a large corpus. For the
//! top hits by score most of that is wasted: a document's phrase count in a field is at
//! most the smallest frequency of the phrase's words there, so the BM25 score of that
//! frequency bounds the document's score, and once the collector's threshold (the k-th
//! best score so far) reaches the bound the document cannot enter the top hits.
//! [`BoundedPhrases`] reads term frequencies (no positions) for every candidate, and the
//! positions (through Tantivy's own phrase scorer, so the scores are Tantivy's) only for
//! the candidates whose bound beats the threshold.
//!
//! Contract: results are exactly those of the plain disjunction, scores bit for bit and
//! ties in the same order. Only `for_each_pruning` (what Tantivy's `TopDocs` by score
//! calls on the top-level query) takes the bounded path, and it hands the collector the
//! same documents with the same scores in the same order, minus documents whose score
//! cannot beat the threshold (which the collector drops anyway). Every other use
//! (counting, sorting by date, a phrase nested in a larger query) runs the plain
//! disjunction. The bound holds in floating point: BM25's frequency factor `f / (f + n)`
//! grows with `f`, and sums of non-negative numbers rounded to nearest grow with each
//! term. Exact phrases only (slop 0): a sloppy match count is not bounded the same way.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    Bm25Weight, BooleanQuery, BoostQuery, EnableScoring, Occur, PhraseQuery, Query, Scorer, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use super::top_hits_weight::{TopHitsWalk, TopHitsWeight};

/// A disjunction of exact phrase queries, each with its boost, scored as
/// `BooleanQuery` of `Should` clauses (boosted ones wrapped in `BoostQuery`) would be.
#[derive(Debug, Clone)]
pub(crate) struct BoundedPhrases {
    /// The plain disjunction, run for every use but top hits by score.
    plain: BooleanQuery,
    /// The clauses in order: an exact phrase and its boost.
    clauses: Vec<(PhraseQuery, Score)>,
}

impl BoundedPhrases {
    /// The disjunction of `clauses` (exact phrases, slop 0, with their boosts), in order.
    pub(crate) fn new(clauses: Vec<(PhraseQuery, Score)>) -> BoundedPhrases {
        let plain = BooleanQuery::new(
            clauses
                .iter()
                .map(|(phrase, boost)| (Occur::Should, boosted(phrase, *boost)))
                .collect(),
        );
        BoundedPhrases { plain, clauses }
    }
}

/// `phrase`, boosted unless `boost` is 1 (as the query builder writes clauses).
fn boosted(phrase: &PhraseQuery, boost: Score) -> Box<dyn Query> {
    if boost == 1.0 {
        Box::new(phrase.clone())
    } else {
        Box::new(BoostQuery::new(Box::new(phrase.clone()), boost))
    }
}

impl Query for BoundedPhrases {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let plain = self.plain.weight(enable_scoring)?;
        let EnableScoring::Enabled {
            statistics_provider,
            ..
        } = enable_scoring
        else {
            return Ok(plain);
        };
        let mut clauses = Vec::with_capacity(self.clauses.len());
        for (phrase, boost) in &self.clauses {
            let terms = phrase.phrase_terms();
            // The weight Tantivy's phrase scorer uses (same terms, same order, same boost).
            let bound = Bm25Weight::for_terms(statistics_provider, &terms)?.boost_by(*boost);
            let exact = boosted(phrase, *boost).weight(enable_scoring)?;
            clauses.push(ClauseWeight {
                terms,
                bound,
                exact,
            });
        }
        Ok(Box::new(TopHitsWeight {
            plain,
            walk: BoundedWalk { clauses },
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.plain.query_terms(visitor);
    }
}

/// One clause, ready for a segment.
struct ClauseWeight {
    /// The phrase's terms (one field).
    terms: Vec<Term>,
    /// BM25 of the phrase, boosted: evaluated at the smallest word frequency, a bound.
    bound: Bm25Weight,
    /// The clause's own weight, for exact scores.
    exact: Box<dyn Weight>,
}

/// The top-hits walk of [`BoundedPhrases`] (the plain disjunction's weight runs the rest).
struct BoundedWalk {
    clauses: Vec<ClauseWeight>,
}

impl TopHitsWalk for BoundedWalk {
    fn for_each_pruning(
        &self,
        _plain: &dyn Weight,
        mut threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let mut clauses = Vec::with_capacity(self.clauses.len());
        for clause in &self.clauses {
            if let Some(segment) = SegmentClause::open(clause, reader)? {
                clauses.push(segment);
            }
        }
        loop {
            let doc = clauses
                .iter()
                .map(|c| c.candidates.doc)
                .min()
                .unwrap_or(TERMINATED);
            // No score beats an infinite threshold: the collector wants no more documents.
            if doc == TERMINATED || threshold == Score::INFINITY {
                return Ok(());
            }
            let mut bound: Score = 0.0;
            for clause in clauses.iter().filter(|c| c.candidates.doc == doc) {
                let fieldnorm_id = clause.fieldnorms.fieldnorm_id(doc);
                bound += clause
                    .bound
                    .score(fieldnorm_id, clause.candidates.min_term_freq());
            }
            if bound > threshold {
                // The plain disjunction's score: the sum, in clause order, of the clauses
                // whose phrase is in the document.
                let mut score: Score = 0.0;
                let mut found = false;
                for clause in clauses.iter_mut().filter(|c| c.candidates.doc == doc) {
                    if clause.exact.doc() < doc {
                        clause.exact.seek(doc);
                    }
                    if clause.exact.doc() == doc {
                        score += clause.exact.score();
                        found = true;
                    }
                }
                if found && score > threshold {
                    threshold = callback(doc, score);
                }
            }
            // A clause's exact scorer stands on the first document at or after every
            // document it was sought to that holds the phrase: candidates before it cannot
            // hold the phrase in that clause, so its walk skips them instead of reading
            // their frequencies (a rare phrase of common words no longer pays for the
            // words' intersection twice).
            for clause in clauses.iter_mut().filter(|c| c.candidates.doc == doc) {
                let next_phrase = clause.exact.doc();
                if next_phrase > doc {
                    clause.candidates.seek(next_phrase);
                } else {
                    clause.candidates.advance();
                }
            }
        }
    }
}

/// A clause on one segment.
struct SegmentClause<'a> {
    candidates: Candidates,
    fieldnorms: FieldNormReader,
    bound: &'a Bm25Weight,
    exact: Box<dyn Scorer>,
}

impl<'a> SegmentClause<'a> {
    /// The clause on `reader`, or `None` when the phrase is not in the segment.
    fn open(
        clause: &'a ClauseWeight,
        reader: &SegmentReader,
    ) -> tantivy::Result<Option<SegmentClause<'a>>> {
        // The exact scorer stands on the first document holding the phrase: a clause whose
        // phrase is nowhere in the segment needs no candidates.
        let exact = clause.exact.scorer(reader, 1.0)?;
        if exact.doc() == TERMINATED {
            return Ok(None);
        }
        let Some(candidates) = Candidates::open(reader, &clause.terms)? else {
            return Ok(None);
        };
        let field = clause.terms[0].field();
        // As Tantivy's phrase weight reads them (a field without norms counts as 1).
        let fieldnorms = match reader.fieldnorms_readers().get_field(field)? {
            Some(fieldnorms) => fieldnorms,
            None => FieldNormReader::constant(reader.max_doc(), 1),
        };
        Ok(Some(SegmentClause {
            candidates,
            fieldnorms,
            bound: &clause.bound,
            exact,
        }))
    }
}

/// The documents holding every word of a phrase, with the words' frequencies.
struct Candidates {
    postings: Vec<SegmentPostings>,
    /// The current document ([`TERMINATED`] at the end).
    doc: DocId,
}

impl Candidates {
    /// `None` when a word is not in the segment (nor, then, the phrase).
    fn open(reader: &SegmentReader, terms: &[Term]) -> tantivy::Result<Option<Candidates>> {
        let Some(first) = terms.first() else {
            return Ok(None);
        };
        let inverted = reader.inverted_index(first.field())?;
        let mut postings = Vec::with_capacity(terms.len());
        for term in terms {
            match inverted.read_postings(term, IndexRecordOption::WithFreqs)? {
                Some(list) => postings.push(list),
                None => return Ok(None),
            }
        }
        // The rarest word leads: the others are only sought to its documents.
        postings.sort_by_key(|list| list.doc_freq());
        let mut candidates = Candidates {
            doc: postings[0].doc(),
            postings,
        };
        candidates.align();
        Ok(Some(candidates))
    }

    /// Moves to the first document at or after `self.doc` that every list holds.
    fn align(&mut self) {
        'next: while self.doc != TERMINATED {
            for list in &mut self.postings {
                let at = if list.doc() < self.doc {
                    list.seek(self.doc)
                } else {
                    list.doc()
                };
                if at > self.doc {
                    self.doc = at;
                    continue 'next;
                }
            }
            return;
        }
    }

    fn advance(&mut self) {
        self.doc = self.postings[0].advance();
        self.align();
    }

    /// Moves to the first document at or after `target` (after the current one) that every
    /// list holds.
    fn seek(&mut self, target: DocId) {
        self.doc = target;
        self.align();
    }

    /// The smallest frequency of the words in the current document: a bound on the number
    /// of times the exact phrase occurs there.
    fn min_term_freq(&self) -> u32 {
        self.postings
            .iter()
            .map(|list| list.term_freq())
            .min()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use tantivy::collector::{Count, TopDocs};

    use super::*;
    use crate::document::{DocStructure, Document, Kind, Lang};
    use crate::index::IndexStore;

    const WORDS: &[&str] = &[
        "north", "korea", "peace", "talk", "sanction", "grass", "freez",
    ];

    /// A small deterministic generator (the test needs varied texts, not randomness).
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) % n as u64) as usize
        }

        fn words(&mut self, n: usize) -> String {
            (0..n)
                .map(|_| WORDS[self.below(WORDS.len())])
                .collect::<Vec<_>>()
                .join(" ")
        }
    }

    fn document(id: usize, lang: Lang, title: String, text: String) -> Document {
        Document {
            id: format!("d{id}"),
            date: NaiveDate::from_ymd_opt(2017, 1, 1).unwrap(),
            title,
            speaker: "A".into(),
            source: "s".into(),
            kind: Kind::Statement,
            lang,
            url: String::new(),
            text,
            tags: vec![],
            location: None,
        }
    }

    /// Top hits (scores bit for bit, documents, order) and counts of the bounded phrase
    /// disjunction equal the plain one's, over several segments with deleted documents, for
    /// phrases of two and three words (repeated words included) and many `k`.
    #[test]
    fn top_hits_are_those_of_the_plain_disjunction() {
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::open_or_create(dir.path()).unwrap();
        let mut writer = store.writer(1, 15_000_000).unwrap();
        let mut rng = Lcg(7);
        for id in 0..600 {
            let lang = if id % 5 == 0 { Lang::Ru } else { Lang::En };
            let title_len = 1 + rng.below(4);
            let text_len = 3 + rng.below(60);
            let doc = document(id, lang, rng.words(title_len), rng.words(text_len));
            writer
                .add_document(store.to_tantivy(&doc, &DocStructure::default()))
                .unwrap();
            if id % 150 == 149 {
                writer.commit().unwrap();
            }
        }
        for id in (0..600).step_by(7) {
            writer.delete_term(Term::from_field_text(store.fields().id, &format!("d{id}")));
        }
        writer.commit().unwrap();
        let searcher = store.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        let fields = store.fields();
        let mut tried = 0;
        for _ in 0..60 {
            let n = 2 + rng.below(2);
            let words: Vec<&str> = (0..n).map(|_| WORDS[rng.below(WORDS.len())]).collect();
            let mut clauses = Vec::new();
            for lang in [Lang::En, Lang::Ru] {
                let phrase = |field| {
                    let terms = words.iter().enumerate();
                    PhraseQuery::new_with_offset_and_slop(
                        terms
                            .map(|(i, w)| (i, Term::from_field_text(field, w)))
                            .collect(),
                        0,
                    )
                };
                clauses.push((phrase(fields.text_field(lang)), 1.0));
                clauses.push((phrase(fields.title_field(lang)), 2.0));
            }
            let bounded = BoundedPhrases::new(clauses);
            let plain = bounded.plain.clone();
            let total = searcher.search(&plain, &Count).unwrap();
            assert_eq!(searcher.search(&bounded, &Count).unwrap(), total);
            tried += usize::from(total > 3);
            for k in [1, 3, 10, 1000] {
                let top = TopDocs::with_limit(k).order_by_score();
                let expected = searcher.search(&plain, &top).unwrap();
                let found = searcher.search(&bounded, &top).unwrap();
                let bits =
                    |hits: Vec<(Score, tantivy::DocAddress)>| -> Vec<(u32, tantivy::DocAddress)> {
                        hits.into_iter().map(|(s, d)| (s.to_bits(), d)).collect()
                    };
                assert_eq!(bits(found), bits(expected), "{words:?} k={k}");
            }
        }
        assert!(tried > 20, "too few phrases with hits: {tried}");
    }
}
