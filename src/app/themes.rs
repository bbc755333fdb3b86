//! `statemine themes ...` and `statemine kwic`: arguments, conversion into library calls,
//! and output (tables from [`super::themes_print`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::builder::RangedU64ValueParser;
use clap::{Args, Subcommand, ValueEnum};

use statemine::document::Lang;
use statemine::export::{EvidenceWriter, ManifestContext, TableFormat, write_table_with_manifest};
use statemine::index::IndexStore;
use statemine::study::{counted_model_fingerprint, model_file_fingerprint, theme_file_fingerprint};
use statemine::themes::{
    self, CountOptions, CountResult, EvalReport, EvidenceRow, EvidenceSink, GoldParagraph, Matcher,
    ThemeSet, evidence_frame, import,
};

use super::Outcome;
use super::common::{
    FilterArgs, IndexArgs, ParagraphArgs, analysis_filter, each_as, note_translated_pages,
    note_unmatched_names, outputs_apart, thread_count,
};
use super::output::{Output, note, note_mistake, quiet, stderr_line, warning};
use super::progress::CountProgress;
use super::{kwic_print, themes_print};

/// Subcommands of `statemine themes`.
#[derive(Subcommand, Debug)]
pub enum ThemesCommand {
    /// Count every theme in every document, with evidence.
    Count(CountArgs),
    /// Run every theme's example sentences; exit 2 when one does not behave.
    Test(TestArgs),
    /// Score the themes against hand-labelled paragraphs (precision, recall, F1).
    Eval(EvalArgs),
    /// Train the learned models of the themes on hand-labelled paragraphs (one per theme
    /// and language) and write the model file beside the theme file.
    Train(TrainArgs),
    /// Draw a stratified sample of paragraphs to hand-code (for `themes validate`).
    Sample(super::validation::SampleArgs),
    /// Measure precision, recall and prevalence on hand-coded paragraphs, design-weighted,
    /// with 95% intervals; writes validation.json for --validation.
    Validate(super::validation::ValidateArgs),
    /// Convert a quanteda YAML or LIWC .dic dictionary into a theme file.
    Import(ImportArgs),
    /// Print regex and search-query equivalents of the theme set as JSON (benchmark
    /// baselines).
    #[command(hide = true)]
    ExportBaseline(ExportBaselineArgs),
}

/// Which theme file to use.
#[derive(Args, Debug, Clone)]
pub struct ThemesFileArgs {
    /// Theme file: .toml, quanteda .yml/.yaml or LIWC .dic [default:
    /// corpus/themes/korea-2017.toml when the working directory has it, else the same set
    /// compiled into statemine].
    #[arg(long, value_name = "FILE", env = "STATEMINE_THEMES")]
    pub themes: Option<PathBuf>,
    /// Only these theme ids (repeatable).
    #[arg(long = "theme", value_name = "ID")]
    pub only: Vec<String>,
}

impl ThemesFileArgs {
    /// Loads and validates the theme set: `--themes`, else the default file of the working
    /// directory (a file on disk takes precedence), else the built-in default set.
    pub fn load(&self) -> anyhow::Result<ThemeSet> {
        let default = Path::new(themes::DEFAULT_THEMES_FILE);
        let mut set = match &self.themes {
            Some(path) => ThemeSet::load(path)?,
            None if default.exists() => ThemeSet::load(default)?,
            None => themes::builtin_theme_set()?,
        };
        if !self.only.is_empty() {
            set.retain(&self.only)?;
        }
        Ok(set)
    }
}

/// Arguments of `statemine themes count`.
#[derive(Args, Debug)]
pub struct CountArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub themes: ThemesFileArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub para: ParagraphArgs,
    /// Write one row per match to this file (.csv, .parquet, .json, .ndjson).
    #[arg(long, value_name = "OUT")]
    pub evidence: Option<PathBuf>,
    /// Write the document-by-theme table to --out: one row per selected document (its
    /// metadata, words, paragraphs) and one match-count column per theme, zeros included.
    #[arg(long, requires = "out")]
    pub by_doc: bool,
    /// Where --by-doc writes its table (.csv, .parquet, .json, .ndjson).
    #[arg(long, value_name = "FILE", requires = "by_doc")]
    pub out: Option<PathBuf>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Worker threads (0: one per core; at most 256).
    #[arg(long, default_value_t = 0, value_parser = thread_count())]
    pub threads: usize,
}

