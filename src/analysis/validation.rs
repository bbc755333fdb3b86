//! Measured error of a theme set, and rates corrected for it.
//!
//! Contract (method and assumptions in `docs/statistics.md`):
//!
//! - **Labels** are hand-coded paragraphs: a filled-in `themes sample` file (CSV with one
//!   1/0 column per theme, or JSON Lines with a `themes` list), or any gold file in the
//!   `../shared/gold` format. Each carries a design weight (the inverse of its inclusion
//!   probability: the `weight` column, or the design file of a blind sample) or, without
//!   one, weight 1 (the labels are then taken as a simple random sample of the paragraphs
//!   they describe). A paragraph not in the index, a theme id not in the theme set, or a
//!   label that is not 1/0 is an error naming FILE:LINE.
//! - **Predictions** are recomputed from the index: a paragraph is predicted for a theme
//!   when at least one match of the theme falls in it.
//! - **Estimates** per theme are design-weighted (Horvitz–Thompson ratio estimators):
//!   precision `Σw·p·g / Σw·p`, recall `Σw·p·g / Σw·g`, prevalence `Σw·g / Σw`. Their
//!   intervals are Wilson intervals on the Kish effective sample size `(Σw)²/Σw²` of the
//!   paragraphs each is a share of (Korn & Graubard's approach). F1's interval maps the
//!   corners of the precision and recall intervals at `1 - α/2` each (Bonferroni): F1 grows
//!   with both, so it holds at least the nominal confidence.
//! - **Correction.** The true number of positive paragraphs over the predicted number is
//!   `c = precision / recall = Σw·g / Σw·p`; its standard error on the log scale comes from
//!   the linearised (stratified) variance of the two weighted totals. A corrected rate is
//!   `rate × c`; on the log scale each side of its interval is the clustered interval's
//!   side (see [`super::cluster`]) and the correction's `z·se` added in quadrature, so it
//!   always holds the clustered interval times `c`. Assumptions: the error rates are the same in every
//!   period and group compared (a sample stratified only by prediction cannot show
//!   otherwise), and a missed paragraph holds as many matches as a found one.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use polars::prelude::{Column, DataFrame};

use super::AnalysisError;
use super::cluster;
use super::compare::{ComparisonTable, SideCounts};
use super::stats::{self, Interval, RateRatio};
use crate::text::json_line::json_line_reason;
use crate::text::toml_error::line_of;
use crate::themes::DocThemeMatches;
use crate::themes::sample::{DESIGN_COLUMNS, SAMPLE_COLUMNS};

/// One hand-coded paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// Document id.
    pub doc_id: String,
    /// 0-based paragraph.
    pub para: usize,
    /// Theme ids the coder gave it.
    pub themes: BTreeSet<String>,
    /// Design weight (1 without a design).
    pub weight: f64,
    /// Stratum (empty without a design).
    pub stratum: String,
    /// 1-based line in the label file.
    pub line: usize,
}

/// Columns of gold files that are neither sample columns nor theme ids.
const GOLD_COLUMNS: &[&str] = &["note", "speaker_role"];

/// Whether a column of a label file is metadata rather than a theme id.
fn is_metadata(column: &str) -> bool {
    [SAMPLE_COLUMNS, DESIGN_COLUMNS, GOLD_COLUMNS]
        .iter()
        .any(|columns| columns.contains(&column))
}

fn labels_error(path: &Path, line: Option<usize>, reason: impl Into<String>) -> AnalysisError {
    AnalysisError::Labels {
        path: path.to_path_buf(),
        line,
        reason: reason.into(),
    }
}

fn parse_flag(value: &str) -> Option<Option<bool>> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" => Some(None),
        "1" | "yes" | "y" | "true" | "x" => Some(Some(true)),
        "0" | "no" | "n" | "false" => Some(Some(false)),
        _ => None,
    }
}

fn parse_weight(path: &Path, line: usize, value: &str) -> Result<f64, AnalysisError> {
    match value.trim().parse::<f64>() {
        Ok(w) if w.is_finite() && w > 0.0 => Ok(w),
        _ => Err(labels_error(
            path,
            Some(line),
            format!("weight: `{value}` is not a positive number"),
        )),
    }
}

/// Labels read from a file, with how many rows were left uncoded.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelFile {
    /// The coded paragraphs.
    pub labels: Vec<Label>,
    /// Rows with no label at all (every theme cell empty, or `"themes": null`), skipped.
    pub uncoded: usize,
    /// Whether the labels carry design weights.
    pub weighted: bool,
    /// The themes a CSV file has a column for (`None`: every theme, as a JSON Lines
    /// file's `themes` lists codes them all). A theme without a column was not coded:
    /// [`validate`] leaves it out rather than read every row as "no".
    pub columns: Option<Vec<String>>,
}

impl LabelFile {
    /// Whether the file codes `theme`.
    pub fn codes(&self, theme: &str) -> bool {
        self.columns
            .as_ref()
            .is_none_or(|columns| columns.iter().any(|c| c == theme))
    }
}

/// Reads hand-coded labels: CSV (a filled-in sample) or JSON Lines (a filled-in sample or
/// a gold file), by extension; `themes` are the valid theme ids. `design` (the design file
/// of a blind sample) supplies weights and strata by (doc_id, para).
pub fn read_labels(
    path: &Path,
    themes: &[String],
    design: Option<&Path>,
) -> Result<LabelFile, AnalysisError> {
    let jsonl = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson" | "json")
    );
    let mut file = if jsonl {
        read_jsonl(path, themes)?
    } else {
        read_csv(path, themes)?
    };
    if let Some(design) = design {
        let weights = read_design(design)?;
        for label in &mut file.labels {
            let Some((stratum, weight)) = weights.get(&(label.doc_id.clone(), label.para)) else {
                return Err(labels_error(
                    path,
                    Some(label.line),
                    format!(
                        "{}:{}: not in the design file {}",
                        label.doc_id,
                        label.para,
                        design.display()
                    ),
                ));
            };
            label.stratum = stratum.clone();
            label.weight = *weight;
        }
        file.weighted = true;
    }
    Ok(file)
}

