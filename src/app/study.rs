//! `statemine trends`, `compare`, `first` and `run`: arguments, their conversion into
//! study configs, and where results go (terminal table, or `--out` with a manifest). The
//! counting and the outputs themselves are the library's ([`statemine::study`]).

use std::path::{Path, PathBuf};

use clap::Args;

use polars::prelude::DataFrame;
use statemine::analysis::ClusterUnit;
use statemine::analysis::validation::Validation;
use statemine::analysis::{self, Granularity, GroupBy, LowN, PeriodSpec, periods};
use statemine::export::{self, EvidenceWriter, ManifestContext};
use statemine::index::{DocFilter, IndexStore};
use statemine::study::{CONFIDENCE, Study, TrendOptions, chart_title, trends_table, write_chart};
use statemine::themes::{EvidenceSink, QueryTerm, ThemeSet};

use super::Outcome;
use super::common::{
    FilterArgs, IndexArgs, ParagraphArgs, analysis_filter, note_translated_pages,
    note_unmatched_names, outputs_apart,
};
use super::output::{Output, note};
use super::progress::CountProgress;
use super::study_job;
use super::study_print;
use super::themes::ThemesFileArgs;

/// Named periods, inline or from a file.
#[derive(Args, Debug, Clone, Default)]
pub struct NamedPeriodArgs {
    /// Named periods: NAME=START..END,NAME=START..END (dates inclusive, YYYY-MM-DD).
    #[arg(long, value_name = "SPEC", conflicts_with = "periods_file")]
    pub periods: Option<String>,
    /// Named periods from a file: .toml ([[period]] name/start/end) or .csv (name,start,end).
    #[arg(long, value_name = "FILE")]
    pub periods_file: Option<PathBuf>,
}

impl NamedPeriodArgs {
    /// The named periods given, if any.
    pub fn named(&self) -> anyhow::Result<Option<Vec<analysis::Period>>> {
        Ok(match (&self.periods, &self.periods_file) {
            (Some(spec), _) => Some(periods::parse_named_periods(spec)?),
            (None, Some(file)) => Some(periods::read_periods_file(file)?),
            (None, None) => None,
        })
    }
}

/// What to count: the themes of a theme file, query terms, or both.
#[derive(Args, Debug, Clone)]
pub struct SeriesArgs {
    #[command(flatten)]
    pub themes: ThemesFileArgs,
    /// Count this query (the language of `statemine search`) as a series of its own, named
    /// by its text or by NAME in NAME=QUERY (repeatable). With --term, themes are counted
    /// only when --themes or --theme is given.
    #[arg(long = "term", value_name = "QUERY")]
    pub terms: Vec<String>,
}

impl SeriesArgs {
    /// The theme set to count (none when only terms are asked for) and the parsed terms.
    fn load(&self) -> anyhow::Result<(Option<ThemeSet>, Vec<QueryTerm>)> {
        let terms = self
            .terms
            .iter()
            .map(|term| QueryTerm::parse(term))
            .collect::<Result<Vec<_>, _>>()?;
        let themes_asked = self.themes.themes.is_some() || !self.themes.only.is_empty();
        let set = if terms.is_empty() || themes_asked {
            Some(self.themes.load()?)
        } else {
            None
        };
        Ok((set, terms))
    }
}

/// Arguments of `statemine trends`.
#[derive(Args, Debug)]
pub struct TrendsArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub series: SeriesArgs,
    /// Calendar periods: day, week (ISO), month, quarter or year [default: month].
    #[arg(long, value_name = "UNIT", conflicts_with_all = ["periods", "periods_file"])]
    pub by: Option<Granularity>,
    #[command(flatten)]
    pub named: NamedPeriodArgs,
    /// Split rows by: speaker, source, kind, lang (whole documents) or turn_speaker, role
    /// (speaker turns: rates over that speaker's own paragraphs).
    #[arg(long, value_name = "GROUP")]
    pub group: Option<GroupBy>,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub para: ParagraphArgs,
    /// One row per period and group, two columns per theme (THEME_n, THEME_rate).
    #[arg(long)]
    pub wide: bool,
    /// Write the table to FILE (.csv, .parquet, .json, .ndjson) and FILE.manifest.json.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the table as JSON lines (one object per row).
    #[arg(long, conflicts_with = "out")]
    pub json: bool,
    /// Write the evidence behind the counts, one row per match with its passage (.csv,
    /// .parquet, .json, .ndjson), and FILE.manifest.json.
    #[arg(long, value_name = "FILE")]
    pub evidence: Option<PathBuf>,
    /// Draw the rate of each theme over time with its 95% interval (.svg).
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    /// Flag rows with fewer documents than this as low n.
    #[arg(long, value_name = "N", default_value_t = LowN::default().min_docs)]
    pub low_n_docs: u64,
    /// Flag rows with fewer words than this as low n.
    #[arg(long, value_name = "N", default_value_t = LowN::default().min_words)]
    pub low_n_words: u64,
    /// The sampling unit of the rate intervals: document, or turn (a speaker's run of
    /// paragraphs).
    #[arg(long, value_name = "UNIT", default_value_t = ClusterUnit::Document)]
    pub cluster: ClusterUnit,
    /// Also give each rate corrected for the theme's measured precision and recall (the
    /// output of `themes validate`).
    #[arg(long, value_name = "FILE")]
    pub validation: Option<PathBuf>,
}