/// Arguments of `statemine themes test`.
#[derive(Args, Debug)]
pub struct TestArgs {
    #[command(flatten)]
    pub themes: ThemesFileArgs,
    /// Print one JSON object (the theme file, the counts and every failed example) instead
    /// of the failures and the summary line.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `statemine themes eval`.
#[derive(Args, Debug)]
pub struct EvalArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub themes: ThemesFileArgs,
    /// Gold labels (JSON Lines: doc_id, para, themes); repeat for several files, which are
    /// scored each and pooled.
    #[arg(long, value_name = "FILE", required = true)]
    pub gold: Vec<PathBuf>,
    /// K-fold cross-validation with whole documents as folds: `--cv-by doc 5`.
    #[arg(long = "cv-by", num_args = 2, value_names = ["UNIT", "K"])]
    pub cv_by: Option<Vec<String>>,
    /// Write every false negative and false positive with its text (CSV, or JSON Lines
    /// for `.jsonl`).
    #[arg(long, value_name = "FILE")]
    pub misses: Option<PathBuf>,
    /// Score the labels the index holds and only warn about the others (default: an
    /// error naming FILE:LINE of each missing paragraph).
    #[arg(long)]
    pub allow_missing: bool,
    /// Print the scores as one JSON object.
    #[arg(long, conflicts_with = "out")]
    pub json: bool,
    /// Write the scores to FILE (.csv, .parquet, .json, .ndjson: one row per theme of each
    /// gold file, the pooled files and the cross-validation, and a `(macro)` row each) and
    /// FILE.manifest.json instead of printing them.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also list the false positives and false negatives of this theme.
    #[arg(long, value_name = "ID")]
    pub errors: Option<String>,
}

/// Arguments of `statemine themes train`.
#[derive(Args, Debug)]
pub struct TrainArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub themes: ThemesFileArgs,
    /// Gold labels (JSON Lines: doc_id, para, themes); repeat for several files, which are
    /// pooled (a paragraph labelled twice keeps its first label).
    #[arg(long, value_name = "FILE", required = true)]
    pub gold: Vec<PathBuf>,
    /// Where to write the model [default: the theme file's `model`, else NAME.model.json
    /// beside NAME.toml].
    #[arg(long, value_name = "MODEL")]
    pub out: Option<PathBuf>,
    /// Print one JSON object (the model file and, per theme and language, the training
    /// counts and inner cross-validated F1) instead of a line per model on stderr.
    #[arg(long)]
    pub json: bool,
}

/// Dictionary formats `themes import` reads.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DictFormat {
    /// quanteda YAML dictionary.
    Quanteda,
    /// LIWC .dic dictionary.
    Liwc,
}

/// Arguments of `statemine themes import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The dictionary file.
    pub file: PathBuf,
    /// Its format [default: from the extension: .yml/.yaml quanteda, .dic liwc].
    #[arg(long)]
    pub format: Option<DictFormat>,
    /// Write the theme file here (default: standard output).
    #[arg(long, value_name = "FILE.toml")]
    pub out: Option<PathBuf>,
    /// Languages to give the patterns to (repeatable) [default: en and ru].
    #[arg(long)]
    pub lang: Vec<Lang>,
}

/// Arguments of the hidden `statemine themes export-baseline`.
#[derive(Args, Debug)]
pub struct ExportBaselineArgs {
    #[command(flatten)]
    pub themes: ThemesFileArgs,
    /// Language of the patterns.
    #[arg(long, default_value = "en")]
    pub lang: Lang,
}

/// `--sort` of `statemine kwic`: a comma list of keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KwicSort(Vec<themes::KwicKey>);

impl std::str::FromStr for KwicSort {
    type Err = String;

    fn from_str(spec: &str) -> Result<KwicSort, String> {
        themes::parse_kwic_sort(spec)
            .map(KwicSort)
            .map_err(|e| e.to_string())
    }
}

