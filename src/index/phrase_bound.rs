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
//! Where a segment's block maxima are exact, whole blocks are skipped too. Tantivy stores, for
//! every block of 128 documents of a word's postings, the frequency and field length of the
//! document that scores highest there, by the average field length of the segment as it was
//! written. A phrase count is at most the rarest word's frequency, so that pair, scored with
//! the phrase's weight, bounds every candidate of the block; when the bounds of all clauses
//! over a stretch of documents sum to at most the threshold, the walk jumps past it without
//! reading the other words' postings there. The stored pair is the maximum only when the
//! query's average field length is the segment's own (one segment, as after `compact`; a
//! segment with deletions keeps its count of documents): in a segment where that fails for
//! any clause, no block is skipped and every candidate is read.
//!
//! Restricted to a filter's documents (a search with filters), the walk asks the filter
//! before reading a candidate's positions and skips to the filter's next member: the
//! collector sees only the filter's documents, so the threshold is theirs, and the results are
//! those of the conjunction of the disjunction and the filter.
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
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, Term};

use super::block_cursor::BlockCursor;
use super::membership::Membership;
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

impl BoundedPhrases {
    /// The weight of these phrases restricted to the documents of `filter`, whose top hits
    /// ask the filter before reading a candidate's positions (and skip to its next member);
    /// `plain` (the conjunction) runs every other use.
    pub(crate) fn filtered_weight(
        &self,
        enable_scoring: EnableScoring<'_>,
        plain: Box<dyn Weight>,
        filter: Box<dyn Weight>,
    ) -> tantivy::Result<Box<dyn Weight>> {
        self.walk_weight(enable_scoring, plain, Some(filter))
    }

    fn walk_weight(
        &self,
        enable_scoring: EnableScoring<'_>,
        plain: Box<dyn Weight>,
        filter: Option<Box<dyn Weight>>,
    ) -> tantivy::Result<Box<dyn Weight>> {
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
            // The average field length that weight scores with, computed as Tantivy does.
            let tokens = statistics_provider.total_num_tokens(terms[0].field())?;
            let docs = statistics_provider.total_num_docs()?;
            let average_fieldnorm = tokens as Score / docs as Score;
            let exact = boosted(phrase, *boost).weight(enable_scoring)?;
            clauses.push(ClauseWeight {
                terms,
                bound,
                average_fieldnorm,
                exact,
            });
        }
        Ok(Box::new(TopHitsWeight {
            plain,
            walk: BoundedWalk { clauses, filter },
        }))
    }
}

impl Query for BoundedPhrases {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let plain = self.plain.weight(enable_scoring)?;
        self.walk_weight(enable_scoring, plain, None)
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
    /// The average length of the field that `bound` scores with.
    average_fieldnorm: Score,
    /// The clause's own weight, for exact scores.
    exact: Box<dyn Weight>,
}

