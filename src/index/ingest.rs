//! Batch ingestion: read every input, analyse each document, and write the index as one
//! re-runnable job.
//!
//! Pipeline: one reading thread parses records (in input order, so a duplicate id is
//! always blamed on its later occurrence) and sends them in batches (at most
//! [`BATCH_DOCS`] documents, closed once they hold [`BATCH_BYTES`] of text: a hand-over
//! between threads costs a wake-up, which per document was a visible share of the time)
//! through a bounded channel to analysis workers, which compute the structure (counts,
//! speaker turns) and build the Tantivy documents; the calling thread classifies each
//! document against the last commit and writes it. Memory stays bounded by the channel
//! sizes, the batch size and the writer's budget; the only thing that grows with the
//! corpus is the set of ids seen in this run (to reject duplicates), a few dozen bytes per
//! document.
//!
//! Contract:
//! - the index is created when missing (not by a dry run, which writes nothing);
//! - an id already in the index is replaced (`delete_term` on `id`, then add); a document
//!   whose content hash is already committed is left alone and counted as unchanged;
//! - bad records are reported through [`ProgressSink::rejected`] and counted; the good
//!   ones are still indexed;
//! - the writer lock is taken before anything is read, so a concurrent second job fails
//!   at once with [`IndexError::Locked`];
//! - changes are committed every [`IngestOptions::commit_every`] documents and at the end:
//!   a killed run leaves the last commit searchable and running it again completes the
//!   job; with [`IngestOptions::strict`] there are no intermediate commits, and the first
//!   bad record rolls the whole run back.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use crossbeam_channel::{Receiver, Sender, bounded};
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexWriter, Searcher, TantivyDocument, Term};

use super::error::is_disk_full;
use super::store::document_to_tantivy;
use super::{Fields, IndexError, IndexStore, ProgressSink, build_schema};
use crate::corpus::{
    ColumnMap, CorpusError, CorpusReader, FieldDefaults, Format, IdPrefix, RecordError,
    SourcedDocument, analyze_structure, expand_inputs, format_of,
};
use crate::error::Error;

/// Most worker threads a job starts, whatever it is asked for: more only add memory and
/// switching (each thread of a count or an ingest holds its own buffers).
pub const MAX_THREADS: usize = 256;

/// How an ingest job runs.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// The index directory (created when missing).
    pub index: PathBuf,
    /// CSV column mapping (`--map field=column`).
    pub columns: ColumnMap,
    /// The byte between the fields of every table (`--delimiter`); `None`: a comma for
    /// CSV, a tab for TSV.
    pub csv_delimiter: Option<u8>,
    /// Values for records that lack a field (`--set field=value`).
    pub defaults: FieldDefaults,
    /// Put before the id of every record (`--id-prefix`).
    pub id_prefix: Option<IdPrefix>,
    /// Validate and classify without writing anything.
    pub dry_run: bool,
    /// Stop at the first bad record and write nothing from this run.
    pub strict: bool,
    /// Commit after this many written documents (0: only at the end).
    pub commit_every: usize,
    /// Analysis workers and Tantivy indexing threads (0: one per core).
    pub threads: usize,
    /// Memory budget of the Tantivy writer, in bytes, shared by its threads.
    pub memory_budget: usize,
    /// Longest record accepted, in bytes (checked while reading; see
    /// [`crate::corpus::DEFAULT_MAX_RECORD_BYTES`]).
    pub max_record_bytes: usize,
    /// Start a paragraph at each speaker label found inside a paragraph (see
    /// [`crate::corpus::split_inline_labels`]); off, such labels are only reported
    /// ([`IngestReport::inline_labels`]).
    pub split_inline_labels: bool,
}

impl IngestOptions {
    /// Defaults for an index at `index`: all cores, a commit every 25,000 documents (each commit costs a segment flush; see benches/ingest.sh).
    pub fn new(index: impl Into<PathBuf>) -> IngestOptions {
        IngestOptions {
            index: index.into(),
            columns: ColumnMap::default(),
            csv_delimiter: None,
            defaults: FieldDefaults::default(),
            id_prefix: None,
            dry_run: false,
            strict: false,
            commit_every: 25_000,
            threads: 0,
            memory_budget: 256 * 1024 * 1024,
            max_record_bytes: crate::corpus::DEFAULT_MAX_RECORD_BYTES,
            split_inline_labels: false,
        }
    }
}

