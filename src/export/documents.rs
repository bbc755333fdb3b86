//! The stored documents of an index written back as JSON Lines (`statemine export`): a
//! subset to share, a corpus to move into an index of another version, a backup.
//!
//! Contract: one line per selected document, by date then id, each an object with the
//! fields `ingest` reads (`id, date, title, speaker, source, kind, lang, url, text`, then
//! `tags` and `location` when the document has them) and their stored values, the text
//! unchanged; ingesting the file therefore gives documents with the same content hashes
//! (a test checks the round trip). A file is written whole or not at all, with its
//! manifest; a writer (standard output) gets each line as it is produced.

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;

use super::atomic::{Staged, commit_pair};
use super::manifest::stage_manifest;
use super::{ExportError, ManifestContext, OutputInfo};
use crate::error::Error;
use crate::index::{DocFilter, IndexStore};

/// The fields of each line, in their order.
pub const DOCUMENT_FIELDS: [&str; 11] = [
    "id", "date", "title", "speaker", "source", "kind", "lang", "url", "text", "tags", "location",
];

/// Writes the documents `filter` selects to `out`, one JSON line each (`path` names `out`
/// in errors); returns how many. Documents go out whole: the paragraph and turn parts of
/// the filter are not applied.
pub fn write_documents_to(
    store: &IndexStore,
    filter: &DocFilter,
    out: &mut impl Write,
    path: &Path,
) -> Result<usize, Error> {
    let io = |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let reader = store.scan_reader()?;
    let searcher = reader.searcher();
    let mut addresses = store.select(&reader, filter)?;
    store.date_id_order(&searcher, &mut addresses)?;
    let mut line = Vec::new();
    for &address in &addresses {
        let stored = store.load(&searcher, address)?;
        line.clear();
        serde_json::to_writer(&mut line, &stored.doc).map_err(|e| io(e.into()))?;
        line.push(b'\n');
        out.write_all(&line).map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(addresses.len())
}

/// Writes the documents `filter` selects to the file `path` (`.jsonl`, or `.jsonl.gz`
/// compressed) and its manifest beside it, replacing both as a pair; returns how many
/// documents it holds.
pub fn write_documents(
    store: &IndexStore,
    filter: &DocFilter,
    path: &Path,
    context: &ManifestContext,
) -> Result<usize, Error> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let gzip = name.ends_with(".gz");
    let plain = name.strip_suffix(".gz").unwrap_or(&name);
    if !(plain.ends_with(".jsonl") || plain.ends_with(".ndjson")) {
        return Err(ExportError::DocumentsPath {
            path: path.to_path_buf(),
        }
        .into());
    }
    let mut staged = Staged::create(path)?;
    let documents = if gzip {
        let mut encoder = GzEncoder::new(&mut staged, Compression::default());
        let n = write_documents_to(store, filter, &mut encoder, path)?;
        encoder.finish().map_err(|source| ExportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        n
    } else {
        write_documents_to(store, filter, &mut staged, path)?
    };
    let info = OutputInfo {
        path: path.display().to_string(),
        format: if gzip { "jsonl.gz" } else { "jsonl" }.into(),
        rows: documents,
        columns: DOCUMENT_FIELDS.iter().map(|f| f.to_string()).collect(),
    };
    let manifest = stage_manifest(path, &context.manifest(info))?;
    commit_pair(staged, manifest)?;
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{IngestOptions, NoProgress, ingest};

    const RECORDS: &str = concat!(
        r#"{"id":"b","date":"2017-09-06","title":"T \"q\"","speaker":"Maria Zakharova","source":"mid.ru","kind":"briefing","lang":"en","url":"u","text":"One.\n\nTwo, with a tab\there.","tags":["korea","dprk"],"location":"Moscow"}"#,
        "\n",
        r#"{"id":"a","date":"2017-09-06","kind":"news","text":"Санкции бесполезны.\nВторой абзац."}"#,
        "\n",
        r#"{"id":"c","date":"2016-01-01","kind":"speech","text":"Earlier."}"#,
        "\n",
    );

    fn index_in(dir: &Path, name: &str, input: &Path) -> IndexStore {
        let index = dir.join(name);
        ingest(
            &[input.to_path_buf()],
            &IngestOptions::new(&index),
            &NoProgress,
        )
        .unwrap();
        IndexStore::open(&index).unwrap()
    }

    /// An index in `dir` of the documents of [`RECORDS`].
    fn records_index(dir: &Path) -> IndexStore {
        let input = dir.join("in.jsonl");
        std::fs::write(&input, RECORDS).unwrap();
        index_in(dir, "first", &input)
    }

    #[test]
    fn documents_go_out_by_date_and_id_and_come_back_the_same() {
        let scratch = tempfile::tempdir().unwrap();
        let store = records_index(scratch.path());
        let out = scratch.path().join("out.jsonl");
        let context = ManifestContext::default();
        let n = write_documents(&store, &DocFilter::default(), &out, &context).unwrap();
        assert_eq!(n, 3);
        let text = std::fs::read_to_string(&out).unwrap();
        let ids: Vec<String> = text
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
            .collect();
        assert_eq!(ids, ["\"c\"", "\"a\"", "\"b\""]);
        assert!(out.with_extension("jsonl.manifest.json").exists());
        // Compressed, the same lines.
        let packed = scratch.path().join("out.jsonl.gz");
        write_documents(&store, &DocFilter::default(), &packed, &context).unwrap();
        let mut unpacked = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(std::fs::File::open(&packed).unwrap()),
            &mut unpacked,
        )
        .unwrap();
        assert_eq!(unpacked, text);
        // The round trip: the same documents, so the same fingerprint.
        let again = index_in(scratch.path(), "second", &out);
        assert_eq!(
            store.fingerprint().unwrap().content_hash,
            again.fingerprint().unwrap().content_hash
        );
        let b = text.lines().nth(2).unwrap();
        assert!(
            b.contains(r#""tags":["korea","dprk"],"location":"Moscow""#),
            "{b}"
        );
    }

    #[test]
    fn a_filter_selects_and_other_extensions_are_refused() {
        let scratch = tempfile::tempdir().unwrap();
        let store = records_index(scratch.path());
        let filter = DocFilter {
            from: Some(chrono::NaiveDate::from_ymd_opt(2017, 1, 1).unwrap()),
            ..DocFilter::default()
        };
        let mut out = Vec::new();
        let n = write_documents_to(&store, &filter, &mut out, Path::new("-")).unwrap();
        assert_eq!(n, 2);
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 2);
        let err = write_documents(
            &store,
            &filter,
            &scratch.path().join("out.csv"),
            &ManifestContext::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("written as .jsonl"), "{err}");
    }
}
