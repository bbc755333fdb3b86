//! `statemine run JOB.toml`: ingest the inputs, count the themes once, write every output
//! with its manifest, and list what was written.

use std::path::Path;

use statemine::analysis::{self, Job, JobOutput, LowN};
use statemine::export;
use statemine::themes::{ThemeSet, evidence_frame};

use super::Outcome;
use super::output::Output;
use super::study::{
    CONFIDENCE, Study, chart_title, export_chart, export_table, first_rows, trends_table,
};
use super::study_source;

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
        let rows = match item {
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
                if let Some(plot) = plot {
                    export_chart(&long, plot, &chart_title(periods, *group), &context)?;
                }
                let mut table = if *wide {
                    analysis::widen(&long, &selection.themes)?
                } else {
                    long
                };
                export_table(&mut table, out, &context)?;
                table.height()
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
                export_table(&mut frame, out, &context)?;
                frame.height()
            }
            JobOutput::First { out, theme } => {
                let selection = study.select(&[])?;
                let rows = first_rows(&study, &selection, theme.as_deref())?;
                let mut frame = analysis::first_frame(&rows)?;
                export_table(&mut frame, out, &context)?;
                frame.height()
            }
            JobOutput::Evidence { out, themes } => {
                let selection = study.select(themes)?;
                let mut frame = evidence_frame(&selection.evidence)?;
                export_table(&mut frame, out, &context)?;
                frame.height()
            }
            JobOutput::Chart {
                out,
                periods,
                group,
                themes,
            } => {
                let selection = study.select(themes)?;
                let long = trends_table(&selection, periods, *group, &job.filter, LowN::default())?;
                export_chart(&long, out, &chart_title(periods, *group), &context)?;
                long.height()
            }
        };
        output.line(&format!(
            "{:<9} {:>6} rows  {}",
            item.kind(),
            rows,
            item.out().display()
        ))?;
    }
    output.flush()?;
    Ok(Outcome::Done)
}
