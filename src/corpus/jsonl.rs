//! JSON Lines records (the format of `../shared/corpus`): one document per line.

use chrono::NaiveDate;
use serde::Deserialize;

use super::RecordError;
use crate::document::Document;

#[derive(Deserialize)]
struct RawRecord {
    id: Option<String>,
    date: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    speaker: String,
    #[serde(default)]
    source: String,
    kind: Option<String>,
    lang: Option<String>,
    #[serde(default)]
    url: String,
    text: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    location: Option<String>,
}

/// Parses one JSON Lines record (`line` is 1-based, for error messages).
pub fn parse_jsonl_record(path: &str, line: usize, record: &str) -> Result<Document, RecordError> {
    let raw: RawRecord = serde_json::from_str(record)
        .map_err(|e| RecordError::record(path, line, format!("malformed JSON: {e}")))?;
    let id = raw
        .id
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| RecordError::field(path, line, "id", "missing"))?;
    let date_text = raw
        .date
        .ok_or_else(|| RecordError::field(path, line, "date", "missing"))?;
    let date = NaiveDate::parse_from_str(date_text.trim(), "%Y-%m-%d").map_err(|_| {
        RecordError::field(
            path,
            line,
            "date",
            format!("cannot parse `{date_text}` as a date"),
        )
    })?;
    let text = raw
        .text
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| RecordError::field(path, line, "text", "empty"))?;
    let kind = raw
        .kind
        .unwrap_or_default()
        .parse()
        .map_err(|e| RecordError::field(path, line, "kind", format!("{e}")))?;
    let lang = raw
        .lang
        .unwrap_or_default()
        .parse()
        .map_err(|e| RecordError::field(path, line, "lang", format!("{e}")))?;
    Ok(Document {
        id,
        date,
        title: raw.title,
        speaker: raw.speaker,
        source: raw.source,
        kind,
        lang,
        url: raw.url,
        text,
        tags: raw.tags,
        location: raw.location,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_shared_corpus_style_record() {
        let line = r#"{"id": "kremlin-en-1", "date": "2017-09-05", "title": "T", "speaker": "Vladimir Putin", "source": "kremlin.ru", "kind": "press_conference", "lang": "en", "url": "u", "text": "a\nb"}"#;
        let doc = parse_jsonl_record("f.jsonl", 3, line).unwrap();
        assert_eq!(doc.id, "kremlin-en-1");
        assert_eq!(doc.text, "a\nb");
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
}
