//! A scored query restricted by a filter that scores nothing, whose top hits keep the scored
//! query's own pruning.
//!
//! The straightforward form is a conjunction, `Must(query)` and `Must(ConstScore(filter,
//! 0))`: the engine then walks every document of the query that the filter holds and scores
//! it, because a conjunction has no score bound to skip with. [`FilteredQuery`] is that
//! conjunction for every use but top hits by score. For top hits it runs the query's own
//! pruned walk (block-max WAND for a union of terms, the bounded walk of exact phrases,
//! score levels of prefixes) and hands the collector only the documents the filter holds
//! (exact phrases ask the filter themselves, before reading a candidate's positions);
//! the threshold the walk prunes with is the k-th best score among those, so no document
//! that could enter the top is skipped. When the filter refuses most of what the walk
//! offers (it holds few of the query's best documents, so the threshold hardly rises), a
//! walk in document order stops and the conjunction takes the rest of the segment.
//!
//! Contract: results are exactly those of the conjunction, scores bit for bit (a conjunction
//! adds the filter's 0.0 to the query's score, which leaves it unchanged) and ties in the same
//! order (the collector receives the filter's documents in the order the query's own walk
//! gives them, which gives its ties as a walk in document order does). Only
//! `for_each_pruning` (what Tantivy's `TopDocs` by score calls on the top-level query) takes
//! the other path.

use tantivy::query::{BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use super::membership::Membership;
use super::phrase_bound::BoundedPhrases;
use super::top_hits_weight::{TopHitsWalk, TopHitsWeight};

/// `query` restricted to the documents of `filter`, scored by `query` alone.
#[derive(Debug)]
pub(crate) struct FilteredQuery {
    /// The conjunction, run for every use but top hits by score.
    plain: BooleanQuery,
    query: Box<dyn Query>,
    /// The filter wrapped to score 0.0, as the conjunction holds it.
    filter: ConstScoreQuery,
    /// Whether the query's pruned walk hands over documents in increasing order (terms,
    /// exact phrases; prefix score levels do not).
    in_doc_order: bool,
}

impl Clone for FilteredQuery {
    fn clone(&self) -> FilteredQuery {
        FilteredQuery {
            plain: self.plain.clone(),
            query: self.query.box_clone(),
            filter: self.filter.clone(),
            in_doc_order: self.in_doc_order,
        }
    }
}

impl FilteredQuery {
    /// `in_doc_order`: whether `query`'s top-hits walk hands over documents in increasing
    /// order (only such a walk can give way to the conjunction midway).
    pub(crate) fn new(
        query: Box<dyn Query>,
        filter: Box<dyn Query>,
        in_doc_order: bool,
    ) -> FilteredQuery {
        let filter = ConstScoreQuery::new(filter, 0.0);
        let plain = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (Occur::Must, Box::new(filter.clone())),
        ]);
        FilteredQuery {
            plain,
            query,
            filter,
            in_doc_order,
        }
    }
}

