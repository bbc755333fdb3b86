//! Human tables of the theme commands (summary, evaluation, example failures, kwic).

use statemine::text::terminal_safe;

use super::kwic_print::display_width;
use statemine::themes::{
    CountSummary, CvReport, EvalReport, ExampleOutcome, GoldParagraph, Interval, MIN_SUPPORT,
    ThemeScore,
};

/// Left- or right-aligned column.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    Left,
    /// Number columns.
    Right,
}

/// Formats `rows` under `headers`, columns padded to their widest cell (in display
/// columns: a CJK character takes two).
pub fn table(headers: &[&str], align: &[Align], rows: &[Vec<String>]) -> String {
    let rows = terminal_safe_rows(rows);
    let rows = &rows;
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(display_width(cell));
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(display_width(cell));
            if i > 0 {
                out.push_str("  ");
            }
            if align.get(i) == Some(&Align::Right) {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            } else {
                out.push_str(cell);
                if i + 1 < cells.len() {
                    out.push_str(&" ".repeat(pad));
                }
            }
        }
        out
    };
    let mut lines = vec![line(headers.to_vec())];
    for row in rows {
        lines.push(line(row.iter().map(String::as_str).collect()));
    }
    lines.join("\n")
}

/// The per-theme summary of `themes count`, then the collisions.
pub fn summary_table(summary: &CountSummary) -> String {
    let rows: Vec<Vec<String>> = summary
        .themes
        .iter()
        .map(|t| {
            vec![
                t.theme.clone(),
                t.matches.to_string(),
                t.paragraphs.to_string(),
                t.documents.to_string(),
            ]
        })
        .collect();
    let mut out = table(
        &["theme", "matches", "paragraphs", "documents"],
        &[Align::Left, Align::Right, Align::Right, Align::Right],
        &rows,
    );
    out.push_str(&format!("\n\n{} documents counted", summary.documents));
    if summary.collisions.is_empty() {
        out.push_str("; no span matched by two themes");
    } else {
        out.push_str("; spans matched by two themes (each theme counts them):");
        for c in &summary.collisions {
            out.push_str(&format!("\n  {} + {}: {}", c.a, c.b, c.spans));
        }
    }
    out
}

/// One failing example: what was expected, what happened, the sentence.
pub fn example_failure(outcome: &ExampleOutcome) -> String {
    let got = if outcome.got {
        format!("matched by {}", outcome.rules.join(", "))
    } else {
        "no match".to_string()
    };
    let expected = if outcome.expected {
        "a match"
    } else {
        "no match"
    };
    format!(
        "FAIL {} [{}]: expected {expected}, got {got}: {:?}",
        outcome.theme, outcome.lang, outcome.sentence
    )
}

/// The evaluation table, then macro-F1.
pub fn eval_table(report: &EvalReport) -> String {
    let score = |value: f64, ci: Option<Interval>| match ci {
        Some(ci) => format!("{value:.2} [{:.2}, {:.2}]", ci.low, ci.high),
        None => format!("{value:.2}"),
    };
    let rows: Vec<Vec<String>> = report
        .themes
        .iter()
        .map(|t| {
            vec![
                format!("{}{}", t.theme, if t.in_macro { " *" } else { "" }),
                t.gold.to_string(),
                t.predicted.to_string(),
                t.tp.to_string(),
                score(t.precision, t.precision_ci),
                score(t.recall, t.recall_ci),
                score(t.f1, t.f1_ci),
            ]
        })
        .collect();
    let mut out = table(
        &[
            "theme",
            "gold",
            "predicted",
            "tp",
            "precision [95% CI]",
            "recall [95% CI]",
            "f1 [95% CI]",
        ],
        &[
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
        ],
        &rows,
    );
    let n_macro = report.themes.iter().filter(|t| t.in_macro).count();
    match report.macro_f1 {
        Some(f1) => out.push_str(&format!(
            "\n\nmacro-F1 {} over the {n_macro} themes with >= {MIN_SUPPORT} gold positives (*)",
            match report.macro_f1_ci {
                Some(ci) => format!("{f1:.3} [{:.3}, {:.3}]", ci.low, ci.high),
                None => format!("{f1:.3}"),
            }
        )),
        None => out.push_str(&format!(
            "\n\nno theme has >= {MIN_SUPPORT} gold positives: no macro-F1"
        )),
    }
    out.push_str(&format!(
        "\n{} labelled paragraphs in {} documents scored; intervals: bootstrap over documents",
        report.paragraphs, report.documents
    ));
    out
}

