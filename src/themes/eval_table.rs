//! The evaluation as one long table, for export (`themes eval --out`).
//!
//! Contract: columns [`EVAL_COLUMNS`], one row per theme of each scope followed by the
//! scope's [`MACRO_ROW`], which carries its macro-F1 and interval in the `f1` columns and
//! leaves the counts empty. Scopes, in order ([`eval_scopes`]): each gold file (its path),
//! `pooled` when there are several, then with cross-validation each fold (`fold 1`, ...)
//! and `held-out` (the folds' held-out predictions scored together), then with several
//! gold files `held-out FILE` (those predictions on each file's labels). Values are those of
//! the [`EvalReport`]s, unrounded: the same numbers `themes eval --json` prints.

use std::path::PathBuf;

use polars::prelude::{Column, DataFrame};

use super::{CvReport, EvalReport, Interval, ThemeError};

/// The theme cell of the row that holds a scope's macro-F1 (no theme id has parentheses).
pub const MACRO_ROW: &str = "(macro)";

/// Columns of the evaluation table, in order.
pub const EVAL_COLUMNS: [&str; 17] = [
    "scope",
    "theme",
    "in_macro",
    "gold",
    "predicted",
    "tp",
    "precision",
    "precision_low",
    "precision_high",
    "recall",
    "recall_low",
    "recall_high",
    "f1",
    "f1_low",
    "f1_high",
    "paragraphs",
    "documents",
];

/// The scopes of an evaluation, named and in table order: `files` (each named by its path),
/// `pooled` (given when there are several files), and the folds and held-out scores of `cv`.
pub fn eval_scopes<'a>(
    files: &'a [(PathBuf, EvalReport)],
    pooled: Option<&'a EvalReport>,
    cv: Option<&'a CvReport>,
) -> Vec<(String, &'a EvalReport)> {
    let mut scopes: Vec<(String, &EvalReport)> = files
        .iter()
        .map(|(path, report)| (path.display().to_string(), report))
        .collect();
    if let Some(pooled) = pooled {
        scopes.push(("pooled".into(), pooled));
    }
    if let Some(cv) = cv {
        for fold in &cv.folds {
            scopes.push((format!("fold {}", fold.fold + 1), &fold.report));
        }
        scopes.push(("held-out".into(), &cv.held_out));
        for file in &cv.held_out_files {
            scopes.push((format!("held-out {}", file.file.display()), &file.report));
        }
    }
    scopes
}

/// One row of the table.
#[derive(Default)]
struct Row<'a> {
    scope: &'a str,
    theme: &'a str,
    in_macro: Option<bool>,
    counts: Option<[u64; 3]>,
    precision: Option<f64>,
    precision_ci: Option<Interval>,
    recall: Option<f64>,
    recall_ci: Option<Interval>,
    f1: Option<f64>,
    f1_ci: Option<Interval>,
    paragraphs: u64,
    documents: u64,
}

fn low(ci: Option<Interval>) -> Option<f64> {
    ci.map(|c| c.low)
}

fn high(ci: Option<Interval>) -> Option<f64> {
    ci.map(|c| c.high)
}

/// The evaluation table of `scopes` (see [`eval_scopes`]).
pub fn eval_frame(scopes: &[(String, &EvalReport)]) -> Result<DataFrame, ThemeError> {
    let mut rows = Vec::new();
    for (scope, report) in scopes {
        let (paragraphs, documents) = (report.paragraphs as u64, report.documents as u64);
        for t in &report.themes {
            rows.push(Row {
                scope,
                theme: &t.theme,
                in_macro: Some(t.in_macro),
                counts: Some([t.gold as u64, t.predicted as u64, t.tp as u64]),
                precision: Some(t.precision),
                precision_ci: t.precision_ci,
                recall: Some(t.recall),
                recall_ci: t.recall_ci,
                f1: Some(t.f1),
                f1_ci: t.f1_ci,
                paragraphs,
                documents,
            });
        }
        rows.push(Row {
            scope,
            theme: MACRO_ROW,
            f1: report.macro_f1,
            f1_ci: report.macro_f1_ci,
            paragraphs,
            documents,
            ..Row::default()
        });
    }
    let count = |name: &str, i: usize| {
        let cells: Vec<Option<u64>> = rows.iter().map(|r| r.counts.map(|c| c[i])).collect();
        Column::new(name.into(), cells)
    };
    let value = |name: &str, cell: fn(&Row) -> Option<f64>| {
        Column::new(name.into(), rows.iter().map(cell).collect::<Vec<_>>())
    };
    let [
        scope,
        theme,
        in_macro,
        gold,
        predicted,
        tp,
        precision,
        precision_low,
        precision_high,
        recall,
        recall_low,
        recall_high,
        f1,
        f1_low,
        f1_high,
        paragraphs,
        documents,
    ] = EVAL_COLUMNS;
    let columns = vec![
        Column::new(
            scope.into(),
            rows.iter().map(|r| r.scope).collect::<Vec<&str>>(),
        ),
        Column::new(
            theme.into(),
            rows.iter().map(|r| r.theme).collect::<Vec<&str>>(),
        ),
        Column::new(
            in_macro.into(),
            rows.iter().map(|r| r.in_macro).collect::<Vec<_>>(),
        ),
        count(gold, 0),
        count(predicted, 1),
        count(tp, 2),
        value(precision, |r| r.precision),
        value(precision_low, |r| low(r.precision_ci)),
        value(precision_high, |r| high(r.precision_ci)),
        value(recall, |r| r.recall),
        value(recall_low, |r| low(r.recall_ci)),
        value(recall_high, |r| high(r.recall_ci)),
        value(f1, |r| r.f1),
        value(f1_low, |r| low(r.f1_ci)),
        value(f1_high, |r| high(r.f1_ci)),
        Column::new(
            paragraphs.into(),
            rows.iter().map(|r| r.paragraphs).collect::<Vec<u64>>(),
        ),
        Column::new(
            documents.into(),
            rows.iter().map(|r| r.documents).collect::<Vec<u64>>(),
        ),
    ];
    Ok(DataFrame::new(rows.len(), columns)?)
}
