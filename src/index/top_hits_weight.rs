//! A weight that runs a plain query for every use but top hits by score, which it hands to a
//! walk of its own (the bounded phrases, the filtered query).
//!
//! Contract: the walk gives the collector the same top hits the plain weight's
//! `for_each_pruning` would, scores bit for bit and ties in the same order; everything else
//! (scorers, counts, explanations, unscored walks) is the plain weight's.

use tantivy::query::{Explanation, Scorer, Weight};
use tantivy::{DocId, Score, SegmentReader};

/// The top-hits walk of a [`TopHitsWeight`].
pub(crate) trait TopHitsWalk: Send + Sync + 'static {
    /// As [`Weight::for_each_pruning`]; `plain` is the weight every other use runs.
    fn for_each_pruning(
        &self,
        plain: &dyn Weight,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()>;
}

/// `plain` for every use, `walk` for top hits by score.
pub(crate) struct TopHitsWeight<W> {
    pub(crate) plain: Box<dyn Weight>,
    pub(crate) walk: W,
}

impl<W: TopHitsWalk> Weight for TopHitsWeight<W> {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.plain.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.plain.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.plain.count(reader)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        self.plain.for_each(reader, callback)
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.plain.for_each_no_score(reader, callback)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        self.walk
            .for_each_pruning(&*self.plain, threshold, reader, callback)
    }
}
