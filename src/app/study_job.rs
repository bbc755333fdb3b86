//! `statemine run JOB.toml`: the library runs the job ([`statemine::study::run_job`]); this
//! prints what it reports: ingest summary and rejected records and notes on stderr, one
//! line per written file on stdout.

use std::path::Path;

use statemine::study::{self, Job, JobEvent};

use super::Outcome;
use super::common::unmatched_note;
use super::output::Output;
use super::progress::{CountProgress, IngestProgress};

/// Runs the job at `path`.
pub fn run(path: &Path) -> anyhow::Result<Outcome> {
    let job = Job::load(path)?;
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
                JobEvent::UnmatchedName(name) => eprintln!("{}", unmatched_note(name)),
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