impl Query for FilteredQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let plain = self.plain.weight(enable_scoring)?;
        if !enable_scoring.is_scoring_enabled() {
            return Ok(plain);
        }
        // Exact phrases ask the filter themselves, before reading any positions.
        if let Some(phrases) = self.query.downcast_ref::<BoundedPhrases>() {
            let filter = self.filter.weight(enable_scoring)?;
            return phrases.filtered_weight(enable_scoring, plain, filter);
        }
        Ok(Box::new(TopHitsWeight {
            plain,
            walk: FilteredWalk {
                query: self.query.weight(enable_scoring)?,
                filter: self.filter.weight(enable_scoring)?,
                in_doc_order: self.in_doc_order,
            },
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.plain.query_terms(visitor);
    }
}

/// The top-hits walk of a [`FilteredQuery`] (the conjunction's weight runs the rest).
struct FilteredWalk {
    query: Box<dyn Weight>,
    filter: Box<dyn Weight>,
    in_doc_order: bool,
}

impl TopHitsWalk for FilteredWalk {
    fn for_each_pruning(
        &self,
        plain: &dyn Weight,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let mut filter = Membership::new(&*self.filter, reader)?;
        let mut current = threshold;
        // How many documents went to the collector, and how many the filter refused.
        let (mut offered, mut rejected) = (0usize, 0usize);
        let mut stopped = false;
        let mut failure = None;
        self.query
            .for_each_pruning(threshold, reader, &mut |doc, score| {
                if stopped {
                    return Score::INFINITY;
                }
                match filter.contains(doc) {
                    Ok(true) => {
                        offered += 1;
                        current = callback(doc, score);
                        return current;
                    }
                    Ok(false) => rejected += 1,
                    Err(err) => {
                        failure = Some(err);
                        stopped = true;
                        return Score::INFINITY;
                    }
                }
                if self.in_doc_order
                    && rejected >= REJECTED_BEFORE_CONJUNCTION
                    && rejected > offered * REJECTED_PER_HIT
                {
                    // The filter holds few of the query's best documents: the threshold
                    // rises too slowly to prune, and the conjunction, led by the filter
                    // when it is the smaller, scores only the documents it holds.
                    stopped = true;
                    return Score::INFINITY;
                }
                current
            })?;
        if let Some(err) = failure {
            return Err(err);
        }
        if !stopped {
            return Ok(());
        }
        // Every document up to the last one asked about was handed over or could not beat
        // the threshold (the walk is in document order); the conjunction takes the rest.
        let last = filter.last_asked().unwrap_or(0);
        let mut scorer = plain.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        if doc <= last {
            doc = scorer.seek(last + 1);
        }
        while doc != TERMINATED {
            let score = scorer.score();
            if score > current {
                current = callback(doc, score);
            }
            doc = scorer.advance();
        }
        Ok(())
    }
}

/// Documents the query's pruned walk may offer outside the filter before the rest of the
/// segment goes to the conjunction, if they also outnumber those inside it
/// [`REJECTED_PER_HIT`] times.
const REJECTED_BEFORE_CONJUNCTION: usize = 1024;

/// See [`REJECTED_BEFORE_CONJUNCTION`].
const REJECTED_PER_HIT: usize = 8;

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BoostQuery, PhraseQuery, TermQuery};
    use tantivy::schema::IndexRecordOption;

    use super::*;
    use crate::document::{DocStructure, Document, Kind, Lang};
    use crate::index::IndexStore;
    use crate::index::phrase_bound::BoundedPhrases;
    use crate::index::prefix_query::{PrefixClause, PrefixQuery};

    const WORDS: &[&str] = &["north", "korea", "peace", "talk", "sanction", "threat"];

    /// Top hits (scores bit for bit, documents, order) and counts of the filtered query
    /// equal the conjunction's, for terms, exact phrases and prefixes, under filters that
    /// hold most documents, a few, and one in a hundred (where the walk gives way to the
    /// conjunction), on several segments with deleted documents.
    #[test]
    fn top_hits_are_those_of_the_conjunction() {
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::open_or_create(dir.path()).unwrap();
        let mut writer = store.writer(1, 15_000_000).unwrap();
        let mut seed: u64 = 11;
        let mut below = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) % n as u64) as usize
        };
        for id in 0..4000 {
            let mut words = |n: usize| -> String {
                (0..n)
                    .map(|_| WORDS[below(WORDS.len())])
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let (title, text) = (words(2), words(12));
            let kind = match below(100) {
                0 => Kind::Interview,
                1..=9 => Kind::News,
                _ => Kind::Statement,
            };
            let doc = Document {
                id: format!("d{id}"),
                date: NaiveDate::from_ymd_opt(2017, 1, 1).unwrap(),
                title,
                speaker: "A".into(),
                source: "s".into(),
                kind,
                lang: Lang::En,
                url: String::new(),
                text,
                tags: vec![],
                location: None,
            };
            writer
                .add_document(store.to_tantivy(&doc, &DocStructure::default()))
                .unwrap();
            if id % 1500 == 1499 {
                writer.commit().unwrap();
            }
        }
        for id in (0..4000).step_by(13) {
            writer.delete_term(Term::from_field_text(store.fields().id, &format!("d{id}")));
        }
        writer.commit().unwrap();
        let searcher = store.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        let fields = store.fields();
        let (text, title) = (fields.text_field(Lang::En), fields.title_field(Lang::En));
        let term = |field, word: &str| Term::from_field_text(field, word);
        let words: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(TermQuery::new(
                    term(text, "korea"),
                    IndexRecordOption::WithFreqs,
                )),
            ),
            (
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        term(title, "korea"),
                        IndexRecordOption::WithFreqs,
                    )),
                    2.0,
                )),
            ),
        ]));
        let phrase = |field| {
            PhraseQuery::new_with_offset_and_slop(
                vec![(0, term(field, "north")), (1, term(field, "korea"))],
                0,
            )
        };
        let phrases: Box<dyn Query> = Box::new(BoundedPhrases::new(vec![
            (phrase(text), 1.0),
            (phrase(title), 2.0),
        ]));
        let prefix = |field, boost| PrefixClause {
            field,
            prefix: "t".into(),
            whole: false,
            boost,
        };
        let prefixes: Box<dyn Query> = Box::new(PrefixQuery::new(vec![
            prefix(text, 1.0),
            prefix(title, 2.0),
        ]));
        for kinds in [
            &["statement", "news"][..],
            &["news"][..],
            &["interview"][..],
        ] {
            let filter = || -> Box<dyn Query> {
                Box::new(BooleanQuery::new(
                    kinds
                        .iter()
                        .map(|kind| -> (Occur, Box<dyn Query>) {
                            let kind = term(fields.kind, kind);
                            (
                                Occur::Should,
                                Box::new(TermQuery::new(kind, IndexRecordOption::Basic)),
                            )
                        })
                        .collect(),
                ))
            };
            for query in [&words, &phrases, &prefixes] {
                let in_doc_order = !std::ptr::eq(query, &prefixes);
                let filtered = FilteredQuery::new(query.box_clone(), filter(), in_doc_order);
                let plain = filtered.plain.clone();
                let total = searcher.search(&plain, &Count).unwrap();
                assert!(total > 5, "{kinds:?} {query:?}: the case tests nothing");
                assert_eq!(searcher.search(&filtered, &Count).unwrap(), total);
                for k in [1, 10, 100, 1000] {
                    let top = TopDocs::with_limit(k).order_by_score();
                    let bits = |hits: Vec<(Score, tantivy::DocAddress)>| {
                        hits.into_iter()
                            .map(|(s, d)| (s.to_bits(), d))
                            .collect::<Vec<_>>()
                    };
                    assert_eq!(
                        bits(searcher.search(&filtered, &top).unwrap()),
                        bits(searcher.search(&plain, &top).unwrap()),
                        "{kinds:?} k={k} {query:?}"
                    );
                }
            }
        }
    }
}