/// One row per held-out fold of a cross-validation: its documents, paragraphs, macro-F1
/// and the F1 of each theme that counts in the pooled macro-F1.
pub fn cv_table(cv: &CvReport, pooled: &EvalReport, trained: bool) -> String {
    let themes: Vec<&str> = pooled
        .themes
        .iter()
        .filter(|t| t.in_macro)
        .map(|t| t.theme.as_str())
        .collect();
    let mut headers = vec!["fold", "documents", "paragraphs", "macro-F1"];
    headers.extend(&themes);
    let rows: Vec<Vec<String>> = cv
        .folds
        .iter()
        .map(|fold| {
            let mut row = vec![
                (fold.fold + 1).to_string(),
                fold.doc_ids.len().to_string(),
                fold.report.paragraphs.to_string(),
                fold.report
                    .macro_f1
                    .map_or_else(|| "-".to_string(), |f| format!("{f:.3}")),
            ];
            for theme in &themes {
                let score = fold.report.themes.iter().find(|t| &t.theme == theme);
                row.push(match score {
                    Some(t) if t.gold > 0 || t.predicted > 0 => format!("{:.2}", t.f1),
                    _ => "-".to_string(),
                });
            }
            row
        })
        .collect();
    let mut align = vec![Align::Right; headers.len()];
    align[0] = Align::Left;
    let mut out = format!(
        "== cross-validation: {} folds of whole documents (seed {})\n",
        cv.k, cv.seed
    );
    out.push_str(&table(&headers, &align, &rows));
    if let (Some(mean), Some(sd)) = (cv.macro_f1_mean, cv.macro_f1_sd) {
        out.push_str(&format!(
            "\n\nmacro-F1 per fold: mean {mean:.3}, sd {sd:.3}; {}; `-`: no gold positive and no prediction in the fold",
            if trained {
                "the models are trained inside each fold on the other folds' documents"
            } else {
                "rules are not fitted to the folds, so this is the spread from one set of documents to another"
            }
        ));
    }
    if trained {
        out.push_str("\n\n== held-out predictions of all folds, scored together\n");
        out.push_str(&eval_table(&cv.held_out));
        for file in &cv.held_out_files {
            out.push_str(&format!(
                "\n\n== held-out predictions, the labels of {}\n",
                file.file.display()
            ));
            out.push_str(&eval_table(&file.report));
        }
    }
    out
}

/// The false positives and negatives of one theme, with the gold text when known.
pub fn eval_errors(score: &ThemeScore, gold: &[GoldParagraph]) -> String {
    let text = |doc: &str, para: usize| {
        gold.iter()
            .find(|g| g.doc_id == doc && g.para == para)
            .map_or(String::new(), |g| g.text.chars().take(300).collect())
    };
    let mut out = String::new();
    for (label, list) in [
        ("false positive", &score.false_positives),
        ("false negative", &score.false_negatives),
    ] {
        for (doc, para) in list {
            out.push_str(&format!(
                "\n{label} {} {doc}:{para}: {}",
                score.theme,
                text(doc, *para)
            ));
        }
    }
    out
}

/// `rows` with every cell safe to print (see [`terminal_safe`]).
pub fn terminal_safe_rows(rows: &[Vec<String>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|row| row.iter().map(|c| terminal_safe(c).into_owned()).collect())
        .collect()
}
