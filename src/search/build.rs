//! The Tantivy query of a search: the plan's scored query restricted by the filter.

use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};

use super::SearchError;
use crate::index::{DocFilter, IndexStore};
use crate::query::Plan;

/// The Tantivy query for `plan` restricted by `filter` (which scores nothing).
pub(crate) fn build_query(
    plan: &Plan,
    filter: &DocFilter,
    store: &IndexStore,
    searcher: &tantivy::Searcher,
) -> Result<Box<dyn Query>, SearchError> {
    let query = store.plan_query(plan, searcher)?;
    if filter.is_empty() {
        return Ok(query);
    }
    let filter = store.filter_query(filter, searcher)?;
    Ok(Box::new(BooleanQuery::new(vec![
        (Occur::Must, query),
        (Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))),
    ])))
}
