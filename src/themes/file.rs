//! The theme file as written (TOML): serde structs that mirror the file one to one.
//!
//! Contract: unknown keys are rejected everywhere (`deny_unknown_fields`); values keep their
//! byte spans ([`Spanned`]) so that validation can name the line of a theme or pattern.
//! The same structs are serialized by the importers, so a converted dictionary is an
//! ordinary theme file. Semantics (defaults, overrides, limits) live in
//! [`super::ThemeSet`].

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use toml::Spanned;

/// A whole theme file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeFile {
    /// Name of the theme set (with its place in the file, for messages).
    pub name: Spanned<String>,
    /// Version of the theme set (free text, e.g. `1.2`).
    #[serde(default)]
    pub version: String,
    /// What the set is for.
    #[serde(default)]
    pub description: String,
    /// The learned models of the set (`themes train`), a JSON file named relative to the
    /// theme file; used by the themes whose `count` is `model` or `either`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<Spanned<String>>,
    /// Negator words per language for `not_after` (built-in lists when absent).
    #[serde(default, skip_serializing_if = "Negators::is_empty")]
    pub negators: Negators,
    /// Named phrase lists per language, used in patterns as `@name`.
    #[serde(default, skip_serializing_if = "Lists::is_empty")]
    pub lists: Lists,
    /// The themes, in the order they are reported.
    #[serde(default, rename = "theme")]
    pub themes: Vec<Spanned<ThemeSpec>>,
}

impl Default for ThemeFile {
    /// An empty file, its parts built in memory (no place in a file).
    fn default() -> ThemeFile {
        ThemeFile {
            name: Spanned::new(0..0, String::new()),
            version: String::new(),
            description: String::new(),
            model: None,
            negators: Negators::default(),
            lists: Lists::default(),
            themes: Vec::new(),
        }
    }
}

/// Named phrase lists per language: `[lists.en] korea = ["korea", "dprk", "pyongyang"]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lists {
    /// English lists.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub en: BTreeMap<String, Spanned<Vec<String>>>,
    /// Russian lists.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ru: BTreeMap<String, Spanned<Vec<String>>>,
}

impl Lists {
    /// Whether no list is defined.
    pub fn is_empty(&self) -> bool {
        self.en.is_empty() && self.ru.is_empty()
    }
}

/// Negator words per language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Negators {
    /// English negators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<Vec<String>>,
    /// Russian negators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ru: Option<Vec<String>>,
}

impl Negators {
    /// Whether neither language overrides the built-in lists.
    pub fn is_empty(&self) -> bool {
        self.en.is_none() && self.ru.is_none()
    }
}

/// One `[[theme]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeSpec {
    /// Identifier used in outputs (`us_blame`).
    pub id: Spanned<String>,
    /// Short human label.
    #[serde(default)]
    pub label: String,
    /// What the theme captures.
    #[serde(default)]
    pub description: String,
    /// When a paragraph counts for the theme (default for its language tables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<CountMode>,
    /// English patterns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<Spanned<LangSpec>>,
    /// Russian patterns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ru: Option<Spanned<LangSpec>>,
}

/// Where a `near` pairing, an `unless` or a `with` phrase is looked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The sentence of the match (default).
    #[default]
    Sentence,
    /// The paragraph of the match.
    Paragraph,
    /// The speaker turn of the match, up to the match's paragraph: a `with` or `unless`
    /// phrase named earlier in the turn, at most `carry` paragraphs back, carries forward
    /// ("our American partners ... they withdrew"), and both sides of a `near` must be in
    /// one turn, at most `carry` paragraphs apart. A turn runs from one speaker label to
    /// the next (without labels, the whole text is one turn).
    Turn,
    /// The whole document.
    Document,
}

impl Scope {
    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Sentence => "sentence",
            Scope::Paragraph => "paragraph",
            Scope::Turn => "turn",
            Scope::Document => "document",
        }
    }
}

/// When a paragraph counts for a theme: by its rules, by its learned model (the file's
/// `model`), or by either.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CountMode {
    /// The patterns match in the paragraph (default).
    #[default]
    Rules,
    /// The model's score of the paragraph reaches its threshold.
    Model,
    /// Either of them; a paragraph both find counts by its rule matches.
    Either,
}

