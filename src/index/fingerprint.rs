//! The fingerprint of an index, recorded in every export's manifest: the document count
//! and a content hash, BLAKE3 of the sorted `id:content_hash` lines of every stored
//! document. It changes when any document is added, removed or changed, and does not
//! depend on index order or segment layout.
//!
//! Both fields are indexed whole (`STRING`: one term per document, the value itself), so the
//! pairs are read from the term dictionaries and postings of each segment, not from the
//! stored documents (whose decompression would cost as much as a theme count of the
//! whole index); a test compares the result with the stored values.
//!
//! Computing it still reads every id and hash term (about a tenth of a theme count of the
//! same index), so the result is kept in `fingerprint.json` in the index directory, beside
//! the state it was computed from: the id and delete opstamp of every segment. Segments
//! never change once written and deletions move a segment's delete opstamp, so an equal
//! state means equal documents, and the kept value is used only then. The file is written
//! whole or not at all (temporary file, rename); it is a cache: when it is missing,
//! unreadable, of another state or cannot be written (a read-only index), the fingerprint
//! is computed as before and nothing fails.

use std::io::Write;

use serde::{Deserialize, Serialize};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, IndexReader, Searcher, SegmentReader, TERMINATED};

use super::{DocFilter, IndexError, IndexStore};

/// The index a result was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexFingerprint {
    /// Index directory as given.
    pub path: String,
    /// Number of stored documents.
    pub n_documents: u64,
    /// BLAKE3 of the sorted `id:content_hash` lines.
    pub content_hash: String,
}

/// The file in the index directory that keeps the last fingerprint computed.
pub(crate) const CACHE_FILE: &str = "fingerprint.json";

/// Version of [`CACHE_FILE`]'s content (a kept value of another version is not used).
const CACHE_FORMAT: u32 = 1;

/// The content of [`CACHE_FILE`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Cached {
    format: u32,
    /// The state the fingerprint was computed from ([`segments_state`]).
    segments: Vec<(String, Option<u64>)>,
    n_documents: u64,
    content_hash: String,
}

/// The id and delete opstamp of every segment `searcher` reads, sorted by id.
fn segments_state(searcher: &Searcher) -> Vec<(String, Option<u64>)> {
    let mut state: Vec<(String, Option<u64>)> = searcher
        .segment_readers()
        .iter()
        .map(|s| (s.segment_id().uuid_string(), s.delete_opstamp()))
        .collect();
    state.sort_unstable();
    state
}

impl IndexStore {
    /// The fingerprint of every stored document (see the module header): the kept value
    /// when the index is in the state it was computed from, otherwise computed (and kept
    /// for the next call when the directory can be written).
    pub fn fingerprint(&self) -> Result<IndexFingerprint, IndexError> {
        let reader = self.scan_reader()?;
        let searcher = reader.searcher();
        let state = segments_state(&searcher);
        let path = self.dir().display().to_string();
        if let Some(kept) = self.kept_fingerprint(&state) {
            return Ok(IndexFingerprint {
                path,
                n_documents: kept.n_documents,
                content_hash: kept.content_hash,
            });
        }
        let (n_documents, content_hash) = self.compute_fingerprint(&reader, &searcher)?;
        // A cache: an index the process cannot write is counted as before.
        let _ = self.keep_fingerprint(Cached {
            format: CACHE_FORMAT,
            segments: state,
            n_documents,
            content_hash: content_hash.clone(),
        });
        Ok(IndexFingerprint {
            path,
            n_documents,
            content_hash,
        })
    }

    /// The kept fingerprint when it was computed from `state`.
    fn kept_fingerprint(&self, state: &[(String, Option<u64>)]) -> Option<Cached> {
        let bytes = std::fs::read(self.dir().join(CACHE_FILE)).ok()?;
        let kept: Cached = serde_json::from_slice(&bytes).ok()?;
        (kept.format == CACHE_FORMAT && kept.segments == state).then_some(kept)
    }

