//! Writing tables (CSV, Parquet, JSON, NDJSON) chosen by the output file's extension.
//!
//! Contract: every table of statemine goes out through [`write_table`], so the formats
//! behave the same for evidence, trends and comparisons. CSV is written with the `csv`
//! crate (exact column order, RFC 4180 quoting, text cells that a spreadsheet would run as
//! formulas prefixed with `'`: see [`csv_cell`]); Parquet and JSON with polars. Evidence
//! tables, which can have millions of rows, are also written row by row as a count produces
//! them ([`EvidenceWriter`]), to the same bytes. Every
//! exported file (tables and [`chart`]s) gets a `FILE.manifest.json` beside it (see [`write_manifest`]).

mod atomic;
pub mod chart;
mod documents;
mod error;
mod evidence;
mod format;
mod manifest;
mod raster;
pub mod report;
mod spreadsheet;
mod svg;
mod table;

/// The index fingerprint a manifest records (computed by the index).
pub use crate::index::IndexFingerprint;
pub use atomic::write_atomic;
pub use documents::{DOCUMENT_FIELDS, write_documents, write_documents_to};
pub use error::ExportError;
pub use evidence::{EvidenceWriter, PARQUET_ROW_GROUP};
pub use format::TableFormat;
pub use manifest::{
    FileFingerprint, Manifest, ManifestContext, OutputInfo, bytes_fingerprint, file_fingerprint,
    hashed_fingerprint, manifest_path, write_bytes_with_manifest, write_manifest,
    write_table_with_manifest,
};
pub use spreadsheet::{csv_cell, keep_raw_csv_cells};
pub use table::{read_parquet, write_table, write_table_to};
