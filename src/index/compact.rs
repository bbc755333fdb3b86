//! Merging the segments of an index into one (`statemine compact`).
//!
//! Why: an index built in many batches, or by several indexing threads, is a set of
//! segments; every query looks each of its terms up and opens its postings once per
//! segment. After a large ingest, one segment answers the same queries with less work.
//!
//! Contract: the documents, their stored fields and every query's matches are unchanged
//! (deleted documents are purged); the merge is one Tantivy commit, so an interruption
//! leaves the index as it was. It takes the writer lock like `ingest` does; an index of one
//! segment keeps its segment, and any files of segments left behind by an interrupted run
//! are removed.

use std::path::Path;

use serde::Serialize;

use super::{IndexError, IndexStore};

/// Heap for the writer: merging does not index, so Tantivy's minimum per thread is enough.
const MERGE_MEMORY: usize = 16 * 1024 * 1024;

/// What a compaction did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompactReport {
    /// Searchable segments before.
    pub segments_before: usize,
    /// Searchable segments after (1, or 0 for an empty index).
    pub segments_after: usize,
    /// Live documents.
    pub documents: u64,
}

/// Merges every segment of the index in `dir` into one.
pub fn compact(dir: &Path) -> Result<CompactReport, IndexError> {
    let store = IndexStore::open(dir)?;
    let segments = |store: &IndexStore| {
        store
            .index()
            .searchable_segment_ids()
            .map_err(|e| store.engine_error(e))
    };
    let before = segments(&store)?;
    // One segment is merged too when it holds removed documents: the merge is what drops
    // them from its files.
    let removed = store
        .index()
        .searchable_segment_metas()
        .map_err(|e| store.engine_error(e))?
        .iter()
        .any(|meta| meta.has_deletes());
    // The writer is opened even for one segment: its garbage collection removes the files
    // of segments an interrupted compact or ingest left behind after its commit.
    let mut writer = store.writer(1, MERGE_MEMORY)?;
    if before.len() > 1 || (before.len() == 1 && removed) {
        writer
            .merge(&before)
            .wait()
            .map_err(|e| store.engine_error(e))?;
    }
    writer
        .garbage_collect_files()
        .wait()
        .map_err(|e| store.engine_error(e))?;
    writer
        .wait_merging_threads()
        .map_err(|e| store.engine_error(e))?;
    // The merged segment is a new state: its fingerprint (the same value) is kept for
    // the next export; a failure only leaves that to the first reader.
    let _ = store.fingerprint();
    Ok(CompactReport {
        segments_before: before.len(),
        segments_after: segments(&store)?.len(),
        documents: store.reader()?.searcher().num_docs(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{IngestOptions, ingest};

    fn write_batch(dir: &Path, name: &str, ids: &[&str]) -> std::path::PathBuf {
        let path = dir.join(name);
        let lines: Vec<String> = ids
            .iter()
            .map(|id| {
                format!(
                    r#"{{"id":"{id}","date":"2017-09-0{}","title":"T {id}","text":"Sanctions are useless, said {id}.","lang":"en","source":"test","kind":"transcript"}}"#,
                    id.len() % 9 + 1
                )
            })
            .collect();
        std::fs::write(&path, lines.join("\n")).unwrap();
        path
    }

    #[test]
    fn segments_merge_into_one_and_documents_stay() {
        let scratch = tempfile::tempdir().unwrap();
        let index = scratch.path().join("index");
        for (n, ids) in [["a", "bb"], ["ccc", "dddd"], ["eeeee", "ffffff"]]
            .iter()
            .enumerate()
        {
            let input = write_batch(scratch.path(), &format!("batch{n}.jsonl"), ids);
            ingest(
                &[input],
                &IngestOptions::new(&index),
                &crate::index::NoProgress,
            )
            .unwrap();
        }
        let first = compact(&index).unwrap();
        assert!(first.segments_before >= 3, "{first:?}");
        assert_eq!((first.segments_after, first.documents), (1, 6));
        let store = IndexStore::open(&index).unwrap();
        let mut ids = Vec::new();
        store
            .for_each_document(&crate::index::DocFilter::default(), |stored| {
                ids.push(stored.doc.id.clone());
                Ok::<(), IndexError>(())
            })
            .unwrap();
        ids.sort();
        assert_eq!(ids, ["a", "bb", "ccc", "dddd", "eeeee", "ffffff"]);
        // Nothing left to merge: a second run changes nothing.
        let second = compact(&index).unwrap();
        assert_eq!((second.segments_before, second.segments_after), (1, 1));
    }

    #[test]
    fn one_segment_with_removed_documents_is_rewritten_without_them() {
        let scratch = tempfile::tempdir().unwrap();
        let index = scratch.path().join("index");
        let input = write_batch(scratch.path(), "batch.jsonl", &["a", "bb", "ccc", "dddd"]);
        ingest(
            &[input],
            &IngestOptions::new(&index),
            &crate::index::NoProgress,
        )
        .unwrap();
        compact(&index).unwrap();
        let ids = ["a".to_string(), "ccc".to_string()];
        crate::index::remove_documents(&index, &ids, crate::index::RemoveOptions::default())
            .unwrap();
        let deletes = || {
            let store = IndexStore::open(&index).unwrap();
            let metas = store.index().searchable_segment_metas().unwrap();
            (metas.len(), metas.iter().any(|m| m.has_deletes()))
        };
        assert_eq!(deletes(), (1, true));
        let report = compact(&index).unwrap();
        assert_eq!(
            (
                report.segments_before,
                report.segments_after,
                report.documents
            ),
            (1, 1, 2)
        );
        assert_eq!(deletes(), (1, false));
    }

    #[test]
    fn a_missing_index_is_an_error() {
        let scratch = tempfile::tempdir().unwrap();
        assert!(compact(&scratch.path().join("nothing")).is_err());
    }
}