/// Arguments of `statemine kwic`.
#[derive(Args, Debug)]
pub struct KwicArgs {
    /// A theme id of the theme file, or else a phrase pattern (`"sanction* ~2 useless"`);
    /// optional when `--theme ID` names the themes to show (several show side by side).
    pub target: Option<String>,
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub themes: ThemesFileArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub para: ParagraphArgs,
    /// Characters of context on each side (at most 10,000).
    #[arg(long, default_value_t = 40, value_parser = RangedU64ValueParser::<usize>::new().range(0..=10_000))]
    pub width: usize,
    /// Order of the lines: keys separated by commas, each left1..left20 (the Nth word left
    /// of the match, nearest first), right1..right20, left (the whole left context, nearest
    /// word first), right, match, date, doc or theme; e.g. `right1,right2,date`. Lines
    /// equal on every key stay in date and document order.
    #[arg(long, value_name = "KEYS", default_value = "date")]
    pub sort: KwicSort,
    /// Marks around the match: OPEN,CLOSE (`<<,>>`) or one string for both sides [default:
    /// the first of [ ], ⟦ ⟧, << >>, {{ }} that occurs in none of the lines shown; colour
    /// instead on a terminal].
    #[arg(long, value_name = "OPEN,CLOSE", value_parser = kwic_print::Markers::parse)]
    pub marker: Option<kwic_print::Markers>,
    /// At most this many lines (0: all, as `search --limit 0`).
    #[arg(long)]
    pub limit: Option<usize>,
    /// One JSON object per line.
    #[arg(long, conflicts_with = "out")]
    pub json: bool,
    /// Write the lines to FILE (.csv, .parquet, .json, .ndjson: the evidence columns, with
    /// the context) and FILE.manifest.json instead of printing them.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Runs a `statemine themes` subcommand.
pub fn run(command: ThemesCommand) -> anyhow::Result<Outcome> {
    match command {
        ThemesCommand::Count(args) => count(args),
        ThemesCommand::Test(args) => test(args),
        ThemesCommand::Eval(args) => eval(args),
        ThemesCommand::Train(args) => train(args),
        ThemesCommand::Sample(args) => super::validation::sample(args),
        ThemesCommand::Validate(args) => super::validation::validate(args),
        ThemesCommand::Import(args) => import_dictionary(args),
        ThemesCommand::ExportBaseline(args) => export_baseline(args),
    }
}

/// Counts with the progress bar of theme counts (hidden with `--quiet` or when stderr is
/// not a terminal); evidence rows go to `sink` when there is one (see
/// [`themes::count_into`]).
fn count_with_progress(
    store: &IndexStore,
    matcher: &Matcher,
    filter: &statemine::index::DocFilter,
    options: &CountOptions,
    sink: Option<&mut (dyn EvidenceSink + Send)>,
) -> anyhow::Result<CountResult> {
    let bar = CountProgress::new();
    let progress = |event| bar.update(event);
    let result = match sink {
        Some(sink) => themes::count_into(store, matcher, filter, options, &progress, sink),
        None => themes::count_with(store, matcher, filter, options, &progress),
    };
    bar.finish();
    Ok(result?)
}

/// What the manifest of a table written by `themes count`, `kwic` or `eval` records; with
/// the matcher that counted, the model file is the one it read.
fn manifest_context(
    store: &IndexStore,
    set: &ThemeSet,
    matcher: Option<&Matcher>,
) -> anyhow::Result<ManifestContext> {
    let model = match matcher {
        Some(matcher) => counted_model_fingerprint(set, matcher)?,
        None => model_file_fingerprint(set)?,
    };
    Ok(ManifestContext {
        args: std::env::args().collect(),
        index: Some(store.fingerprint()?),
        themes: Some(theme_file_fingerprint(set)?),
        model,
        job: None,
    })
}

fn count(args: CountArgs) -> anyhow::Result<Outcome> {
    outputs_apart(
        &[
            ("--evidence", args.evidence.as_deref()),
            ("--out", args.out.as_deref()),
        ],
        &[
            ("--themes", args.themes.themes.as_deref()),
            ("--speakers", args.filter.speakers.as_deref()),
        ],
    )?;
    for path in [&args.evidence, &args.out].into_iter().flatten() {
        TableFormat::from_path(path)?;
    }
    let set = args.themes.load()?;
    let filter = analysis_filter(&args.filter, &args.para)?;
    let store = IndexStore::open(&args.index.index)?;
    note_unmatched_names(&store, &filter)?;
    note_translated_pages(&store, &filter)?;
    let matcher = Matcher::for_langs(&set, &filter.langs)?;
    let options = CountOptions {
        threads: args.threads,
        // Rows are streamed to the writer, not collected.
        evidence: false,
        context_chars: 0,
        // The summary table and JSON count matches, paragraphs and documents only.
        skip_turns: true,
        terms: Vec::new(),
    };
    // Created before the count: a folder that cannot be written fails at once.
    let mut evidence = args
        .evidence
        .as_deref()
        .map(EvidenceWriter::create)
        .transpose()?;
    let started = std::time::Instant::now();
    let sink = evidence
        .as_mut()
        .map(|writer| writer as &mut (dyn EvidenceSink + Send));
    let result = count_with_progress(&store, &matcher, &filter, &options, sink)?;
    let seconds = started.elapsed().as_secs_f64();
    let summary = themes::summarize(&set, &result.docs);
    let total: u64 = summary.themes.iter().map(|t| t.matches).sum();
    let mut out = Output::stdout();
    if let (Some(path), Some(writer)) = (&args.evidence, evidence) {
        let rows = writer.rows();
        let manifest = writer.finish(&manifest_context(&store, &set, Some(&matcher))?)?;
        note(format_args!(
            "wrote {rows} evidence rows from {} documents to {} and {}",
            summary.documents,
            path.display(),
            manifest.display()
        ));
    }
    if let Some(path) = &args.out {
        let ids: Vec<String> = set.themes.iter().map(|t| t.id.clone()).collect();
        let mut frame = themes::by_doc_frame(&ids, &result.docs)?;
        let context = manifest_context(&store, &set, Some(&matcher))?;
        let manifest = write_table_with_manifest(&mut frame, path, &context)?;
        note(format_args!(
            "wrote {} documents x {} themes to {} and {}",
            result.docs.len(),
            ids.len(),
            path.display(),
            manifest.display()
        ));
    }
    if args.json {
        out.line(&serde_json::to_string(&summary)?)?;
    } else if args.evidence.is_none() && args.out.is_none() {
        out.line(&themes_print::summary_table(&summary))?;
    }
    out.flush()?;
    if !quiet() {
        let mb = result.text_bytes as f64 / 1e6;
        stderr_line!(
            "{} documents, {mb:.1} MB of text in {seconds:.2}s ({:.1} MB/s)",
            summary.documents,
            mb / seconds.max(1e-9)
        );
    }
    Ok(if total == 0 {
        Outcome::NoHits
    } else {
        Outcome::Done
    })
}

fn test(args: TestArgs) -> anyhow::Result<Outcome> {
    let set = args.themes.load()?;
    let outcomes = themes::run_examples(&set)?;
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed()).collect();
    let themes_with_examples = set
        .themes
        .iter()
        .filter(|t| t.langs.iter().any(|l| !l.examples.is_empty()))
        .count();
    let mut out = Output::stdout();
    if args.json {
        let summary = serde_json::json!({
            "file": set.path,
            "examples": outcomes.len(),
            "themes_with_examples": themes_with_examples,
            "themes": set.themes.len(),
            "failed": failed.len(),
            "failures": failed,
        });
        out.line(&summary.to_string())?;
    } else {
        for failure in &failed {
            out.line(&themes_print::example_failure(failure))?;
        }
    }
    out.flush()?;
    if !args.json {
        stderr_line!(
            "{}: {} examples in {} of {} themes, {} failed",
            set.path.display(),
            outcomes.len(),
            themes_with_examples,
            set.themes.len(),
            failed.len()
        );
    }
    anyhow::ensure!(
        failed.is_empty(),
        "{} of {} examples failed",
        failed.len(),
        outcomes.len()
    );
    Ok(Outcome::Done)
}

