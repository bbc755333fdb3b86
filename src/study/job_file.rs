//! Batch jobs: a whole study (inputs, index, themes, outputs) described in one TOML file.
//!
//! Contract: unknown keys are errors; every error names the job file, the line and the key
//! (`job.toml:12: trends[2].by: ...`). Relative paths resolve against `root`, which itself
//! resolves against the job file's folder (default: that folder), so a job runs the same
//! from any working directory; output paths resolve against `out_dir` (default: `root`)
//! and must stay inside it (unless `allow_outside_out_dir = true`) and out of every index
//! (see [`super::job_paths`]).
//! Loading validates everything that can be checked without the index: formats by
//! extension, periods, groupings, comparison sides, filters, duplicate outputs.
//!
//! ```toml
//! root = "../.."                       # relative to this file's folder
//! index = "indexes/korea-2017"
//! inputs = ["corpus/digests-en.jsonl"] # ingested first; unchanged documents are skipped
//! split_inline_labels = false          # optional: ingest --split-inline-labels
//! themes = "corpus/themes/korea-2017.toml"
//! out_dir = "out/korea-2017"
//! allow_outside_out_dir = false         # outputs may not leave out_dir (the default)
//! validation = "validation.json"      # optional: corrected rates in trends and compare
//! speakers = "speakers.toml"           # optional: extends the speaker registry (default:
//!                                      # speakers.toml in root when there)
//!
//! [filter]                             # optional; applies to every output
//! from = "2017-01-01"
//! to = "2017-12-31"
//! langs = ["en"]                       # also: speakers, sources, kinds
//! query = "korea OR dprk"              # optional; the language of `statemine search`
//! para = "korea* OR dprk"              # optional: only the paragraphs matching this query
//! context = 1                          # optional, with para: and 1 paragraph either side
//! turn_speakers = ["putin"]            # optional: only these speakers' paragraphs
//! roles = ["official"]                 # optional: only paragraphs of these roles
//! one_version = "en"                   # optional: of a page in several languages, only
//!                                      # its English version
//!
//! [periods]                            # optional named periods (or periods_file = "...")
//! H1 = "2017-01-01..2017-06-30"
//! H2 = "2017-07-01..2017-12-31"
//!
//! [[trends]]                           # by = day|week|month|quarter|year, or periods = true
//! out = "trends-by-month.csv"          # .csv .parquet .json .ndjson
//! by = "month"
//! group = "speaker"                    # optional: speaker source kind lang turn_speaker role
//! themes = ["us_blame"]                # optional subset of the theme file
//! wide = false
//! plot = "trends-by-month.svg"         # optional chart of the same table
//!
//! [[compare]]                          # periods (names, ranges, 2017-Q3) or, with group, groups
//! out = "compare-h2-h1.csv"
//! a = "H2"
//! b = "H1"
//!
//! [[first]]                            # first occurrences (theme = "..." for one)
//! out = "first.csv"
//!
//! [[evidence]]                         # one row per match, with its passage
//! out = "evidence.csv"
//!
//! [[chart]]                            # a chart alone: by/periods, group, themes as trends
//! out = "rates-by-quarter.svg"
//! by = "quarter"
//!
//! [report]                              # the whole study as one HTML page
//! out = "report.html"
//! title = "Korea 2017"                  # default: the job file's name
//! by = "month"                          # its charts' periods (default month; or periods = true)
//! gold = ["../shared/gold/x.jsonl"]     # optional: a theme quality table from hand labels
//! ```

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use super::STUDY_SPEAKERS_FILE;
use super::job_paths::{JobRead, refuse_output, refuse_read};
use crate::analysis::periods::{
    Granularity, Period, PeriodSpec, parse_range, read_periods_file, validate_periods,
};
use crate::analysis::{AnalysisError, Comparison, GroupBy, resolve_comparison};
use crate::corpus::{DateText, SpeakerRegistry, parse_iso_day};
use crate::document::{Kind, Lang, Role};
use crate::export::TableFormat;
use crate::index::{DocFilter, ParagraphFilter, TurnFilter};
use crate::query::Plan;
use crate::text::toml_error::toml_error_place;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JobFile {
    root: Option<Spanned<String>>,
    index: Spanned<String>,
    #[serde(default)]
    inputs: Vec<Spanned<String>>,
    #[serde(default)]
    split_inline_labels: bool,
    themes: Spanned<String>,
    out_dir: Option<Spanned<String>>,
    validation: Option<Spanned<String>>,
    speakers: Option<Spanned<String>>,
    #[serde(default)]
    allow_outside_out_dir: bool,
    #[serde(default)]
    filter: FilterTable,
    #[serde(default)]
    periods: BTreeMap<String, Spanned<String>>,
    periods_file: Option<Spanned<String>>,
    #[serde(default)]
    trends: Vec<TrendsTable>,
    #[serde(default)]
    compare: Vec<CompareTable>,
    #[serde(default)]
    first: Vec<FirstTable>,
    #[serde(default)]
    evidence: Vec<EvidenceTable>,
    #[serde(default)]
    chart: Vec<ChartTable>,
    report: Option<ReportTable>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportTable {
    out: Spanned<String>,
    title: Option<String>,
    by: Option<Spanned<String>>,
    #[serde(default)]
    periods: bool,
    #[serde(default)]
    gold: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilterTable {
    from: Option<Spanned<DateText>>,
    to: Option<Spanned<DateText>>,
    #[serde(default)]
    speakers: Vec<String>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    kinds: Vec<Spanned<String>>,
    #[serde(default)]
    langs: Vec<Spanned<String>>,
    query: Option<Spanned<String>>,
    para: Option<Spanned<String>>,
    context: Option<Spanned<usize>>,
    #[serde(default)]
    turn_speakers: Vec<String>,
    #[serde(default)]
    roles: Vec<Spanned<String>>,
    one_version: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrendsTable {
    out: Spanned<String>,
    by: Option<Spanned<String>>,
    #[serde(default)]
    periods: bool,
    group: Option<Spanned<String>>,
    #[serde(default)]
    themes: Vec<String>,
    #[serde(default)]
    wide: bool,
    plot: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompareTable {
    out: Spanned<String>,
    a: Spanned<String>,
    b: Spanned<String>,
    group: Option<Spanned<String>>,
    #[serde(default)]
    themes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FirstTable {
    out: Spanned<String>,
    theme: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceTable {
    out: Spanned<String>,
    #[serde(default)]
    themes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChartTable {
    out: Spanned<String>,
    by: Option<Spanned<String>>,
    #[serde(default)]
    periods: bool,
    group: Option<Spanned<String>>,
    #[serde(default)]
    themes: Vec<String>,
}

/// One output of a job.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutput {
    /// A trend table (and optionally its chart).
    Trends {
        /// Where the table goes.
        out: PathBuf,
        /// Periods.
        periods: PeriodSpec,
        /// Grouping.
        group: Option<GroupBy>,
        /// Theme subset (empty: all).
        themes: Vec<String>,
        /// Pivot themes into columns.
        wide: bool,
        /// Chart of the same table.
        plot: Option<PathBuf>,
    },
    /// A comparison of two periods or groups.
    Compare {
        /// Where the table goes.
        out: PathBuf,
        /// What is compared.
        comparison: Comparison,
        /// Theme subset (empty: all).
        themes: Vec<String>,
    },
    /// First occurrences.
    First {
        /// Where the table goes.
        out: PathBuf,
        /// One theme only.
        theme: Option<String>,
    },
    /// Evidence rows (one per match).
    Evidence {
        /// Where the table goes.
        out: PathBuf,
        /// Theme subset (empty: all).
        themes: Vec<String>,
    },
    /// The HTML report of the whole study (see [`crate::export::report`]).
    Report {
        /// Where the page goes.
        out: PathBuf,
        /// Page title.
        title: String,
        /// Periods of its trend charts.
        periods: PeriodSpec,
        /// Gold files whose labels score the themes (none: no quality table).
        gold: Vec<PathBuf>,
        /// The job's comparisons, shown as tables (each with its theme subset).
        comparisons: Vec<(Comparison, Vec<String>)>,
    },
    /// A chart alone.
    Chart {
        /// Where the SVG goes.
        out: PathBuf,
        /// Periods.
        periods: PeriodSpec,
        /// Grouping.
        group: Option<GroupBy>,
        /// Theme subset (empty: all).
        themes: Vec<String>,
    },
}

impl JobOutput {
    /// The main file this output writes.
    pub fn out(&self) -> &Path {
        match self {
            JobOutput::Trends { out, .. }
            | JobOutput::Compare { out, .. }
            | JobOutput::First { out, .. }
            | JobOutput::Evidence { out, .. }
            | JobOutput::Report { out, .. }
            | JobOutput::Chart { out, .. } => out,
        }
    }

    /// Every file the output writes: its table or page, and a trends table's chart.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        let plot = match self {
            JobOutput::Trends { plot, .. } => plot.as_deref(),
            _ => None,
        };
        std::iter::once(self.out()).chain(plot)
    }

    /// The kind of output, as its table name in the job file.
    pub fn kind(&self) -> &'static str {
        match self {
            JobOutput::Trends { .. } => "trends",
            JobOutput::Compare { .. } => "compare",
            JobOutput::First { .. } => "first",
            JobOutput::Evidence { .. } => "evidence",
            JobOutput::Chart { .. } => "chart",
            JobOutput::Report { .. } => "report",
        }
    }
}

/// A validated job with resolved paths.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// The job file.
    pub path: PathBuf,
    /// The index directory.
    pub index: PathBuf,
    /// Inputs to ingest before the outputs are computed.
    pub inputs: Vec<PathBuf>,
    /// Whether their ingest starts a paragraph at each speaker label inside a paragraph
    /// ([`crate::index::IngestOptions::split_inline_labels`]).
    pub split_inline_labels: bool,
    /// The theme file.
    pub themes: PathBuf,
    /// The validation whose corrected rates trends and comparisons carry, if any (output
    /// of `themes validate`).
    pub validation: Option<PathBuf>,
    /// The document filter of every output.
    pub filter: DocFilter,
    /// Named periods (empty when none are given).
    pub periods: Vec<Period>,
    /// The folder outputs are written to.
    pub out_dir: PathBuf,
    /// Outputs, in the order trends, compare, first, evidence, chart (each in file order),
    /// then the report.
    pub outputs: Vec<JobOutput>,
}

/// Builds errors that point into the job file.
struct Errors<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Errors<'_> {
    fn line(&self, span: std::ops::Range<usize>) -> Option<usize> {
        self.text
            .get(..span.start)
            .map(|head| head.matches('\n').count() + 1)
    }

    /// `value` read as a `T` (a word of a fixed vocabulary), or the error at its line.
    fn parse<T>(&self, value: &Spanned<String>, key: &str) -> Result<T, AnalysisError>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        value
            .get_ref()
            .parse::<T>()
            .map_err(|e| self.at(value, key, e))
    }

    fn at<T>(
        &self,
        value: &Spanned<T>,
        key: &str,
        reason: impl std::fmt::Display,
    ) -> AnalysisError {
        AnalysisError::Job {
            path: self.path.to_path_buf(),
            line: self.line(value.span()),
            key: key.to_string(),
            reason: reason.to_string(),
        }
    }

    fn nowhere(&self, key: &str, reason: impl std::fmt::Display) -> AnalysisError {
        AnalysisError::Job {
            path: self.path.to_path_buf(),
            line: None,
            key: key.to_string(),
            reason: reason.to_string(),
        }
    }
}

