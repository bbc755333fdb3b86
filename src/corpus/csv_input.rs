//! CSV tables with a header row: one document per row, columns mapped to fields by a
//! [`ColumnMap`].
//!
//! Contract: rows are streamed one at a time; a row is reported at the line where it starts
//! (quoted fields may span lines); a mapped column missing from the header rejects the
//! whole file with one error on line 1 naming the field and the column; invalid UTF-8 in a
//! mapped column rejects that row naming the field (unmapped columns are never decoded); a
//! quoted field that is not closed where the CSV grammar requires (see [`super::csv_quotes`])
//! rejects its row as an unterminated quote, and the rows it would have swallowed are read
//! on their own. Fields are separated by a comma unless the caller gives another
//! delimiter (a tab for `.tsv`, `--delimiter` for any table). A header without a column for
//! a required field that has no default either rejects the file once (every row would be
//! rejected alike), naming all such fields, and the delimiter the table seems to use when
//! the whole header reads as one column holding another.

use std::io::{Cursor, Read};
use std::sync::Arc;

use super::csv_quotes::{BadQuote, QuoteTracker};
use super::jsonl::too_long;
use super::record::{REQUIRED, RawRecord, kind_hint};
use super::{ColumnMap, CorpusError, FieldDefaults, RecordError, SourcedDocument};

/// Streams the rows of one CSV input.
pub(crate) struct CsvReader<R> {
    path: String,
    reader: ::csv::Reader<QuoteTracker<R>>,
    columns: Vec<(&'static str, usize)>,
    /// Fields per row (the header's).
    width: usize,
    /// Added to the reader's line numbers (rows read again after a bad quote).
    line_offset: usize,
    row: ::csv::ByteRecord,
    /// Rows swallowed by a bad quoted field, read again before the rest of the input.
    reread: Option<Box<CsvReader<Cursor<Vec<u8>>>>>,
    /// Values for fields a row lacks.
    defaults: Arc<FieldDefaults>,
    done: bool,
}

impl<R: Read> CsvReader<R> {
    /// Reads the header of `reader`, a table whose fields are separated by `delimiter`, and
    /// resolves `map` against it; rows that lack a field get its value in `defaults`; a
    /// record longer than `max_record_bytes` ends the input with an error.
    pub(crate) fn new(
        path: String,
        reader: R,
        map: &ColumnMap,
        max_record_bytes: usize,
        delimiter: u8,
        defaults: Arc<FieldDefaults>,
    ) -> Result<CsvReader<R>, RecordError> {
        let mut reader = csv_reader(reader, true, max_record_bytes, delimiter);
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
        let header_end = reader.position().byte();
        reader.get_mut().release(header_end);
        let columns = map
            .resolve(&header)
            .map_err(|(field, reason)| RecordError::field(&path, 1, field, reason))?;
        let columns = check_required_columns(&header, columns, delimiter, &defaults)
            .map_err(|(fields, reason)| RecordError::field(&path, 1, &fields, reason))?;
        Ok(CsvReader {
            path,
            reader,
            columns,
            width: header.len(),
            line_offset: 0,
            row: ::csv::ByteRecord::new(),
            reread: None,
            defaults,
            done: false,
        })
    }

    /// The reader of rows swallowed by the bad quoted field that opened at `opened` in the
    /// record `start..end` read at `line`: the rest of the record after the line holding
    /// the opening quote.
    fn reread_after(
        &self,
        opened: u64,
        start: u64,
        end: u64,
        line: usize,
    ) -> Option<Box<CsvReader<Cursor<Vec<u8>>>>> {
        let tracker = self.reader.get_ref();
        let tail = tracker.raw(opened, end);
        let cut = tail.iter().position(|&b| b == b'\n')? + 1;
        let rest = tail[cut..].to_vec();
        if rest.is_empty() {
            return None;
        }
        let skipped = tracker.raw(start, opened + cut as u64);
        let newlines = skipped.iter().filter(|&&b| b == b'\n').count();
        Some(Box::new(CsvReader {
            path: self.path.clone(),
            reader: csv_reader(
                Cursor::new(rest),
                false,
                tracker.max_record_bytes(),
                tracker.delimiter(),
            ),
            columns: self.columns.clone(),
            width: self.width,
            // The re-read part's line 1 is the line after the opening quote's.
            line_offset: line + newlines - 1,
            row: ::csv::ByteRecord::new(),
            reread: None,
            defaults: self.defaults.clone(),
            done: false,
        }))
    }

