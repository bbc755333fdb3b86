//! One input record as its fields were read (any format), and its validation into a
//! [`Document`].
//!
//! Every reader fills a [`RawRecord`] by field name and calls [`RawRecord::into_document`],
//! so the rules are the same whatever the format: `id`, `date`, `kind` and a non-blank
//! `text` are required; `date` goes through [`parse_date`]; `kind` must be one of the
//! vocabulary; a missing `lang` is detected from the text ([`detect_lang`]); an `id` is at
//! most [`MAX_ID_BYTES`] long; every error names file, line and field.

use super::RecordError;
use super::date::parse_date;
use super::defaults::FieldDefaults;
use super::lang::detect_lang;
use crate::document::{Document, Kind, Lang};

/// The longest id accepted, in bytes of UTF-8. The index finds a document by its id as one
/// term, and Tantivy does not index a term longer than 65,530 bytes: a longer id could not
/// be found again, so re-ingesting its document would add a second copy. 4 KiB holds
/// any URL or path a source uses as an id.
pub const MAX_ID_BYTES: usize = 4096;

/// The document fields an input may provide, in the order of the document model.
pub const FIELD_NAMES: &[&str] = &[
    "id", "date", "title", "speaker", "source", "kind", "lang", "url", "text", "tags", "location",
];

/// The document field called `name`, whatever its case (JSON keys, CSV headers, front
/// matter keys and `--map`/`--set` all name fields so).
pub(crate) fn field_named(name: &str) -> Option<&'static str> {
    FIELD_NAMES
        .iter()
        .copied()
        .find(|field| field.eq_ignore_ascii_case(name))
}

/// The fields of one record, as strings, before validation.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RawRecord {
    id: Option<String>,
    date: Option<String>,
    title: Option<String>,
    speaker: Option<String>,
    source: Option<String>,
    kind: Option<String>,
    lang: Option<String>,
    url: Option<String>,
    text: Option<String>,
    tags: Vec<String>,
    location: Option<String>,
    /// Lines of fields that do not sit on the record's own line (front matter keys).
    field_lines: Vec<(&'static str, usize)>,
}

impl RawRecord {
    /// Sets `field` (one of [`FIELD_NAMES`]) to `value`; returns false for an unknown field.
    ///
    /// `tags` given as one string is split on commas and semicolons.
    pub(crate) fn set(&mut self, field: &str, value: String) -> bool {
        let slot = match field {
            "id" => &mut self.id,
            "date" => &mut self.date,
            "title" => &mut self.title,
            "speaker" => &mut self.speaker,
            "source" => &mut self.source,
            "kind" => &mut self.kind,
            "lang" => &mut self.lang,
            "url" => &mut self.url,
            "text" => &mut self.text,
            "location" => &mut self.location,
            "tags" => {
                self.tags = split_tags(&value);
                return true;
            }
            _ => return false,
        };
        *slot = Some(value);
        true
    }

    /// Sets the tags from a list.
    pub(crate) fn set_tags(&mut self, tags: Vec<String>) {
        self.tags = tags
            .into_iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
    }

    /// Whether `field` has a value already.
    pub(crate) fn has(&self, field: &str) -> bool {
        match field {
            "id" => self.id.is_some(),
            "text" => self.text.is_some(),
            _ => false,
        }
    }

    /// Gives each field of `defaults` its value where this record has none (absent or
    /// blank; for `tags`, no tag).
    pub(crate) fn fill_defaults(&mut self, defaults: &FieldDefaults) {
        for (field, value) in defaults.pairs() {
            let lacks = match field {
                "tags" => self.tags.is_empty(),
                _ => self.value(field).is_none_or(|v| v.trim().is_empty()),
            };
            if lacks {
                self.set(field, value.to_string());
            }
        }
    }

    /// The value of a single-valued `field`.
    fn value(&self, field: &str) -> Option<&str> {
        match field {
            "id" => self.id.as_deref(),
            "date" => self.date.as_deref(),
            "title" => self.title.as_deref(),
            "speaker" => self.speaker.as_deref(),
            "source" => self.source.as_deref(),
            "kind" => self.kind.as_deref(),
            "lang" => self.lang.as_deref(),
            "url" => self.url.as_deref(),
            "text" => self.text.as_deref(),
            "location" => self.location.as_deref(),
            _ => None,
        }
    }

