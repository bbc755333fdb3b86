//! The aggregation plan: theme matches per document become a tidy trend table, one row per
//! period × group × theme, with counts, denominators, rates, shares and their intervals.
//!
//! Contract:
//! - One polars lazy plan, collected once: a grid of every period × group × theme (so
//!   empty periods and themes without matches appear as zero rows) is left-joined with the
//!   denominators per period × group and the numerators per period × group × theme.
//! - Columns, in order: [`TREND_COLUMNS`]. Rates are matches per 10,000 words; shares are
//!   documents with a match over documents; rate and share columns are null where the
//!   denominator is 0. Rate intervals treat the document (or, with
//!   [`TrendsConfig::cluster`], the speaker turn) as the sampling unit: quasi-Poisson with
//!   the row's `dispersion` (see [`super::cluster`]); `n_clusters` is the number of
//!   documents or turns it rests on, and the exact Poisson interval, which treats every
//!   match as independent, stays beside it. Shares (already per document) get Wilson
//!   intervals (see [`super::stats`]).
//! - `low_n` is true when a row rests on fewer than [`LowN::min_docs`] documents or fewer
//!   than [`LowN::min_words`] words (defaults 5 and 2,000): its rate is too noisy to read
//!   alone.
//! - Documents outside every period are left out; the sum of `n_matches` over all rows
//!   equals the number of matches of the documents inside the periods.
//! - Rows are sorted by period, group (alphabetically) and theme (theme-file order).

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::NaiveDate;
use polars::prelude::*;

use super::AnalysisError;
use super::cluster::{self, ClusterMoments, ClusterUnit};
use super::columns::{string_values, u64_values};
use super::groups::{self, ALL_GROUP, GroupBy};
use super::periods::{Period, PeriodLookup, PeriodSpec};
use super::stats;
use crate::themes::DocThemeMatches;

/// The columns of a trend table, in order.
pub const TREND_COLUMNS: &[&str] = &[
    "period",
    "period_start",
    "period_end",
    "group",
    "theme",
    "n_matches",
    "n_paragraphs_matched",
    "n_docs_matched",
    "n_docs",
    "n_paragraphs",
    "n_words",
    "rate_per_10k_words",
    "rate_ci_low",
    "rate_ci_high",
    "share_of_docs",
    "share_ci_low",
    "share_ci_high",
    "low_n",
    "n_clusters",
    "dispersion",
    "rate_ci_low_poisson",
    "rate_ci_high_poisson",
];

/// One row of a trend table: the columns of [`TREND_COLUMNS`], typed (see
/// [`trend_rows`]). Printers and charts read these, never the table's columns by name.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendRow {
    /// Period name.
    pub period: String,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Group value ([`ALL_GROUP`] without a grouping; empty when unknown).
    pub group: String,
    /// Theme id.
    pub theme: String,
    /// Matches.
    pub n_matches: u64,
    /// Paragraphs with a match.
    pub n_paragraphs_matched: u64,
    /// Documents with a match.
    pub n_docs_matched: u64,
    /// Documents.
    pub n_docs: u64,
    /// Paragraphs.
    pub n_paragraphs: u64,
    /// Words.
    pub n_words: u64,
    /// Matches per 10,000 words (none without words).
    pub rate_per_10k_words: Option<f64>,
    /// Lower bound of the rate's interval.
    pub rate_ci_low: Option<f64>,
    /// Upper bound of the rate's interval.
    pub rate_ci_high: Option<f64>,
    /// Documents with a match over documents (none without documents).
    pub share_of_docs: Option<f64>,
    /// Lower bound of the share's interval.
    pub share_ci_low: Option<f64>,
    /// Upper bound of the share's interval.
    pub share_ci_high: Option<f64>,
    /// Whether the row rests on too little text ([`LowN`]).
    pub low_n: bool,
    /// Documents (or turns) the rate interval treats as its sampling units.
    pub n_clusters: u64,
    /// Dispersion of the matches over those units (1: Poisson).
    pub dispersion: f64,
    /// Lower bound of the exact Poisson interval (matches independent).
    pub rate_ci_low_poisson: Option<f64>,
    /// Upper bound of the exact Poisson interval.
    pub rate_ci_high_poisson: Option<f64>,
    /// The rate corrected for measured error, when the table carries a validation's
    /// corrected columns ([`super::validation::add_corrected_rates`]).
    pub rate_corrected: Option<f64>,
    /// Lower bound of the corrected rate.
    pub rate_corrected_low: Option<f64>,
    /// Upper bound of the corrected rate.
    pub rate_corrected_high: Option<f64>,
}

/// When a row is flagged as resting on too little text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LowN {
    /// Fewer documents than this is low.
    pub min_docs: u64,
    /// Fewer words than this is low.
    pub min_words: u64,
}

impl Default for LowN {
    fn default() -> LowN {
        LowN {
            min_docs: 5,
            min_words: 2_000,
        }
    }
}

/// What a trend table is cut by.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendsConfig {
    /// The periods, sorted and non-overlapping (see [`resolve_periods`]).
    pub periods: Vec<Period>,
    /// The grouping, if any (otherwise every row has group `all`).
    pub group: Option<GroupBy>,
    /// Theme ids in display order; every one gets rows, matched or not. Themes found in
    /// the matches but missing here are appended in alphabetical order.
    pub themes: Vec<String>,
    /// The low-n threshold.
    pub low_n: LowN,
    /// Confidence of the intervals (0.95).
    pub confidence: f64,
    /// The sampling unit of the rate intervals (documents by default).
    pub cluster: ClusterUnit,
}

