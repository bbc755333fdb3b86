//! `statemine run JOB.toml`: ingest the inputs, count the themes once, write every output
//! with its manifest, and list what was written (one line per file on stdout).

use std::path::{Path, PathBuf};

use statemine::analysis::{self, Job, JobOutput, LowN};
use statemine::export;
use statemine::themes::{ThemeSet, evidence_frame};

use super::Outcome;
use super::output::Output;
use super::study::{
    CONFIDENCE, Study, chart_title, export_chart, export_table, first_rows, trends_table,
};
use super::study_source;

/// One written file, for the listing.
struct Written {
    kind: &'static str,
    count: usize,
    unit: &'static str,
    path: PathBuf,
}

impl Written {
    fn table(kind: &'static str, rows: usize, path: &Path) -> Written {
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

/// Runs the job at `path`.
pub fn run(path: &Path) -> anyhow::Result<Outcome> {
    let job = Job::load(path)?;
    if !job.inputs.is_empty() {
        study_source::ingest_inputs(&job.index, &job.inputs)?;
    }
    let set = ThemeSet::load(&job.themes)?;
    let evidence = job
        .outputs
        .iter()
        .any(|o| matches!(o, JobOutput::Evidence { .. }));
    let study = Study::load(&job.index, &set, &job.filter, evidence)?;
    let context = study.manifest_context(Some(export::file_fingerprint(&job.path)?))?;
    let mut output = Output::stdout();
    for item in &job.outputs {
        for written in write_output(&job, &study, &context, item)? {
            output.line(&format!(
                "{:<9} {:>6} {:<7}  {}",
                written.kind,
                written.count,
                written.unit,
                written.path.display()
            ))?;
        }
    }
    output.flush()?;
    Ok(Outcome::Done)
}

/// Computes and writes one output of the job.
fn write_output(
    job: &Job,
    study: &Study,
    context: &export::ManifestContext,
    item: &JobOutput,
) -> anyhow::Result<Vec<Written>> {
    let periods_of = |table: &polars::prelude::DataFrame| -> anyhow::Result<usize> {
        Ok(table.column("period")?.n_unique()?)
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
            let long = trends_table(&selection, periods, *group, &job.filter, LowN::default())?;
            let mut written = Vec::new();
            let mut table = if *wide {
                analysis::widen(&long, &selection.themes)?
            } else {
                long.clone()
            };
            export_table(&mut table, out, context)?;
            written.push(Written::table("trends", table.height(), out));
            if let Some(plot) = plot {
                export_chart(&long, plot, &chart_title(periods, *group), context)?;
                written.push(Written::chart(periods_of(&long)?, plot));
            }
            written
        }
        JobOutput::Compare {
            out,
            comparison,
            themes,
        } => {
            let selection = study.select(themes)?;
            let table =
                analysis::compare(&selection.docs, comparison, &selection.themes, CONFIDENCE)?;
            let mut frame = table.to_frame()?;
            export_table(&mut frame, out, context)?;
            vec![Written::table("compare", frame.height(), out)]
        }
        JobOutput::First { out, theme } => {
            let selection = study.select(&[])?;
            let rows = first_rows(study, &selection, theme.as_deref())?;
            let mut frame = analysis::first_frame(&rows)?;
            export_table(&mut frame, out, context)?;
            vec![Written::table("first", frame.height(), out)]
        }
        JobOutput::Evidence { out, themes } => {
            let selection = study.select(themes)?;
            let mut frame = evidence_frame(&selection.evidence)?;
            export_table(&mut frame, out, context)?;
            vec![Written::table("evidence", frame.height(), out)]
        }
        JobOutput::Chart {
            out,
            periods,
            group,
            themes,
        } => {
            let selection = study.select(themes)?;
            let long = trends_table(&selection, periods, *group, &job.filter, LowN::default())?;
            export_chart(&long, out, &chart_title(periods, *group), context)?;
            vec![Written::chart(periods_of(&long)?, out)]
        }
    })
}
