//! From a parsed query ([`Plan`]) to a Tantivy query over the index's fields, and the one
//! query of a [`DocFilter`] (its metadata and its text query).
//!
//! Each text leaf becomes a disjunction over the language fields of its scope (an English
//! document only fills `text_en`/`title_en`, so the English stems only meet English texts);
//! title clauses are boosted so that a word in the title ranks above the same word once in
//! the body. Keyword leaves and the filter score nothing (constant 0): ranking is BM25 on
//! the words alone. A query with only negative parts (`NOT korea`) means "every document
//! except", so negations are always anchored on all documents.
//!
//! Contract: this is the only place where a plan meets the schema; selections
//! ([`IndexStore::select`]) and searches (`search::build`) both get their filter from
//! [`IndexStore::filter_query`], so a filter selects the same documents everywhere.

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::expansion::ExpansionBudget;
use super::phrase_bound::BoundedPhrases;
use super::prefix_query::{PrefixClause, PrefixQuery};
use super::{DocFilter, Fields, IndexError, IndexStore, keyword_query, keyword_values};
use crate::document::Lang;
use crate::query::Plan;
use crate::query::plan::{KeywordField, KeywordLeaf, KeywordMatch, Node, Pattern, TextLeaf};

/// Weight of a match in the title relative to one in the text.
const TITLE_BOOST: f32 = 2.0;

impl IndexStore {
    /// The scored query of `plan` (BM25 on its words; keyword leaves score nothing).
    pub fn plan_query(
        &self,
        plan: &Plan,
        searcher: &Searcher,
    ) -> Result<Box<dyn Query>, IndexError> {
        Builder {
            fields: self.fields(),
            store: self,
            searcher,
            budget: ExpansionBudget::default(),
        }
        .node(&plan.root)
    }

    /// The query selecting the documents `filter` selects: its metadata and, when it has
    /// one, its text query (which scores nothing). Speaker and source names and the query's
    /// keyword names are resolved against the values `searcher` holds.
    pub fn filter_query(
        &self,
        filter: &DocFilter,
        searcher: &Searcher,
    ) -> Result<Box<dyn Query>, IndexError> {
        let metadata = filter
            .metadata_query(self.fields(), searcher)
            .map_err(|e| self.engine_error(e))?;
        Ok(match &filter.query {
            None => metadata,
            Some(plan) => {
                let resolved = plan.with_speakers(|| filter.turns.registry());
                let plan = resolved.as_ref().unwrap_or(plan);
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, metadata),
                    (
                        Occur::Must,
                        Box::new(ConstScoreQuery::new(self.plan_query(plan, searcher)?, 0.0)),
                    ),
                ]))
            }
        })
    }
}

struct Builder<'a> {
    fields: &'a Fields,
    store: &'a IndexStore,
    searcher: &'a Searcher,
    budget: ExpansionBudget,
}

