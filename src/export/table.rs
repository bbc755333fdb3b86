//! Writing a polars `DataFrame` in the format its path asks for.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use polars::prelude::*;

use super::atomic::Staged;
use super::{ExportError, TableFormat, csv_cell};

/// Writes `df` to `path` in the format of its extension (creating parent folders), whole
/// or not at all (written to a temporary file in the same folder, then renamed).
pub fn write_table(df: &mut DataFrame, path: &Path) -> Result<(), ExportError> {
    stage_table(df, path)?.commit()
}

/// Writes `df` to a temporary file beside `path`, to be renamed into place.
pub(crate) fn stage_table(df: &mut DataFrame, path: &Path) -> Result<Staged, ExportError> {
    let format = TableFormat::from_path(path)?;
    let mut staged = Staged::create(path)?;
    write_table_to(df, format, staged.writer(), path)?;
    Ok(staged)
}

/// Writes `df` as `format` to `writer`; `path` names the destination in errors.
pub fn write_table_to<W: Write>(
    df: &mut DataFrame,
    format: TableFormat,
    writer: &mut W,
    path: &Path,
) -> Result<(), ExportError> {
    let polars_error = |source| ExportError::Polars {
        path: path.to_path_buf(),
        source,
    };
    match format {
        TableFormat::Csv => write_csv(df, writer, path),
        TableFormat::Parquet => ParquetWriter::new(writer)
            .finish(df)
            .map(|_| ())
            .map_err(polars_error),
        TableFormat::Json => JsonWriter::new(writer)
            .with_json_format(JsonFormat::Json)
            .finish(df)
            .map_err(polars_error),
        TableFormat::Ndjson => JsonWriter::new(writer)
            .with_json_format(JsonFormat::JsonLines)
            .finish(df)
            .map_err(polars_error),
    }
}

/// Reads a Parquet file back (round-trip checks, and jobs that reuse outputs).
pub fn read_parquet(path: &Path) -> Result<DataFrame, ExportError> {
    let file = File::open(path).map_err(|source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    ParquetReader::new(file)
        .finish()
        .map_err(|source| ExportError::Polars {
            path: path.to_path_buf(),
            source,
        })
}

/// CSV through the `csv` crate: polars' CSV writer would pull in its streaming engine.
fn write_csv<W: Write>(df: &DataFrame, writer: &mut W, path: &Path) -> Result<(), ExportError> {
    let csv_error = |source| ExportError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut out = csv::Writer::from_writer(writer);
    out.write_record(df.get_column_names().iter().map(|n| n.as_str()))
        .map_err(csv_error)?;
    let columns = df.columns();
    let mut record = Vec::with_capacity(columns.len());
    for row in 0..df.height() {
        record.clear();
        for column in columns {
            let value = column.get(row).map_err(|source| ExportError::Polars {
                path: path.to_path_buf(),
                source,
            })?;
            record.push(cell_text(&value));
        }
        out.write_record(&record).map_err(csv_error)?;
    }
    out.flush().map_err(|source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// A cell as CSV text: strings unquoted (the CSV writer quotes) and spreadsheet-safe (see
/// [`csv_cell`]), nulls empty, floats in full (shortest text that reads back to the same
/// number; polars' display rounds to six digits, which would turn a p-value of 1e-9 into 0).
fn cell_text(value: &AnyValue<'_>) -> String {
    match value {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => csv_cell(s).into_owned(),
        AnyValue::StringOwned(s) => csv_cell(s).into_owned(),
        AnyValue::Float64(v) => format!("{v:?}"),
        AnyValue::Float32(v) => format!("{v:?}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> DataFrame {
        df!(
            "theme" => ["us_blame", "double_freeze"],
            "n" => [3u64, 1],
            "rate" => [1.5f64, 0.25],
            "note" => [Some("a, \"quoted\" cell"), None],
        )
        .unwrap()
    }

    #[test]
    fn csv_keeps_column_order_and_quotes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        write_table(&mut sample(), &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "theme,n,rate,note\nus_blame,3,1.5,\"a, \"\"quoted\"\" cell\"\ndouble_freeze,1,0.25,\n"
        );
    }

    #[test]
    fn csv_text_cells_that_look_like_formulas_are_neutralised() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        let mut df = df!(
            "quote" => ["=HYPERLINK(\"http://evil\")", "@SUM(A1)", "plain"],
            "delta" => [-0.5f64, 1.0, -2.0],
        )
        .unwrap();
        write_table(&mut df, &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "quote,delta\n\"'=HYPERLINK(\"\"http://evil\"\")\",-0.5\n'@SUM(A1),1.0\nplain,-2.0\n"
        );
    }

    #[test]
    fn csv_floats_keep_full_precision() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.csv");
        let values = [6.52309871695e-5f64, 1e-9, 2.0 / 3.0, 0.25];
        let mut df = df!("p" => values).unwrap();
        write_table(&mut df, &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let back: Vec<f64> = text.lines().skip(1).map(|l| l.parse().unwrap()).collect();
        assert_eq!(back, values, "{text}");
    }

    #[test]
    fn parquet_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/t.parquet");
        let mut df = sample();
        write_table(&mut df, &path).unwrap();
        let back = read_parquet(&path).unwrap();
        assert!(back.equals_missing(&df), "{back:?}");
    }

    #[test]
    fn ndjson_is_one_object_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.ndjson");
        write_table(&mut sample(), &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(first["theme"], "us_blame");
        assert_eq!(first["n"], 3);
    }
}
