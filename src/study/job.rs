//! Running a job file: ingest its inputs, count the themes once, write every output with
//! its manifest, and report each written file as it is done.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;

use super::StudyError;
use super::counted::{CONFIDENCE, Study, TrendOptions, chart_title, trends_table};
use super::job_file::{Job, JobOutput, comparisons_of};
use super::report::write_report;
use super::streamed::{Finished, JobStreams, StreamedReport};
use crate::analysis::validation::{self, Validation};
use crate::analysis::{
    self, AnalysisError, ClusterUnit, Comparison, Granularity, PeriodSpec, TrendRow,
};
use crate::export::{self, ManifestContext};
use crate::index::{
    IndexStore, IngestOptions, IngestReport, ProgressSink, TranslatedPages, UnmatchedName,
};
use crate::text::toml_error::line_of_quoted;
use crate::themes::{EvidenceSink, Progress, ThemeSet};

/// One written file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Written {
    /// What it holds: `trends`, `compare`, `first`, `evidence` or `chart`.
    pub kind: &'static str,
    /// Rows of a table, periods of a chart.
    pub count: usize,
    /// `rows` or `periods`.
    pub unit: &'static str,
    /// Where it was written (its manifest is beside it).
    pub path: PathBuf,
}

impl Written {
    pub(super) fn table(kind: &'static str, rows: usize, path: &Path) -> Written {
        Written {
            kind,
            count: rows,
            unit: "rows",
            path: path.to_path_buf(),
        }
    }

    fn chart(periods: usize, path: &Path) -> Written {
        Written {
            kind: "chart",
            count: periods,
            unit: "periods",
            path: path.to_path_buf(),
        }
    }
}