fn unknown_theme(path: &Path, line: usize, theme: &str, themes: &[String]) -> AnalysisError {
    labels_error(
        path,
        Some(line),
        format!("unknown theme id `{theme}` (themes: {})", themes.join(", ")),
    )
}

fn read_csv(path: &Path, themes: &[String]) -> Result<LabelFile, AnalysisError> {
    // Read whole (a labels file is a sample of paragraphs) so that lines are counted from
    // the bytes: the CSV reader's own count runs one low per `\r\n` line end.
    let bytes = std::fs::read(path).map_err(|e| labels_error(path, None, e.to_string()))?;
    let mut lines = LineCount::new(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(&bytes[..]);
    let header = reader
        .headers()
        .map_err(|e| labels_error(path, Some(1), e.to_string()))?
        .clone();
    let position = |name: &str| header.iter().position(|h| h.trim() == name);
    let doc_id =
        position("doc_id").ok_or_else(|| labels_error(path, Some(1), "no `doc_id` column"))?;
    let para = position("para").ok_or_else(|| labels_error(path, Some(1), "no `para` column"))?;
    let weight = position("weight");
    let stratum = position("stratum");
    let mut theme_columns = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        if is_metadata(name) {
            continue;
        }
        if !themes.iter().any(|t| t == name) {
            return Err(unknown_theme(path, 1, name, themes));
        }
        theme_columns.push((i, name.to_string()));
    }
    if theme_columns.is_empty() {
        return Err(labels_error(
            path,
            Some(1),
            "no theme column to read labels from",
        ));
    }
    let mut out = LabelFile {
        labels: Vec::new(),
        uncoded: 0,
        weighted: weight.is_some(),
        columns: Some(theme_columns.iter().map(|(_, t)| t.clone()).collect()),
    };
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| lines.at(p.byte()));
            labels_error(path, line, e.to_string())
        })?;
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        let cell = |i: usize| record.get(i).unwrap_or_default();
        let para_value = cell(para);
        let para: usize = para_value.trim().parse().map_err(|_| {
            labels_error(
                path,
                Some(line),
                format!("para: `{para_value}` is not a paragraph number"),
            )
        })?;
        let mut coded = false;
        let mut labelled = BTreeSet::new();
        for (i, theme) in &theme_columns {
            match parse_flag(cell(*i)) {
                Some(None) => {}
                Some(Some(flag)) => {
                    coded = true;
                    if flag {
                        labelled.insert(theme.clone());
                    }
                }
                None => {
                    return Err(labels_error(
                        path,
                        Some(line),
                        format!("{theme}: `{}` is not 1 or 0", cell(*i)),
                    ));
                }
            }
        }
        if !coded {
            out.uncoded += 1;
            continue;
        }
        out.labels.push(Label {
            doc_id: cell(doc_id).trim().to_string(),
            para,
            themes: labelled,
            weight: match weight {
                Some(i) => parse_weight(path, line, cell(i))?,
                None => 1.0,
            },
            stratum: stratum.map(|i| cell(i).to_string()).unwrap_or_default(),
            line,
        });
    }
    Ok(out)
}

/// The lines of records in a CSV text, counted forward from its bytes.
struct LineCount<'a> {
    bytes: &'a [u8],
    /// Bytes counted so far, and the line feeds among them.
    counted: usize,
    feeds: usize,
}

impl<'a> LineCount<'a> {
    fn new(bytes: &'a [u8]) -> LineCount<'a> {
        LineCount {
            bytes,
            counted: 0,
            feeds: 0,
        }
    }

    /// The 1-based line of the record the CSV reader starts at byte `start` (at or after
    /// the last one asked): the line of its first byte that is not a line end.
    fn at(&mut self, start: u64) -> usize {
        let start = usize::try_from(start).map_or(self.bytes.len(), |s| s.min(self.bytes.len()));
        let rest = &self.bytes[start..];
        let first = start
            + rest
                .iter()
                .take_while(|&&b| matches!(b, b'\r' | b'\n'))
                .count();
        if first > self.counted {
            self.feeds += memchr::memchr_iter(b'\n', &self.bytes[self.counted..first]).count();
            self.counted = first;
        }
        self.feeds + 1
    }
}

#[derive(Deserialize)]
struct JsonLabel {
    doc_id: String,
    para: usize,
    themes: Option<Vec<String>>,
    weight: Option<f64>,
    #[serde(default)]
    stratum: String,
}

fn read_jsonl(path: &Path, themes: &[String]) -> Result<LabelFile, AnalysisError> {
    let file = std::fs::File::open(path).map_err(|e| labels_error(path, None, e.to_string()))?;
    let mut out = LabelFile {
        labels: Vec::new(),
        uncoded: 0,
        weighted: false,
        columns: None,
    };
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let number = i + 1;
        let line = line.map_err(|e| labels_error(path, Some(number), e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        let record: JsonLabel = serde_json::from_str(&line)
            .map_err(|e| labels_error(path, Some(number), json_line_reason(&e)))?;
        let Some(labelled) = record.themes else {
            out.uncoded += 1;
            continue;
        };
        for theme in &labelled {
            if !themes.contains(theme) {
                return Err(unknown_theme(path, number, theme, themes));
            }
        }
        let weight = match record.weight {
            Some(w) => {
                out.weighted = true;
                parse_weight(path, number, &w.to_string())?
            }
            None => 1.0,
        };
        out.labels.push(Label {
            doc_id: record.doc_id,
            para: record.para,
            themes: labelled.into_iter().collect(),
            weight,
            stratum: record.stratum,
            line: number,
        });
    }
    Ok(out)
}

/// Stratum and weight by (doc_id, para).
type Design = HashMap<(String, usize), (String, f64)>;

fn read_design(path: &Path) -> Result<Design, AnalysisError> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| labels_error(path, None, e.to_string()))?;
    let mut out = HashMap::new();
    #[derive(Deserialize)]
    struct Row {
        doc_id: String,
        para: usize,
        stratum: String,
        weight: f64,
    }
    let headers = reader
        .headers()
        .map_err(|e| labels_error(path, Some(1), e.to_string()))?
        .clone();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize);
            labels_error(path, line, e.to_string())
        })?;
        let line = record.position().map(|p| p.line() as usize);
        let row: Row = record
            .deserialize(Some(&headers))
            .map_err(|e| labels_error(path, line, e.to_string()))?;
        if !(row.weight.is_finite() && row.weight > 0.0) {
            return Err(labels_error(
                path,
                line,
                format!("weight: `{}` is not a positive number", row.weight),
            ));
        }
        out.insert((row.doc_id, row.para), (row.stratum, row.weight));
    }
    Ok(out)
}