impl Job {
    /// An error when an output would overwrite the model file the theme file `set` names
    /// (known only once the theme file is read, so checked then, before anything runs).
    pub fn check_model_apart(&self, set: &crate::themes::ThemeSet) -> Result<(), AnalysisError> {
        let Some(model) = set.model_path() else {
            return Ok(());
        };
        let reads = [JobRead::File {
            key: "themes (its model)".into(),
            path: clean_path(&model),
        }];
        for output in &self.outputs {
            for file in output.files() {
                if let Some(reason) = refuse_read(file, &reads) {
                    return Err(AnalysisError::Job {
                        path: self.path.clone(),
                        line: None,
                        key: output.kind().into(),
                        reason: format!("the output {} {reason}", file.display()),
                    });
                }
            }
        }
        Ok(())
    }

    /// Reads and validates the job file at `path`.
    pub fn load(path: &Path) -> Result<Job, AnalysisError> {
        let text = std::fs::read_to_string(path).map_err(|e| AnalysisError::Job {
            path: path.to_path_buf(),
            line: None,
            key: String::new(),
            reason: e.to_string(),
        })?;
        Job::from_toml(path, &text)
    }

    /// Validates the job `text` read from `path` (paths resolve against `path`'s folder).
    pub fn from_toml(path: &Path, text: &str) -> Result<Job, AnalysisError> {
        let errors = Errors { path, text };
        let file: JobFile = toml::from_str(text).map_err(|e| {
            let (line, reason) = toml_error_place(text, &e);
            AnalysisError::Job {
                path: path.to_path_buf(),
                line,
                key: String::new(),
                reason,
            }
        })?;
        let base = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        let root = match &file.root {
            Some(root) => base.join(root.get_ref()),
            None => base,
        };
        let resolve = |p: &str| clean_path(&root.join(p));
        let out_dir = file
            .out_dir
            .as_ref()
            .map_or_else(|| root.clone(), |d| resolve(d.get_ref()));
        let out_dir = clean_path(&out_dir);
        let output = |p: &Spanned<String>| clean_path(&out_dir.join(p.get_ref()));
        let index = resolve(file.index.get_ref());

        // The study's speaker registry: named, else `speakers.toml` beside the job's root
        // when there, else the built-in one.
        let registry = match &file.speakers {
            Some(value) => Some(Arc::new(
                SpeakerRegistry::load(&resolve(value.get_ref()))
                    .map_err(|e| errors.at(value, "speakers", e))?,
            )),
            None => {
                let beside = resolve(STUDY_SPEAKERS_FILE);
                if beside.is_file() {
                    Some(Arc::new(
                        SpeakerRegistry::load(&beside)
                            .map_err(|e| errors.nowhere("speakers", e))?,
                    ))
                } else {
                    None
                }
            }
        };
        let filter = parse_filter(&file.filter, &errors, registry)?;
        let mut periods: Vec<Period> = Vec::new();
        for (name, range) in &file.periods {
            let (start, end) = parse_range(range.get_ref())
                .map_err(|e| errors.at(range, &format!("periods.{name}"), e))?;
            periods.push(Period {
                name: name.clone(),
                start,
                end,
            });
        }
        if let Some(periods_file) = &file.periods_file {
            if !periods.is_empty() {
                return Err(errors.at(
                    periods_file,
                    "periods_file",
                    "give [periods] or periods_file, not both",
                ));
            }
            periods = read_periods_file(&resolve(periods_file.get_ref()))
                .map_err(|e| errors.at(periods_file, "periods_file", e))?;
        }
        if !periods.is_empty() {
            periods = validate_periods(periods).map_err(|e| errors.nowhere("periods", e))?;
        }

        let reads = job_reads(&file, &resolve);
        let mut outputs = Vec::new();
        let mut seen: HashSet<PathBuf> = HashSet::new();
        let mut claim =
            |value: &Spanned<String>, key: &str, path: PathBuf| -> Result<PathBuf, AnalysisError> {
                if let Some(reason) =
                    refuse_output(&path, &out_dir, &index, file.allow_outside_out_dir)
                        .or_else(|| refuse_read(&path, &reads))
                {
                    return Err(errors.at(value, key, format!("`{}` {reason}", value.get_ref())));
                }
                if !seen.insert(path.clone()) {
                    return Err(errors.at(
                        value,
                        key,
                        format!("`{}` is written by another output", value.get_ref()),
                    ));
                }
                Ok(path)
            };
        let table_path = |value: &Spanned<String>, key: &str| -> Result<PathBuf, AnalysisError> {
            let path = output(value);
            TableFormat::from_path(&path).map_err(|_| {
                errors.at(
                    value,
                    key,
                    format!(
                        "`{}`: use .csv, .parquet, .json or .ndjson",
                        value.get_ref()
                    ),
                )
            })?;
            Ok(path)
        };
        let chart_path = |value: &Spanned<String>, key: &str| -> Result<PathBuf, AnalysisError> {
            let path = output(value);
            crate::export::chart::check_chart_path(&path).map_err(|e| errors.at(value, key, e))?;
            Ok(path)
        };
        let group_of = |value: &Option<Spanned<String>>,
                        key: &str|
         -> Result<Option<GroupBy>, AnalysisError> {
            value
                .as_ref()
                .map(|g| {
                    g.get_ref()
                        .parse::<GroupBy>()
                        .map_err(|e| errors.at(g, key, e))
                })
                .transpose()
        };
        let spec_of =
            |by: &Option<Spanned<String>>, use_periods: bool, out: &Spanned<String>, key: &str| {
                match (by, use_periods) {
                    (Some(by), true) => {
                        Err(errors.at(by, key, "give `by` or `periods = true`, not both"))
                    }
                    (Some(by), false) => by
                        .get_ref()
                        .parse::<Granularity>()
                        .map(PeriodSpec::Calendar)
                        .map_err(|e| errors.at(by, &format!("{key}.by"), e)),
                    (None, true) if periods.is_empty() => Err(errors.at(
                        out,
                        &format!("{key}.periods"),
                        "`periods = true` needs a [periods] table or periods_file",
                    )),
                    (None, true) => Ok(PeriodSpec::Named(periods.clone())),
                    (None, false) => Ok(PeriodSpec::Calendar(Granularity::Month)),
                }
            };

        for (i, t) in file.trends.iter().enumerate() {
            let key = format!("trends[{}]", i + 1);
            let out = claim(
                &t.out,
                &format!("{key}.out"),
                table_path(&t.out, &format!("{key}.out"))?,
            )?;
            let plot = match &t.plot {
                Some(plot) => Some(claim(
                    plot,
                    &format!("{key}.plot"),
                    chart_path(plot, &format!("{key}.plot"))?,
                )?),
                None => None,
            };
            outputs.push(JobOutput::Trends {
                out,
                periods: spec_of(&t.by, t.periods, &t.out, &key)?,
                group: group_of(&t.group, &format!("{key}.group"))?,
                themes: t.themes.clone(),
                wide: t.wide,
                plot,
            });
        }
        for (i, c) in file.compare.iter().enumerate() {
            let key = format!("compare[{}]", i + 1);
            let out = claim(
                &c.out,
                &format!("{key}.out"),
                table_path(&c.out, &format!("{key}.out"))?,
            )?;
            let group = group_of(&c.group, &format!("{key}.group"))?;
            let comparison = resolve_comparison(c.a.get_ref(), c.b.get_ref(), group, &periods)
                .map_err(|e| errors.at(&c.a, &format!("{key}.a/b"), e))?;
            if let Comparison::Periods { a, b } = &comparison
                && a.start <= b.end
                && b.start <= a.end
            {
                return Err(errors.at(
                    &c.a,
                    &format!("{key}.a/b"),
                    format!("periods overlap: {a} and {b}"),
                ));
            }
            outputs.push(JobOutput::Compare {
                out,
                comparison,
                themes: c.themes.clone(),
            });
        }
        for (i, f) in file.first.iter().enumerate() {
            let key = format!("first[{}].out", i + 1);
            let out = claim(&f.out, &key, table_path(&f.out, &key)?)?;
            outputs.push(JobOutput::First {
                out,
                theme: f.theme.clone(),
            });
        }
        for (i, e) in file.evidence.iter().enumerate() {
            let key = format!("evidence[{}].out", i + 1);
            let out = claim(&e.out, &key, table_path(&e.out, &key)?)?;
            outputs.push(JobOutput::Evidence {
                out,
                themes: e.themes.clone(),
            });
        }
        for (i, c) in file.chart.iter().enumerate() {
            let key = format!("chart[{}]", i + 1);
            let out = claim(
                &c.out,
                &format!("{key}.out"),
                chart_path(&c.out, &format!("{key}.out"))?,
            )?;
            outputs.push(JobOutput::Chart {
                out,
                periods: spec_of(&c.by, c.periods, &c.out, &key)?,
                group: group_of(&c.group, &format!("{key}.group"))?,
                themes: c.themes.clone(),
            });
        }
        if let Some(r) = &file.report {
            let out = output(&r.out);
            crate::export::report::check_report_path(&out)
                .map_err(|e| errors.at(&r.out, "report.out", e))?;
            let out = claim(&r.out, "report.out", out)?;
            let title = r.title.clone().unwrap_or_else(|| {
                path.file_stem()
                    .map_or_else(|| "statemine report".into(), |s| s.to_string_lossy().into())
            });
            let by = r
                .by
                .clone()
                .or_else(|| (!r.periods).then(|| Spanned::new(r.out.span(), "month".to_string())));
            outputs.push(JobOutput::Report {
                out,
                title,
                periods: spec_of(&by, r.periods, &r.out, "report")?,
                gold: r.gold.iter().map(|g| resolve(g.get_ref())).collect(),
                comparisons: comparisons_of(&outputs),
            });
        }
        if outputs.is_empty() {
            return Err(errors.nowhere(
                "",
                "the job has no outputs (add [[trends]], [[compare]], [[first]], [[evidence]], [[chart]] or [report])",
            ));
        }
        Ok(Job {
            path: path.to_path_buf(),
            index,
            inputs: file.inputs.iter().map(|i| resolve(i.get_ref())).collect(),
            split_inline_labels: file.split_inline_labels,
            themes: resolve(file.themes.get_ref()),
            validation: file.validation.as_ref().map(|v| resolve(v.get_ref())),
            filter,
            periods,
            out_dir,
            outputs,
        })
    }
}

