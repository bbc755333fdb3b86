//! Default field values for records that lack a field (`--set kind=statement`).
//!
//! Contract: a default applies only where a record has no value for the field (absent,
//! null, an empty cell, blank); a value the record has always wins. Specifications are
//! checked before any input is read: the field must be a document field other than `id`
//! and `text` (one id or text for every record would make them all the same document), and
//! a default `date`, `kind` or `lang` must itself be valid, so a typo fails once, not once
//! per record.

use super::CorpusError;
use super::date::parse_date;
use super::record::{FIELD_NAMES, field_named};
use crate::document::{Kind, Lang};

/// Values given to records without them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldDefaults {
    /// `(field, value)` pairs in order; a later pair for the same field replaces an earlier
    /// one.
    pairs: Vec<(&'static str, String)>,
}

impl FieldDefaults {
    /// Builds the defaults from `field=value` specifications.
    pub fn parse<S: AsRef<str>>(specs: &[S]) -> Result<FieldDefaults, CorpusError> {
        let mut defaults = FieldDefaults::default();
        for spec in specs {
            let spec = spec.as_ref();
            let bad = |reason: String| CorpusError::BadDefault {
                spec: spec.to_string(),
                reason,
            };
            let (field, value) = spec
                .split_once('=')
                .ok_or_else(|| bad("expected FIELD=VALUE".into()))?;
            let (field, value) = (field.trim(), value.trim());
            let Some(field) = field_named(field) else {
                return Err(bad(format!(
                    "unknown field `{}` (fields: {})",
                    field.to_ascii_lowercase(),
                    FIELD_NAMES.join(", ")
                )));
            };
            if matches!(field, "id" | "text") {
                let hint = if field == "id" {
                    " (--id-prefix TEXT puts a text before every record's id)"
                } else {
                    ""
                };
                return Err(bad(format!(
                    "`{field}` takes no default: every record would get the same {field}{hint}"
                )));
            }
            if value.is_empty() {
                return Err(bad("empty value".into()));
            }
            match field {
                "date" => parse_date(value).map(drop).map_err(|e| e.to_string()),
                "kind" => value.parse::<Kind>().map(drop).map_err(|e| e.to_string()),
                "lang" => value.parse::<Lang>().map(drop).map_err(|e| e.to_string()),
                _ => Ok(()),
            }
            .map_err(bad)?;
            defaults.pairs.retain(|(f, _)| *f != field);
            defaults.pairs.push((field, value.to_string()));
        }
        Ok(defaults)
    }

    /// The `(field, value)` pairs.
    pub fn pairs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.pairs.iter().map(|(f, v)| (*f, v.as_str()))
    }

    /// Whether no default is set.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specifications_are_checked_before_reading() {
        let defaults = FieldDefaults::parse(&["Kind=statement", "source = my archive"]).unwrap();
        let pairs: Vec<_> = defaults.pairs().collect();
        assert_eq!(pairs, [("kind", "statement"), ("source", "my archive")]);
        let later = FieldDefaults::parse(&["kind=news", "kind=speech"]).unwrap();
        assert_eq!(later.pairs().collect::<Vec<_>>(), [("kind", "speech")]);
        for (spec, reason) in [
            ("kind", "expected FIELD=VALUE"),
            ("colour=red", "unknown field `colour`"),
            ("id=x", "`id` takes no default"),
            ("text=x", "`text` takes no default"),
            ("kind=", "empty value"),
            ("kind=podcast", "unknown kind `podcast`"),
            ("lang=fr", "fr"),
            ("date=someday", "someday"),
        ] {
            let err = FieldDefaults::parse(&[spec]).unwrap_err().to_string();
            assert!(err.starts_with(&format!("--set {spec}: ")), "{err}");
            assert!(err.contains(reason), "{spec}: {err}");
        }
    }
}