/// An estimate with its interval (all `None` when it is undefined, e.g. recall of a theme
/// no labelled paragraph carries).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Estimate {
    /// The point estimate.
    pub estimate: Option<f64>,
    /// Lower bound.
    pub low: Option<f64>,
    /// Upper bound.
    pub high: Option<f64>,
}

impl Estimate {
    fn new(estimate: f64, interval: Option<Interval>) -> Estimate {
        Estimate {
            estimate: Some(estimate),
            low: interval.map(|i| i.low),
            high: interval.map(|i| i.high),
        }
    }
}

/// The factor that turns predicted counts into estimated true counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    /// `precision / recall`.
    pub factor: f64,
    /// Standard error of `ln factor`.
    pub se_log: f64,
}

/// The measured error of one theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeValidation {
    /// Theme id.
    pub theme: String,
    /// Labelled paragraphs carrying the theme (unweighted).
    pub gold: usize,
    /// Labelled paragraphs where the theme is predicted (unweighted).
    pub predicted: usize,
    /// Both (unweighted).
    pub tp: usize,
    /// Design-weighted precision.
    pub precision: Estimate,
    /// Design-weighted recall.
    pub recall: Estimate,
    /// F1 of the two.
    pub f1: Estimate,
    /// Share of paragraphs carrying the theme.
    pub prevalence: Estimate,
    /// Correction of counts, when precision and recall are both defined and positive.
    pub correction: Option<Correction>,
}

/// A validation: what `themes validate` writes and `--validation` reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    /// The label file.
    pub labels: String,
    /// Labelled paragraphs used.
    pub paragraphs: usize,
    /// Whether design weights were used (otherwise every label weighs 1).
    pub weighted: bool,
    /// Confidence of the intervals.
    pub confidence: f64,
    /// One entry per theme of the theme set.
    pub themes: Vec<ThemeValidation>,
}

impl Validation {
    /// The entry of `theme`, if validated.
    pub fn theme(&self, theme: &str) -> Option<&ThemeValidation> {
        self.themes.iter().find(|t| t.theme == theme)
    }

    /// Reads a validation file and checks that its figures can be used to correct counts
    /// (see [`Validation::check`]).
    pub fn read(path: &Path) -> Result<Validation, AnalysisError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| labels_error(path, None, e.to_string()))?;
        let validation: Validation = serde_json::from_str(&text)
            .map_err(|e| labels_error(path, Some(e.line()), e.to_string()))?;
        validation.check().map_err(|(theme, reason)| {
            // The line of the theme's entry, found by its id as the file writes it.
            let line = theme.and_then(|id| {
                let at = text.find(&format!("\"theme\": {}", serde_json::json!(id)))?;
                Some(line_of(&text, at))
            });
            labels_error(path, line, reason)
        })?;
        Ok(validation)
    }

    /// Checks what a hand-edited file could get wrong: a confidence within (0, 1), one
    /// entry per theme, counts with `tp <= gold` and `tp <= predicted`, shares within
    /// [0, 1], and a correction factor that is a positive number with a finite,
    /// non-negative standard error. The error names the theme (when an entry is at fault)
    /// and the field.
    pub fn check(&self) -> Result<(), (Option<&str>, String)> {
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err((
                None,
                format!("confidence: {} is not within (0, 1)", self.confidence),
            ));
        }
        for (i, entry) in self.themes.iter().enumerate() {
            let id = entry.theme.as_str();
            let fail = |reason: String| Err((Some(id), format!("themes[{i}] (`{id}`).{reason}")));
            if self.themes[..i].iter().any(|t| t.theme == entry.theme) {
                return fail("theme: a second entry for this theme".into());
            }
            if entry.tp > entry.gold || entry.tp > entry.predicted {
                return fail(format!(
                    "tp: {} is more than gold ({}) or predicted ({})",
                    entry.tp, entry.gold, entry.predicted
                ));
            }
            let shares = [
                ("precision", &entry.precision),
                ("recall", &entry.recall),
                ("f1", &entry.f1),
                ("prevalence", &entry.prevalence),
            ];
            for (name, estimate) in shares {
                let values = [
                    ("estimate", estimate.estimate),
                    ("low", estimate.low),
                    ("high", estimate.high),
                ];
                for (part, value) in values {
                    if let Some(v) = value.filter(|v| !(0.0..=1.0).contains(v)) {
                        return fail(format!("{name}.{part}: {v} is not a share within [0, 1]"));
                    }
                }
            }
            if let Some(c) = entry.correction {
                if !(c.factor.is_finite() && c.factor > 0.0) {
                    return fail(format!(
                        "correction.factor: {} is not a positive number",
                        c.factor
                    ));
                }
                if !(c.se_log.is_finite() && c.se_log >= 0.0) {
                    return fail(format!(
                        "correction.se_log: {} is not a finite number >= 0",
                        c.se_log
                    ));
                }
            }
        }
        Ok(())
    }

    /// The validation as pretty JSON, the text of a validation file.
    pub fn to_json(&self) -> String {
        // A struct of strings, numbers and options always serializes.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

/// Weighted share of `rows` (weight, success) with its Wilson interval on the Kish
/// effective sample size.
fn weighted_share(rows: &[(f64, bool)], confidence: f64) -> Estimate {
    let sum_w: f64 = rows.iter().map(|r| r.0).sum();
    if sum_w <= 0.0 {
        return Estimate::default();
    }
    let sum_w2: f64 = rows.iter().map(|r| r.0 * r.0).sum();
    // A fold from +0.0: an empty f64 sum is -0.0.
    let p = rows
        .iter()
        .filter(|r| r.1)
        .fold(0.0, |total, r| total + r.0)
        / sum_w;
    let n_eff = sum_w * sum_w / sum_w2;
    Estimate::new(p, stats::wilson_share_interval(p, n_eff, confidence))
}

fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall <= 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

/// One labelled paragraph as one theme sees it.
struct Row<'a> {
    weight: f64,
    predicted: bool,
    gold: bool,
    stratum: &'a str,
}