impl CountMode {
    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            CountMode::Rules => "rules",
            CountMode::Model => "model",
            CountMode::Either => "either",
        }
    }

    /// Whether the mode needs the learned model.
    pub fn uses_model(self) -> bool {
        self != CountMode::Rules
    }
}

/// One language table of a theme: `[theme.en]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LangSpec {
    /// When a paragraph counts in this language (overrides the theme's `count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<CountMode>,
    /// Default scope of this table's `near` patterns and `unless`/`with` phrases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// With `scope = "turn"`: how many paragraphs back a phrase carries (default
    /// [`crate::themes::DEFAULT_CARRY`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carry: Option<usize>,
    /// Default `not_after` distance (0 or absent: no negation check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<usize>,
    /// Negators of this table (replacing the file's list for this language).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negators: Option<Vec<String>>,
    /// Phrases that cancel any match of this table found in the same scope.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unless: Vec<Spanned<String>>,
    /// Phrases of which one must occur in the same scope for a match of this table to count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<Spanned<String>>,
    /// The patterns.
    #[serde(default)]
    pub patterns: Vec<Spanned<PatternEntry>>,
    /// Sentences that must and must not match.
    #[serde(default, skip_serializing_if = "Examples::is_empty")]
    pub examples: Examples,
}

/// `examples.match` / `examples.no_match`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Sentences the theme must match.
    #[serde(default, rename = "match", skip_serializing_if = "Vec::is_empty")]
    pub must_match: Vec<String>,
    /// Sentences the theme must not match.
    #[serde(default, rename = "no_match", skip_serializing_if = "Vec::is_empty")]
    pub no_match: Vec<String>,
}

impl Examples {
    /// Whether there is no example.
    pub fn is_empty(&self) -> bool {
        self.must_match.is_empty() && self.no_match.is_empty()
    }
}

/// One pattern: a bare string is a phrase; a table has exactly one of `phrase`, `regex`,
/// `near` plus optional overrides of the table defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternSpec {
    /// A token sequence (see [`super::pattern`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
    /// A regular expression on the raw paragraph text (case-insensitive unless `(?-i)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Two phrases `[A, B]` that must occur near each other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near: Option<Vec<String>>,
    /// For `near`: at most this many tokens between A and B (absent: anywhere in scope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<usize>,
    /// For `near`: B must come after A.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered: Option<bool>,
    /// Overrides the table's scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// Overrides the table's `carry`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carry: Option<usize>,
    /// Overrides the table's `not_after` (0 turns negation off for this pattern).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<usize>,
    /// Replaces the table's `unless` list for this pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unless: Option<Vec<String>>,
    /// Replaces the table's `with` list for this pattern (`[]` drops the requirement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<Vec<String>>,
    /// A comment kept with the pattern (not used for matching).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl PatternSpec {
    /// A bare phrase pattern.
    pub fn phrase(text: impl Into<String>) -> PatternSpec {
        PatternSpec {
            phrase: Some(text.into()),
            ..PatternSpec::default()
        }
    }

    /// A bare regex pattern.
    pub fn regex(text: impl Into<String>) -> PatternSpec {
        PatternSpec {
            regex: Some(text.into()),
            ..PatternSpec::default()
        }
    }

    fn is_bare_phrase(&self) -> bool {
        self.phrase.is_some()
            && PatternSpec {
                phrase: None,
                ..self.clone()
            } == PatternSpec::default()
    }
}

/// A pattern list entry: a bare string is a phrase, a table is a [`PatternSpec`], so that
/// most patterns are one short string.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PatternEntry(pub PatternSpec);

impl<'de> Deserialize<'de> for PatternEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PatternEntry, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = PatternEntry;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a phrase string or a pattern table")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<PatternEntry, E> {
                Ok(PatternEntry(PatternSpec::phrase(v)))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PatternEntry, A::Error> {
                PatternSpec::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(PatternEntry)
            }
        }
        d.deserialize_any(EntryVisitor)
    }
}

impl Serialize for PatternEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0.phrase {
            Some(phrase) if self.0.is_bare_phrase() => s.serialize_str(phrase),
            _ => self.0.serialize(s),
        }
    }
}