/// Arguments of `statemine compare`.
#[derive(Args, Debug)]
pub struct CompareArgs {
    /// First side: a period (START..END, 2017-H1, 2017-Q1, 2017-09, a name from --periods)
    /// or, with --group, a group value.
    pub a: String,
    /// Second side, in the same form.
    pub b: String,
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub series: SeriesArgs,
    #[command(flatten)]
    pub named: NamedPeriodArgs,
    /// Compare two values of this grouping (speaker, source, kind, lang, turn_speaker, role)
    /// instead of two periods.
    #[arg(long, value_name = "GROUP", conflicts_with_all = ["periods", "periods_file"])]
    pub group: Option<GroupBy>,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub para: ParagraphArgs,
    /// Write the table to FILE (.csv, .parquet, .json, .ndjson) and FILE.manifest.json.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the table as JSON lines (one object per row).
    #[arg(long, conflicts_with = "out")]
    pub json: bool,
    /// The sampling unit of the ratio intervals: document, or turn (a speaker's run of
    /// paragraphs).
    #[arg(long, value_name = "UNIT", default_value_t = ClusterUnit::Document)]
    pub cluster: ClusterUnit,
    /// Also give the rates corrected for each theme's measured precision and recall (the
    /// output of `themes validate`).
    #[arg(long, value_name = "FILE")]
    pub validation: Option<PathBuf>,
}

/// Arguments of `statemine first`.
#[derive(Args, Debug)]
pub struct FirstArgs {
    /// Only this theme (with `--theme`: this one and those).
    pub theme: Option<String>,
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub series: SeriesArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub para: ParagraphArgs,
    /// Write the table to FILE (.csv, .parquet, .json, .ndjson) and FILE.manifest.json.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the table as JSON lines (one object per row).
    #[arg(long, conflicts_with = "out")]
    pub json: bool,
}

/// Arguments of `statemine run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// The job file (TOML).
    pub job: PathBuf,
    /// Print one JSON object at the end (the job, its ingest summary and every written
    /// file) instead of a line per written file.
    #[arg(long)]
    pub json: bool,
}

/// Opens the index, notes names of the filter that match nothing, and counts the themes
/// and terms of `series` in the documents `filter` selects (writing the evidence rows to
/// `evidence` when given, with a progress bar on a terminal).
fn load_study(
    index: &Path,
    series: &SeriesArgs,
    filter: &DocFilter,
    evidence: Option<&mut EvidenceWriter>,
) -> anyhow::Result<Study> {
    let (set, terms) = series.load()?;
    let store = IndexStore::open(index)?;
    note_unmatched_names(&store, filter)?;
    note_translated_pages(&store, filter)?;
    let bar = CountProgress::new();
    let sink = evidence.map(|writer| writer as &mut (dyn EvidenceSink + Send));
    let study = Study::count_series_into(store, set.as_ref(), &terms, filter, sink, &|event| {
        bar.update(event)
    });
    bar.finish();
    Ok(study?)
}

/// Prints `table` on stdout as JSON lines (one object per row).
fn print_json_lines(table: &mut DataFrame) -> anyhow::Result<()> {
    let mut output = Output::stdout();
    export::write_table_to(
        table,
        export::TableFormat::Ndjson,
        output.writer(),
        Path::new("<stdout>"),
    )?;
    output.flush()?;
    Ok(())
}

/// What the manifests of a single command record.
fn manifest_context(study: &Study) -> anyhow::Result<ManifestContext> {
    Ok(study.manifest_context(std::env::args().collect(), None)?)
}

/// Says on stderr what a single command wrote.
fn announce(path: &Path, rows: Option<usize>, manifest: &Path) {
    match rows {
        Some(rows) => note(format_args!(
            "wrote {} ({rows} rows) and {}",
            path.display(),
            manifest.display()
        )),
        None => note(format_args!(
            "wrote {} and {}",
            path.display(),
            manifest.display()
        )),
    }
}

