//! Document filters shared by search, theme counting and trends: metadata (dates,
//! speakers, sources, kinds, languages) and an optional text query.
//!
//! Speakers and sources are names matched by whole words, as `speaker:` in a query and
//! `--turn-speaker` match them ([`crate::text::names`]): `putin` selects `Vladimir Putin`.
//! They are resolved against the values the index holds (a few hundred even in a large
//! corpus), then selected exactly.
//!
//! Contract: the text query is parsed once, when the filter is made ([`Plan::parse`]), and
//! the whole filter becomes one Tantivy query in one place,
//! [`super::IndexStore::filter_query`] (the text query needs the open index: keyword names
//! are resolved against its dictionary). Selections and searches both use it, so the query
//! restricts searches, counts, trends and comparisons alike.

use chrono::NaiveDate;
use tantivy::query::{AllQuery, BooleanQuery, EmptyQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::Fields;
use super::info::names_no_value;
use crate::corpus::{MAX_DATE, MIN_DATE};
use crate::document::{Kind, Lang};
use crate::query::Plan;
use crate::text::names::{self, NamePattern};

/// Which documents to consider: values within one field are alternatives (OR), fields
/// and the query combine with AND. An empty filter selects every document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocFilter {
    /// First date included.
    pub from: Option<NaiveDate>,
    /// Last date included.
    pub to: Option<NaiveDate>,
    /// Main speakers: names matched by whole words, case-insensitively (`putin`).
    pub speakers: Vec<String>,
    /// Sources: names matched by whole words, case-insensitively.
    pub sources: Vec<String>,
    /// Kinds.
    pub kinds: Vec<Kind>,
    /// Languages.
    pub langs: Vec<Lang>,
    /// Only documents matching this query (the language of `statemine search`), parsed.
    pub query: Option<Plan>,
    /// Only the paragraphs matching a query, and what surrounds them (see
    /// [`ParagraphFilter`]). Applied where documents are counted paragraph by paragraph
    /// (`themes::count_with`, so theme counts, kwic, trends, comparisons, first occurrences
    /// and jobs); [`super::IndexStore::select`] and search select whole documents and leave
    /// it aside.
    pub paragraphs: Option<ParagraphFilter>,
    /// Only the paragraphs of these speakers or roles: analyses count their matches, words
    /// and paragraphs, and the documents where they speak (not part of [`super::IndexStore::select`]'s
    /// query: documents are selected whole, turns are kept by the analyses).
    pub turns: super::TurnFilter,
    /// Of a page selected in several languages (see [`super::page_key`]), only its version
    /// in this language; a page without one keeps all its versions. Applied by
    /// [`super::IndexStore::select`] after the query.
    pub one_version: Option<Lang>,
}

/// Which paragraphs of a selected document count (`--para QUERY --context N`): those that
/// satisfy `query` on their own, widened by `context` paragraphs on either side within the
/// document. Counting then sees only the kept paragraphs: matches elsewhere are dropped,
/// the denominators (words, paragraphs) are those of the kept paragraphs, and a document
/// without a kept paragraph is not selected. The index does not know paragraphs, so the
/// query is evaluated on each stored text ([`crate::search::ParagraphScanner`]); the
/// metadata filter and [`DocFilter::query`] still select the documents first.
#[derive(Debug, Clone, PartialEq)]
pub struct ParagraphFilter {
    /// The query a paragraph must satisfy, parsed.
    pub query: Plan,
    /// Paragraphs kept on each side of a matching one.
    pub context: usize,
}

impl ParagraphFilter {
    /// `matching` (one flag per paragraph) widened by `self.context` paragraphs on each side.
    pub fn widen(&self, matching: &[bool]) -> Vec<bool> {
        let n = matching.len();
        let mut kept = vec![false; n];
        for (para, _) in matching.iter().enumerate().filter(|(_, m)| **m) {
            let first = para.saturating_sub(self.context);
            let last = para.saturating_add(self.context).min(n.saturating_sub(1));
            kept[first..=last].fill(true);
        }
        kept
    }
}

impl DocFilter {
    /// Whether the filter selects every document. The turn filter is not part of the
    /// selection (it keeps paragraphs of the selected documents), nor is the registry it
    /// resolves names with.
    pub fn is_empty(&self) -> bool {
        let selection = DocFilter {
            turns: super::TurnFilter::default(),
            ..self.clone()
        };
        selection == DocFilter::default()
    }

