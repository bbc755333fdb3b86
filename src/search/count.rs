//! Counting matching documents, in total or grouped by year, month, speaker or source.
//!
//! Groups are read from fast columns (`date`, and the raw `speaker`/`source` columns), never
//! from stored texts, so `--count --by` costs one column lookup per matching document.
//! Per segment, string groups are counted by term ordinal and resolved to names once.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime as ChronoDateTime, Datelike};
use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::document::Document;

/// What to group a count by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// Publication year (`2017`).
    Year,
    /// Publication month (`2017-10`).
    Month,
    /// Main speaker of the document (as stored; empty when none).
    Speaker,
    /// Publisher.
    Source,
}

impl GroupBy {
    /// The name used on the command line and as a column header.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Year => "year",
            GroupBy::Month => "month",
            GroupBy::Speaker => "speaker",
            GroupBy::Source => "source",
        }
    }

    /// The group of a stored document (used when documents are read anyway).
    pub(crate) fn key_of(self, doc: &Document) -> String {
        match self {
            GroupBy::Year => doc.date.format("%Y").to_string(),
            GroupBy::Month => doc.date.format("%Y-%m").to_string(),
            GroupBy::Speaker => doc.speaker.clone(),
            GroupBy::Source => doc.source.clone(),
        }
    }

    fn is_date(self) -> bool {
        matches!(self, GroupBy::Year | GroupBy::Month)
    }
}

impl fmt::Display for GroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for GroupBy {
    type Err = String;

    fn from_str(value: &str) -> Result<GroupBy, String> {
        match value {
            "year" => Ok(GroupBy::Year),
            "month" => Ok(GroupBy::Month),
            "speaker" => Ok(GroupBy::Speaker),
            "source" => Ok(GroupBy::Source),
            other => Err(format!(
                "unknown grouping `{other}` (expected one of: year, month, speaker, source)"
            )),
        }
    }
}

/// One row of a grouped count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupCount {
    /// The group (year, month, speaker or source; empty for documents without one).
    pub key: String,
    /// Matching documents in the group.
    pub count: u64,
}

/// Sorts groups: dates chronologically, names by count (largest first), then by name.
pub(crate) fn sorted_groups(by: GroupBy, counts: HashMap<String, u64>) -> Vec<GroupCount> {
    let mut rows: Vec<GroupCount> = counts
        .into_iter()
        .map(|(key, count)| GroupCount { key, count })
        .collect();
    if by.is_date() {
        rows.sort_by(|a, b| a.key.cmp(&b.key));
    } else {
        rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    }
    rows
}

/// Counts matching documents per group from fast columns.
pub(crate) struct GroupCollector {
    pub(crate) by: GroupBy,
}

impl Collector for GroupCollector {
    type Fruit = HashMap<String, u64>;
    type Child = GroupSegmentCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<GroupSegmentCollector> {
        let fast = reader.fast_fields();
        Ok(match self.by {
            GroupBy::Year | GroupBy::Month => GroupSegmentCollector::Date {
                column: fast.date("date")?,
                monthly: self.by == GroupBy::Month,
                counts: HashMap::new(),
            },
            GroupBy::Speaker | GroupBy::Source => {
                let column = fast.str(self.by.as_str())?;
                let terms = column.as_ref().map_or(0, |c| c.num_terms());
                GroupSegmentCollector::Name {
                    column,
                    counts: vec![0; terms],
                    missing: 0,
                }
            }
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<String, u64>>) -> tantivy::Result<Self::Fruit> {
        let mut total = HashMap::new();
        for fruit in fruits {
            for (key, count) in fruit {
                *total.entry(key).or_insert(0) += count;
            }
        }
        Ok(total)
    }
}

/// The per-segment state of [`GroupCollector`].
pub(crate) enum GroupSegmentCollector {
    Date {
        column: Column<DateTime>,
        monthly: bool,
        /// Keyed by `year * 100 + month` (month 0 when yearly); `i64::MIN` for no date.
        counts: HashMap<i64, u64>,
    },
    Name {
        column: Option<StrColumn>,
        /// Indexed by term ordinal.
        counts: Vec<u64>,
        missing: u64,
    },
}

impl SegmentCollector for GroupSegmentCollector {
    type Fruit = HashMap<String, u64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        match self {
            GroupSegmentCollector::Date {
                column,
                monthly,
                counts,
            } => {
                let key = column
                    .first(doc)
                    .and_then(|d| ChronoDateTime::from_timestamp(d.into_timestamp_secs(), 0))
                    .map_or(i64::MIN, |d| {
                        i64::from(d.year()) * 100 + if *monthly { i64::from(d.month()) } else { 0 }
                    });
                *counts.entry(key).or_insert(0) += 1;
            }
            GroupSegmentCollector::Name {
                column,
                counts,
                missing,
            } => match column
                .as_ref()
                .and_then(|c| c.term_ords(doc).next())
                .and_then(|ord| usize::try_from(ord).ok())
            {
                Some(ord) if ord < counts.len() => counts[ord] += 1,
                _ => *missing += 1,
            },
        }
    }

    fn harvest(self) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        match self {
            GroupSegmentCollector::Date {
                monthly, counts, ..
            } => {
                for (key, count) in counts {
                    let label = if key == i64::MIN {
                        String::new()
                    } else if monthly {
                        format!("{:04}-{:02}", key / 100, key % 100)
                    } else {
                        format!("{:04}", key / 100)
                    };
                    *out.entry(label).or_insert(0) += count;
                }
            }
            GroupSegmentCollector::Name {
                column,
                counts,
                missing,
            } => {
                let mut name = String::new();
                for (ord, count) in counts.into_iter().enumerate() {
                    if count == 0 {
                        continue;
                    }
                    let found = column
                        .as_ref()
                        .and_then(|c| c.ord_to_str(ord as u64, &mut name).ok())
                        .unwrap_or(false);
                    let key = if found { name.clone() } else { String::new() };
                    *out.entry(key).or_insert(0) += count;
                }
                if missing > 0 {
                    *out.entry(String::new()).or_insert(0) += missing;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groupings_parse() {
        for by in [
            GroupBy::Year,
            GroupBy::Month,
            GroupBy::Speaker,
            GroupBy::Source,
        ] {
            assert_eq!(by.as_str().parse::<GroupBy>(), Ok(by));
        }
        assert!("week".parse::<GroupBy>().is_err());
    }

    #[test]
    fn dates_sort_chronologically_and_names_by_count() {
        let counts = |pairs: &[(&str, u64)]| {
            pairs
                .iter()
                .map(|(k, c)| (k.to_string(), *c))
                .collect::<HashMap<_, _>>()
        };
        let months = sorted_groups(GroupBy::Month, counts(&[("2017-10", 1), ("2017-02", 5)]));
        assert_eq!(months[0].key, "2017-02");
        let names = sorted_groups(GroupBy::Speaker, counts(&[("B", 2), ("A", 2), ("C", 9)]));
        let keys: Vec<_> = names.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["C", "A", "B"]);
    }
}
