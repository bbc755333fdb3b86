//! Errors of the analysis stage.

/// Aggregation or a statistical computation failed.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// A period specification is invalid.
    #[error("invalid period `{spec}`: {reason}")]
    Period {
        /// What the user gave.
        spec: String,
        /// What is wrong.
        reason: String,
    },
}
