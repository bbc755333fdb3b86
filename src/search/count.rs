//! Counting matching documents, in total or grouped by year, month, speaker or source.
//!
//! Groups are read from fast columns (`date`, and the raw `speaker`/`source` columns), never
//! from stored texts, so `--count --by` costs one column lookup per matching document.
//! Per segment, string groups are counted by term ordinal and resolved to names once;
//! speaker names are then counted under their registry person ([`by_person`]).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime as ChronoDateTime, Datelike};
use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::corpus::SpeakerRegistry;
use crate::document::Document;

/// What to group a count by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// Publication year (`2017`).
    Year,
    /// Publication month (`2017-10`).
    Month,
    /// Main speaker of the document: a registry person's name for any of their names, else
    /// as stored (empty when none).
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

/// Speaker counts with every name of a registry person counted under the person's name
/// (`Владимир Путин` and `Vladimir Putin` as one), as theme counts and trends group them;
/// other names stay as they are.
pub(crate) fn by_person(
    counts: HashMap<String, u64>,
    registry: &SpeakerRegistry,
) -> HashMap<String, u64> {
    let mut merged = HashMap::with_capacity(counts.len());
    for (name, count) in counts {
        let name = match registry.person(&name) {
            Some(person) => person.name.clone(),
            None => name,
        };
        *merged.entry(name).or_insert(0) += count;
    }
    merged
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
                periods: PeriodCounts::new(self.by == GroupBy::Month),
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

/// Documents per year or month of one segment. The seconds range of every period seen is
/// kept, sorted: a document is counted by comparing its date with the last period counted
/// (documents of one period tend to follow each other), else by a binary search of the
/// ranges, and its date is converted only for a period not seen before.
pub(crate) struct PeriodCounts {
    monthly: bool,
    /// Per period seen, in order of first sight: its key (`year * 100 + month`, month 0
    /// when yearly; `i64::MIN` for no date) and its documents.
    counts: Vec<(i64, u64)>,
    /// The slot in `counts` of each key.
    slots: HashMap<i64, usize>,
    /// The seconds `[start, end)` of each period seen and its slot, by start.
    ranges: Vec<(i64, i64, usize)>,
    /// The range of the last period counted.
    last: (i64, i64, usize),
}

impl PeriodCounts {
    fn new(monthly: bool) -> PeriodCounts {
        PeriodCounts {
            monthly,
            counts: Vec::new(),
            slots: HashMap::new(),
            ranges: Vec::new(),
            last: (0, 0, 0),
        }
    }

    /// Counts a document dated `secs` (Unix seconds; `None`: no date).
    fn count(&mut self, secs: Option<i64>) {
        if let Some(secs) = secs {
            if self.last.0 <= secs && secs < self.last.1 {
                self.counts[self.last.2].1 += 1;
                return;
            }
            let at = self.ranges.partition_point(|r| r.0 <= secs);
            if let Some(&range) = at.checked_sub(1).and_then(|i| self.ranges.get(i))
                && secs < range.1
            {
                self.counts[range.2].1 += 1;
                self.last = range;
                return;
            }
        }
        let (key, start, end) = self.period(secs);
        let slot = *self.slots.entry(key).or_insert_with(|| {
            self.counts.push((key, 0));
            self.counts.len() - 1
        });
        self.counts[slot].1 += 1;
        if start < end {
            let at = self.ranges.partition_point(|r| r.0 <= start);
            self.ranges.insert(at, (start, end, slot));
        }
        self.last = (start, end, slot);
    }

    /// The key of the period holding `secs`, and the seconds `[start, end)` it spans (empty
    /// for no date).
    fn period(&self, secs: Option<i64>) -> (i64, i64, i64) {
        let Some(date) = secs
            .and_then(|s| ChronoDateTime::from_timestamp(s, 0))
            .map(|d| d.date_naive())
        else {
            return (i64::MIN, 0, 0);
        };
        let (year, month) = (date.year(), if self.monthly { date.month() } else { 0 });
        let first = chrono::NaiveDate::from_ymd_opt(year, month.max(1), 1);
        let next = if self.monthly && month < 12 {
            chrono::NaiveDate::from_ymd_opt(year, month + 1, 1)
        } else {
            chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)
        };
        let seconds = |day: Option<chrono::NaiveDate>| {
            day.and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc().timestamp())
        };
        let key = i64::from(year) * 100 + i64::from(month);
        match (seconds(first), seconds(next)) {
            (Some(start), Some(end)) => (key, start, end),
            // At the end of the calendar: no range, the key computed for every document.
            _ => (key, 0, 0),
        }
    }
}

/// The per-segment state of [`GroupCollector`].
pub(crate) enum GroupSegmentCollector {
    Date {
        column: Column<DateTime>,
        periods: PeriodCounts,
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
            GroupSegmentCollector::Date { column, periods } => {
                periods.count(column.first(doc).map(|d| d.into_timestamp_secs()));
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
            GroupSegmentCollector::Date { periods, .. } => {
                for (key, count) in periods.counts {
                    let label = if key == i64::MIN {
                        String::new()
                    } else if periods.monthly {
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

    use proptest::prelude::*;

    /// The key of `secs` computed directly, as the collector computed it for every document.
    fn direct_key(secs: Option<i64>, monthly: bool) -> i64 {
        secs.and_then(|s| ChronoDateTime::from_timestamp(s, 0))
            .map_or(i64::MIN, |d| {
                i64::from(d.year()) * 100 + if monthly { i64::from(d.month()) } else { 0 }
            })
    }

    /// Seconds around period edges: first and last second of months and years, before and
    /// after 1970, and far from them.
    fn edge_second() -> impl Strategy<Value = Option<i64>> {
        let edge = (1950i32..2030, 1u32..=12, -2i64..=2).prop_map(|(year, month, delta)| {
            let first = chrono::NaiveDate::from_ymd_opt(year, month, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .unwrap();
            Some(first.and_utc().timestamp() + delta)
        });
        prop_oneof![
            4 => edge,
            2 => (-2_000_000_000i64..4_000_000_000).prop_map(Some),
            1 => Just(None),
        ]
    }

    proptest! {
        /// Counting with the last period's range gives what a key per document gives.
        #[test]
        fn period_counts_equal_a_key_per_document(
            dates in prop::collection::vec(edge_second(), 0..200),
            monthly in any::<bool>(),
        ) {
            let mut periods = PeriodCounts::new(monthly);
            let mut expected: HashMap<i64, u64> = HashMap::new();
            for secs in &dates {
                periods.count(*secs);
                *expected.entry(direct_key(*secs, monthly)).or_insert(0) += 1;
            }
            let counted: HashMap<i64, u64> = periods.counts.iter().copied().collect();
            prop_assert_eq!(counted.len(), periods.counts.len());
            prop_assert_eq!(counted, expected);
        }
    }

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
