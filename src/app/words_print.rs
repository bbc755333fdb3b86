//! Human tables of `statemine words`.

use statemine::words::{CollocTable, FreqRow, KeynessTable};

use super::study_print::p_value;
use super::themes_print::{Align, table};

/// A rate or a statistic with `places` decimals.
fn decimal(value: f64, places: usize) -> String {
    if value.is_finite() {
        format!("{value:.places$}")
    } else {
        "–".into()
    }
}

/// The frequency table (with a group column when grouped).
pub fn freq_table(rows: &[FreqRow], grouped: bool) -> String {
    let mut headers = vec!["rank", "term", "form", "count", "per_million", "docs"];
    let mut align = vec![
        Align::Right,
        Align::Left,
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Right,
    ];
    if grouped {
        headers.insert(0, "group");
        align.insert(0, Align::Left);
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut row = vec![
                r.rank.to_string(),
                r.term.clone(),
                r.form.clone(),
                r.count.to_string(),
                decimal(r.per_million, 1),
                format!("{}/{}", r.docs, r.group_docs),
            ];
            if grouped {
                row.insert(0, statemine::index::shown_value(&r.group).to_string());
            }
            row
        })
        .collect();
    table(&headers, &align, &cells)
}

/// The keyness table: a line on each side, then the terms.
pub fn keyness_table(t: &KeynessTable) -> String {
    let mut out = format!(
        "A = {}: {} documents, {} tokens\nB = {}: {} documents, {} tokens\n\
         G2 > 0: over-used in A; docs: documents the term occurs in (a term from one long \
         document can be key)\n\n",
        t.a, t.docs_a, t.tokens_a, t.b, t.docs_b, t.tokens_b
    );
    let headers = [
        "term",
        "form",
        "count_a",
        "count_b",
        "docs_a",
        "docs_b",
        "g2",
        "p",
        "log_ratio",
    ];
    let cells: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            vec![
                r.term.clone(),
                r.form.clone(),
                r.count_a.to_string(),
                r.count_b.to_string(),
                r.docs_a.to_string(),
                r.docs_b.to_string(),
                decimal(r.g2, 1),
                p_value(r.p_value),
                decimal(r.log_ratio, 2),
            ]
        })
        .collect();
    out.push_str(&term_table(&headers, &cells));
    out
}

/// The collocation table: a line on the node, then the collocates.
pub fn colloc_table(t: &CollocTable) -> String {
    let mut out = format!(
        "node `{}`: {} tokens in {} documents; window ±{}: {} of {} tokens\n\n",
        t.node, t.node_count, t.node_docs, t.window, t.window_tokens, t.tokens
    );
    let headers = [
        "term", "form", "together", "count", "expected", "docs", "g2", "p", "pmi",
    ];
    let cells: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            vec![
                r.term.clone(),
                r.form.clone(),
                r.together.to_string(),
                r.count.to_string(),
                decimal(r.expected, 2),
                r.docs.to_string(),
                decimal(r.g2, 1),
                p_value(r.p_value),
                decimal(r.pmi, 2),
            ]
        })
        .collect();
    out.push_str(&term_table(&headers, &cells));
    out
}

/// A table of terms: term and form left-aligned, the numbers after them right-aligned.
fn term_table(headers: &[&str], cells: &[Vec<String>]) -> String {
    let mut align = vec![Align::Left, Align::Left];
    align.resize(headers.len(), Align::Right);
    table(headers, &align, cells)
}