/// The validation at `path`, if one is given.
fn read_validation(path: Option<&Path>) -> anyhow::Result<Option<Validation>> {
    Ok(path.map(Validation::read).transpose()?)
}

/// Notes which of the counted `themes` the validation leaves uncorrected (no measurement,
/// or one without a correction), and which themes it measured that are not counted (a
/// validation of another theme file, or of ids since renamed).
fn note_validation_fit(validation: Option<&Validation>, path: Option<&Path>, themes: &[String]) {
    let (Some(validation), Some(path)) = (validation, path) else {
        return;
    };
    let uncorrected: Vec<&str> = themes
        .iter()
        .filter(|t| validation.theme(t).is_none_or(|v| v.correction.is_none()))
        .map(String::as_str)
        .collect();
    if !uncorrected.is_empty() {
        note(format_args!(
            "{} corrects no rate of {} (not measured there, or without a correction)",
            path.display(),
            uncorrected.join(", ")
        ));
    }
    let foreign: Vec<&str> = validation
        .themes
        .iter()
        .map(|v| v.theme.as_str())
        .filter(|id| !themes.iter().any(|t| t == id))
        .collect();
    if !foreign.is_empty() {
        note(format_args!(
            "{} measures themes that are not counted here: {}",
            path.display(),
            foreign.join(", ")
        ));
    }
}

/// Runs `statemine trends`.
pub fn trends(args: TrendsArgs) -> anyhow::Result<Outcome> {
    outputs_apart(
        &[
            ("--out", args.out.as_deref()),
            ("--evidence", args.evidence.as_deref()),
            ("--plot", args.plot.as_deref()),
        ],
        &[
            ("--themes", args.series.themes.themes.as_deref()),
            ("--validation", args.validation.as_deref()),
            ("--periods-file", args.named.periods_file.as_deref()),
            ("--speakers", args.filter.speakers.as_deref()),
        ],
    )?;
    let filter = analysis_filter(&args.filter, &args.para)?;
    let spec = match args.named.named()? {
        Some(named) => PeriodSpec::Named(named),
        None => PeriodSpec::Calendar(args.by.unwrap_or(Granularity::Month)),
    };
    if let Some(plot) = &args.plot {
        export::chart::check_chart_path(plot)?;
    }
    for out in [&args.out, &args.evidence].into_iter().flatten() {
        export::TableFormat::from_path(out)?;
    }
    let validation = read_validation(args.validation.as_deref())?;
    // Rows are written as the documents are counted (a folder that cannot be written fails
    // before the count); the table and its manifest appear together at the end.
    let mut evidence = args
        .evidence
        .as_deref()
        .map(EvidenceWriter::create)
        .transpose()?;
    let study = load_study(&args.index.index, &args.series, &filter, evidence.as_mut())?;
    let selection = study.select(&[])?;
    let low_n = LowN {
        min_docs: args.low_n_docs,
        min_words: args.low_n_words,
    };
    note_validation_fit(
        validation.as_ref(),
        args.validation.as_deref(),
        &selection.themes,
    );
    let options = TrendOptions {
        low_n,
        cluster: args.cluster,
        validation: validation.as_ref(),
    };
    let long = trends_table(&selection, &spec, args.group, &filter, options)?;
    let outcome = if long.total_matches() == 0 {
        Outcome::NoHits
    } else {
        Outcome::Done
    };
    let context = if args.out.is_some() || args.plot.is_some() || args.evidence.is_some() {
        Some(manifest_context(&study)?)
    } else {
        None
    };
    if let (Some(plot), Some(context)) = (&args.plot, &context) {
        let manifest = write_chart(&long.rows, plot, &chart_title(&spec, args.group), context)?;
        announce(plot, None, &manifest);
    }
    if let (Some(path), Some(writer), Some(context)) = (&args.evidence, evidence, &context) {
        let rows = writer.rows();
        let manifest = writer.finish(context)?;
        announce(path, Some(rows), &manifest);
    }
    let mut table = if args.wide {
        analysis::widen(&long.frame, &selection.themes)?
    } else {
        long.frame.clone()
    };
    match (&args.out, &context) {
        (Some(out), Some(context)) => {
            let manifest = export::write_table_with_manifest(&mut table, out, context)?;
            announce(out, Some(table.height()), &manifest);
        }
        _ if args.json => print_json_lines(&mut table)?,
        _ => {
            let mut output = Output::stdout();
            if args.wide {
                study_print::frame(&mut output, &table)?;
            } else {
                study_print::trends(&mut output, &long.rows, args.group.is_some(), low_n)?;
            }
            output.flush()?;
        }
    }
    Ok(outcome)
}

