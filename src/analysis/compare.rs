//! Comparison of two periods or two groups, theme by theme.
//!
//! Contract: the counts come from the same aggregation plan as trend tables (two named
//! periods, or one period spanning the documents grouped by the chosen grouping). For each
//! theme: the rate per 10k words on each side, the rate ratio A/B with its 95% interval
//! (log method, 0.5 added to both counts when one is zero), the log-likelihood G2 with its
//! chi-square(1) p-value, and the Holm-adjusted p-value across the themes compared. Rows
//! are sorted by effect size, `|ln ratio|` descending; themes with no match on either side
//! (no ratio) come last, in theme order.

use polars::prelude::*;

use super::AnalysisError;
use super::aggregate::{TrendsConfig, date_span, theme_order, trends_table};
use super::groups::GroupBy;
use super::periods::{Period, parse_period};
use super::stats::{self, RateRatio};
use crate::themes::DocThemeMatches;

/// What is compared.
#[derive(Debug, Clone, PartialEq)]
pub enum Comparison {
    /// Two periods, which must not overlap.
    Periods {
        /// Side A.
        a: Period,
        /// Side B.
        b: Period,
    },
    /// Two values of one grouping, over every document given.
    Groups {
        /// The grouping.
        by: GroupBy,
        /// Side A's group value (matched case-insensitively).
        a: String,
        /// Side B's group value.
        b: String,
    },
}

/// The counts of one theme on one side.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SideCounts {
    /// Matches.
    pub n_matches: u64,
    /// Documents in the side.
    pub n_docs: u64,
    /// Words in the side.
    pub n_words: u64,
}

impl SideCounts {
    /// Matches per 10k words, `None` without words.
    pub fn rate(&self) -> Option<f64> {
        stats::rate_per_10k(self.n_matches, self.n_words)
    }
}

/// One theme compared between A and B.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    /// Theme id.
    pub theme: String,
    /// Side A.
    pub a: SideCounts,
    /// Side B.
    pub b: SideCounts,
    /// Rate ratio A/B, when defined.
    pub ratio: Option<RateRatio>,
    /// Log-likelihood G2.
    pub g2: f64,
    /// p-value of G2 (chi-square, 1 df).
    pub p_value: f64,
    /// Holm-adjusted p-value across the themes of the comparison.
    pub p_holm: f64,
}

/// A finished comparison: labels of the two sides and one row per theme.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonTable {
    /// Label of side A (period name or group value as found).
    pub label_a: String,
    /// Label of side B.
    pub label_b: String,
    /// Rows, sorted by effect size.
    pub rows: Vec<ComparisonRow>,
}

/// The columns of [`ComparisonTable::to_frame`], in order.
pub const COMPARE_COLUMNS: &[&str] = &[
    "theme",
    "a",
    "b",
    "n_matches_a",
    "n_words_a",
    "rate_a",
    "n_matches_b",
    "n_words_b",
    "rate_b",
    "rate_ratio",
    "ratio_ci_low",
    "ratio_ci_high",
    "log_ratio",
    "zero_corrected",
    "g2",
    "p_value",
    "p_holm",
    "n_docs_a",
    "n_docs_b",
];

