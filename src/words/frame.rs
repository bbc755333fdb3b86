//! The word tables as polars frames, for export (columns as in [`super::FREQ_COLUMNS`],
//! [`super::KEYNESS_COLUMNS`] and [`super::COLLOC_COLUMNS`]).

use polars::prelude::{Column, DataFrame};

use super::{CollocTable, FreqRow, KeynessTable, WordsError};

fn frame(table: &'static str, columns: Vec<Column>) -> Result<DataFrame, WordsError> {
    DataFrame::new_infer_height(columns).map_err(|source| WordsError::Frame { table, source })
}

/// A column of text cells.
fn text<'a, T>(name: &str, rows: &'a [T], cell: impl Fn(&'a T) -> &'a str) -> Column {
    Column::new(name.into(), rows.iter().map(cell).collect::<Vec<&str>>())
}

/// A column of counts.
fn count<T>(name: &str, rows: &[T], cell: impl Fn(&T) -> u64) -> Column {
    Column::new(name.into(), rows.iter().map(cell).collect::<Vec<u64>>())
}

/// A column of measures.
fn measure<T>(name: &str, rows: &[T], cell: impl Fn(&T) -> f64) -> Column {
    Column::new(name.into(), rows.iter().map(cell).collect::<Vec<f64>>())
}

/// The frequency table.
pub fn freq_frame(rows: &[FreqRow]) -> Result<DataFrame, WordsError> {
    frame(
        "frequency",
        vec![
            text("group", rows, |r| &r.group),
            count("rank", rows, |r| r.rank),
            text("lang", rows, |r| r.lang),
            text("term", rows, |r| &r.term),
            text("form", rows, |r| &r.form),
            count("count", rows, |r| r.count),
            measure("per_million", rows, |r| r.per_million),
            count("docs", rows, |r| r.docs),
            count("group_docs", rows, |r| r.group_docs),
            count("group_tokens", rows, |r| r.group_tokens),
        ],
    )
}

/// The keyness table (the side names repeated on every row).
pub fn keyness_frame(table: &KeynessTable) -> Result<DataFrame, WordsError> {
    let rows = &table.rows;
    frame(
        "keyness",
        vec![
            text("a", rows, |_| &table.a),
            text("b", rows, |_| &table.b),
            text("lang", rows, |r| r.lang),
            text("term", rows, |r| &r.term),
            text("form", rows, |r| &r.form),
            count("count_a", rows, |r| r.count_a),
            count("count_b", rows, |r| r.count_b),
            measure("per_million_a", rows, |r| r.per_million_a),
            measure("per_million_b", rows, |r| r.per_million_b),
            count("docs_a", rows, |r| r.docs_a),
            count("docs_b", rows, |r| r.docs_b),
            measure("g2", rows, |r| r.g2),
            measure("p_value", rows, |r| r.p_value),
            measure("log_ratio", rows, |r| r.log_ratio),
        ],
    )
}

/// The collocation table (the node repeated on every row).
pub fn colloc_frame(table: &CollocTable) -> Result<DataFrame, WordsError> {
    let rows = &table.rows;
    frame(
        "collocation",
        vec![
            text("node", rows, |_| &table.node),
            text("lang", rows, |r| r.lang),
            text("term", rows, |r| &r.term),
            text("form", rows, |r| &r.form),
            count("together", rows, |r| r.together),
            count("count", rows, |r| r.count),
            measure("expected", rows, |r| r.expected),
            count("docs", rows, |r| r.docs),
            measure("g2", rows, |r| r.g2),
            measure("p_value", rows, |r| r.p_value),
            measure("pmi", rows, |r| r.pmi),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::{COLLOC_COLUMNS, FREQ_COLUMNS, KEYNESS_COLUMNS};

    #[test]
    fn frames_have_the_documented_columns() {
        let names = |df: DataFrame| -> Vec<String> {
            df.get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect()
        };
        assert_eq!(names(freq_frame(&[]).unwrap()), FREQ_COLUMNS);
        let keyness = KeynessTable {
            a: "a".into(),
            b: "b".into(),
            docs_a: 0,
            docs_b: 0,
            tokens_a: 0,
            tokens_b: 0,
            rows: Vec::new(),
        };
        assert_eq!(names(keyness_frame(&keyness).unwrap()), KEYNESS_COLUMNS);
        let colloc = CollocTable {
            node: "n".into(),
            window: 5,
            node_count: 0,
            node_docs: 0,
            window_tokens: 0,
            tokens: 0,
            rows: Vec::new(),
        };
        assert_eq!(names(colloc_frame(&colloc).unwrap()), COLLOC_COLUMNS);
    }
}