    /// Writes [`CACHE_FILE`] whole or not at all.
    fn keep_fingerprint(&self, kept: Cached) -> std::io::Result<()> {
        let mut temp = tempfile::Builder::new()
            .prefix(".fingerprint")
            .tempfile_in(self.dir())?;
        serde_json::to_writer(&mut temp, &kept)?;
        temp.write_all(b"\n")?;
        temp.persist(self.dir().join(CACHE_FILE))?;
        Ok(())
    }

    /// The document count and content hash of the documents `searcher` (of `reader`)
    /// reads, from their terms.
    fn compute_fingerprint(
        &self,
        reader: &IndexReader,
        searcher: &Searcher,
    ) -> Result<(u64, String), IndexError> {
        let fields = self.fields();
        // Per segment, each document's id and content hash.
        let mut values = Vec::new();
        for segment in searcher.segment_readers() {
            values.push((
                self.terms_by_doc(segment, fields.id)?,
                self.terms_by_doc(segment, fields.content_hash)?,
            ));
        }
        let mut lines = Vec::new();
        for address in self.select(reader, &DocFilter::default())? {
            let (ids, hashes) = &values[address.segment_ord as usize];
            let text = |terms: &[Option<String>]| {
                terms
                    .get(address.doc_id as usize)
                    .and_then(Option::as_deref)
                    .unwrap_or("")
                    .to_string()
            };
            lines.push(format!("{}:{}\n", text(ids), text(hashes)));
        }
        lines.sort_unstable();
        let mut hasher = blake3::Hasher::new();
        for line in &lines {
            hasher.update(line.as_bytes());
        }
        Ok((lines.len() as u64, hasher.finalize().to_hex().to_string()))
    }

    /// The term of `field` (indexed whole) of every document of `segment`, by document id
    /// (deleted documents included; `None`: no term).
    fn terms_by_doc(
        &self,
        segment: &SegmentReader,
        field: Field,
    ) -> Result<Vec<Option<String>>, IndexError> {
        let fail = |e: tantivy::TantivyError| self.engine_error(e);
        let mut by_doc = vec![None; segment.max_doc() as usize];
        let inverted = segment.inverted_index(field).map_err(fail)?;
        let mut terms = inverted.terms().stream().map_err(|e| fail(e.into()))?;
        while terms.advance() {
            let term = String::from_utf8_lossy(terms.key()).into_owned();
            let mut postings = inverted
                .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                .map_err(|e| fail(e.into()))?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                by_doc[doc as usize] = Some(term.clone());
                doc = postings.advance();
            }
        }
        Ok(by_doc)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::document::{DocStructure, Document, Kind, Lang};

