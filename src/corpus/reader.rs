//! The stream of records over all inputs of one run: each input opened in turn (gzip
//! sniffed), read by the reader of its format, every record validated.
//!
//! Contract: one record in memory at a time (a whole file for `.txt`/`.md`, which is one
//! record); a bad record, an unreadable input or a rejected CSV header is yielded as a
//! [`RecordError`] and reading continues with the next record or input; the bytes taken
//! from the inputs (compressed size for gzip) are counted for progress.

use std::ffi::OsStr;
use std::io::{BufRead, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::csv_input::CsvReader;
use super::jsonl::{JsonlReader, too_long};
use super::limit::DEFAULT_MAX_RECORD_BYTES;
use super::open::{open_input, wide_encoding};
use super::textfile::{file_stem, parse_text_file};
use super::{
    ColumnMap, FieldDefaults, Format, IdPrefix, Input, InputSource, RecordError, SourcedDocument,
};

type Records = Box<dyn Iterator<Item = Result<SourcedDocument, RecordError>> + Send>;

/// Records of every input, in input order.
pub struct CorpusReader {
    inputs: std::vec::IntoIter<Input>,
    columns: ColumnMap,
    csv_delimiter: Option<u8>,
    max_record_bytes: usize,
    defaults: Arc<FieldDefaults>,
    id_prefix: Option<IdPrefix>,
    bytes: Arc<AtomicU64>,
    current: Option<Records>,
}

impl CorpusReader {
    /// Reads `inputs` in order; CSV columns are mapped with `columns`.
    pub fn new(inputs: Vec<Input>, columns: ColumnMap) -> CorpusReader {
        CorpusReader {
            inputs: inputs.into_iter(),
            columns,
            csv_delimiter: None,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            defaults: Arc::default(),
            id_prefix: None,
            bytes: Arc::new(AtomicU64::new(0)),
            current: None,
        }
    }

    /// Rejects records longer than `bytes` (default [`DEFAULT_MAX_RECORD_BYTES`]), checked
    /// while reading, so no longer record is ever held in memory.
    pub fn max_record_bytes(mut self, bytes: usize) -> CorpusReader {
        self.max_record_bytes = bytes;
        self
    }

    /// Separates the fields of every table (CSV and TSV alike) by `delimiter`; `None` keeps
    /// a comma for CSV and a tab for TSV.
    pub fn csv_delimiter(mut self, delimiter: Option<u8>) -> CorpusReader {
        self.csv_delimiter = delimiter;
        self
    }

    /// Gives every record that lacks a field of `defaults` its value (`--set`).
    pub fn defaults(mut self, defaults: FieldDefaults) -> CorpusReader {
        self.defaults = Arc::new(defaults);
        self
    }

    /// Puts `prefix` before the id of every record (`--id-prefix`).
    pub fn id_prefix(mut self, prefix: Option<IdPrefix>) -> CorpusReader {
        self.id_prefix = prefix;
        self
    }

    /// A shared counter of the bytes read from the inputs so far.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        self.bytes.clone()
    }

    /// Opens `input` as a stream of records, or the one error that prevents reading it.
    fn open(&self, input: &Input) -> Result<Records, RecordError> {
        let name = input.name();
        let mut reader = open_input(input, self.bytes.clone())
            .map_err(|e| RecordError::record(&name, 1, format!("cannot open: {e}")))?;
        // A read error is reported here: a reader need not repeat it (a gzip decoder whose
        // header is cut short answers the next read with an empty end).
        let head = reader.fill_buf().map_err(|e| {
            RecordError::record(&name, 1, format!("read error, the input skipped: {e}"))
        })?;
        if let Some(encoding) = wide_encoding(head) {
            return Err(RecordError::record(
                &name,
                1,
                format!(
                    "the file is {encoding} text; statemine reads UTF-8: convert it (`iconv -f \
                     {encoding} -t UTF-8 FILE > NEW`, or save it from the spreadsheet as CSV \
                     UTF-8)"
                ),
            ));
        }
        match input.format {
            Format::Jsonl => Ok(Box::new(
                JsonlReader::new(name, reader, self.max_record_bytes)
                    .with_defaults(self.defaults.clone()),
            )),
            Format::Csv | Format::Tsv => {
                let delimiter = self.csv_delimiter.unwrap_or(match input.format {
                    Format::Tsv => b'\t',
                    _ => b',',
                });
                Ok(Box::new(CsvReader::new(
                    name,
                    reader,
                    &self.columns,
                    self.max_record_bytes,
                    delimiter,
                    self.defaults.clone(),
                )?))
            }
            Format::Text => {
                let mut bytes = Vec::new();
                let limit = self.max_record_bytes;
                reader
                    .take(limit as u64 + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| RecordError::record(&name, 1, format!("read error: {e}")))?;
                if bytes.len() > limit {
                    return Err(too_long(&name, 1, limit, None));
                }
                let stem = match &input.source {
                    InputSource::File(path) => path.file_name().map(file_stem).unwrap_or_default(),
                    InputSource::Memory { name, .. } => {
                        file_stem(OsStr::new(name.rsplit('/').next().unwrap_or(name)))
                    }
                    InputSource::Stdin => "stdin".to_string(),
                };
                Ok(Box::new(std::iter::once(parse_text_file(
                    &name,
                    &stem,
                    &bytes,
                    &self.defaults,
                ))))
            }
        }
    }
}

