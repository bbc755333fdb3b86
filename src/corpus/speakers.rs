//! The speaker registry: who the people behind turn labels and document speakers are, so
//! that `Vladimir Putin`, `President Putin`, `В.Путин` and `Владимир Путин` count as one
//! person, and `Question` or `Реплика` as nobody.
//!
//! A registry file (TOML; the default is `corpus/speakers.toml`, compiled in) lists
//! `generic` labels, which never name a person, and `[[person]]` entries: a canonical
//! `name`, `aliases` in any script, a `role` ([`Office`]), a `country` (ISO 3166 alpha-2,
//! `RU` for Russia) and optional `periods` in office (`role`, `title`, `from`, `to`), which
//! decide the role on a given date. A user file extends the default: a person with the
//! name of a default entry replaces it, others are added, generic labels are added.
//!
//! Resolution happens at query time, over the raw labels stored in the index: indexes
//! built before the registry existed work unchanged, a registry edit takes effect without
//! re-ingesting, and the raw label stays in the index (`search` shows it). Labels are
//! compared folded (lowercase, `ё` as `е`, parenthesised notes and spaces after initials
//! dropped: `В. Путин (как переведено)` is `в.путин`); besides its aliases, each person is
//! found by first initial and surname of every two-word alias (`V.Putin`, `В.Путин`) unless
//! two people share that form.
//!
//! Contract: loading validates everything and names `FILE:LINE` of the first problem (an
//! unknown role, a bad country or date, an alias claimed by two people or equal to a
//! generic label, a person twice in one file); every alias of a loaded registry resolves
//! to its own person; a generic label never resolves to a person.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::DateText;
use super::date::parse_iso_day;
use crate::document::{ParagraphTurn, Role};
use crate::text::toml_error::{line_of, toml_error_place};

/// Where the default registry lives in the repository (relative to its root).
pub const DEFAULT_SPEAKERS_FILE: &str = "corpus/speakers.toml";

/// The name the compiled-in registry is known by in errors (no file exists there).
pub const BUILTIN_SPEAKERS_PATH: &str = "(built-in)/speakers.toml";

/// The default registry's text, as compiled into the binary.
pub const BUILTIN_SPEAKERS_TOML: &str = include_str!("../../corpus/speakers.toml");

/// What a person does (the registry's `role`); [`Office::role`] maps it, with the
/// person's country, onto the paragraph [`Role`] that analyses group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Office {
    /// President, monarch.
    HeadOfState,
    /// Prime minister, chancellor.
    HeadOfGovernment,
    /// A member of a government.
    Minister,
    /// Any other state official (aides, spokespeople, governors, agency heads, judges).
    Official,
    /// A member of a parliament.
    Legislator,
    /// A diplomat.
    Diplomat,
    /// An officer of the armed forces.
    Military,
    /// A journalist or interviewer.
    Journalist,
    /// A moderator or presenter of a session.
    Moderator,
    /// A scholar or analyst.
    Expert,
    /// A manager of a company or bank.
    Business,
    /// A religious leader.
    Religious,
    /// Anyone else.
    Other,
}

impl Office {
    /// The paragraph role of someone in this office from `country` (`RU` is Russia).
    pub fn role(self, country: &str) -> Role {
        match self {
            Office::Journalist | Office::Moderator => Role::Journalist,
            Office::Expert | Office::Business | Office::Religious | Office::Other => Role::Other,
            _ if country == "RU" => Role::Official,
            _ => Role::Foreign,
        }
    }
}

/// A period in office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficePeriod {
    /// The office held.
    pub role: Office,
    /// Its title (`Prime Minister of Russia`), for people reading the registry.
    pub title: String,
    /// First day.
    pub from: NaiveDate,
    /// Last day (`None`: still in office).
    pub to: Option<NaiveDate>,
}

/// One person of the registry (serialized with the registry file's keys, as
/// `speakers list --json` prints it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// Canonical name: what outputs show and counts group by.
    pub name: String,
    /// Other ways labels write the name.
    pub aliases: Vec<String>,
    /// The office when no period covers a date.
    pub role: Office,
    /// ISO 3166 alpha-2 code (`RU`, `US`).
    pub country: String,
    /// Periods in office.
    pub periods: Vec<OfficePeriod>,
}