/// What an ingest job did (serialized as `ingest --json` prints it).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct IngestReport {
    /// Documents whose id was new to the index.
    pub ingested: u64,
    /// Documents that replaced an older version with the same id.
    pub updated: u64,
    /// Documents already in the index with the same content (not rewritten).
    pub unchanged: u64,
    /// Records rejected (each reported through the progress sink).
    pub rejected: u64,
    /// Bytes read from the inputs.
    pub bytes_read: u64,
    /// Commits made (intermediate ones included).
    pub commits: u64,
    /// Whether this job created the index.
    pub created: bool,
    /// Whether nothing was written (`--dry-run`).
    pub dry_run: bool,
    /// Documents in the index after the job (before it, for a dry run).
    pub documents_in_index: u64,
    /// Text files found in folders or globs without front matter, not read.
    pub skipped_files: Vec<PathBuf>,
    /// Whether this job would have created the index but accepted no document, and so
    /// left no index behind.
    pub discarded_empty_index: bool,
    /// Speaker labels found inside paragraphs of the documents read (accepted ones,
    /// unchanged included).
    pub inline_labels: InlineLabels,
    /// Where the replacing versions of the first [`REPLACED_LISTED`] updated documents were
    /// read, the least input places first (the same whatever the threads), as
    /// `FILE:LINE (id ID)`: an id reused by another source (row numbers of two tables, text
    /// files of one name in two folders) replaces a document without any error, so the
    /// caller can show which.
    pub replaced: Vec<String>,
}

/// How many updated documents [`IngestReport::replaced`] lists.
pub const REPLACED_LISTED: usize = 5;

/// Speaker labels inside paragraphs ([`crate::corpus::inline_label_breaks`]): turns run
/// together into one line, whose words stay in the turn of the paragraph's first speaker
/// unless they are split.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct InlineLabels {
    /// Labels found.
    pub labels: u64,
    /// Documents holding them.
    pub documents: u64,
    /// Whether each started a paragraph of its own ([`IngestOptions::split_inline_labels`]).
    pub split: bool,
    /// The document holding one that was read from the least input path and line (the
    /// same whatever the threads), as `FILE:LINE (id ID)`.
    pub first: Option<String>,
}

impl fmt::Display for IngestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ingested {}, updated {}, unchanged {}, rejected {}",
            self.ingested, self.updated, self.unchanged, self.rejected
        )
    }
}

/// A record ready to be written, or a rejected one.
enum Item {
    Ready(Box<Ready>),
    Rejected(RecordError),
}

struct Ready {
    id: String,
    /// Where the record was read (input, line).
    at: (String, usize),
    /// Speaker labels found inside its paragraphs.
    inline_labels: Option<usize>,
    content_hash: String,
    document: TantivyDocument,
}

/// Whether a document is new, a new version, or already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    New,
    Update,
    Unchanged,
}

