//! JSON Lines records (the format of `../shared/corpus`): one document per line.
//!
//! Contract: lines are read one at a time into a reused buffer (memory is bounded by the
//! record size limit: a longer line is skipped unread and rejected); blank lines are skipped;
//! document fields are named in any case (`Text` is `text`, as in CSV headers), other keys
//! are ignored; a line that is not valid UTF-8 or not a JSON object, or that gives one document
//! field twice, is one rejected record, and reading goes on with the next line.

use std::fmt;
use std::io::BufRead;
use std::sync::Arc;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::limit::{Line, read_line_bounded, size_text};
use super::record::{FIELD_NAMES, RawRecord, field_named};
use super::{FieldDefaults, RecordError, SourcedDocument};
use crate::document::Document;

/// Parses one JSON Lines record (`line` is 1-based, for error messages).
pub fn parse_jsonl_record(path: &str, line: usize, record: &str) -> Result<Document, RecordError> {
    let object = parse_object(path, line, record)?;
    raw_from_object(path, line, &object)?.into_document(path, line)
}

/// Parses the bytes of one line, reporting invalid UTF-8 against the field that holds it;
/// fields the record lacks take their `defaults`.
pub(crate) fn parse_jsonl_bytes(
    path: &str,
    line: usize,
    bytes: &[u8],
    defaults: &FieldDefaults,
) -> Result<Document, RecordError> {
    // simdutf8 checks Cyrillic text several times faster than the standard library, with
    // the same verdict and the same place of the first invalid byte.
    let text = match simdutf8::compat::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Err(invalid_utf8(path, line, bytes, e.valid_up_to())),
    };
    let object = parse_object(path, line, text)?;
    let mut raw = raw_from_object(path, line, &object)?;
    raw.fill_defaults(defaults);
    raw.into_document(path, line)
}

fn parse_object(path: &str, line: usize, record: &str) -> Result<Vec<Field>, RecordError> {
    match serde_json::from_str::<Parsed>(record) {
        Ok(Parsed::Object {
            fields,
            repeated: None,
        }) => Ok(fields),
        Ok(Parsed::Object {
            fields,
            repeated: Some(second),
        }) => {
            let first = fields
                .iter()
                .find(|f| f.name == second.name)
                .map_or("", |f| &f.spelling);
            let second_spelling = &second.spelling;
            let field = second.name;
            let spelled = if first == second_spelling {
                String::new()
            } else {
                format!(", as `{first}` and `{second_spelling}`")
            };
            Err(RecordError::field(
                path,
                line,
                field,
                format!("given twice in one record{spelled}; keep the one value that is meant"),
            ))
        }
        Ok(Parsed::Other(kind)) => Err(RecordError::record(
            path,
            line,
            format!("expected a JSON object, found {kind}"),
        )),
        Err(e) => Err(RecordError::record(
            path,
            line,
            format!("malformed JSON: {e}"),
        )),
    }
}

/// A record's top-level JSON value. An object keeps only its document fields, and
/// remembers the first one it gave twice (a plain map would keep the later value without a
/// word).
enum Parsed {
    Object {
        fields: Vec<Field>,
        repeated: Option<Field>,
    },
    /// Not an object: what it is, for the error.
    Other(&'static str),
}

/// A document field of a record, with its key as written (for the message of a repeat).
struct Field {
    name: &'static str,
    spelling: String,
    value: Value,
}

impl<'de> Deserialize<'de> for Parsed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Parsed, D::Error> {
        deserializer.deserialize_any(ParsedVisitor)
    }
}

struct ParsedVisitor;