/// The top-hits walk of [`BoundedPhrases`] (the plain disjunction's weight runs the rest),
/// restricted to a filter's documents when it has one.
struct BoundedWalk {
    clauses: Vec<ClauseWeight>,
    filter: Option<Box<dyn Weight>>,
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
        let mut filter = match &self.filter {
            Some(weight) => Some(Membership::new(&**weight, reader)?),
            None => None,
        };
        // Block maxima count only where every clause's are exact.
        let blocks = clauses.iter().all(|c| c.exact_blocks);
        // The end of a stretch found open, and the threshold it was found open at.
        let mut open: Option<(DocId, Score)> = None;
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
            // No document before the filter's next member can be a hit.
            if let Some(lower) = filter.as_ref().map(Membership::lower).filter(|&l| doc < l) {
                for clause in clauses.iter_mut().filter(|c| c.candidates.doc < lower) {
                    clause.candidates.skip_lead(lower);
                }
                continue;
            }
            let known_open = open.is_some_and(|(end, at)| doc <= end && at == threshold);
            if blocks && !known_open {
                match stretch(&mut clauses, doc, threshold) {
                    Stretch::Beaten(end) => {
                        for clause in clauses.iter_mut().filter(|c| c.candidates.doc <= end) {
                            clause
                                .candidates
                                .skip_lead(end.saturating_add(1).min(TERMINATED));
                        }
                        #[cfg(test)]
                        tests::SKIPS.with(|skips| skips.set(skips.get() + 1));
                        continue;
                    }
                    Stretch::Open(until) => open = until.map(|end| (end, threshold)),
                }
            }
            // The leads alone bound the clauses standing on `doc` (a phrase count is at most
            // any of its words' frequencies): where they cannot beat the threshold, the other
            // words of a clause that moved its lead alone are not sought.
            let mut standing = clauses.iter().filter(|c| c.candidates.doc == doc);
            let alone = match (standing.next(), standing.next()) {
                (Some(clause), None) => !clause.candidates.aligned,
                _ => false,
            };
            if alone {
                // One clause stands here and up to the next clause's candidate: its lead passes
                // over, in one run, what its bound says cannot beat the threshold.
                let next = clauses
                    .iter()
                    .map(|c| c.candidates.doc)
                    .filter(|&d| d > doc)
                    .min()
                    .unwrap_or(TERMINATED);
                if let Some(clause) = clauses.iter_mut().find(|c| c.candidates.doc == doc)
                    && clause.skip_lead_beating(next - 1, threshold) != doc
                {
                    continue;
                }
            } else if clauses
                .iter()
                .any(|c| c.candidates.doc == doc && !c.candidates.aligned)
                && bound_at(&clauses, doc, |c| c.lead.term_freq()) <= threshold
            {
                for clause in clauses.iter_mut().filter(|c| c.candidates.doc == doc) {
                    clause.candidates.skip_lead(doc + 1);
                }
                continue;
            }
            // A clause whose lead moved alone finds its next candidate, no earlier than the
            // next document that may hold its phrase.
            let mut moved = false;
            for clause in clauses.iter_mut().filter(|c| c.candidates.doc == doc) {
                if !clause.candidates.aligned {
                    clause.candidates.seek(doc.max(clause.exact.next));
                    moved |= clause.candidates.doc != doc;
                }
            }
            if moved {
                continue;
            }
            let bound = bound_at(&clauses, doc, Candidates::min_term_freq);
            let wanted = match &mut filter {
                Some(filter) if bound > threshold => filter.contains(doc)?,
                _ => bound > threshold,
            };
            if wanted {
                // The plain disjunction's score: the sum, in clause order, of the clauses
                // whose phrase is in the document.
                let mut score: Score = 0.0;
                let mut found = false;
                for clause in clauses.iter_mut().filter(|c| c.candidates.doc == doc) {
                    if let Some(clause_score) = clause.exact.score_at(doc) {
                        score += clause_score;
                        found = true;
                    }
                }
                if found && score > threshold {
                    threshold = callback(doc, score);
                }
            }
            // Candidates before the next document that may hold the clause's phrase cannot
            // hold it: the lead skips them.
            for clause in clauses.iter_mut().filter(|c| c.candidates.doc == doc) {
                let next = clause.exact.next.max(doc + 1);
                clause.candidates.skip_lead(next);
            }
        }
    }
}