    /// The required fields this record has no value for (absent or blank), in field order.
    fn missing_required(&self) -> Vec<&'static str> {
        REQUIRED
            .iter()
            .copied()
            .filter(|field| self.value(field).is_none_or(|v| v.trim().is_empty()))
            .collect()
    }

    /// Records that `field` was read on `line` (used for front matter, where fields and
    /// the text each sit on their own lines).
    pub(crate) fn set_line(&mut self, field: &'static str, line: usize) {
        self.field_lines.push((field, line));
    }

    /// The line `field` was first read on, when [`RawRecord::set_line`] recorded one.
    pub(crate) fn line_set(&self, field: &str) -> Option<usize> {
        self.field_lines
            .iter()
            .find(|(f, _)| *f == field)
            .map(|&(_, l)| l)
    }

    /// Validates the record read from `path` at `line` into a document.
    pub(crate) fn into_document(self, path: &str, line: usize) -> Result<Document, RecordError> {
        let line_of = |field: &str| {
            self.field_lines
                .iter()
                .rev()
                .find(|(f, _)| *f == field)
                .map_or(line, |&(_, l)| l)
        };
        let error =
            |field: &str, reason: String| RecordError::field(path, line_of(field), field, reason);
        // Several required fields lacking: one error naming them all, so a file of one's
        // own is fixed in one pass rather than one field per run.
        let missing = self.missing_required();
        if missing.len() > 1 {
            let kind_hint = if missing.contains(&"kind") {
                kind_hint()
            } else {
                String::new()
            };
            let blank = missing.iter().any(|field| self.value(field).is_some());
            return Err(RecordError::field(
                path,
                line,
                &missing.join(", "),
                format!("missing{}{kind_hint}", if blank { " or empty" } else { "" }),
            ));
        }
        let id = match self.id.as_deref().map(str::trim) {
            None => return Err(error("id", "missing".into())),
            Some("") => return Err(error("id", "empty".into())),
            Some(id) if id.len() > MAX_ID_BYTES => {
                return Err(error(
                    "id",
                    format!(
                        "{} bytes long, longer than the {MAX_ID_BYTES} an id may have",
                        id.len()
                    ),
                ));
            }
            Some(id) => id.to_string(),
        };
        let date = match self.date.as_deref().map(str::trim) {
            None | Some("") => return Err(error("date", "missing".into())),
            Some(text) => parse_date(text).map_err(|e| error("date", e.to_string()))?,
        };
        let kind = match self.kind.as_deref().map(str::trim) {
            None | Some("") => {
                return Err(error(
                    "kind",
                    format!("missing (expected one of: {})", kind_values()),
                ));
            }
            Some(kind) => kind
                .parse::<Kind>()
                .map_err(|e| error("kind", e.to_string()))?,
        };
        let text = match self.text {
            None => return Err(error("text", "missing".into())),
            Some(text) if text.trim().is_empty() => return Err(error("text", "empty".into())),
            Some(text) => text,
        };
        let lang = match self.lang.as_deref().map(str::trim) {
            None | Some("") => detect_lang(&text),
            Some(lang) => lang
                .parse::<Lang>()
                .map_err(|e| error("lang", e.to_string()))?,
        };
        let clean = |value: Option<String>| value.map(|v| v.trim().to_string()).unwrap_or_default();
        Ok(Document {
            id,
            date,
            title: clean(self.title),
            speaker: clean(self.speaker),
            source: clean(self.source),
            kind,
            lang,
            url: clean(self.url),
            text,
            tags: self.tags,
            location: self
                .location
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty()),
        })
    }
}

/// The fields a record must have (`lang` is detected when missing).
pub(crate) const REQUIRED: &[&str] = &["id", "date", "kind", "text"];

/// The kinds, as the vocabulary's own error lists them for a wrong value.
fn kind_values() -> &'static str {
    "".parse::<Kind>().err().map_or("", |e| e.expected)
}

/// ` (kind is one of: speech ...)`, for a message about a missing kind.
pub(crate) fn kind_hint() -> String {
    format!(" (kind is one of: {})", kind_values())
}