/// Reads `inputs` (files, folders, globs, `-`) into the index of `options`.
pub fn ingest(
    inputs: &[PathBuf],
    options: &IngestOptions,
    progress: &dyn ProgressSink,
) -> Result<IngestReport, Error> {
    let input_set = expand_inputs(inputs)?;
    let total_bytes = input_set.total_bytes();
    let dir = options.index.as_path();
    let dir_existed = dir.exists();
    let existed = IndexStore::exists(dir);
    // What a folder that is not yet an index holds, so that an index this run creates but
    // leaves empty can be removed without touching anything else.
    let entries_before = match (existed, dir_existed) {
        (false, true) => Some(dir_entries(dir)?),
        _ => None,
    };
    let store = match (options.dry_run, existed) {
        (true, false) => None,
        (true, true) => Some(IndexStore::open(dir)?),
        (false, _) => Some(IndexStore::open_or_create(dir)?),
    };
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(MAX_THREADS);
    // The lock first: a concurrent job must fail before reading anything.
    let mut writer = match (&store, options.dry_run) {
        (Some(store), false) => {
            // Tantivy wants at least 15 MB per indexing thread and uses at most 8 threads.
            let writer_threads = threads.clamp(1, 8);
            let budget = options.memory_budget.max(writer_threads * 16 * 1024 * 1024);
            Some(store.writer(writer_threads, budget)?)
        }
        _ => None,
    };
    let fields = match &store {
        Some(store) => *store.fields(),
        None => Fields::from_schema(&build_schema()).map_err(|source| IndexError::Tantivy {
            dir: dir.to_path_buf(),
            source,
        })?,
    };
    let searcher = match &store {
        Some(store) => Some(store.reader()?.searcher()),
        None => None,
    };

    progress.start(total_bytes);
    let reader = CorpusReader::new(input_set.inputs, options.columns.clone())
        .csv_delimiter(options.csv_delimiter)
        .max_record_bytes(options.max_record_bytes)
        .defaults(options.defaults.clone())
        .id_prefix(options.id_prefix.clone());
    let bytes = reader.bytes_read();
    let mut report = IngestReport {
        skipped_files: input_set.skipped,
        created: !existed && !options.dry_run,
        dry_run: options.dry_run,
        inline_labels: InlineLabels {
            split: options.split_inline_labels,
            ..InlineLabels::default()
        },
        ..IngestReport::default()
    };
    let mut first_error: Option<RecordError> = None;
    let mut first_inline: Option<((String, usize), String)> = None;
    let mut replaced: BTreeSet<((String, usize), String)> = BTreeSet::new();
    let outcome: Result<(), IndexError> = std::thread::scope(|scope| {
        let (raw_tx, raw_rx) = bounded::<Vec<SourcedDocument>>(2 * threads);
        let (item_tx, item_rx) = bounded::<Vec<Item>>(2 * threads);
        {
            let item_tx = item_tx.clone();
            scope.spawn(move || read_records(reader, raw_tx, item_tx));
        }
        for _ in 0..threads {
            let (raw_rx, item_tx) = (raw_rx.clone(), item_tx.clone());
            let split = options.split_inline_labels;
            scope.spawn(move || analyse(&fields, split, raw_rx, item_tx));
        }
        drop((raw_rx, item_tx));
        let mut handled = 0u64;
        let mut since_commit = 0usize;
        'items: for item in item_rx.iter().flatten() {
            handled += 1;
            match item {
                Item::Rejected(error) => {
                    report.rejected += 1;
                    progress.rejected(&error);
                    if options.strict {
                        first_error = Some(error);
                        break 'items;
                    }
                }
                Item::Ready(ready) => {
                    let at = &ready.at;
                    if let Some(n) = ready.inline_labels {
                        let inline = &mut report.inline_labels;
                        inline.labels += n as u64;
                        inline.documents += 1;
                        // The least place, not the first to arrive: workers finish out of order.
                        if first_inline.as_ref().is_none_or(|(first, _)| at < first) {
                            first_inline = Some((at.clone(), ready.id.clone()));
                        }
                    }
                    let change = classify(searcher.as_ref(), &fields, &ready, dir)?;
                    match change {
                        Change::New => report.ingested += 1,
                        Change::Update => {
                            report.updated += 1;
                            if replaced.len() < REPLACED_LISTED
                                || replaced.last().is_some_and(|(last, _)| at < last)
                            {
                                replaced.insert((at.clone(), ready.id.clone()));
                                if replaced.len() > REPLACED_LISTED {
                                    replaced.pop_last();
                                }
                            }
                        }
                        Change::Unchanged => report.unchanged += 1,
                    }
                    if let (Some(writer), true) = (writer.as_mut(), change != Change::Unchanged) {
                        if change == Change::Update {
                            writer.delete_term(Term::from_field_text(fields.id, &ready.id));
                        }
                        if let Err(e) = writer.add_document(ready.document) {
                            return Err(writer_error(writer, dir, e));
                        }
                        since_commit += 1;
                        if !options.strict
                            && options.commit_every > 0
                            && since_commit >= options.commit_every
                        {
                            if let Err(e) = writer.commit() {
                                return Err(writer_error(writer, dir, e));
                            }
                            report.commits += 1;
                            since_commit = 0;
                        }
                    }
                }
            }
            progress.advance(handled, bytes.load(Ordering::Relaxed));
        }
        // Dropping the receiver stops the reading thread and the workers early (strict).
        drop(item_rx);
        if let (Some(writer), true) = (writer.as_mut(), since_commit > 0 && first_error.is_none()) {
            if let Err(e) = writer.commit() {
                return Err(writer_error(writer, dir, e));
            }
            report.commits += 1;
        }
        Ok(())
    });
    progress.finish();
    report.bytes_read = bytes.load(Ordering::Relaxed);
    let place = |((path, line), id): ((String, usize), String)| format!("{path}:{line} (id {id})");
    report.inline_labels.first = first_inline.map(place);
    report.replaced = replaced.into_iter().map(place).collect();
    if let Err(error) = outcome {
        return Err(error.into());
    }
    if let Some(error) = first_error {
        rollback(writer, dir)?;
        if !existed {
            // The index this run created holds nothing: remove it, and only it.
            drop((searcher, store));
            remove_created_index(dir, entries_before.as_ref())?;
        }
        return Err(CorpusError::Strict(error).into());
    }
    if let Some(writer) = writer {
        // Let background merges finish so the directory is left tidy.
        writer
            .wait_merging_threads()
            .map_err(|e| engine_error(dir, e))?;
    }
    if report.created && report.ingested + report.updated + report.unchanged == 0 {
        // Every record was rejected (or there were none): an empty index would only be
        // mistaken for a result, and the next run creates it anyway.
        drop((searcher, store));
        remove_created_index(dir, entries_before.as_ref())?;
        report.created = false;
        report.discarded_empty_index = true;
        return Ok(report);
    }
    report.documents_in_index = match &store {
        Some(store) => store.reader()?.searcher().num_docs(),
        None => 0,
    };
    if let (Some(store), false) = (&store, options.dry_run) {
        // Computed once here so that the first export from the new state reads it kept;
        // a failure only leaves that to the first reader.
        let _ = store.fingerprint();
    }
    Ok(report)
}

