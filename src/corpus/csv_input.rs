//! CSV tables with a header row: one document per row, columns mapped to fields by a
//! [`ColumnMap`].
//!
//! Contract: rows are streamed one at a time; a row is reported at the line where it starts
//! (quoted fields may span lines); a mapped column missing from the header rejects the
//! whole file with one error on line 1 naming the field and the column; invalid UTF-8 in a
//! mapped column rejects that row naming the field (unmapped columns are never decoded).

use std::io::Read;

use super::record::RawRecord;
use super::{ColumnMap, RecordError, SourcedDocument};

/// Streams the rows of one CSV input.
pub(crate) struct CsvReader<R> {
    path: String,
    reader: ::csv::Reader<R>,
    columns: Vec<(&'static str, usize)>,
    row: ::csv::ByteRecord,
    done: bool,
}

impl<R: Read> CsvReader<R> {
    /// Reads the header of `reader` and resolves `map` against it.
    pub(crate) fn new(
        path: String,
        reader: R,
        map: &ColumnMap,
    ) -> Result<CsvReader<R>, RecordError> {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(reader);
        let header = reader.byte_headers().map_err(|e| {
            RecordError::record(&path, 1, format!("cannot read the CSV header: {e}"))
        })?;
        let header: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let name = String::from_utf8_lossy(name);
                // A UTF-8 byte order mark sticks to the first column name.
                let name = if i == 0 {
                    name.trim_start_matches('\u{feff}')
                } else {
                    &name
                };
                name.to_string()
            })
            .collect();
        let columns = map
            .resolve(&header)
            .map_err(|(field, reason)| RecordError::field(&path, 1, field, reason))?;
        Ok(CsvReader {
            path,
            reader,
            columns,
            row: ::csv::ByteRecord::new(),
            done: false,
        })
    }

    fn parse_row(&self, line: usize) -> Result<SourcedDocument, RecordError> {
        let mut raw = RawRecord::default();
        for &(field, index) in &self.columns {
            let Some(bytes) = self.row.get(index) else {
                continue;
            };
            let value = std::str::from_utf8(bytes).map_err(|e| {
                RecordError::field(
                    &self.path,
                    line,
                    field,
                    format!(
                        "invalid UTF-8 (byte 0x{:02x} at offset {} of the value)",
                        bytes[e.valid_up_to()],
                        e.valid_up_to()
                    ),
                )
            })?;
            // An empty cell is a missing value, as in a JSON record without the key.
            if !value.is_empty() {
                raw.set(field, value.to_string());
            }
        }
        let doc = raw.into_document(&self.path, line)?;
        Ok(SourcedDocument {
            doc,
            path: self.path.clone(),
            line,
        })
    }
}

impl<R: Read> Iterator for CsvReader<R> {
    type Item = Result<SourcedDocument, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.reader.read_byte_record(&mut self.row) {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                let line = self.row.position().map_or(0, |p| p.line() as usize);
                Some(self.parse_row(line))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                let reason = match e.kind() {
                    ::csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("row has {len} fields, the header has {expected_len}"),
                    _ => {
                        // Anything but a ragged row (an I/O error) ends this input.
                        self.done = true;
                        format!("read error, rest of the input skipped: {e}")
                    }
                };
                Some(Err(RecordError::record(&self.path, line.max(1), reason)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::open::decompress_if_gzip;
    use crate::corpus::open::tests::gzip;

    fn read(
        bytes: Vec<u8>,
        map: &[&str],
    ) -> Result<Vec<Result<SourcedDocument, RecordError>>, RecordError> {
        let reader = decompress_if_gzip(Box::new(std::io::Cursor::new(bytes))).unwrap();
        let map = ColumnMap::parse(map).unwrap();
        Ok(CsvReader::new("t.csv".into(), reader, &map)?.collect())
    }

    const TABLE: &str = "id,published,kind,content,tags\n\
        a,2017-09-05,news,\"First.\nSecond.\",korea;dprk\n\
        b,5 September 2017,speech,Only one.,\n";

    #[test]
    fn rows_become_documents_through_the_map() {
        let rows = read(TABLE.into(), &["date=published", "text=content"]).unwrap();
        let docs: Vec<_> = rows.into_iter().map(Result::unwrap).collect();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].doc.text, "First.\nSecond.");
        assert_eq!(docs[0].doc.tags, ["korea", "dprk"]);
        assert_eq!(docs[0].line, 2);
        assert_eq!(
            docs[1].line, 4,
            "the quoted newline moves the next row down"
        );
        assert_eq!(docs[1].doc.date.to_string(), "2017-09-05");
    }

    #[test]
    fn an_unknown_mapped_column_rejects_the_file() {
        let err = read(TABLE.into(), &["text=body"]).err().unwrap();
        assert!(
            err.to_string()
                .starts_with("t.csv:1: text: --map text=body: no column `body`"),
            "{err}"
        );
    }

    #[test]
    fn bad_rows_are_reported_and_reading_goes_on() {
        let mut table =
            b"id,date,kind,text\na,2017-09-05,news,ok\nb,2017-09-05,news\nc,2017-09-05,news,caf"
                .to_vec();
        table.extend([0xe9, b'\n']);
        table.extend(b"d,,news,no date\ne,2017-09-05,news,fine\n");
        let rows = read(table, &[]).unwrap();
        let messages: Vec<String> = rows
            .iter()
            .map(|r| match r {
                Ok(d) => format!("ok {}", d.doc.id),
                Err(e) => e.to_string(),
            })
            .collect();
        assert_eq!(messages[0], "ok a");
        assert_eq!(
            messages[1],
            "t.csv:3: record: row has 3 fields, the header has 4"
        );
        assert!(
            messages[2].starts_with("t.csv:4: text: invalid UTF-8"),
            "{}",
            messages[2]
        );
        assert_eq!(messages[3], "t.csv:5: date: missing");
        assert_eq!(messages[4], "ok e");
    }

    #[test]
    fn gzip_csv_reads_like_plain() {
        let rows = read(gzip(TABLE.as_bytes()), &["date=published", "text=content"]).unwrap();
        assert_eq!(rows.iter().filter(|r| r.is_ok()).count(), 2);
    }
}