impl<'de> Visitor<'de> for ParsedVisitor {
    type Value = Parsed;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Parsed, A::Error> {
        let mut fields: Vec<Field> = Vec::new();
        let mut repeated = None;
        while let Some(key) = access.next_key::<String>()? {
            // Field names match whatever their case, as CSV headers and front matter keys do.
            let Some(name) = field_named(&key) else {
                access.next_value::<IgnoredAny>()?;
                continue;
            };
            let field = Field {
                name,
                spelling: key,
                value: access.next_value()?,
            };
            if fields.iter().any(|f| f.name == name) {
                repeated = repeated.or(Some(field));
            } else {
                fields.push(field);
            }
        }
        Ok(Parsed::Object { fields, repeated })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Parsed, A::Error> {
        while access.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Parsed::Other("an array"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Parsed, E> {
        Ok(Parsed::Other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Parsed, E> {
        Ok(Parsed::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Parsed, E> {
        Ok(Parsed::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Parsed, E> {
        Ok(Parsed::Other("a number"))
    }

    fn visit_str<E>(self, _: &str) -> Result<Parsed, E> {
        Ok(Parsed::Other("a string"))
    }

    fn visit_unit<E>(self) -> Result<Parsed, E> {
        Ok(Parsed::Other("null"))
    }
}

fn raw_from_object(path: &str, line: usize, object: &[Field]) -> Result<RawRecord, RecordError> {
    let mut raw = RawRecord::default();
    // In field order, so that the first wrong value reported does not depend on key order.
    for &field in FIELD_NAMES {
        let Some(Field { value, .. }) = object.iter().find(|f| f.name == field) else {
            continue;
        };
        let wrong_type = || {
            RecordError::field(
                path,
                line,
                field,
                format!("expected a string, found {}", json_type(value)),
            )
        };
        match (field, value) {
            (_, Value::Null) => {}
            (_, Value::String(s)) => {
                raw.set(field, s.clone());
            }
            // Numeric ids are common in exports; their decimal form is the id. Only whole
            // numbers that JSON parsing keeps exactly (64-bit integers): a larger one or a
            // fraction goes through f64, and distinct ids would collide.
            ("id", Value::Number(n)) if n.is_u64() || n.is_i64() => {
                raw.set(field, n.to_string());
            }
            ("id", Value::Number(_)) => {
                return Err(RecordError::field(
                    path,
                    line,
                    field,
                    "a numeric id must be a whole number within 64 bits; write it as a \
                     string (\"id\": \"...\") to keep every digit",
                ));
            }
            ("tags", Value::Array(items)) => {
                let tags = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        item.as_str().map(str::to_string).ok_or_else(|| {
                            RecordError::field(
                                path,
                                line,
                                field,
                                format!(
                                    "item {} of the list: expected a string, found {}",
                                    i + 1,
                                    json_type(item)
                                ),
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                raw.set_tags(tags);
            }
            _ => return Err(wrong_type()),
        }
    }
    Ok(raw)
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An invalid UTF-8 line: blame the field whose value holds the bad bytes when the rest
/// of the line is readable JSON.
fn invalid_utf8(path: &str, line: usize, bytes: &[u8], valid_up_to: usize) -> RecordError {
    let reason = format!(
        "invalid UTF-8 (byte 0x{:02x} at column {})",
        bytes[valid_up_to],
        valid_up_to + 1
    );
    let lossy = String::from_utf8_lossy(bytes);
    let field = serde_json::from_str::<Value>(&lossy)
        .ok()
        .and_then(|value| {
            let object = value.as_object()?;
            object.iter().find_map(|(key, value)| {
                let field = field_named(key)?;
                value
                    .as_str()
                    .is_some_and(|s| s.contains('\u{FFFD}'))
                    .then_some(field)
            })
        });
    match field {
        Some(field) => RecordError::field(path, line, field, reason),
        None => RecordError::record(path, line, reason),
    }
}

/// The error of a record over the limit of `max` bytes (of `bytes` bytes, when known).
pub(crate) fn too_long(path: &str, line: usize, max: usize, bytes: Option<u64>) -> RecordError {
    let size = bytes.map_or_else(String::new, |n| format!(" ({})", size_text(n)));
    RecordError::record(
        path,
        line,
        format!(
            "longer than {}{size}, the record size limit (--max-record-mb raises it)",
            size_text(max as u64)
        ),
    )
}

/// Streams the records of one JSON Lines input.
pub(crate) struct JsonlReader<R> {
    path: String,
    reader: R,
    line: usize,
    buffer: Vec<u8>,
    max_record_bytes: usize,
    defaults: Arc<FieldDefaults>,
    done: bool,
}

impl<R: BufRead> JsonlReader<R> {
    /// Reads `reader`, naming it `path` in errors; lines longer than `max_record_bytes`
    /// are rejected.
    pub(crate) fn new(path: String, reader: R, max_record_bytes: usize) -> JsonlReader<R> {
        JsonlReader {
            path,
            reader,
            line: 0,
            buffer: Vec::new(),
            max_record_bytes,
            defaults: Arc::default(),
            done: false,
        }
    }

    /// Gives records that lack a field its default.
    pub(crate) fn with_defaults(mut self, defaults: Arc<FieldDefaults>) -> JsonlReader<R> {
        self.defaults = defaults;
        self
    }
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Result<SourcedDocument, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match read_line_bounded(&mut self.reader, &mut self.buffer, self.max_record_bytes) {
                Ok(Line::End) => self.done = true,
                Ok(Line::TooLong(bytes)) => {
                    self.line += 1;
                    return Some(Err(too_long(
                        &self.path,
                        self.line,
                        self.max_record_bytes,
                        Some(bytes),
                    )));
                }
                Ok(Line::Read) => {
                    self.line += 1;
                    let mut bytes = self.buffer.as_slice();
                    if self.line == 1 {
                        bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                    }
                    if bytes.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let parsed = parse_jsonl_bytes(&self.path, self.line, bytes, &self.defaults);
                    return Some(parsed.map(|doc| SourcedDocument {
                        doc,
                        path: self.path.clone(),
                        line: self.line,
                    }));
                }
                Err(e) => {
                    // A read error (a truncated gzip stream) ends this input.
                    self.done = true;
                    return Some(Err(RecordError::record(
                        &self.path,
                        self.line + 1,
                        format!("read error, rest of the input skipped: {e}"),
                    )));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::open::decompress_if_gzip;
    use crate::corpus::open::tests::gzip;

    fn read(bytes: Vec<u8>) -> Vec<Result<SourcedDocument, RecordError>> {
        let reader = decompress_if_gzip(Box::new(std::io::Cursor::new(bytes))).unwrap();
        JsonlReader::new("f.jsonl".into(), reader, 1024).collect()
    }

    #[test]
    fn a_line_over_the_size_limit_is_rejected_and_reading_goes_on() {
        let long = GOOD.replace("One.", &"word ".repeat(400));
        let rows = read(format!("{GOOD}\n{long}\n{GOOD}\n").into_bytes());
        assert_eq!(rows.len(), 3);
        assert!(rows[0].is_ok() && rows[2].is_ok());
        assert_eq!(rows[2].as_ref().unwrap().line, 3);
        let err = rows[1].as_ref().unwrap_err().to_string();
        assert!(
            err.starts_with("f.jsonl:2: record: longer than 1024 bytes (2081 bytes)"),
            "{err}"
        );
    }

    const GOOD: &str =
        r#"{"id": "a", "date": "2017-09-05", "kind": "news", "lang": "en", "text": "One.\nTwo."}"#;

    #[test]
    fn parses_a_shared_corpus_style_record() {
        let line = r#"{"id": "kremlin-en-1", "date": "2017-09-05", "title": "T", "speaker": "Vladimir Putin", "source": "kremlin.ru", "kind": "press_conference", "lang": "en", "url": "u", "text": "a\nb", "extra": 1}"#;
        let doc = parse_jsonl_record("f.jsonl", 3, line).unwrap();
        assert_eq!(doc.id, "kremlin-en-1");
        assert_eq!(doc.text, "a\nb");
        assert_eq!(doc.speaker, "Vladimir Putin");
    }

    #[test]
    fn a_bad_kind_names_file_line_and_field() {
        let line =
            r#"{"id": "x", "date": "2017-09-05", "kind": "podcast", "lang": "en", "text": "a"}"#;
        let err = parse_jsonl_record("f.jsonl", 7, line).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("f.jsonl:7: kind: unknown kind `podcast`"),
            "{err}"
        );
    }

    #[test]
    fn malformed_json_and_non_objects_are_record_errors() {
        let err = parse_jsonl_record("f.jsonl", 2, r#"{"id": "x", "#).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("f.jsonl:2: record: malformed JSON"),
            "{err}"
        );
        let err = parse_jsonl_record("f.jsonl", 2, "[1, 2]").unwrap_err();
        assert!(
            err.to_string()
                .ends_with("expected a JSON object, found an array"),
            "{err}"
        );
    }

    #[test]
    fn a_field_given_twice_is_refused_and_other_keys_may_repeat() {
        let err = parse_jsonl_record(
            "f.jsonl",
            4,
            r#"{"id": "x", "date": "2017-09-05", "kind": "news", "text": "a", "text": "b"}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "f.jsonl:4: text: given twice in one record; keep the one value that is meant"
        );
        // Even a repeated null: which of the two was meant cannot be told.
        let err = parse_jsonl_record(
            "f.jsonl",
            4,
            r#"{"id": "x", "speaker": null, "date": "2017-09-05", "kind": "news", "speaker": "P", "text": "a"}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("f.jsonl:4: speaker: given twice"),
            "{err}"
        );
        let doc = parse_jsonl_record(
            "f.jsonl",
            4,
            r#"{"id": "x", "extra": 1, "date": "2017-09-05", "kind": "news", "extra": [2], "text": "a \"q\""}"#,
        )
        .unwrap();
        assert_eq!(doc.text, "a \"q\"");
        let err = parse_jsonl_record(
            "f.jsonl",
            4,
            r#"{"id": "x", "date": "2017-09-05", "kind": "news", "Text": "a", "text": "b"}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "f.jsonl:4: text: given twice in one record, as `Text` and `text`; keep the one value that is meant"
        );
    }

    #[test]
    fn field_names_match_whatever_their_case() {
        let doc = parse_jsonl_record(
            "f.jsonl",
            1,
            r#"{"ID": "x", "Date": "2017-09-05", "KIND": "news", "Speaker": "Maria Zakharova", "Text": "a", "URL": "u", "Tags": ["k"]}"#,
        )
        .unwrap();
        assert_eq!(
            (
                doc.id.as_str(),
                doc.speaker.as_str(),
                doc.url.as_str(),
                doc.tags.as_slice()
            ),
            ("x", "Maria Zakharova", "u", &["k".to_string()][..])
        );
        let err = parse_jsonl_record(
            "f",
            1,
            r#"{"id": "x", "Date": 5, "kind": "news", "text": "a"}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "f:1: date: expected a string, found a number"
        );
    }

    #[test]
    fn non_objects_name_what_they_are() {
        for (line, kind) in [
            ("true", "a boolean"),
            ("-3", "a number"),
            ("1.5", "a number"),
            ("18446744073709551615", "a number"),
            (r#""text""#, "a string"),
            ("null", "null"),
            ("[{\"id\": 1}, [2]]", "an array"),
        ] {
            let err = parse_jsonl_record("f", 1, line).unwrap_err().to_string();
            assert_eq!(
                err,
                format!("f:1: record: expected a JSON object, found {kind}")
            );
        }
        let err = parse_jsonl_record("f", 1, "[1, 2] x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("malformed JSON: trailing characters"), "{err}");
    }

    #[test]
    fn wrong_types_name_the_field_and_numeric_ids_are_accepted() {
        let err = parse_jsonl_record(
            "f",
            1,
            r#"{"id": "x", "date": 20170905, "kind": "news", "text": "a"}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "f:1: date: expected a string, found a number"
        );
        let err = parse_jsonl_record(
            "f",
            1,
            r#"{"id": "x", "date": "2017-09-05", "kind": "news", "text": "a", "tags": ["x", 1]}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "f:1: tags: item 2 of the list: expected a string, found a number"
        );
        let doc = parse_jsonl_record(
            "f",
            1,
            r#"{"id": 42, "date": "2017-09-05", "kind": "news", "text": "a", "tags": ["x"]}"#,
        )
        .unwrap();
        assert_eq!(
            (doc.id.as_str(), doc.tags.as_slice()),
            ("42", &["x".to_string()][..])
        );
    }

    #[test]
    fn numeric_ids_beyond_64_bits_or_with_a_fraction_are_rejected() {
        let record = |id: &str| {
            format!(r#"{{"id": {id}, "date": "2017-09-05", "kind": "news", "text": "a"}}"#)
        };
        let big = parse_jsonl_record("f", 1, &record("18446744073709551615")).unwrap();
        assert_eq!(big.id, "18446744073709551615");
        assert_eq!(parse_jsonl_record("f", 1, &record("-7")).unwrap().id, "-7");
        // 2^64 and 2^64 + 1 both become 18446744073709552000 through f64.
        for bad in ["18446744073709551616", "18446744073709551617", "1.5", "1e3"] {
            let err = parse_jsonl_record("f", 2, &record(bad))
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("f:2: id: a numeric id must be a whole number"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn invalid_utf8_blames_the_field_holding_it() {
        let mut line =
            br#"{"id": "x", "date": "2017-09-05", "kind": "news", "text": "caf"#.to_vec();
        line.extend([0xff, b'"', b'}']);
        let err = parse_jsonl_bytes("f.jsonl", 9, &line, &FieldDefaults::default()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("f.jsonl:9: text: invalid UTF-8 (byte 0xff"),
            "{err}"
        );
    }

    proptest::proptest! {
        /// Any bytes in a record's text: the record is read, or refused at the column of
        /// the first byte the standard library's UTF-8 check refuses (Cyrillic, stray and
        /// truncated sequences alike).
        #[test]
        fn utf8_is_checked_as_the_standard_library_checks_it(
            inserted in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12),
            cyrillic in "[а-яё ]{0,40}",
        ) {
            let mut line = br#"{"id": "x", "date": "2017-09-05", "text": ""#.to_vec();
            line.extend_from_slice(cyrillic.as_bytes());
            line.extend(inserted.iter().filter(|&&b| b != b'"' && b != b'\\' && b >= 0x20));
            line.extend_from_slice(br#""}"#);
            let got = parse_jsonl_bytes("f.jsonl", 1, &line, &FieldDefaults::default());
            match std::str::from_utf8(&line) {
                Ok(_) => proptest::prop_assert!(
                    got.is_ok() || !got.as_ref().unwrap_err().to_string().contains("UTF-8")
                ),
                Err(e) => {
                    let message = format!("at column {})", e.valid_up_to() + 1);
                    let err = got.unwrap_err().to_string();
                    proptest::prop_assert!(err.contains(&message), "{} / {}", err, message);
                }
            }
        }
    }

    #[test]
    fn reader_skips_blank_lines_counts_lines_and_goes_on_after_errors() {
        let input = format!(
            "\u{feff}{GOOD}\n\n{{broken\n{}\r\n",
            GOOD.replace("\"a\"", "\"b\"")
        );
        let results = read(input.into_bytes());
        assert_eq!(results.len(), 3);
        assert_eq!(results[0].as_ref().unwrap().line, 1);
        assert_eq!(results[1].as_ref().unwrap_err().line, 3);
        let last = results[2].as_ref().unwrap();
        assert_eq!((last.doc.id.as_str(), last.line), ("b", 4));
    }

    #[test]
    fn gzip_input_reads_like_plain() {
        let results = read(gzip(format!("{GOOD}\n").as_bytes()));
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].as_ref().unwrap().doc.id, "a");
    }

    #[test]
    fn a_truncated_gzip_stream_is_one_error_then_the_end() {
        let packed = gzip(format!("{GOOD}\n").repeat(50).as_bytes());
        let results = read(packed[..packed.len() / 2].to_vec());
        let last = results.last().unwrap().as_ref().unwrap_err();
        assert!(last.reason.contains("read error"), "{last}");
    }
}
