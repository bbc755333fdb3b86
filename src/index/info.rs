//! A summary of an index: documents by source, kind, language and year, the date range,
//! the size on disk and the schema version.
//!
//! Contract: computed from the fast columns (`source`, `kind`, `lang`, `date`) of the live
//! documents, one pass per segment, never from the stored texts, so it costs the same for
//! an index of short news items as for one of long transcripts. Metadata values are the
//! raw values as ingested (original case); a document without a value counts under
//! [`NO_VALUE`].

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use tantivy::SegmentReader;

use super::store::date_from_tantivy;
use super::{IndexError, IndexStore, SCHEMA_VERSION};

/// The key under which documents without a value are counted, and the name every output
/// for people gives the empty group (trend tables, charts, `compare`, `search --by`).
pub const NO_VALUE: &str = "(unknown)";

/// How outputs for people show a group or metadata `value`: [`NO_VALUE`] for the empty one.
pub fn shown_value(value: &str) -> &str {
    if value.is_empty() { NO_VALUE } else { value }
}

/// Whether `name`, as given on a command line (any case, spaces around), names the empty
/// value ([`NO_VALUE`]).
pub fn names_no_value(name: &str) -> bool {
    name.trim().eq_ignore_ascii_case(NO_VALUE)
}

/// What an index holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexInfo {
    /// Live documents.
    pub documents: u64,
    /// Documents per source, by name.
    pub by_source: BTreeMap<String, u64>,
    /// Documents per kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Documents per language code.
    pub by_lang: BTreeMap<String, u64>,
    /// Documents per publication year.
    pub by_year: BTreeMap<i32, u64>,
    /// Earliest publication date, when there are documents.
    pub date_min: Option<NaiveDate>,
    /// Latest publication date, when there are documents.
    pub date_max: Option<NaiveDate>,
    /// Bytes of the index files on disk.
    pub size_bytes: u64,
    /// Schema version of the index.
    pub schema_version: u32,
    /// How the stored documents are compressed (`none` for indexes made by this version,
    /// `lz4` for older ones; see [`super::IndexStore`]).
    pub store_compression: String,
}

/// The name Tantivy writes in the index settings for `compressor` (`none`, `lz4`, ...).
fn compression_name(compressor: tantivy::store::Compressor) -> String {
    match serde_json::to_value(compressor) {
        Ok(serde_json::Value::String(name)) => name,
        _ => format!("{compressor:?}").to_lowercase(),
    }
}

/// Summarises the index at `dir`.
pub fn index_info(dir: &Path) -> Result<IndexInfo, IndexError> {
    let store = IndexStore::open(dir)?;
    let searcher = store.reader()?.searcher();
    let mut info = IndexInfo {
        documents: searcher.num_docs(),
        by_source: BTreeMap::new(),
        by_kind: BTreeMap::new(),
        by_lang: BTreeMap::new(),
        by_year: BTreeMap::new(),
        date_min: None,
        date_max: None,
        size_bytes: size_on_disk(dir)?,
        schema_version: SCHEMA_VERSION,
        store_compression: compression_name(store.index().settings().docstore_compression),
    };
    for segment in searcher.segment_readers() {
        for (field, counts) in [
            ("source", &mut info.by_source),
            ("kind", &mut info.by_kind),
            ("lang", &mut info.by_lang),
        ] {
            count_terms(segment, field, counts).map_err(|e| store.engine_error(e))?;
        }
        let dates = segment
            .fast_fields()
            .date("date")
            .map_err(|e| store.engine_error(e))?;
        for doc in segment.doc_ids_alive() {
            let Some(date) = dates.first(doc).map(date_from_tantivy) else {
                continue;
            };
            *info.by_year.entry(date.year()).or_default() += 1;
            info.date_min = Some(info.date_min.map_or(date, |d| d.min(date)));
            info.date_max = Some(info.date_max.map_or(date, |d| d.max(date)));
        }
    }
    Ok(info)
}

