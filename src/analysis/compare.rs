//! Comparison of two periods or two groups, theme by theme.
//!
//! Contract: the counts come from the same aggregation plan as trend tables (two named
//! periods, or one period spanning the documents grouped by the chosen grouping). The
//! document is the sampling unit (matches in one document are not independent evidence).
//! For each theme:
//!
//! - documents with a match on each side, their share, and **Fisher's exact test** of the
//!   two shares with its **Holm**-adjusted p-value across the themes compared: the headline
//!   test;
//! - the rate per 10k words on each side and the rate ratio A/B with its 95% interval
//!   clustered by document or speaker turn (see [`super::cluster`]; a pseudo-match split
//!   by words when one count is zero); the Poisson interval, which treats matches as independent,
//!   stays beside it;
//! - the match-level log-likelihood G2 with its chi-square(1) p-value and Holm-adjusted p,
//!   kept for comparison with corpus-linguistics tools; it overstates the evidence whenever
//!   matches cluster;
//! - `small_sample` when either side has fewer than [`SMALL_SAMPLE_DOCS`] documents with a
//!   match: read the row as a description of these documents, not of a population.
//!
//! Rows are sorted by effect size, `|ln ratio|` descending; themes with no match on either
//! side (no ratio) come last, in theme order.

use polars::prelude::*;

use super::AnalysisError;
use super::aggregate::{TrendsConfig, date_span, theme_order, trends_table};
use super::cluster::{ClusterUnit, clustered_rate_ratio};
use super::columns::{string_values, u64_values};
use super::groups::{GroupBy, UNKNOWN_GROUP};
use super::periods::{Period, parse_period};
use super::stats::{self, RateRatio};
use super::validation::{CorrectedComparison, CorrectedRate};
use crate::corpus::{Resolved, SpeakerRegistry};
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

/// Fewer documents with a match than this on either side makes a row a small sample.
pub const SMALL_SAMPLE_DOCS: u64 = 10;

/// The counts of one theme on one side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SideCounts {
    /// Matches.
    pub n_matches: u64,
    /// Documents with at least one match.
    pub n_docs_matched: u64,
    /// Documents in the side.
    pub n_docs: u64,
    /// Words in the side.
    pub n_words: u64,
    /// Dispersion of the matches over the side's documents or turns (1: Poisson).
    pub dispersion: f64,
}

impl Default for SideCounts {
    fn default() -> SideCounts {
        SideCounts {
            n_matches: 0,
            n_docs_matched: 0,
            n_docs: 0,
            n_words: 0,
            dispersion: 1.0,
        }
    }
}

impl SideCounts {
    /// Matches per 10k words, `None` without words.
    pub fn rate(&self) -> Option<f64> {
        stats::rate_per_10k(self.n_matches, self.n_words)
    }