    /// The input's line of the record starting at byte `start` of this reader's stream, by
    /// the line ends before it (`reported`, the CSV reader's count, when those bytes are
    /// gone).
    fn reader_line(&self, start: u64, reported: u64) -> usize {
        let line = self.reader.get_ref().line_of(start).unwrap_or(reported);
        line as usize + self.line_offset
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
        raw.fill_defaults(&self.defaults);
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
        if let Some(reread) = self.reread.as_mut() {
            match reread.next() {
                Some(item) => return Some(item),
                None => self.reread = None,
            }
        }
        if self.done {
            return None;
        }
        match self.reader.read_byte_record(&mut self.row) {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                let position = self.row.position();
                let start = position.map_or(0, |p| p.byte());
                let line = self.reader_line(start, position.map_or(0, |p| p.line()));
                let end = self.reader.position().byte();
                let bad = self.reader.get_mut().take_bad(start, end);
                let item = match bad {
                    Some((opened, kind)) => {
                        self.reread = self.reread_after(opened, start, end, line);
                        let reason = match kind {
                            BadQuote::Unterminated => {
                                "unterminated quote: the quoted field \
                                runs to the end of the input"
                            }
                            BadQuote::StrayAfterClose => {
                                "unterminated quote: a quoted field \
                                must close with `\"` before a comma or the end of the row \
                                (a quote inside it is written `\"\"`)"
                            }
                        };
                        Err(RecordError::record(&self.path, line.max(1), reason))
                    }
                    None if self.row.len() != self.width => Err(RecordError::record(
                        &self.path,
                        line.max(1),
                        format!(
                            "row has {} fields, the header has {}",
                            self.row.len(),
                            self.width
                        ),
                    )),
                    None => self.parse_row(line),
                };
                self.reader.get_mut().release(end);
                Some(item)
            }
            Err(e) => {
                if let Some(line) = self.reader.get_ref().too_long() {
                    // The reader cannot find where a record that long ends: stop here.
                    self.done = true;
                    let line = line as usize + self.line_offset;
                    let max = self.reader.get_ref().max_record_bytes();
                    let mut err = too_long(&self.path, line, max, None);
                    err.reason.push_str("; rest of the input skipped");
                    return Some(Err(err));
                }
                let line = e
                    .position()
                    .map_or(0, |p| self.reader_line(p.byte(), p.line()));
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

/// A CSV reader of `input` with the crate's default dialect but for `delimiter`; rows of
/// any width (the width is checked against the header's by [`CsvReader`]).
fn csv_reader<R: Read>(
    input: R,
    has_headers: bool,
    max_record_bytes: usize,
    delimiter: u8,
) -> ::csv::Reader<QuoteTracker<R>> {
    ::csv::ReaderBuilder::new()
        .has_headers(has_headers)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(QuoteTracker::new(input, max_record_bytes, delimiter))
}

/// Delimiters a table read with the wrong one may show in its header.
const OTHER_DELIMITERS: [(u8, &str); 4] = [(b',', ","), (b';', ";"), (b'\t', "tab"), (b'|', "|")];

/// Refuses a header without a column for some required field that has no default either:
/// every row would be rejected alike. When the header reads as one column holding another
/// delimiter, the message names it.
fn check_required_columns(
    header: &[String],
    columns: Vec<(&'static str, usize)>,
    delimiter: u8,
    defaults: &FieldDefaults,
) -> Result<Vec<(&'static str, usize)>, (String, String)> {
    let missing: Vec<&'static str> = REQUIRED
        .iter()
        .copied()
        .filter(|field| !columns.iter().any(|(f, _)| f == field))
        .filter(|field| !defaults.pairs().any(|(f, _)| f == *field))
        .collect();
    if missing.is_empty() {
        return Ok(columns);
    }
    // Named as the record errors name several fields: `id, date`.
    let fields = missing.join(", ");
    let (it, each) = if missing.len() > 1 {
        ("them", "each")
    } else {
        ("it", "it")
    };
    if let [only] = header
        && let Some((_, name)) = OTHER_DELIMITERS
            .iter()
            .find(|(d, _)| *d != delimiter && only.as_bytes().contains(d))
    {
        let shown: String = only.chars().take(60).collect();
        return Err((
            fields,
            format!(
                "no column for {it}: the header reads as the one column `{shown}`, so the \
                 table looks separated by `{name}`; give --delimiter '{name}'"
            ),
        ));
    }
    let quoted: Vec<String> = missing.iter().map(|f| format!("`{f}`")).collect();
    let mut reason = format!(
        "no column {} in the header (columns: {}); read {each} from a column with --map \
         {}=COLUMN",
        or_list(&quoted),
        header.join(", "),
        if missing.len() > 1 {
            "FIELD"
        } else {
            missing[0]
        },
    );
    let settable: Vec<&str> = missing
        .iter()
        .copied()
        .filter(|f| matches!(*f, "date" | "kind"))
        .collect();
    if !settable.is_empty() {
        reason.push_str(&format!(
            ", or give {} one value for every row with --set {}=VALUE",
            or_list(&settable),
            if settable.len() > 1 {
                "FIELD"
            } else {
                settable[0]
            },
        ));
        if settable.contains(&"kind") {
            reason.push_str(&kind_hint());
        }
    }
    Err((fields, reason))
}

/// `a`, `a or b`, `a, b or c`.
fn or_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => format!(
            "{} or {}",
            rest.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// The delimiter written in `--delimiter`: one ASCII character other than a quote or a line
/// end, or `tab` (also `\t`).
pub fn parse_delimiter(text: &str) -> Result<u8, CorpusError> {
    let bad = |reason: &str| CorpusError::BadDelimiter {
        text: format!(
            "'{}'",
            text.chars()
                .map(|c| if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                })
                .collect::<String>()
        ),
        reason: reason.to_string(),
    };
    match text {
        "tab" | "\\t" | "\t" => return Ok(b'\t'),
        _ => {}
    }
    match text.as_bytes() {
        [b'"' | b'\n' | b'\r'] => Err(bad("it quotes or ends fields, so it cannot separate them")),
        [byte] if byte.is_ascii() => Ok(*byte),
        _ => Err(bad("expected one ASCII character, or `tab`")),
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
        read_with(bytes, map, b',')
    }

    fn read_with(
        bytes: Vec<u8>,
        map: &[&str],
        delimiter: u8,
    ) -> Result<Vec<Result<SourcedDocument, RecordError>>, RecordError> {
        read_full(bytes, map, delimiter, &[])
    }

    /// Reads `bytes` with `map`, `delimiter` and the `--set` defaults `set`.
    fn read_full(
        bytes: Vec<u8>,
        map: &[&str],
        delimiter: u8,
        set: &[&str],
    ) -> Result<Vec<Result<SourcedDocument, RecordError>>, RecordError> {
        let reader = decompress_if_gzip(Box::new(std::io::Cursor::new(bytes))).unwrap();
        let map = ColumnMap::parse(map).unwrap();
        let defaults = Arc::new(FieldDefaults::parse(set).unwrap());
        Ok(CsvReader::new("t.csv".into(), reader, &map, 1 << 20, delimiter, defaults)?.collect())
    }

    /// Each row as `ok ID LINE TEXT` or its error.
    fn outcomes(rows: &[Result<SourcedDocument, RecordError>]) -> Vec<String> {
        rows.iter()
            .map(|r| match r {
                Ok(d) => format!("ok {} {} {}", d.doc.id, d.line, d.doc.text),
                Err(e) => e.to_string(),
            })
            .collect()
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
    fn rows_keep_their_lines_with_crlf_line_ends_and_blank_lines() {
        // As spreadsheets save them: `\r\n`, a quoted line break, a blank line, a short row.
        let table = "id,date,kind,text\r\na,2017-09-05,news,\"x\ny\"\r\n\r\nb,2017-09-05,news\r\n\
                     c,2017-09-05,news,z\r\n";
        let rows = read(table.into(), &[]).unwrap();
        assert_eq!(
            outcomes(&rows),
            [
                "ok a 2 x\ny".to_string(),
                "t.csv:5: record: row has 3 fields, the header has 4".to_string(),
                "ok c 6 z".to_string(),
            ]
        );
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
    fn an_unterminated_quote_rejects_its_row_and_later_rows_survive() {
        let table = "id,date,kind,text\na,2017-09-05,news,ok\n\
            b,2017-09-05,news,\"open\nc,2017-09-05,news,kept\nd,2017-09-05,news,also\n";
        let rows = read(table.into(), &[]).unwrap();
        let messages: Vec<String> = rows
            .iter()
            .map(|r| match r {
                Ok(d) => format!("ok {} {}", d.doc.id, d.line),
                Err(e) => e.to_string(),
            })
            .collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert_eq!(messages[0], "ok a 2");
        assert!(
            messages[1].starts_with("t.csv:3: record: unterminated quote"),
            "{}",
            messages[1]
        );
        assert_eq!(messages[2..], ["ok c 4", "ok d 5"]);
    }

    #[test]
    fn a_quote_closed_by_a_later_rows_quote_rejects_its_row_only() {
        let table = "id,date,kind,text\nb,2017-09-05,news,\"open\n\
            c,2017-09-05,news,\"quoted, kept\"\nd,2017-09-05,news,after\n";
        let rows = read(table.into(), &[]).unwrap();
        assert_eq!(rows.len(), 3);
        let err = rows[0].as_ref().unwrap_err().to_string();
        assert!(
            err.starts_with("t.csv:2: record: unterminated quote"),
            "{err}"
        );
        let c = rows[1].as_ref().unwrap();
        assert_eq!((c.doc.text.as_str(), c.line), ("quoted, kept", 3));
        assert_eq!(rows[2].as_ref().unwrap().doc.id, "d");
    }

    #[test]
    fn another_delimiter_separates_fields_and_quotes_keep_it_inside() {
        for (delimiter, sep) in [(b';', ";"), (b'\t', "\t"), (b'|', "|")] {
            let row = |cells: &[&str]| cells.join(sep) + "\n";
            // A quoted cell before the delimiter closes there; the cells' commas stay commas.
            let table = [
                row(&["id", "text", "date", "kind"]),
                row(&["a", "\"x, y; z|w\tv\"", "2017-09-05", "news"]),
                row(&["b", "\"open", "2017-09-05", "news"]),
                row(&["c", "plain, with a comma", "2017-09-05", "news"]),
            ]
            .concat();
            let rows = read_with(table.into(), &[], delimiter).unwrap();
            let got = outcomes(&rows);
            assert_eq!(got.len(), 3, "{sep:?}: {got:?}");
            assert_eq!(got[0], "ok a 2 x, y; z|w\tv", "{sep:?}");
            assert!(
                got[1].starts_with("t.csv:3: record: unterminated quote"),
                "{sep:?}: {got:?}"
            );
            assert_eq!(got[2], "ok c 4 plain, with a comma", "{sep:?}");
        }
    }

    #[test]
    fn a_header_without_a_required_column_or_default_rejects_the_file_once() {
        let err = read("id,date,kind,body\na,2017-09-05,news,x\n".into(), &[])
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "t.csv:1: text: no column `text` in the header (columns: id, date, kind, body); \
             read it from a column with --map text=COLUMN"
        );
        let err = read("a,kind,b\n1,news,2\n".into(), &[]).err().unwrap();
        assert_eq!(
            err.to_string(),
            "t.csv:1: id, date, text: no column `id`, `date` or `text` in the header (columns: \
             a, kind, b); read each from a column with --map FIELD=COLUMN, or give date one \
             value for every row with --set date=VALUE"
        );
        // A default stands in for a column.
        let table = || b"id,text\na,x\n".to_vec();
        let rows = read_full(table(), &[], b',', &["date=2017-09-05", "kind=news"]).unwrap();
        assert_eq!(outcomes(&rows), ["ok a 2 x"]);
        let err = read_full(table(), &[], b',', &["date=2017-09-05"])
            .err()
            .unwrap();
        assert!(
            err.to_string().starts_with("t.csv:1: kind: no column `kind`")
                && err.to_string().ends_with("(kind is one of: speech transcript press_conference interview article statement briefing news)"),
            "{err}"
        );
        // Read with the wrong delimiter, the header is one column holding the right one.
        let table = "id;date;kind;text\na;2017-09-05;news;x\n";
        let err = read(table.into(), &[]).err().unwrap();
        assert_eq!(
            err.to_string(),
            "t.csv:1: id, date, kind, text: no column for them: the header reads as the one column \
             `id;date;kind;text`, so the table looks separated by `;`; give --delimiter ';'"
        );
        let err = read_with("id,text\na,x\n".into(), &[], b'\t')
            .err()
            .unwrap();
        assert!(err.to_string().ends_with("give --delimiter ','"), "{err}");
        let rows = read_with(table.into(), &[], b';').unwrap();
        assert_eq!(outcomes(&rows), ["ok a 2 x"]);
    }

    #[test]
    fn delimiters_are_one_ascii_character_or_tab() {
        assert_eq!(parse_delimiter(";").unwrap(), b';');
        for tab in ["tab", "\\t", "\t"] {
            assert_eq!(parse_delimiter(tab).unwrap(), b'\t', "{tab:?}");
        }
        for (bad, reason) in [
            ("\"", "it quotes or ends fields"),
            ("\n", "it quotes or ends fields"),
            (";;", "expected one ASCII character"),
            ("", "expected one ASCII character"),
            ("é", "expected one ASCII character"),
        ] {
            let err = parse_delimiter(bad).unwrap_err().to_string();
            assert!(err.contains(reason), "{bad:?}: {err}");
        }
        assert_eq!(
            parse_delimiter("\n").unwrap_err().to_string(),
            "--delimiter '\\n': it quotes or ends fields, so it cannot separate them"
        );
    }

    proptest::proptest! {
        /// A table written by the CSV rules (a cell holding the delimiter, a quote or a line
        /// end quoted, its quotes doubled) reads back cell for cell, whatever the delimiter,
        /// and no row is taken for a bad quote.
        #[test]
        fn quoted_tables_read_back_under_any_delimiter(
            delimiter in proptest::sample::select(vec![b',', b';', b'\t', b'|']),
            texts in proptest::collection::vec("[a-z ,;|\t\"\n]{1,12}", 1..6),
        ) {
            let sep = (delimiter as char).to_string();
            let quote = |cell: &str| {
                if cell.contains([delimiter as char, '"', '\n', '\r']) {
                    format!("\"{}\"", cell.replace('"', "\"\""))
                } else {
                    cell.to_string()
                }
            };
            let mut table = ["text", "id", "date", "kind"].join(&sep) + "\n";
            for (i, text) in texts.iter().enumerate() {
                let row = [quote(text), format!("r{i}"), "2017-09-05".into(), "news".into()];
                table.push_str(&(row.join(&sep) + "\n"));
            }
            let rows = read_with(table.into_bytes(), &[], delimiter).unwrap();
            proptest::prop_assert_eq!(rows.len(), texts.len());
            for (row, text) in rows.iter().zip(&texts) {
                match row {
                    Ok(doc) => proptest::prop_assert_eq!(&doc.doc.text, text),
                    // A blank cell is rejected as empty text, never as a bad quote.
                    Err(e) => proptest::prop_assert!(
                        text.trim().is_empty() && e.to_string().contains("text: empty"),
                        "{}",
                        e
                    ),
                }
            }
        }
    }

    #[test]
    fn gzip_csv_reads_like_plain() {
        let rows = read(gzip(TABLE.as_bytes()), &["date=published", "text=content"]).unwrap();
        assert_eq!(rows.iter().filter(|r| r.is_ok()).count(), 2);
    }
}