/// Adds the live documents of `segment` per value of the string column `field`.
fn count_terms(
    segment: &SegmentReader,
    field: &str,
    counts: &mut BTreeMap<String, u64>,
) -> Result<(), tantivy::TantivyError> {
    let Some(column) = segment.fast_fields().str(field)? else {
        // No document of this segment has the field.
        *counts.entry(NO_VALUE.to_string()).or_default() += u64::from(segment.num_docs());
        return Ok(());
    };
    let mut per_ord = vec![0u64; column.num_terms()];
    let mut missing = 0u64;
    for doc in segment.doc_ids_alive() {
        let mut any = false;
        for ord in column.term_ords(doc) {
            any = true;
            if let Some(count) = per_ord.get_mut(ord as usize) {
                *count += 1;
            }
        }
        if !any {
            missing += 1;
        }
    }
    let mut name = String::new();
    for (ord, &count) in per_ord.iter().enumerate() {
        if count == 0 {
            continue;
        }
        name.clear();
        column.ord_to_str(ord as u64, &mut name)?;
        let key = if name.is_empty() {
            NO_VALUE.to_string()
        } else {
            name.clone()
        };
        *counts.entry(key).or_default() += count;
    }
    if missing > 0 {
        *counts.entry(NO_VALUE.to_string()).or_default() += missing;
    }
    Ok(())
}

/// Bytes of the files directly in `dir` (a Tantivy directory is flat).
fn size_on_disk(dir: &Path) -> Result<u64, IndexError> {
    let io_error = |source| IndexError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut total = 0;
    for entry in fs::read_dir(dir).map_err(io_error)? {
        let metadata = entry.map_err(io_error)?.metadata().map_err(io_error)?;
        if metadata.is_file() {
            total += metadata.len();
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_value_is_shown_by_the_name_that_selects_it() {
        assert_eq!(shown_value(""), NO_VALUE);
        assert_eq!(shown_value("kremlin.ru"), "kremlin.ru");
        assert!(names_no_value(shown_value("")) && names_no_value(" (Unknown) "));
        assert!(!names_no_value("unknown"));
    }
    use crate::document::{DocStructure, Document, Kind, Lang};
    use tantivy::Term;

    fn doc(id: &str, date: (i32, u32, u32), source: &str, kind: Kind, lang: Lang) -> Document {
        Document {
            id: id.into(),
            date: NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
            title: String::new(),
            speaker: String::new(),
            source: source.into(),
            kind,
            lang,
            url: String::new(),
            text: "Text.".into(),
            tags: vec![],
            location: None,
        }
    }

    #[test]
    fn counts_live_documents_from_fast_columns() {
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::open_or_create(dir.path()).unwrap();
        let mut writer = store.writer(1, 15_000_000).unwrap();
        let docs = [
            doc("a", (2017, 9, 5), "kremlin.ru", Kind::News, Lang::En),
            doc("b", (2017, 1, 17), "mid.ru", Kind::Briefing, Lang::Ru),
            doc("c", (2016, 12, 31), "kremlin.ru", Kind::News, Lang::En),
            doc("d", (2018, 3, 1), "", Kind::Speech, Lang::En),
        ];
        for d in &docs {
            writer
                .add_document(store.to_tantivy(d, &DocStructure::default()))
                .unwrap();
        }
        writer.commit().unwrap();
        // A deleted document is not counted.
        writer.delete_term(Term::from_field_text(store.fields().id, "d"));
        writer.commit().unwrap();
        drop(writer);

        let info = index_info(dir.path()).unwrap();
        assert_eq!(info.documents, 3);
        let pairs = |m: &BTreeMap<String, u64>| {
            m.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(pairs(&info.by_source), ["kremlin.ru=2", "mid.ru=1"]);
        assert_eq!(pairs(&info.by_kind), ["briefing=1", "news=2"]);
        assert_eq!(pairs(&info.by_lang), ["en=2", "ru=1"]);
        assert_eq!(
            info.by_year.into_iter().collect::<Vec<_>>(),
            [(2016, 1), (2017, 2)]
        );
        assert_eq!(info.date_min, NaiveDate::from_ymd_opt(2016, 12, 31));
        assert_eq!(info.date_max, NaiveDate::from_ymd_opt(2017, 9, 5));
        assert!(info.size_bytes > 0);
        assert_eq!(info.schema_version, SCHEMA_VERSION);
        assert_eq!(info.store_compression, "none");
        assert_eq!(compression_name(tantivy::store::Compressor::Lz4), "lz4");
    }

    #[test]
    fn an_empty_source_counts_as_no_value() {
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::open_or_create(dir.path()).unwrap();
        let mut writer = store.writer(1, 15_000_000).unwrap();
        let d = doc("d", (2018, 3, 1), "", Kind::Speech, Lang::En);
        writer
            .add_document(store.to_tantivy(&d, &DocStructure::default()))
            .unwrap();
        writer.commit().unwrap();
        drop(writer);
        let info = index_info(dir.path()).unwrap();
        assert_eq!(info.by_source.get(NO_VALUE), Some(&1));
    }
}