impl Person {
    /// The office on `date`: the period that covers it, else the person's `role`.
    pub fn office_on(&self, date: NaiveDate) -> Office {
        self.periods
            .iter()
            .find(|p| p.from <= date && p.to.is_none_or(|to| date <= to))
            .map_or(self.role, |p| p.role)
    }

    /// The paragraph role of this person on `date`.
    pub fn role_on(&self, date: NaiveDate) -> Role {
        self.office_on(date).role(&self.country)
    }
}

/// What a label refers to, a person by their place in the registry (for caches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lookup {
    Person(usize),
    Generic,
    Unknown,
}

/// What a label resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved<'a> {
    /// A person of the registry.
    Person(&'a Person),
    /// A generic label (`Question`, `Реплика`): nobody in particular.
    Generic,
    /// Not in the registry.
    Unknown,
}

/// A registry file is invalid.
#[derive(Debug, thiserror::Error)]
pub enum SpeakerError {
    /// The file cannot be read.
    #[error("cannot read speaker registry {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid, at a line.
    #[error("{path}:{line}: {reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// The registry as written in a file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    #[serde(default)]
    generic: Vec<toml::Spanned<String>>,
    #[serde(default)]
    person: Vec<PersonEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonEntry {
    name: toml::Spanned<String>,
    #[serde(default)]
    aliases: Vec<toml::Spanned<String>>,
    role: toml::Spanned<String>,
    country: toml::Spanned<String>,
    #[serde(default)]
    periods: Vec<PeriodEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodEntry {
    role: toml::Spanned<String>,
    #[serde(default)]
    title: String,
    from: toml::Spanned<DateText>,
    #[serde(default)]
    to: Option<toml::Spanned<DateText>>,
}

/// A loaded, validated registry.
#[derive(Debug, Clone, Default)]
pub struct SpeakerRegistry {
    persons: Vec<Person>,
    /// Folded alias (canonical name included) -> person.
    by_key: HashMap<String, usize>,
    /// Folded generic labels.
    generic: HashSet<String>,
    /// (first initial, surname) of every alias -> its person, `None` when two people
    /// share the form.
    initials: HashMap<(char, String), Option<usize>>,
    /// The files it was loaded from, in order.
    sources: Vec<PathBuf>,
}

static BUILTIN: LazyLock<Arc<SpeakerRegistry>> = LazyLock::new(|| {
    Arc::new(
        SpeakerRegistry::from_toml(
            Path::new(BUILTIN_SPEAKERS_PATH),
            BUILTIN_SPEAKERS_TOML,
            None,
        )
        .expect("corpus/speakers.toml is valid (checked by a test)"),
    )
});

impl PartialEq for SpeakerRegistry {
    /// Two registries are equal when they were loaded from the same files.
    fn eq(&self, other: &Self) -> bool {
        self.sources == other.sources
    }
}

impl Eq for SpeakerRegistry {}

impl SpeakerRegistry {
    /// The default registry, compiled in.
    pub fn builtin() -> Arc<SpeakerRegistry> {
        Arc::clone(&BUILTIN)
    }

    /// The default registry extended by the file at `path`.
    pub fn load(path: &Path) -> Result<SpeakerRegistry, SpeakerError> {
        let text = std::fs::read_to_string(path).map_err(|source| SpeakerError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if text == BUILTIN_SPEAKERS_TOML {
            // The repository's own file (a run from its folder): extending the default
            // registry by the file it was parsed from replaces each person by the same
            // person, so only the list of sources changes; the second parse and its
            // folding are half of a small count's fixed cost.
            let mut registry = SpeakerRegistry::clone(&BUILTIN);
            registry.sources.push(path.to_path_buf());
            return Ok(registry);
        }
        SpeakerRegistry::from_toml(path, &text, Some(&BUILTIN))
    }

    /// The registry in `text` (known as `path` in errors), extending `base` when given.
    pub fn from_toml(
        path: &Path,
        text: &str,
        base: Option<&SpeakerRegistry>,
    ) -> Result<SpeakerRegistry, SpeakerError> {
        let invalid = |span: std::ops::Range<usize>, reason: String| SpeakerError::Invalid {
            path: path.to_path_buf(),
            line: line_of(text, span.start),
            reason,
        };
        let file: RegistryFile = toml::from_str(text).map_err(|e| {
            let (line, reason) = toml_error_place(text, &e);
            SpeakerError::Invalid {
                path: path.to_path_buf(),
                line: line.unwrap_or(1),
                reason,
            }
        })?;
        let mut registry = base.cloned().unwrap_or_default();
        registry.sources.push(path.to_path_buf());
        for label in &file.generic {
            let key = fold(label.get_ref());
            if key.is_empty() {
                return Err(invalid(label.span(), "empty generic label".into()));
            }
            registry.generic.insert(key);
        }
        let mut named_here: HashSet<String> = HashSet::new();
        // Folded canonical name -> person, to find the base entry a person replaces (names
        // are unique once folded: a file cannot list one twice, and a repeated name replaces).
        let mut by_name: HashMap<String, usize> = registry
            .persons
            .iter()
            .enumerate()
            .map(|(i, p)| (fold(&p.name), i))
            .collect();
        // Folded name and aliases of each entry of the file, for the checks below.
        let mut entry_keys: Vec<Vec<String>> = Vec::with_capacity(file.person.len());
        for entry in &file.person {
            let name = entry.name.get_ref().trim().to_string();
            if name.is_empty() {
                return Err(invalid(entry.name.span(), "empty name".into()));
            }
            let folded_name = fold(&name);
            if !named_here.insert(folded_name.clone()) {
                return Err(invalid(
                    entry.name.span(),
                    format!("`{name}` is listed twice"),
                ));
            }
            let office = |value: &toml::Spanned<String>| {
                parse_office(value.get_ref()).map_err(|reason| invalid(value.span(), reason))
            };
            let date = |value: &toml::Spanned<DateText>| {
                parse_iso_day(value.get_ref().as_str())
                    .map_err(|e| invalid(value.span(), format!("`{}`: {e}", value.get_ref())))
            };
            let country = entry.country.get_ref().trim();
            if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
                return Err(invalid(
                    entry.country.span(),
                    format!("country `{country}` is not a two-letter code (RU, US)"),
                ));
            }
            let mut periods = Vec::new();
            for period in &entry.periods {
                let from = date(&period.from)?;
                let to = period.to.as_ref().map(date).transpose()?;
                if to.is_some_and(|to| to < from) {
                    return Err(invalid(
                        period.from.span(),
                        "period ends before it starts".into(),
                    ));
                }
                periods.push(OfficePeriod {
                    role: office(&period.role)?,
                    title: period.title.clone(),
                    from,
                    to,
                });
            }
            let person = Person {
                name,
                aliases: entry
                    .aliases
                    .iter()
                    .map(|a| a.get_ref().trim().to_string())
                    .collect(),
                role: office(&entry.role)?,
                country: country.to_string(),
                periods,
            };
            // A person of the base with this name is replaced, aliases and all.
            let index = match by_name.get(&folded_name) {
                Some(&i) => {
                    let old = &registry.persons[i];
                    for alias in std::iter::once(&old.name).chain(&old.aliases) {
                        let key = fold(alias);
                        if registry.by_key.get(&key) == Some(&i) {
                            registry.by_key.remove(&key);
                        }
                    }
                    registry.persons[i] = person;
                    i
                }
                None => {
                    registry.persons.push(person);
                    by_name.insert(folded_name, registry.persons.len() - 1);
                    registry.persons.len() - 1
                }
            };
            let spans = std::iter::once(&entry.name).chain(&entry.aliases);
            let mut keys = Vec::with_capacity(entry.aliases.len() + 1);
            for alias in spans {
                let key = fold(alias.get_ref());
                if key.is_empty() {
                    return Err(invalid(alias.span(), "empty alias".into()));
                }
                match registry.by_key.get(&key) {
                    Some(&other) if other != index => {
                        return Err(invalid(
                            alias.span(),
                            format!(
                                "`{}` already names {}",
                                alias.get_ref(),
                                registry.persons[other].name
                            ),
                        ));
                    }
                    _ => {}
                }
                registry.by_key.insert(key.clone(), index);
                keys.push(key);
            }
            entry_keys.push(keys);
        }
        // Checked once everything is in: a user's generic label may clash with a default
        // alias, or the other way round.
        for (entry, keys) in file.person.iter().zip(&entry_keys) {
            for (alias, key) in std::iter::once(&entry.name).chain(&entry.aliases).zip(keys) {
                if registry.generic.contains(key) {
                    return Err(invalid(
                        alias.span(),
                        format!("`{}` is a generic label, not a person", alias.get_ref()),
                    ));
                }
            }
        }
        for label in &file.generic {
            if let Some(&p) = registry.by_key.get(&fold(label.get_ref())) {
                return Err(invalid(
                    label.span(),
                    format!(
                        "generic label `{}` is an alias of {}",
                        label.get_ref(),
                        registry.persons[p].name
                    ),
                ));
            }
        }
        // Every folded alias of every person is a key of `by_key`, so the initial forms are
        // read from there (the result does not depend on the order).
        registry.initials.clear();
        for (key, &i) in &registry.by_key {
            if let Some(form) = initial_form(key) {
                let slot = registry.initials.entry(form).or_insert(Some(i));
                if *slot != Some(i) {
                    *slot = None;
                }
            }
        }
        Ok(registry)
    }

    /// The people, in file order.
    pub fn persons(&self) -> &[Person] {
        &self.persons
    }

    /// The files the registry was read from (the built-in one first).
    pub fn sources(&self) -> &[PathBuf] {
        &self.sources
    }

    /// What `label` (a turn label's name, or a document speaker) refers to.
    pub fn resolve(&self, label: &str) -> Resolved<'_> {
        self.resolved(self.lookup(label))
    }

    /// What `label` refers to, with a person as their place in [`SpeakerRegistry::persons`].
    pub(crate) fn lookup(&self, label: &str) -> Lookup {
        let key = fold(label);
        if key.is_empty() {
            return Lookup::Unknown;
        }
        if self.generic.contains(&key) {
            return Lookup::Generic;
        }
        if let Some(&p) = self.by_key.get(&key) {
            return Lookup::Person(p);
        }
        match self.by_initial(&key) {
            Some(p) => Lookup::Person(p),
            None => Lookup::Unknown,
        }
    }

    /// `lookup` (of this registry) as a [`Resolved`].
    pub(crate) fn resolved(&self, lookup: Lookup) -> Resolved<'_> {
        match lookup {
            Lookup::Person(p) => Resolved::Person(&self.persons[p]),
            Lookup::Generic => Resolved::Generic,
            Lookup::Unknown => Resolved::Unknown,
        }
    }