/// Warns about labels whose gold text is not the index's paragraph at that place.
fn warn_stale_labels(gold: &[GoldParagraph], docs: &[statemine::index::StoredDocument]) {
    let stale = themes::stale_labels(gold, docs);
    if stale.is_empty() {
        return;
    }
    warning(format_args!(
        "{} labelled paragraph(s) differ from the index's text at that place (the document \
         changed, or was ingested with --split-inline-labels, after it was labelled), so \
         their labels may belong to other words:\n{}",
        stale.len(),
        statemine::text::terminal_safe(&list_paragraphs(&stale, ""))
    ));
}

/// The first five of `paragraphs` as `  FILE:LINE: DOC para N{suffix}` lines, then how many
/// more there are.
fn list_paragraphs(paragraphs: &[themes::MissingParagraph], suffix: &str) -> String {
    let mut lines: Vec<String> = paragraphs
        .iter()
        .take(5)
        .map(|m| format!("  {}: {} para {}{suffix}", m.location, m.doc_id, m.para))
        .collect();
    let more = paragraphs.len() - lines.len();
    if more > 0 {
        lines.push(format!("  ... and {more} more"));
    }
    lines.join("\n")
}

fn eval(args: EvalArgs) -> anyhow::Result<Outcome> {
    let inputs: Vec<_> = each_as("--gold", &args.gold)
        .chain([("--themes", args.themes.themes.as_deref())])
        .collect();
    outputs_apart(
        &[
            ("--misses", args.misses.as_deref()),
            ("--out", args.out.as_deref()),
        ],
        &inputs,
    )?;
    if let Some(path) = &args.out {
        TableFormat::from_path(path)?;
    }
    let set = args.themes.load()?;
    let folds = args.cv_by.as_deref().map(cv_folds).transpose()?;
    let mut files = Vec::new();
    for path in &args.gold {
        let gold = themes::read_gold(path)?;
        themes::check_gold_themes(&set, &gold)?;
        files.push((path.clone(), gold));
    }
    let mut pooled: Vec<GoldParagraph> = files.iter().flat_map(|(_, g)| g.clone()).collect();
    let repeated = themes::dedup_gold(&mut pooled);
    let store = IndexStore::open(&args.index.index)?;
    let labelled = themes::model::gold_documents(&store, &pooled)?;
    warn_stale_labels(&pooled, &labelled);
    let docs = themes::count_gold_documents(&store, &set, &pooled)?;
    let reports: Vec<(PathBuf, EvalReport)> = files
        .iter()
        .map(|(path, gold)| (path.clone(), themes::evaluate(&set, gold, &docs)))
        .collect();
    let pooled_report = themes::evaluate(&set, &pooled, &docs);
    if !pooled_report.missing.is_empty() {
        let missing = &pooled_report.missing;
        let message = format!(
            "{} labelled paragraph(s) are not in the index {}:\n{}",
            missing.len(),
            args.index.index.display(),
            list_paragraphs(missing, " is not in the index")
        );
        if !args.allow_missing {
            anyhow::bail!(
                "{message}\n(ingest their documents, or pass --allow-missing to score the rest)"
            );
        }
        warning(format_args!("{message}\nthey are not scored"));
    }
    let trained = set.uses_model();
    if trained && folds.is_none() {
        note(format_args!(
            "some themes count by a learned model, which may have been trained on these labels: without --cv-by doc K the scores are not measured on unseen documents"
        ));
    }
    let cv = match folds {
        Some(k) if trained => Some(themes::model::cross_validate_trained(
            &set,
            &pooled,
            &labelled,
            k,
            themes::EVAL_SEED,
            themes::model::TrainSettings::default(),
        )?),
        Some(k) => Some(themes::cross_validate(
            &set,
            &pooled,
            &docs,
            k,
            themes::EVAL_SEED,
        )?),
        None => None,
    };
    let mut out = Output::stdout();
    if let Some(path) = &args.out {
        let pooled = (reports.len() > 1).then_some(&pooled_report);
        let mut frame = themes::eval_frame(&themes::eval_scopes(&reports, pooled, cv.as_ref()))?;
        let manifest =
            write_table_with_manifest(&mut frame, path, &manifest_context(&store, &set, None)?)?;
        note(format_args!(
            "wrote {} evaluation rows to {} and {}",
            frame.height(),
            path.display(),
            manifest.display()
        ));
    } else if args.json {
        let files: Vec<serde_json::Value> = reports
            .iter()
            .map(|(path, report)| serde_json::json!({"file": path, "report": report}))
            .collect();
        let json = serde_json::json!({
            "files": files,
            "pooled": (reports.len() > 1).then_some(&pooled_report),
            "repeated_labels": repeated,
            "cv": cv,
        });
        out.line(&json.to_string())?;
    } else {
        for (path, report) in &reports {
            if reports.len() > 1 {
                out.line(&format!("== {}", path.display()))?;
            }
            out.line(&themes_print::eval_table(report))?;
            out.line("")?;
        }
        if reports.len() > 1 {
            out.line(&format!("== pooled ({} files)", reports.len()))?;
            out.line(&themes_print::eval_table(&pooled_report))?;
            if repeated > 0 {
                out.line(&format!("{repeated} paragraph(s) labelled in more than one file: the first label is used"))?;
            }
            out.line("")?;
        }
        if let Some(cv) = &cv {
            out.line(&themes_print::cv_table(cv, &pooled_report, trained))?;
        }
    }
    if let Some(theme) = &args.errors {
        let score = pooled_report
            .themes
            .iter()
            .find(|t| &t.theme == theme)
            .ok_or_else(|| set.unknown_theme(theme))?;
        out.line(&themes_print::eval_errors(score, &pooled))?;
    }
    out.flush()?;
    if let Some(path) = &args.misses {
        let rows = themes::misses(&pooled_report, &pooled);
        write_misses(path, &rows)?;
        note(format_args!(
            "wrote {} misses to {}",
            rows.len(),
            path.display()
        ));
    }
    Ok(Outcome::Done)
}

