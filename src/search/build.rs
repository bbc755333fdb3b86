//! The Tantivy query of a search: the plan's scored query restricted by the filter.

use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};

use super::SearchError;
use crate::index::{DocFilter, FilteredQuery, IndexStore};
use crate::query::Plan;
use crate::query::plan::LeafKind;

/// The Tantivy query for `plan` restricted by `filter`, the query of a [`DocFilter`]
/// (which scores nothing; `None` for a filter that selects everything): a conjunction,
/// whose top hits keep the plan's pruning ([`FilteredQuery`]) when the plan prunes.
pub(crate) fn build_query(
    plan: &Plan,
    filter: Option<Box<dyn Query>>,
    store: &IndexStore,
    searcher: &tantivy::Searcher,
) -> Result<Box<dyn Query>, SearchError> {
    let query = store.plan_query(plan, searcher)?;
    let Some(filter) = filter else {
        return Ok(query);
    };
    Ok(match plan.single_leaf() {
        Some(LeafKind::Words | LeafKind::ExactPhrase) => {
            Box::new(FilteredQuery::new(query, filter, true))
        }
        Some(LeafKind::Prefix) => Box::new(FilteredQuery::new(query, filter, false)),
        None => Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))),
        ])),
    })
}

/// The query of `filter` (`None` when it selects everything).
pub(crate) fn filter_query(
    filter: &DocFilter,
    store: &IndexStore,
    searcher: &tantivy::Searcher,
) -> Result<Option<Box<dyn Query>>, SearchError> {
    if filter.is_empty() {
        return Ok(None);
    }
    Ok(Some(store.filter_query(filter, searcher)?))
}