    fn document(id: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            date: NaiveDate::from_ymd_opt(2017, 9, 5).unwrap(),
            title: "t".into(),
            speaker: "s".into(),
            source: "kremlin.ru".into(),
            kind: Kind::News,
            lang: Lang::En,
            url: String::new(),
            text: text.into(),
            tags: vec![],
            location: None,
        }
    }

    fn index_with(dir: &std::path::Path, docs: &[Document]) -> IndexStore {
        let store = IndexStore::open_or_create(dir).unwrap();
        let mut writer = store.writer(1, 15_000_000).unwrap();
        writer.delete_all_documents().unwrap();
        for doc in docs {
            writer
                .add_document(store.to_tantivy(doc, &DocStructure::default()))
                .unwrap();
        }
        writer.commit().unwrap();
        store
    }

    #[test]
    fn the_fingerprint_ignores_order_and_sees_changes() {
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        let (a, b) = (document("a", "first"), document("b", "second"));
        let forward = index_with(one.path(), &[a.clone(), b.clone()])
            .fingerprint()
            .unwrap();
        let backward = index_with(two.path(), &[b.clone(), a.clone()])
            .fingerprint()
            .unwrap();
        assert_eq!(forward.n_documents, 2);
        assert_eq!(forward.content_hash, backward.content_hash);
        let changed = document("b", "second, edited");
        let edited = index_with(two.path(), &[a, changed]).fingerprint().unwrap();
        assert_ne!(edited.content_hash, forward.content_hash);
    }

    /// The hash of the stored `id:content_hash` lines, read document by document.
    fn from_stored(store: &IndexStore) -> String {
        use tantivy::TantivyDocument;
        use tantivy::schema::Value;
        let reader = store.scan_reader().unwrap();
        let searcher = reader.searcher();
        let fields = store.fields();
        let mut lines = Vec::new();
        for address in store.select(&reader, &DocFilter::default()).unwrap() {
            let stored: TantivyDocument = searcher.doc(address).unwrap();
            let text = |field| {
                stored
                    .get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            lines.push(format!(
                "{}:{}\n",
                text(fields.id),
                text(fields.content_hash)
            ));
        }
        lines.sort_unstable();
        let mut hasher = blake3::Hasher::new();
        for line in &lines {
            hasher.update(line.as_bytes());
        }
        hasher.finalize().to_hex().to_string()
    }

    #[test]
    fn the_indexed_terms_give_the_stored_values_across_segments_and_deletions() {
        let dir = tempfile::tempdir().unwrap();
        let docs: Vec<Document> = (0..6)
            .map(|i| document(&format!("doc-{i}"), &format!("text ëü {i}")))
            .collect();
        let store = index_with(dir.path(), &docs[..3]);
        // A second segment, and a document replaced (deleted, then added again).
        let mut writer = store.writer(1, 15_000_000).unwrap();
        writer.delete_term(tantivy::Term::from_field_text(store.fields().id, "doc-1"));
        for doc in docs[3..].iter().chain([&document("doc-1", "edited")]) {
            writer
                .add_document(store.to_tantivy(doc, &DocStructure::default()))
                .unwrap();
        }
        writer.commit().unwrap();
        let store = IndexStore::open(dir.path()).unwrap();
        let fingerprint = store.fingerprint().unwrap();
        assert_eq!(fingerprint.n_documents, 6);
        assert_eq!(fingerprint.content_hash, from_stored(&store));
    }

    fn kept(dir: &std::path::Path) -> Cached {
        serde_json::from_slice(&std::fs::read(dir.join(CACHE_FILE)).unwrap()).unwrap()
    }

    #[test]
    fn the_kept_fingerprint_is_used_only_for_the_state_it_was_computed_from() {
        let dir = tempfile::tempdir().unwrap();
        let docs: Vec<Document> = (0..3)
            .map(|i| document(&format!("doc-{i}"), &format!("text {i}")))
            .collect();
        let store = index_with(dir.path(), &docs);
        let computed = store.fingerprint().unwrap();
        assert_eq!(kept(dir.path()).content_hash, computed.content_hash);
        assert_eq!(computed.content_hash, from_stored(&store));

        // The kept value is what a reader of the same state gets: a value planted in the
        // file comes back (so the terms were not read again).
        let mut planted = kept(dir.path());
        planted.content_hash = "planted".into();
        std::fs::write(
            dir.path().join(CACHE_FILE),
            serde_json::to_vec(&planted).unwrap(),
        )
        .unwrap();
        let reopened = IndexStore::open(dir.path()).unwrap();
        assert_eq!(reopened.fingerprint().unwrap().content_hash, "planted");

        // A deletion alone keeps the segments but moves their delete opstamp: the planted
        // value is not used and the file is replaced.
        let mut writer = store.writer(1, 15_000_000).unwrap();
        writer.delete_term(tantivy::Term::from_field_text(store.fields().id, "doc-1"));
        writer.commit().unwrap();
        let store = IndexStore::open(dir.path()).unwrap();
        let after_delete = store.fingerprint().unwrap();
        assert_eq!(after_delete.n_documents, 2);
        assert_eq!(after_delete.content_hash, from_stored(&store));
        assert_eq!(kept(dir.path()).content_hash, after_delete.content_hash);

        // A file that is not a kept fingerprint, or of another format, is computed around.
        for junk in [
            b"{ not json".to_vec(),
            serde_json::to_vec(&Cached {
                format: CACHE_FORMAT + 1,
                content_hash: "other format".into(),
                ..kept(dir.path())
            })
            .unwrap(),
        ] {
            std::fs::write(dir.path().join(CACHE_FILE), junk).unwrap();
            assert_eq!(store.fingerprint().unwrap(), after_delete);
        }
        // No temporary file is left beside it.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".fingerprint"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }
}
