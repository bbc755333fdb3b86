//! The fingerprint of an index, recorded in every export's manifest: the document count
//! and a content hash, BLAKE3 of the sorted `id:content_hash` lines of every stored
//! document. It changes when any document is added, removed or changed, and does not
//! depend on index order or segment layout.

use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;
use tantivy::schema::Value;

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

impl IndexStore {
    /// The fingerprint of every stored document (see the module header); reads each one.
    pub fn fingerprint(&self) -> Result<IndexFingerprint, IndexError> {
        let reader = self.scan_reader()?;
        let searcher = reader.searcher();
        let fields = self.fields();
        let mut lines = Vec::new();
        for address in self.select(&reader, &DocFilter::default())? {
            let stored: TantivyDocument =
                searcher.doc(address).map_err(|e| self.engine_error(e))?;
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
        Ok(IndexFingerprint {
            path: self.dir().display().to_string(),
            n_documents: lines.len() as u64,
            content_hash: hasher.finalize().to_hex().to_string(),
        })
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
}
