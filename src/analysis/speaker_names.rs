//! The speaker names of an index as a registry sees them: every document speaker and every
//! turn label of the selected documents, how often each occurs, and what the registry
//! makes of it (one of its persons, a generic label, or nothing). Names that resolve to
//! nothing are counted apart in trends and comparisons (`М.Захарова` beside
//! `Maria Zakharova`); this table shows which to add to a registry file.
//!
//! Contract: one row per distinct name as stored and place (document speaker or turn
//! label); `documents` counts the selected documents holding it, `paragraphs` the
//! paragraphs of its turns (0 for a document speaker); rows come sorted by paragraphs, then
//! documents (both descending), then place and name. Documents without a speaker and
//! paragraphs without a label are not rows.

use std::collections::HashMap;

use polars::prelude::{Column, DataFrame};
use serde::Serialize;

use super::AnalysisError;
use crate::corpus::{Resolved, SpeakerRegistry};
use crate::index::{DocFilter, IndexError, IndexStore};

/// Where a name stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NamePlace {
    /// The document's main speaker (its `speaker` field).
    Document,
    /// A speaker label inside the text (`Vladimir Putin:`), naming a turn.
    Turn,
}

impl NamePlace {
    /// The name of the place in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            NamePlace::Document => "document",
            NamePlace::Turn => "turn",
        }
    }
}

/// One name and what the registry makes of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpeakerName {
    /// The name as stored.
    pub name: String,
    /// Where it stands.
    pub place: NamePlace,
    /// Selected documents holding it there.
    pub documents: u64,
    /// Paragraphs of its turns (0 for a document speaker).
    pub paragraphs: u64,
    /// The registry person it names, if any.
    pub person: Option<String>,
    /// Whether the registry takes it for a generic label (`Question`, `Реплика`).
    pub generic: bool,
}

impl SpeakerName {
    /// Whether the registry knows the name neither as a person nor as a generic label.
    pub fn unresolved(&self) -> bool {
        self.person.is_none() && !self.generic
    }
}

/// The document speakers and turn labels of the documents `filter` selects in `store`,
/// each resolved through `registry`.
pub fn speaker_names(
    store: &IndexStore,
    filter: &DocFilter,
    registry: &SpeakerRegistry,
) -> Result<Vec<SpeakerName>, IndexError> {
    // (documents, paragraphs, the last document counted) per name and place.
    let mut counts: HashMap<(NamePlace, String), (u64, u64, u64)> = HashMap::new();
    let mut document = 0u64;
    store.for_each_document(filter, |stored| -> Result<(), IndexError> {
        document += 1;
        let mut add = |place: NamePlace, name: &str, paragraphs: u64| {
            let entry = counts.entry((place, name.to_string())).or_insert((0, 0, 0));
            if entry.2 != document {
                entry.0 += 1;
                entry.2 = document;
            }
            entry.1 += paragraphs;
        };
        if !stored.doc.speaker.trim().is_empty() {
            add(NamePlace::Document, &stored.doc.speaker, 0);
        }
        for turn in &stored.structure.paragraphs {
            if let Some(label) = turn.speaker.as_deref().filter(|l| !l.trim().is_empty()) {
                add(NamePlace::Turn, label, 1);
            }
        }
        Ok(())
    })?;
    let mut rows: Vec<SpeakerName> = counts
        .into_iter()
        .map(|((place, name), (documents, paragraphs, _))| {
            let (person, generic) = match registry.resolve(&name) {
                Resolved::Person(person) => (Some(person.name.clone()), false),
                Resolved::Generic => (None, true),
                Resolved::Unknown => (None, false),
            };
            SpeakerName {
                name,
                place,
                documents,
                paragraphs,
                person,
                generic,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (b.paragraphs, b.documents)
            .cmp(&(a.paragraphs, a.documents))
            .then_with(|| (a.place, &a.name).cmp(&(b.place, &b.name)))
    });
    Ok(rows)
}

/// The rows as a table: `name, place, documents, paragraphs, person` (empty when none),
/// `generic`.
pub fn speaker_names_frame(rows: &[SpeakerName]) -> Result<DataFrame, AnalysisError> {
    let columns = vec![
        Column::new(
            "name".into(),
            rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "place".into(),
            rows.iter().map(|r| r.place.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "documents".into(),
            rows.iter().map(|r| r.documents).collect::<Vec<_>>(),
        ),
        Column::new(
            "paragraphs".into(),
            rows.iter().map(|r| r.paragraphs).collect::<Vec<_>>(),
        ),
        Column::new(
            "person".into(),
            rows.iter()
                .map(|r| r.person.as_deref().unwrap_or(""))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "generic".into(),
            rows.iter().map(|r| r.generic).collect::<Vec<_>>(),
        ),
    ];
    Ok(DataFrame::new_infer_height(columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, Kind, Lang};

    fn doc(id: &str, speaker: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            date: chrono::NaiveDate::from_ymd_opt(2017, 9, 5).unwrap(),
            title: String::new(),
            speaker: speaker.into(),
            source: String::new(),
            kind: Kind::Transcript,
            lang: Lang::Ru,
            url: String::new(),
            text: text.into(),
            tags: vec![],
            location: None,
        }
    }

    #[test]
    fn names_are_counted_per_place_and_resolved() {
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::open_or_create(dir.path()).unwrap();
        let mut writer = store.writer(1, 15_000_000).unwrap();
        for d in [
            doc(
                "a",
                "Владимир Путин",
                "В.Путин: Добрый день.\nМы продолжим.\nВопрос: Когда?\nМ.Неизвестный: Завтра.",
            ),
            doc("b", "Vladimir Putin", "В.Путин: Спасибо."),
            doc("c", "", "Текст без меток."),
        ] {
            let structure = crate::corpus::analyze_structure(&d);
            writer
                .add_document(store.to_tantivy(&d, &structure))
                .unwrap();
        }
        writer.commit().unwrap();
        let store = IndexStore::open(dir.path()).unwrap();
        let registry = SpeakerRegistry::builtin();
        let rows = speaker_names(&store, &DocFilter::default(), &registry).unwrap();
        let row = |place: NamePlace, name: &str| {
            rows.iter()
                .find(|r| r.place == place && r.name == name)
                .unwrap_or_else(|| panic!("no {place:?} {name}: {rows:#?}"))
        };
        let label = row(NamePlace::Turn, "В.Путин");
        assert_eq!((label.documents, label.paragraphs), (2, 3));
        assert_eq!(label.person.as_deref(), Some("Vladimir Putin"));
        assert_eq!(rows[0], *label, "the most paragraphs first");
        let speaker = row(NamePlace::Document, "Владимир Путин");
        assert_eq!((speaker.documents, speaker.paragraphs), (1, 0));
        assert_eq!(speaker.person.as_deref(), Some("Vladimir Putin"));
        assert!(row(NamePlace::Turn, "Вопрос").generic);
        let unknown = row(NamePlace::Turn, "М.Неизвестный");
        assert!(unknown.unresolved());
        assert!(!label.unresolved());
        assert!(rows.iter().all(|r| !r.name.is_empty()));
        let frame = speaker_names_frame(&rows).unwrap();
        assert_eq!(frame.height(), rows.len());
        let names: Vec<&str> = frame
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "name",
                "place",
                "documents",
                "paragraphs",
                "person",
                "generic"
            ]
        );
    }
}
