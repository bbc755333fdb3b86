//! Removing documents from an index by id (`statemine remove`).
//!
//! Why: a wrong file ingested, or documents an analyst decides to leave out, would otherwise
//! need the whole index rebuilt.
//!
//! Contract: ids are matched exactly, as stored (trimmed at ingest). Ids the index does not
//! hold are reported; unless the caller accepts that (`missing_ok`), any such id stops the
//! job before anything is removed, so a mistyped id never passes for done. The removal is
//! one Tantivy commit, so an interruption leaves the index as it was; it takes the writer
//! lock like `ingest` does. A dry run checks and reports without writing. Removed documents
//! leave every count, search and fingerprint at once; their space is reclaimed when
//! segments merge (`statemine compact`).

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;
use tantivy::Term;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;

use super::{IndexError, IndexStore};

/// Heap for the writer: deleting indexes nothing, so Tantivy's minimum is enough.
const DELETE_MEMORY: usize = 16 * 1024 * 1024;

/// How a removal runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RemoveOptions {
    /// Remove the ids the index holds even when some are not in it.
    pub missing_ok: bool,
    /// Check and report without writing.
    pub dry_run: bool,
}

/// What a removal did (serialized as `remove --json` prints it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RemoveReport {
    /// Documents removed (or, in a dry run, that would be).
    pub removed: usize,
    /// Ids asked for that the index does not hold, sorted.
    pub missing: Vec<String>,
    /// Documents in the index afterwards (in a dry run: as it would be).
    pub documents: u64,
    /// Nothing was written.
    pub dry_run: bool,
}

impl RemoveReport {
    /// `2 ids are not in the index: A, zz`, when some are not.
    pub fn missing_summary(&self) -> Option<String> {
        (!self.missing.is_empty()).then(|| {
            format!(
                "{} not in the index: {}",
                count_ids(self.missing.len()),
                list_ids(&self.missing)
            )
        })
    }
}

/// `1 id is`, `2 ids are`.
pub(crate) fn count_ids(n: usize) -> String {
    if n == 1 {
        "1 id is".to_string()
    } else {
        format!("{n} ids are")
    }
}

/// The first ten ids, then how many more.
pub(crate) fn list_ids(ids: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut list = ids
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        list.push_str(&format!(" and {} more", ids.len() - SHOWN));
    }
    list
}

