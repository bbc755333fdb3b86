//! Terminal tables of the study commands: aligned columns, numbers rounded for reading
//! (exports keep full precision).

use std::io::Write;

use polars::prelude::{AnyValue, DataFrame};

use statemine::analysis::validation::CorrectedRate;
use statemine::analysis::{
    ClusterUnit, ComparisonTable, FirstOccurrence, LowN, SMALL_SAMPLE_DOCS, TrendRow,
};
use statemine::text::terminal_safe;

use super::output::Output;

/// Column alignment.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// Lines of an aligned table: a header, then one line per row, columns two spaces apart.
fn aligned(headers: &[(&str, Align)], rows: &[Vec<String>]) -> Vec<String> {
    let rows = &super::themes_print::terminal_safe_rows(rows);
    let width = |text: &str| text.chars().count();
    let mut widths: Vec<usize> = headers.iter().map(|(h, _)| width(h)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(width(cell));
            if i > 0 {
                text.push_str("  ");
            }
            match headers[i].1 {
                Align::Left => {
                    text.push_str(cell);
                    if i + 1 < cells.len() {
                        text.push_str(&" ".repeat(pad));
                    }
                }
                Align::Right => {
                    text.push_str(&" ".repeat(pad));
                    text.push_str(cell);
                }
            }
        }
        text.trim_end().to_string()
    };
    let mut lines = vec![line(headers.iter().map(|(h, _)| *h).collect())];
    lines.extend(
        rows.iter()
            .map(|row| line(row.iter().map(String::as_str).collect())),
    );
    lines
}

/// An integer with thousands separators.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn decimal(value: Option<f64>, places: usize) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{v:.places$}"))
}

/// A p-value, `<0.001` below a thousandth.
pub fn p_value(p: f64) -> String {
    if p.is_nan() {
        "–".into()
    } else if p < 0.001 {
        "<0.001".into()
    } else {
        format!("{p:.3}")
    }
}

/// A value with its interval, `1.23 (0.45–2.34)`, or `–`.
fn with_interval(value: Option<f64>, low: Option<f64>, high: Option<f64>) -> String {
    match (value, low, high) {
        (Some(v), Some(l), Some(h)) => format!("{v:.2} ({l:.2}–{h:.2})"),
        _ => "–".into(),
    }
}

fn group_label(group: &str) -> &str {
    statemine::index::shown_value(group)
}

/// Reads a column of a table as text cells (numbers as u64, f64 or text).
fn cells(df: &DataFrame, name: &str) -> anyhow::Result<Vec<AnyValue<'static>>> {
    let column = df.column(name)?;
    (0..df.height())
        .map(|i| Ok(column.get(i)?.into_static()))
        .collect()
}

fn as_text(value: &AnyValue<'_>) -> String {
    match value {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => (*s).to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        other => other.to_string(),
    }
}

/// Prints a long trend table.
pub fn trends(
    output: &mut Output,
    rows: &[TrendRow],
    grouped: bool,
    low_n: LowN,
) -> anyhow::Result<()> {
    let any_low = rows.iter().any(|r| r.low_n);
    let corrected = rows.iter().any(|r| r.rate_corrected.is_some());
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let interval = match (r.rate_ci_low, r.rate_ci_high) {
                (Some(l), Some(h)) => format!("{l:.2}–{h:.2}"),
                _ => "–".into(),
            };
            let mut row = vec![r.period.clone()];
            if grouped {
                row.push(group_label(&r.group).to_string());
            }
            row.extend([
                r.theme.clone(),
                thousands(r.n_matches),
                decimal(r.rate_per_10k_words, 2),
                interval,
            ]);
            if corrected {
                row.push(with_interval(
                    r.rate_corrected,
                    r.rate_corrected_low,
                    r.rate_corrected_high,
                ));
            }
            row.extend([
                format!("{}/{}", r.n_docs_matched, r.n_docs),
                thousands(r.n_words),
                if r.low_n {
                    "low n".into()
                } else {
                    String::new()
                },
            ]);
            row
        })
        .collect();
    let mut headers = vec![("period", Align::Left)];
    if grouped {
        headers.push(("group", Align::Left));
    }
    headers.extend([
        ("theme", Align::Left),
        ("matches", Align::Right),
        ("per 10k", Align::Right),
        ("95% CI", Align::Right),
    ]);
    if corrected {
        headers.push(("corrected (95% CI)", Align::Right));
    }
    headers.extend([
        ("docs matched", Align::Right),
        ("words", Align::Right),
        ("", Align::Left),
    ]);
    let color = output.color;
    let out = output.writer();
    for line in aligned(&headers, &lines) {
        match line.strip_suffix("low n") {
            // Dim yellow flag on a terminal; plain text otherwise.
            Some(head) if color => writeln!(out, "{head}\x1b[33mlow n\x1b[0m")?,
            _ => writeln!(out, "{line}")?,
        }
    }
    if any_low {
        writeln!(
            out,
            "\nlow n: fewer than {} documents or {} words; read the rate with its interval.",
            low_n.min_docs,
            thousands(low_n.min_words)
        )?;
    }
    if rows.is_empty() {
        writeln!(out, "(no periods: no documents selected)")?;
    }
    Ok(())
}

