//! The order analyses report documents in, known before any document is read.
//!
//! Contract: [`IndexStore::date_id_order`] sorts selected addresses by publication date,
//! then document id, then index order (the order of theme counts and their evidence), from
//! the `date` fast column and, per segment, either the term dictionary of `id` (a walk over
//! every id term of the segment, for selections of many of its documents) or the stored
//! id of each selected document (for a few: a count of one month of a large index must not
//! cost a walk over all of it); both give the same ids, the raw `id` term being the stored
//! value. A writer can then take documents in their output order and stream what they
//! produce instead of holding it all until a final sort.

use chrono::NaiveDate;
use tantivy::schema::{IndexRecordOption, OwnedValue};
use tantivy::{DocAddress, Searcher};

use super::doc_bytes::DocBytesReader;
use super::store::date_from_tantivy;
use super::{IndexError, IndexStore};

/// A segment's selected documents take their ids from the store when they are fewer than its
/// id terms divided by this: reading one stored document (its values but the text) cost
/// about as many instructions as eight steps of the term walk (callgrind, shared corpus:
/// 19,000 against 2,300).
const STORE_READ_STEPS: usize = 8;

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
        self.date_id_order_reading(searcher, addresses, |docs, terms| {
            docs.saturating_mul(STORE_READ_STEPS) < terms
        })
    }

    /// [`IndexStore::date_id_order`], the ids of a segment's selected documents read from
    /// the store when `from_store(selected documents, id terms)` says so.
    fn date_id_order_reading(
        &self,
        searcher: &Searcher,
        addresses: &mut Vec<DocAddress>,
        from_store: impl Fn(usize, usize) -> bool,
    ) -> Result<Vec<DateId>, IndexError> {
        let engine = |e| self.engine_error(e);
        let io = |e: std::io::Error| self.engine_error(e.into());
        let mut keys: Vec<Option<DateId>> = vec![None; addresses.len()];
        let mut stored: Option<DocBytesReader> = None;
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
            let date_of = |doc: u32| dates.first(doc).map_or(NaiveDate::MIN, date_from_tantivy);
            let inverted = segment.inverted_index(self.fields().id).map_err(engine)?;
            let n_terms = inverted.terms().num_terms();
            if from_store(docs.len(), n_terms) {
                let reader = match &mut stored {
                    Some(reader) => reader,
                    None => stored.insert(self.doc_bytes_reader(searcher)?),
                };
                for (key, address) in keys[from..to].iter_mut().zip(docs) {
                    let id = self.stored_id(reader, *address)?;
                    *key = id.map(|id| (date_of(address.doc_id), id));
                }
                continue;
            }
            let mut terms = inverted.terms().stream().map_err(io)?;
            while terms.advance() {
                // Block postings: no skip reader or position state to set up for the one
                // document an id term mostly has.
                let mut postings = inverted
                    .read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                    .map_err(io)?;
                while !postings.docs().is_empty() {
                    for &doc in postings.docs() {
                        if let Ok(at) = docs.binary_search_by_key(&doc, |a| a.doc_id) {
                            let id = String::from_utf8_lossy(terms.key()).into_owned();
                            keys[from + at] = Some((date_of(doc), id));
                        }
                    }
                    postings.advance();
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

    /// The stored id of the document at `address` (`None` when it has none: the caller
    /// reports the document as corrupt, as the term walk does).
    fn stored_id(
        &self,
        reader: &DocBytesReader,
        address: DocAddress,
    ) -> Result<Option<String>, IndexError> {
        let values = reader
            .values(address, Some(self.fields().text))
            .map_err(|e| self.engine_error(e))?
            .map_err(|reason| IndexError::CorruptDocument {
                id: format!("{}/{}", address.segment_ord, address.doc_id),
                reason,
            })?;
        Ok(values.into_iter().find_map(|(field, value)| match value {
            OwnedValue::Str(id) if field == self.fields().id => Some(id),
            _ => None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::document::{DocStructure, Document, Lang, test_document};
    use crate::index::DocFilter;

    fn document(id: &str, day: u32) -> Document {
        Document {
            id: id.into(),
            date: NaiveDate::from_ymd_opt(2017, 9, day).unwrap(),
            ..test_document(Lang::En, "t", &format!("text of {id}"))
        }
    }

    #[test]
    fn ids_from_the_store_order_as_ids_from_the_terms() {
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::open_or_create(dir.path()).unwrap();
        // Two segments, dates shared across them, ids out of order, and a document replaced
        // in the second (its first version deleted).
        let batches = [
            vec![("k", 5), ("b", 6), ("z", 5), ("a", 7), ("m", 6)],
            vec![("c", 5), ("b", 6), ("y", 4), ("aa", 6)],
        ];
        for batch in batches {
            let mut writer = store.writer(1, 15_000_000).unwrap();
            for (id, day) in batch {
                writer.delete_term(tantivy::Term::from_field_text(store.fields().id, id));
                writer
                    .add_document(store.to_tantivy(&document(id, day), &DocStructure::default()))
                    .unwrap();
            }
            writer.commit().unwrap();
        }
        let reader = store.scan_reader().unwrap();
        let searcher = reader.searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let selected = store.select(&reader, &DocFilter::default()).unwrap();
        assert_eq!(selected.len(), 8);
        let order = |from_store: fn(usize, usize) -> bool| {
            let mut addresses = selected.clone();
            let keys = store
                .date_id_order_reading(&searcher, &mut addresses, from_store)
                .unwrap();
            (keys, addresses)
        };
        let (by_terms, by_store) = (order(|_, _| false), order(|_, _| true));
        assert_eq!(by_terms, by_store);
        let ids: Vec<&str> = by_terms.0.iter().map(|(_, id)| id.as_str()).collect();
        assert_eq!(ids, ["y", "c", "k", "z", "aa", "b", "m", "a"]);
        // The default chooses per segment; the result is the same.
        let mut addresses = selected.clone();
        let keys = store.date_id_order(&searcher, &mut addresses).unwrap();
        assert_eq!((keys, addresses), by_terms);
    }
}
