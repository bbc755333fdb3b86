//! A word's postings walked document by document with its current block in view.
//!
//! Tantivy's `SegmentPostings` walks a postings list but hides the block it stands in, and its
//! term scorer (which shows it) is not public. [`BlockCursor`] walks the same documents and
//! frequencies over the public block postings and also answers, for the block it stands in,
//! the last document and the block's maximum under a BM25 weight (Tantivy's stored maximum
//! for a full block, computed over the documents for the last one).
//!
//! Contract: `doc`, `seek` and `term_freq` behave as `SegmentPostings`' do
//! (deleted documents included, [`TERMINATED`] at the end); `seek` targets never go back.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::Bm25Weight;
use tantivy::{DocId, Score, TERMINATED};

/// The number of documents in a full block of postings.
const BLOCK: usize = 128;

pub(crate) struct BlockCursor {
    block: BlockSegmentPostings,
    /// The position in the block's documents (past the last real one at the end).
    cur: usize,
}

impl BlockCursor {
    /// On the first document of `block` (as opened, on its first block).
    pub(crate) fn new(block: BlockSegmentPostings) -> BlockCursor {
        BlockCursor { block, cur: 0 }
    }

    /// The current document, or [`TERMINATED`].
    #[inline]
    pub(crate) fn doc(&self) -> DocId {
        // Past the end of a block's documents the decoder holds TERMINATED.
        self.block.doc(self.cur)
    }

    /// The frequency of the word in the current document.
    #[inline]
    pub(crate) fn term_freq(&self) -> u32 {
        self.block.freq(self.cur)
    }

    /// The first document at or after `target` ([`TERMINATED`] for any target past the last
    /// document, however large).
    pub(crate) fn seek(&mut self, target: DocId) -> DocId {
        let target = target.min(TERMINATED);
        if self.doc() >= target {
            return self.doc();
        }
        // Often the next document (a candidate walk's common step): no block search.
        if self.cur < BLOCK - 1 && self.block.doc(self.cur + 1) >= target {
            self.cur += 1;
            return self.doc();
        }
        self.cur = self.block.seek(target);
        self.doc()
    }

    /// Moves to the first document, from the current one on, whose score under `weight`
    /// (at its frequency and field length) is above `threshold`, looking no further than
    /// `last` nor past the current block: returns that document, or else the first one after
    /// the documents passed over (past `last`, or the next block's first).
    ///
    /// One tight loop over the block: the field lengths of the documents ahead, scattered
    /// over the segment, are read together instead of one per step of a walk.
    pub(crate) fn seek_beating(
        &mut self,
        last: DocId,
        norms: &FieldNormReader,
        weight: &Bm25Weight,
        threshold: Score,
    ) -> DocId {
        let docs = self.block.docs();
        let freqs = self.block.freqs();
        let Some(&block_last) = docs.last() else {
            return self.doc();
        };
        for i in self.cur..docs.len() {
            let doc = docs[i];
            if doc > last || weight.score(norms.fieldnorm_id(doc), freqs[i]) > threshold {
                self.cur = i;
                return doc;
            }
        }
        // Every document left in the block was passed over.
        self.cur = docs.len() - 1;
        self.seek(block_last.saturating_add(1))
    }

    /// The last document of the current block.
    pub(crate) fn last_doc_in_block(&self) -> DocId {
        self.block.docs().last().copied().unwrap_or(TERMINATED)
    }

