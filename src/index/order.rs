//! The order analyses report documents in, known before any document is read.
//!
//! Contract: [`IndexStore::date_id_order`] sorts selected addresses by publication date,
//! then document id, then index order (the order of theme counts and their evidence), from
//! the `date` fast column and the term dictionary of `id`, without reading a stored
//! document. A writer can then take documents in their output order and stream what they
//! produce instead of holding it all until a final sort.

use chrono::NaiveDate;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Searcher, TERMINATED};

use super::store::date_from_tantivy;
use super::{IndexError, IndexStore};

/// The sort key of one document: its date and id, as stored.
pub type DateId = (NaiveDate, String);

impl IndexStore {
    /// Sorts `addresses` (in index order, as [`IndexStore::select`] returns them) by date,
    /// then id, then index order, and returns the date and id of each, in the new order.
    pub fn date_id_order(
        &self,
        searcher: &Searcher,
        addresses: &mut Vec<DocAddress>,
    ) -> Result<Vec<DateId>, IndexError> {
        let engine = |e| self.engine_error(e);
        let io = |e: std::io::Error| self.engine_error(e.into());
        let mut keys: Vec<Option<DateId>> = vec![None; addresses.len()];
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            // The selected documents of this segment: a run of `addresses`, sorted by doc.
            let ord = ord as u32;
            let from = addresses.partition_point(|a| a.segment_ord < ord);
            let to = addresses.partition_point(|a| a.segment_ord <= ord);
            if from == to {
                continue;
            }
            let docs = &addresses[from..to];
            let dates = segment.fast_fields().date("date").map_err(engine)?;
            let inverted = segment.inverted_index(self.fields().id).map_err(engine)?;
            let mut terms = inverted.terms().stream().map_err(io)?;
            while terms.advance() {
                let mut postings = inverted
                    .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                    .map_err(io)?;
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    if let Ok(at) = docs.binary_search_by_key(&doc, |a| a.doc_id) {
                        let id = String::from_utf8_lossy(terms.key()).into_owned();
                        let date = dates.first(doc).map_or(NaiveDate::MIN, date_from_tantivy);
                        keys[from + at] = Some((date, id));
                    }
                    doc = postings.advance();
                }
            }
        }
        let mut keyed: Vec<(DateId, DocAddress)> = Vec::with_capacity(addresses.len());
        for (key, address) in keys.into_iter().zip(addresses.iter()) {
            let key = key.ok_or_else(|| IndexError::CorruptDocument {
                id: format!("{}/{}", address.segment_ord, address.doc_id),
                reason: "the document has no id term".into(),
            })?;
            keyed.push((key, *address));
        }
        // A stable sort: documents with the same date and id stay in index order.
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = Vec::with_capacity(keyed.len());
        addresses.clear();
        for (key, address) in keyed {
            addresses.push(address);
            out.push(key);
        }
        Ok(out)
    }
}
