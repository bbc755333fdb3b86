//! The document model shared by every stage: one official statement with its metadata.
//!
//! Contract: `text` is kept exactly as given (paragraphs separated by `\n`), so paragraph
//! indexes computed anywhere (evidence, gold labels) refer to the same paragraphs.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One statement: a transcript, speech, interview, briefing, article or news item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Unique identifier; re-ingesting the same id replaces the document.
    pub id: String,
    /// Publication date.
    pub date: NaiveDate,
    /// Title as published.
    pub title: String,
    /// Main speaker (may be empty for news items).
    pub speaker: String,
    /// Publisher, e.g. `kremlin.ru` or `mid.ru`.
    pub source: String,
    /// Genre of the statement.
    pub kind: Kind,
    /// Language of the text.
    pub lang: Lang,
    /// Original address.
    pub url: String,
    /// Full text, paragraphs separated by `\n`, stored exactly as given.
    pub text: String,
    /// Free-form tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Place where the statement was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl Document {
    /// The paragraphs of the text, split on `\n` (indexes match evidence and gold labels).
    pub fn paragraphs(&self) -> std::str::Split<'_, char> {
        self.text.split('\n')
    }

    /// A stable hash of everything that is indexed, used to skip unchanged documents.
    pub fn content_hash(&self) -> String {
        let mut hasher = blake3::Hasher::new();
        for part in [
            self.id.as_str(),
            &self.date.to_string(),
            &self.title,
            &self.speaker,
            &self.source,
            self.kind.as_str(),
            self.lang.as_str(),
            &self.url,
            &self.text,
            &self.tags.join("\u{1f}"),
            self.location.as_deref().unwrap_or(""),
        ] {
            hasher.update(part.as_bytes());
            hasher.update(&[0x1e]);
        }
        hasher.finalize().to_hex()[..32].to_string()
    }
}

/// Structure computed at ingest: the denominators of every rate, and who speaks where.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocStructure {
    /// Word tokens in the text (as counted by the analyzer's tokenizer).
    pub n_words: u64,
    /// Sentences in the text.
    pub n_sentences: u64,
    /// Paragraphs in the text (lines split on `\n`).
    pub n_paragraphs: u64,
    /// One entry per paragraph: the speaker turn it belongs to.
    pub paragraphs: Vec<ParagraphTurn>,
}

impl DocStructure {
    /// The turn of paragraph `para`, if the structure has one.
    pub fn turn(&self, para: usize) -> Option<&ParagraphTurn> {
        self.paragraphs.get(para)
    }
}

/// Who speaks in one paragraph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParagraphTurn {
    /// The speaker named by the last speaker label (`Vladimir Putin:`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// The guessed role of that speaker.
    pub role: Role,
    /// Word tokens in this paragraph (denominator for per-speaker rates).
    #[serde(default)]
    pub n_words: u64,
}

impl Lang {
    /// Whether a selection of `langs` (every language when empty) holds this language.
    pub fn selected_by(self, langs: &[Lang]) -> bool {
        langs.is_empty() || langs.contains(&self)
    }
}

/// Error for a value outside a fixed vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}` (expected one of: {expected})")]
pub struct UnknownValue {
    /// What kind of value it was (`kind`, `lang`, `role`).
    pub what: &'static str,
    /// The value given.
    pub value: String,
    /// The accepted values, comma-separated.
    pub expected: &'static str,
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical lowercase name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(value: &str) -> Result<Self, UnknownValue> {
                // Stored values are canonical: answered without allocating.
                $(if value == $text { return Ok($name::$variant); })+
                let wanted = value.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                $(if wanted == $text { return Ok($name::$variant); })+
                Err(UnknownValue {
                    what: $what,
                    value: value.to_string(),
                    expected: concat!($($text, " "),+).trim_ascii_end(),
                })
            }
        }
    };
}

vocabulary!(
    /// Genre of a statement (a fixed vocabulary; anything else is rejected at ingest).
    Kind, "kind", {
        /// A prepared speech or address.
        Speech => "speech",
        /// A transcript of a meeting, talks or conversation.
        Transcript => "transcript",
        /// A news or press conference.
        PressConference => "press_conference",
        /// An interview given to the media.
        Interview => "interview",
        /// An article signed by an official.
        Article => "article",
        /// An official statement or declaration.
        Statement => "statement",
        /// A ministry briefing.
        Briefing => "briefing",
        /// A news item, readout or announcement.
        News => "news",
    }
);

vocabulary!(
    /// Language of a document; selects the analyzer (stemmer) for its text.
    Lang, "lang", {
        /// English.
        En => "en",
        /// Russian.
        Ru => "ru",
    }
);

vocabulary!(
    /// Who speaks in a paragraph, guessed from speaker labels at ingest.
    Role, "role", {
        /// A Russian official (the president, ministers, spokespeople).
        Official => "official",
        /// A journalist or moderator asking questions.
        Journalist => "journalist",
        /// A foreign head of state, minister or official.
        Foreign => "foreign",
        /// The publisher's own narration (no speaker label in force).
        Narration => "narration",
        /// Anyone else (experts, participants).
        Other => "other",
    }
);

/// A document for tests: `text` in `lang` under `title`, by Vladimir Putin on 2017-09-05.
#[cfg(test)]
pub(crate) fn test_document(lang: Lang, title: &str, text: &str) -> Document {
    Document {
        id: "p".into(),
        date: chrono::NaiveDate::from_ymd_opt(2017, 9, 5).unwrap(),
        title: title.into(),
        speaker: "Vladimir Putin".into(),
        source: "kremlin.ru".into(),
        kind: Kind::Transcript,
        lang,
        url: String::new(),
        text: text.into(),
        tags: vec![],
        location: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_parses_canonical_and_loose_forms() {
        assert_eq!(
            "press_conference".parse::<Kind>(),
            Ok(Kind::PressConference)
        );
        assert_eq!(
            "Press Conference".parse::<Kind>(),
            Ok(Kind::PressConference)
        );
        assert_eq!("news".parse::<Kind>(), Ok(Kind::News));
    }

    #[test]
    fn unknown_kind_lists_the_vocabulary() {
        let err = "podcast".parse::<Kind>().unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`podcast`"), "{text}");
        assert!(text.contains("press_conference"), "{text}");
    }

    #[test]
    fn content_hash_changes_with_text() {
        let mut doc = Document {
            id: "a".into(),
            date: NaiveDate::from_ymd_opt(2017, 9, 5).unwrap(),
            title: "t".into(),
            speaker: "s".into(),
            source: "kremlin.ru".into(),
            kind: Kind::News,
            lang: Lang::En,
            url: String::new(),
            text: "one\ntwo".into(),
            tags: vec![],
            location: None,
        };
        let before = doc.content_hash();
        assert_eq!(before, doc.content_hash());
        doc.text.push('!');
        assert_ne!(before, doc.content_hash());
    }
}