impl Builder<'_> {
    fn node(&self, node: &Node) -> Result<Box<dyn Query>, IndexError> {
        Ok(match node {
            Node::And(children) => {
                let mut clauses = Vec::with_capacity(children.len() + 1);
                for child in children {
                    match child {
                        Node::Not(inner) => clauses.push((Occur::MustNot, self.node(inner)?)),
                        _ => clauses.push((Occur::Must, self.node(child)?)),
                    }
                }
                if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
                    clauses.push((Occur::Must, all_documents()));
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Node::Or(children) => Box::new(BooleanQuery::new(
                children
                    .iter()
                    .map(|c| Ok((Occur::Should, self.node(c)?)))
                    .collect::<Result<_, IndexError>>()?,
            )),
            Node::Not(inner) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, all_documents()),
                (Occur::MustNot, self.node(inner)?),
            ])),
            Node::Text(leaf) => self.text(leaf)?,
            Node::Keyword(leaf) => Box::new(ConstScoreQuery::new(self.keyword(leaf)?, 0.0)),
        })
    }

    fn text(&self, leaf: &TextLeaf) -> Result<Box<dyn Query>, IndexError> {
        if let Some(phrases) = self.exact_phrases(leaf) {
            return Ok(Box::new(phrases));
        }
        if let Some(prefixes) = self.prefixes(leaf)? {
            return Ok(Box::new(prefixes));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for lang in [Lang::En, Lang::Ru] {
            let pattern = leaf.pattern(lang);
            if leaf.scope.in_text() {
                clauses.push((
                    Occur::Should,
                    self.pattern_query(pattern, self.fields.text_field(lang))?,
                ));
            }
            if leaf.scope.in_title() {
                let title = self.pattern_query(pattern, self.fields.title_field(lang))?;
                clauses.push((Occur::Should, Box::new(BoostQuery::new(title, TITLE_BOOST))));
            }
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// The leaf as [`BoundedPhrases`] when it is an exact phrase in both languages: the same
    /// clauses, in the same order, as [`Builder::text`] writes (top hits read fewer
    /// positions; results are the same).
    fn exact_phrases(&self, leaf: &TextLeaf) -> Option<BoundedPhrases> {
        let mut clauses = Vec::new();
        for lang in [Lang::En, Lang::Ru] {
            let Pattern::Phrase { terms, slop: 0 } = leaf.pattern(lang) else {
                return None;
            };
            if leaf.scope.in_text() {
                clauses.push((phrase_query(terms, 0, self.fields.text_field(lang)), 1.0));
            }
            if leaf.scope.in_title() {
                let title = phrase_query(terms, 0, self.fields.title_field(lang));
                clauses.push((title, TITLE_BOOST));
            }
        }
        Some(BoundedPhrases::new(clauses))
    }

    fn keyword(&self, leaf: &KeywordLeaf) -> Result<Box<dyn Query>, IndexError> {
        let field = match leaf.field {
            KeywordField::Speaker => self.fields.speaker,
            KeywordField::Source => self.fields.source,
            KeywordField::Kind => self.fields.kind,
            KeywordField::Lang => self.fields.lang,
            KeywordField::Tag => self.fields.tags,
        };
        let values = match &leaf.matcher {
            KeywordMatch::OneOf(values) => values.clone(),
            // Names are matched by words, so the candidates come from the field's dictionary
            // (a few hundred speakers or sources even in a large corpus).
            KeywordMatch::Words(_) | KeywordMatch::Person { .. } => {
                keyword_values(self.searcher, field, |value| leaf.matcher.matches(value))
                    .map_err(|e| self.store.engine_error(e))?
            }
        };
        Ok(keyword_query(field, values))
    }

    /// The query for one analyzed pattern on one field.
    fn pattern_query(&self, pattern: &Pattern, field: Field) -> Result<Box<dyn Query>, IndexError> {
        Ok(match pattern {
            Pattern::Term(stem) => Box::new(TermQuery::new(
                Term::from_field_text(field, stem),
                IndexRecordOption::WithFreqs,
            )),
            Pattern::Phrase { terms, slop } => Box::new(phrase_query(terms, *slop, field)),
            Pattern::Prefix { prefixes, stems } => Box::new(PrefixQuery::new(
                self.prefix_clauses(prefixes, stems, field, 1.0)?,
            )),
        })
    }

    /// The leaf as one [`PrefixQuery`] when it is a prefix in both languages: a clause for
    /// each prefix on each field [`Builder::text`] would search, with the title boost (the
    /// same documents and scores as its disjunction, and top hits without visiting every
    /// matching document).
    fn prefixes(&self, leaf: &TextLeaf) -> Result<Option<PrefixQuery>, IndexError> {
        let mut clauses = Vec::new();
        for lang in [Lang::En, Lang::Ru] {
            let Pattern::Prefix { prefixes, stems } = leaf.pattern(lang) else {
                return Ok(None);
            };
            if leaf.scope.in_text() {
                let field = self.fields.text_field(lang);
                clauses.extend(self.prefix_clauses(prefixes, stems, field, 1.0)?);
            }
            if leaf.scope.in_title() {
                let field = self.fields.title_field(lang);
                clauses.extend(self.prefix_clauses(prefixes, stems, field, TITLE_BOOST)?);
            }
        }
        Ok(Some(PrefixQuery::new(clauses)))
    }

    /// A clause for each of `prefixes` and whole `stems` (what one prefix the user wrote
    /// selects) on `field` that matches a term there, counted against the expansion limits.
    fn prefix_clauses(
        &self,
        prefixes: &[String],
        stems: &[String],
        field: Field,
        boost: f32,
    ) -> Result<Vec<PrefixClause>, IndexError> {
        let mut clauses = Vec::new();
        let mut matched = 0;
        let parts = prefixes.iter().map(|p| (p, false));
        for (prefix, whole) in parts.chain(stems.iter().map(|s| (s, true))) {
            let n = self
                .budget
                .take(self.searcher, field, (prefix, whole), &prefixes[0], matched)
                .map_err(|e| self.store.engine_error(e))??;
            matched += n;
            if n > 0 {
                clauses.push(PrefixClause {
                    field,
                    prefix: prefix.clone(),
                    whole,
                    boost,
                });
            }
        }
        Ok(clauses)
    }
}

/// The phrase of `terms` (stems with their offsets) on `field`.
fn phrase_query(terms: &[(usize, String)], slop: u32, field: Field) -> PhraseQuery {
    PhraseQuery::new_with_offset_and_slop(
        terms
            .iter()
            .map(|(offset, stem)| (*offset, Term::from_field_text(field, stem)))
            .collect(),
        slop,
    )
}

/// Matches every document (anchor for negations), scoring nothing.
fn all_documents() -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0))
}