impl TrendsConfig {
    /// A configuration with the default threshold and 95% intervals.
    pub fn new(periods: Vec<Period>, group: Option<GroupBy>, themes: Vec<String>) -> TrendsConfig {
        TrendsConfig {
            periods,
            group,
            themes,
            low_n: LowN::default(),
            confidence: 0.95,
            cluster: ClusterUnit::Document,
        }
    }
}

/// The rows of a long trend table (as [`trends_table`] returns it), in order: the one place
/// its columns are read by name.
pub fn trend_rows(table: &DataFrame) -> Result<Vec<TrendRow>, AnalysisError> {
    let text = |name: &str| string_values(table, name);
    let count = |name: &str| u64_values(table, name);
    let float = |name: &str| -> Result<Vec<Option<f64>>, AnalysisError> {
        Ok(table.column(name)?.f64()?.iter().collect())
    };
    // Columns only a corrected table has: none when absent.
    let optional = |name: &str| -> Result<Vec<Option<f64>>, AnalysisError> {
        match table.column(name) {
            Ok(_) => float(name),
            Err(_) => Ok(vec![None; table.height()]),
        }
    };
    let date = |name: &str| -> Result<Vec<NaiveDate>, AnalysisError> {
        Ok(table
            .column(name)?
            .date()?
            .as_date_iter()
            .map(Option::unwrap_or_default)
            .collect())
    };
    let (period, group, theme) = (text("period")?, text("group")?, text("theme")?);
    let (start, end) = (date("period_start")?, date("period_end")?);
    let (matches, paragraphs_matched) = (count("n_matches")?, count("n_paragraphs_matched")?);
    let (docs_matched, docs) = (count("n_docs_matched")?, count("n_docs")?);
    let (paragraphs, words) = (count("n_paragraphs")?, count("n_words")?);
    let (rate, rate_low, rate_high) = (
        float("rate_per_10k_words")?,
        float("rate_ci_low")?,
        float("rate_ci_high")?,
    );
    let (share, share_low, share_high) = (
        float("share_of_docs")?,
        float("share_ci_low")?,
        float("share_ci_high")?,
    );
    let (n_clusters, dispersion) = (count("n_clusters")?, float("dispersion")?);
    let (poisson_low, poisson_high) = (
        float("rate_ci_low_poisson")?,
        float("rate_ci_high_poisson")?,
    );
    let (corrected, corrected_low, corrected_high) = (
        optional("rate_corrected")?,
        optional("rate_corrected_low")?,
        optional("rate_corrected_high")?,
    );
    let low_n: Vec<bool> = table
        .column("low_n")?
        .bool()?
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect();
    Ok((0..table.height())
        .map(|i| TrendRow {
            period: period[i].clone(),
            period_start: start[i],
            period_end: end[i],
            group: group[i].clone(),
            theme: theme[i].clone(),
            n_matches: matches[i],
            n_paragraphs_matched: paragraphs_matched[i],
            n_docs_matched: docs_matched[i],
            n_docs: docs[i],
            n_paragraphs: paragraphs[i],
            n_words: words[i],
            rate_per_10k_words: rate[i],
            rate_ci_low: rate_low[i],
            rate_ci_high: rate_high[i],
            share_of_docs: share[i],
            share_ci_low: share_low[i],
            share_ci_high: share_high[i],
            low_n: low_n[i],
            n_clusters: n_clusters[i],
            dispersion: dispersion[i].unwrap_or(1.0),
            rate_ci_low_poisson: poisson_low[i],
            rate_ci_high_poisson: poisson_high[i],
            rate_corrected: corrected[i],
            rate_corrected_low: corrected_low[i],
            rate_corrected_high: corrected_high[i],
        })
        .collect())
}

/// The first and last document dates, if there are documents.
pub fn date_span(docs: &[DocThemeMatches]) -> Option<(NaiveDate, NaiveDate)> {
    let first = docs.iter().map(|d| d.doc.date).min()?;
    let last = docs.iter().map(|d| d.doc.date).max()?;
    Some((first, last))
}