/// What a job run reports as it goes, in this order.
#[derive(Debug)]
pub enum JobEvent<'a> {
    /// The job's inputs were ingested into `index` (only when the job has inputs).
    Ingested {
        /// The index directory.
        index: &'a Path,
        /// What ingest did.
        report: &'a IngestReport,
    },
    /// A speaker or source of the job's filter matches no value in the index.
    UnmatchedName(&'a UnmatchedName),
    /// The job's filter selects pages in more than one language (one event counted once
    /// per version; see [`IndexStore::translated_pages`]).
    TranslatedPages(&'a TranslatedPages),
    /// The themes were counted in this many selected documents (before any output).
    Counted {
        /// Documents the job's filter selected.
        documents: usize,
    },
    /// An output and its manifest were written.
    Written(&'a Written),
}

/// Runs `job`: ingests its inputs (reporting to `ingest`; a rejected record makes the job
/// fail after [`JobEvent::Ingested`]), counts the themes once (reporting to `count`),
/// then writes every output with a manifest that records `args` as the command line.
/// `on_event` sees each step; an error it returns stops the job.
pub fn run_job<E: From<StudyError>>(
    job: &Job,
    args: Vec<String>,
    ingest: &dyn ProgressSink,
    count: &(dyn Fn(Progress) + Sync),
    mut on_event: impl FnMut(JobEvent<'_>) -> Result<(), E>,
) -> Result<(), E> {
    // Everything the index is not needed for is checked before anything runs.
    let set = ThemeSet::load(&job.themes).map_err(StudyError::from)?;
    check_theme_ids(job, &set)?;
    job.check_model_apart(&set).map_err(StudyError::from)?;
    // A model file a theme counts by is read and checked now, not after the ingest.
    if set.uses_model() {
        crate::themes::Matcher::new(&set).map_err(StudyError::from)?;
    }
    let validation = job
        .validation
        .as_deref()
        .map(Validation::read)
        .transpose()
        .map_err(StudyError::from)?;
    if !job.inputs.is_empty() {
        let options = IngestOptions {
            split_inline_labels: job.split_inline_labels,
            ..IngestOptions::new(&job.index)
        };
        let report = crate::index::ingest(&job.inputs, &options, ingest).map_err(|source| {
            StudyError::Ingest {
                index: job.index.clone(),
                source,
            }
        })?;
        on_event(JobEvent::Ingested {
            index: &job.index,
            report: &report,
        })?;
        if report.rejected > 0 {
            return Err(StudyError::Rejected {
                rejected: report.rejected,
            }
            .into());
        }
    }
    let store = IndexStore::open(&job.index).map_err(StudyError::from)?;
    for unmatched in store
        .unmatched_names(&job.filter)
        .map_err(StudyError::from)?
    {
        on_event(JobEvent::UnmatchedName(&unmatched))?;
    }
    let translated = store
        .translated_pages(&job.filter)
        .map_err(StudyError::from)?;
    if translated.pages > 0 {
        on_event(JobEvent::TranslatedPages(&translated))?;
    }
    // Evidence tables and the report's rows are written as the documents are counted,
    // each finished at its turn below.
    let mut streams = JobStreams::create(job, &set)?;
    let sink = streams
        .wants_rows()
        .then_some(&mut streams as &mut (dyn EvidenceSink + Send));
    let study = Study::count_series_into(store, Some(&set), &[], &job.filter, sink, count)?;
    on_event(JobEvent::Counted {
        documents: study.counted.docs.len(),
    })?;
    let job_file = export::file_fingerprint(&job.path).map_err(StudyError::from)?;
    let context = study.manifest_context(args, Some(job_file))?;
    // The comparisons are made before any output is written: one that cannot be made (a
    // side that selects no document) fails the job without leaving half its outputs.
    let mut compared: HashMap<usize, DataFrame> = HashMap::new();
    let compares = job
        .outputs
        .iter()
        .enumerate()
        .filter_map(|(position, item)| match item {
            JobOutput::Compare {
                comparison, themes, ..
            } => Some((position, comparison, themes)),
            _ => None,
        });
    for (n, (position, comparison, themes)) in compares.enumerate() {
        let frame = compare_frame(job, &study, validation.as_ref(), comparison, themes)
            .map_err(|e| AnalysisError::Job {
                path: job.path.clone(),
                line: None,
                key: format!("compare[{}]", n + 1),
                reason: e.to_string(),
            })
            .map_err(StudyError::from)?;
        compared.insert(position, frame);
    }
    for (position, item) in job.outputs.iter().enumerate() {
        let written = match streams.finish(position, &context)? {
            Some(Finished::Table(table)) => vec![table],
            Some(Finished::Report(report)) => {
                vec![write_job_report(job, &study, &set, &context, *report)?]
            }
            None => match compared.remove(&position) {
                Some(mut frame) => {
                    export::write_table_with_manifest(&mut frame, item.out(), &context)
                        .map_err(StudyError::from)?;
                    vec![Written::table("compare", frame.height(), item.out())]
                }
                None => write_output(job, &study, &context, validation.as_ref(), item)?,
            },
        };
        for written in written {
            on_event(JobEvent::Written(&written))?;
        }
    }
    Ok(())
}

/// Fails on the first theme id an output names that the theme set does not define (before
/// the job ingests or writes anything), at the job file's line that names it.
fn check_theme_ids(job: &Job, set: &ThemeSet) -> Result<(), StudyError> {
    let known: Vec<&str> = set.themes.iter().map(|t| t.id.as_str()).collect();
    for output in &job.outputs {
        let named: Vec<&String> = match output {
            JobOutput::Trends { themes, .. }
            | JobOutput::Compare { themes, .. }
            | JobOutput::Evidence { themes, .. }
            | JobOutput::Chart { themes, .. } => themes.iter().collect(),
            JobOutput::First { theme, .. } => theme.iter().collect(),
            JobOutput::Report { comparisons, .. } => {
                comparisons.iter().flat_map(|(_, themes)| themes).collect()
            }
        };
        if let Some(id) = named.iter().find(|id| !known.contains(&id.as_str())) {
            // The job keeps ids without their places: the line is that of the id's first
            // quoted occurrence in the file.
            let line = std::fs::read_to_string(&job.path)
                .ok()
                .and_then(|text| line_of_quoted(&text, id));
            return Err(AnalysisError::Job {
                path: job.path.clone(),
                line,
                key: "themes".into(),
                reason: format!(
                    "unknown theme `{id}` in the output {} (themes: {})",
                    output.out().display(),
                    known.join(", ")
                ),
            }
            .into());
        }
    }
    Ok(())
}

/// Writes the job's report from its rows spooled during the count.
fn write_job_report(
    job: &Job,
    study: &Study,
    set: &ThemeSet,
    context: &ManifestContext,
    report: StreamedReport<'_>,
) -> Result<Written, StudyError> {
    let StreamedReport { spec, out, rows } = report;
    let rows = write_report(job, study, set, &spec, out, context, rows)?;
    Ok(Written {
        kind: "report",
        count: rows,
        unit: "rows",
        path: out.to_path_buf(),
    })
}

/// Computes and writes one output of the job (evidence tables and the report are fed as
/// the documents are counted: see [`JobStreams`]).
fn write_output(
    job: &Job,
    study: &Study,
    context: &ManifestContext,
    validation: Option<&Validation>,
    item: &JobOutput,
) -> Result<Vec<Written>, StudyError> {
    // Job outputs cluster by document (the default of the commands).
    let options = TrendOptions {
        validation,
        ..TrendOptions::default()
    };
    Ok(match item {
        JobOutput::Trends {
            out,
            periods,
            group,
            themes,
            wide,
            plot,
        } => {
            let selection = study.select(themes)?;
            let long = trends_table(&selection, periods, *group, &job.filter, options)?;
            let mut written = Vec::new();
            let mut table = if *wide {
                analysis::widen(&long.frame, &selection.themes)?
            } else {
                long.frame.clone()
            };
            export::write_table_with_manifest(&mut table, out, context)?;
            written.push(Written::table("trends", table.height(), out));
            if let Some(plot) = plot {
                write_chart(&long.rows, plot, &chart_title(periods, *group), context)?;
                written.push(Written::chart(long.n_periods(), plot));
            }
            written
        }
        // Made before any output was written (see `run_job`).
        JobOutput::Compare { .. } => Vec::new(),
        JobOutput::First { out, theme } => {
            let selection = study.select(&[])?;
            let rows = study.first_rows(&selection, theme.as_deref())?;
            let mut frame = analysis::first_frame(&rows)?;
            export::write_table_with_manifest(&mut frame, out, context)?;
            vec![Written::table("first", frame.height(), out)]
        }
        // Written as the documents were counted (see `JobStreams`).
        JobOutput::Evidence { .. } => Vec::new(),
        JobOutput::Chart {
            out,
            periods,
            group,
            themes,
        } => {
            let selection = study.select(themes)?;
            let long = trends_table(&selection, periods, *group, &job.filter, options)?;
            write_chart(&long.rows, out, &chart_title(periods, *group), context)?;
            vec![Written::chart(long.n_periods(), out)]
        }
        // Written from the rows spooled as the documents were counted (see `JobStreams`).
        JobOutput::Report { .. } => Vec::new(),
    })
}

/// The table of one of the job's comparisons.
fn compare_frame(
    job: &Job,
    study: &Study,
    validation: Option<&Validation>,
    comparison: &Comparison,
    themes: &[String],
) -> Result<DataFrame, StudyError> {
    let selection = study.select(themes)?;
    // Speakers are grouped by their registry names, so the sides are named so too.
    let comparison = comparison
        .clone()
        .with_canonical_speakers(&job.filter.turns.registry());
    let mut table = analysis::compare(
        &selection.docs,
        &comparison,
        &selection.themes,
        CONFIDENCE,
        ClusterUnit::Document,
    )?;
    if let Some(validation) = validation {
        validation::correct_comparison(&mut table, validation, CONFIDENCE);
    }
    Ok(table.to_frame()?)
}

/// `job` with its report as its only output: its `[report]` section, or the defaults of
/// one (`report.html` in the job's output folder, monthly charts, no quality table), written
/// to `out` when given. [`run_job`] on it ingests, counts and writes the page alone.
pub fn report_only(job: &Job, out: Option<&Path>) -> Job {
    let mut report = job
        .outputs
        .iter()
        .find(|o| matches!(o, JobOutput::Report { .. }))
        .cloned()
        .unwrap_or_else(|| JobOutput::Report {
            out: job.out_dir.join("report.html"),
            title: job.path.file_stem().map_or_else(
                || "statemine report".into(),
                |s| s.to_string_lossy().into_owned(),
            ),
            periods: PeriodSpec::Calendar(Granularity::Month),
            gold: Vec::new(),
            comparisons: comparisons_of(&job.outputs),
        });
    if let (Some(path), JobOutput::Report { out, .. }) = (out, &mut report) {
        *out = path.to_path_buf();
    }
    Job {
        outputs: vec![report],
        ..job.clone()
    }
}

/// Draws the chart of a long trend table's rows to `path` with its manifest; returns the
/// manifest's path.
pub fn write_chart(
    rows: &[TrendRow],
    path: &Path,
    title: &str,
    context: &ManifestContext,
) -> Result<PathBuf, StudyError> {
    let chart = export::chart::TrendChart::from_rows(rows, title);
    Ok(export::chart::write_chart(&chart, path, context)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::NoProgress;

    /// A job over the study fixture: inputs, one trends table, an evidence table and a
    /// comparison restricted to a theme the file does not define when `bad_theme` is set.
    fn job_text(dir: &Path, bad_theme: bool) -> String {
        let compare_themes = if bad_theme { r#"["no_such"]"# } else { "[]" };
        format!(
            r#"root = "{root}"
index = "{index}"
inputs = ["tests/fixtures/study/statements.jsonl"]
themes = "tests/fixtures/study/themes.toml"
out_dir = "{out}"

[[trends]]
out = "months.csv"
by = "month"

[[compare]]
out = "h2-h1.csv"
a = "2017-07-01..2017-12-31"
b = "2017-01-01..2017-06-30"
themes = {compare_themes}

[[evidence]]
out = "evidence.csv"
"#,
            root = env!("CARGO_MANIFEST_DIR"),
            index = dir.join("index").display(),
            out = dir.join("out").display(),
        )
    }

    /// Runs the job file written in `dir`, returning what it reported.
    fn run(dir: &Path, bad_theme: bool) -> (Result<(), StudyError>, Vec<String>) {
        let path = dir.join("job.toml");
        std::fs::write(&path, job_text(dir, bad_theme)).unwrap();
        let job = Job::load(&path).unwrap();
        let mut events = Vec::new();
        let result = run_job(
            &job,
            vec!["test".into()],
            &NoProgress,
            &|_| {},
            |event| -> Result<(), StudyError> {
                events.push(match event {
                    JobEvent::Ingested { report, .. } => format!("ingested {report}"),
                    JobEvent::UnmatchedName(name) => format!("unmatched {}", name.name),
                    JobEvent::TranslatedPages(found) => format!("translated {}", found.pages),
                    JobEvent::Counted { documents } => format!("counted {documents}"),
                    JobEvent::Written(w) => format!("{} {} {}", w.kind, w.count, w.unit),
                });
                Ok(())
            },
        );
        (result, events)
    }

    #[test]
    fn a_job_runs_without_the_cli_and_its_outputs_agree() {
        let dir = tempfile::tempdir().unwrap();
        let (result, events) = run(dir.path(), false);
        result.unwrap();
        assert_eq!(
            events,
            [
                "ingested ingested 9, updated 0, unchanged 0, rejected 0",
                "counted 9",
                "trends 36 rows",
                "compare 3 rows",
                "evidence 20 rows",
            ]
        );
        // Counted once: the trend table's matches are the evidence rows.
        let out = dir.path().join("out");
        let months = std::fs::read_to_string(out.join("months.csv")).unwrap();
        let mut lines = months.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let at = header.iter().position(|h| *h == "n_matches").unwrap();
        let total: u64 = lines
            .map(|l| l.split(',').nth(at).unwrap().parse::<u64>().unwrap())
            .sum();
        assert_eq!(total, 20);
        let manifest = std::fs::read_to_string(out.join("evidence.csv.manifest.json")).unwrap();
        assert!(manifest.contains("\"job.toml\""), "{manifest}");
        assert!(manifest.contains("\"test\""), "{manifest}");
        // Again: nothing to ingest, the same table.
        let (result, events) = run(dir.path(), false);
        result.unwrap();
        assert_eq!(
            events[0],
            "ingested ingested 0, updated 0, unchanged 9, rejected 0"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("months.csv")).unwrap(),
            months
        );
    }

    /// The evidence tables of a job, in every format and theme subset, are the bytes the
    /// rows collected from a count and written whole make.
    #[test]
    fn streamed_evidence_tables_are_the_collected_ones() {
        let dir = tempfile::tempdir().unwrap();
        let tables = [
            ("all.csv", ""),
            ("talks.csv", r#"themes = ["talks"]"#),
            ("two.json", r#"themes = ["talks", "freeze"]"#),
            ("freeze.ndjson", r#"themes = ["freeze"]"#),
            ("all.parquet", ""),
            ("useless.csv", r#"themes = ["useless"]"#),
        ];
        let mut text = job_text(dir.path(), false);
        for (out, themes) in tables {
            text.push_str(&format!("\n[[evidence]]\nout = \"{out}\"\n{themes}\n"));
        }
        let path = dir.path().join("job.toml");
        std::fs::write(&path, text).unwrap();
        let job = Job::load(&path).unwrap();
        let mut written = Vec::new();
        run_job(
            &job,
            vec![],
            &NoProgress,
            &|_| {},
            |event| -> Result<(), StudyError> {
                if let JobEvent::Written(w) = event {
                    written.push((w.kind, w.count, w.path.clone()));
                }
                Ok(())
            },
        )
        .unwrap();
        // The collected path: every row in memory, then one frame per table.
        let store = IndexStore::open(&job.index).unwrap();
        let set = ThemeSet::load(&job.themes).unwrap();
        let study = Study::count(store, &set, &job.filter, true, &|_| {}).unwrap();
        assert_eq!(study.counted.evidence.len(), 20);
        let collected = dir.path().join("collected");
        let context = ManifestContext::default();
        let out = dir.path().join("out");
        let mut sizes = Vec::new();
        for (name, themes) in tables {
            let ids: Vec<String> = ["talks", "freeze", "useless"]
                .into_iter()
                .filter(|id| themes.contains(id))
                .map(String::from)
                .collect();
            let selection = study.select(&ids).unwrap();
            let mut frame = crate::themes::evidence_frame(&selection.evidence).unwrap();
            let reference = collected.join(name);
            export::write_table_with_manifest(&mut frame, &reference, &context).unwrap();
            let streamed = std::fs::read(out.join(name)).unwrap();
            assert!(streamed == std::fs::read(&reference).unwrap(), "{name}");
            let rows = |path: &Path| -> u64 {
                let text = std::fs::read_to_string(export::manifest_path(path)).unwrap();
                let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
                manifest["output"]["rows"].as_u64().unwrap()
            };
            assert_eq!(rows(&out.join(name)), frame.height() as u64, "{name}");
            assert_eq!(rows(&reference), frame.height() as u64, "{name}");
            assert!(
                written.contains(&("evidence", frame.height(), out.join(name))),
                "{name}: {written:?}"
            );
            sizes.push(frame.height());
        }
        // The subsets differ, so a table given another table's rows would fail above.
        assert_eq!(sizes[0], 20);
        assert!(sizes[1] > 0 && sizes[3] > 0 && sizes[5] > 0, "{sizes:?}");
        assert_eq!(sizes[1] + sizes[3], sizes[2]);
        assert_eq!(sizes[2] + sizes[5], sizes[0]);
        // In the job's order, among the other outputs.
        let kinds: Vec<&str> = written.iter().map(|w| w.0).collect();
        assert_eq!(kinds[..4], ["trends", "compare", "evidence", "evidence"]);
    }

    /// A job with `validation = ...` gives its trends and comparisons corrected rates.
    #[test]
    fn a_validation_corrects_the_job_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let none = r#"{"estimate": null, "low": null, "high": null}"#;
        let validation = format!(
            r#"{{"labels": "l.csv", "paragraphs": 1, "weighted": false, "confidence": 0.95,
            "themes": [{{"theme": "talks", "gold": 1, "predicted": 1, "tp": 1,
            "precision": {none}, "recall": {none}, "f1": {none}, "prevalence": {none},
            "correction": {{"factor": 0.5, "se_log": 0.2}}}}]}}"#
        );
        let file = dir.path().join("validation.json");
        std::fs::write(&file, validation).unwrap();
        let path = dir.path().join("job.toml");
        let text = job_text(dir.path(), false).replace(
            "[[trends]]",
            &format!("validation = \"{}\"\n\n[[trends]]", file.display()),
        );
        std::fs::write(&path, text).unwrap();
        let job = Job::load(&path).unwrap();
        assert_eq!(job.validation.as_deref(), Some(file.as_path()));
        run_job(
            &job,
            vec![],
            &NoProgress,
            &|_| {},
            |_| -> Result<(), StudyError> { Ok(()) },
        )
        .unwrap();
        let out = dir.path().join("out");
        let read = |name: &str, column: &str| -> Vec<(String, String)> {
            let mut reader = csv::Reader::from_path(out.join(name)).unwrap();
            let header = reader.headers().unwrap().clone();
            let theme = header.iter().position(|h| h == "theme").unwrap();
            let at = header.iter().position(|h| h == column).unwrap();
            reader
                .records()
                .map(|r| {
                    let r = r.unwrap();
                    (r[theme].to_string(), r[at].to_string())
                })
                .collect()
        };
        let corrected = read("months.csv", "rate_corrected");
        let rates = read("months.csv", "rate_per_10k_words");
        for ((theme, c), (_, rate)) in corrected.iter().zip(&rates) {
            match (theme.as_str(), rate.parse::<f64>()) {
                ("talks", Ok(rate)) => {
                    assert!((c.parse::<f64>().unwrap() - rate / 2.0).abs() < 1e-9)
                }
                _ => assert!(c.is_empty(), "{theme}: {c}"),
            }
        }
        let ratio = read("h2-h1.csv", "ratio_corrected");
        let raw = read("h2-h1.csv", "rate_ratio");
        let talks = ratio.iter().position(|(t, _)| t == "talks").unwrap();
        assert_eq!(
            ratio[talks].1, raw[talks].1,
            "the factor cancels in a ratio"
        );
    }

    #[test]
    fn an_unknown_theme_stops_the_job_before_anything_runs() {
        let dir = tempfile::tempdir().unwrap();
        let (result, events) = run(dir.path(), true);
        let err = result.unwrap_err().to_string();
        let text = std::fs::read_to_string(dir.path().join("job.toml")).unwrap();
        let line = text
            .lines()
            .position(|l| l.contains("\"no_such\""))
            .unwrap()
            + 1;
        assert!(
            err.contains(&format!(
                "job.toml:{line}: themes: unknown theme `no_such` in the output"
            )),
            "{err}"
        );
        assert!(events.is_empty(), "{events:?}");
        assert!(!dir.path().join("index").exists(), "nothing was ingested");
    }
}
