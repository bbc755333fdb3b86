//! What was studied: the selected documents counted by source, kind, language and year.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::themes::DocThemeMatches;

/// The documents a study counted (after its filter), summarised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorpusSummary {
    /// Documents.
    pub documents: u64,
    /// Words.
    pub words: u64,
    /// Documents per source.
    pub by_source: BTreeMap<String, u64>,
    /// Documents per kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Documents per language.
    pub by_lang: BTreeMap<String, u64>,
    /// Documents per year.
    pub by_year: BTreeMap<i32, u64>,
    /// Earliest date.
    pub date_min: Option<NaiveDate>,
    /// Latest date.
    pub date_max: Option<NaiveDate>,
    /// Pages counted in more than one language (an original and its translation; see
    /// [`crate::index::IndexStore::translated_pages`]); set by the caller.
    pub translated_pages: usize,
}

impl CorpusSummary {
    /// The summary of the counted documents `docs`.
    pub fn of(docs: &[DocThemeMatches]) -> CorpusSummary {
        let mut summary = CorpusSummary::default();
        for d in docs {
            let doc = &d.doc;
            summary.documents += 1;
            summary.words += doc.n_words;
            let source = crate::index::shown_value(&doc.source);
            *summary.by_source.entry(source.to_string()).or_default() += 1;
            *summary
                .by_kind
                .entry(doc.kind.as_str().to_string())
                .or_default() += 1;
            *summary
                .by_lang
                .entry(doc.lang.as_str().to_string())
                .or_default() += 1;
            *summary.by_year.entry(doc.date.year()).or_default() += 1;
            summary.date_min = Some(summary.date_min.map_or(doc.date, |m| m.min(doc.date)));
            summary.date_max = Some(summary.date_max.map_or(doc.date, |m| m.max(doc.date)));
        }
        summary
    }
}
