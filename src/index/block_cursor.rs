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
                if seek {
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