/// The files, folders and globs the job in `file` reads, resolved by `resolve`. The theme
/// file's model is known once the theme file is read ([`Job::check_model_apart`]); its
/// usual name beside the theme file is listed here.
fn job_reads(file: &JobFile, resolve: &dyn Fn(&str) -> PathBuf) -> Vec<JobRead> {
    let mut reads = Vec::new();
    for (i, input) in file.inputs.iter().enumerate() {
        reads.push(JobRead::input(
            format!("inputs[{}]", i + 1),
            resolve(input.get_ref()),
        ));
    }
    let themes = resolve(file.themes.get_ref());
    let model = themes.with_file_name(crate::themes::model::default_model_name(&themes));
    let speakers = file
        .speakers
        .as_ref()
        .map_or_else(|| resolve(STUDY_SPEAKERS_FILE), |s| resolve(s.get_ref()));
    let mut files = vec![
        ("themes".to_string(), themes),
        ("themes (its model)".to_string(), model),
        ("speakers".to_string(), speakers),
    ];
    for (key, value) in [
        ("validation", &file.validation),
        ("periods_file", &file.periods_file),
    ] {
        if let Some(value) = value {
            files.push((key.to_string(), resolve(value.get_ref())));
        }
    }
    if let Some(report) = &file.report {
        for (i, gold) in report.gold.iter().enumerate() {
            files.push((format!("report.gold[{}]", i + 1), resolve(gold.get_ref())));
        }
    }
    reads.extend(
        files
            .into_iter()
            .map(|(key, path)| JobRead::File { key, path }),
    );
    reads
}