/// The periods of `spec` between `from` (or the first document date) and `to` (or the
/// last); no periods when neither bounds nor documents give a range. More calendar periods
/// than [`super::periods::MAX_PERIODS`] is an error.
pub fn resolve_periods(
    spec: &PeriodSpec,
    docs: &[DocThemeMatches],
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<Period>, AnalysisError> {
    if let PeriodSpec::Named(periods) = spec {
        return Ok(periods.clone());
    }
    let span = date_span(docs);
    let first = from.or(span.map(|s| s.0));
    let last = to.or(span.map(|s| s.1));
    match (first, last) {
        (Some(first), Some(last)) => spec.resolve(first, last),
        _ => Ok(Vec::new()),
    }
}

/// The theme ids of the table: `listed` first, then unlisted ones found in `docs`.
pub(crate) fn theme_order(listed: &[String], docs: &[DocThemeMatches]) -> Vec<String> {
    let mut themes = listed.to_vec();
    let extra: BTreeSet<&str> = docs
        .iter()
        .flat_map(|d| d.matches.iter().map(|m| &*m.theme))
        .filter(|t| !listed.iter().any(|l| l == t))
        .collect();
    themes.extend(extra.into_iter().map(str::to_string));
    themes
}

/// The input tables of the plan, built from the matches in one pass.
#[derive(Default)]
struct Inputs {
    // One row per unit (document, or a speaker's paragraphs in a document).
    unit_period: Vec<u32>,
    unit_group: Vec<String>,
    unit_doc: Vec<u32>,
    unit_words: Vec<u64>,
    unit_paragraphs: Vec<u64>,
    // One row per cluster (document or turn, within a group).
    cluster_period: Vec<u32>,
    cluster_group: Vec<String>,
    cluster_key: Vec<u64>,
    cluster_words: Vec<u64>,
    // One row per match.
    hit_period: Vec<u32>,
    hit_group: Vec<String>,
    hit_theme: Vec<u32>,
    hit_doc: Vec<u32>,
    hit_paragraph: Vec<u64>,
    hit_cluster: Vec<u64>,
    groups: BTreeSet<String>,
}

fn collect_inputs(docs: &[DocThemeMatches], config: &TrendsConfig, themes: &[String]) -> Inputs {
    let lookup = PeriodLookup::new(&config.periods);
    let mut inputs = Inputs::default();
    for (doc_index, doc) in docs.iter().enumerate() {
        let Some(period) = lookup.find(doc.doc.date) else {
            continue;
        };
        let (period, doc_index) = (period as u32, doc_index as u32);
        for unit in groups::units(&doc.doc, config.group) {
            inputs.unit_period.push(period);
            inputs.groups.insert(unit.group.clone());
            inputs.unit_group.push(unit.group);
            inputs.unit_doc.push(doc_index);
            inputs.unit_words.push(unit.n_words);
            inputs.unit_paragraphs.push(unit.n_paragraphs);
        }
        for c in cluster::clusters(&doc.doc, config.group, config.cluster) {
            inputs.cluster_period.push(period);
            inputs.cluster_group.push(c.unit.group);
            inputs.cluster_key.push(cluster_key(doc_index, c.key));
            inputs.cluster_words.push(c.unit.n_words);
        }
        for m in &doc.matches {
            let Some(theme) = themes.iter().position(|t| **t == *m.theme) else {
                continue;
            };
            let group = groups::match_group(&doc.doc, m, config.group);
            inputs.groups.insert(group.clone());
            inputs.hit_period.push(period);
            inputs.hit_group.push(group);
            inputs.hit_theme.push(theme as u32);
            inputs.hit_doc.push(doc_index);
            // A paragraph key unique across documents, for counting matched paragraphs.
            inputs
                .hit_paragraph
                .push(((doc_index as u64) << 32) | (m.para as u64 & 0xffff_ffff));
            inputs.hit_cluster.push(cluster_key(
                doc_index,
                cluster::cluster_of(&doc.doc, m.para, config.cluster),
            ));
        }
    }
    if config.group.is_none() {
        inputs.groups.insert(ALL_GROUP.to_string());
    }
    inputs
}

/// A cluster key unique across documents.
fn cluster_key(doc_index: u32, key: u32) -> u64 {
    ((doc_index as u64) << 32) | key as u64
}

fn column<T, P: ?Sized>(name: &str, values: T) -> Column
where
    Series: NamedFrom<T, P>,
{
    Series::new(name.into(), values).into_column()
}

/// A Float64 column computed row by row from two u64 columns (null where `f` gives None).
/// `n` as an `i64` literal value, at most `i64::MAX`.
fn below_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn map_pair(a: &str, b: &str, f: impl Fn(u64, u64) -> Option<f64> + Send + Sync + 'static) -> Expr {
    let f = Arc::new(f);
    col(a).map_many(
        move |columns: &mut [Column]| {
            let left = columns[0].cast(&DataType::UInt64)?;
            let right = columns[1].cast(&DataType::UInt64)?;
            let values: Float64Chunked = left
                .u64()?
                .iter()
                .zip(right.u64()?.iter())
                .map(|(x, y)| f(x.unwrap_or(0), y.unwrap_or(0)))
                .collect();
            Ok(values.with_name(columns[0].name().clone()).into_column())
        },
        &[col(b)],
        |_, fields| Ok(Field::new(fields[0].name().clone(), DataType::Float64)),
    )
}

/// A Float64 column computed row by row from several numeric columns (read as f64, null
/// as 0; null where `f` gives None).
fn map_row(names: &[&str], f: impl Fn(&[f64]) -> Option<f64> + Send + Sync + 'static) -> Expr {
    let f = Arc::new(f);
    let rest: Vec<Expr> = names[1..].iter().map(|n| col(*n)).collect();
    col(names[0]).map_many(
        move |columns: &mut [Column]| {
            let values: Vec<Float64Chunked> = columns
                .iter()
                .map(|c| Ok(c.cast(&DataType::Float64)?.f64()?.clone()))
                .collect::<PolarsResult<_>>()?;
            let height = columns[0].len();
            let mut row = vec![0.0; values.len()];
            let out: Float64Chunked = (0..height)
                .map(|i| {
                    for (cell, column) in row.iter_mut().zip(&values) {
                        *cell = column.get(i).unwrap_or(0.0);
                    }
                    f(&row)
                })
                .collect();
            Ok(out.with_name(columns[0].name().clone()).into_column())
        },
        &rest,
        |_, fields| Ok(Field::new(fields[0].name().clone(), DataType::Float64)),
    )
}

/// The trend table of `docs` (see the module header for its contract).
pub fn trends_table(
    docs: &[DocThemeMatches],
    config: &TrendsConfig,
) -> Result<DataFrame, AnalysisError> {
    let themes = theme_order(&config.themes, docs);
    let inputs = collect_inputs(docs, config, &themes);

    let mut grid_period = Vec::new();
    let mut grid_group = Vec::new();
    let mut grid_theme = Vec::new();
    for period in 0..config.periods.len() as u32 {
        for group in &inputs.groups {
            for theme in 0..themes.len() as u32 {
                grid_period.push(period);
                grid_group.push(group.as_str());
                grid_theme.push(theme);
            }
        }
    }
    let grid = DataFrame::new_infer_height(vec![
        column("period_idx", grid_period),
        column("group", grid_group),
        column("theme_idx", grid_theme),
    ])?;
    let periods = DataFrame::new_infer_height(vec![
        column(
            "period_idx",
            (0..config.periods.len() as u32).collect::<Vec<_>>(),
        ),
        column(
            "period",
            config
                .periods
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>(),
        ),
        column(
            "period_start",
            config.periods.iter().map(|p| p.start).collect::<Vec<_>>(),
        ),
        column(
            "period_end",
            config.periods.iter().map(|p| p.end).collect::<Vec<_>>(),
        ),
    ])?;
    let theme_names = DataFrame::new_infer_height(vec![
        column("theme_idx", (0..themes.len() as u32).collect::<Vec<_>>()),
        column(
            "theme",
            themes.iter().map(String::as_str).collect::<Vec<_>>(),
        ),
    ])?;
    let units = DataFrame::new_infer_height(vec![
        column("period_idx", inputs.unit_period),
        column("group", inputs.unit_group),
        column("doc", inputs.unit_doc),
        column("words", inputs.unit_words),
        column("paragraphs", inputs.unit_paragraphs),
    ])?;
    let hits = DataFrame::new_infer_height(vec![
        column("period_idx", inputs.hit_period),
        column("group", inputs.hit_group),
        column("theme_idx", inputs.hit_theme),
        column("doc", inputs.hit_doc),
        column("paragraph", inputs.hit_paragraph),
        column("cluster", inputs.hit_cluster),
    ])?;
    let clusters = DataFrame::new_infer_height(vec![
        column("period_idx", inputs.cluster_period),
        column("group", inputs.cluster_group),
        column("cluster", inputs.cluster_key),
        column("words", inputs.cluster_words),
    ])?
    .lazy()
    .group_by([col("period_idx"), col("group"), col("cluster")])
    .agg([col("words").sum().cast(DataType::Float64).alias("w")]);
    // The sums the dispersion needs: Σw² and the number of clusters per period × group,
    // Σx² and Σxw per period × group × theme (x: matches of the theme in the cluster).
    let cluster_totals = clusters
        .clone()
        .group_by([col("period_idx"), col("group")])
        .agg([
            len().cast(DataType::UInt64).alias("n_clusters"),
            (col("w") * col("w")).sum().alias("sum_w2"),
        ]);
    let cluster_keys = || [col("period_idx"), col("group"), col("cluster")];
    let cluster_moments = hits
        .clone()
        .lazy()
        .group_by([
            col("period_idx"),
            col("group"),
            col("theme_idx"),
            col("cluster"),
        ])
        .agg([len().cast(DataType::Float64).alias("x")])
        .join(
            clusters,
            cluster_keys(),
            cluster_keys(),
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("w").fill_null(lit(0.0)))
        .group_by([col("period_idx"), col("group"), col("theme_idx")])
        .agg([
            (col("x") * col("x")).sum().alias("sum_x2"),
            (col("x") * col("w")).sum().alias("sum_xw"),
        ]);

    let denominators = units
        .lazy()
        .group_by([col("period_idx"), col("group")])
        .agg([
            col("doc").n_unique().cast(DataType::UInt64).alias("n_docs"),
            col("paragraphs")
                .sum()
                .cast(DataType::UInt64)
                .alias("n_paragraphs"),
            col("words").sum().cast(DataType::UInt64).alias("n_words"),
        ]);
    let numerators = hits
        .lazy()
        .group_by([col("period_idx"), col("group"), col("theme_idx")])
        .agg([
            len().cast(DataType::UInt64).alias("n_matches"),
            col("paragraph")
                .n_unique()
                .cast(DataType::UInt64)
                .alias("n_paragraphs_matched"),
            col("doc")
                .n_unique()
                .cast(DataType::UInt64)
                .alias("n_docs_matched"),
        ]);

    let left = || JoinArgs::new(JoinType::Left);
    let by_group = || [col("period_idx"), col("group")];
    let by_theme = || [col("period_idx"), col("group"), col("theme_idx")];
    let denominators = denominators.join(cluster_totals, by_group(), by_group(), left());
    let numerators = numerators.join(cluster_moments, by_theme(), by_theme(), left());
    let confidence = config.confidence;
    let low_n = config.low_n;
    let counts = [
        "n_matches",
        "n_paragraphs_matched",
        "n_docs_matched",
        "n_docs",
        "n_paragraphs",
        "n_words",
    ];
    let table = grid
        .lazy()
        .join(
            periods.lazy(),
            [col("period_idx")],
            [col("period_idx")],
            left(),
        )
        .join(
            theme_names.lazy(),
            [col("theme_idx")],
            [col("theme_idx")],
            left(),
        )
        .join(
            denominators,
            [col("period_idx"), col("group")],
            [col("period_idx"), col("group")],
            left(),
        )
        .join(
            numerators,
            [col("period_idx"), col("group"), col("theme_idx")],
            [col("period_idx"), col("group"), col("theme_idx")],
            left(),
        )
        .with_columns(
            counts
                .iter()
                .chain(&["n_clusters"])
                .map(|name| col(*name).fill_null(lit(0u64)).cast(DataType::UInt64))
                .collect::<Vec<_>>(),
        )
        .with_column(
            map_row(
                &[
                    "n_clusters",
                    "n_matches",
                    "n_words",
                    "sum_x2",
                    "sum_xw",
                    "sum_w2",
                ],
                move |v| {
                    let moments = ClusterMoments {
                        n_clusters: v[0] as u64,
                        matches: v[1],
                        words: v[2],
                        sum_x2: v[3],
                        sum_xw: v[4],
                        sum_w2: v[5],
                    };
                    Some(moments.dispersion(confidence))
                },
            )
            .alias("dispersion"),
        )
        .with_columns([
            map_pair("n_matches", "n_words", stats::rate_per_10k).alias("rate_per_10k_words"),
            map_row(&["n_matches", "n_words", "dispersion"], move |v| {
                cluster::clustered_rate_interval_per_10k(v[0] as u64, v[1] as u64, v[2], confidence)
                    .map(|i| i.low)
            })
            .alias("rate_ci_low"),
            map_row(&["n_matches", "n_words", "dispersion"], move |v| {
                cluster::clustered_rate_interval_per_10k(v[0] as u64, v[1] as u64, v[2], confidence)
                    .map(|i| i.high)
            })
            .alias("rate_ci_high"),
            map_pair("n_matches", "n_words", move |x, w| {
                stats::rate_interval_per_10k(x, w, confidence).map(|i| i.low)
            })
            .alias("rate_ci_low_poisson"),
            map_pair("n_matches", "n_words", move |x, w| {
                stats::rate_interval_per_10k(x, w, confidence).map(|i| i.high)
            })
            .alias("rate_ci_high_poisson"),
            map_pair("n_docs_matched", "n_docs", |k, n| {
                (n > 0).then(|| k as f64 / n as f64)
            })
            .alias("share_of_docs"),
            map_pair("n_docs_matched", "n_docs", move |k, n| {
                stats::wilson_interval(k, n, confidence).map(|i| i.low)
            })
            .alias("share_ci_low"),
            map_pair("n_docs_matched", "n_docs", move |k, n| {
                stats::wilson_interval(k, n, confidence).map(|i| i.high)
            })
            .alias("share_ci_high"),
            // Thresholds above i64::MAX (which no count reaches) as i64::MAX: polars holds
            // an integer literal as a signed one and has no 128-bit integers here.
            col("n_docs")
                .lt(lit(below_i64(low_n.min_docs)))
                .or(col("n_words").lt(lit(below_i64(low_n.min_words))))
                .alias("low_n"),
        ])
        .sort(
            ["period_idx", "group", "theme_idx"],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .select(
            TREND_COLUMNS
                .iter()
                .map(|name| col(*name))
                .collect::<Vec<_>>(),
        )
        .collect()?;
    Ok(table)
}

/// Pivots a trend table so each theme becomes columns `THEME_n` (matches) and
/// `THEME_rate` (per 10k words), one row per period × group; the period, group and
/// denominator columns (`n_docs`, `n_words`, `low_n`) stay. `themes` gives the column order.
pub fn widen(long: &DataFrame, themes: &[String]) -> Result<DataFrame, AnalysisError> {
    let keys = ["period", "period_start", "period_end", "group"];
    // A table with validation-corrected rates keeps them, one column per theme.
    let corrected = long.column("rate_corrected").is_ok();
    let key_exprs = || keys.iter().map(|k| col(*k)).collect::<Vec<_>>();
    // Row order of the long table (period, then group) is kept through the ordinal.
    let long = long.clone().lazy().with_row_index("row", None);
    let mut wide = long.clone().group_by_stable(key_exprs()).agg([
        col("row").min().alias("row"),
        col("n_docs").first(),
        col("n_words").first(),
        col("low_n").first(),
    ]);
    for theme in themes {
        let one =
            long.clone()
                .filter(col("theme").eq(lit(theme.as_str())))
                .select(
                    key_exprs()
                        .into_iter()
                        .chain([
                            col("n_matches").alias(format!("{theme}_n")),
                            col("rate_per_10k_words").alias(format!("{theme}_rate")),
                        ])
                        .chain(corrected.then(|| {
                            col("rate_corrected").alias(format!("{theme}_rate_corrected"))
                        }))
                        .collect::<Vec<_>>(),
                );
        wide = wide.join(one, key_exprs(), key_exprs(), JoinArgs::new(JoinType::Left));
    }
    let table = wide
        .sort(["row"], SortMultipleOptions::default())
        .drop(by_name(["row"], true, false))
        .collect()?;
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::periods::{Granularity, parse_named_periods};
    use crate::document::{Kind, Lang, ParagraphTurn, Role};
    use crate::themes::{DocSummary, ThemeMatch};

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn doc(id: &str, date: &str, speaker: &str, matches: &[(&str, usize)]) -> DocThemeMatches {
        DocThemeMatches {
            doc: DocSummary {
                kept: None,
                id: id.into(),
                date: d(date),
                speaker: speaker.into(),
                source: "kremlin.ru".into(),
                kind: Kind::Transcript,
                lang: Lang::En,
                n_words: 1_000,
                n_paragraphs: 2,
                paragraphs: vec![
                    ParagraphTurn {
                        speaker: Some("Question".into()),
                        role: Role::Journalist,
                        n_words: 200,
                    },
                    ParagraphTurn {
                        speaker: Some(speaker.into()),
                        role: Role::Official,
                        n_words: 800,
                    },
                ],
            },
            matches: matches
                .iter()
                .map(|(theme, para)| ThemeMatch {
                    theme: (*theme).into(),
                    para: *para,
                    sentence: 0,
                    start: 0,
                    end: 4,
                    rule: "x".into(),
                })
                .collect(),
        }
    }

    fn sample() -> Vec<DocThemeMatches> {
        vec![
            doc(
                "a",
                "2017-01-10",
                "Putin",
                &[("blame", 1), ("blame", 1), ("freeze", 0)],
            ),
            doc("b", "2017-01-20", "Lavrov", &[("blame", 1)]),
            doc("c", "2017-03-05", "Putin", &[]),
        ]
    }

    fn themes() -> Vec<String> {
        vec!["freeze".into(), "blame".into()]
    }

    fn u64s(df: &DataFrame, name: &str) -> Vec<u64> {
        df.column(name)
            .unwrap()
            .u64()
            .unwrap()
            .iter()
            .map(Option::unwrap)
            .collect()
    }

    fn strs(df: &DataFrame, name: &str) -> Vec<String> {
        df.column(name)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|s| s.unwrap().to_string())
            .collect()
    }

    #[test]
    fn months_with_empty_february() {
        let docs = sample();
        let periods =
            resolve_periods(&PeriodSpec::Calendar(Granularity::Month), &docs, None, None).unwrap();
        let table = trends_table(&docs, &TrendsConfig::new(periods, None, themes())).unwrap();
        let names: Vec<_> = table
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(names, TREND_COLUMNS);
        assert_eq!(
            strs(&table, "period"),
            [
                "2017-01", "2017-01", "2017-02", "2017-02", "2017-03", "2017-03"
            ]
        );
        assert_eq!(strs(&table, "theme"), ["freeze", "blame"].repeat(3));
        assert_eq!(u64s(&table, "n_matches"), [1, 3, 0, 0, 0, 0]);
        assert_eq!(u64s(&table, "n_docs_matched"), [1, 2, 0, 0, 0, 0]);
        assert_eq!(u64s(&table, "n_paragraphs_matched"), [1, 2, 0, 0, 0, 0]);
        assert_eq!(u64s(&table, "n_docs"), [2, 2, 0, 0, 1, 1]);
        assert_eq!(u64s(&table, "n_words"), [2_000, 2_000, 0, 0, 1_000, 1_000]);
        let rate = table.column("rate_per_10k_words").unwrap().f64().unwrap();
        assert_eq!(rate.get(1), Some(15.0));
        assert_eq!(rate.get(2), None);
        assert_eq!(rate.get(4), Some(0.0));
        let poisson = table.column("rate_ci_high_poisson").unwrap().f64().unwrap();
        // 3 matches in 2,000 words: upper Poisson bound 8.767273 (R poisson.test(3)) / 0.2.
        assert!((poisson.get(1).unwrap() - 8.767273 * 5.0).abs() < 1e-4);
        // Clustered by document: 2 and 1 matches in two documents of 1,000 words, less
        // spread than Poisson (CR1: 2/1 × ((2 - 1.5)² + (1 - 1.5)²) / 3 = 1/3), so the
        // dispersion is 1 and the interval the exact one.
        let dispersion = table.column("dispersion").unwrap().f64().unwrap();
        assert_eq!(
            (dispersion.get(0), dispersion.get(1)),
            (Some(1.0), Some(1.0))
        );
        let high = table.column("rate_ci_high").unwrap().f64().unwrap();
        assert!((high.get(1).unwrap() - poisson.get(1).unwrap()).abs() < 1e-9);
        assert_eq!(u64s(&table, "n_clusters"), [2, 2, 0, 0, 1, 1]);
        let share = table.column("share_of_docs").unwrap().f64().unwrap();
        assert_eq!(
            (share.get(0), share.get(1), share.get(2)),
            (Some(0.5), Some(1.0), None)
        );
        let low_n: Vec<_> = table
            .column("low_n")
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .map(Option::unwrap)
            .collect();
        assert!(
            low_n.iter().all(|&l| l),
            "every month has fewer than 5 documents"
        );
    }

    #[test]
    fn rows_are_the_table_typed() {
        let docs = sample();
        let periods =
            resolve_periods(&PeriodSpec::Calendar(Granularity::Month), &docs, None, None).unwrap();
        let table = trends_table(&docs, &TrendsConfig::new(periods, None, themes())).unwrap();
        let rows = trend_rows(&table).unwrap();
        assert_eq!(rows.len(), table.height());
        let matches: Vec<u64> = rows.iter().map(|r| r.n_matches).collect();
        assert_eq!(matches, u64s(&table, "n_matches"));
        let january_blame = &rows[1];
        assert_eq!(
            (
                january_blame.period.as_str(),
                january_blame.theme.as_str(),
                january_blame.group.as_str()
            ),
            ("2017-01", "blame", ALL_GROUP)
        );
        assert_eq!(
            (january_blame.period_start, january_blame.period_end),
            (d("2017-01-01"), d("2017-01-31"))
        );
        assert_eq!(january_blame.rate_per_10k_words, Some(15.0));
        assert_eq!(
            (rows[2].rate_per_10k_words, rows[2].share_of_docs),
            (None, None)
        );
        assert!(rows.iter().all(|r| r.low_n));
        assert!(
            trend_rows(&DataFrame::empty()).is_err(),
            "not a trend table"
        );
    }

    #[test]
    fn bounds_extend_the_periods() {
        let docs = sample();
        let periods = resolve_periods(
            &PeriodSpec::Calendar(Granularity::Quarter),
            &docs,
            Some(d("2016-12-01")),
            Some(d("2017-12-31")),
        )
        .unwrap();
        let names: Vec<_> = periods.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["2016-Q4", "2017-Q1", "2017-Q2", "2017-Q3", "2017-Q4"]
        );
    }

    #[test]
    fn matches_in_one_document_widen_the_rate_interval() {
        // 12 documents of 1,000 words in one month; blame 5 times in one, once in two more.
        let mut docs: Vec<DocThemeMatches> = (0..12)
            .map(|i| doc(&format!("d{i}"), "2017-05-10", "Putin", &[]))
            .collect();
        docs[0].matches = doc("x", "2017-05-10", "Putin", &[("blame", 1); 5]).matches;
        docs[1].matches = doc("x", "2017-05-10", "Putin", &[("blame", 1)]).matches;
        docs[2].matches = doc("x", "2017-05-10", "Putin", &[("blame", 0)]).matches;
        let periods = parse_named_periods("may=2017-05-01..2017-05-31").unwrap();
        let mut config = TrendsConfig::new(periods, None, themes());
        let table = trends_table(&docs, &config).unwrap();
        let f = |table: &DataFrame, name: &str| {
            table.column(name).unwrap().f64().unwrap().get(1).unwrap()
        };
        assert_eq!(u64s(&table, "n_clusters"), [12, 12]);
        assert!(f(&table, "dispersion") > 3.0);
        assert!(f(&table, "rate_ci_high") > 1.5 * f(&table, "rate_ci_high_poisson"));
        // Speaker turns as the unit: each document has two turns (question, answer); the
        // five matches of document 0 are still in one turn.
        config.cluster = ClusterUnit::Turn;
        let turns = trends_table(&docs, &config).unwrap();
        assert_eq!(u64s(&turns, "n_clusters"), [24, 24]);
        assert!(f(&turns, "dispersion") > 3.0);
        assert_eq!(u64s(&turns, "n_matches"), u64s(&table, "n_matches"));
        assert_eq!(u64s(&turns, "n_words"), u64s(&table, "n_words"));
    }

    #[test]
    fn turn_speaker_groups_use_their_paragraph_words() {
        let docs = sample();
        let periods = parse_named_periods("all=2017-01-01..2017-12-31").unwrap();
        let config = TrendsConfig::new(periods, Some(GroupBy::TurnSpeaker), themes());
        let table = trends_table(&docs, &config).unwrap();
        assert_eq!(
            strs(&table, "group"),
            ["Lavrov", "Lavrov", "Putin", "Putin", "Question", "Question"]
        );
        assert_eq!(u64s(&table, "n_words"), [800, 800, 1_600, 1_600, 600, 600]);
        assert_eq!(u64s(&table, "n_docs"), [1, 1, 2, 2, 3, 3]);
        assert_eq!(u64s(&table, "n_paragraphs"), [1, 1, 2, 2, 3, 3]);
        assert_eq!(u64s(&table, "n_matches"), [0, 1, 0, 2, 1, 0]);
        assert_eq!(u64s(&table, "n_paragraphs_matched"), [0, 1, 0, 1, 1, 0]);
    }

    #[test]
    fn named_periods_drop_documents_outside_them() {
        let docs = sample();
        let periods = parse_named_periods("jan=2017-01-01..2017-01-15").unwrap();
        let config = TrendsConfig::new(periods, Some(GroupBy::Speaker), themes());
        let table = trends_table(&docs, &config).unwrap();
        assert_eq!(strs(&table, "group"), ["Putin", "Putin"]);
        assert_eq!(u64s(&table, "n_matches"), [1, 2]);
    }

    #[test]
    fn no_documents_and_no_bounds_give_an_empty_table() {
        let periods =
            resolve_periods(&PeriodSpec::Calendar(Granularity::Month), &[], None, None).unwrap();
        let table = trends_table(&[], &TrendsConfig::new(periods, None, themes())).unwrap();
        assert_eq!(table.height(), 0);
        assert_eq!(table.width(), TREND_COLUMNS.len());
    }

    #[test]
    fn unlisted_themes_are_appended() {
        let mut docs = sample();
        docs[2].matches.push(ThemeMatch {
            theme: "aardvark".into(),
            para: 0,
            sentence: 0,
            start: 0,
            end: 1,
            rule: "a".into(),
        });
        assert_eq!(
            theme_order(&themes(), &docs),
            ["freeze", "blame", "aardvark"]
        );
    }

    #[test]
    fn wide_has_one_row_per_period_and_two_columns_per_theme() {
        let docs = sample();
        let periods =
            resolve_periods(&PeriodSpec::Calendar(Granularity::Month), &docs, None, None).unwrap();
        let long = trends_table(&docs, &TrendsConfig::new(periods, None, themes())).unwrap();
        let wide = widen(&long, &themes()).unwrap();
        let names: Vec<_> = wide
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(
            names,
            [
                "period",
                "period_start",
                "period_end",
                "group",
                "n_docs",
                "n_words",
                "low_n",
                "freeze_n",
                "freeze_rate",
                "blame_n",
                "blame_rate"
            ]
        );
        assert_eq!(strs(&wide, "period"), ["2017-01", "2017-02", "2017-03"]);
        assert_eq!(u64s(&wide, "blame_n"), [3, 0, 0]);
        // Corrected rates (a validation) get a column per theme too.
        let mut corrected = long.clone();
        let doubled = long.column("rate_per_10k_words").unwrap().f64().unwrap() * 2.0;
        corrected
            .with_column(Column::from(
                doubled.with_name("rate_corrected".into()).into_series(),
            ))
            .unwrap();
        let wide = widen(&corrected, &themes()).unwrap();
        let rates: Vec<Option<f64>> = wide
            .column("blame_rate")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        let fixed: Vec<Option<f64>> = wide
            .column("blame_rate_corrected")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(
            rates.iter().map(|r| r.map(|r| r * 2.0)).collect::<Vec<_>>(),
            fixed
        );
        assert!(wide.column("freeze_rate_corrected").is_ok());
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        /// Random documents of 2017 with up to 4 paragraphs (2 speakers) and random matches
        /// of three themes, some in paragraphs the structure does not cover.
        fn arb_docs() -> impl Strategy<Value = Vec<DocThemeMatches>> {
            let one = (
                0u32..365,
                0usize..3,
                prop::collection::vec((0usize..3, 0usize..6), 0..6),
                prop::collection::vec(0u64..300, 0..4),
            );
            prop::collection::vec(one, 0..25).prop_map(|docs| {
                docs.into_iter()
                    .enumerate()
                    .map(|(i, (day, speaker, hits, words))| {
                        let date = d("2017-01-01") + chrono::Duration::days(day as i64);
                        let speakers = ["Putin", "Lavrov", ""];
                        let paragraphs: Vec<ParagraphTurn> = words
                            .iter()
                            .enumerate()
                            .map(|(p, &n_words)| ParagraphTurn {
                                speaker: (p % 2 == 1).then(|| speakers[speaker].to_string()),
                                role: if p % 2 == 1 {
                                    Role::Official
                                } else {
                                    Role::Journalist
                                },
                                n_words,
                            })
                            .collect();
                        let themes = ["a", "b", "c"];
                        DocThemeMatches {
                            doc: DocSummary {
                                kept: None,
                                id: format!("d{i}"),
                                date,
                                speaker: speakers[speaker].into(),
                                source: "s".into(),
                                kind: Kind::News,
                                lang: Lang::En,
                                n_words: words.iter().sum(),
                                n_paragraphs: words.len() as u64,
                                paragraphs,
                            },
                            matches: hits
                                .into_iter()
                                .map(|(theme, para)| ThemeMatch {
                                    theme: themes[theme].into(),
                                    para,
                                    sentence: 0,
                                    start: 0,
                                    end: 1,
                                    rule: "r".into(),
                                })
                                .collect(),
                        }
                    })
                    .collect()
            })
        }

        fn total(table: &DataFrame, name: &str) -> u64 {
            u64s(table, name).iter().sum()
        }

        proptest! {
            #[test]
            fn bucket_totals_equal_the_number_of_matches(
                docs in arb_docs(),
                by in prop::sample::select(vec![
                    Granularity::Day, Granularity::Week, Granularity::Month,
                    Granularity::Quarter, Granularity::Year,
                ]),
                group in prop::sample::select(vec![
                    None, Some(GroupBy::Speaker), Some(GroupBy::TurnSpeaker), Some(GroupBy::Role),
                ]),
            ) {
                let matches: usize = docs.iter().map(|d| d.matches.len()).sum();
                let words: u64 = docs.iter().map(|d| d.doc.n_words).sum();
                let periods = resolve_periods(&PeriodSpec::Calendar(by), &docs, None, None).unwrap();
                let config = TrendsConfig::new(periods, group, vec!["a".into(), "b".into()]);
                let table = trends_table(&docs, &config).unwrap();
                prop_assert_eq!(total(&table, "n_matches"), matches as u64);
                // Denominators repeat once per theme (a, b and the appended c).
                let themes = if docs.iter().any(|d| d.matches.iter().any(|m| &*m.theme == "c")) { 3 } else { 2 };
                prop_assert_eq!(total(&table, "n_words"), words * themes);
            }

            #[test]
            fn kept_paragraphs_alone_are_counted_under_every_grouping(
                docs in arb_docs(),
                seed in any::<u64>(),
                group in prop::sample::select(vec![
                    None, Some(GroupBy::Speaker), Some(GroupBy::TurnSpeaker), Some(GroupBy::Role),
                ]),
                cluster in prop::sample::select(vec![ClusterUnit::Document, ClusterUnit::Turn]),
            ) {
                // What counting does under a paragraph filter: keep some paragraphs, drop the
                // matches elsewhere and the documents left without a kept paragraph.
                let mut kept_docs = Vec::new();
                let (mut words, mut matches) = (0u64, 0usize);
                for (i, mut doc) in docs.into_iter().enumerate() {
                    let n = doc.doc.paragraphs.len();
                    let kept: Vec<bool> = (0..n).map(|p| (seed >> ((i * 4 + p) % 64)) & 1 == 1).collect();
                    if !kept.contains(&true) {
                        continue;
                    }
                    doc.matches.retain(|m| kept.get(m.para).copied().unwrap_or(false));
                    doc.doc.keep_paragraphs(kept);
                    words += doc.doc.n_words;
                    matches += doc.matches.len();
                    kept_docs.push(doc);
                }
                let periods = resolve_periods(&PeriodSpec::Calendar(Granularity::Month), &kept_docs, None, None).unwrap();
                let mut config = TrendsConfig::new(periods, group, vec!["a".into(), "b".into(), "c".into()]);
                config.cluster = cluster;
                let table = trends_table(&kept_docs, &config).unwrap();
                prop_assert_eq!(total(&table, "n_matches"), matches as u64);
                prop_assert_eq!(total(&table, "n_words"), words * 3);
            }

            #[test]
            fn named_periods_count_only_what_they_cover(docs in arb_docs(), cut in 1u32..364) {
                let cut = d("2017-01-01") + chrono::Duration::days(cut as i64);
                let first = Period { name: "first".into(), start: d("2017-01-01"), end: cut - chrono::Duration::days(1) };
                let second = Period { name: "second".into(), start: cut, end: d("2017-12-31") };
                let config = TrendsConfig::new(vec![first, second], None, vec!["a".into(), "b".into(), "c".into()]);
                let table = trends_table(&docs, &config).unwrap();
                let counts = u64s(&table, "n_matches");
                let before: usize = docs.iter().filter(|d| d.doc.date < cut).map(|d| d.matches.len()).sum();
                prop_assert_eq!(counts[..3].iter().sum::<u64>(), before as u64);
                let all: usize = docs.iter().map(|d| d.matches.len()).sum();
                prop_assert_eq!(counts.iter().sum::<u64>(), all as u64);
            }
        }
    }
}