    /// The person `label` names, if any.
    pub fn person(&self, label: &str) -> Option<&Person> {
        match self.resolve(label) {
            Resolved::Person(person) => Some(person),
            _ => None,
        }
    }

    /// `label` as counts group it: the canonical name of its person, `None` for a generic
    /// label, else the label itself.
    pub fn canonical<'a>(&'a self, label: &'a str) -> Option<&'a str> {
        match self.resolve(label) {
            Resolved::Person(person) => Some(&person.name),
            Resolved::Generic => None,
            Resolved::Unknown => Some(label),
        }
    }

    /// Resolves the turns of a document dated `date` in place: a person's label becomes
    /// the canonical name and takes the person's role on that date (except that a person
    /// outside the state keeps a journalist guess: they moderate); a generic label is no
    /// speaker (its guessed role stays); other labels are left as they are.
    pub fn resolve_turns(&self, paragraphs: &mut [ParagraphTurn], date: NaiveDate) {
        self.resolve_turns_by(paragraphs, date, |label| self.resolve(label));
    }

    /// [`SpeakerRegistry::resolve_turns`] with labels resolved by `resolve` (which gives
    /// what [`SpeakerRegistry::resolve`] gives, from a cache for instance).
    pub(crate) fn resolve_turns_by<'a>(
        &'a self,
        paragraphs: &mut [ParagraphTurn],
        date: NaiveDate,
        mut resolve: impl FnMut(&str) -> Resolved<'a>,
    ) {
        // Consecutive paragraphs mostly share a label: resolved once per run.
        let mut last: Option<(String, Option<String>, Option<Role>)> = None;
        for turn in paragraphs.iter_mut() {
            let Some(label) = turn.speaker.take() else {
                continue;
            };
            let (speaker, role) = match &last {
                Some((seen, speaker, role)) if *seen == label => (speaker.clone(), *role),
                _ => {
                    let (speaker, role) = match resolve(&label) {
                        Resolved::Person(p) => (Some(p.name.clone()), Some(p.role_on(date))),
                        Resolved::Generic => (None, None),
                        Resolved::Unknown => (Some(label.clone()), None),
                    };
                    last = Some((label, speaker.clone(), role));
                    (speaker, role)
                }
            };
            turn.speaker = speaker;
            // Someone outside the state who asks the questions in this document (a banker
            // moderating a panel) keeps the journalist role guessed at ingest.
            if let Some(role) = role
                && !(role == Role::Other && turn.role == Role::Journalist)
            {
                turn.role = role;
            }
        }
    }

    /// The person whose first initial and surname `key` (folded, initials glued to the
    /// surname: `в.путин`) writes, when exactly one person has an alias of that form.
    /// Full names are not matched this way: `Andrei Medvedev` is not `Dmitry Medvedev`.
    fn by_initial(&self, key: &str) -> Option<usize> {
        if key.contains(' ') || !key.contains('.') {
            return None;
        }
        self.initials.get(&initial_form(key)?).copied().flatten()
    }
}