/// The bound on the score at `doc` of the clauses standing on it: each one's BM25 at the
/// document's field length and at `freq` of its candidates (a word frequency, at least the
/// phrase count), summed in clause order as the plain disjunction sums the scores.
fn bound_at(clauses: &[SegmentClause<'_>], doc: DocId, freq: impl Fn(&Candidates) -> u32) -> Score {
    let mut bound: Score = 0.0;
    for clause in clauses.iter().filter(|c| c.candidates.doc == doc) {
        let fieldnorm_id = clause.fieldnorms.fieldnorm_id(doc);
        bound += clause.bound.score(fieldnorm_id, freq(&clause.candidates));
    }
    bound
}

/// What the block maxima of the clauses' leading words say of the documents from `doc` (the
/// first clause's candidate) on.
enum Stretch {
    /// No document up to this one can score above the threshold.
    Beaten(DocId),
    /// Some may; up to this document (when given) that holds while the threshold does.
    Open(Option<DocId>),
}

/// The stretch from `doc` ends with the first leading block to end. When the clauses with a
/// candidate in it cannot beat `threshold` together, it is beaten whole; otherwise, when the
/// clauses standing on `doc` cannot, the part before the next clause's candidate is. An open
/// stretch with one clause in it stays open for its length (its block stays the same while
/// the clause walks it); with several, one leaving may close the rest.
fn stretch(clauses: &mut [SegmentClause<'_>], doc: DocId, threshold: Score) -> Stretch {
    let mut end = TERMINATED;
    for clause in clauses.iter().filter(|c| c.candidates.doc != TERMINATED) {
        end = end.min(clause.candidates.lead.last_doc_in_block());
    }
    // Summed in clause order, as the plain disjunction sums the scores they bound.
    let mut all: Score = 0.0;
    let mut here: Score = 0.0;
    let mut next = TERMINATED;
    let mut count = 0;
    for clause in clauses.iter_mut().filter(|c| c.candidates.doc <= end) {
        count += 1;
        let max = clause
            .candidates
            .lead
            .block_max_score(&clause.fieldnorms, clause.bound);
        all += max;
        if clause.candidates.doc == doc {
            here += max;
        } else {
            next = next.min(clause.candidates.doc);
        }
    }
    if all <= threshold {
        Stretch::Beaten(end)
    } else if count == 1 {
        Stretch::Open(Some(end))
    } else if next != TERMINATED && here <= threshold {
        Stretch::Beaten(next - 1)
    } else {
        Stretch::Open(None)
    }
}

/// A clause on one segment.
struct SegmentClause<'a> {
    candidates: Candidates,
    fieldnorms: FieldNormReader,
    bound: &'a Bm25Weight,
    /// Whether the leading word's block maxima, scored with `bound`, bound the block's
    /// candidates (the segment was written with the average field length `bound` uses).
    exact_blocks: bool,
    exact: ExactPhrase,
}

/// A clause's own scorer, asked document by document with `seek_danger`: a document without
/// the phrase costs reading its positions, not a scan through the words' common documents to
/// the next one with it (most of which the bounds would have passed over).
struct ExactPhrase {
    scorer: Box<dyn Scorer>,
    /// No document from the last one asked up to this one holds the phrase.
    next: DocId,
    /// Whether the scorer stands on `next` (it does after a hit; after a miss it only takes
    /// further `seek_danger` calls).
    on_next: bool,
}

impl ExactPhrase {
    /// `scorer` as built, on the first document holding the phrase.
    fn new(scorer: Box<dyn Scorer>) -> ExactPhrase {
        ExactPhrase {
            next: scorer.doc(),
            on_next: true,
            scorer,
        }
    }

    /// The clause's score at `doc` when its phrase is there. Documents are asked in
    /// increasing order.
    fn score_at(&mut self, doc: DocId) -> Option<Score> {
        if doc < self.next {
            return None;
        }
        if doc > self.next || !self.on_next {
            // Targets increase strictly: each is above the last document asked.
            match self.scorer.seek_danger(doc) {
                SeekDangerResult::Found => {
                    self.next = doc;
                    self.on_next = true;
                }
                SeekDangerResult::SeekLowerBound(next) => {
                    self.next = next;
                    self.on_next = false;
                    return None;
                }
            }
        }
        Some(self.scorer.score())
    }
}

impl<'a> SegmentClause<'a> {
    /// Moves the lead alone to its first document, from the current one up to `last` and
    /// within its block, whose bound beats `threshold` (see [`BlockCursor::seek_beating`]);
    /// returns the lead's document.
    fn skip_lead_beating(&mut self, last: DocId, threshold: Score) -> DocId {
        let candidates = &mut self.candidates;
        candidates.doc =
            candidates
                .lead
                .seek_beating(last, &self.fieldnorms, self.bound, threshold);
        candidates.aligned = false;
        candidates.doc
    }

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
        let field = clause.terms[0].field();
        // As Tantivy's phrase weight reads them (a field without norms counts as 1).
        let stored_norms = reader.fieldnorms_readers().get_field(field)?;
        let has_norms = stored_norms.is_some();
        let fieldnorms =
            stored_norms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        let Some(candidates) = Candidates::open(reader, &clause.terms)? else {
            return Ok(None);
        };
        // Tantivy picks each block's maximum by the segment's average field length, computed
        // this way when the segment is written (and only for a field with norms).
        let tokens = reader.inverted_index(field)?.total_num_tokens();
        let written_with = tokens as Score / reader.max_doc() as Score;
        let exact_blocks =
            has_norms && written_with.to_bits() == clause.average_fieldnorm.to_bits();
        Ok(Some(SegmentClause {
            candidates,
            fieldnorms,
            bound: &clause.bound,
            exact_blocks,
            exact: ExactPhrase::new(exact),
        }))
    }
}

