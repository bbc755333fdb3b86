//! The evidence table written row by row, as a count produces it.
//!
//! Contract: an [`EvidenceWriter`] takes [`EvidenceRef`]s (it is an [`EvidenceSink`]) and
//! writes the file that [`crate::export::write_table_with_manifest`] would write from the
//! same rows collected into [`evidence_frame`]: CSV, JSON and NDJSON byte for byte (CSV
//! cells neutralised by [`csv_cell`]), Parquet with the same schema and rows, in row groups
//! of [`PARQUET_ROW_GROUP`] rows (identical files up to that many rows). Memory does not
//! grow with the number of rows: CSV and JSON rows go to the file in pieces of
//! [`OUTPUT_BUFFER`] bytes, Parquet holds one row group. The file and its manifest (with
//! the row count) appear together at [`EvidenceWriter::finish`]; a writer dropped before,
//! or failing, leaves the previous file and manifest as they were (see [`super::atomic`]).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::io::parquet::write::BatchedWriter as BatchedParquetWriter;
use polars::prelude::{DataFrame, ParquetWriter};
use rustc_hash::FxHashMap;

use super::atomic::{OUTPUT_BUFFER, Staged, commit_pair};
use super::manifest::stage_manifest;
use super::{ExportError, ManifestContext, OutputInfo, TableFormat, csv_cell};
use crate::document::Lang;
use crate::themes::{
    DocColumns, EVIDENCE_COLUMNS, EvidenceRef, EvidenceRow, EvidenceSink, evidence_frame,
};

/// Rows per Parquet row group: what a Parquet evidence file holds in memory while written.
pub const PARQUET_ROW_GROUP: usize = 65_536;

/// An evidence table being written to its file.
pub struct EvidenceWriter {
    path: PathBuf,
    rows: usize,
    out: Out,
}

/// The format-specific state.
enum Out {
    /// CSV as the `csv` crate's default writer writes it (see [`csv_field`]).
    Csv {
        staged: Staged,
        pending: Pending,
        doc: DocCells,
        repeated: RepeatedCells,
    },
    /// JSON (`array`: one JSON array) or NDJSON (one object per line).
    Json {
        staged: Staged,
        array: bool,
        pending: Pending,
    },
    Parquet {
        staged: Staged,
        writer: Box<BatchedParquetWriter<BufWriter<File>>>,
        group: Vec<EvidenceRow>,
    },
}

