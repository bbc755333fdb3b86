//! Analysis over time: periods, aggregation of theme counts, statistics and comparisons.
//!
//! Contract: everything here works on [`crate::themes::DocThemeMatches`] (what counting
//! produces) and returns data (polars tables or plain rows); nothing prints.

mod error;
pub mod periods;
pub mod stats;

pub use error::AnalysisError;
pub use periods::{Granularity, Period, PeriodSpec};