/// Tags written as one string: `korea, sanctions; dprk`.
fn split_tags(value: &str) -> Vec<String> {
    value
        .split([',', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> RawRecord {
        let mut raw = RawRecord::default();
        for (field, value) in [
            ("id", " d1 "),
            ("date", "5 September 2017"),
            ("kind", "Press Conference"),
            ("text", "First paragraph.\nSecond one."),
            ("tags", "korea; sanctions, ,dprk"),
        ] {
            assert!(raw.set(field, value.to_string()));
        }
        raw
    }

    #[test]
    fn a_complete_record_becomes_a_document() {
        let doc = complete().into_document("in.csv", 2).unwrap();
        assert_eq!(doc.id, "d1");
        assert_eq!(doc.date.to_string(), "2017-09-05");
        assert_eq!(doc.kind, Kind::PressConference);
        assert_eq!(doc.lang, Lang::En, "detected from the text");
        assert_eq!(doc.tags, ["korea", "sanctions", "dprk"]);
        assert_eq!(doc.location, None);
    }

    #[test]
    fn an_id_longer_than_the_limit_is_rejected() {
        let mut raw = complete();
        raw.set("id", "x".repeat(MAX_ID_BYTES));
        assert!(raw.clone().into_document("f", 1).is_ok());
        raw.set("id", "x".repeat(MAX_ID_BYTES + 1));
        let err = raw.into_document("f", 4).unwrap_err().to_string();
        assert!(err.starts_with("f:4: id: 4097 bytes long"), "{err}");
    }

    #[test]
    fn missing_lang_is_detected_as_russian_for_cyrillic_text() {
        let mut raw = complete();
        raw.set("text", "Санкции бесполезны.".into());
        assert_eq!(raw.into_document("f", 1).unwrap().lang, Lang::Ru);
    }

    #[test]
    fn each_required_field_is_named_when_missing() {
        for field in ["id", "date", "kind", "text"] {
            let mut raw = complete();
            match field {
                "id" => raw.id = None,
                "date" => raw.date = None,
                "kind" => raw.kind = None,
                _ => raw.text = None,
            }
            let err = raw.into_document("f.jsonl", 4).unwrap_err();
            assert_eq!(err.field.as_deref(), Some(field));
            assert!(
                err.to_string()
                    .starts_with(&format!("f.jsonl:4: {field}: missing")),
                "{err}"
            );
        }
    }

    #[test]
    fn every_missing_required_field_is_named_at_once() {
        let mut raw = RawRecord::default();
        raw.set("title", "Only a title".into());
        let err = raw.clone().into_document("mine.csv", 7).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("id, date, kind, text"));
        let text = err.to_string();
        assert!(
            text.starts_with("mine.csv:7: id, date, kind, text: missing (kind is one of: speech"),
            "{text}"
        );
        raw.set("id", "a".into());
        raw.set("kind", "news".into());
        raw.set("text", "  ".into());
        let err = raw.into_document("mine.csv", 7).unwrap_err().to_string();
        assert_eq!(err, "mine.csv:7: date, text: missing or empty");
    }

    #[test]
    fn defaults_fill_only_what_a_record_lacks() {
        let defaults =
            FieldDefaults::parse(&["kind=statement", "source=archive", "tags=a, b"]).unwrap();
        let mut raw = complete();
        raw.kind = None;
        raw.source = Some(" ".into());
        raw.fill_defaults(&defaults);
        let doc = raw.into_document("f", 1).unwrap();
        assert_eq!(doc.kind, Kind::Statement);
        assert_eq!(doc.source, "archive");
        assert_eq!(
            doc.tags,
            ["korea", "sanctions", "dprk"],
            "the record's own tags win"
        );
        let mut raw = complete();
        raw.fill_defaults(&defaults);
        assert_eq!(
            raw.into_document("f", 1).unwrap().kind,
            Kind::PressConference
        );
        let mut raw = RawRecord::default();
        raw.fill_defaults(&defaults);
        assert_eq!(raw.tags, ["a", "b"]);
    }

    #[test]
    fn blank_text_is_empty_and_bad_values_explain_themselves() {
        let mut raw = complete();
        raw.set("text", " \n ".into());
        assert_eq!(
            raw.into_document("f", 1).unwrap_err().to_string(),
            "f:1: text: empty"
        );
        let mut raw = complete();
        raw.set("kind", "podcast".into());
        let err = raw.into_document("f", 1).unwrap_err().to_string();
        assert!(
            err.contains("kind: unknown kind `podcast`") && err.contains("briefing"),
            "{err}"
        );
        let mut raw = complete();
        raw.set("date", "someday".into());
        let err = raw.into_document("f", 1).unwrap_err().to_string();
        assert!(
            err.starts_with("f:1: date: cannot parse `someday`"),
            "{err}"
        );
        let mut raw = complete();
        raw.set("lang", "de".into());
        let err = raw.into_document("f", 1).unwrap_err().to_string();
        assert!(err.starts_with("f:1: lang: unknown lang `de`"), "{err}");
    }

    #[test]
    fn field_lines_point_errors_at_their_own_line() {
        let mut raw = complete();
        raw.set("date", "never".into());
        raw.set_line("date", 3);
        let err = raw.into_document("a.md", 1).unwrap_err();
        assert_eq!(err.line, 3);
    }
}