/// Why a record of `later` may repeat an id of `first`, when they are two inputs: a text
/// file's id is its name, and two tables may number their rows alike.
fn duplicate_hint(first: &str, later: &str) -> &'static str {
    if first == later {
        ""
    } else if format_of(Path::new(later)) == Some(Format::Text) {
        " (a text file's id is its name without extensions unless its front matter gives \
         `id:`)"
    } else {
        " (when two inputs number their records alike, ingest each with its own --id-prefix)"
    }
}

/// The reading thread: records in input order, duplicate ids within the run rejected.
fn read_records(
    reader: CorpusReader,
    raw_tx: Sender<Vec<SourcedDocument>>,
    item_tx: Sender<Vec<Item>>,
) {
    // Where each id of this run was first seen (input names are kept once).
    let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut batch: Vec<SourcedDocument> = Vec::with_capacity(BATCH_DOCS);
    let mut batch_bytes = 0;
    for record in reader {
        let sent = match record {
            Err(error) => item_tx.send(vec![Item::Rejected(error)]).is_ok(),
            Ok(sourced) => {
                if names.last() != Some(&sourced.path) {
                    names.push(sourced.path.clone());
                }
                let here = (names.len() - 1, sourced.line);
                match seen.get(&sourced.doc.id) {
                    Some(&(input, line)) => {
                        let error = RecordError::field(
                            &sourced.path,
                            sourced.line,
                            "id",
                            format!(
                                "duplicate id `{}` in this run (first at {}:{line}); the later record is rejected{}",
                                sourced.doc.id,
                                names[input],
                                duplicate_hint(&names[input], &sourced.path)
                            ),
                        );
                        item_tx.send(vec![Item::Rejected(error)]).is_ok()
                    }
                    None => {
                        seen.insert(sourced.doc.id.clone(), here);
                        batch_bytes += sourced.doc.text.len();
                        batch.push(sourced);
                        if batch.len() < BATCH_DOCS && batch_bytes < BATCH_BYTES {
                            true
                        } else {
                            batch_bytes = 0;
                            let full =
                                std::mem::replace(&mut batch, Vec::with_capacity(BATCH_DOCS));
                            raw_tx.send(full).is_ok()
                        }
                    }
                }
            }
        };
        if !sent {
            return;
        }
    }
    if !batch.is_empty() {
        let _ = raw_tx.send(batch);
    }
}

