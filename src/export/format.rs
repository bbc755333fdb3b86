//! Output formats and how they are chosen from a path.

use std::path::Path;

use super::ExportError;

/// A table format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// One JSON array of row objects.
    Json,
    /// One JSON object per line.
    Ndjson,
}

impl TableFormat {
    /// The format's usual extension, as written in manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Parquet => "parquet",
            TableFormat::Json => "json",
            TableFormat::Ndjson => "ndjson",
        }
    }

    /// The format named by the extension of `path` (`.csv`, `.parquet`, `.json`, `.ndjson`,
    /// `.jsonl`).
    pub fn from_path(path: &Path) -> Result<TableFormat, ExportError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => Ok(TableFormat::Csv),
            Some("parquet") => Ok(TableFormat::Parquet),
            Some("json") => Ok(TableFormat::Json),
            Some("ndjson" | "jsonl") => Ok(TableFormat::Ndjson),
            _ => Err(ExportError::UnsupportedFormat {
                path: path.to_path_buf(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_extensions() {
        assert_eq!(
            TableFormat::from_path(Path::new("a/b.CSV")).unwrap(),
            TableFormat::Csv
        );
        assert_eq!(
            TableFormat::from_path(Path::new("x.parquet")).unwrap(),
            TableFormat::Parquet
        );
        assert_eq!(
            TableFormat::from_path(Path::new("x.jsonl")).unwrap(),
            TableFormat::Ndjson
        );
        assert!(TableFormat::from_path(Path::new("x.xlsx")).is_err());
    }
}
