//! `statemine run JOB.toml` and `statemine report JOB.toml`: the library runs the job ([`statemine::study::run_job`]); this
//! prints what it reports: ingest summary and rejected records and notes on stderr, one
//! line per written file on stdout, or with `--json` one object at the end (the job, its
//! ingest summary and the written files).

use std::path::Path;

use statemine::study::{self, Job, JobEvent};

use super::Outcome;
use super::common::{translated_note, unmatched_note};
use super::output::{Output, note, note_mistake};
use super::progress::{CountProgress, IngestProgress};

/// Runs the job at `path`; with `report`, only its report (written to the path given, or
/// where the job says); with `json`, the summary as one JSON object.
pub fn run(path: &Path, report: Option<Option<&Path>>, json: bool) -> anyhow::Result<Outcome> {
    let mut job = Job::load(path)?;
    if let Some(out) = report {
        job = study::report_only(&job, out);
    }
    let ingest = IngestProgress::new();
    let bar = CountProgress::new();
    let mut output = Output::stdout();
    let mut ingested = None;
    let mut written_files = Vec::new();
    let mut selected = None;
    let result = study::run_job(
        &job,
        std::env::args().collect(),
        &ingest,
        &|event| bar.update(event),
        |event| -> anyhow::Result<()> {
            match event {
                JobEvent::Ingested { index, report } => {
                    note(format!("ingest {}: {report}", index.display()));
                    super::ingest::report_notes(report);
                    ingested = Some(report.clone());
                }
                JobEvent::UnmatchedName(name) => note_mistake(unmatched_note(name)),
                JobEvent::TranslatedPages(found) => {
                    if let Some(message) = translated_note(found) {
                        note_mistake(message);
                    }
                }
                JobEvent::Counted { documents } => {
                    selected = Some(documents);
                    if documents == 0 {
                        note_mistake(format!(
                            "the job's filter selects no document of {}: its outputs are empty",
                            job.index.display()
                        ));
                    }
                }
                JobEvent::Written(written) if json => {
                    bar.finish();
                    written_files.push(written.clone());
                }
                JobEvent::Written(written) => {
                    bar.finish();
                    output.line(&format!(
                        "{:<9} {:>6} {:<7}  {}",
                        written.kind,
                        written.count,
                        written.unit,
                        written.path.display()
                    ))?;
                }
            }
            Ok(())
        },
    );
    bar.finish();
    result?;
    if json {
        let summary = serde_json::json!({
            "job": job.path,
            "index": job.index,
            "ingest": ingested,
            "written": written_files,
        });
        output.line(&summary.to_string())?;
    }
    output.flush()?;
    // As `trends` and `search`: nothing selected is exit 1.
    Ok(if selected == Some(0) {
        Outcome::NoHits
    } else {
        Outcome::Done
    })
}
