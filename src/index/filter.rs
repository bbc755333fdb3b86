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