    /// The metadata part of the filter as a Tantivy query (`AllQuery` when it has none);
    /// [`DocFilter::query`] is not part of it (see the module contract). Speaker and
    /// source names are resolved against the values `searcher` holds.
    pub(crate) fn metadata_query(
        &self,
        fields: &Fields,
        searcher: &Searcher,
    ) -> tantivy::Result<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if self.from.is_some() || self.to.is_some() {
            use std::ops::Bound;
            let bound = |date: NaiveDate| {
                Term::from_field_date(fields.date, super::store::date_to_tantivy(date))
            };
            // A bound outside the dates a document may carry either excludes every document
            // (`--from` after the last, `--to` before the first) or none.
            let lower = match self.from {
                Some(d) if d > MAX_DATE => Bound::Excluded(bound(MAX_DATE)),
                Some(d) if d > MIN_DATE => Bound::Included(bound(d)),
                _ => Bound::Unbounded,
            };
            let upper = match self.to {
                Some(d) if d < MIN_DATE => Bound::Excluded(bound(MIN_DATE)),
                Some(d) if d < MAX_DATE => Bound::Included(bound(d)),
                _ => Bound::Unbounded,
            };
            // Both open: every document (a range query needs a term to know its field).
            if !matches!((&lower, &upper), (Bound::Unbounded, Bound::Unbounded)) {
                clauses.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
            }
        }
        for (field, names) in [
            (fields.speaker, &self.speakers),
            (fields.source, &self.sources),
        ] {
            if names.is_empty() {
                continue;
            }
            let (named, missing) = split_no_value(names);
            let accepts = self.name_matcher(field == fields.speaker, &named);
            // One pass over the field's values serves the names and `(unknown)` alike.
            let all = keyword_values(searcher, field, |value| !value.is_empty())?;
            let values = all.iter().filter(|v| accepts.accepts(v)).cloned().collect();
            let mut selected = keyword_query(field, values);
            if missing {
                selected = Box::new(BooleanQuery::new(vec![
                    (Occur::Should, selected),
                    (Occur::Should, without_any_of(field, all)),
                ]));
            }
            clauses.push((Occur::Must, selected));
        }
        let kinds: Vec<String> = self.kinds.iter().map(|k| k.as_str().to_string()).collect();
        let langs: Vec<String> = self.langs.iter().map(|l| l.as_str().to_string()).collect();
        for (field, values) in [(fields.kind, kinds), (fields.lang, langs)] {
            if !values.is_empty() {
                clauses.push((Occur::Must, keyword_query(field, values)));
            }
        }
        Ok(if clauses.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(clauses))
        })
    }
}

/// A `--speaker` or `--source` name that matches no value the index holds (the filter then
/// selects no document: most often a typo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmatchedName {
    /// `speaker` or `source`.
    pub field: &'static str,
    /// The name as given.
    pub name: String,
    /// The indexed value (lowercase) holding the word nearest to the name, within two
    /// edits (`putn` -> `vladimir putin`), if any.
    pub nearest: Option<String>,
}

impl DocFilter {
    /// The speaker and source names of the filter that match no value `searcher` holds,
    /// each with the nearest value when one is close.
    pub fn unmatched_names(
        &self,
        fields: &Fields,
        searcher: &Searcher,
    ) -> tantivy::Result<Vec<UnmatchedName>> {
        let mut unmatched = Vec::new();
        for (label, field, names) in [
            ("speaker", fields.speaker, &self.speakers),
            ("source", fields.source, &self.sources),
        ] {
            if names.is_empty() {
                continue;
            }
            let values = keyword_values(searcher, field, |_| true)?;
            for name in split_no_value(names).0 {
                let accepts = self.name_matcher(label == "speaker", std::slice::from_ref(&name));
                if accepts.is_empty() {
                    continue;
                }
                if !values.iter().any(|value| accepts.accepts(value)) {
                    let nearest = nearest_value(&name, &values);
                    unmatched.push(UnmatchedName {
                        field: label,
                        name,
                        nearest,
                    });
                }
            }
        }
        Ok(unmatched)
    }
}

impl DocFilter {
    /// What `names` of `--speaker` (`speakers` true) or `--source` select among indexed
    /// values. A speaker name of a registry person also selects every value the registry
    /// resolves to that person (`Sergei Lavrov` selects `sergey lavrov`), as counts group
    /// them; the registry is read only when speakers are given.
    fn name_matcher(&self, speakers: bool, names: &[String]) -> NameMatcher {
        let patterns: Vec<NamePattern> = names
            .iter()
            .filter_map(|name| NamePattern::new(name, false))
            .collect();
        let (registry, persons) = if speakers && !names.is_empty() {
            let registry = self.turns.registry();
            let persons: Vec<String> = names
                .iter()
                .filter_map(|name| registry.person(name).map(|p| p.name.clone()))
                .collect();
            (Some(registry).filter(|_| !persons.is_empty()), persons)
        } else {
            (None, Vec::new())
        };
        NameMatcher {
            patterns,
            registry,
            persons,
        }
    }
}

