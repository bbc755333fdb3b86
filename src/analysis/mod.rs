//! Analysis over time: periods, aggregation of theme counts, statistics and comparisons.
//!
//! Contract: everything here works on [`crate::themes::DocThemeMatches`] (what counting
//! produces) and returns data: polars tables for export, and typed rows for everything
//! that reads them ([`TrendRow`], [`ComparisonRow`], [`FirstOccurrence`]); nothing prints.
//! [`attribution`] scores the speaker roles of the index against hand labels;
//! [`speaker_names`] lists the speaker names of the index as a registry resolves them.

mod aggregate;
pub mod attribution;
pub mod cluster;
mod columns;
pub mod compare;
mod error;
mod first;
mod groups;
pub mod periods;
mod speaker_names;
pub mod stats;
pub mod validation;

pub use aggregate::{
    LowN, TREND_COLUMNS, TrendRow, TrendsConfig, date_span, resolve_periods, trend_rows,
    trends_table, widen,
};
pub use cluster::ClusterUnit;
pub use compare::{
    COMPARE_COLUMNS, Comparison, ComparisonRow, ComparisonTable, SMALL_SAMPLE_DOCS, SideCounts,
    compare, resolve_comparison,
};
pub use error::AnalysisError;
pub use first::{
    CONTEXT_CHARS, FIRST_COLUMNS, FirstOccurrence, FirstScope, Passage, attach_documents,
    first_frame, first_occurrences,
};
pub use groups::{ALL_GROUP, GroupBy, UNKNOWN_GROUP};
pub use periods::{Granularity, Period, PeriodSpec, parse_period};
pub use speaker_names::{NamePlace, SpeakerName, speaker_names, speaker_names_frame};
