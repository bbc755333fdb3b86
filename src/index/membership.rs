//! Whether documents are in a filter's document set, asked document by document.
//!
//! Contract: `contains` answers as the filter's scorer holds the document; asked in
//! increasing order it moves one scorer forward (the engine's `seek_danger`, which does not
//! move past the document to the next member); a document before the last one asked starts
//! a new scorer. `lower` is a document no member precedes.

use tantivy::query::{Scorer, Weight};
use tantivy::{DocId, SegmentReader};

/// Whether documents are in a filter's document set. Asked in increasing order, each answer
/// moves the filter's scorer forward; a document before the last one asked (the next score
/// level of a prefix) starts a new scorer.
pub(crate) struct Membership<'a> {
    weight: &'a dyn Weight,
    reader: &'a SegmentReader,
    docs: Box<dyn Scorer>,
    /// No document before this one is in the set (`TERMINATED` when none is left, which
    /// every document asked about is before).
    lower: DocId,
    /// The last document asked for.
    last_asked: Option<DocId>,
}

impl<'a> Membership<'a> {
    pub(crate) fn new(
        weight: &'a dyn Weight,
        reader: &'a SegmentReader,
    ) -> tantivy::Result<Membership<'a>> {
        let docs = weight.scorer(reader, 1.0)?;
        Ok(Membership {
            weight,
            reader,
            lower: docs.doc(),
            docs,
            last_asked: None,
        })
    }

    /// Whether `doc` is in the set. The engine's `seek_danger` answers without moving past
    /// `doc` to the next member (a date range tells from the document's own value), which a
    /// conjunction relies on too.
    pub(crate) fn contains(&mut self, doc: DocId) -> tantivy::Result<bool> {
        if self.last_asked.is_some_and(|last| doc <= last) {
            self.docs = self.weight.scorer(self.reader, 1.0)?;
            self.lower = self.docs.doc();
        }
        self.last_asked = Some(doc);
        if doc < self.lower {
            return Ok(false);
        }
        Ok(match self.docs.seek_danger(doc) {
            tantivy::SeekDangerResult::Found => true,
            tantivy::SeekDangerResult::SeekLowerBound(lower) => {
                self.lower = lower;
                false
            }
        })
    }
}

impl Membership<'_> {
    /// No document before this one is in the set.
    pub(crate) fn lower(&self) -> DocId {
        self.lower
    }

    /// The last document asked for.
    pub(crate) fn last_asked(&self) -> Option<DocId> {
        self.last_asked
    }
}