fn train(args: TrainArgs) -> anyhow::Result<Outcome> {
    let inputs: Vec<_> = each_as("--gold", &args.gold)
        .chain([("--themes", args.themes.themes.as_deref())])
        .collect();
    outputs_apart(&[("--out", args.out.as_deref())], &inputs)?;
    anyhow::ensure!(
        args.themes.only.is_empty(),
        "themes train trains every theme of the file (--theme does not apply)"
    );
    let set = args.themes.load()?;
    let out = match &args.out {
        Some(path) => path.clone(),
        None if themes::source_text(&set.path).is_some() => anyhow::bail!(
            "the built-in theme set has no folder to write its model to: pass --themes FILE or --out MODEL"
        ),
        None => set.model_path().unwrap_or_else(|| {
            set.path
                .with_file_name(themes::model::default_model_name(&set.path))
        }),
    };
    let (pooled, sources) = read_gold_files(&set, &args.gold)?;
    let store = IndexStore::open(&args.index.index)?;
    let docs = themes::model::gold_documents(&store, &pooled)?;
    warn_stale_labels(&pooled, &docs);
    let started = std::time::Instant::now();
    let model = themes::model::train(
        &set,
        &pooled,
        &docs,
        sources,
        themes::model::TrainSettings::default(),
    )?;
    write_file(&out, &model.to_json())?;
    if args.json {
        let models: Vec<serde_json::Value> = model
            .models
            .iter()
            .map(|m| {
                serde_json::json!({
                    "theme": m.theme,
                    "lang": m.lang,
                    "positives": m.positives,
                    "negatives": m.negatives,
                    "documents": m.documents,
                    "weights": m.weights.len(),
                    "threshold": m.threshold,
                    "threshold_either": m.threshold_either,
                    "inner_f1": {
                        "rules": m.inner_f1.rules,
                        "model": m.inner_f1.model,
                        "either": m.inner_f1.either,
                    },
                })
            })
            .collect();
        let mut output = Output::stdout();
        output.line(&serde_json::json!({ "model": out, "models": models }).to_string())?;
        output.flush()?;
    }
    if !quiet() {
        for m in model.models.iter().filter(|_| !args.json) {
            stderr_line!(
                "{} [{}]: {} positives, {} negatives in {} documents, {} weights; inner CV F1 rules {:.3}, model {:.3} (p > {:.3}), either {:.3} (p > {:.3})",
                m.theme,
                m.lang,
                m.positives,
                m.negatives,
                m.documents,
                m.weights.len(),
                m.inner_f1.rules,
                m.inner_f1.model,
                m.threshold,
                m.inner_f1.either,
                m.threshold_either
            );
        }
        note(format_args!(
            "wrote {} models to {} in {:.1}s",
            model.models.len(),
            out.display(),
            started.elapsed().as_secs_f64()
        ));
        if set.model.is_none() {
            note(format_args!(
                "the theme file names no model: add `model = \"{}\"` at its top and `count = \"either\"` (or \"model\") to the themes that should use it",
                out.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            ));
        }
    }
    Ok(Outcome::Done)
}