/// `(first initial, surname)` of a folded name of two or more words (`vladimir putin`) or
/// of initials glued to a surname (`в.в.путин`, `v.putin`).
fn initial_form(key: &str) -> Option<(char, String)> {
    if let Some((initials, surname)) = key.rsplit_once('.')
        && !key.contains(' ')
        && !surname.is_empty()
    {
        return Some((initials.chars().next()?, surname.to_string()));
    }
    let words: Vec<&str> = key.split(' ').collect();
    match words.as_slice() {
        [first, .., last] if words.len() >= 2 => Some((first.chars().next()?, last.to_string())),
        _ => None,
    }
}

/// The folded form labels are compared in: lowercase, `ё` as `е`, typographic apostrophes
/// and dashes as ASCII, parenthesised notes dropped, single spaces, no space after an
/// initial's dot, no surrounding punctuation.
pub fn fold(label: &str) -> String {
    // Notes are dropped before lowercasing, which looks at neighbouring letters (a final Σ).
    let kept: std::borrow::Cow<'_, str> = if label.contains(['(', ')']) {
        let mut kept = String::with_capacity(label.len());
        let mut depth = 0usize;
        for c in label.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ if depth == 0 => kept.push(c),
                _ => {}
            }
        }
        kept.into()
    } else {
        label.into()
    };
    let lowered = kept.to_lowercase();
    let mut folded = String::with_capacity(lowered.len());
    let mut word = String::new();
    for raw in lowered.split_whitespace() {
        word.clear();
        word.extend(raw.chars().map(|c| match c {
            'ё' => 'е',
            '’' | '‘' => '\'',
            '‐' | '–' | '—' => '-',
            c => c,
        }));
        let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '\'');
        if word.is_empty() {
            continue;
        }
        // Words are joined by one space, except after an initial's dot.
        if !folded.is_empty() && !folded.ends_with('.') {
            folded.push(' ');
        }
        folded.push_str(word);
    }
    folded.truncate(folded.trim_end_matches('.').len());
    folded
}