/// Removes the documents with the given `ids` from the index in `dir`.
///
/// Errors with [`IndexError::UnknownIds`] when some id is not in the index and
/// `options.missing_ok` is false; nothing is removed then.
pub fn remove_documents(
    dir: &Path,
    ids: &[String],
    options: RemoveOptions,
) -> Result<RemoveReport, IndexError> {
    let store = IndexStore::open(dir)?;
    let id_field = store.fields().id;
    let searcher = store.reader()?.searcher();
    let wanted: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    let mut present = Vec::new();
    let mut missing = Vec::new();
    let mut removed = 0;
    for &id in &wanted {
        let query = TermQuery::new(
            Term::from_field_text(id_field, id),
            IndexRecordOption::Basic,
        );
        // Live documents only: a document replaced by a later ingest leaves a deleted copy.
        let live = searcher
            .search(&query, &Count)
            .map_err(|e| store.engine_error(e))?;
        if live > 0 {
            present.push(id);
            removed += live;
        } else {
            missing.push(id.to_string());
        }
    }
    if !missing.is_empty() && !options.missing_ok {
        return Err(IndexError::UnknownIds {
            dir: dir.to_path_buf(),
            ids: missing,
        });
    }
    let before = searcher.num_docs();
    if !options.dry_run && !present.is_empty() {
        let mut writer = store.writer(1, DELETE_MEMORY)?;
        for id in &present {
            writer.delete_term(Term::from_field_text(id_field, id));
        }
        writer.commit().map_err(|e| store.engine_error(e))?;
        writer
            .wait_merging_threads()
            .map_err(|e| store.engine_error(e))?;
    }
    Ok(RemoveReport {
        removed,
        missing,
        documents: before - removed as u64,
        dry_run: options.dry_run,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{DocFilter, IngestOptions, NoProgress, ingest};

    fn index_of(ids: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
        let scratch = tempfile::tempdir().unwrap();
        let input = scratch.path().join("docs.jsonl");
        let lines: Vec<String> = ids
            .iter()
            .map(|id| {
                format!(
                    r#"{{"id":"{id}","date":"2017-09-05","text":"Sanctions are useless, said {id}.","lang":"en","kind":"news"}}"#
                )
            })
            .collect();
        std::fs::write(&input, lines.join("\n")).unwrap();
        let index = scratch.path().join("index");
        ingest(&[input], &IngestOptions::new(&index), &NoProgress).unwrap();
        (scratch, index)
    }

    fn stored_ids(index: &Path) -> Vec<String> {
        let store = IndexStore::open(index).unwrap();
        let mut ids = Vec::new();
        store
            .for_each_document(&DocFilter::default(), |stored| {
                ids.push(stored.doc.id.clone());
                Ok::<(), IndexError>(())
            })
            .unwrap();
        ids.sort();
        ids
    }

    fn strings(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn named_documents_leave_and_the_others_stay() {
        let (_scratch, index) = index_of(&["a", "b", "c"]);
        let fingerprint = IndexStore::open(&index).unwrap().fingerprint().unwrap();
        let report =
            remove_documents(&index, &strings(&["c", "a", "a"]), RemoveOptions::default()).unwrap();
        assert_eq!((report.removed, report.documents), (2, 1));
        assert_eq!(stored_ids(&index), ["b"]);
        let after = IndexStore::open(&index).unwrap().fingerprint().unwrap();
        assert_ne!(fingerprint.content_hash, after.content_hash);
        // Removed once, they are unknown the second time.
        let err = remove_documents(&index, &strings(&["a"]), RemoveOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("1 id is not in the index"), "{err}");
    }

    #[test]
    fn an_unknown_id_stops_the_job_unless_missing_ones_are_accepted() {
        let (_scratch, index) = index_of(&["a", "b"]);
        let err = remove_documents(
            &index,
            &strings(&["a", "zz", "A"]),
            RemoveOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("2 ids are not in the index") && err.contains("A, zz"),
            "{err}"
        );
        assert_eq!(stored_ids(&index), ["a", "b"], "nothing removed");
        let options = RemoveOptions {
            missing_ok: true,
            ..RemoveOptions::default()
        };
        let report = remove_documents(&index, &strings(&["a", "zz"]), options).unwrap();
        assert_eq!(report.missing, ["zz"]);
        assert_eq!(
            report.missing_summary().as_deref(),
            Some("1 id is not in the index: zz")
        );
        assert_eq!((report.removed, report.documents), (1, 1));
        assert_eq!(stored_ids(&index), ["b"]);
    }

    #[test]
    fn long_lists_of_ids_are_cut_after_ten() {
        let ids: Vec<String> = (0..12).map(|i| format!("d{i:02}")).collect();
        assert_eq!(
            list_ids(&ids),
            "d00, d01, d02, d03, d04, d05, d06, d07, d08, d09 and 2 more"
        );
        assert_eq!(count_ids(12), "12 ids are");
    }

    #[test]
    fn a_dry_run_reports_and_writes_nothing() {
        let (_scratch, index) = index_of(&["a", "b"]);
        let options = RemoveOptions {
            dry_run: true,
            ..RemoveOptions::default()
        };
        let report = remove_documents(&index, &strings(&["b"]), options).unwrap();
        assert_eq!(
            (report.removed, report.documents, report.dry_run),
            (1, 1, true)
        );
        assert_eq!(stored_ids(&index), ["a", "b"]);
    }
}
