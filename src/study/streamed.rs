//! The outputs of a job whose rows are written as the count produces them: every
//! `[[evidence]]` table, fed by the one pass over the documents, so that a job's memory does
//! not grow with its evidence rows.
//!
//! Contract: each table receives, in count order, the rows of its themes (all themes when
//! its list is empty): the rows [`super::Study::select`] would have collected, written
//! through [`EvidenceWriter`] to the bytes a collected table has (Parquet: the same rows, in
//! row groups of [`crate::export::PARQUET_ROW_GROUP`]). A table and its manifest appear
//! only when it is finished at its turn among the job's outputs; a job that fails or stops
//! before leaves the previous file and manifest as they were. Rows for the report are
//! collected beside the tables when the job has a report.

use super::StudyError;
use super::job::Written;
use super::job_file::{Job, JobOutput};
use crate::export::{EvidenceWriter, ManifestContext};
use crate::themes::{EvidenceRef, EvidenceRow, EvidenceSink};

/// One evidence table being written: the themes it keeps and its writer.
struct Table {
    themes: Vec<String>,
    writer: EvidenceWriter,
}

impl Table {
    fn keeps(&self, theme: &str) -> bool {
        self.themes.is_empty() || self.themes.iter().any(|id| id == theme)
    }
}

/// The streamed outputs of a job, by position among its outputs.
pub(super) struct JobStreams {
    /// One slot per output of the job: its writer while it is an evidence table still
    /// being written.
    tables: Vec<Option<Table>>,
    /// The rows of every theme, for the report (`None`: the job has no report).
    collected: Option<Vec<EvidenceRow>>,
}

impl JobStreams {
    /// Starts writing every evidence table of `job` (each to a temporary file beside its
    /// destination).
    pub(super) fn create(job: &Job) -> Result<JobStreams, StudyError> {
        let mut tables = Vec::with_capacity(job.outputs.len());
        let mut report = false;
        for output in &job.outputs {
            tables.push(match output {
                JobOutput::Evidence { out, themes } => Some(Table {
                    themes: themes.clone(),
                    writer: EvidenceWriter::create(out)?,
                }),
                JobOutput::Report { .. } => {
                    report = true;
                    None
                }
                _ => None,
            });
        }
        Ok(JobStreams {
            tables,
            collected: report.then(Vec::new),
        })
    }

    /// Whether the count has rows to hand over (an evidence table or a report).
    pub(super) fn wants_rows(&self) -> bool {
        self.collected.is_some() || self.tables.iter().any(Option::is_some)
    }

    /// Finishes the evidence table at position `output` with its manifest, if that output
    /// is one (`None` otherwise).
    pub(super) fn finish(
        &mut self,
        output: usize,
        context: &ManifestContext,
    ) -> Result<Option<Written>, StudyError> {
        let Some(table) = self.tables.get_mut(output).and_then(Option::take) else {
            return Ok(None);
        };
        let rows = table.writer.rows();
        let path = table.writer.path().to_path_buf();
        table.writer.finish(context)?;
        Ok(Some(Written::table("evidence", rows, &path)))
    }

    /// The rows collected for the report (empty without one).
    pub(super) fn take_collected(&mut self) -> Vec<EvidenceRow> {
        self.collected.take().unwrap_or_default()
    }
}

impl EvidenceSink for JobStreams {
    fn row(&mut self, row: &EvidenceRef<'_>) -> crate::Result<()> {
        for table in self.tables.iter_mut().flatten() {
            if table.keeps(row.theme) {
                table.writer.write(row)?;
            }
        }
        if let Some(rows) = &mut self.collected {
            rows.push(row.to_row());
        }
        Ok(())
    }
}