impl Iterator for CorpusReader {
    type Item = Result<SourcedDocument, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(records) = self.current.as_mut() {
                if let Some(item) = records.next() {
                    return Some(match (&self.id_prefix, item) {
                        (Some(prefix), Ok(sourced)) => prefix.apply(sourced),
                        (_, item) => item,
                    });
                }
                self.current = None;
            }
            let input = self.inputs.next()?;
            match self.open(&input) {
                Ok(records) => self.current = Some(records),
                Err(e) => {
                    // What could not be read still counts as processed for progress.
                    if let Some(size) = input.size {
                        self.bytes.fetch_add(size, Ordering::Relaxed);
                    }
                    return Some(Err(e));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::expand_inputs;
    use std::fs;

    #[test]
    fn mixed_inputs_stream_in_order_with_errors_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(
            root.join("a.jsonl"),
            "{\"id\":\"j1\",\"date\":\"2017-09-05\",\"kind\":\"news\",\"text\":\"x\"}\nnot json\n",
        )
        .unwrap();
        fs::write(
            root.join("b.csv"),
            "id,date,kind,body\nc1,05.09.2017,news,y\n",
        )
        .unwrap();
        fs::create_dir(root.join("notes")).unwrap();
        fs::write(
            root.join("notes/t1.md"),
            "---\ndate: Sept. 5, 2017\nkind: news\n---\nz\n",
        )
        .unwrap();
        let inputs = expand_inputs(&[root.join("a.jsonl"), root.join("b.csv"), root.join("notes")])
            .unwrap()
            .inputs;
        let total: u64 = inputs.iter().filter_map(|i| i.size).sum();
        let reader = CorpusReader::new(inputs, ColumnMap::parse(&["text=body"]).unwrap());
        let bytes = reader.bytes_read();
        let seen: Vec<String> = reader
            .map(|r| match r {
                Ok(d) => d.doc.id,
                Err(e) => format!("error line {}", e.line),
            })
            .collect();
        assert_eq!(seen, ["j1", "error line 2", "c1", "t1"]);
        assert_eq!(bytes.load(Ordering::Relaxed), total);
    }

    #[test]
    fn inputs_in_memory_read_like_files_gzip_included() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"id\":\"g\",\"date\":\"2017-09-05\",\"kind\":\"news\",\"text\":\"x\"}\n")
            .unwrap();
        let inputs = vec![
            Input::memory("mem.jsonl.gz", Format::Jsonl, gz.finish().unwrap()),
            Input::memory(
                "notes/t2.md",
                Format::Text,
                &b"---\ndate: 2017-09-05\nkind: news\n---\nz\n"[..],
            ),
            Input::memory(
                "bad.csv",
                Format::Csv,
                &b"id,date,kind,text\nx,someday,news,y\n"[..],
            ),
        ];
        let seen: Vec<String> = CorpusReader::new(inputs, ColumnMap::default())
            .map(|r| match r {
                Ok(d) => format!("{} {}:{}", d.doc.id, d.path, d.line),
                Err(e) => format!("{}:{}", e.path, e.line),
            })
            .collect();
        assert_eq!(seen, ["g mem.jsonl.gz:1", "t2 notes/t2.md:1", "bad.csv:2"]);
    }

    #[test]
    fn a_gzip_file_cut_inside_its_header_is_an_error_not_an_empty_input() {
        let dir = tempfile::tempdir().unwrap();
        let record = "{\"id\":\"j\",\"date\":\"2017-09-05\",\"kind\":\"news\",\"text\":\"x\"}\n";
        let packed = crate::corpus::open::tests::gzip(record.as_bytes());
        for cut in [2, 5, 9] {
            let path = dir.path().join(format!("cut{cut}.jsonl.gz"));
            fs::write(&path, &packed[..cut]).unwrap();
            let inputs = expand_inputs(&[path]).unwrap().inputs;
            let results: Vec<_> = CorpusReader::new(inputs, ColumnMap::default()).collect();
            assert_eq!(results.len(), 1, "cut at {cut}");
            let error = results[0].as_ref().unwrap_err().to_string();
            assert!(
                error.contains(&format!("cut{cut}.jsonl.gz:1:")) && error.contains("read error"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_rejected_csv_header_is_one_error_and_the_next_input_is_read() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.csv"), "id,date\nx,2017-09-05\n").unwrap();
        fs::write(
            dir.path().join("b.jsonl"),
            "{\"id\":\"j\",\"date\":\"2017-09-05\",\"kind\":\"news\",\"text\":\"x\"}\n",
        )
        .unwrap();
        let inputs = expand_inputs(&[dir.path().to_path_buf()]).unwrap().inputs;
        let results: Vec<_> =
            CorpusReader::new(inputs, ColumnMap::parse(&["text=content"]).unwrap()).collect();
        assert_eq!(results.len(), 2);
        assert_eq!(
            results[0].as_ref().unwrap_err().field.as_deref(),
            Some("text")
        );
        assert_eq!(results[1].as_ref().unwrap().doc.id, "j");
    }
}
