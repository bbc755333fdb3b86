//! From a [`Plan`] to a Tantivy query, combined with the metadata filter.
//!
//! Each text leaf becomes a disjunction over the language fields of its scope (an English
//! document only fills `text_en`/`title_en`, so the English stems only meet English texts);
//! title clauses are boosted so that a word in the title ranks above the same word once in
//! the body. Keyword leaves and the filter score nothing (constant 0): ranking is BM25 on
//! the words alone. A query with only negative parts (`NOT korea`) means "every document
//! except", so negations are always anchored on all documents.

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RegexQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::SearchError;
use super::phrase_bound::BoundedPhrases;
use super::plan::{KeywordField, KeywordLeaf, KeywordMatch, Node, Pattern, Plan, TextLeaf};
use crate::document::Lang;
use crate::index::{DocFilter, Fields, IndexStore, keyword_query, keyword_values};

/// Weight of a match in the title relative to one in the text.
const TITLE_BOOST: f32 = 2.0;

/// The Tantivy query for `plan` restricted by `filter`.
pub(crate) fn build_query(
    plan: &Plan,
    filter: &DocFilter,
    store: &IndexStore,
    searcher: &tantivy::Searcher,
) -> Result<Box<dyn Query>, SearchError> {
    let fields = store.fields();
    let builder = Builder {
        fields,
        store,
        searcher,
    };
    let query = builder.node(&plan.root)?;
    if filter.is_empty() {
        return Ok(query);
    }
    let mut clauses = vec![
        (Occur::Must, query),
        (
            Occur::Must,
            Box::new(ConstScoreQuery::new(
                filter
                    .to_query(fields, searcher)
                    .map_err(|e| store.engine_error(e))?,
                0.0,
            )) as Box<dyn Query>,
        ),
    ];
    if let Some(text) = &filter.query {
        clauses.push((Occur::Must, filter_query(text, store, searcher)?));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// The Tantivy query selecting the documents that match `query` (the language of
/// `statemine search`, words in the text or the title as there), scoring nothing: the
/// text part of a [`DocFilter`], which needs the open index to resolve keyword names.
/// A bad query is a [`SearchError::Syntax`] with its 1-based column.
pub fn filter_query(
    query: &str,
    store: &IndexStore,
    searcher: &tantivy::Searcher,
) -> Result<Box<dyn Query>, SearchError> {
    let plan = Plan::parse(query)?;
    let builder = Builder {
        fields: store.fields(),
        store,
        searcher,
    };
    Ok(Box::new(ConstScoreQuery::new(
        builder.node(&plan.root)?,
        0.0,
    )))
}

struct Builder<'a> {
    fields: &'a Fields,
    store: &'a IndexStore,
    searcher: &'a tantivy::Searcher,
}

impl Builder<'_> {
    fn node(&self, node: &Node) -> Result<Box<dyn Query>, SearchError> {
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
                    .collect::<Result<_, SearchError>>()?,
            )),
            Node::Not(inner) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, all_documents()),
                (Occur::MustNot, self.node(inner)?),
            ])),
            Node::Text(leaf) => self.text(leaf)?,
            Node::Keyword(leaf) => Box::new(ConstScoreQuery::new(self.keyword(leaf)?, 0.0)),
        })
    }

    fn text(&self, leaf: &TextLeaf) -> Result<Box<dyn Query>, SearchError> {
        if let Some(phrases) = self.exact_phrases(leaf) {
            return Ok(Box::new(phrases));
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

    fn keyword(&self, leaf: &KeywordLeaf) -> Result<Box<dyn Query>, SearchError> {
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
            KeywordMatch::Words(_) => {
                keyword_values(self.searcher, field, |value| leaf.matcher.matches(value))
                    .map_err(|e| self.store.engine_error(e))?
            }
        };
        Ok(keyword_query(field, values))
    }

    /// The query for one analyzed pattern on one field.
    fn pattern_query(
        &self,
        pattern: &Pattern,
        field: Field,
    ) -> Result<Box<dyn Query>, SearchError> {
        Ok(match pattern {
            Pattern::Term(stem) => Box::new(TermQuery::new(
                Term::from_field_text(field, stem),
                IndexRecordOption::WithFreqs,
            )),
            Pattern::Phrase { terms, slop } => Box::new(phrase_query(terms, *slop, field)),
            Pattern::Prefix(prefixes) => {
                let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for prefix in prefixes {
                    let regex = format!("{}.*", regex::escape(prefix));
                    // Cannot fail: the plan checked that the prefix is letters and digits.
                    let query = RegexQuery::from_pattern(&regex, field)
                        .map_err(|e| self.store.engine_error(e))?;
                    alternatives.push((Occur::Should, Box::new(query)));
                }
                Box::new(BooleanQuery::new(alternatives))
            }
        })
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
