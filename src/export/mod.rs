//! Writing tables (CSV, Parquet, JSON, NDJSON) and their manifests.

mod error;

pub use error::ExportError;