/// Runs `statemine compare`.
pub fn compare(args: CompareArgs) -> anyhow::Result<Outcome> {
    outputs_apart(
        &[("--out", args.out.as_deref())],
        &[
            ("--themes", args.series.themes.themes.as_deref()),
            ("--validation", args.validation.as_deref()),
            ("--periods-file", args.named.periods_file.as_deref()),
            ("--speakers", args.filter.speakers.as_deref()),
        ],
    )?;
    let filter = analysis_filter(&args.filter, &args.para)?;
    let named = args.named.named()?;
    let comparison = analysis::resolve_comparison(
        &args.a,
        &args.b,
        args.group,
        named.as_deref().unwrap_or_default(),
    )?;
    if let Some(out) = &args.out {
        export::TableFormat::from_path(out)?;
    }
    let validation = read_validation(args.validation.as_deref())?;
    let study = load_study(&args.index.index, &args.series, &filter, None)?;
    let selection = study.select(&[])?;
    // Speakers are grouped by their registry names, so the sides are named so too.
    let comparison = comparison.with_canonical_speakers(&filter.turns.registry());
    let mut table = analysis::compare(
        &selection.docs,
        &comparison,
        &selection.themes,
        CONFIDENCE,
        args.cluster,
    )?;
    note_validation_fit(
        validation.as_ref(),
        args.validation.as_deref(),
        &selection.themes,
    );
    if let Some(validation) = &validation {
        analysis::validation::correct_comparison(&mut table, validation, CONFIDENCE);
    }
    match &args.out {
        Some(out) => {
            let context = manifest_context(&study)?;
            let mut frame = table.to_frame()?;
            let manifest = export::write_table_with_manifest(&mut frame, out, &context)?;
            announce(out, Some(frame.height()), &manifest);
        }
        None if args.json => print_json_lines(&mut table.to_frame()?)?,
        None => {
            let mut output = Output::stdout();
            study_print::comparison(&mut output, &table, args.cluster)?;
            output.flush()?;
        }
    }
    Ok(Outcome::Done)
}

/// Runs `statemine first`.
pub fn first(mut args: FirstArgs) -> anyhow::Result<Outcome> {
    // THEME with --theme: the themes of both, not THEME looked up among --theme's.
    let only = &mut args.series.themes.only;
    let theme = match args.theme.take() {
        Some(theme) if !only.is_empty() => {
            if !only.contains(&theme) {
                only.push(theme);
            }
            None
        }
        theme => theme,
    };
    outputs_apart(
        &[("--out", args.out.as_deref())],
        &[
            ("--themes", args.series.themes.themes.as_deref()),
            ("--speakers", args.filter.speakers.as_deref()),
        ],
    )?;
    let filter = analysis_filter(&args.filter, &args.para)?;
    if let Some(out) = &args.out {
        export::TableFormat::from_path(out)?;
    }
    let study = load_study(&args.index.index, &args.series, &filter, None)?;
    let selection = study.select(&[])?;
    let rows = study.first_rows(&selection, theme.as_deref())?;
    match &args.out {
        Some(out) => {
            let context = manifest_context(&study)?;
            let mut frame = analysis::first_frame(&rows)?;
            let manifest = export::write_table_with_manifest(&mut frame, out, &context)?;
            announce(out, Some(frame.height()), &manifest);
        }
        None if args.json => print_json_lines(&mut analysis::first_frame(&rows)?)?,
        None => {
            let mut output = Output::stdout();
            study_print::first(&mut output, &rows)?;
            output.flush()?;
        }
    }
    Ok(if rows.is_empty() {
        Outcome::NoHits
    } else {
        Outcome::Done
    })
}

/// Runs `statemine run`.
pub fn run_job(args: RunArgs) -> anyhow::Result<Outcome> {
    study_job::run(&args.job, None, args.json)
}

/// Arguments of `statemine report`.
#[derive(Args)]
pub struct ReportArgs {
    /// The job file (TOML): its inputs, index, themes, filter, comparisons and `[report]`.
    pub job: PathBuf,
    /// Where the page goes (default: the job's `[report] out`, else report.html in its
    /// output folder).
    #[arg(long, value_name = "FILE.html")]
    pub out: Option<PathBuf>,
    /// Print one JSON object at the end (as `run --json` does) instead of a line per
    /// written file.
    #[arg(long)]
    pub json: bool,
}

/// `statemine report`: the job's HTML report alone.
pub fn report(args: ReportArgs) -> anyhow::Result<Outcome> {
    outputs_apart(
        &[("--out", args.out.as_deref())],
        &[("the job", Some(args.job.as_path()))],
    )?;
    if let Some(out) = &args.out {
        statemine::export::report::check_report_path(out)?;
    }
    study_job::run(&args.job, Some(args.out.as_deref()), args.json)
}