/// The documents holding every word of a phrase, with the words' frequencies.
struct Candidates {
    /// The rarest word (its block maxima, under the phrase's weight, bound the phrase).
    lead: BlockCursor,
    /// The other words, only sought to the lead's documents.
    others: Vec<SegmentPostings>,
    /// The current document ([`TERMINATED`] at the end); after [`Candidates::skip_lead`],
    /// only the lead's, at or before the next candidate.
    doc: DocId,
    /// Whether `doc` is a document every word holds.
    aligned: bool,
}

impl Candidates {
    /// `None` when a word is not in the segment (nor, then, the phrase).
    fn open(reader: &SegmentReader, terms: &[Term]) -> tantivy::Result<Option<Candidates>> {
        let Some(first) = terms.first() else {
            return Ok(None);
        };
        let inverted = reader.inverted_index(first.field())?;
        let mut infos = Vec::with_capacity(terms.len());
        for term in terms {
            match inverted.get_term_info(term)? {
                Some(info) => infos.push(info),
                None => return Ok(None),
            }
        }
        // The rarest word leads: the others are only sought to its documents.
        infos.sort_by_key(|info| info.doc_freq);
        let with_freqs = IndexRecordOption::WithFreqs;
        let lead =
            BlockCursor::new(inverted.read_block_postings_from_terminfo(&infos[0], with_freqs)?);
        let others = infos[1..]
            .iter()
            .map(|info| inverted.read_postings_from_terminfo(info, with_freqs))
            .collect::<std::io::Result<Vec<_>>>()?;
        let mut candidates = Candidates {
            doc: lead.doc(),
            lead,
            others,
            aligned: false,
        };
        candidates.align();
        Ok(Some(candidates))
    }

    /// Moves to the first document at or after `self.doc` that every list holds.
    fn align(&mut self) {
        'next: while self.doc != TERMINATED {
            let at = if self.lead.doc() < self.doc {
                self.lead.seek(self.doc)
            } else {
                self.lead.doc()
            };
            if at > self.doc {
                self.doc = at;
                continue 'next;
            }
            for list in &mut self.others {
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
            break;
        }
        self.aligned = true;
    }

