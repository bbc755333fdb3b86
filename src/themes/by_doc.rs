//! The document-by-theme table (quanteda's dfm after a dictionary lookup): one row per
//! counted document with its metadata, word and paragraph counts, and one column per theme
//! holding the number of matches, zeros included.
//!
//! Contract: rows follow the count's order (date, then document id); theme columns follow
//! the theme set's order and are named by theme id; a theme id that equals a metadata
//! column name is an error rather than a silently shadowed column.

use std::collections::HashMap;

use polars::prelude::{Column, DataFrame, Int32Chunked, IntoSeries};

use super::{DocThemeMatches, ThemeError};

/// The metadata columns, in order, before the theme columns.
pub const BY_DOC_COLUMNS: [&str; 8] = [
    "doc_id",
    "date",
    "speaker",
    "source",
    "kind",
    "lang",
    "words",
    "paragraphs",
];

/// One row per document of `docs`, one match-count column per id of `themes`.
pub fn by_doc_frame(themes: &[String], docs: &[DocThemeMatches]) -> Result<DataFrame, ThemeError> {
    if let Some(id) = themes
        .iter()
        .find(|id| BY_DOC_COLUMNS.contains(&id.as_str()))
    {
        return Err(ThemeError::Eval {
            reason: format!(
                "theme id `{id}` is also a column of the document table ({}): rename the theme",
                BY_DOC_COLUMNS.join(", ")
            ),
        });
    }
    let index: HashMap<&str, usize> = themes
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let mut counts = vec![vec![0u64; docs.len()]; themes.len()];
    for (row, doc) in docs.iter().enumerate() {
        for m in &doc.matches {
            if let Some(&column) = index.get(&*m.theme) {
                counts[column][row] += 1;
            }
        }
    }
    let text = |f: fn(&DocThemeMatches) -> &str| -> Vec<&str> { docs.iter().map(f).collect() };
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let days: Vec<i32> = docs
        .iter()
        .map(|d| (d.doc.date - epoch).num_days() as i32)
        .collect();
    let date = Int32Chunked::from_vec("date".into(), days)
        .into_date()
        .into_series();
    let mut columns: Vec<Column> = vec![
        Column::new("doc_id".into(), text(|d| &d.doc.id)),
        date.into(),
        Column::new("speaker".into(), text(|d| &d.doc.speaker)),
        Column::new("source".into(), text(|d| &d.doc.source)),
        Column::new("kind".into(), text(|d| d.doc.kind.as_str())),
        Column::new("lang".into(), text(|d| d.doc.lang.as_str())),
        Column::new(
            "words".into(),
            docs.iter().map(|d| d.doc.n_words).collect::<Vec<u64>>(),
        ),
        Column::new(
            "paragraphs".into(),
            docs.iter()
                .map(|d| d.doc.n_paragraphs)
                .collect::<Vec<u64>>(),
        ),
    ];
    for (id, column) in themes.iter().zip(counts) {
        columns.push(Column::new(id.as_str().into(), column));
    }
    Ok(DataFrame::new(docs.len(), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::themes::sample::fixtures::doc;

    #[test]
    fn every_document_gets_a_row_and_every_theme_a_column_zeros_included() {
        let docs = [
            doc("d1", 3, &[("a", 0), ("a", 2), ("b", 1)]),
            doc("d2", 2, &[]),
        ];
        let themes = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let frame = by_doc_frame(&themes, &docs).unwrap();
        assert_eq!(frame.height(), 2);
        let names: Vec<String> = frame
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(names[..8], BY_DOC_COLUMNS);
        assert_eq!(names[8..], ["a", "b", "c"]);
        let counts = |id: &str| -> Vec<Option<u64>> {
            frame.column(id).unwrap().u64().unwrap().iter().collect()
        };
        assert_eq!(counts("a"), [Some(2), Some(0)]);
        assert_eq!(counts("b"), [Some(1), Some(0)]);
        assert_eq!(counts("c"), [Some(0), Some(0)]);
        assert_eq!(counts("words"), [Some(30), Some(20)]);
    }

    #[test]
    fn a_theme_named_like_a_metadata_column_is_an_error() {
        let err = by_doc_frame(&["date".to_string()], &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("theme id `date`"), "{err}");
    }
}