/// The comparisons among `outputs`, each with its theme subset (a report shows them).
pub(super) fn comparisons_of(outputs: &[JobOutput]) -> Vec<(Comparison, Vec<String>)> {
    outputs
        .iter()
        .filter_map(|o| match o {
            JobOutput::Compare {
                comparison, themes, ..
            } => Some((comparison.clone(), themes.clone())),
            _ => None,
        })
        .collect()
}

/// `path` with `.` and `name/..` removed lexically (`corpus/jobs/../../out` → `out`), so
/// messages and manifests show the paths a user would type. Leading `..` stay.
pub fn clean_path(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

fn parse_filter(
    table: &FilterTable,
    errors: &Errors<'_>,
    registry: Option<Arc<SpeakerRegistry>>,
) -> Result<DocFilter, AnalysisError> {
    let date = |value: &Option<Spanned<DateText>>,
                key: &str|
     -> Result<Option<NaiveDate>, AnalysisError> {
        value
            .as_ref()
            .map(|v| {
                parse_iso_day(v.get_ref().as_str())
                    .map_err(|e| errors.at(v, key, format!("`{}`: {e}", v.get_ref())))
            })
            .transpose()
    };
    let from = date(&table.from, "filter.from")?;
    let to = date(&table.to, "filter.to")?;
    if let (Some(from), Some(to), Some(span)) = (from, to, &table.to)
        && to < from
    {
        return Err(errors.at(
            span,
            "filter.to",
            format!("{to} is before filter.from {from}"),
        ));
    }
    let kinds = table
        .kinds
        .iter()
        .map(|k| errors.parse::<Kind>(k, "filter.kinds"))
        .collect::<Result<Vec<_>, _>>()?;
    let langs = table
        .langs
        .iter()
        .map(|l| errors.parse::<Lang>(l, "filter.langs"))
        .collect::<Result<Vec<_>, _>>()?;
    let roles = table
        .roles
        .iter()
        .map(|r| errors.parse::<Role>(r, "filter.roles"))
        .collect::<Result<Vec<_>, _>>()?;
    let one_version = table
        .one_version
        .as_ref()
        .map(|l| errors.parse::<Lang>(l, "filter.one_version"))
        .transpose()?;
    // Checked here (it needs no index) so a typo fails at load, not after ingest.
    let query = table
        .query
        .as_ref()
        .map(|q| {
            Plan::parse(q.get_ref())
                .map_err(|e| errors.at(q, "filter.query", format!("`{}`: {e}", q.get_ref())))
        })
        .transpose()?;
    let paragraphs = match (&table.para, &table.context) {
        (Some(para), context) => Some(ParagraphFilter {
            query: Plan::parse(para.get_ref()).map_err(|e| {
                errors.at(para, "filter.para", format!("`{}`: {e}", para.get_ref()))
            })?,
            context: context.as_ref().map_or(0, |c| *c.get_ref()),
        }),
        (None, Some(context)) => {
            return Err(errors.at(context, "filter.context", "needs filter.para"));
        }
        (None, None) => None,
    };
    Ok(DocFilter {
        from,
        to,
        speakers: table.speakers.clone(),
        sources: table.sources.clone(),
        kinds,
        langs,
        query,
        paragraphs,
        turns: TurnFilter {
            speakers: table.turn_speakers.clone(),
            roles,
            registry,
        },
        one_version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
root = ".."
index = "indexes/k"
inputs = ["corpus/a.jsonl", "corpus/b.jsonl"]
themes = "corpus/themes/k.toml"
out_dir = "out/k"
validation = "out/k/validation.json"

[filter]
from = "2017-01-01"
to = "2017-12-31"
langs = ["en"]

[periods]
H2 = "2017-07-01..2017-12-31"
H1 = "2017-01-01..2017-06-30"

[[trends]]
out = "by-month.csv"
by = "month"
plot = "by-month.svg"

[[trends]]
out = "halves.parquet"
periods = true
group = "turn_speaker"
themes = ["us_blame"]

[[compare]]
out = "h2-h1.csv"
a = "H2"
b = "H1"

[[compare]]
out = "putin-lavrov.json"
a = "Vladimir Putin"
b = "Sergey Lavrov"
group = "speaker"

[[first]]
out = "first.csv"

[[evidence]]
out = "evidence.ndjson"

[[chart]]
out = "quarters.svg"
by = "quarter"
"#;

    fn load(text: &str) -> Result<Job, AnalysisError> {
        Job::from_toml(Path::new("study/jobs/k.toml"), text)
    }

    fn error(text: &str) -> String {
        load(text).unwrap_err().to_string()
    }

    #[test]
    fn outputs_never_overwrite_what_the_job_reads() {
        let allowed = GOOD.replace(
            "out_dir = \"out/k\"",
            "out_dir = \"out/k\"\nallow_outside_out_dir = true",
        );
        for (out, read_as) in [
            ("../../corpus/a.jsonl", "inputs[1]"),
            ("../../corpus/themes/k.model.json", "themes (its model)"),
            ("validation.json", "validation"),
        ] {
            let text = allowed.replace("out = \"evidence.ndjson\"", &format!("out = \"{out}\""));
            let err = error(&text);
            assert!(
                err.contains(&format!("is the file the job reads as `{read_as}`")),
                "{out}: {err}"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let job = |inputs: &str, out: &str| {
            format!(
                "index = \"idx\"\ninputs = [\"{inputs}\"]\nthemes = \"t.toml\"\nout_dir = \"data\"\n\
                 [[evidence]]\nout = \"{out}\"\n"
            )
        };
        let path = dir.path().join("job.toml");
        for inputs in ["data", "data/*.csv"] {
            let err = Job::from_toml(&path, &job(inputs, "evidence.csv"))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("the next run would ingest it"),
                "{inputs}: {err}"
            );
            // A format ingest does not read stays where it is asked to go.
            Job::from_toml(&path, &job(inputs, "evidence.parquet")).unwrap();
        }
        Job::from_toml(&path, &job("data/*.jsonl", "evidence.csv")).unwrap();
    }

    #[test]
    fn an_output_may_not_be_the_model_the_theme_file_names() {
        let text = GOOD.replace(
            "out_dir = \"out/k\"",
            "out_dir = \"out/k\"\nallow_outside_out_dir = true",
        );
        let themes = "name = \"t\"\nmodel = \"m.json\"\n[[theme]]\nid = \"a\"\ncount = \"either\"\n[theme.en]\npatterns = [\"x\"]\n";
        let set =
            crate::themes::ThemeSet::from_toml(Path::new("study/corpus/themes/k.toml"), themes)
                .unwrap();
        load(&text).unwrap().check_model_apart(&set).unwrap();
        let clash = text.replace(
            "out = \"evidence.ndjson\"",
            "out = \"../../corpus/themes/m.json\"",
        );
        let err = load(&clash)
            .unwrap()
            .check_model_apart(&set)
            .unwrap_err()
            .to_string();
        assert!(err.contains("reads as `themes (its model)`"), "{err}");
    }

    #[test]
    fn the_filter_keeps_one_version_of_a_page() {
        let job = load(&GOOD.replace("langs = [\"en\"]", "one_version = \"ru\"")).unwrap();
        assert_eq!(job.filter.one_version, Some(Lang::Ru));
        assert_eq!(load(GOOD).unwrap().filter.one_version, None);
        let err = error(&GOOD.replace("langs = [\"en\"]", "one_version = \"fr\""));
        assert!(
            err.starts_with("study/jobs/k.toml:12: filter.one_version: unknown lang `fr`"),
            "{err}"
        );
    }

    #[test]
    fn the_filter_keeps_turns_and_reads_the_speaker_registry() {
        let job = load(&GOOD.replace(
            "langs = [\"en\"]",
            "langs = [\"en\"]\nturn_speakers = [\"putin\"]\nroles = [\"official\", \"Foreign\"]",
        ))
        .unwrap();
        assert_eq!(job.filter.turns.speakers, ["putin"]);
        assert_eq!(job.filter.turns.roles, [Role::Official, Role::Foreign]);
        let err = error(&GOOD.replace("langs = [\"en\"]", "roles = [\"press\"]"));
        assert!(
            err.starts_with("study/jobs/k.toml:12: filter.roles: unknown role `press`"),
            "{err}"
        );

        let dir = tempfile::tempdir().unwrap();
        let speakers = dir.path().join("who.toml");
        std::fs::write(
            &speakers,
            "[[person]]\nname = \"Jane Doe\"\nrole = \"expert\"\ncountry = \"GB\"\n",
        )
        .unwrap();
        let text = format!("speakers = {:?}\n{GOOD}", speakers.display().to_string());
        let job = load(&text).unwrap();
        assert_eq!(
            job.filter.turns.registry().sources().last(),
            Some(&speakers)
        );
        assert!(job.filter.turns.registry().person("Jane Doe").is_some());
        std::fs::write(&speakers, "[[person]]\nname = \"Jane Doe\"\n").unwrap();
        let err = error(&text);
        assert!(
            err.starts_with("study/jobs/k.toml:1: speakers: ") && err.contains("who.toml:1"),
            "{err}"
        );
    }

    #[test]
    fn a_full_job_resolves_paths_and_outputs() {
        let job = load(GOOD).unwrap();
        assert_eq!(job.index, Path::new("study/indexes/k"));
        assert_eq!(job.inputs[1], Path::new("study/corpus/b.jsonl"));
        assert!(!job.split_inline_labels);
        let split = GOOD.replacen("themes =", "split_inline_labels = true\nthemes =", 1);
        assert!(load(&split).unwrap().split_inline_labels);
        assert_eq!(job.themes, Path::new("study/corpus/themes/k.toml"));
        assert_eq!(
            job.validation.as_deref(),
            Some(Path::new("study/out/k/validation.json"))
        );
        assert_eq!(job.filter.langs, [Lang::En]);
        let names: Vec<_> = job.periods.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["H1", "H2"]);
        let kinds: Vec<_> = job.outputs.iter().map(JobOutput::kind).collect();
        assert_eq!(
            kinds,
            [
                "trends", "trends", "compare", "compare", "first", "evidence", "chart"
            ]
        );
        assert_eq!(job.outputs[0].out(), Path::new("study/out/k/by-month.csv"));
        match &job.outputs[1] {
            JobOutput::Trends { periods, group, .. } => {
                assert!(matches!(periods, PeriodSpec::Named(p) if p.len() == 2));
                assert_eq!(*group, Some(GroupBy::TurnSpeaker));
            }
            other => panic!("{other:?}"),
        }
        match &job.outputs[2] {
            JobOutput::Compare {
                comparison: Comparison::Periods { a, b },
                ..
            } => {
                assert_eq!((a.name.as_str(), b.name.as_str()), ("H2", "H1"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_report_section_comes_last_with_the_jobs_comparisons() {
        let text = format!("{GOOD}\n[report]\nout = \"report.html\"\ngold = [\"g.jsonl\"]\n");
        let job = load(&text).unwrap();
        match job.outputs.last().unwrap() {
            JobOutput::Report {
                out,
                title,
                periods,
                gold,
                comparisons,
            } => {
                assert_eq!(out, Path::new("study/out/k/report.html"));
                assert_eq!(title, "k");
                assert_eq!(*periods, PeriodSpec::Calendar(Granularity::Month));
                assert_eq!(gold, &[PathBuf::from("study/g.jsonl")]);
                assert_eq!(comparisons.len(), 2);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(job.out_dir, Path::new("study/out/k"));
        let err = error(&text.replace("report.html", "report.pdf"));
        assert!(err.contains("report.out") && err.contains(".html"), "{err}");
        let err = error(&format!("{text}periods = true\nby = \"year\"\n"));
        assert!(err.contains("not both"), "{err}");
        let err = error(&format!("{text}colour = 1\n"));
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn the_filter_query_is_accepted_and_checked_at_load() {
        let text = GOOD.replace(
            "langs = [\"en\"]",
            "langs = [\"en\"]\nquery = \"korea OR dprk\"",
        );
        assert_eq!(
            load(&text).unwrap().filter.query,
            Some(Plan::parse("korea OR dprk").unwrap())
        );
        assert_eq!(load(GOOD).unwrap().filter.query, None);
        let text = GOOD.replace(
            "langs = [\"en\"]",
            "langs = [\"en\"]\nquery = \"korea AND\"",
        );
        let err = error(&text);
        let line = text.lines().position(|l| l.starts_with("query")).unwrap() + 1;
        assert!(
            err.contains(&format!("k.toml:{line}: filter.query")),
            "{err}"
        );
        assert!(err.contains("column"), "{err}");
    }

    #[test]
    fn paths_are_cleaned_lexically() {
        assert_eq!(
            clean_path(Path::new("corpus/jobs/../../out/x.csv")),
            Path::new("out/x.csv")
        );
        assert_eq!(clean_path(Path::new("./a/../../b")), Path::new("../b"));
        assert_eq!(clean_path(Path::new("/tmp/j/../i")), Path::new("/tmp/i"));
        assert_eq!(clean_path(Path::new("a/..")), Path::new("."));
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let text = GOOD.replace("by = \"quarter\"", "by = \"quarter\"\ncolour = \"red\"");
        let err = error(&text);
        assert!(err.contains("k.toml:") && err.contains("colour"), "{err}");
        let line = text.lines().position(|l| l.starts_with("colour")).unwrap() + 1;
        assert!(err.contains(&format!("k.toml:{line}")), "{err}");
    }

    #[test]
    fn bad_values_name_the_key() {
        let err = error(&GOOD.replace("by = \"month\"", "by = \"fortnight\""));
        assert!(
            err.contains("trends[1].by") && err.contains("fortnight"),
            "{err}"
        );
        let err = error(&GOOD.replace("group = \"turn_speaker\"", "group = \"party\""));
        assert!(
            err.contains("trends[2].group") && err.contains("party"),
            "{err}"
        );
        let err = error(&GOOD.replace("out = \"first.csv\"", "out = \"first.xlsx\""));
        assert!(
            err.contains("first[1].out") && err.contains(".parquet"),
            "{err}"
        );
        let err = error(&GOOD.replace("plot = \"by-month.svg\"", "plot = \"by-month.pdf\""));
        assert!(
            err.contains("trends[1].plot") && err.contains(".svg or .png"),
            "{err}"
        );
        let err = error(&GOOD.replace("a = \"H2\"", "a = \"H3\""));
        assert!(
            err.contains("compare[1].a/b") && err.contains("H3"),
            "{err}"
        );
        let err = error(&GOOD.replace("langs = [\"en\"]", "langs = [\"fr\"]"));
        assert!(
            err.contains("filter.langs") && err.contains("`fr`"),
            "{err}"
        );
        let err = error(&GOOD.replace(
            "H1 = \"2017-01-01..2017-06-30\"",
            "H1 = \"2017-01-01..2017-07-30\"",
        ));
        assert!(err.contains("overlap"), "{err}");
        let err = error(&GOOD.replace("out = \"quarters.svg\"", "out = \"by-month.svg\""));
        assert!(
            err.contains("chart[1].out") && err.contains("another output"),
            "{err}"
        );
        let err = error(&GOOD.replace("by = \"month\"", "by = \"month\"\nperiods = true"));
        assert!(err.contains("not both"), "{err}");
        let err = error("index = \"i\"\nthemes = \"t\"\n");
        assert!(err.contains("no outputs"), "{err}");
        let err = error("themes = \"t\"\n[[first]]\nout = \"f.csv\"\n");
        assert!(err.contains("index"), "{err}");
    }
}