    /// Moves the lead alone to its first document at or after `target`, leaving the other
    /// words behind until the next [`Candidates::seek`].
    fn skip_lead(&mut self, target: DocId) {
        self.doc = self.lead.seek(target);
        self.aligned = false;
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
        self.others
            .iter()
            .map(|list| list.term_freq())
            .fold(self.lead.term_freq(), u32::min)
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

    thread_local! {
        /// The stretches skipped by block maxima on this thread.
        pub(super) static SKIPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// An index of `n` documents (one in five Russian), committed every `commit_every`, with
    /// every seventh document deleted.
    fn index(dir: &std::path::Path, n: usize, commit_every: usize, rng: &mut Lcg) -> IndexStore {
        let store = IndexStore::open_or_create(dir).unwrap();
        let mut writer = store.writer(1, 15_000_000).unwrap();
        for id in 0..n {
            let lang = if id % 5 == 0 { Lang::Ru } else { Lang::En };
            let title_len = 1 + rng.below(4);
            let text_len = 3 + rng.below(60);
            let doc = document(id, lang, rng.words(title_len), rng.words(text_len));
            writer
                .add_document(store.to_tantivy(&doc, &DocStructure::default()))
                .unwrap();
            if id % commit_every == commit_every - 1 {
                writer.commit().unwrap();
            }
        }
        for id in (0..n).step_by(7) {
            writer.delete_term(Term::from_field_text(store.fields().id, &format!("d{id}")));
        }
        writer.commit().unwrap();
        store
    }

    /// Checks random phrases of two and three words (repeated words included), each on the
    /// text and the boosted title fields of both languages: top hits (scores bit for bit,
    /// documents, order) for several `k` and counts of the bounded disjunction equal the
    /// plain one's. Returns how many phrases had more than three hits.
    fn check_phrases(store: &IndexStore, rng: &mut Lcg) -> usize {
        let searcher = store.reader().unwrap().searcher();
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
        tried
    }

    /// Over several segments with deleted documents (block maxima not used).
    #[test]
    fn top_hits_are_those_of_the_plain_disjunction() {
        let dir = tempfile::tempdir().unwrap();
        let mut rng = Lcg(7);
        let store = index(dir.path(), 600, 150, &mut rng);
        let searcher = store.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        let tried = check_phrases(&store, &mut rng);
        assert!(tried > 20, "too few phrases with hits: {tried}");
    }

    /// In one segment with deleted documents, where the block maxima are exact and whole
    /// stretches of candidates are skipped.
    #[test]
    fn top_hits_skipping_blocks_are_those_of_the_plain_disjunction() {
        let dir = tempfile::tempdir().unwrap();
        let mut rng = Lcg(11);
        let store = index(dir.path(), 3000, usize::MAX, &mut rng);
        let searcher = store.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 1);
        SKIPS.with(|skips| skips.set(0));
        let tried = check_phrases(&store, &mut rng);
        assert!(tried > 20, "too few phrases with hits: {tried}");
        let skips = SKIPS.with(|skips| skips.get());
        assert!(skips > 100, "too few stretches skipped: {skips}");
    }

    /// A segment's stored block maxima are not used when the index's average field length is
    /// not the one the segment was written with: here a block's stored maximum (a two-word
    /// document, the best by the segment's short average) is below the score of another
    /// document of the block by the index's long average, and below the best score before
    /// the block, so trusting it would skip the best document.
    #[test]
    fn block_maxima_of_another_average_are_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::open_or_create(dir.path()).unwrap();
        let mut writer = store.writer(1, 15_000_000).unwrap();
        let text = |phrases: usize, filler: usize| {
            let mut words = vec!["north korea"; phrases];
            words.extend(vec!["grass"; filler]);
            words.join(" ")
        };
        let add = |writer: &mut tantivy::IndexWriter, id: usize, text: String| {
            let doc = document(id, Lang::En, "peace".into(), text);
            writer
                .add_document(store.to_tantivy(&doc, &DocStructure::default()))
                .unwrap();
        };
        // First segment: short documents, but for one before the block and one in it.
        add(&mut writer, 0, text(8, 84));
        for id in 1..128 {
            add(&mut writer, id, text(1, 0));
        }
        add(&mut writer, 128, text(10, 30));
        for id in 129..300 {
            add(&mut writer, id, text(1, 0));
        }
        writer.commit().unwrap();
        // Second segment: long documents without the phrase.
        for id in 300..1300 {
            add(&mut writer, id, text(0, 300));
        }
        writer.commit().unwrap();
        let searcher = store.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let fields = store.fields();
        let phrase = PhraseQuery::new(vec![
            Term::from_field_text(fields.text_field(Lang::En), "north"),
            Term::from_field_text(fields.text_field(Lang::En), "korea"),
        ]);
        let bounded = BoundedPhrases::new(vec![(phrase, 1.0)]);
        let top = TopDocs::with_limit(1).order_by_score();
        let expected = searcher.search(&bounded.plain, &top).unwrap();
        let found = searcher.search(&bounded, &top).unwrap();
        assert_eq!(expected[0].1.doc_id, 128);
        assert_eq!(found, expected);
    }
}