impl EvidenceWriter {
    /// Starts writing the evidence table `path` (format by extension, see
    /// [`TableFormat::from_path`]; parent folders created).
    pub fn create(path: &Path) -> Result<EvidenceWriter, ExportError> {
        let format = TableFormat::from_path(path)?;
        let staged = Staged::create(path)?;
        let out = match format {
            TableFormat::Csv => {
                let mut pending = Pending::default();
                let line = &mut pending.bytes;
                for (i, column) in EVIDENCE_COLUMNS.iter().enumerate() {
                    if i > 0 {
                        line.push(b',');
                    }
                    csv_field(line, column.as_bytes());
                }
                line.push(b'\n');
                Out::Csv {
                    staged,
                    pending,
                    doc: DocCells::default(),
                    repeated: RepeatedCells::default(),
                }
            }
            TableFormat::Json | TableFormat::Ndjson => {
                let array = format == TableFormat::Json;
                let mut pending = Pending::default();
                if array {
                    pending.bytes.push(b'[');
                }
                Out::Json {
                    staged,
                    array,
                    pending,
                }
            }
            TableFormat::Parquet => {
                // Polars' writer owns what it writes to: a second handle of the staged
                // file, flushed by the writer's footer.
                let file = staged.clone_file()?;
                let schema = evidence_frame(&[])
                    .map_err(|e| polars_error(path, e))?
                    .schema()
                    .clone();
                let writer = ParquetWriter::new(BufWriter::new(file))
                    .batched(&schema)
                    .map_err(|source| ExportError::Polars {
                        path: path.to_path_buf(),
                        source,
                    })?;
                Out::Parquet {
                    staged,
                    writer: Box::new(writer),
                    group: Vec::new(),
                }
            }
        };
        Ok(EvidenceWriter {
            path: path.to_path_buf(),
            rows: 0,
            out,
        })
    }

    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Where the table goes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one row.
    pub fn write(&mut self, row: &EvidenceRef<'_>) -> Result<(), ExportError> {
        let path = &self.path;
        match &mut self.out {
            Out::Csv {
                staged,
                pending,
                doc,
                repeated,
            } => {
                let line = &mut pending.bytes;
                line.extend_from_slice(doc.cells(&row.doc));
                csv_row_cells(line, row, repeated);
                pending.pass_on(staged, path)?;
            }
            Out::Json {
                staged,
                array,
                pending,
            } => {
                let line = &mut pending.bytes;
                if *array && self.rows > 0 {
                    line.push(b',');
                }
                json_object(line, row);
                if !*array {
                    line.push(b'\n');
                }
                pending.pass_on(staged, path)?;
            }
            Out::Parquet { writer, group, .. } => {
                group.push(row.to_row());
                if group.len() == PARQUET_ROW_GROUP {
                    write_group(writer, group, path)?;
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Finishes the table and writes its manifest (recording the row count): both replace
    /// the previous ones together. Returns the manifest's path.
    pub fn finish(self, context: &ManifestContext) -> Result<PathBuf, ExportError> {
        let path = self.path;
        let (staged, format) = match self.out {
            Out::Csv {
                mut staged,
                mut pending,
                ..
            } => {
                pending.hand_over(&mut staged, &path)?;
                (staged, TableFormat::Csv)
            }
            Out::Json {
                mut staged,
                array,
                mut pending,
            } => {
                if array {
                    pending.bytes.push(b']');
                }
                pending.hand_over(&mut staged, &path)?;
                if array {
                    (staged, TableFormat::Json)
                } else {
                    (staged, TableFormat::Ndjson)
                }
            }
            Out::Parquet {
                staged,
                mut writer,
                mut group,
            } => {
                if !group.is_empty() {
                    write_group(&mut writer, &mut group, &path)?;
                }
                writer.finish().map_err(|source| ExportError::Polars {
                    path: path.clone(),
                    source,
                })?;
                // Closes the second handle; the footer was flushed through it.
                drop(writer);
                (staged, TableFormat::Parquet)
            }
        };
        let info = OutputInfo {
            path: path.display().to_string(),
            format: format.as_str().into(),
            rows: self.rows,
            columns: EVIDENCE_COLUMNS.iter().map(|c| c.to_string()).collect(),
        };
        let manifest = stage_manifest(&path, &context.manifest(info))?;
        let manifest_path = manifest.path().to_path_buf();
        commit_pair(staged, manifest)?;
        Ok(manifest_path)
    }
}

/// CSV or JSON rows not yet handed to the staged file: rows are appended here and passed on
/// in pieces of at least [`OUTPUT_BUFFER`] bytes, which the file's buffer (of that size)
/// writes through rather than copying each row into itself.
struct Pending {
    bytes: Vec<u8>,
}

impl Default for Pending {
    fn default() -> Pending {
        Pending {
            bytes: Vec::with_capacity(OUTPUT_BUFFER + 4096),
        }
    }
}

impl Pending {
    /// Hands the rows to `staged` once they fill a piece.
    #[inline]
    fn pass_on(&mut self, staged: &mut Staged, path: &Path) -> Result<(), ExportError> {
        if self.bytes.len() < OUTPUT_BUFFER {
            return Ok(());
        }
        self.hand_over(staged, path)
    }

    /// Hands every pending row to `staged` (`path`: the table, for the error).
    fn hand_over(&mut self, staged: &mut Staged, path: &Path) -> Result<(), ExportError> {
        staged
            .write_all(&self.bytes)
            .map_err(|source| ExportError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        self.bytes.clear();
        Ok(())
    }
}

impl EvidenceSink for EvidenceWriter {
    fn row(&mut self, row: &EvidenceRef<'_>) -> crate::Result<()> {
        Ok(self.write(row)?)
    }
}

fn polars_error(path: &Path, error: crate::themes::ThemeError) -> ExportError {
    ExportError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(error.to_string()),
    }
}

/// Writes the rows of `group` as one row group and empties it.
fn write_group(
    writer: &mut BatchedParquetWriter<BufWriter<File>>,
    group: &mut Vec<EvidenceRow>,
    path: &Path,
) -> Result<(), ExportError> {
    let frame: DataFrame = evidence_frame(group).map_err(|e| polars_error(path, e))?;
    group.clear();
    writer
        .write_batch(&frame)
        .map_err(|source| ExportError::Polars {
            path: path.to_path_buf(),
            source,
        })
}

/// The document cells that begin a CSV record (id, date, speaker, source, language), as
/// [`super::write_table`] writes an evidence frame's (text through [`csv_cell`], dates as
/// `YYYY-MM-DD`), encoded once per run of rows of the same document: a document's matches
/// come one after another, so most rows reuse the cells of the row before.
#[derive(Default)]
struct DocCells {
    /// The columns the cells were encoded from (owned copies; `None` before the first row).
    of: Option<(String, NaiveDate, String, String, Lang)>,
    bytes: Vec<u8>,
}

impl DocCells {
    /// The encoded cells of `doc`, encoded again only when its columns differ from the last.
    fn cells(&mut self, doc: &DocColumns<'_>) -> &[u8] {
        let same = self
            .of
            .as_ref()
            .is_some_and(|(id, date, speaker, source, lang)| {
                id == doc.id
                    && *date == doc.date
                    && speaker == doc.speaker
                    && source == doc.source
                    && *lang == doc.lang
            });
        if !same {
            self.bytes.clear();
            let mut date = [0u8; DATE_BYTES];
            csv_field(&mut self.bytes, csv_cell(doc.id).as_bytes());
            self.bytes.push(b',');
            self.bytes.extend_from_slice(date_text(doc.date, &mut date));
            for text in [doc.speaker, doc.source, doc.lang.as_str()] {
                self.bytes.push(b',');
                csv_field(&mut self.bytes, csv_cell(text).as_bytes());
            }
            self.of = Some((
                doc.id.to_string(),
                doc.date,
                doc.speaker.to_string(),
                doc.source.to_string(),
                doc.lang,
            ));
        }
        &self.bytes
    }
}

/// The rest of a CSV record after its [`DocCells`], with its line end (numbers in decimal;
/// the theme and the rule, which repeat from row to row, through `repeated`).
fn csv_row_cells(out: &mut Vec<u8>, row: &EvidenceRef<'_>, repeated: &mut RepeatedCells) {
    let mut number = itoa::Buffer::new();
    out.push(b',');
    repeated.push(out, row.theme);
    for n in [row.para, row.sentence, row.start, row.end] {
        out.push(b',');
        out.extend_from_slice(number.format(n as u64).as_bytes());
    }
    out.push(b',');
    csv_field(out, csv_cell(row.matched).as_bytes());
    out.push(b',');
    repeated.push(out, row.rule);
    for text in [row.turn_speaker, row.left, row.right] {
        out.push(b',');
        csv_field(out, csv_cell(text).as_bytes());
    }
    out.push(b'\n');
}

/// The encoded CSV cells (through [`csv_cell`] and [`csv_field`]) of texts that repeat from
/// row to row, such as theme ids and rules, which a count hands over as the same shared
/// strings: a map by the text's address and length, each entry keeping the text it encoded.
/// A hit is checked against that copy, so a different text at a reused address is encoded
/// afresh, never given another text's cell; the map is emptied when it holds
/// [`REPEATED_TEXTS`] texts (a caller handing fresh strings with every row). Like
/// [`DocCells`], a cell is neutralised as [`csv_cell`] says when it is first encoded.
#[derive(Default)]
struct RepeatedCells {
    cells: FxHashMap<(usize, usize), RepeatedCell>,
}

struct RepeatedCell {
    text: Box<[u8]>,
    cell: Vec<u8>,
}

/// Texts [`RepeatedCells`] keeps at most (the default theme set has a few hundred rules).
const REPEATED_TEXTS: usize = 4096;

impl RepeatedCells {
    /// Appends the encoded cell of `text` to `out`.
    #[inline]
    fn push(&mut self, out: &mut Vec<u8>, text: &str) {
        let key = (text.as_ptr() as usize, text.len());
        if let Some(known) = self.cells.get(&key)
            && *known.text == *text.as_bytes()
        {
            out.extend_from_slice(&known.cell);
            return;
        }
        if self.cells.len() >= REPEATED_TEXTS {
            self.cells.clear();
        }
        let mut cell = Vec::new();
        csv_field(&mut cell, csv_cell(text).as_bytes());
        out.extend_from_slice(&cell);
        self.cells.insert(
            key,
            RepeatedCell {
                text: text.as_bytes().into(),
                cell,
            },
        );
    }
}

/// One field of a record of several as the `csv` crate's default writer writes it
/// (`QuoteStyle::Necessary`): in double quotes, with its quotes doubled, when it holds a
/// comma, a quote, `\r` or `\n`; as it is otherwise (an empty field too). Written here
/// rather than through that writer, whose byte-by-byte state machine was most of the cost
/// of a dense evidence table; a test compares the two.
fn csv_field(out: &mut Vec<u8>, field: &[u8]) {
    if !needs_quotes(field) {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    let mut start = 0;
    for at in memchr::memchr_iter(b'"', field) {
        // Up to and including the quote, then the quote again.
        out.extend_from_slice(&field[start..=at]);
        out.push(b'"');
        start = at + 1;
    }
    out.extend_from_slice(&field[start..]);
    out.push(b'"');
}

/// Whether `field` holds a comma, a quote, `\r` or `\n`. Fields of an evidence row are
/// mostly short (ids, theme ids, rules, a few words of context), where a `memchr` call's
/// setup costs more than the scan: fields of sixteen bytes or more are tested sixteen bytes
/// at a time by [`special16`] (the last sixteen overlapping the chunk before them), shorter
/// ones by [`needs_quotes_swar`].
#[inline]
fn needs_quotes(field: &[u8]) -> bool {
    if field.len() < 16 {
        return needs_quotes_swar(field);
    }
    let mut chunks = field.chunks_exact(16);
    for chunk in &mut chunks {
        if special16(chunk) {
            return true;
        }
    }
    // The last bytes, read as the last sixteen of the field.
    !chunks.remainder().is_empty() && special16(&field[field.len() - 16..])
}

/// Whether one of the sixteen bytes of `chunk` is one of the four: written byte by byte
/// without branches, which the compiler turns into vector compares and one mask (SSE2 on
/// x86-64).
#[inline(always)]
fn special16(chunk: &[u8]) -> bool {
    let Ok(bytes) = <&[u8; 16]>::try_from(chunk) else {
        return false;
    };
    let mut any = 0u8;
    for &b in bytes {
        any |=
            u8::from(b == b',') | u8::from(b == b'"') | u8::from(b == b'\n') | u8::from(b == b'\r');
    }
    any != 0
}

/// [`needs_quotes`] for fields shorter than sixteen bytes, eight bytes at a time in a `u64`
/// (a byte equal to one of the four makes a lane of `x ^ splat` zero, found by the usual
/// zero-byte test, exact as a yes-or-no answer).
#[inline]
fn needs_quotes_swar(field: &[u8]) -> bool {
    debug_assert!(field.len() < 16);
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Zero-byte lanes of `chunk ^ splat(c)` for each of the four, or-ed without branches.
    let zero = |x: u64| x.wrapping_sub(LOW) & !x;
    let special = |chunk: u64| {
        (zero(chunk ^ (LOW * u64::from(b',')))
            | zero(chunk ^ (LOW * u64::from(b'"')))
            | zero(chunk ^ (LOW * u64::from(b'\n')))
            | zero(chunk ^ (LOW * u64::from(b'\r'))))
            & HIGH
            != 0
    };
    let mut chunks = field.chunks_exact(8);
    for chunk in &mut chunks {
        let bytes: [u8; 8] = chunk.try_into().unwrap_or([0; 8]);
        if special(u64::from_le_bytes(bytes)) {
            return true;
        }
    }
    // The last bytes padded with `a` (not one of the four).
    let rest = chunks.remainder();
    let mut last = [b'a'; 8];
    last[..rest.len()].copy_from_slice(rest);
    special(u64::from_le_bytes(last))
}

/// One JSON object as polars writes a row of an evidence frame: keys in column order, no
/// spaces, strings escaped as JSON requires (and nothing more), dates as strings.
fn json_object(out: &mut Vec<u8>, row: &EvidenceRef<'_>) {
    let mut number = itoa::Buffer::new();
    let mut date = [0u8; DATE_BYTES];
    // Every key after the first follows a comma.
    let key = |out: &mut Vec<u8>, name: &str| {
        out.extend_from_slice(b",\"");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
    };
    out.extend_from_slice(b"{\"doc_id\":");
    json_string(out, row.doc.id);
    key(out, "date");
    out.push(b'"');
    out.extend_from_slice(date_text(row.doc.date, &mut date));
    out.push(b'"');
    for (name, text) in [
        ("speaker", row.doc.speaker),
        ("source", row.doc.source),
        ("lang", row.doc.lang.as_str()),
        ("theme", row.theme),
    ] {
        key(out, name);
        json_string(out, text);
    }
    for (name, n) in [
        ("para", row.para),
        ("sentence", row.sentence),
        ("start", row.start),
        ("end", row.end),
    ] {
        key(out, name);
        out.extend_from_slice(number.format(n as u64).as_bytes());
    }
    for (name, text) in [
        ("matched", row.matched),
        ("rule", row.rule),
        ("turn_speaker", row.turn_speaker),
        ("left", row.left),
        ("right", row.right),
    ] {
        key(out, name);
        json_string(out, text);
    }
    out.push(b'}');
}

/// `text` as a JSON string: `"` and `\` escaped, control characters as `\b \t \n \f \r`
/// or `\u00XX`, everything else (non-ASCII included) as it is.
fn json_string(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            0x0C => b"\\f",
            b'\r' => b"\\r",
            0x00..=0x1F => &[],
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(byte >> 4) as usize]);
            out.push(HEX[(byte & 0xF) as usize]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Room for a date's text (chrono writes at most `+262142-12-31`).
const DATE_BYTES: usize = 16;

/// A date's text as chrono displays it (`2017-09-05`), without a heap allocation.
fn date_text(date: NaiveDate, buf: &mut [u8; DATE_BYTES]) -> &[u8] {
    use chrono::Datelike;
    let (year, month, day) = (date.year(), date.month(), date.day());
    if (0..=9999).contains(&year) {
        let digits = |n: u32, out: &mut [u8]| {
            let mut n = n;
            for b in out.iter_mut().rev() {
                *b = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        digits(year as u32, &mut buf[..4]);
        buf[4] = b'-';
        digits(month, &mut buf[5..7]);
        buf[7] = b'-';
        digits(day, &mut buf[8..10]);
        return &buf[..10];
    }
    let mut cursor = std::io::Cursor::new(&mut buf[..]);
    // The longest date chrono displays fits the buffer.
    let _ = write!(cursor, "{date}");
    let len = cursor.position() as usize;
    &buf[..len]
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::themes::sample_row;

    /// Rows with what CSV and JSON must escape or neutralise: quotes, commas, newlines,
    /// control characters, formula starts, signs, non-ASCII text, far dates.
    /// Runs of rows of one document, each run differing from the one before in a single
    /// document column (the CSV writer encodes those cells once per run).
    fn one_column_changes() -> Vec<EvidenceRow> {
        let base = sample_row();
        let changes: [fn(&mut EvidenceRow); 6] = [
            |_| {},
            |r| r.speaker.push('x'),
            |r| r.date = r.date.succ_opt().unwrap(),
            |r| r.source = "mid.ru".into(),
            |r| {
                r.lang = if r.lang == Lang::En {
                    Lang::Ru
                } else {
                    Lang::En
                }
            },
            |r| r.doc_id.push('2'),
        ];
        let mut rows = Vec::new();
        for change in changes.iter().chain([&changes[0]]) {
            let mut row = base.clone();
            change(&mut row);
            for para in 0..2 {
                rows.push(EvidenceRow {
                    para,
                    ..row.clone()
                });
            }
        }
        rows
    }

    fn tricky_rows() -> Vec<EvidenceRow> {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let mut rows = Vec::new();
        for (i, text) in [
            "plain",
            "a, \"quoted\" cell",
            "line\nbreak\r\nand\ttab",
            "=HYPERLINK(\"http://evil\")",
            "@SUM(A1)",
            "-0.25",
            "+cmd",
            "\u{0}\u{1}\u{7}\u{8}\u{b}\u{c}\u{1f}\u{7f} controls",
            "back\\slash / slash",
            "Путин: «санкции» — 数 🙂",
            "",
        ]
        .iter()
        .enumerate()
        {
            rows.push(EvidenceRow {
                doc_id: format!("{text}{i}"),
                date: [
                    date(2017, 9, 5),
                    date(1677, 9, 22),
                    date(2262, 4, 11),
                    date(1, 1, 1),
                ][i % 4],
                speaker: text.to_string(),
                source: "kremlin.ru".into(),
                lang: if i % 2 == 0 { Lang::En } else { Lang::Ru },
                theme: "t".into(),
                para: i,
                sentence: i * 3,
                start: usize::from(u16::MAX) + i,
                end: usize::MAX >> 12,
                matched: text.to_string(),
                rule: format!("rule {text}"),
                turn_speaker: text.to_string(),
                left: text.to_string(),
                right: text.chars().rev().collect(),
            });
        }
        rows.push(sample_row());
        rows
    }

    /// The table written from `rows` collected into a frame, and streamed: both files'
    /// bytes and manifests' row counts.
    fn both(rows: &[EvidenceRow], ext: &str) -> ((Vec<u8>, usize), (Vec<u8>, usize)) {
        let dir = tempfile::tempdir().unwrap();
        let context = ManifestContext::default();
        let read = |path: &Path| {
            let manifest: super::super::Manifest = serde_json::from_str(
                &std::fs::read_to_string(super::super::manifest_path(path)).unwrap(),
            )
            .unwrap();
            (std::fs::read(path).unwrap(), manifest.output.rows)
        };
        let collected = dir.path().join(format!("collected.{ext}"));
        let mut frame = evidence_frame(rows).unwrap();
        super::super::write_table_with_manifest(&mut frame, &collected, &context).unwrap();
        let streamed = dir.path().join(format!("streamed.{ext}"));
        let mut writer = EvidenceWriter::create(&streamed).unwrap();
        for row in rows {
            writer.write(&row.as_ref()).unwrap();
        }
        assert_eq!(writer.rows(), rows.len());
        writer.finish(&context).unwrap();
        (read(&collected), read(&streamed))
    }

    #[test]
    fn streamed_tables_are_the_collected_ones_byte_for_byte() {
        for ext in ["csv", "json", "ndjson", "parquet"] {
            for rows in [
                tricky_rows(),
                Vec::new(),
                vec![sample_row()],
                one_column_changes(),
            ] {
                let (collected, streamed) = both(&rows, ext);
                assert_eq!(collected.1, rows.len(), "{ext}");
                assert!(
                    collected == streamed,
                    "{ext}, {} rows:\n{}\n{}",
                    rows.len(),
                    String::from_utf8_lossy(&collected.0),
                    String::from_utf8_lossy(&streamed.0)
                );
            }
        }
    }

    #[test]
    fn text_tables_of_several_pieces_are_the_collected_ones() {
        // About three and a half pieces of pending rows, the last one partly filled.
        let context: String = "a, \"quoted\" context ".repeat(20);
        let rows: Vec<EvidenceRow> = (0..3 * OUTPUT_BUFFER / 400 + 97)
            .map(|i| EvidenceRow {
                para: i,
                left: format!("{i} {context}"),
                ..sample_row()
            })
            .collect();
        for ext in ["csv", "json", "ndjson"] {
            let (collected, streamed) = both(&rows, ext);
            assert!(collected.0.len() > 3 * OUTPUT_BUFFER, "{ext}");
            assert_eq!(streamed.1, rows.len(), "{ext}");
            assert!(collected == streamed, "{ext}");
        }
    }

    /// The cell `RepeatedCells` gives `text`, and the one written without it.
    fn repeated_and_plain(cells: &mut RepeatedCells, text: &str) -> (Vec<u8>, Vec<u8>) {
        let mut repeated = Vec::new();
        cells.push(&mut repeated, text);
        let mut plain = Vec::new();
        csv_field(&mut plain, csv_cell(text).as_bytes());
        (repeated, plain)
    }

    #[test]
    fn repeated_cells_keep_a_bounded_number_of_texts() {
        let texts: Vec<String> = (0..REPEATED_TEXTS + 10).map(|i| i.to_string()).collect();
        let mut cells = RepeatedCells::default();
        let mut out = Vec::new();
        for text in &texts {
            cells.push(&mut out, text);
            assert!(cells.cells.len() <= REPEATED_TEXTS);
        }
        assert_eq!(out, texts.concat().as_bytes());
    }

    #[test]
    fn a_repeated_cell_is_not_given_to_another_text_at_the_same_address() {
        let mut cells = RepeatedCells::default();
        let mut text = String::from("near(a, b; within 3)");
        let (first, plain) = repeated_and_plain(&mut cells, &text);
        assert_eq!(first, plain);
        assert_eq!(first, b"\"near(a, b; within 3)\"");
        // Same address and length, other bytes.
        text.make_ascii_uppercase();
        let (second, plain) = repeated_and_plain(&mut cells, &text);
        assert_eq!(second, plain);
        assert_eq!(second, b"\"NEAR(A, B; WITHIN 3)\"");
        text.truncate(4);
        assert_eq!(repeated_and_plain(&mut cells, &text).0, b"NEAR");
    }

    #[test]
    fn parquet_past_one_row_group_reads_back_as_the_same_rows() {
        let rows: Vec<EvidenceRow> = (0..PARQUET_ROW_GROUP + 3)
            .map(|i| EvidenceRow {
                para: i,
                matched: format!("m{i}"),
                ..sample_row()
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.parquet");
        let mut writer = EvidenceWriter::create(&path).unwrap();
        for row in &rows {
            writer.write(&row.as_ref()).unwrap();
        }
        writer.finish(&ManifestContext::default()).unwrap();
        let back = super::super::read_parquet(&path).unwrap();
        assert!(back.equals_missing(&evidence_frame(&rows).unwrap()));
    }

    #[test]
    fn a_dropped_writer_leaves_the_previous_table_and_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.csv");
        let manifest = super::super::manifest_path(&path);
        std::fs::write(&path, "old").unwrap();
        std::fs::write(&manifest, "old manifest").unwrap();
        let mut writer = EvidenceWriter::create(&path).unwrap();
        for _ in 0..10_000 {
            writer.write(&sample_row().as_ref()).unwrap();
        }
        drop(writer);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(&manifest).unwrap(), "old manifest");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn dates_are_written_as_chrono_displays_them() {
        for date in [
            NaiveDate::from_ymd_opt(2017, 9, 5).unwrap(),
            NaiveDate::from_ymd_opt(1, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(-4, 2, 29).unwrap(),
            NaiveDate::from_ymd_opt(12_345, 12, 31).unwrap(),
            NaiveDate::MIN,
            NaiveDate::MAX,
        ] {
            let mut buf = [0u8; DATE_BYTES];
            assert_eq!(date_text(date, &mut buf), date.to_string().as_bytes());
        }
    }

    proptest! {
        /// Fields are written as the `csv` crate's default writer writes them.
        #[test]
        fn csv_fields_are_the_csv_crates(
            fields in prop::collection::vec(
                prop::string::string_regex("[a,\"\r\n ё'=]{0,6}").unwrap(),
                2..5,
            ),
        ) {
            let mut crate_writer = csv::Writer::from_writer(Vec::new());
            crate_writer.write_record(&fields).unwrap();
            let expected = crate_writer.into_inner().unwrap();
            let mut line = Vec::new();
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    line.push(b',');
                }
                csv_field(&mut line, field.as_bytes());
            }
            line.push(b'\n');
            prop_assert_eq!(String::from_utf8_lossy(&line), String::from_utf8_lossy(&expected));
        }
    }

    proptest! {
        /// A field of any length with at most one character to quote, anywhere (both scans
        /// of `needs_quotes`, every place of an eight- or sixteen-byte chunk and of the
        /// overlapping last one), is written as the `csv` crate writes it.
        #[test]
        fn quoting_is_found_at_any_place_of_any_length(
            base in "[a-zA-Z ё'=]{0,90}",
            special in prop::option::of(prop::sample::select(vec![',', '"', '\r', '\n'])),
            at in 0usize..100,
        ) {
            let mut field = base;
            if let Some(c) = special {
                let at = (0..=field.len()).rev().find(|&i| i <= at && field.is_char_boundary(i)).unwrap_or(0);
                field.insert(at, c);
            }
            prop_assert_eq!(needs_quotes(field.as_bytes()), special.is_some());
            let mut crate_writer = csv::Writer::from_writer(Vec::new());
            crate_writer.write_record([field.as_str(), "x"]).unwrap();
            let expected = crate_writer.into_inner().unwrap();
            let mut line = Vec::new();
            csv_field(&mut line, field.as_bytes());
            line.extend_from_slice(b",x\n");
            prop_assert_eq!(String::from_utf8_lossy(&line), String::from_utf8_lossy(&expected));
        }
    }

    proptest! {
        /// Texts drawn again and again from a few shared strings and a few fresh copies
        /// (more texts than the map keeps, so it is emptied) get the cells written
        /// without the table.
        #[test]
        fn repeated_cells_are_the_plain_ones(
            pool in prop::collection::vec("[a-z ,\"=-]{0,20}", 1..8),
            picks in prop::collection::vec((0usize..8, any::<bool>()), 0..200),
            fresh in prop::collection::vec("[a-z,]{0,5}", 0..REPEATED_TEXTS + 50),
        ) {
            let mut cells = RepeatedCells::default();
            for text in &fresh {
                let (repeated, plain) = repeated_and_plain(&mut cells, text);
                prop_assert_eq!(repeated, plain);
            }
            for (pick, copy) in picks {
                let shared = &pool[pick % pool.len()];
                let copied;
                let text = if copy {
                    copied = shared.clone();
                    copied.as_str()
                } else {
                    shared.as_str()
                };
                let (repeated, plain) = repeated_and_plain(&mut cells, text);
                prop_assert_eq!(repeated, plain);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_text_streams_to_the_same_bytes(
            texts in prop::collection::vec(any::<String>(), 1..6),
            days in 0i64..200_000,
        ) {
            let date = NaiveDate::from_ymd_opt(1677, 9, 22).unwrap() + chrono::Days::new(days as u64);
            let rows: Vec<EvidenceRow> = texts
                .iter()
                .map(|t| EvidenceRow {
                    doc_id: t.clone(),
                    date,
                    matched: t.clone(),
                    left: t.chars().take(3).collect(),
                    ..sample_row()
                })
                .collect();
            for ext in ["csv", "json", "ndjson"] {
                let (collected, streamed) = both(&rows, ext);
                prop_assert_eq!(collected, streamed);
            }
        }
    }
}