/// The comparison of sides `a` and `b`: two group values when `group` is given, otherwise
/// two periods, each a name from `named`, a range `START..END` or a calendar period name
/// (`2017`, `2017-Q3`, `2017-09`, `2017-W36`, `2017-09-05`).
pub fn resolve_comparison(
    a: &str,
    b: &str,
    group: Option<GroupBy>,
    named: &[Period],
) -> Result<Comparison, AnalysisError> {
    if let Some(by) = group {
        return Ok(Comparison::Groups {
            by,
            a: a.to_string(),
            b: b.to_string(),
        });
    }
    let side = |spec: &str| -> Result<Period, AnalysisError> {
        if let Some(found) = named.iter().find(|p| p.name == spec) {
            return Ok(found.clone());
        }
        parse_period(spec).map_err(|e| match e {
            AnalysisError::Period { spec, reason } if !named.is_empty() => AnalysisError::Period {
                spec,
                reason: format!(
                    "not a named period ({}) and {reason}",
                    named
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
            e => e,
        })
    };
    Ok(Comparison::Periods {
        a: side(a)?,
        b: side(b)?,
    })
}

/// Compares `docs` between the two sides of `comparison`, for `themes` (theme-file order;
/// themes found in the matches but not listed are added).
pub fn compare(
    docs: &[DocThemeMatches],
    comparison: &Comparison,
    themes: &[String],
    confidence: f64,
) -> Result<ComparisonTable, AnalysisError> {
    let themes = theme_order(themes, docs);
    let (config, label_a, label_b) = match comparison {
        Comparison::Periods { a, b } => {
            if a.start <= b.end && b.start <= a.end {
                return Err(AnalysisError::PeriodsOverlap {
                    first: a.to_string(),
                    second: b.to_string(),
                });
            }
            let mut periods = vec![a.clone(), b.clone()];
            periods.sort_by_key(|p| p.start);
            let config = TrendsConfig::new(periods, None, themes.clone());
            (config, a.name.clone(), b.name.clone())
        }
        Comparison::Groups { by, a, b } => {
            let (start, end) = date_span(docs).ok_or(AnalysisError::NoDocuments)?;
            let all = Period {
                name: "all".into(),
                start,
                end,
            };
            let config = TrendsConfig::new(vec![all], Some(*by), themes.clone());
            (config, a.clone(), b.clone())
        }
    };
    let table = trends_table(docs, &config)?;
    let (key_column, key_a, key_b) = match comparison {
        Comparison::Periods { .. } => ("period", label_a.clone(), label_b.clone()),
        Comparison::Groups { by, a, b } => {
            let groups = string_values(&table, "group")?;
            let find = |wanted: &str| {
                groups
                    .iter()
                    .find(|g| g.as_str() == wanted)
                    .or_else(|| groups.iter().find(|g| g.eq_ignore_ascii_case(wanted)))
                    .cloned()
                    .ok_or_else(|| unknown_group(*by, wanted, &groups))
            };
            ("group", find(a)?, find(b)?)
        }
    };
    let keys = string_values(&table, key_column)?;
    let theme_column = string_values(&table, "theme")?;
    let number = |name: &str| -> Result<Vec<u64>, AnalysisError> {
        Ok(table
            .column(name)?
            .u64()?
            .iter()
            .map(|v| v.unwrap_or(0))
            .collect())
    };
    let (matches, n_docs, words) = (number("n_matches")?, number("n_docs")?, number("n_words")?);
    let side = |key: &str, theme: &str| {
        (0..table.height())
            .find(|&i| keys[i] == key && theme_column[i] == theme)
            .map(|i| SideCounts {
                n_matches: matches[i],
                n_docs: n_docs[i],
                n_words: words[i],
            })
            .unwrap_or_default()
    };
    let mut rows: Vec<ComparisonRow> = themes
        .iter()
        .map(|theme| {
            let (a, b) = (side(&key_a, theme), side(&key_b, theme));
            let g2 = stats::log_likelihood_g2(a.n_matches, a.n_words, b.n_matches, b.n_words);
            ComparisonRow {
                theme: theme.clone(),
                a,
                b,
                ratio: stats::rate_ratio(
                    a.n_matches,
                    a.n_words,
                    b.n_matches,
                    b.n_words,
                    confidence,
                ),
                g2,
                p_value: stats::chi_square_1_p_value(g2),
                p_holm: f64::NAN,
            }
        })
        .collect();
    let adjusted = stats::holm(&rows.iter().map(|r| r.p_value).collect::<Vec<_>>());
    for (row, p) in rows.iter_mut().zip(adjusted) {
        row.p_holm = p;
    }
    // Stable sort: ties and themes without a ratio keep theme order.
    rows.sort_by(|x, y| {
        let effect = |r: &ComparisonRow| r.ratio.map(|q| q.log_ratio.abs());
        match (effect(x), effect(y)) {
            (Some(ex), Some(ey)) => ey.total_cmp(&ex),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    });
    Ok(ComparisonTable {
        label_a: key_a,
        label_b: key_b,
        rows,
    })
}

fn unknown_group(by: GroupBy, wanted: &str, groups: &[String]) -> AnalysisError {
    let mut available: Vec<&str> = groups.iter().map(String::as_str).collect();
    available.dedup();
    let shown = available.len().min(12);
    let mut list = available[..shown]
        .iter()
        .map(|g| if g.is_empty() { "\"\"" } else { g })
        .collect::<Vec<_>>()
        .join(", ");
    if available.len() > shown {
        list.push_str(&format!(", ... ({} in all)", available.len()));
    }
    AnalysisError::UnknownGroupValue {
        by: by.as_str(),
        value: wanted.to_string(),
        available: list,
    }
}

fn string_values(table: &DataFrame, name: &str) -> Result<Vec<String>, AnalysisError> {
    Ok(table
        .column(name)?
        .str()?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

impl ComparisonTable {
    /// The comparison as a table with [`COMPARE_COLUMNS`] (undefined values are null).
    pub fn to_frame(&self) -> Result<DataFrame, AnalysisError> {
        let rows = &self.rows;
        let f = |get: &dyn Fn(&ComparisonRow) -> Option<f64>| -> Vec<Option<f64>> {
            rows.iter().map(get).collect()
        };
        let u =
            |get: &dyn Fn(&ComparisonRow) -> u64| -> Vec<u64> { rows.iter().map(get).collect() };
        let finite = |v: f64| v.is_finite().then_some(v);
        let columns = vec![
            Column::new(
                "theme".into(),
                rows.iter().map(|r| r.theme.as_str()).collect::<Vec<_>>(),
            ),
            Column::new("a".into(), vec![self.label_a.as_str(); rows.len()]),
            Column::new("b".into(), vec![self.label_b.as_str(); rows.len()]),
            Column::new("n_matches_a".into(), u(&|r| r.a.n_matches)),
            Column::new("n_words_a".into(), u(&|r| r.a.n_words)),
            Column::new("rate_a".into(), f(&|r| r.a.rate())),
            Column::new("n_matches_b".into(), u(&|r| r.b.n_matches)),
            Column::new("n_words_b".into(), u(&|r| r.b.n_words)),
            Column::new("rate_b".into(), f(&|r| r.b.rate())),
            Column::new("rate_ratio".into(), f(&|r| r.ratio.map(|q| q.ratio))),
            Column::new(
                "ratio_ci_low".into(),
                f(&|r| r.ratio.map(|q| q.interval.low)),
            ),
            Column::new(
                "ratio_ci_high".into(),
                f(&|r| r.ratio.map(|q| q.interval.high)),
            ),
            Column::new("log_ratio".into(), f(&|r| r.ratio.map(|q| q.log_ratio))),
            Column::new(
                "zero_corrected".into(),
                rows.iter()
                    .map(|r| r.ratio.is_some_and(|q| q.corrected))
                    .collect::<Vec<_>>(),
            ),
            Column::new("g2".into(), f(&|r| finite(r.g2))),
            Column::new("p_value".into(), f(&|r| finite(r.p_value))),
            Column::new("p_holm".into(), f(&|r| finite(r.p_holm))),
            Column::new("n_docs_a".into(), u(&|r| r.a.n_docs)),
            Column::new("n_docs_b".into(), u(&|r| r.b.n_docs)),
        ];
        Ok(DataFrame::new_infer_height(columns)?)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::analysis::periods::parse_named_periods;
    use crate::document::{Kind, Lang};
    use crate::themes::{DocSummary, ThemeMatch};

    fn doc(
        id: &str,
        date: &str,
        speaker: &str,
        words: u64,
        hits: &[(&str, usize)],
    ) -> DocThemeMatches {
        DocThemeMatches {
            doc: DocSummary {
                id: id.into(),
                date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
                speaker: speaker.into(),
                source: "kremlin.ru".into(),
                kind: Kind::Speech,
                lang: Lang::En,
                n_words: words,
                n_paragraphs: 1,
                paragraphs: vec![],
            },
            matches: hits
                .iter()
                .flat_map(|&(theme, n)| {
                    (0..n).map(move |i| ThemeMatch {
                        theme: theme.into(),
                        para: 0,
                        sentence: 0,
                        start: i,
                        end: i + 1,
                        rule: "r".into(),
                    })
                })
                .collect(),
        }
    }

    /// H1: 10,000 words, blame 10, freeze 5; H2: 20,000 words, blame 30, freeze 0.
    fn docs() -> Vec<DocThemeMatches> {
        vec![
            doc(
                "1",
                "2017-03-01",
                "Putin",
                10_000,
                &[("blame", 10), ("freeze", 5)],
            ),
            doc("2", "2017-09-01", "Lavrov", 20_000, &[("blame", 30)]),
        ]
    }

    fn themes() -> Vec<String> {
        ["freeze", "blame", "libya"].map(String::from).to_vec()
    }

    #[test]
    fn periods_compare_with_ratio_g2_and_holm() {
        let periods =
            parse_named_periods("H1=2017-01-01..2017-06-30,H2=2017-07-01..2017-12-31").unwrap();
        let comparison = Comparison::Periods {
            a: periods[1].clone(),
            b: periods[0].clone(),
        };
        let table = compare(&docs(), &comparison, &themes(), 0.95).unwrap();
        assert_eq!(
            (table.label_a.as_str(), table.label_b.as_str()),
            ("H2", "H1")
        );
        let order: Vec<_> = table.rows.iter().map(|r| r.theme.as_str()).collect();
        // freeze: ln(0.5/20000 / (5.5/10000)) = -3.09; blame: ln(1.5) = 0.41; libya: none.
        assert_eq!(order, ["freeze", "blame", "libya"]);
        let blame = &table.rows[1];
        assert_eq!(
            (blame.a.n_matches, blame.a.n_words, blame.b.n_matches),
            (30, 20_000, 10)
        );
        assert!((blame.ratio.unwrap().ratio - 1.5).abs() < 1e-12);
        // Same numbers as stats::log_likelihood_matches_known_values (sides swapped).
        assert!((blame.g2 - 1.31334069035).abs() < 1e-9);
        assert!((blame.p_value - 0.25179069483).abs() < 1e-9);
        let freeze = &table.rows[0];
        assert!(freeze.ratio.unwrap().corrected);
        // Holm over the two tested themes (libya has p = 1 and counts as a test too).
        let p: Vec<f64> = table.rows.iter().map(|r| r.p_value).collect();
        let expected = stats::holm(&p);
        for (row, e) in table.rows.iter().zip(expected) {
            assert_eq!(row.p_holm, e);
        }
        assert!(table.rows[2].ratio.is_none());
        let frame = table.to_frame().unwrap();
        let names: Vec<_> = frame
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(names, COMPARE_COLUMNS);
        assert_eq!(frame.height(), 3);
    }

    #[test]
    fn sides_resolve_from_names_ranges_and_calendar_periods() {
        let named = parse_named_periods("H1=2017-01-01..2017-06-30").unwrap();
        let Comparison::Periods { a, b } =
            resolve_comparison("H1", "2017-Q3", None, &named).unwrap()
        else {
            panic!("periods expected")
        };
        assert_eq!((a.name.as_str(), b.name.as_str()), ("H1", "2017-Q3"));
        let err = resolve_comparison("H3", "H1", None, &named)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`H3`") && err.contains("not a named period (H1)"),
            "{err}"
        );
        assert!(matches!(
            resolve_comparison("Putin", "Lavrov", Some(GroupBy::Speaker), &[]).unwrap(),
            Comparison::Groups { .. }
        ));
    }

    #[test]
    fn overlapping_periods_are_refused() {
        let periods = parse_named_periods("A=2017-01-01..2017-06-30").unwrap();
        let comparison = Comparison::Periods {
            a: periods[0].clone(),
            b: periods[0].clone(),
        };
        let err = compare(&docs(), &comparison, &themes(), 0.95)
            .unwrap_err()
            .to_string();
        assert!(err.contains("overlap"), "{err}");
    }

    #[test]
    fn groups_compare_case_insensitively_and_name_the_missing_one() {
        let comparison = Comparison::Groups {
            by: GroupBy::Speaker,
            a: "putin".into(),
            b: "Lavrov".into(),
        };
        let table = compare(&docs(), &comparison, &themes(), 0.95).unwrap();
        assert_eq!(table.label_a, "Putin");
        let blame = table.rows.iter().find(|r| r.theme == "blame").unwrap();
        assert_eq!((blame.a.n_matches, blame.b.n_matches), (10, 30));

        let comparison = Comparison::Groups {
            by: GroupBy::Speaker,
            a: "Putin".into(),
            b: "Shoigu".into(),
        };
        let err = compare(&docs(), &comparison, &themes(), 0.95)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("Shoigu") && err.contains("Lavrov, Putin"),
            "{err}"
        );
        assert!(matches!(
            compare(&[], &comparison, &themes(), 0.95),
            Err(AnalysisError::NoDocuments)
        ));
    }
}