/// Documents handed from the reading thread to an analysis worker at once, at most.
const BATCH_DOCS: usize = 32;

/// Text a batch holds before it is handed over (one record may take it past this).
const BATCH_BYTES: usize = 1 << 20;

/// An analysis worker: structure and Tantivy document of each record.
fn analyse(
    fields: &Fields,
    split_inline_labels: bool,
    raw_rx: Receiver<Vec<SourcedDocument>>,
    item_tx: Sender<Vec<Item>>,
) {
    for batch in raw_rx {
        let items = batch
            .into_iter()
            .map(|sourced| {
                let mut doc = sourced.doc;
                let labels = if split_inline_labels {
                    crate::corpus::split_inline_labels(&doc.text).map(|(text, n)| {
                        doc.text = text;
                        n
                    })
                } else {
                    Some(crate::corpus::inline_label_breaks(&doc.text).len()).filter(|&n| n > 0)
                };
                let at = (sourced.path, sourced.line);
                let structure = analyze_structure(&doc);
                let content_hash = doc.content_hash();
                Item::Ready(Box::new(Ready {
                    document: document_to_tantivy(fields, &doc, &structure, &content_hash),
                    content_hash,
                    id: doc.id,
                    at,
                    inline_labels: labels,
                }))
            })
            .collect();
        if item_tx.send(items).is_err() {
            break;
        }
    }
}

/// Compares a document with the last commit.
fn classify(
    searcher: Option<&Searcher>,
    fields: &Fields,
    ready: &Ready,
    dir: &Path,
) -> Result<Change, IndexError> {
    let Some(searcher) = searcher else {
        return Ok(Change::New);
    };
    let count = |term: Term| {
        searcher
            .search(&TermQuery::new(term, IndexRecordOption::Basic), &Count)
            .map_err(|e| engine_error(dir, e))
    };
    // The content hash covers the id, so a committed hash means this very document.
    if count(Term::from_field_text(
        fields.content_hash,
        &ready.content_hash,
    ))? > 0
    {
        return Ok(Change::Unchanged);
    }
    if count(Term::from_field_text(fields.id, &ready.id))? > 0 {
        return Ok(Change::Update);
    }
    Ok(Change::New)
}

/// Undoes everything this run added to the index.
fn rollback(writer: Option<IndexWriter>, dir: &Path) -> Result<(), Error> {
    if let Some(mut writer) = writer {
        writer.rollback().map_err(|e| engine_error(dir, e))?;
    }
    Ok(())
}

/// The names in folder `dir`.
fn dir_entries(dir: &Path) -> Result<HashSet<OsString>, IndexError> {
    let io = |source| IndexError::Io {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::read_dir(dir)
        .map_err(io)?
        .map(|entry| entry.map(|e| e.file_name()).map_err(io))
        .collect()
}

/// Removes the index this run created in `dir`: the whole folder when it did not exist
/// before (`before` is `None`), else only the entries that were not in it.
fn remove_created_index(dir: &Path, before: Option<&HashSet<OsString>>) -> Result<(), IndexError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| IndexError::Io { path, source }
    };
    let Some(before) = before else {
        return std::fs::remove_dir_all(dir).map_err(io(dir));
    };
    for name in dir_entries(dir)?.difference(before) {
        let path = dir.join(name);
        if path.is_dir() {
            std::fs::remove_dir_all(&path).map_err(io(&path))?;
        } else {
            std::fs::remove_file(&path).map_err(io(&path))?;
        }
    }
    Ok(())
}

fn engine_error(dir: &Path, source: tantivy::TantivyError) -> IndexError {
    if is_disk_full(&source) {
        return IndexError::DiskFull {
            dir: dir.to_path_buf(),
            source,
        };
    }
    IndexError::Tantivy {
        dir: dir.to_path_buf(),
        source,
    }
}