/// Reads and checks gold files, pooled (first label of a paragraph kept), with the file
/// names and paragraph counts a model records.
fn read_gold_files(
    set: &ThemeSet,
    paths: &[PathBuf],
) -> anyhow::Result<(Vec<GoldParagraph>, Vec<themes::model::GoldSource>)> {
    let mut pooled = Vec::new();
    let mut sources = Vec::new();
    for path in paths {
        let gold = themes::read_gold(path)?;
        themes::check_gold_themes(set, &gold)?;
        sources.push(themes::model::GoldSource {
            file: path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into(),
            ),
            paragraphs: gold.len(),
        });
        pooled.extend(gold);
    }
    themes::dedup_gold(&mut pooled);
    Ok((pooled, sources))
}

/// `--cv-by UNIT K`: only documents are folds.
fn cv_folds(values: &[String]) -> anyhow::Result<usize> {
    let [unit, k] = values else {
        anyhow::bail!("--cv-by takes a unit and a number of folds: --cv-by doc 5");
    };
    if unit != "doc" {
        anyhow::bail!(
            "--cv-by: unknown unit `{unit}` (folds are whole documents: --cv-by doc {k})"
        );
    }
    k.parse()
        .map_err(|_| anyhow::anyhow!("--cv-by doc: `{k}` is not a number of folds"))
}

