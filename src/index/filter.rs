//! Document filters shared by search, theme counting and trends: metadata (dates,
//! speakers, sources, kinds, languages) and an optional text query.
//!
//! Contract: [`DocFilter::to_query`] covers the metadata alone; the text query needs the
//! open index (keyword names are resolved against its dictionary), so it is built by
//! [`crate::search::filter_query`] and combined (both must match) by
//! [`super::IndexStore::select`] and by the search itself. Every selection goes through
//! one of the two, so the query restricts searches, counts, trends and comparisons alike.

use chrono::NaiveDate;
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DateTime, Term};

use super::Fields;
use crate::document::{Kind, Lang};

/// Which documents to consider: values within one field are alternatives (OR), fields
/// and the query combine with AND. An empty filter selects every document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocFilter {
    /// First date included.
    pub from: Option<NaiveDate>,
    /// Last date included.
    pub to: Option<NaiveDate>,
    /// Main speakers (case-insensitive, exact).
    pub speakers: Vec<String>,
    /// Sources (case-insensitive, exact).
    pub sources: Vec<String>,
    /// Kinds.
    pub kinds: Vec<Kind>,
    /// Languages.
    pub langs: Vec<Lang>,
    /// Only documents matching this query (the language of `statemine search`).
    pub query: Option<String>,
}

impl DocFilter {
    /// Whether the filter selects every document.
    pub fn is_empty(&self) -> bool {
        self == &DocFilter::default()
    }

    /// The metadata part of the filter as a Tantivy query (`AllQuery` when it has none);
    /// [`DocFilter::query`] is not part of it (see the module contract).
    pub fn to_query(&self, fields: &Fields) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if self.from.is_some() || self.to.is_some() {
            let bound = |date: NaiveDate| {
                let secs = date
                    .and_hms_opt(0, 0, 0)
                    .map_or(0, |t| t.and_utc().timestamp());
                Term::from_field_date(fields.date, DateTime::from_timestamp_secs(secs))
            };
            let lower = self.from.map_or(std::ops::Bound::Unbounded, |d| {
                std::ops::Bound::Included(bound(d))
            });
            let upper = self.to.map_or(std::ops::Bound::Unbounded, |d| {
                std::ops::Bound::Included(bound(d))
            });
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
        }
        let keyword_clause =
            |field: Field, values: Vec<String>| -> Option<(Occur, Box<dyn Query>)> {
                if values.is_empty() {
                    return None;
                }
                let alternatives: Vec<(Occur, Box<dyn Query>)> = values
                    .iter()
                    .map(|v| {
                        let term = Term::from_field_text(field, &v.to_lowercase());
                        let q: Box<dyn Query> =
                            Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                        (Occur::Should, q)
                    })
                    .collect();
                Some((Occur::Must, Box::new(BooleanQuery::new(alternatives))))
            };
        clauses.extend(keyword_clause(fields.speaker, self.speakers.clone()));
        clauses.extend(keyword_clause(fields.source, self.sources.clone()));
        clauses.extend(keyword_clause(
            fields.kind,
            self.kinds.iter().map(|k| k.as_str().to_string()).collect(),
        ));
        clauses.extend(keyword_clause(
            fields.lang,
            self.langs.iter().map(|l| l.as_str().to_string()).collect(),
        ));
        if clauses.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(clauses))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{DocStructure, Document};
    use crate::index::{IndexError, IndexStore};
    use crate::search::SearchError;

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
    fn a_query_selects_only_the_matching_documents() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let all = ids(&store, &DocFilter::default()).unwrap();
        assert_eq!(all, ["k1", "k2", "o1", "o2"]);
        let korea = DocFilter {
            query: Some("korea OR korean".into()),
            ..DocFilter::default()
        };
        assert_eq!(ids(&store, &korea).unwrap(), ["k1", "k2"]);
        let negated = DocFilter {
            query: Some("NOT korea*".into()),
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
            query: Some("korea OR pipelines".into()),
            ..DocFilter::default()
        };
        assert_eq!(ids(&store, &filter).unwrap(), ["k1"]);
        let by_name = DocFilter {
            query: Some("speaker:kim AND NOT energy".into()),
            ..DocFilter::default()
        };
        assert_eq!(ids(&store, &by_name).unwrap(), ["k2"]);
    }

    #[test]
    fn a_bad_query_is_a_syntax_error_with_its_column() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let filter = DocFilter {
            query: Some("korea AND".into()),
            ..DocFilter::default()
        };
        match ids(&store, &filter) {
            Err(IndexError::FilterQuery { query, source }) => {
                assert_eq!(query, "korea AND");
                assert!(
                    matches!(*source, SearchError::Syntax { position: 10, .. }),
                    "{source:?}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
