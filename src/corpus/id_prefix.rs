//! `--id-prefix`: a text put before the id of every record read, so that two sources
//! numbering their records alike (rows 1, 2, ... of two tables) keep apart in one index
//! instead of replacing each other's documents.
//!
//! Contract: a prefix is at most [`MAX_PREFIX_BYTES`] long, holds no whitespace or control
//! character at its ends or inside, and is checked before any input is read; a prefixed id
//! longer than [`MAX_ID_BYTES`] rejects its record at its line, as a long id would.

use super::record::MAX_ID_BYTES;
use super::{CorpusError, RecordError, SourcedDocument};

/// The longest prefix accepted.
pub const MAX_PREFIX_BYTES: usize = 256;

/// A checked id prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdPrefix(String);

impl IdPrefix {
    /// Checks `text` as a prefix.
    pub fn parse(text: &str) -> Result<IdPrefix, CorpusError> {
        let bad = |reason: &str| CorpusError::BadIdPrefix {
            text: text.escape_debug().to_string(),
            reason: reason.to_string(),
        };
        if text.is_empty() {
            return Err(bad("empty"));
        }
        if text.len() > MAX_PREFIX_BYTES {
            return Err(bad(&format!(
                "{} bytes long, longer than the {MAX_PREFIX_BYTES} a prefix may have",
                text.len()
            )));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad(
                "holds a space or a control character; ids are compared as they are written",
            ));
        }
        Ok(IdPrefix(text.to_string()))
    }

    /// The prefix as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `sourced` with its id prefixed, or the error of an id grown too long.
    pub(crate) fn apply(
        &self,
        mut sourced: SourcedDocument,
    ) -> Result<SourcedDocument, RecordError> {
        let id = &mut sourced.doc.id;
        let length = self.0.len() + id.len();
        if length > MAX_ID_BYTES {
            return Err(RecordError::field(
                &sourced.path,
                sourced.line,
                "id",
                format!(
                    "{length} bytes long with --id-prefix {}, longer than the {MAX_ID_BYTES} \
                     an id may have",
                    self.0
                ),
            ));
        }
        id.insert_str(0, &self.0);
        Ok(sourced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, Kind, Lang};

    fn sourced(id: &str) -> SourcedDocument {
        let doc = Document {
            id: id.to_string(),
            date: chrono::NaiveDate::from_ymd_opt(2017, 9, 5).unwrap(),
            title: String::new(),
            speaker: String::new(),
            source: String::new(),
            kind: Kind::News,
            lang: Lang::En,
            url: String::new(),
            text: "Text.".into(),
            tags: vec![],
            location: None,
        };
        SourcedDocument {
            doc,
            path: "rows.csv".into(),
            line: 3,
        }
    }

    #[test]
    fn a_prefix_goes_before_the_id() {
        let prefix = IdPrefix::parse("tass-").unwrap();
        assert_eq!(prefix.apply(sourced("1")).unwrap().doc.id, "tass-1");
    }

    #[test]
    fn a_prefix_is_checked_before_use() {
        for (text, reason) in [
            ("", "empty"),
            ("tass ", "holds a space"),
            ("a\tb", "holds a space"),
            ("a\u{7}", "control character"),
        ] {
            let err = IdPrefix::parse(text).unwrap_err().to_string();
            assert!(err.contains(reason), "{text:?}: {err}");
            assert!(err.starts_with("--id-prefix "), "{err}");
        }
        let long = "p".repeat(MAX_PREFIX_BYTES + 1);
        assert!(IdPrefix::parse(&long).is_err());
        assert!(IdPrefix::parse(&long[1..]).is_ok());
    }

    #[test]
    fn an_id_grown_too_long_is_rejected_at_its_line() {
        let prefix = IdPrefix::parse("tass-").unwrap();
        let err = prefix
            .apply(sourced(&"x".repeat(MAX_ID_BYTES - 4)))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("rows.csv:3: id: 4097 bytes long with --id-prefix tass-"),
            "{err}"
        );
        assert!(prefix.apply(sourced(&"x".repeat(MAX_ID_BYTES - 5))).is_ok());
    }
}