/// Speaker or source names compiled for matching indexed values.
struct NameMatcher {
    /// Whole-word patterns of the names.
    patterns: Vec<NamePattern>,
    /// The registry resolving values, when some name is a registry person.
    registry: Option<std::sync::Arc<crate::corpus::SpeakerRegistry>>,
    /// Canonical names of the registry persons named.
    persons: Vec<String>,
}

impl NameMatcher {
    /// Whether no name can match anything (no letters or digits, no person).
    fn is_empty(&self) -> bool {
        self.patterns.is_empty() && self.persons.is_empty()
    }

    /// Whether `value` (an indexed value) is selected.
    fn accepts(&self, value: &str) -> bool {
        self.patterns.iter().any(|pattern| pattern.matches(value))
            || self.registry.as_ref().is_some_and(|registry| {
                registry
                    .person(value)
                    .is_some_and(|person| self.persons.contains(&person.name))
            })
    }
}

/// The names of `names` other than [`NO_VALUE`], and whether [`NO_VALUE`] is among them:
/// `--speaker "(unknown)"` selects the documents without a speaker, the group every table
/// names so.
fn split_no_value(names: &[String]) -> (Vec<String>, bool) {
    let is_missing = |name: &String| names_no_value(name);
    let named = names.iter().filter(|n| !is_missing(n)).cloned().collect();
    (named, names.iter().any(is_missing))
}

/// Documents without a value in keyword `field`, given all of its (non-empty) indexed
/// `values`: every document but those holding one of them.
fn without_any_of(field: Field, values: Vec<String>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(AllQuery)),
        (Occur::MustNot, keyword_query(field, values)),
    ]))
}

/// The value with a word (or the whole value) nearest to `name` (lowercased).
fn nearest_value(name: &str, values: &[String]) -> Option<String> {
    let name = name.trim().to_lowercase();
    /// Each word of a value, and the whole value.
    fn forms<'a>(value: &&'a String) -> Vec<&'a str> {
        value
            .split(|c: char| !c.is_alphanumeric())
            .chain([value.as_str()])
            .collect()
    }
    names::nearest(&name, values, forms).cloned()
}

/// Documents whose keyword `field` holds one of `values` (as indexed: lowercase). Term
/// queries, not a `TermSetQuery`: that one builds a bitset of every matching document, which
/// for a value most documents hold (`--lang en`) costs more than the search it filters.
pub(crate) fn keyword_query(field: Field, values: Vec<String>) -> Box<dyn Query> {
    let term = |value: &String| -> Box<dyn Query> {
        let term = Term::from_field_text(field, &value.to_lowercase());
        Box::new(TermQuery::new(term, IndexRecordOption::Basic))
    };
    match values.as_slice() {
        [] => Box::new(EmptyQuery),
        [value] => term(value),
        _ => Box::new(BooleanQuery::new(
            values.iter().map(|v| (Occur::Should, term(v))).collect(),
        )),
    }
}