/// Prints any table (used for the wide trend table).
pub fn frame(output: &mut Output, df: &DataFrame) -> anyhow::Result<()> {
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let columns: Vec<Vec<AnyValue<'static>>> = names
        .iter()
        .map(|n| cells(df, n))
        .collect::<anyhow::Result<_>>()?;
    let rows: Vec<Vec<String>> = (0..df.height())
        .map(|i| {
            columns
                .iter()
                .map(|c| match &c[i] {
                    AnyValue::Float64(v) => format!("{v:.2}"),
                    AnyValue::Null => "–".into(),
                    AnyValue::String("") => statemine::analysis::UNKNOWN_GROUP.into(),
                    v => as_text(v),
                })
                .collect()
        })
        .collect();
    let headers: Vec<(&str, Align)> = names
        .iter()
        .zip(&columns)
        .map(|(n, c)| {
            let numeric = c.iter().any(|v| {
                matches!(
                    v,
                    AnyValue::Float64(_) | AnyValue::UInt64(_) | AnyValue::UInt32(_)
                )
            });
            (n.as_str(), if numeric { Align::Right } else { Align::Left })
        })
        .collect();
    let out = output.writer();
    for line in aligned(&headers, &rows) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Prints a comparison: the document-level test first, then rates and their ratio.
pub fn comparison(
    output: &mut Output,
    table: &ComparisonTable,
    cluster: ClusterUnit,
) -> anyhow::Result<()> {
    let (a, b) = (table.label_a.as_str(), table.label_b.as_str());
    let out = output.writer();
    if let Some(first) = table.rows.first() {
        writeln!(
            out,
            "A = {}: {} documents, {} words\nB = {}: {} documents, {} words\n",
            group_label(a),
            first.a.n_docs,
            thousands(first.a.n_words),
            group_label(b),
            first.b.n_docs,
            thousands(first.b.n_words)
        )?;
    }
    let any_corrected = table.rows.iter().any(|r| r.corrected.is_some());
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|r| {
            let (ratio, interval) = match r.ratio {
                Some(q) => (
                    format!("{:.2}{}", q.ratio, if q.corrected { "†" } else { "" }),
                    format!("{:.2}–{:.2}", q.interval.low, q.interval.high),
                ),
                None => ("–".into(), "–".into()),
            };
            let mut cells = vec![
                r.theme.clone(),
                format!("{}/{}", r.a.n_docs_matched, r.a.n_docs),
                format!("{}/{}", r.b.n_docs_matched, r.b.n_docs),
                p_value(r.p_docs),
                p_value(r.p_docs_holm),
                thousands(r.a.n_matches),
                decimal(r.a.rate(), 2),
                thousands(r.b.n_matches),
                decimal(r.b.rate(), 2),
                ratio,
                interval,
                p_value(r.p_g2),
            ];
            if any_corrected {
                let side = |s: Option<CorrectedRate>| {
                    with_interval(
                        s.map(|c| c.rate),
                        s.map(|c| c.interval.low),
                        s.map(|c| c.interval.high),
                    )
                };
                cells.push(side(r.corrected.and_then(|c| c.a)));
                cells.push(side(r.corrected.and_then(|c| c.b)));
            }
            cells.push(if r.small_sample() {
                "small n".into()
            } else {
                String::new()
            });
            cells
        })
        .collect();
    let mut headers = vec![
        ("theme", Align::Left),
        ("A docs", Align::Right),
        ("B docs", Align::Right),
        ("p docs", Align::Right),
        ("p Holm", Align::Right),
        ("A n", Align::Right),
        ("A per 10k", Align::Right),
        ("B n", Align::Right),
        ("B per 10k", Align::Right),
        ("A/B", Align::Right),
        ("95% CI", Align::Right),
        ("p G2", Align::Right),
    ];
    if any_corrected {
        headers.extend([("A corrected", Align::Right), ("B corrected", Align::Right)]);
    }
    headers.push(("", Align::Left));
    for line in aligned(&headers, &rows) {
        writeln!(out, "{line}")?;
    }
    writeln!(out)?;
    if table
        .rows
        .iter()
        .any(|r| r.ratio.is_some_and(|q| q.corrected))
    {
        writeln!(
            out,
            "† a side has no match: one pseudo-match split between the sides by their words, for the ratio."
        )?;
    }
    if table.rows.iter().any(|r| r.small_sample()) {
        writeln!(
            out,
            "small n: fewer than {SMALL_SAMPLE_DOCS} documents with a match on a side; the row describes these documents, not a trend."
        )?;
    }
    writeln!(
        out,
        "Sorted by |log ratio|. docs: documents with a match; p docs: Fisher's exact test of them, p Holm: adjusted over {} themes.",
        table.rows.iter().filter(|r| !r.p_docs.is_nan()).count()
    )?;
    writeln!(
        out,
        "95% CI: clustered by {cluster} (quasi-Poisson). p G2: match-level log-likelihood, which treats every match as independent."
    )?;
    if any_corrected {
        writeln!(
            out,
            "corrected: per 10k words, adjusted for the theme's measured precision and recall; with error rates equal on both sides the ratio is unchanged."
        )?;
    }
    Ok(())
}