/// The error of a failed write. When an indexing thread died, the writer only says it was
/// killed; preparing a commit joins the threads and returns the error that killed them
/// (the commit is not made), so the message can name it (a full disk, most often).
fn writer_error(writer: &mut IndexWriter, dir: &Path, error: tantivy::TantivyError) -> IndexError {
    if matches!(error, tantivy::TantivyError::ErrorInThread(_))
        && let Err(cause) = writer.prepare_commit()
    {
        return engine_error(dir, cause);
    }
    engine_error(dir, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_named_as_such() {
        let dir = Path::new("idx");
        let full =
            tantivy::TantivyError::from(std::io::Error::from(std::io::ErrorKind::StorageFull));
        let err = engine_error(dir, full);
        assert!(matches!(err, IndexError::DiskFull { .. }), "{err}");
        assert!(err.to_string().contains("keeps its last commit"), "{err}");
        let other =
            tantivy::TantivyError::from(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert!(matches!(
            engine_error(dir, other),
            IndexError::Tantivy { .. }
        ));
    }
    use crate::index::{DocFilter, NoProgress};
    use std::cell::RefCell;
    use std::fs;

    #[derive(Default)]
    struct Collect {
        rejected: RefCell<Vec<String>>,
        last: RefCell<(u64, u64)>,
        total: RefCell<Option<u64>>,
    }

    impl ProgressSink for Collect {
        fn start(&self, total_bytes: Option<u64>) {
            *self.total.borrow_mut() = total_bytes;
        }
        fn advance(&self, documents: u64, bytes_read: u64) {
            *self.last.borrow_mut() = (documents, bytes_read);
        }
        fn rejected(&self, error: &RecordError) {
            self.rejected.borrow_mut().push(error.to_string());
        }
    }

    fn record(id: &str, text: &str) -> String {
        format!(
            "{{\"id\":\"{id}\",\"date\":\"2017-09-05\",\"kind\":\"news\",\"source\":\"test\",\"text\":\"{text}\"}}\n"
        )
    }

    fn ids(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        IndexStore::open(dir)
            .unwrap()
            .for_each_document(&DocFilter::default(), |d| -> Result<(), IndexError> {
                out.push(d.doc.id);
                Ok(())
            })
            .unwrap();
        out.sort();
        out
    }

    #[test]
    fn a_duplicate_from_another_input_says_where_ids_come_from() {
        assert_eq!(duplicate_hint("a.jsonl", "a.jsonl"), "");
        assert!(duplicate_hint("a/note.md", "b/note.md").contains("front matter gives `id:`"));
        assert!(duplicate_hint("a/n.txt", "b/n.txt.gz").contains("its name"));
        assert!(duplicate_hint("tass.csv", "ria.csv").contains("--id-prefix"));
    }

    #[test]
    fn the_least_places_of_replacing_versions_are_listed() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a.jsonl"), tmp.path().join("b.jsonl"));
        let index = tmp.path().join("index");
        let records = |ids: std::ops::Range<usize>, text: &str| -> String {
            ids.map(|i| record(&format!("d{i}"), text)).collect()
        };
        fs::write(&a, records(0..8, "One.")).unwrap();
        let options = IngestOptions {
            threads: 2,
            ..IngestOptions::new(&index)
        };
        let first = ingest(std::slice::from_ref(&a), &options, &NoProgress).unwrap();
        assert!(first.replaced.is_empty());
        // b.jsonl replaces d6 and d7 (lines 1, 2) and a.jsonl, read second, d0..d5 (lines
        // 1..6) minus the unchanged d3; places sort by file, then line.
        let mut changed = records(0..3, "Two.") + &record("d3", "One.");
        changed += &records(4..6, "Two.");
        fs::write(&a, changed).unwrap();
        fs::write(&b, records(6..8, "Two.")).unwrap();
        let second = ingest(&[b.clone(), a.clone()], &options, &NoProgress).unwrap();
        assert_eq!(second.updated, 7);
        let at =
            |file: &Path, line: usize, id: &str| format!("{}:{line} (id {id})", file.display());
        assert_eq!(
            second.replaced,
            [
                at(&a, 1, "d0"),
                at(&a, 2, "d1"),
                at(&a, 3, "d2"),
                at(&a, 5, "d4"),
                at(&a, 6, "d5"),
            ]
        );
        assert_eq!(REPLACED_LISTED, 5);
    }

    #[test]
    fn new_updated_unchanged_and_rejected_are_counted() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("a.jsonl");
        let index = tmp.path().join("index");
        fs::write(&input, record("a", "One.") + &record("b", "Two.")).unwrap();
        let options = IngestOptions {
            threads: 2,
            ..IngestOptions::new(&index)
        };
        let first = ingest(std::slice::from_ref(&input), &options, &NoProgress).unwrap();
        assert_eq!(
            first.to_string(),
            "ingested 2, updated 0, unchanged 0, rejected 0"
        );
        assert!(first.created);
        assert_eq!(first.documents_in_index, 2);

        fs::write(
            &input,
            record("a", "One.")
                + &record("b", "Two, changed.")
                + "oops\n"
                + &record("c", "Three.")
                + &record("a", "Again."),
        )
        .unwrap();
        let sink = Collect::default();
        let second = ingest(std::slice::from_ref(&input), &options, &sink).unwrap();
        assert_eq!(
            second.to_string(),
            "ingested 1, updated 1, unchanged 1, rejected 2"
        );
        assert_eq!(second.documents_in_index, 3);
        assert_eq!(ids(&index), ["a", "b", "c"]);
        let rejected = sink.rejected.borrow();
        assert!(
            rejected[0].contains("a.jsonl:3: record: malformed JSON"),
            "{rejected:?}"
        );
        assert!(
            rejected[1].contains("a.jsonl:5: id: duplicate id `a`"),
            "{rejected:?}"
        );
        let size = fs::metadata(&input).unwrap().len();
        assert_eq!(*sink.total.borrow(), Some(size));
        assert_eq!(*sink.last.borrow(), (5, size));
    }

    #[test]
    fn documents_over_many_batches_are_all_written_and_rejections_counted() {
        // More documents than several batches hold, one of them past the batch's text
        // size, with a malformed line and a duplicate id among them: every good document
        // is written once, on one analysis thread and on three.
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("a.jsonl");
        let n = 3 * BATCH_DOCS + 5;
        let mut text = String::new();
        let mut expected = Vec::new();
        for k in 0..n {
            let id = format!("d{k:03}");
            if k == BATCH_DOCS + 1 {
                text.push_str("oops\n");
            }
            if k == 2 * BATCH_DOCS - 1 {
                text.push_str(&record("d000", "Again."));
            }
            let body = if k == 7 {
                "Long. ".repeat(BATCH_BYTES / 6 + 1)
            } else {
                format!("Text {k}.")
            };
            text.push_str(&record(&id, &body));
            expected.push(id);
        }
        fs::write(&input, text).unwrap();
        for threads in [1, 3] {
            let index = tmp.path().join(format!("index-{threads}"));
            let options = IngestOptions {
                threads,
                ..IngestOptions::new(&index)
            };
            let sink = Collect::default();
            let report = ingest(std::slice::from_ref(&input), &options, &sink).unwrap();
            assert_eq!(
                report.to_string(),
                format!("ingested {n}, updated 0, unchanged 0, rejected 2")
            );
            assert_eq!(report.documents_in_index, n as u64);
            assert_eq!(ids(&index), expected);
            assert_eq!(
                sink.last.borrow().0,
                n as u64 + 2,
                "every record was handled"
            );
        }
    }

    #[test]
    fn a_run_that_accepts_nothing_leaves_no_index_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("a.jsonl");
        fs::write(&input, record("a", "") + "not json\n").unwrap();
        let index = tmp.path().join("index");
        let options = IngestOptions::new(&index);
        let report = ingest(std::slice::from_ref(&input), &options, &NoProgress).unwrap();
        assert_eq!(report.rejected, 2);
        assert!(report.discarded_empty_index && !report.created);
        assert!(!index.exists(), "no empty index");

        // A folder that existed keeps what it held, and only that.
        fs::create_dir(&index).unwrap();
        fs::write(index.join("notes.txt"), "mine").unwrap();
        let report = ingest(std::slice::from_ref(&input), &options, &NoProgress).unwrap();
        assert!(report.discarded_empty_index);
        let left: Vec<_> = fs::read_dir(&index)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["notes.txt"]);

        // An index that already exists is never removed, even when this run adds nothing.
        let good = tmp.path().join("good.jsonl");
        fs::write(&good, record("g", "Good.")).unwrap();
        let existing = tmp.path().join("existing");
        let options = IngestOptions::new(&existing);
        ingest(std::slice::from_ref(&good), &options, &NoProgress).unwrap();
        let report = ingest(std::slice::from_ref(&input), &options, &NoProgress).unwrap();
        assert!(!report.discarded_empty_index);
        assert_eq!(report.documents_in_index, 1);
        assert_eq!(ids(&existing), ["g"]);
    }

    #[test]
    fn defaults_fill_fields_records_lack() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("a.jsonl");
        fs::write(
            &input,
            "{\"id\":\"a\",\"date\":\"2017-09-05\",\"text\":\"One.\"}\n",
        )
        .unwrap();
        let index = tmp.path().join("index");
        let options = IngestOptions {
            defaults: FieldDefaults::parse(&["kind=statement"]).unwrap(),
            ..IngestOptions::new(&index)
        };
        let report = ingest(std::slice::from_ref(&input), &options, &NoProgress).unwrap();
        assert_eq!(report.ingested, 1);
        let mut kinds = Vec::new();
        IndexStore::open(&index)
            .unwrap()
            .for_each_document(&DocFilter::default(), |d| -> Result<(), IndexError> {
                kinds.push(d.doc.kind);
                Ok(())
            })
            .unwrap();
        assert_eq!(kinds, [crate::document::Kind::Statement]);
    }

    #[test]
    fn strict_rolls_back_and_dry_run_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("a.jsonl");
        let index = tmp.path().join("index");
        fs::write(&input, record("a", "One.") + &record("b", "")).unwrap();
        let dry = IngestOptions {
            dry_run: true,
            ..IngestOptions::new(&index)
        };
        let report = ingest(std::slice::from_ref(&input), &dry, &NoProgress).unwrap();
        assert_eq!(
            report.to_string(),
            "ingested 1, updated 0, unchanged 0, rejected 1"
        );
        assert!(!index.exists(), "a dry run creates nothing");

        let strict = IngestOptions {
            strict: true,
            ..IngestOptions::new(&index)
        };
        let err = ingest(std::slice::from_ref(&input), &strict, &NoProgress).unwrap_err();
        assert!(err.to_string().contains("a.jsonl:2: text: empty"), "{err}");
        assert!(
            !index.exists(),
            "the index this run created is removed again"
        );

        fs::write(&input, record("a", "One.")).unwrap();
        ingest(
            std::slice::from_ref(&input),
            &IngestOptions::new(&index),
            &NoProgress,
        )
        .unwrap();
        fs::write(
            &input,
            record("z", "New.") + &record("a", "Changed.") + "{\n",
        )
        .unwrap();
        let err = ingest(std::slice::from_ref(&input), &strict, &NoProgress).unwrap_err();
        assert!(
            err.to_string()
                .contains("a.jsonl:3: record: malformed JSON"),
            "{err}"
        );
        assert_eq!(
            ids(&index),
            ["a"],
            "nothing from the strict run was written"
        );
        let kept = IndexStore::open(&index).unwrap();
        let mut texts = Vec::new();
        kept.for_each_document(&DocFilter::default(), |d| -> Result<(), IndexError> {
            texts.push(d.doc.text);
            Ok(())
        })
        .unwrap();
        assert_eq!(texts, ["One."]);
    }

    #[test]
    fn a_second_writer_is_locked_out_before_reading() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("a.jsonl");
        let index = tmp.path().join("index");
        fs::write(&input, record("a", "One.")).unwrap();
        let store = IndexStore::open_or_create(&index).unwrap();
        let _held = store.writer(1, 15_000_000).unwrap();
        let err = ingest(&[input], &IngestOptions::new(&index), &NoProgress).unwrap_err();
        assert!(
            matches!(err, Error::Index(IndexError::Locked { .. })),
            "{err}"
        );
    }

    #[test]
    fn periodic_commits_are_made() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("a.jsonl");
        let all: String = (0..25).map(|i| record(&format!("d{i}"), "Text.")).collect();
        fs::write(&input, all).unwrap();
        let options = IngestOptions {
            commit_every: 10,
            ..IngestOptions::new(tmp.path().join("index"))
        };
        let report = ingest(&[input], &options, &NoProgress).unwrap();
        assert_eq!((report.ingested, report.commits), (25, 3));
    }
}