/// The indexed (lowercased) values of keyword `field` that `accept` takes, over all
/// segments, sorted and without duplicates.
pub(crate) fn keyword_values(
    searcher: &Searcher,
    field: Field,
    accept: impl Fn(&str) -> bool,
) -> tantivy::Result<Vec<String>> {
    let mut values = Vec::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            if let Ok(value) = std::str::from_utf8(stream.key())
                && accept(value)
            {
                values.push(value.to_string());
            }
        }
    }
    values.sort();
    values.dedup();
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{DocStructure, Document};
    use crate::index::{IndexError, IndexStore};

    #[test]
    fn context_widens_kept_paragraphs_within_the_document() {
        let filter = |context| ParagraphFilter {
            query: Plan::parse("korea").unwrap(),
            context,
        };
        let matching = [false, false, true, false, false, false, true];
        let kept = |context| {
            filter(context)
                .widen(&matching)
                .iter()
                .map(|k| u8::from(*k))
                .collect::<Vec<_>>()
        };
        assert_eq!(kept(0), [0, 0, 1, 0, 0, 0, 1]);
        assert_eq!(kept(1), [0, 1, 1, 1, 0, 1, 1]);
        assert_eq!(kept(3), [1; 7]);
        assert_eq!(kept(usize::MAX), [1; 7]);
        assert!(filter(2).widen(&[]).is_empty());
        assert_eq!(filter(2).widen(&[false; 3]), [false; 3]);
    }

    fn doc(id: &str, speaker: &str, title: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            date: NaiveDate::from_ymd_opt(2017, 9, 5).unwrap(),
            title: title.into(),
            speaker: speaker.into(),
            source: "example.org".into(),
            kind: Kind::Statement,
            lang: Lang::En,
            url: format!("http://example.org/{id}"),
            text: text.into(),
            tags: vec![],
            location: None,
        }
    }

    /// Four documents: two about Korea (one only in its title), two not.
    fn store(dir: &std::path::Path) -> IndexStore {
        let store = IndexStore::open_or_create(dir).unwrap();
        let mut writer = store.writer(1, 15_000_000).unwrap();
        for d in [
            doc(
                "k1",
                "Anna Lee",
                "Talks",
                "The talks on Korea must resume soon.",
            ),
            doc(
                "k2",
                "Boris Kim",
                "On the Korean peninsula",
                "Patience is needed.",
            ),
            doc("o1", "Anna Lee", "Trade", "Grain exports rose this year."),
            doc(
                "o2",
                "Boris Kim",
                "Energy",
                "Pipelines were discussed at length.",
            ),
        ] {
            writer
                .add_document(store.to_tantivy(&d, &DocStructure::default()))
                .unwrap();
        }
        writer.commit().unwrap();
        store
    }

    fn ids(store: &IndexStore, filter: &DocFilter) -> Result<Vec<String>, IndexError> {
        let mut ids = Vec::new();
        store.for_each_document(filter, |d| -> Result<(), IndexError> {
            ids.push(d.doc.id);
            Ok(())
        })?;
        ids.sort();
        Ok(ids)
    }

    #[test]
    fn a_turn_filter_selects_every_document() {
        let registry = crate::corpus::SpeakerRegistry::from_toml(
            std::path::Path::new("mine.toml"),
            "generic = [\"Participant\"]",
            None,
        )
        .unwrap();
        let turns = DocFilter {
            turns: crate::index::TurnFilter {
                speakers: vec!["putin".into()],
                roles: vec![crate::document::Role::Official],
                registry: Some(std::sync::Arc::new(registry)),
            },
            ..DocFilter::default()
        };
        assert!(turns.is_empty());
        let dated = DocFilter {
            from: NaiveDate::from_ymd_opt(2017, 1, 1),
            ..turns
        };
        assert!(!dated.is_empty());
    }

    #[test]
    fn a_query_selects_only_the_matching_documents() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let all = ids(&store, &DocFilter::default()).unwrap();
        assert_eq!(all, ["k1", "k2", "o1", "o2"]);
        let korea = DocFilter {
            query: Some(Plan::parse("korea OR korean").unwrap()),
            ..DocFilter::default()
        };
        assert_eq!(ids(&store, &korea).unwrap(), ["k1", "k2"]);
        let negated = DocFilter {
            query: Some(Plan::parse("NOT korea*").unwrap()),
            ..DocFilter::default()
        };
        assert_eq!(ids(&store, &negated).unwrap(), ["o1", "o2"]);
    }

    #[test]
    fn a_query_combines_with_the_metadata_filter() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let filter = DocFilter {
            speakers: vec!["anna lee".into()],
            query: Some(Plan::parse("korea OR pipelines").unwrap()),
            ..DocFilter::default()
        };
        assert_eq!(ids(&store, &filter).unwrap(), ["k1"]);
        let by_name = DocFilter {
            query: Some(Plan::parse("speaker:kim AND NOT energy").unwrap()),
            ..DocFilter::default()
        };
        assert_eq!(ids(&store, &by_name).unwrap(), ["k2"]);
    }

    #[test]
    fn names_that_match_no_value_are_reported_with_the_nearest_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let filter = DocFilter {
            speakers: vec!["Kim".into(), "Borsi".into(), "Nobody".into()],
            sources: vec!["example.org".into(), "exmaple.org".into()],
            ..DocFilter::default()
        };
        let unmatched = store.unmatched_names(&filter).unwrap();
        let found: Vec<(&str, &str, Option<&str>)> = unmatched
            .iter()
            .map(|u| (u.field, u.name.as_str(), u.nearest.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                ("speaker", "Borsi", Some("boris kim")),
                ("speaker", "Nobody", None),
                ("source", "exmaple.org", Some("example.org")),
            ]
        );
        let known = DocFilter {
            speakers: vec!["anna lee".into(), "kim".into()],
            ..DocFilter::default()
        };
        assert!(store.unmatched_names(&known).unwrap().is_empty());
        assert!(
            store
                .unmatched_names(&DocFilter::default())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn speakers_and_sources_are_matched_by_whole_words() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let speakers = |names: &[&str]| DocFilter {
            speakers: names.iter().map(|n| n.to_string()).collect(),
            ..DocFilter::default()
        };
        assert_eq!(ids(&store, &speakers(&["KIM"])).unwrap(), ["k2", "o2"]);
        assert_eq!(ids(&store, &speakers(&["anna lee"])).unwrap(), ["k1", "o1"]);
        assert_eq!(ids(&store, &speakers(&["Lee", "boris"])).unwrap().len(), 4);
        // Part of a word, words out of order, or an unknown name select nothing.
        for names in [&["ki"][..], &["lee anna"], &["Nobody"], &["!"]] {
            assert_eq!(
                ids(&store, &speakers(names)).unwrap(),
                Vec::<String>::new(),
                "{names:?}"
            );
        }
        let sources = DocFilter {
            sources: vec!["example".into()],
            ..speakers(&["anna"])
        };
        assert_eq!(ids(&store, &sources).unwrap(), ["k1", "o1"]);
    }

    #[test]
    fn unknown_selects_the_documents_without_a_value() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let mut writer = store.writer(1, 15_000_000).unwrap();
        let mut anonymous = doc("n1", "", "Notes", "Unattributed remarks.");
        anonymous.source = String::new();
        writer
            .add_document(store.to_tantivy(&anonymous, &DocStructure::default()))
            .unwrap();
        // A speaker whose name holds the word, who is not the missing value.
        let named = doc("u1", "Unknown Official", "Aside", "A remark.");
        writer
            .add_document(store.to_tantivy(&named, &DocStructure::default()))
            .unwrap();
        writer.commit().unwrap();
        let store = IndexStore::open(dir.path()).unwrap();
        let speakers = |names: &[&str]| DocFilter {
            speakers: names.iter().map(|n| n.to_string()).collect(),
            ..DocFilter::default()
        };
        assert_eq!(ids(&store, &speakers(&["(unknown)"])).unwrap(), ["n1"]);
        assert_eq!(
            ids(&store, &speakers(&[" (Unknown) ", "kim"])).unwrap(),
            ["k2", "n1", "o2"]
        );
        assert_eq!(ids(&store, &speakers(&["unknown"])).unwrap(), ["u1"]);
        let sources = DocFilter {
            sources: vec!["(unknown)".into()],
            ..DocFilter::default()
        };
        assert_eq!(ids(&store, &sources).unwrap(), ["n1"]);
        // Not a typo: no note of a name that matches nothing.
        assert!(
            store
                .unmatched_names(&speakers(&["(unknown)"]))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_speaker_name_of_a_registry_person_selects_every_spelling_of_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let registry = crate::corpus::SpeakerRegistry::from_toml(
            std::path::Path::new("mine.toml"),
            "[[person]]\nname = \"Boris Kimov\"\naliases = [\"Boris Kim\", \"Борис Ким\"]\nrole = \"minister\"\ncountry = \"RU\"\n",
            None,
        )
        .unwrap();
        let registry = Some(std::sync::Arc::new(registry));
        let speakers = |names: &[&str]| DocFilter {
            speakers: names.iter().map(|n| n.to_string()).collect(),
            turns: crate::index::TurnFilter {
                registry: registry.clone(),
                ..Default::default()
            },
            ..DocFilter::default()
        };
        // The canonical name and another alias select the documents stored under
        // `Boris Kim`, which their words alone do not match.
        for name in ["Boris Kimov", "борис ким"] {
            let filter = speakers(&[name]);
            assert_eq!(ids(&store, &filter).unwrap(), ["k2", "o2"], "{name}");
            assert!(store.unmatched_names(&filter).unwrap().is_empty(), "{name}");
        }
        // Without the registry entry the name matches nothing.
        let plain = DocFilter {
            speakers: vec!["Boris Kimov".into()],
            ..DocFilter::default()
        };
        assert!(ids(&store, &plain).unwrap().is_empty());
        assert_eq!(store.unmatched_names(&plain).unwrap().len(), 1);
        // Names that are no person still match by words.
        assert_eq!(ids(&store, &speakers(&["anna"])).unwrap(), ["k1", "o1"]);
    }
}
