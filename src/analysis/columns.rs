//! Reading a finished aggregation table back into plain vectors, column by column: the
//! only way `analysis` turns polars frames into typed rows.

use polars::prelude::DataFrame;

use super::AnalysisError;

/// The text column `name` (nulls as empty strings).
pub(crate) fn string_values(table: &DataFrame, name: &str) -> Result<Vec<String>, AnalysisError> {
    Ok(table
        .column(name)?
        .str()?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

/// The count column `name` (nulls as 0).
pub(crate) fn u64_values(table: &DataFrame, name: &str) -> Result<Vec<u64>, AnalysisError> {
    Ok(table
        .column(name)?
        .u64()?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect())
}
