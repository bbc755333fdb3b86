//! Opening and creating an index directory, and moving documents in and out of it.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime as ChronoDateTime, NaiveDate};
use tantivy::collector::DocSetCollector;
use tantivy::directory::error::LockError;
use tantivy::directory::{MmapDirectory, OwnedBytes};
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{Field, OwnedValue};
use tantivy::{
    DateTime, DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument,
    TantivyError,
};

use super::doc_bytes::decode_apart;
use super::turns::{decode_turns, encode_turns};
use super::{
    DocBytesReader, DocFilter, Fields, IndexError, SCHEMA_VERSION, UnmatchedName, build_schema,
};
use crate::document::{DocStructure, Document, ParagraphTurn};
use crate::text::register_analyzers;

/// Name of the file that records the schema version inside an index directory.
const META_FILE: &str = "statemine.json";

/// Store blocks a reader for queries keeps decompressed (Tantivy's default): hits of
/// repeated or related queries often share blocks.
const DOC_STORE_CACHE_BLOCKS: usize = 100;

/// Store blocks a [`IndexStore::scan_reader`] keeps. Scanning threads take consecutive
/// documents, and a 16 KB block holds several short ones: the documents in progress at any
/// moment span a few blocks, even with a dozen threads.
const SCAN_CACHE_BLOCKS: usize = 4;

/// A document as stored in the index, with what ingest computed about it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDocument {
    /// The document exactly as ingested.
    pub doc: Document,
    /// Counts and speaker turns computed at ingest.
    pub structure: DocStructure,
    /// Hash of the ingested content.
    pub content_hash: String,
}

/// Settings of a new index: the document store is not compressed. Every search hit and
/// every document a theme count reads comes from the store; with LZ4 each read
/// decompressed a whole 16 KB block (18% of the instructions of a batch of queries with
/// snippets), for a store about 1.6 times smaller. An index created with compression
/// (before this choice) keeps it: Tantivy records the setting in the index.
fn index_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::None,
        ..Default::default()
    }
}

/// An open statemine index.
pub struct IndexStore {
    dir: PathBuf,
    index: Index,
    fields: Fields,
}

