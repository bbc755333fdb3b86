//! Collecting the matching documents in the requested order, with offset and limit.
//!
//! Ranking is Tantivy's BM25 (block-WAND when sorted by score); date orders read the `date`
//! fast column and break ties by score, then by index order, so a page is deterministic.

use std::fmt;
use std::str::FromStr;

use tantivy::collector::TopDocs;
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::query::Query;
use tantivy::{DateTime, DocAddress, Order, Score};

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// Most relevant first (BM25).
    #[default]
    Score,
    /// Oldest first (`date`).
    Date,
    /// Newest first (`-date`).
    DateDesc,
}

impl SortOrder {
    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Score => "score",
            SortOrder::Date => "date",
            SortOrder::DateDesc => "-date",
        }
    }
}

impl fmt::Display for SortOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SortOrder {
    type Err = String;

    fn from_str(value: &str) -> Result<SortOrder, String> {
        match value {
            "score" => Ok(SortOrder::Score),
            "date" => Ok(SortOrder::Date),
            "-date" => Ok(SortOrder::DateDesc),
            other => Err(format!(
                "unknown sort `{other}` (expected one of: score, date, -date)"
            )),
        }
    }
}

/// The hits `offset..offset + limit` of `query` in `order`, with their scores. No more
/// hits than the index has documents are asked for: the collector reserves room for
/// `offset + limit` of them.
pub(crate) fn top_docs(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    order: SortOrder,
    offset: usize,
    limit: usize,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    let docs = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    if limit == 0 || offset >= docs {
        return Ok(Vec::new());
    }
    let limit = limit.min(docs - offset);
    let top = TopDocs::with_limit(limit).and_offset(offset);
    let direction = match order {
        SortOrder::Score => return searcher.search(query, &top.order_by_score()),
        SortOrder::Date => Order::Asc,
        SortOrder::DateDesc => Order::Desc,
    };
    let by_date = top.order_by((
        (
            SortByStaticFastValue::<DateTime>::for_field("date"),
            direction,
        ),
        (SortBySimilarityScore, Order::Desc),
    ));
    Ok(searcher
        .search(query, &by_date)?
        .into_iter()
        .map(|((_, score), address)| (score, address))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_orders_parse_and_print() {
        for order in [SortOrder::Score, SortOrder::Date, SortOrder::DateDesc] {
            assert_eq!(order.as_str().parse::<SortOrder>(), Ok(order));
        }
        assert!("newest".parse::<SortOrder>().unwrap_err().contains("-date"));
    }
}
