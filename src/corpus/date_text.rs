//! A date field of a TOML file (job filters, periods files, the speaker registry), written
//! either as a string (`from = "2017-01-01"`) or as a TOML date (`from = 2017-01-01`, valid
//! TOML and what a TOML user naturally writes): both give the same text, which the caller
//! parses and checks as any date it reads.

use serde::{Deserialize, Deserializer};

/// The text of a date field: the string as written, or a TOML date in its TOML form
/// (`2017-01-01`; a date with a time keeps it, `2017-01-01T10:00:00Z`, and is refused by the
/// caller's date format like any other text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateText(pub String);

impl DateText {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DateText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<DateText, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, expecting = "a date, \"2017-01-01\" or 2017-01-01")]
        enum Written {
            Text(String),
            Date(toml::value::Datetime),
        }
        Ok(DateText(match Written::deserialize(deserializer)? {
            Written::Text(text) => text,
            Written::Date(date) => date.to_string(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Dated {
        from: toml::Spanned<DateText>,
        to: Option<DateText>,
    }

    #[test]
    fn quoted_and_bare_dates_give_the_same_text() {
        let quoted: Dated = toml::from_str("from = \"2017-01-01\"\nto = \"2017-12-31\"").unwrap();
        let bare: Dated = toml::from_str("from = 2017-01-01\nto = 2017-12-31").unwrap();
        for dated in [&quoted, &bare] {
            assert_eq!(dated.from.get_ref().as_str(), "2017-01-01");
            assert_eq!(dated.to.as_ref().map(DateText::as_str), Some("2017-12-31"));
        }
        assert_eq!(bare.from.span(), 7..17);
        let timed: Dated = toml::from_str("from = 2017-01-01T10:00:00Z").unwrap();
        assert_eq!(timed.from.get_ref().as_str(), "2017-01-01T10:00:00Z");
        let err = toml::from_str::<Dated>("from = 5").unwrap_err();
        assert!(err.message().contains("a date"), "{}", err.message());
    }
}