/// Prints first occurrences, grouped by theme.
pub fn first(output: &mut Output, rows: &[FirstOccurrence]) -> anyhow::Result<()> {
    let out = output.writer();
    let mut current: Option<&str> = None;
    // Passages already shown for this theme: a speaker's first match is often the overall one.
    let mut shown: Vec<(&str, usize, usize)> = Vec::new();
    for row in rows {
        if current != Some(row.theme.as_str()) {
            if current.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "{}", row.theme)?;
            current = Some(&row.theme);
            shown.clear();
        }
        let who = match row.scope.as_str() {
            "overall" if row.who.is_empty() => "first overall".to_string(),
            "overall" => format!("first overall: {}", row.who),
            "speaker" => format!("speaker: {}", row.who),
            _ => format!("turn: {}", row.who),
        };
        let safe = |text: &str| terminal_safe(text).into_owned();
        writeln!(
            out,
            "  {}  {:<34}  {}  {}",
            row.date,
            safe(&who),
            safe(&row.doc_id),
            safe(&row.title)
        )?;
        if row.scope.as_str() == "overall" && !row.url.is_empty() {
            writeln!(out, "      {}", safe(&row.url))?;
        }
        let at = (row.doc_id.as_str(), row.at.para, row.at.start);
        if shown.contains(&at) {
            continue;
        }
        shown.push(at);
        if !row.passage.matched.is_empty() {
            writeln!(out, "      {}", safe(&row.passage.display().to_string()))?;
        }
    }
    if rows.is_empty() {
        writeln!(out, "no theme matched in the selected documents")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_trailing_space_is_trimmed() {
        let lines = aligned(
            &[
                ("name", Align::Left),
                ("n", Align::Right),
                ("", Align::Left),
            ],
            &[
                vec!["Путин".into(), "3".into(), String::new()],
                vec!["Lavrov".into(), "1,200".into(), "low n".into()],
            ],
        );
        assert_eq!(
            lines,
            ["name        n", "Путин       3", "Lavrov  1,200  low n"]
        );
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(p_value(0.0004), "<0.001");
        assert_eq!(p_value(0.04321), "0.043");
        assert_eq!(decimal(None, 2), "–");
    }
}