    /// Share of documents with a match, `None` without documents.
    pub fn share_of_docs(&self) -> Option<f64> {
        (self.n_docs > 0).then(|| self.n_docs_matched as f64 / self.n_docs as f64)
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
    /// Rate ratio A/B with its clustered interval, when defined.
    pub ratio: Option<RateRatio>,
    /// The same ratio with the Poisson interval (matches independent).
    pub ratio_poisson: Option<RateRatio>,
    /// Fisher's exact test of the shares of documents with a match (two-sided).
    pub p_docs: f64,
    /// Holm-adjusted `p_docs` across the themes of the comparison.
    pub p_docs_holm: f64,
    /// Log-likelihood G2 of the match counts.
    pub g2: f64,
    /// p-value of G2 (chi-square, 1 df).
    pub p_g2: f64,
    /// Holm-adjusted `p_g2` across the themes of the comparison.
    pub p_g2_holm: f64,
    /// Rates and ratio corrected for the theme's measured error, when a validation is
    /// applied ([`super::validation::correct_comparison`]).
    pub corrected: Option<CorrectedComparison>,
}

impl ComparisonRow {
    /// Whether either side has fewer than [`SMALL_SAMPLE_DOCS`] documents with a match.
    pub fn small_sample(&self) -> bool {
        self.a.n_docs_matched.min(self.b.n_docs_matched) < SMALL_SAMPLE_DOCS
    }
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
    "n_docs_matched_a",
    "n_docs_a",
    "share_docs_a",
    "n_docs_matched_b",
    "n_docs_b",
    "share_docs_b",
    "p_docs",
    "p_docs_holm",
    "small_sample",
    "n_matches_a",
    "n_words_a",
    "rate_a",
    "dispersion_a",
    "n_matches_b",
    "n_words_b",
    "rate_b",
    "dispersion_b",
    "rate_ratio",
    "ratio_ci_low",
    "ratio_ci_high",
    "log_ratio",
    "zero_corrected",
    "ratio_ci_low_poisson",
    "ratio_ci_high_poisson",
    "g2",
    "p_g2",
    "p_g2_holm",
];

impl Comparison {
    /// The comparison with its speaker sides (`speaker` and `turn_speaker` groups) named as
    /// counts group them: a name `registry` knows as a person (an alias, another spelling)
    /// becomes the person's canonical name; any other side is left as written.
    pub fn with_canonical_speakers(self, registry: &SpeakerRegistry) -> Comparison {
        match self {
            Comparison::Groups {
                by: by @ (GroupBy::Speaker | GroupBy::TurnSpeaker),
                a,
                b,
            } => {
                let name = |side: String| match registry.resolve(&side) {
                    Resolved::Person(person) => person.name.clone(),
                    _ => side,
                };
                Comparison::Groups {
                    by,
                    a: name(a),
                    b: name(b),
                }
            }
            other => other,
        }
    }
}

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
/// themes found in the matches but not listed are added), with rate-ratio intervals
/// clustered by `cluster`.
pub fn compare(
    docs: &[DocThemeMatches],
    comparison: &Comparison,
    themes: &[String],
    confidence: f64,
    cluster: ClusterUnit,
) -> Result<ComparisonTable, AnalysisError> {
    let themes = theme_order(themes, docs);
    let (first, last) = date_span(docs).ok_or(AnalysisError::NoDocuments)?;
    let (config, label_a, label_b) = match comparison {
        Comparison::Periods { a, b } => {
            if a.start <= b.end && b.start <= a.end {
                return Err(AnalysisError::PeriodsOverlap {
                    first: a.to_string(),
                    second: b.to_string(),
                });
            }
            // A side without documents would compare as "no difference" (p = 1).
            for side in [a, b] {
                if !docs
                    .iter()
                    .any(|d| side.start <= d.doc.date && d.doc.date <= side.end)
                {
                    return Err(AnalysisError::EmptyPeriod {
                        period: side.to_string(),
                        n_docs: docs.len(),
                        span: format!("{first}..{last}"),
                    });
                }
            }
            let mut periods = vec![a.clone(), b.clone()];
            periods.sort_by_key(|p| p.start);
            let config = TrendsConfig::new(periods, None, themes.clone());
            (config, a.name.clone(), b.name.clone())
        }
        Comparison::Groups { by, a, b } => {
            let all = Period {
                name: "all".into(),
                start: first,
                end: last,
            };
            let config = TrendsConfig::new(vec![all], Some(*by), themes.clone());
            (config, a.clone(), b.clone())
        }
    };
    let mut config = config;
    config.confidence = confidence;
    config.cluster = cluster;
    let table = trends_table(docs, &config)?;
    let (key_column, key_a, key_b) = match comparison {
        Comparison::Periods { .. } => ("period", label_a.clone(), label_b.clone()),
        Comparison::Groups { by, a, b } => {
            let groups = string_values(&table, "group")?;
            let find = |wanted: &str| {
                // The empty group is written as outputs show it.
                let wanted = if wanted == UNKNOWN_GROUP { "" } else { wanted };
                groups
                    .iter()
                    .find(|g| g.as_str() == wanted)
                    .or_else(|| groups.iter().find(|g| g.eq_ignore_ascii_case(wanted)))
                    .cloned()
                    .ok_or_else(|| unknown_group(*by, wanted, &groups))
            };
            let (key_a, key_b) = (find(a)?, find(b)?);
            if key_a == key_b {
                return Err(AnalysisError::SameGroup {
                    by: by.as_str(),
                    value: key_a,
                });
            }
            ("group", key_a, key_b)
        }
    };
    let keys = string_values(&table, key_column)?;
    let theme_column = string_values(&table, "theme")?;
    let number = |name: &str| u64_values(&table, name);
    let (matches, n_docs, words) = (number("n_matches")?, number("n_docs")?, number("n_words")?);
    let docs_matched = number("n_docs_matched")?;
    let dispersion: Vec<f64> = table
        .column("dispersion")?
        .f64()?
        .iter()
        .map(|v| v.unwrap_or(1.0))
        .collect();
    let side = |key: &str, theme: &str| {
        (0..table.height())
            .find(|&i| keys[i] == key && theme_column[i] == theme)
            .map(|i| SideCounts {
                n_matches: matches[i],
                n_docs_matched: docs_matched[i],
                n_docs: n_docs[i],
                n_words: words[i],
                dispersion: dispersion[i],
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
                ratio: clustered_rate_ratio(
                    a.n_matches,
                    a.n_words,
                    a.dispersion,
                    b.n_matches,
                    b.n_words,
                    b.dispersion,
                    confidence,
                ),
                ratio_poisson: stats::rate_ratio(
                    a.n_matches,
                    a.n_words,
                    b.n_matches,
                    b.n_words,
                    confidence,
                ),
                p_docs: stats::fisher_exact(a.n_docs_matched, a.n_docs, b.n_docs_matched, b.n_docs),
                p_docs_holm: f64::NAN,
                g2,
                p_g2: stats::chi_square_1_p_value(g2),
                p_g2_holm: f64::NAN,
                corrected: None,
            }
        })
        .collect();
    let adjusted = stats::holm(&rows.iter().map(|r| r.p_docs).collect::<Vec<_>>());
    for (row, p) in rows.iter_mut().zip(adjusted) {
        row.p_docs_holm = p;
    }
    let adjusted = stats::holm(&rows.iter().map(|r| r.p_g2).collect::<Vec<_>>());
    for (row, p) in rows.iter_mut().zip(adjusted) {
        row.p_g2_holm = p;
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
        .map(|g| crate::index::shown_value(g))
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

impl ComparisonTable {
    /// The comparison as a table with [`COMPARE_COLUMNS`] (undefined values are null), then,
    /// when a validation was applied, `rate_corrected_{a,b}` with `_low`/`_high` bounds and
    /// `ratio_corrected` with its bounds.
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
            Column::new("n_docs_matched_a".into(), u(&|r| r.a.n_docs_matched)),
            Column::new("n_docs_a".into(), u(&|r| r.a.n_docs)),
            Column::new("share_docs_a".into(), f(&|r| r.a.share_of_docs())),
            Column::new("n_docs_matched_b".into(), u(&|r| r.b.n_docs_matched)),
            Column::new("n_docs_b".into(), u(&|r| r.b.n_docs)),
            Column::new("share_docs_b".into(), f(&|r| r.b.share_of_docs())),
            Column::new("p_docs".into(), f(&|r| finite(r.p_docs))),
            Column::new("p_docs_holm".into(), f(&|r| finite(r.p_docs_holm))),
            Column::new(
                "small_sample".into(),
                rows.iter()
                    .map(ComparisonRow::small_sample)
                    .collect::<Vec<_>>(),
            ),
            Column::new("n_matches_a".into(), u(&|r| r.a.n_matches)),
            Column::new("n_words_a".into(), u(&|r| r.a.n_words)),
            Column::new("rate_a".into(), f(&|r| r.a.rate())),
            Column::new("dispersion_a".into(), f(&|r| finite(r.a.dispersion))),
            Column::new("n_matches_b".into(), u(&|r| r.b.n_matches)),
            Column::new("n_words_b".into(), u(&|r| r.b.n_words)),
            Column::new("rate_b".into(), f(&|r| r.b.rate())),
            Column::new("dispersion_b".into(), f(&|r| finite(r.b.dispersion))),
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
            Column::new(
                "ratio_ci_low_poisson".into(),
                f(&|r| r.ratio_poisson.map(|q| q.interval.low)),
            ),
            Column::new(
                "ratio_ci_high_poisson".into(),
                f(&|r| r.ratio_poisson.map(|q| q.interval.high)),
            ),
            Column::new("g2".into(), f(&|r| finite(r.g2))),
            Column::new("p_g2".into(), f(&|r| finite(r.p_g2))),
            Column::new("p_g2_holm".into(), f(&|r| finite(r.p_g2_holm))),
        ];
        let mut columns = columns;
        if rows.iter().any(|r| r.corrected.is_some()) {
            let side = |r: &ComparisonRow, b: bool| -> Option<CorrectedRate> {
                r.corrected.and_then(|c| if b { c.b } else { c.a })
            };
            for (suffix, b) in [("a", false), ("b", true)] {
                columns.extend([
                    Column::new(
                        format!("rate_corrected_{suffix}").into(),
                        f(&|r| side(r, b).map(|c| c.rate)),
                    ),
                    Column::new(
                        format!("rate_corrected_low_{suffix}").into(),
                        f(&|r| side(r, b).map(|c| c.interval.low)),
                    ),
                    Column::new(
                        format!("rate_corrected_high_{suffix}").into(),
                        f(&|r| side(r, b).map(|c| c.interval.high)),
                    ),
                ]);
            }
            let ratio = |r: &ComparisonRow| r.corrected.and_then(|c| c.ratio);
            columns.extend([
                Column::new("ratio_corrected".into(), f(&|r| ratio(r).map(|q| q.ratio))),
                Column::new(
                    "ratio_corrected_low".into(),
                    f(&|r| ratio(r).map(|q| q.interval.low)),
                ),
                Column::new(
                    "ratio_corrected_high".into(),
                    f(&|r| ratio(r).map(|q| q.interval.high)),
                ),
            ]);
        }
        Ok(DataFrame::new_infer_height(columns)?)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn speaker_sides_take_the_registry_name_and_other_sides_stay() {
        let registry = SpeakerRegistry::from_toml(
            std::path::Path::new("speakers.toml"),
            "[[person]]\nname = \"Sergei Lavrov\"\naliases = [\"Sergey Lavrov\"]\nrole = \"minister\"\ncountry = \"RU\"\n",
            None,
        )
        .unwrap();
        let groups = |by, a: &str, b: &str| Comparison::Groups {
            by,
            a: a.into(),
            b: b.into(),
        };
        for by in [GroupBy::Speaker, GroupBy::TurnSpeaker] {
            match groups(by, "Sergey Lavrov", "Nobody Known").with_canonical_speakers(&registry) {
                Comparison::Groups { a, b, .. } => {
                    assert_eq!((a.as_str(), b.as_str()), ("Sergei Lavrov", "Nobody Known"));
                }
                other => panic!("{other:?}"),
            }
        }
        match groups(GroupBy::Source, "Sergey Lavrov", "x").with_canonical_speakers(&registry) {
            Comparison::Groups { a, .. } => assert_eq!(a, "Sergey Lavrov"),
            other => panic!("{other:?}"),
        }
    }
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
                kept: None,
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
        let table = compare(&docs(), &comparison, &themes(), 0.95, ClusterUnit::Document).unwrap();
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
        assert!((blame.p_g2 - 0.25179069483).abs() < 1e-9);
        // One document per side: each is one cluster, so no dispersion can be estimated.
        assert_eq!(blame.ratio, blame.ratio_poisson);
        assert_eq!((blame.a.n_docs_matched, blame.b.n_docs_matched), (1, 1));
        assert_eq!(blame.p_docs, 1.0);
        assert!(blame.small_sample());
        let freeze = &table.rows[0];
        assert!(freeze.ratio.unwrap().corrected);
        // Holm over the themes (libya has p = 1 and counts as a test too).
        for p in [
            |r: &ComparisonRow| (r.p_docs, r.p_docs_holm),
            |r: &ComparisonRow| (r.p_g2, r.p_g2_holm),
        ] {
            let raw: Vec<f64> = table.rows.iter().map(|r| p(r).0).collect();
            for (row, e) in table.rows.iter().zip(stats::holm(&raw)) {
                assert_eq!(p(row).1, e);
            }
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

    /// The README's escalation warning: 7 matches in 3 of 12 H2 documents (5 in one
    /// transcript) against none in 12 H1 documents. By match, G2 calls it a clear rise;
    /// by document it is 3 of 12 against 0 of 12 (Fisher p = 5/23).
    #[test]
    fn matches_concentrated_in_one_document_are_not_significant_by_document() {
        let mut docs = Vec::new();
        for i in 0..12 {
            let hits: &[(&str, usize)] = match i {
                0 => &[("escalation", 5)],
                1 | 2 => &[("escalation", 1)],
                _ => &[],
            };
            docs.push(doc(&format!("h2-{i}"), "2017-09-01", "Putin", 4_000, hits));
            docs.push(doc(&format!("h1-{i}"), "2017-03-01", "Putin", 6_000, &[]));
        }
        let periods =
            parse_named_periods("H1=2017-01-01..2017-06-30,H2=2017-07-01..2017-12-31").unwrap();
        let comparison = Comparison::Periods {
            a: periods[1].clone(),
            b: periods[0].clone(),
        };
        let themes = vec!["escalation".to_string()];
        let table = compare(&docs, &comparison, &themes, 0.95, ClusterUnit::Document).unwrap();
        let row = &table.rows[0];
        assert!(row.p_g2 < 0.001, "by match: {}", row.p_g2);
        assert!((row.p_docs - 5.0 / 23.0).abs() < 1e-9, "{}", row.p_docs);
        assert!(row.small_sample());
        assert!(row.a.dispersion > 3.0);
        let (clustered, poisson) = (row.ratio.unwrap(), row.ratio_poisson.unwrap());
        assert_eq!(clustered.ratio, poisson.ratio);
        assert!(clustered.interval.low < poisson.interval.low);
        assert!(clustered.interval.high > poisson.interval.high);
        assert!(clustered.interval.low < 1.0, "{clustered:?}");
        let frame = table.to_frame().unwrap();
        let names: Vec<_> = frame
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(names, COMPARE_COLUMNS);
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
        let err = compare(&docs(), &comparison, &themes(), 0.95, ClusterUnit::Document)
            .unwrap_err()
            .to_string();
        assert!(err.contains("overlap"), "{err}");
    }

    #[test]
    fn a_period_without_documents_is_refused_with_the_documents_dates() {
        let period = |spec: &str| parse_named_periods(spec).unwrap().remove(0);
        let h1 = period("H1=2017-01-01..2017-06-30");
        let compare_to = |b: &Period| {
            let comparison = Comparison::Periods {
                a: h1.clone(),
                b: b.clone(),
            };
            compare(&docs(), &comparison, &themes(), 0.95, ClusterUnit::Document)
        };
        let err = compare_to(&period("Y16=2016-01-01..2016-12-31"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("Y16 (2016-01-01..2016-12-31) holds none of the 2 selected documents")
                && err.contains("2017-03-01..2017-09-01"),
            "{err}"
        );
        assert!(compare_to(&period("H2=2017-07-01..2017-12-31")).is_ok());
    }

    #[test]
    fn the_empty_group_is_named_as_outputs_show_it() {
        let mut docs = docs();
        docs.push(doc("3", "2017-10-01", "", 5_000, &[("blame", 2)]));
        let comparison = |b: &str| Comparison::Groups {
            by: GroupBy::Speaker,
            a: "Putin".into(),
            b: b.into(),
        };
        let table = compare(
            &docs,
            &comparison(UNKNOWN_GROUP),
            &themes(),
            0.95,
            ClusterUnit::Document,
        )
        .unwrap();
        let blame = table.rows.iter().find(|r| r.theme == "blame").unwrap();
        assert_eq!((blame.a.n_matches, blame.b.n_matches), (10, 2));
        let err = compare(
            &docs,
            &comparison("nobody"),
            &themes(),
            0.95,
            ClusterUnit::Document,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("(found: (unknown), Lavrov, Putin)"), "{err}");
    }

    #[test]
    fn the_same_group_on_both_sides_is_refused() {
        let comparison = Comparison::Groups {
            by: GroupBy::Speaker,
            a: "Putin".into(),
            b: "PUTIN".into(),
        };
        let err = compare(&docs(), &comparison, &themes(), 0.95, ClusterUnit::Document)
            .unwrap_err()
            .to_string();
        assert!(err.contains("both sides are speaker `Putin`"), "{err}");
    }

    #[test]
    fn groups_compare_case_insensitively_and_name_the_missing_one() {
        let comparison = Comparison::Groups {
            by: GroupBy::Speaker,
            a: "putin".into(),
            b: "Lavrov".into(),
        };
        let table = compare(&docs(), &comparison, &themes(), 0.95, ClusterUnit::Document).unwrap();
        assert_eq!(table.label_a, "Putin");
        let blame = table.rows.iter().find(|r| r.theme == "blame").unwrap();
        assert_eq!((blame.a.n_matches, blame.b.n_matches), (10, 30));

        let comparison = Comparison::Groups {
            by: GroupBy::Speaker,
            a: "Putin".into(),
            b: "Shoigu".into(),
        };
        let err = compare(&docs(), &comparison, &themes(), 0.95, ClusterUnit::Document)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("Shoigu") && err.contains("Lavrov, Putin"),
            "{err}"
        );
        assert!(matches!(
            compare(&[], &comparison, &themes(), 0.95, ClusterUnit::Document),
            Err(AnalysisError::NoDocuments)
        ));
    }
}