impl IndexStore {
    /// Opens the index at `dir`, creating the directory and an empty index when missing.
    pub fn open_or_create(dir: &Path) -> Result<IndexStore, IndexError> {
        if dir.join(META_FILE).exists() {
            return IndexStore::open(dir);
        }
        fs::create_dir_all(dir).map_err(|source| IndexError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let directory = MmapDirectory::open(dir).map_err(|e| IndexError::Tantivy {
            dir: dir.to_path_buf(),
            source: e.into(),
        })?;
        let index = Index::builder()
            .schema(build_schema())
            .settings(index_settings())
            .open_or_create(directory)
            .map_err(|source| IndexError::Tantivy {
                dir: dir.to_path_buf(),
                source,
            })?;
        write_meta(dir)?;
        IndexStore::from_index(dir, index)
    }

    /// Whether `dir` holds a statemine index (of any schema version).
    pub fn exists(dir: &Path) -> bool {
        dir.join(META_FILE).exists()
    }

    /// Whether `dir` holds a statemine index or a bare Tantivy one (its `meta.json`): a
    /// folder no output may be written into. The empty path is the current folder.
    pub fn holds_any_index(dir: &Path) -> bool {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        IndexStore::exists(dir) || dir.join("meta.json").is_file()
    }

    /// The nearest folder holding an index ([`IndexStore::holds_any_index`]) among the
    /// folders `path` lies in, if any.
    pub fn enclosing_index(path: &Path) -> Option<&Path> {
        path.ancestors()
            .skip(1)
            .find(|dir| IndexStore::holds_any_index(dir))
    }

    /// Opens an existing index, refusing a missing one or one of another schema version.
    /// An empty `statemine.json` (left by a crash before it was written atomically) is
    /// rewritten when the engine's schema is exactly this version's.
    pub fn open(dir: &Path) -> Result<IndexStore, IndexError> {
        let meta_path = dir.join(META_FILE);
        let meta = fs::read_to_string(&meta_path).map_err(|_| IndexError::NotFound {
            dir: dir.to_path_buf(),
        })?;
        if meta.trim().is_empty()
            && let Ok(index) = Index::open_in_dir(dir)
            && index.schema() == build_schema()
        {
            write_meta(dir)?;
            return IndexStore::from_index(dir, index);
        }
        let found = serde_json::from_str::<serde_json::Value>(&meta)
            .ok()
            .and_then(|v| v.get("schema_version").cloned())
            .map_or_else(|| "unreadable".to_string(), |v| v.to_string());
        if found != SCHEMA_VERSION.to_string() {
            return Err(IndexError::SchemaMismatch {
                dir: dir.to_path_buf(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        let index = open_engine(dir)?;
        IndexStore::from_index(dir, index)
    }

    fn from_index(dir: &Path, index: Index) -> Result<IndexStore, IndexError> {
        register_analyzers(&index);
        let fields =
            Fields::from_schema(&index.schema()).map_err(|source| IndexError::Tantivy {
                dir: dir.to_path_buf(),
                source,
            })?;
        Ok(IndexStore {
            dir: dir.to_path_buf(),
            index,
            fields,
        })
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The underlying Tantivy index (analyzers registered).
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Field handles.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// Wraps an engine error with this index's directory.
    pub fn engine_error(&self, source: TantivyError) -> IndexError {
        match source {
            TantivyError::LockFailure(LockError::LockBusy, _) => IndexError::Locked {
                dir: self.dir.clone(),
            },
            source if super::error::is_disk_full(&source) => IndexError::DiskFull {
                dir: self.dir.clone(),
                source,
            },
            source => IndexError::Tantivy {
                dir: self.dir.clone(),
                source,
            },
        }
    }

    /// The `--speaker` and `--source` names of `filter` that match no value in the index.
    pub fn unmatched_names(&self, filter: &DocFilter) -> Result<Vec<UnmatchedName>, IndexError> {
        // Most commands name no speaker or source: no reader to open for them.
        if filter.speakers.is_empty() && filter.sources.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader()?.searcher();
        filter
            .unmatched_names(&self.fields, &searcher)
            .map_err(|e| self.engine_error(e))
    }

    /// A reader that sees the last commit (reload it after committing).
    pub fn reader(&self) -> Result<IndexReader, IndexError> {
        self.reader_caching(DOC_STORE_CACHE_BLOCKS)
    }

    /// A reader for reading many stored documents in index order (counts, exports): it keeps
    /// few store blocks, since each is read once. Tantivy's default of 100 blocks, each a
    /// fresh allocation, cost a theme count a third of its page faults and 14% of its time.
    pub fn scan_reader(&self) -> Result<IndexReader, IndexError> {
        self.reader_caching(SCAN_CACHE_BLOCKS)
    }

    fn reader_caching(&self, blocks: usize) -> Result<IndexReader, IndexError> {
        self.index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(blocks)
            .try_into()
            .map_err(|e| self.engine_error(e))
    }

    /// Takes the writer lock; a second writer gets [`IndexError::Locked`].
    pub fn writer(&self, threads: usize, memory_budget: usize) -> Result<IndexWriter, IndexError> {
        self.index
            .writer_with_num_threads(threads.max(1), memory_budget)
            .map_err(|e| self.engine_error(e))
    }

    /// Converts a document and its structure to the indexed form.
    pub fn to_tantivy(&self, doc: &Document, structure: &DocStructure) -> TantivyDocument {
        document_to_tantivy(&self.fields, doc, structure, &doc.content_hash())
    }

    /// Reads the stored document at `address` of `searcher` (a searcher of this index).
    pub fn load(
        &self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> Result<StoredDocument, IndexError> {
        let (mut stored, turns) = self.load_deferring_turns(searcher, address)?;
        stored.structure.paragraphs = parse_turns(&stored.doc.id, &turns)?;
        Ok(stored)
    }

    /// Reads the stored document at `address` with its speaker turns left as stored: its
    /// `structure.paragraphs` is empty, and the turns come back in their stored form for
    /// [`parse_turns`]. Parsing them is a fifth of reading a document, and most documents
    /// of a theme count hold no match and need no turns.
    pub fn load_deferring_turns(
        &self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> Result<(StoredDocument, String), IndexError> {
        let values: StoredValues = searcher.doc(address).map_err(|e| self.engine_error(e))?;
        self.document_of(values)
    }

    /// A reader of the stored bytes of the documents of `searcher` (a searcher of this
    /// index), for [`IndexStore::load_bytes`].
    pub(crate) fn doc_bytes_reader(
        &self,
        searcher: &Searcher,
    ) -> Result<DocBytesReader, IndexError> {
        DocBytesReader::new(searcher, DOC_STORE_CACHE_BLOCKS).map_err(|e| self.engine_error(e))
    }

    /// Like [`IndexStore::doc_bytes_reader`], keeping as few store blocks as a
    /// [`IndexStore::scan_reader`]: for reading many documents in index or date order, from
    /// any number of threads at once (the block cache is shared, as Tantivy's own is).
    pub(crate) fn scan_doc_bytes_reader(
        &self,
        searcher: &Searcher,
    ) -> Result<DocBytesReader, IndexError> {
        DocBytesReader::new(searcher, SCAN_CACHE_BLOCKS).map_err(|e| self.engine_error(e))
    }

    /// The same as [`IndexStore::load_deferring_turns`], read through `reader`. Without
    /// `text` the document's text is neither copied nor validated and `doc.text` is empty:
    /// it is most of a long document's bytes.
    pub(crate) fn load_bytes(
        &self,
        reader: &DocBytesReader,
        address: DocAddress,
        text: bool,
    ) -> Result<(StoredDocument, String), IndexError> {
        let skip = (!text).then_some(self.fields.text);
        let values = reader
            .values(address, skip)
            .map_err(|e| self.engine_error(e))?
            .map_err(|reason| corrupt_document("", reason))?;
        self.document_of(StoredValues(values))
    }

    /// The stored bytes of the document at `address`, for [`IndexStore::load_apart`].
    pub(crate) fn doc_bytes(
        &self,
        reader: &DocBytesReader,
        address: DocAddress,
    ) -> Result<OwnedBytes, IndexError> {
        reader.bytes(address).map_err(|e| self.engine_error(e))
    }

    /// The document stored as `bytes` ([`IndexStore::doc_bytes`]) as
    /// [`IndexStore::load_bytes`] reads it, except that its text is returned apart,
    /// borrowed from `bytes` (`doc.text` is empty), and with `lean` its title, URL, tags,
    /// location and content hash are left empty too: what a theme count reads of a
    /// document it does not show.
    pub(crate) fn load_apart<'a>(
        &self,
        bytes: &'a [u8],
        lean: bool,
    ) -> Result<(StoredDocument, String, &'a str), IndexError> {
        let f = &self.fields;
        let unread = [f.title, f.url, f.tags, f.location, f.content_hash];
        let skip: &[Field] = if lean { &unread } else { &[] };
        let (values, text) =
            decode_apart(bytes, f.text, skip).map_err(|reason| corrupt_document("", reason))?;
        let (stored, turns) = self.document_of(StoredValues(values))?;
        Ok((stored, turns, text.unwrap_or_default()))
    }

    /// Builds a stored document from its values, moving the strings; the speaker turns stay
    /// unparsed (second value).
    fn document_of(&self, values: StoredValues) -> Result<(StoredDocument, String), IndexError> {
        let f = &self.fields;
        // First value of each field, by field id (every field here has one value, except
        // the tags); sized once (growing it a field at a time was 2% of a theme count).
        let n_slots = values
            .0
            .iter()
            .map(|(field, _)| field.field_id() as usize + 1);
        let mut slots: Vec<Option<OwnedValue>> = Vec::new();
        slots.resize_with(n_slots.max().unwrap_or(0), || None);
        let mut tags = Vec::new();
        for (field, value) in values.0 {
            if field == f.tags {
                if let OwnedValue::Str(tag) = value {
                    tags.push(tag);
                }
                continue;
            }
            slots[field.field_id() as usize].get_or_insert(value);
        }
        let mut take = |field: Field| slots.get_mut(field.field_id() as usize)?.take();
        let mut text = |field: Field| match take(field) {
            Some(OwnedValue::Str(s)) => s,
            _ => String::new(),
        };
        let id = text(f.id);
        let corrupt = |reason: String| corrupt_document(&id, reason);
        let title = text(f.title);
        let speaker = text(f.speaker);
        let source = text(f.source);
        let url = text(f.url);
        let body = text(f.text);
        let kind = text(f.kind);
        let lang = text(f.lang);
        let structure = text(f.structure);
        let content_hash = text(f.content_hash);
        let location = match take(f.location) {
            Some(OwnedValue::Str(s)) => Some(s),
            _ => None,
        };
        let date = match take(f.date) {
            Some(OwnedValue::Date(date)) => date_from_tantivy(date),
            _ => return Err(corrupt("no date".into())),
        };
        let mut number = |field: Field| match take(field) {
            Some(OwnedValue::U64(n)) => n,
            _ => 0,
        };
        let (n_words, n_sentences, n_paragraphs) = (
            number(f.n_words),
            number(f.n_sentences),
            number(f.n_paragraphs),
        );
        let kind = kind.parse().map_err(|e| corrupt(format!("{e}")))?;
        let lang = lang.parse().map_err(|e| corrupt(format!("{e}")))?;
        let stored = StoredDocument {
            doc: Document {
                id,
                date,
                title,
                speaker,
                source,
                kind,
                lang,
                url,
                text: body,
                tags,
                location,
            },
            structure: DocStructure {
                n_words,
                n_sentences,
                n_paragraphs,
                paragraphs: Vec::new(),
            },
            content_hash,
        };
        Ok((stored, structure))
    }

    /// Addresses of the documents selected by `filter` (its metadata and its text query),
    /// in index order.
    pub fn select(
        &self,
        reader: &IndexReader,
        filter: &DocFilter,
    ) -> Result<Vec<DocAddress>, IndexError> {
        let searcher = reader.searcher();
        let query = self.filter_query(filter, &searcher)?;
        let mut addresses: Vec<DocAddress> = searcher
            .search(&*query, &DocSetCollector)
            .map_err(|e| self.engine_error(e))?
            .into_iter()
            .collect();
        addresses.sort();
        match filter.one_version {
            Some(lang) => self.one_version_of_each_page(&searcher, addresses, lang),
            None => Ok(addresses),
        }
    }

    /// Calls `visit` with every stored document selected by `filter`, in index order.
    pub fn for_each_document<E>(
        &self,
        filter: &DocFilter,
        mut visit: impl FnMut(StoredDocument) -> Result<(), E>,
    ) -> Result<(), E>
    where
        E: From<IndexError>,
    {
        let reader = self.scan_reader()?;
        let searcher = reader.searcher();
        for address in self.select(&reader, filter)? {
            visit(self.load(&searcher, address)?)?;
        }
        Ok(())
    }
}

/// The speaker turns of the stored document `id`, from their stored form (see
/// [`IndexStore::load_deferring_turns`]).
pub fn parse_turns(id: &str, stored: &str) -> Result<Vec<ParagraphTurn>, IndexError> {
    decode_turns(stored).map_err(|e| corrupt_document(id, format!("structure: {e}")))
}

/// The error for a stored document `id` (`?` when it has none) that cannot be read back.
fn corrupt_document(id: &str, reason: String) -> IndexError {
    IndexError::CorruptDocument {
        id: if id.is_empty() { "?".into() } else { id.into() },
        reason,
    }
}

/// The stored values of one document as read from the doc store, by field and owned: read
/// straight into this form, their strings are moved into the [`StoredDocument`] (Tantivy's
/// own document type packs them, and they were copied out again).
struct StoredValues(Vec<(Field, OwnedValue)>);

impl DocumentDeserialize for StoredValues {
    fn deserialize<'de, D>(mut deserializer: D) -> Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let mut values = Vec::with_capacity(deserializer.size_hint());
        while let Some(entry) = deserializer.next_field::<OwnedValue>()? {
            values.push(entry);
        }
        Ok(StoredValues(values))
    }
}

/// Converts a document and its structure to the indexed form of the schema whose handles
/// are `f` (usable without an open index, e.g. to validate a dry run). `content_hash` is
/// [`Document::content_hash`], passed in so that ingest hashes each text once.
pub fn document_to_tantivy(
    f: &Fields,
    doc: &Document,
    structure: &DocStructure,
    content_hash: &str,
) -> TantivyDocument {
    let mut out = TantivyDocument::default();
    out.add_text(f.id, &doc.id);
    out.add_date(f.date, date_to_tantivy(doc.date));
    out.add_text(f.title, &doc.title);
    out.add_text(f.title_field(doc.lang), &doc.title);
    out.add_text(f.speaker, &doc.speaker);
    out.add_text(f.source, &doc.source);
    out.add_text(f.kind, doc.kind.as_str());
    out.add_text(f.lang, doc.lang.as_str());
    for tag in &doc.tags {
        out.add_text(f.tags, tag);
    }
    if let Some(location) = &doc.location {
        out.add_text(f.location, location);
    }
    out.add_text(f.url, &doc.url);
    out.add_text(f.text, &doc.text);
    out.add_text(f.text_field(doc.lang), &doc.text);
    out.add_u64(f.n_words, structure.n_words);
    out.add_u64(f.n_sentences, structure.n_sentences);
    out.add_u64(f.n_paragraphs, structure.n_paragraphs);
    out.add_text(f.content_hash, content_hash);
    out.add_text(f.structure, encode_turns(&structure.paragraphs));
    out
}

/// The engine's index in `dir`. An ingest or compact running beside may remove a segment
/// file between the engine reading its metadata and opening the segment, so a failed open
/// is tried twice more (after 50 and 100 ms) before it is reported; damaged metadata is
/// reported at once, briefly.
fn open_engine(dir: &Path) -> Result<Index, IndexError> {
    let mut attempt = 0;
    loop {
        match super::read_only::ReadOnlyTolerant::open(dir).and_then(Index::open) {
            Ok(index) => return Ok(index),
            Err(source @ tantivy::TantivyError::DataCorruption(_)) => {
                return Err(IndexError::Damaged {
                    dir: dir.to_path_buf(),
                    detail: crate::text::excerpt(&source.to_string(), 200).into_owned(),
                });
            }
            Err(_) if attempt < 2 => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(50 * attempt));
            }
            Err(source) => {
                return Err(IndexError::Tantivy {
                    dir: dir.to_path_buf(),
                    source,
                });
            }
        }
    }
}

/// Writes `statemine.json` (the schema version) into `dir`, whole or not at all: to a
/// temporary file in the folder, renamed over the old one.
fn write_meta(dir: &Path) -> Result<(), IndexError> {
    use std::io::Write;
    let meta_path = dir.join(META_FILE);
    let io = |source| IndexError::Io {
        path: meta_path.clone(),
        source,
    };
    let meta = serde_json::json!({ "schema_version": SCHEMA_VERSION });
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    writeln!(temp, "{meta}").map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(&meta_path).map_err(|e| io(e.error))?;
    Ok(())
}

/// A calendar date as the Tantivy date of its midnight UTC. Dates outside the range a
/// document may carry are clamped to it, so a filter bound such as `--from 0001-01-01`
/// (which no stored date precedes) neither overflows the stored nanoseconds nor selects
/// nothing.
pub(crate) fn date_to_tantivy(date: NaiveDate) -> DateTime {
    let date = date.clamp(crate::corpus::MIN_DATE, crate::corpus::MAX_DATE);
    let secs = date
        .and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp());
    DateTime::from_timestamp_secs(secs)
}

/// The calendar date (UTC) of a Tantivy date.
pub(crate) fn date_from_tantivy(date: DateTime) -> NaiveDate {
    ChronoDateTime::from_timestamp(date.into_timestamp_secs(), 0)
        .map_or(NaiveDate::MIN, |t| t.date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Kind, Lang};

    #[test]
    fn engine_errors_name_a_full_disk_and_a_held_lock() {
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::open_or_create(&dir.path().join("idx")).unwrap();
        let full = TantivyError::from(std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert!(matches!(
            store.engine_error(full),
            IndexError::DiskFull { .. }
        ));
        let other = TantivyError::from(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert!(matches!(
            store.engine_error(other),
            IndexError::Tantivy { .. }
        ));
    }

    fn sample() -> Document {
        Document {
            id: "d1".into(),
            date: NaiveDate::from_ymd_opt(2017, 9, 5).unwrap(),
            title: "Press statement".into(),
            speaker: "Vladimir Putin".into(),
            source: "kremlin.ru".into(),
            kind: Kind::PressConference,
            lang: Lang::En,
            url: "http://en.kremlin.ru/events/president/news/55535".into(),
            text: "Sanctions are useless.\nThey will eat grass.".into(),
            tags: vec!["korea".into()],
            location: Some("Xiamen".into()),
        }
    }

    #[test]
    fn a_document_round_trips_through_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::open_or_create(dir.path()).unwrap();
        let doc = sample();
        let structure = DocStructure {
            n_words: 7,
            n_sentences: 2,
            n_paragraphs: 2,
            paragraphs: vec![],
        };
        let mut writer = store.writer(1, 15_000_000).unwrap();
        writer
            .add_document(store.to_tantivy(&doc, &structure))
            .unwrap();
        writer.commit().unwrap();
        drop(writer);

        let reopened = IndexStore::open(dir.path()).unwrap();
        let mut seen = Vec::new();
        let filter = DocFilter {
            speakers: vec!["vladimir putin".into()],
            ..DocFilter::default()
        };
        reopened
            .for_each_document(&filter, |d| -> Result<(), IndexError> {
                seen.push(d);
                Ok(())
            })
            .unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].doc, doc);
        assert_eq!(seen[0].structure, structure);
        assert_eq!(seen[0].content_hash, doc.content_hash());
    }

    #[test]
    fn new_indexes_store_documents_uncompressed_and_older_compressed_ones_still_read() {
        let structure = DocStructure {
            n_words: 7,
            n_sentences: 2,
            n_paragraphs: 2,
            paragraphs: vec![],
        };
        let fresh = tempfile::tempdir().unwrap();
        let store = IndexStore::open_or_create(fresh.path()).unwrap();
        assert_eq!(
            store.index().settings().docstore_compression,
            tantivy::store::Compressor::None
        );
        // An index made before the choice: Tantivy's default LZ4 store.
        let older = tempfile::tempdir().unwrap();
        let index = Index::create_in_dir(older.path(), build_schema()).unwrap();
        assert_eq!(
            index.settings().docstore_compression,
            tantivy::store::Compressor::Lz4
        );
        fs::write(
            older.path().join(META_FILE),
            serde_json::json!({ "schema_version": SCHEMA_VERSION }).to_string(),
        )
        .unwrap();
        drop(index);
        let older_store = IndexStore::open(older.path()).unwrap();
        for store in [&store, &older_store] {
            let mut writer = store.writer(1, 15_000_000).unwrap();
            writer
                .add_document(store.to_tantivy(&sample(), &structure))
                .unwrap();
            writer.commit().unwrap();
        }
        let reopened = IndexStore::open(older.path()).unwrap();
        assert_eq!(
            reopened.index().settings().docstore_compression,
            tantivy::store::Compressor::Lz4
        );
        let mut texts = Vec::new();
        reopened
            .for_each_document(&DocFilter::default(), |d| -> Result<(), IndexError> {
                texts.push(d.doc.text);
                Ok(())
            })
            .unwrap();
        assert_eq!(texts, [sample().text]);
    }

    #[test]
    fn a_damaged_stored_document_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::open_or_create(dir.path()).unwrap();
        let f = store.fields();
        let mut writer = store.writer(1, 15_000_000).unwrap();
        // No date; a kind outside the vocabulary; speaker turns that are not JSON.
        let mut no_date = TantivyDocument::default();
        no_date.add_text(f.id, "no-date");
        let indexed = store.to_tantivy(&sample(), &DocStructure::default());
        let bad_kind = replace_text(&indexed, f.kind, "podcast");
        let bad_turns = replace_text(&indexed, f.structure, "{not json");
        for doc in [no_date, bad_kind, bad_turns] {
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let reader = store.reader().unwrap();
        let searcher = reader.searcher();
        let mut reasons = Vec::new();
        for address in store.select(&reader, &DocFilter::default()).unwrap() {
            match store.load(&searcher, address) {
                Err(IndexError::CorruptDocument { id, reason }) => {
                    reasons.push(format!("{id}: {reason}"))
                }
                other => panic!("expected a corrupt document, got {other:?}"),
            }
        }
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons[0].starts_with("no-date: no date"), "{reasons:?}");
        assert!(reasons[1].starts_with("d1: ") && reasons[1].contains("podcast"));
        assert!(reasons[2].starts_with("d1: structure:"), "{reasons:?}");
    }

    /// `doc` with the value of `field` replaced by `value`.
    fn replace_text(doc: &TantivyDocument, field: Field, value: &str) -> TantivyDocument {
        let mut out = TantivyDocument::default();
        for (f, v) in doc.field_values() {
            if f == field {
                out.add_text(f, value);
            } else {
                out.add_field_value(f, &OwnedValue::from(v));
            }
        }
        out
    }

    #[test]
    fn a_second_writer_is_refused_as_locked() {
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::open_or_create(dir.path()).unwrap();
        let _first = store.writer(1, 15_000_000).unwrap();
        let second = IndexStore::open(dir.path()).unwrap().writer(1, 15_000_000);
        assert!(matches!(second, Err(IndexError::Locked { .. })));
    }

    #[test]
    fn opening_a_missing_index_says_how_to_create_one() {
        let dir = tempfile::tempdir().unwrap();
        let err = IndexStore::open(&dir.path().join("nope")).err().unwrap();
        assert!(err.to_string().contains("statemine ingest"), "{err}");
    }
}
