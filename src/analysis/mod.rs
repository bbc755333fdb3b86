//! Analysis over time: periods, aggregation of theme counts, statistics and comparisons.

mod error;

pub use error::AnalysisError;