/// Writes misses (rows of any serializable kind) as CSV, or as JSON Lines when the file
/// ends in `.jsonl`/`.ndjson`.
pub(super) fn write_misses<T: serde::Serialize>(
    path: &std::path::Path,
    rows: &[T],
) -> anyhow::Result<()> {
    let context = || format!("cannot write {}", path.display());
    let file = std::io::BufWriter::new(std::fs::File::create(path).with_context(context)?);
    let json = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson")
    );
    if json {
        let mut file = file;
        for row in rows {
            serde_json::to_writer(&mut file, row).with_context(context)?;
            file.write_all(b"\n").with_context(context)?;
        }
        file.flush().with_context(context)?;
    } else {
        let mut writer = csv::Writer::from_writer(file);
        for row in rows {
            writer.serialize(row).with_context(context)?;
        }
        writer.flush().with_context(context)?;
    }
    Ok(())
}

fn import_dictionary(args: ImportArgs) -> anyhow::Result<Outcome> {
    outputs_apart(
        &[("--out", args.out.as_deref())],
        &[("the dictionary", Some(args.file.as_path()))],
    )?;
    let format = match args.format {
        Some(format) => format,
        None => match args
            .file
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("yml" | "yaml") => DictFormat::Quanteda,
            Some("dic") => DictFormat::Liwc,
            _ => anyhow::bail!(
                "{}: cannot tell the dictionary format from the extension; pass --format quanteda|liwc",
                args.file.display()
            ),
        },
    };
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let langs: Vec<Lang> = if args.lang.is_empty() {
        Lang::ALL.to_vec()
    } else {
        args.lang.clone()
    };
    let imported = match format {
        DictFormat::Quanteda => import::quanteda(&args.file, &text, &langs)?,
        DictFormat::Liwc => import::liwc(&args.file, &text, &langs)?,
    };
    for problem in &imported.warnings {
        warning(format_args!("{}: {problem}", args.file.display()));
    }
    // Validate before writing, so a written file always loads.
    let set = ThemeSet::from_file(&args.file, imported.file.clone(), None)?;
    let toml = format!(
        "# Converted from {} by `statemine themes import` ({} themes).\n# Plain words match the lowercased token exactly (`=word`), `word*` is a prefix glob.\n\n{}",
        args.file.display(),
        set.themes.len(),
        toml::to_string_pretty(&imported.file)?
    );
    match &args.out {
        Some(path) => {
            write_file(path, &toml)?;
            note(format_args!(
                "wrote {} themes to {} ({} warnings)",
                set.themes.len(),
                path.display(),
                imported.warnings.len()
            ));
        }
        None => {
            let mut out = Output::stdout();
            out.line(toml.trim_end())?;
            out.flush()?;
        }
    }
    Ok(Outcome::Done)
}

fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    statemine::export::write_atomic(path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

fn export_baseline(args: ExportBaselineArgs) -> anyhow::Result<Outcome> {
    let set = args.themes.load()?;
    let themes = themes::regex_equivalents(&set, args.lang);
    let json = serde_json::json!({
        "name": set.name,
        "lang": args.lang.as_str(),
        "case_insensitive": true,
        "themes": themes,
    });
    let mut out = Output::stdout();
    out.line(&serde_json::to_string_pretty(&json)?)?;
    out.flush()?;
    Ok(Outcome::Done)
}

/// Why `kwic` shows nothing: a theme without matches, or a target that is no theme id of
/// the file (a mistyped id is read as a phrase), with the ids it could have meant.
fn kwic_no_lines(args: &KwicArgs, set: &ThemeSet, file_set: &ThemeSet) -> String {
    let as_query = set
        .themes
        .first()
        .is_some_and(|t| t.id == themes::QUERY_THEME);
    match (&args.target, set.themes.as_slice()) {
        (Some(target), _) if as_query => format!(
            "no lines: `{target}` is no theme id of {}, so it was read as a phrase, which matched nothing (themes: {})",
            file_set.path.display(),
            file_set.id_list()
        ),
        (_, [theme]) => format!(
            "no lines: theme `{}` matched nothing in the selected documents",
            theme.id
        ),
        _ => format!(
            "no lines: themes {} matched nothing in the selected documents",
            set.id_list()
        ),
    }
}

/// The themes `kwic` shows: the target's theme and those of `--theme`, or the target read
/// as a phrase. `file_set` is the whole theme file (`--theme` not applied).
fn kwic_themes(args: &KwicArgs, file_set: &ThemeSet) -> anyhow::Result<ThemeSet> {
    let mut ids = args.themes.only.clone();
    match &args.target {
        Some(target) if file_set.theme(target).is_some() => ids.push(target.clone()),
        Some(target) if ids.is_empty() => {
            if let Some(id) = themes::mistyped_theme_id(file_set, target) {
                note_mistake(format_args!(
                    "`{target}` is no theme id, so it is read as a phrase; did you mean `{id}`?"
                ));
            }
            return Ok(themes::kwic_set(Some(file_set), target)?);
        }
        Some(target) => anyhow::bail!(
            "`{target}` is no theme id of {} (themes: {}), and a phrase is shown alone: \
             drop --theme to read it as a phrase",
            file_set.path.display(),
            file_set.id_list()
        ),
        None if ids.is_empty() => anyhow::bail!(
            "name what to show: a theme id (`statemine kwic us_blame`, or `--theme ID`, \
             repeatable) or a phrase (`statemine kwic \"sanction* ~2 useless\"`); themes of {}: {}",
            file_set.path.display(),
            file_set.id_list()
        ),
        None => {}
    }
    ids.sort();
    ids.dedup();
    let mut set = file_set.clone();
    set.retain(&ids)?;
    Ok(set)
}

/// Runs `statemine kwic`.
pub fn kwic(args: KwicArgs) -> anyhow::Result<Outcome> {
    if let Some(out) = &args.out {
        TableFormat::from_path(out)?;
    }
    let file_set = ThemesFileArgs {
        only: Vec::new(),
        ..args.themes.clone()
    }
    .load()?;
    let set = kwic_themes(&args, &file_set)?;
    let filter = analysis_filter(&args.filter, &args.para)?;
    let store = IndexStore::open(&args.index.index)?;
    note_unmatched_names(&store, &filter)?;
    let matcher = Matcher::for_langs(&set, &filter.langs)?;
    let options = CountOptions {
        threads: 0,
        evidence: true,
        context_chars: args.width.max(1),
        skip_turns: true,
        terms: Vec::new(),
    };
    let mut rows = count_with_progress(&store, &matcher, &filter, &options, None)?.evidence;
    themes::sort_kwic(&mut rows, &args.sort.0);
    let total = rows.len();
    if let Some(limit) = args.limit.filter(|&n| n > 0) {
        rows.truncate(limit);
    }
    if let Some(path) = &args.out {
        let mut frame = evidence_frame(&rows)?;
        let manifest = write_table_with_manifest(
            &mut frame,
            path,
            &manifest_context(&store, &file_set, Some(&matcher))?,
        )?;
        note(format_args!(
            "wrote {} ({} lines) and {}",
            path.display(),
            rows.len(),
            manifest.display()
        ));
    }
    let mut out = Output::stdout();
    let shown: &[EvidenceRow] = if args.out.is_none() { &rows } else { &[] };
    let markers = match &args.marker {
        Some(given) => {
            let clashing = given.clashing_lines(shown);
            if clashing > 0 && !args.json {
                warning(format_args!(
                    "the marker `{}` or `{}` occurs in the text of {clashing} lines",
                    given.open, given.close
                ));
            }
            Some(given.clone())
        }
        None if out.color => None,
        None => Some(kwic_print::Markers::choose(shown)),
    };
    let layout = kwic_print::KwicLayout::new(shown, args.width, markers);
    for row in shown {
        let line = if args.json {
            serde_json::to_string(row)?
        } else {
            layout.line(row)
        };
        out.line(&line)?;
    }
    out.flush()?;
    if total > rows.len() {
        note(format_args!(
            "{} of {total} lines shown (--limit)",
            rows.len()
        ));
    }
    if total == 0 {
        note(kwic_no_lines(&args, &set, &file_set));
    }
    Ok(if total == 0 {
        Outcome::NoHits
    } else {
        Outcome::Done
    })
}