    /// The highest score `weight` gives a document of the current block, by Tantivy's
    /// stored maximum (exact when the segment was written with `weight`'s average field
    /// length) or, in the last block, by scoring its documents.
    pub(crate) fn block_max_score(
        &mut self,
        norms: &FieldNormReader,
        weight: &Bm25Weight,
    ) -> Score {
        self.block.block_max_score(norms, weight)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tantivy::postings::Postings;
    use tantivy::schema::{IndexRecordOption, STRING, Schema, TEXT};
    use tantivy::{DocSet, Index, IndexWriter, TantivyDocument, Term};

    use super::*;

    /// An index of `docs` documents in one segment; document `i` holds "w" `tfs[i]` times
    /// (not at all when 0).
    fn index(tfs: &[u32]) -> (Index, tantivy::schema::Field) {
        let mut builder = Schema::builder();
        let text = builder.add_text_field("text", TEXT);
        builder.add_text_field("id", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for &tf in tfs {
            let mut doc = TantivyDocument::new();
            let words = (0..tf).map(|_| "w").chain(["x"]).collect::<Vec<_>>();
            doc.add_text(text, words.join(" "));
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        (index, text)
    }

    proptest! {
        /// Walking with any mix of steps to the next document and seeks meets the documents
        /// and frequencies `SegmentPostings` meets; the block's last document is at or after
        /// the current one and every later document is in a later block; the block maximum
        /// under a weight of the segment's average field length bounds every document met in
        /// the block; a seek past every document, however far, ends the walk.
        #[test]
        fn walks_as_segment_postings(
            tfs in prop::collection::vec(prop_oneof![Just(0u32), 1u32..4], 1..700),
            steps in prop::collection::vec((any::<bool>(), 1u32..300), 1..60),
        ) {
            let (index, text) = index(&tfs);
            let searcher = index.reader().unwrap().searcher();
            let reader = searcher.segment_reader(0);
            let inverted = reader.inverted_index(text).unwrap();
            let term = Term::from_field_text(text, "w");
            let postings = inverted.read_postings(&term, IndexRecordOption::WithFreqs).unwrap();
            let Some(mut plain) = postings else {
                prop_assert!(tfs.iter().all(|&tf| tf == 0));
                return Ok(());
            };
            let block = inverted
                .read_block_postings(&term, IndexRecordOption::WithFreqs)
                .unwrap()
                .unwrap();
            let mut cursor = BlockCursor::new(block);
            let norms = reader.fieldnorms_readers().get_field(text).unwrap().unwrap();
            let average = inverted.total_num_tokens() as Score / reader.max_doc() as Score;
            // Any weight (another word's rarity, a boost) with the same average field length.
            let weight = Bm25Weight::for_one_term(1, tfs.len() as u64, average).boost_by(2.5);
            for (seek, by) in steps {
                prop_assert_eq!(cursor.doc(), plain.doc());
                if plain.doc() == TERMINATED {
                    break;
                }
                prop_assert_eq!(cursor.term_freq(), plain.term_freq());
                prop_assert_eq!(cursor.term_freq(), tfs[plain.doc() as usize]);
                let last = cursor.last_doc_in_block();
                prop_assert!(last >= cursor.doc());
                let score = weight.score(norms.fieldnorm_id(cursor.doc()), cursor.term_freq());
                prop_assert!(score <= cursor.block_max_score(&norms, &weight));
                if by % 7 == 0 {
                    // Passing over what cannot beat a threshold, up to a bound or the block's end.
                    let end = last.min(plain.doc() + by * 3);
                    // From nothing passed over to nearly the whole block.
                    let threshold =
                        cursor.block_max_score(&norms, &weight) * (by % 5) as Score * 0.25;
                    let mut expected = plain.doc();
                    while expected != TERMINATED
                        && expected <= end
                        && weight.score(norms.fieldnorm_id(expected), plain.term_freq()) <= threshold
                    {
                        expected = plain.advance();
                    }
                    prop_assert_eq!(
                        cursor.seek_beating(end, &norms, &weight, threshold),
                        expected
                    );
                } else if seek {
                    let target = plain.doc() + by;
                    prop_assert_eq!(cursor.seek(target), plain.seek(target));
                } else {
                    let next = plain.doc() + 1;
                    prop_assert_eq!(cursor.seek(next), plain.advance());
                }
                if cursor.doc() <= last {
                    prop_assert_eq!(cursor.last_doc_in_block(), last);
                } else if cursor.doc() != TERMINATED {
                    prop_assert!(cursor.last_doc_in_block() > last);
                }
            }
            prop_assert_eq!(cursor.seek(DocId::MAX), TERMINATED);
        }
    }
}