/// A selection of rows.
type Keep = dyn Fn(&Row<'_>) -> bool;

/// Standard error of `ln(Σw·g / Σw·p)` by linearisation within strata.
fn correction_se_log(rows: &[Row<'_>], gold: f64, predicted: f64) -> f64 {
    let mut strata: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for r in rows {
        let indicator = |b: bool| if b { 1.0 } else { 0.0 };
        let u = r.weight * (indicator(r.gold) / gold - indicator(r.predicted) / predicted);
        strata.entry(r.stratum).or_default().push(u);
    }
    let variance: f64 = strata
        .values()
        .filter(|u| u.len() > 1)
        .map(|u| {
            let n = u.len() as f64;
            let mean = u.iter().sum::<f64>() / n;
            n / (n - 1.0) * u.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
        })
        .sum();
    variance.sqrt()
}

/// Scores `labels` against the predictions in `docs` (counted over the whole index) for
/// `themes`; `path` names the label file in errors.
pub fn validate(
    path: &Path,
    file: &LabelFile,
    themes: &[String],
    docs: &[DocThemeMatches],
    confidence: f64,
) -> Result<Validation, AnalysisError> {
    let paragraphs_of: HashMap<&str, u64> = docs
        .iter()
        .map(|d| (d.doc.id.as_str(), d.doc.n_paragraphs))
        .collect();
    let mut predicted: HashSet<(&str, usize, &str)> = HashSet::new();
    for doc in docs {
        for m in &doc.matches {
            predicted.insert((doc.doc.id.as_str(), m.para, &*m.theme));
        }
    }
    let mut seen = HashSet::new();
    for label in &file.labels {
        match paragraphs_of.get(label.doc_id.as_str()) {
            None => {
                return Err(labels_error(
                    path,
                    Some(label.line),
                    format!("doc_id: `{}` is not in the index", label.doc_id),
                ));
            }
            Some(&n) if label.para as u64 >= n => {
                return Err(labels_error(
                    path,
                    Some(label.line),
                    format!(
                        "para: {} is past the last paragraph of `{}` ({n} paragraphs)",
                        label.para, label.doc_id
                    ),
                ));
            }
            Some(_) => {}
        }
        if !seen.insert((label.doc_id.as_str(), label.para)) {
            return Err(labels_error(
                path,
                Some(label.line),
                format!("{}:{} is labelled twice", label.doc_id, label.para),
            ));
        }
    }
    let level = 1.0 - (1.0 - confidence) / 2.0;
    let all_paragraphs: u64 = docs.iter().map(|d| d.doc.n_paragraphs).sum();
    // The paragraphs no theme predicted (the `none` stratum of `themes sample`): the part
    // of every theme's unpredicted paragraphs that only a draw from them represents.
    let predicted_any: HashSet<(&str, usize)> = predicted.iter().map(|&(d, p, _)| (d, p)).collect();
    let none_unsampled = all_paragraphs > predicted_any.len() as u64
        && file
            .labels
            .iter()
            .all(|l| predicted_any.contains(&(l.doc_id.as_str(), l.para)));
    let results = themes
        .iter()
        .filter(|theme| file.codes(theme))
        .map(|theme| {
            // Recall, prevalence and the correction rest on the paragraphs the theme did not
            // predict; when the sample holds none of them while the index does (a sample
            // of predicted paragraphs only), they cannot be estimated.
            let predicted_here = predicted
                .iter()
                .filter(|(_, _, t)| *t == theme.as_str())
                .count() as u64;
            let rows: Vec<Row<'_>> = file
                .labels
                .iter()
                .map(|l| Row {
                    weight: l.weight,
                    predicted: predicted.contains(&(l.doc_id.as_str(), l.para, theme.as_str())),
                    gold: l.themes.contains(theme),
                    stratum: l.stratum.as_str(),
                })
                .collect();
            let count = |keep: &Keep| rows.iter().filter(|r| keep(r)).count();
            let weighted =
                |keep: &Keep| -> f64 { rows.iter().filter(|r| keep(r)).map(|r| r.weight).sum() };
            let over = |keep: &Keep, success: &Keep, confidence: f64| {
                let pairs: Vec<(f64, bool)> = rows
                    .iter()
                    .filter(|r| keep(r))
                    .map(|r| (r.weight, success(r)))
                    .collect();
                weighted_share(&pairs, confidence)
            };
            let (is_predicted, is_gold): (&Keep, &Keep) = (&|r| r.predicted, &|r| r.gold);
            let unsampled = none_unsampled
                || (all_paragraphs > predicted_here && count(&|r| !r.predicted) == 0);
            let precision = over(is_predicted, is_gold, confidence);
            let (recall, prevalence) = if unsampled {
                (Estimate::default(), Estimate::default())
            } else {
                (
                    over(is_gold, is_predicted, confidence),
                    over(&|_| true, is_gold, confidence),
                )
            };
            let f1 = match (precision.estimate, recall.estimate) {
                (Some(p), Some(r)) => {
                    let pw = over(is_predicted, is_gold, level);
                    let rw = over(is_gold, is_predicted, level);
                    Estimate {
                        estimate: Some(f1(p, r)),
                        low: pw.low.zip(rw.low).map(|(p, r)| f1(p, r)),
                        high: pw.high.zip(rw.high).map(|(p, r)| f1(p, r)),
                    }
                }
                _ => Estimate::default(),
            };
            let both: &Keep = &|r| r.predicted && r.gold;
            let (gold_w, predicted_w, tp_w) =
                (weighted(is_gold), weighted(is_predicted), weighted(both));
            let correction = (tp_w > 0.0 && !unsampled).then(|| Correction {
                factor: gold_w / predicted_w,
                se_log: correction_se_log(&rows, gold_w, predicted_w),
            });
            ThemeValidation {
                theme: theme.clone(),
                gold: count(is_gold),
                predicted: count(is_predicted),
                tp: count(both),
                precision,
                recall,
                f1,
                prevalence,
                correction,
            }
        })
        .collect();
    Ok(Validation {
        labels: path.display().to_string(),
        paragraphs: file.labels.len(),
        weighted: file.weighted,
        confidence,
        themes: results,
    })
}

/// A rate corrected for measured error, with its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CorrectedRate {
    /// `rate × correction factor`, per 10,000 words.
    pub rate: f64,
    /// Its interval (clustered count error and validation error combined).
    pub interval: Interval,
}

/// The rate per 10k words of `count` matches in `words` words (dispersion `dispersion`)
/// corrected by `correction`; `None` without words.
pub fn corrected_rate(
    count: u64,
    words: u64,
    dispersion: f64,
    correction: &Correction,
    confidence: f64,
) -> Option<CorrectedRate> {
    let rate = stats::rate_per_10k(count, words)?;
    let clustered = cluster::clustered_rate_interval_per_10k(count, words, dispersion, confidence)?;
    // The correction's own half-width on the log scale.
    let margin = stats::z_value(confidence) * correction.se_log;
    let c = correction.factor;
    if count == 0 {
        return Some(CorrectedRate {
            rate: 0.0,
            interval: Interval {
                low: 0.0,
                high: clustered.high * c * margin.exp(),
            },
        });
    }
    // Each side of the clustered interval (asymmetric on the log scale) and the
    // correction's margin add in quadrature.
    let widen = |bound: f64| {
        let count_side = (bound / rate).ln().abs();
        (count_side * count_side + margin * margin).sqrt()
    };
    let corrected = rate * c;
    Some(CorrectedRate {
        rate: corrected,
        interval: Interval {
            low: if clustered.low > 0.0 {
                corrected * (-widen(clustered.low)).exp()
            } else {
                0.0
            },
            high: corrected * widen(clustered.high).exp(),
        },
    })
}

/// The columns [`add_corrected_rates`] appends to a trend table.
pub const CORRECTED_TREND_COLUMNS: &[&str] = &[
    "rate_corrected",
    "rate_corrected_low",
    "rate_corrected_high",
];

/// `table` (a long trend table) with [`CORRECTED_TREND_COLUMNS`]: each row's rate
/// corrected by its theme's measured error (null for themes without a correction).
pub fn add_corrected_rates(
    table: &DataFrame,
    validation: &Validation,
    confidence: f64,
) -> Result<DataFrame, AnalysisError> {
    let themes = table.column("theme")?.str()?.clone();
    let matches = table.column("n_matches")?.u64()?.clone();
    let words = table.column("n_words")?.u64()?.clone();
    let dispersion = table.column("dispersion")?.f64()?.clone();
    let corrected: Vec<Option<CorrectedRate>> = (0..table.height())
        .map(|i| {
            let correction = validation.theme(themes.get(i)?)?.correction?;
            corrected_rate(
                matches.get(i).unwrap_or(0),
                words.get(i).unwrap_or(0),
                dispersion.get(i).unwrap_or(1.0),
                &correction,
                confidence,
            )
        })
        .collect();
    let column = |name: &str, get: &dyn Fn(&CorrectedRate) -> f64| {
        Column::new(
            name.into(),
            corrected
                .iter()
                .map(|c| c.as_ref().map(get))
                .collect::<Vec<Option<f64>>>(),
        )
    };
    let mut out = table.clone();
    out.hstack_mut(&[
        column(CORRECTED_TREND_COLUMNS[0], &|c| c.rate),
        column(CORRECTED_TREND_COLUMNS[1], &|c| c.interval.low),
        column(CORRECTED_TREND_COLUMNS[2], &|c| c.interval.high),
    ])?;
    Ok(out)
}

/// The corrected side rates and ratio of one compared theme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CorrectedComparison {
    /// Side A's corrected rate.
    pub a: Option<CorrectedRate>,
    /// Side B's corrected rate.
    pub b: Option<CorrectedRate>,
    /// The ratio of the corrected rates. With error rates equal on both sides (the
    /// assumption of the correction) the factor cancels: it is the clustered ratio, with
    /// its interval.
    pub ratio: Option<RateRatio>,
}

