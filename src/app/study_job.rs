//! `statemine run JOB.toml` and `statemine report JOB.toml`: the library runs the job ([`statemine::study::run_job`]); this
//! prints what it reports: ingest summary and rejected records and notes on stderr, one
//! line per written file on stdout.

use std::path::Path;

use statemine::study::{self, Job, JobEvent};

use super::Outcome;
use super::common::unmatched_note;
use super::output::{Output, note_mistake};
use super::progress::{CountProgress, IngestProgress};

/// Runs the job at `path`; with `report`, only its report (written to the path given, or
/// where the job says).
pub fn run(path: &Path, report: Option<Option<&Path>>) -> anyhow::Result<Outcome> {
    let mut job = Job::load(path)?;
    if let Some(out) = report {
        job = study::report_only(&job, out);
    }
    let ingest = IngestProgress::new();
    let bar = CountProgress::new();
    let mut output = Output::stdout();
    let result = study::run_job(
        &job,
        std::env::args().collect(),
        &ingest,
        &|event| bar.update(event),
        |event| -> anyhow::Result<()> {
            match event {
                JobEvent::Ingested { index, report } => {
                    eprintln!("ingest {}: {report}", index.display());
                }
                JobEvent::UnmatchedName(name) => note_mistake(unmatched_note(name)),
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
    output.flush()?;
    Ok(Outcome::Done)
}