/// The [`Office`] named `value`.
fn parse_office(value: &str) -> Result<Office, String> {
    use serde::de::IntoDeserializer;
    let deserializer: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        value.into_deserializer();
    Office::deserialize(deserializer).map_err(|_| {
        format!(
            "unknown role `{value}` (expected one of: head_of_state head_of_government \
             minister official legislator diplomat military journalist moderator expert \
             business religious other)"
        )
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn builtin() -> Arc<SpeakerRegistry> {
        SpeakerRegistry::builtin()
    }

    fn load(text: &str) -> Result<SpeakerRegistry, SpeakerError> {
        SpeakerRegistry::from_toml(Path::new("mine.toml"), text, Some(&builtin()))
    }

    #[test]
    fn the_builtin_registry_is_the_repository_file_and_loads() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let on_disk = std::fs::read_to_string(root.join(DEFAULT_SPEAKERS_FILE)).unwrap();
        assert_eq!(on_disk, BUILTIN_SPEAKERS_TOML);
        assert!(builtin().persons().len() >= 50);
    }

    /// Everything a registry holds, in an order that does not depend on hashing.
    fn contents(registry: &SpeakerRegistry) -> String {
        let mut by_key: Vec<_> = registry.by_key.iter().collect();
        by_key.sort();
        let mut generic: Vec<_> = registry.generic.iter().collect();
        generic.sort();
        let mut initials: Vec<_> = registry.initials.iter().collect();
        initials.sort();
        format!(
            "{:?}\n{by_key:?}\n{generic:?}\n{initials:?}\n{:?}",
            registry.persons, registry.sources
        )
    }

    #[test]
    fn loading_the_builtin_file_is_extending_the_builtin_registry_by_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("speakers.toml");
        std::fs::write(&path, BUILTIN_SPEAKERS_TOML).unwrap();
        let loaded = SpeakerRegistry::load(&path).unwrap();
        let parsed = SpeakerRegistry::from_toml(&path, BUILTIN_SPEAKERS_TOML, Some(&builtin()));
        assert_eq!(contents(&loaded), contents(&parsed.unwrap()));
        assert_eq!(
            loaded.sources,
            [PathBuf::from(BUILTIN_SPEAKERS_PATH), path.clone()]
        );
        // Any other text is parsed: one byte more is still the same registry.
        std::fs::write(&path, format!("{BUILTIN_SPEAKERS_TOML}\n")).unwrap();
        assert_eq!(
            contents(&SpeakerRegistry::load(&path).unwrap()),
            contents(&loaded)
        );
    }

    #[test]
    fn names_across_languages_are_one_person() {
        let registry = builtin();
        for label in [
            "Vladimir Putin",
            "Putin",
            "President Putin",
            "В.Путин",
            "В. В. Путин",
            "Владимир Путин",
            "Путин",
            "VladimirPutin",
            "V.Putin",
        ] {
            assert_eq!(registry.canonical(label), Some("Vladimir Putin"), "{label}");
        }
        assert_eq!(registry.canonical("С.Лавров"), Some("Sergei Lavrov"));
        assert_eq!(registry.canonical("Sergey Lavrov"), Some("Sergei Lavrov"));
        assert_eq!(registry.canonical("Д.Песков"), Some("Dmitry Peskov"));
        assert_eq!(registry.canonical("Jane Doe"), Some("Jane Doe"));
    }

    #[test]
    fn generic_labels_are_nobody() {
        let registry = builtin();
        for label in [
            "Question",
            "Reply",
            "Remark",
            "Вопрос",
            "Реплика",
            "Moderator",
            "Question (retranslated)",
            "Unknown",
        ] {
            assert_eq!(registry.resolve(label), Resolved::Generic, "{label}");
            assert_eq!(registry.canonical(label), None, "{label}");
        }
    }

    #[test]
    fn roles_follow_country_office_and_date() {
        let registry = builtin();
        let putin = registry.person("Putin").unwrap();
        assert_eq!(putin.role_on(day("2017-09-07")), Role::Official);
        assert_eq!(putin.office_on(day("2017-09-07")), Office::HeadOfState);
        assert_eq!(putin.office_on(day("2010-01-01")), Office::HeadOfGovernment);
        let medvedev = registry.person("Dmitry Medvedev").unwrap();
        assert_eq!(medvedev.office_on(day("2010-01-01")), Office::HeadOfState);
        assert_eq!(
            medvedev.office_on(day("2017-01-01")),
            Office::HeadOfGovernment
        );
        let abe = registry.person("С.Абэ").unwrap();
        assert_eq!(abe.role_on(day("2017-09-07")), Role::Foreign);
        let kelly = registry.person("Megyn Kelly").unwrap();
        assert_eq!(kelly.role_on(day("2017-06-01")), Role::Journalist);
    }

    #[test]
    fn resolving_turns_canonicalises_names_and_roles() {
        let turn = |speaker: Option<&str>, role| ParagraphTurn {
            speaker: speaker.map(str::to_string),
            role,
            n_words: 3,
        };
        let mut turns = vec![
            turn(None, Role::Narration),
            turn(Some("Вопрос"), Role::Journalist),
            turn(Some("В.Путин"), Role::Official),
            turn(Some("В.Путин"), Role::Official),
            turn(Some("Megyn Kelly"), Role::Other),
            turn(Some("Jane Doe"), Role::Other),
            // A state office outweighs ingest's guess from someone's questions.
            turn(Some("Ван Цишань"), Role::Journalist),
        ];
        builtin().resolve_turns(&mut turns, day("2017-06-01"));
        assert_eq!(
            turns,
            [
                turn(None, Role::Narration),
                turn(None, Role::Journalist),
                turn(Some("Vladimir Putin"), Role::Official),
                turn(Some("Vladimir Putin"), Role::Official),
                turn(Some("Megyn Kelly"), Role::Journalist),
                turn(Some("Jane Doe"), Role::Other),
                turn(Some("Wang Qishan"), Role::Foreign),
            ]
        );
    }

    #[test]
    fn a_user_file_extends_and_overrides() {
        let registry = load(
            r#"
generic = ["Participant"]

[[person]]
name = "Jane Doe"
aliases = ["Дж.Доу"]
role = "expert"
country = "GB"

[[person]]
name = "Megyn Kelly"
aliases = ["M. Kelly"]
role = "moderator"
country = "US"
"#,
        )
        .unwrap();
        assert_eq!(registry.canonical("Дж.Доу"), Some("Jane Doe"));
        assert_eq!(registry.resolve("Participant"), Resolved::Generic);
        assert_eq!(
            registry.person("M.Kelly").unwrap().role,
            Office::Moderator,
            "replaced"
        );
        assert_eq!(registry.canonical("Путин"), Some("Vladimir Putin"));
        assert_eq!(registry.sources().len(), 2);
        // The replaced entry's aliases go with it.
        assert_eq!(registry.canonical("Мегин Келли"), Some("Мегин Келли"));
        assert_eq!(registry.canonical("M.Kelly"), Some("Megyn Kelly"));
    }

    #[test]
    fn the_builtin_file_extending_itself_changes_no_resolution() {
        let twice = load(BUILTIN_SPEAKERS_TOML).unwrap();
        let once = builtin();
        assert_eq!(twice.persons(), once.persons());
        let file: RegistryFile = toml::from_str(BUILTIN_SPEAKERS_TOML).unwrap();
        let generic = file.generic.iter().map(|g| g.get_ref().as_str());
        let aliases = once
            .persons()
            .iter()
            .flat_map(|p| std::iter::once(&p.name).chain(&p.aliases))
            .map(String::as_str);
        for label in generic
            .chain(aliases)
            .chain(["V.Putin", "С.Лавров", "Jane Doe"])
        {
            assert_eq!(twice.resolve(label), once.resolve(label), "{label}");
        }
        assert_eq!(twice.initials, once.initials);
        assert_eq!(twice.by_key, once.by_key);
    }

    #[test]
    fn offices_are_read_by_their_file_names() {
        assert_eq!(parse_office("head_of_state"), Ok(Office::HeadOfState));
        assert_eq!(parse_office("other"), Ok(Office::Other));
        for bad in ["Head_of_state", "head of state", "", "king"] {
            assert!(
                parse_office(bad).unwrap_err().starts_with("unknown role"),
                "{bad}"
            );
        }
    }

    #[test]
    fn bad_files_name_the_line() {
        let err = |text: &str| load(text).unwrap_err().to_string();
        assert_eq!(
            err("[[person]]\nname = \"A B\"\nrole = \"czar\"\ncountry = \"RU\"\n")
                .split(" (expected")
                .next()
                .unwrap(),
            "mine.toml:3: unknown role `czar`"
        );
        assert_eq!(
            err("[[person]]\nname = \"A B\"\nrole = \"official\"\ncountry = \"Russia\"\n"),
            "mine.toml:4: country `Russia` is not a two-letter code (RU, US)"
        );
        assert_eq!(
            err(
                "[[person]]\nname = \"A B\"\naliases = [\"Путин\"]\nrole = \"official\"\ncountry = \"RU\"\n"
            ),
            "mine.toml:3: `Путин` already names Vladimir Putin"
        );
        assert_eq!(
            err("[[person]]\nname = \"Question\"\nrole = \"official\"\ncountry = \"RU\"\n"),
            "mine.toml:2: `Question` is a generic label, not a person"
        );
        assert_eq!(
            err("generic = [\"x\", \"Putin\"]\n"),
            "mine.toml:1: generic label `Putin` is an alias of Vladimir Putin"
        );
        assert_eq!(
            err(
                "[[person]]\nname = \"A B\"\nrole = \"official\"\ncountry = \"RU\"\n[[person]]\nname = \"a b\"\nrole = \"official\"\ncountry = \"RU\"\n"
            ),
            "mine.toml:6: `a b` is listed twice"
        );
        assert_eq!(
            err(
                "[[person]]\nname = \"A B\"\nrole = \"official\"\ncountry = \"RU\"\nperiods = [{ role = \"minister\", from = \"2017-13-01\" }]\n"
            ),
            "mine.toml:5: `2017-13-01`: there is no month 13"
        );
        assert!(
            err("[[person]]\nname = \"A B\"\n").starts_with("mine.toml:1: missing field `role`")
        );
        assert!(err("[[persons]]\n").starts_with("mine.toml:1: unknown field `persons`"));
    }

    /// `fold` spelled out one rule at a time: the reference the one-pass version is checked
    /// against.
    fn fold_by_steps(label: &str) -> String {
        let mut depth = 0usize;
        let without_notes: String = label
            .chars()
            .filter(|&c| {
                let kept = depth == 0 && c != '(' && c != ')';
                match c {
                    '(' => depth += 1,
                    ')' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                kept
            })
            .collect();
        let lowered = without_notes
            .to_lowercase()
            .replace('ё', "е")
            .replace(['’', '‘'], "'")
            .replace(['‐', '–', '—'], "-");
        let words: Vec<&str> = lowered
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '\''))
            .filter(|w| !w.is_empty())
            .collect();
        words
            .join(" ")
            .replace(". ", ".")
            .trim_end_matches('.')
            .to_string()
    }

    #[test]
    fn folding() {
        assert_eq!(fold("  В. В. Путин (как переведено): "), "в.в.путин");
        assert_eq!(fold("Sergei  Lavrov"), "sergei lavrov");
        assert_eq!(fold("Фёдор"), "федор");
    }

    proptest! {
        #[test]
        fn folding_in_one_pass_is_folding_by_steps(
            label in "[a-zA-Zа-яА-ЯёЁΣσ \t().,:'’‘‐–—-]{0,24}",
            any in any::<String>(),
        ) {
            prop_assert_eq!(fold(&label), fold_by_steps(&label));
            prop_assert_eq!(fold(&any), fold_by_steps(&any));
        }

        #[test]
        fn every_alias_resolves_to_its_person(index in 0usize..10_000) {
            let registry = builtin();
            let person = &registry.persons()[index % registry.persons().len()];
            for alias in std::iter::once(&person.name).chain(&person.aliases) {
                prop_assert_eq!(registry.canonical(alias), Some(person.name.as_str()));
                // Case and the spacing of initials do not matter.
                let upper = alias.to_uppercase();
                prop_assert_eq!(registry.canonical(&upper), Some(person.name.as_str()));
                let spaced = alias.replace('.', ". ");
                prop_assert_eq!(registry.canonical(&spaced), Some(person.name.as_str()));
            }
        }

        #[test]
        fn generic_labels_never_resolve_to_persons(
            index in 0usize..1000,
            note in prop::option::of("[a-z ]{0,12}"),
        ) {
            let registry = builtin();
            let mut labels: Vec<&String> = Vec::new();
            let file: RegistryFile = toml::from_str(BUILTIN_SPEAKERS_TOML).unwrap();
            let generic: Vec<String> = file.generic.iter().map(|g| g.get_ref().clone()).collect();
            labels.extend(&generic);
            let label = labels[index % labels.len()];
            let label = match note {
                Some(note) => format!("{label} ({note})"),
                None => label.clone(),
            };
            prop_assert_eq!(registry.resolve(&label), Resolved::Generic);
            prop_assert!(registry.person(&label).is_none());
        }
    }
}