/// Adds the corrected rates and ratio to every row of `table` whose theme `validation`
/// corrects.
pub fn correct_comparison(table: &mut ComparisonTable, validation: &Validation, confidence: f64) {
    for row in &mut table.rows {
        let Some(correction) = validation.theme(&row.theme).and_then(|t| t.correction) else {
            continue;
        };
        let side = |s: &SideCounts| {
            corrected_rate(
                s.n_matches,
                s.n_words,
                s.dispersion,
                &correction,
                confidence,
            )
        };
        row.corrected = Some(CorrectedComparison {
            a: side(&row.a),
            b: side(&row.b),
            ratio: row.ratio,
        });
    }
}

/// The design file of a blind sample, when it sits beside `labels` as `LABELS.design.csv`
/// (the name `themes sample --blind` gives it).
pub fn find_design(labels: &Path) -> Option<PathBuf> {
    let mut name = labels.as_os_str().to_owned();
    name.push(".design.csv");
    let beside = PathBuf::from(name);
    beside.exists().then_some(beside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::themes::sample::fixtures::doc;

    fn themes() -> Vec<String> {
        vec!["a".into(), "b".into()]
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// A stratified sample: stratum `theme:a` (10 predicted paragraphs of 20, weight 2) and
    /// `none` (10 of 1,000, weight 100). 8 of the predicted ones are true; 1 of the
    /// unpredicted ones carries `a`.
    fn stratified() -> (Vec<DocThemeMatches>, LabelFile) {
        let hits: Vec<(&str, usize)> = (0..10).map(|p| ("a", p)).collect();
        let docs = vec![doc("d", 20, &hits)];
        let labels = (0..20)
            .map(|p| Label {
                doc_id: "d".into(),
                para: p,
                themes: if p < 8 || p == 10 {
                    ["a".to_string()].into()
                } else {
                    BTreeSet::new()
                },
                weight: if p < 10 { 2.0 } else { 100.0 },
                stratum: if p < 10 { "theme:a" } else { "none" }.into(),
                line: p + 2,
            })
            .collect();
        (
            docs,
            LabelFile {
                labels,
                uncoded: 0,
                weighted: true,
                columns: None,
            },
        )
    }

    #[test]
    fn design_weights_carry_the_misses_of_the_unpredicted_stratum() {
        let (docs, file) = stratified();
        let v = validate(Path::new("l.csv"), &file, &themes(), &docs, 0.95).unwrap();
        let a = v.theme("a").unwrap();
        assert_eq!((a.gold, a.predicted, a.tp), (9, 10, 8));
        // Precision 16/20 = 0.8 (one stratum, equal weights). Recall: 16 true found of
        // 16 + 100 estimated true paragraphs.
        assert!((a.precision.estimate.unwrap() - 0.8).abs() < 1e-12);
        assert!((a.recall.estimate.unwrap() - 16.0 / 116.0).abs() < 1e-12);
        // Unweighted, recall would look like 8/9.
        assert!(a.recall.estimate.unwrap() < 0.2);
        let c = a.correction.unwrap();
        assert!((c.factor - 116.0 / 20.0).abs() < 1e-12);
        assert!(c.se_log > 0.0);
        // The recall interval rests on a Kish effective n: (16 + 100)² / (8·4 + 100²).
        let n_eff = 116.0f64.powi(2) / (8.0 * 4.0 + 10_000.0);
        let wilson = stats::wilson_share_interval(16.0 / 116.0, n_eff, 0.95).unwrap();
        assert!((a.recall.low.unwrap() - wilson.low).abs() < 1e-12);
        let f1 = a.f1;
        assert!(
            f1.low.unwrap() <= f1.estimate.unwrap() && f1.estimate.unwrap() <= f1.high.unwrap()
        );
        let b = v.theme("b").unwrap();
        assert_eq!(b.precision.estimate, None);
        assert!(b.correction.is_none());
    }

    #[test]
    fn unknown_paragraphs_and_duplicates_are_errors_with_their_line() {
        let (docs, mut file) = stratified();
        file.labels[3].para = 25;
        let err = validate(Path::new("l.csv"), &file, &themes(), &docs, 0.95)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("l.csv:5: para: 25 is past"), "{err}");
        let (docs, mut file) = stratified();
        file.labels[0].doc_id = "zz".into();
        let err = validate(Path::new("l.csv"), &file, &themes(), &docs, 0.95)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("l.csv:2: doc_id: `zz`"), "{err}");
        let (docs, mut file) = stratified();
        file.labels[1].para = 0;
        let err = validate(Path::new("l.csv"), &file, &themes(), &docs, 0.95)
            .unwrap_err()
            .to_string();
        assert!(err.contains("l.csv:3: d:0 is labelled twice"), "{err}");
    }

    #[test]
    fn without_a_draw_from_the_unpredicted_paragraphs_recall_is_not_estimated() {
        let (docs, mut file) = stratified();
        file.labels.retain(|l| l.stratum != "none");
        let v = validate(Path::new("l.csv"), &file, &themes(), &docs, 0.95).unwrap();
        let a = v.theme("a").unwrap();
        assert!(a.precision.estimate.is_some());
        assert_eq!(
            (a.recall.estimate, a.prevalence.estimate, a.f1.estimate),
            (None, None, None)
        );
        assert!(a.correction.is_none());
    }

    #[test]
    fn a_theme_without_a_column_is_not_scored() {
        let (docs, mut file) = stratified();
        let all = validate(Path::new("l.csv"), &file, &themes(), &docs, 0.95).unwrap();
        assert!(all.theme("b").is_some());
        file.columns = Some(vec!["a".into()]);
        assert!(file.codes("a") && !file.codes("b"));
        let only_a = validate(Path::new("l.csv"), &file, &themes(), &docs, 0.95).unwrap();
        assert!(only_a.theme("a").is_some());
        assert!(only_a.theme("b").is_none(), "b has no column: not coded");
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "a.csv", "doc_id,para,a\nd,0,1\n");
        let read = read_labels(&path, &themes(), None).unwrap();
        assert_eq!(read.columns, Some(vec!["a".to_string()]));
    }

    #[test]
    fn csv_labels_read_flags_weights_and_skip_uncoded_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "s.csv",
            "doc_id,para,text,stratum,weight,a,b\nd,0,\"x, y\",theme:a,2,1,\nd,1,z,none,50,,\nd,2,w,none,50,0,yes\n",
        );
        let file = read_labels(&path, &themes(), None).unwrap();
        assert_eq!(file.uncoded, 1);
        assert!(file.weighted);
        let got: Vec<_> = file
            .labels
            .iter()
            .map(|l| {
                (
                    l.para,
                    l.themes.iter().cloned().collect::<Vec<_>>(),
                    l.weight,
                    l.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (0, vec!["a".to_string()], 2.0, 2),
                (2, vec!["b".to_string()], 50.0, 4)
            ]
        );
        let bad = write(dir.path(), "bad.csv", "doc_id,para,a\nd,0,1\nd,1,maybe\n");
        let err = read_labels(&bad, &themes(), None).unwrap_err().to_string();
        assert!(
            err.ends_with("bad.csv:3: a: `maybe` is not 1 or 0"),
            "{err}"
        );
        // Saved by a spreadsheet: `\r\n` line ends, a blank line.
        let crlf = "doc_id,para,a\r\nd,0,1\r\n\r\nd,1,maybe\r\n";
        let bad = write(dir.path(), "crlf.csv", crlf);
        let err = read_labels(&bad, &themes(), None).unwrap_err().to_string();
        assert!(
            err.ends_with("crlf.csv:4: a: `maybe` is not 1 or 0"),
            "{err}"
        );
        let unknown = write(dir.path(), "u.csv", "doc_id,para,a,zz\nd,0,1,0\n");
        let err = read_labels(&unknown, &themes(), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("u.csv:1: unknown theme id `zz`"), "{err}");
    }

    #[test]
    fn jsonl_labels_read_gold_files_and_blind_designs() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "g.jsonl",
            "{\"doc_id\": \"d\", \"para\": 0, \"themes\": [\"a\"], \"note\": \"\"}\n\n{\"doc_id\": \"d\", \"para\": 1, \"themes\": null}\n{\"doc_id\": \"d\", \"para\": 2, \"themes\": []}\n",
        );
        let file = read_labels(&path, &themes(), None).unwrap();
        assert_eq!(
            (file.labels.len(), file.uncoded, file.weighted),
            (2, 1, false)
        );
        assert_eq!(file.labels[1].line, 4);
        let design = write(
            dir.path(),
            "g.jsonl.design.csv",
            "doc_id,para,predicted,stratum,inclusion_prob,weight\nd,0,a,theme:a,0.5,2\nd,2,,none,0.1,10\n",
        );
        assert_eq!(find_design(&path), Some(design.clone()));
        let file = read_labels(&path, &themes(), Some(&design)).unwrap();
        assert!(file.weighted);
        assert_eq!(
            (file.labels[1].weight, file.labels[1].stratum.as_str()),
            (10.0, "none")
        );
        for bad in ["0", "-2", "NaN", "inf"] {
            std::fs::write(
                &design,
                format!("doc_id,para,predicted,stratum,inclusion_prob,weight\nd,0,a,theme:a,0.5,2\nd,2,,none,0.1,{bad}\n"),
            )
            .unwrap();
            let err = read_labels(&path, &themes(), Some(&design))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("g.jsonl.design.csv:3: weight: ")
                    && err.contains("is not a positive number"),
                "{err}"
            );
        }
        let unknown = write(
            dir.path(),
            "u.jsonl",
            "{\"doc_id\": \"d\", \"para\": 0, \"themes\": [\"zz\"]}\n",
        );
        let err = read_labels(&unknown, &themes(), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("u.jsonl:1: unknown theme id `zz`"), "{err}");
    }

    #[test]
    fn corrected_rates_scale_and_widen() {
        let correction = Correction {
            factor: 1.25,
            se_log: 0.1,
        };
        let c = corrected_rate(40, 100_000, 1.0, &correction, 0.95).unwrap();
        assert!((c.rate - 5.0).abs() < 1e-12);
        // Each side: the exact interval's log distance from the rate and z·0.1 in quadrature.
        let exact = stats::rate_interval_per_10k(40, 100_000, 0.95).unwrap();
        let z = stats::z_value(0.95);
        let side = |bound: f64| ((bound / 4.0).ln().powi(2) + (z * 0.1f64).powi(2)).sqrt();
        assert!((c.interval.low - 5.0 * (-side(exact.low)).exp()).abs() < 1e-12);
        assert!((c.interval.high - 5.0 * side(exact.high).exp()).abs() < 1e-12);
        // It holds the count's interval times the factor; with an exact correction it is it.
        assert!(c.interval.low < exact.low * 1.25 && c.interval.high > exact.high * 1.25);
        let exact_factor = Correction {
            factor: 1.25,
            se_log: 0.0,
        };
        let d = corrected_rate(40, 100_000, 1.0, &exact_factor, 0.95).unwrap();
        assert!((d.interval.high - exact.high * 1.25).abs() < 1e-9);
        // More dispersion, wider interval; no match: 0 with an upper bound.
        let wide = corrected_rate(40, 100_000, 4.0, &correction, 0.95).unwrap();
        assert!(wide.interval.high > c.interval.high);
        let zero = corrected_rate(0, 100_000, 1.0, &correction, 0.95).unwrap();
        assert_eq!((zero.rate, zero.interval.low), (0.0, 0.0));
        assert!(zero.interval.high > 0.0);
        assert!(corrected_rate(1, 0, 1.0, &correction, 0.95).is_none());
    }

    #[test]
    fn trend_tables_and_comparisons_gain_corrected_rates() {
        use crate::analysis::periods::parse_named_periods;
        use crate::analysis::{ClusterUnit, Comparison, TrendsConfig, compare, trends_table};
        let (docs, file) = stratified();
        let v = validate(Path::new("l.csv"), &file, &themes(), &docs, 0.95).unwrap();
        let factor = v.theme("a").unwrap().correction.unwrap().factor;
        let periods = parse_named_periods("all=2017-01-01..2017-12-31").unwrap();
        let table = trends_table(&docs, &TrendsConfig::new(periods, None, themes())).unwrap();
        let corrected = add_corrected_rates(&table, &v, 0.95).unwrap();
        assert_eq!(corrected.width(), table.width() + 3);
        let rate = corrected.column("rate_corrected").unwrap().f64().unwrap();
        let raw = table.column("rate_per_10k_words").unwrap().f64().unwrap();
        assert!((rate.get(0).unwrap() - raw.get(0).unwrap() * factor).abs() < 1e-9);
        assert_eq!(rate.get(1), None, "theme b has no correction");

        let mut later = docs.clone();
        later[0].doc.id = "e".into();
        later[0].doc.date = chrono::NaiveDate::from_ymd_opt(2018, 1, 1).unwrap();
        let mut both = docs.clone();
        both.extend(later);
        let periods =
            parse_named_periods("A=2017-01-01..2017-12-31,B=2018-01-01..2018-12-31").unwrap();
        let comparison = Comparison::Periods {
            a: periods[0].clone(),
            b: periods[1].clone(),
        };
        let mut table =
            compare(&both, &comparison, &themes(), 0.95, ClusterUnit::Document).unwrap();
        correct_comparison(&mut table, &v, 0.95);
        let row = table.rows.iter().find(|r| r.theme == "a").unwrap();
        let c = row.corrected.unwrap();
        assert!((c.a.unwrap().rate - row.a.rate().unwrap() * factor).abs() < 1e-9);
        assert_eq!(c.ratio, row.ratio);
        assert!(
            table
                .rows
                .iter()
                .find(|r| r.theme == "b")
                .unwrap()
                .corrected
                .is_none()
        );
        let frame = table.to_frame().unwrap();
        assert!(frame.column("ratio_corrected").is_ok());
        assert!(frame.column("rate_corrected_high_b").is_ok());
    }

    #[test]
    fn a_hand_edited_validation_file_is_checked_and_located() {
        let (docs, file) = stratified();
        let v = validate(Path::new("l.csv"), &file, &themes(), &docs, 0.95).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("validation.json");
        let json = v.to_json();
        let entry = json.find("\"theme\": \"a\"").unwrap();
        let line = json[..entry].matches('\n').count() + 1;
        let factor = serde_json::json!(v.theme("a").unwrap().correction.unwrap().factor);
        let edits = [
            (
                format!("\"factor\": {factor}"),
                "\"factor\": -1.0",
                "correction.factor: -1 is not a positive number",
            ),
            (
                format!("\"factor\": {factor}"),
                "\"factor\": 0.0",
                "correction.factor: 0 is not a positive number",
            ),
            (
                "\"confidence\": 0.95".into(),
                "\"confidence\": 95.0",
                "confidence: 95 is not within (0, 1)",
            ),
        ];
        for (from, to, expected) in edits {
            assert_eq!(json.matches(&from).count(), 1, "{from}");
            std::fs::write(&path, json.replacen(&from, to, 1)).unwrap();
            let err = Validation::read(&path).unwrap_err().to_string();
            assert!(err.contains(expected), "{err}");
            if expected.starts_with("correction") {
                let at = format!("validation.json:{line}: themes[0] (`a`).");
                assert!(err.contains(&at), "{at} in {err}");
            }
        }
        let mut twice = v.clone();
        twice.themes.push(twice.themes[0].clone());
        assert!(twice.check().unwrap_err().1.contains("a second entry"));
        let mut shares = v.clone();
        shares.themes[0].recall.high = Some(1.5);
        assert!(
            shares
                .check()
                .unwrap_err()
                .1
                .contains("recall.high: 1.5 is not a share")
        );
        let mut counts = v.clone();
        counts.themes[0].tp = counts.themes[0].gold + 1;
        assert!(counts.check().unwrap_err().1.contains("tp: "));
        assert!(v.check().is_ok());
    }

    #[test]
    fn a_validation_file_round_trips() {
        let (docs, file) = stratified();
        let v = validate(Path::new("l.csv"), &file, &themes(), &docs, 0.95).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("validation.json");
        std::fs::write(&path, v.to_json()).unwrap();
        let back = Validation::read(&path).unwrap();
        // JSON keeps 17 significant digits; parsing may differ in the last bit.
        let (a, b) = (v.theme("a").unwrap(), back.theme("a").unwrap());
        assert_eq!((a.gold, a.predicted, a.tp), (b.gold, b.predicted, b.tp));
        for (x, y) in [
            (a.precision, b.precision),
            (a.recall, b.recall),
            (a.f1, b.f1),
            (a.prevalence, b.prevalence),
        ] {
            for (u, w) in [(x.estimate, y.estimate), (x.low, y.low), (x.high, y.high)] {
                assert!((u.unwrap() - w.unwrap()).abs() < 1e-12);
            }
        }
        let (c, d) = (a.correction.unwrap(), b.correction.unwrap());
        assert!((c.factor - d.factor).abs() < 1e-12 && (c.se_log - d.se_log).abs() < 1e-12);
        assert_eq!(back.themes[1].correction, None);
        assert_eq!((back.paragraphs, back.weighted), (20, true));
    }
}
