//! The outputs of a job whose rows are written as the count produces them: every
//! `[[evidence]]` table and the rows of the `[report]`, fed by the one pass over the
//! documents, so that a job's memory does not grow with its evidence rows.
//!
//! Contract: each table receives, in count order, the rows of its themes (all themes when
//! its list is empty): the rows [`super::Study::select`] would have collected, written
//! through [`EvidenceWriter`] to the bytes a collected table has (Parquet: the same rows, in
//! row groups of [`crate::export::PARQUET_ROW_GROUP`]). A table and its manifest appear
//! only when it is finished at its turn among the job's outputs; a job that fails or stops
//! before leaves the previous file and manifest as they were. The report's rows (every
//! theme) go to a [`ReportRows`] file without a name beside the page, handed over with the
//! report's spec at the report's turn.

use std::path::Path;

use super::StudyError;
use super::job::Written;
use super::job_file::{Job, JobOutput};
use super::report::ReportSpec;
use crate::export::report::ReportRows;
use crate::export::{EvidenceWriter, ManifestContext};
use crate::themes::{EvidenceRef, EvidenceSink, ThemeSet};

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

/// The report of a job: its spec, its page and its rows so far.
pub(super) struct StreamedReport<'a> {
    /// What the page shows beyond the study.
    pub(super) spec: ReportSpec<'a>,
    /// Where the page goes.
    pub(super) out: &'a Path,
    /// Its evidence rows.
    pub(super) rows: ReportRows,
}

/// One output being fed rows.
enum Stream<'a> {
    Table(Table),
    Report(StreamedReport<'a>),
}

/// A streamed output whose rows are all in.
pub(super) enum Finished<'a> {
    /// An evidence table, written with its manifest.
    Table(Written),
    /// The report's rows, for the page to be written.
    Report(Box<StreamedReport<'a>>),
}

/// The streamed outputs of a job, by position among its outputs.
pub(super) struct JobStreams<'a> {
    /// One slot per output of the job: its stream while it is an evidence table or a
    /// report still being fed.
    streams: Vec<Option<Stream<'a>>>,
}

impl<'a> JobStreams<'a> {
    /// Starts writing every evidence table of `job` (each to a temporary file beside its
    /// destination) and the rows of its report (of the themes of `set`).
    pub(super) fn create(job: &'a Job, set: &ThemeSet) -> Result<JobStreams<'a>, StudyError> {
        let mut streams = Vec::with_capacity(job.outputs.len());
        for output in &job.outputs {
            streams.push(match output {
                JobOutput::Evidence { out, themes } => Some(Stream::Table(Table {
                    themes: themes.clone(),
                    writer: EvidenceWriter::create(out)?,
                })),
                JobOutput::Report {
                    out,
                    title,
                    periods,
                    gold,
                    comparisons,
                } => {
                    let themes: Vec<String> = set.themes.iter().map(|t| t.id.clone()).collect();
                    Some(Stream::Report(StreamedReport {
                        spec: ReportSpec {
                            title,
                            periods,
                            gold,
                            comparisons,
                        },
                        out,
                        rows: ReportRows::create(out, &themes)?,
                    }))
                }
                _ => None,
            });
        }
        Ok(JobStreams { streams })
    }

    /// Whether the count has rows to hand over (an evidence table or a report).
    pub(super) fn wants_rows(&self) -> bool {
        self.streams.iter().any(Option::is_some)
    }

    /// Finishes the stream at position `output`, if that output is one (`None`
    /// otherwise): an evidence table is written with its manifest, a report's rows are
    /// handed over.
    pub(super) fn finish(
        &mut self,
        output: usize,
        context: &ManifestContext,
    ) -> Result<Option<Finished<'a>>, StudyError> {
        Ok(match self.streams.get_mut(output).and_then(Option::take) {
            None => None,
            Some(Stream::Report(report)) => Some(Finished::Report(Box::new(report))),
            Some(Stream::Table(table)) => {
                let rows = table.writer.rows();
                let path = table.writer.path().to_path_buf();
                table.writer.finish(context)?;
                Some(Finished::Table(Written::table("evidence", rows, &path)))
            }
        })
    }
}

impl EvidenceSink for JobStreams<'_> {
    fn row(&mut self, row: &EvidenceRef<'_>) -> crate::Result<()> {
        for stream in self.streams.iter_mut().flatten() {
            match stream {
                Stream::Table(table) => {
                    if table.keeps(row.theme) {
                        table.writer.write(row)?;
                    }
                }
                Stream::Report(report) => report.rows.write(row)?,
            }
        }
        Ok(())
    }
}
