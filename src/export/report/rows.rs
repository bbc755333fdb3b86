//! The report's evidence rows written, as a count produces them, to a temporary file beside
//! the page, so that a report's memory does not grow with its rows.
//!
//! Contract: [`ReportRows`] takes rows in count order and writes each in the form it has in
//! the page's data island (the compact row of [`super::render_report`], escaped as
//! [`super::data_island`] escapes), keeping in memory only the theme index and one entry per
//! cited document (id, date, speaker). [`super::write_report_with_rows`] then writes the
//! page with that file spliced into its data island: the bytes [`super::write_report`]
//! writes for the same rows collected in [`super::Report::evidence`]. The file is in the
//! page's folder (not the system's temporary folder, which may be memory) and has no name:
//! it disappears when the rows are dropped, written or not, and when the process dies.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::render::escape_json_into;
use crate::export::ExportError;
use crate::export::atomic::output_folder;
use crate::themes::{EvidenceRef, EvidenceSink};

/// A document the spooled rows cite, in the order of its first row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SpooledDoc {
    pub(super) id: String,
    pub(super) date: NaiveDate,
    pub(super) speaker: String,
}

/// The evidence rows of a report being written to their temporary file.
pub struct ReportRows {
    /// The page the rows are for (errors name it).
    page: PathBuf,
    /// Position of each theme of the report, by id.
    themes: HashMap<String, usize>,
    /// The cited documents, in the order of their first row.
    docs: Vec<SpooledDoc>,
    /// Position in `docs`, by document id.
    doc_index: HashMap<String, usize>,
    /// The island's rows, comma-separated, without the enclosing brackets.
    file: BufWriter<File>,
    /// Rows taken, shown or not (the page's row count).
    rows: usize,
    /// Rows in the file (a row of a theme the report does not show is left out).
    written: usize,
    /// One row's JSON, reused.
    json: Vec<u8>,
    /// One row escaped, reused.
    escaped: String,
}

impl ReportRows {
    /// Starts spooling the rows of the page `page` whose themes are `themes` (in the order
    /// of the report's sections), in a file without a name in the page's folder (created
    /// when missing).
    pub fn create(page: &Path, themes: &[String]) -> Result<ReportRows, ExportError> {
        let folder = output_folder(page)?;
        let file = tempfile::tempfile_in(folder).map_err(|source| ExportError::Io {
            path: folder.to_path_buf(),
            source,
        })?;
        Ok(ReportRows {
            page: page.to_path_buf(),
            themes: themes
                .iter()
                .enumerate()
                .map(|(i, id)| (id.clone(), i))
                .collect(),
            docs: Vec::new(),
            doc_index: HashMap::new(),
            file: BufWriter::new(file),
            rows: 0,
            written: 0,
            json: Vec::with_capacity(512),
            escaped: String::with_capacity(512),
        })
    }

    /// Rows taken so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The ids of the documents the rows cite, in the order of their first row.
    pub fn doc_ids(&self) -> impl Iterator<Item = &str> {
        self.docs.iter().map(|d| d.id.as_str())
    }

    /// The cited documents.
    pub(super) fn docs(&self) -> &[SpooledDoc] {
        &self.docs
    }

    /// Takes one row.
    pub fn write(&mut self, row: &EvidenceRef<'_>) -> Result<(), ExportError> {
        self.rows += 1;
        let Some(&theme) = self.themes.get(row.theme) else {
            return Ok(());
        };
        let doc = match self.doc_index.get(row.doc.id) {
            Some(&doc) => doc,
            None => {
                self.docs.push(SpooledDoc {
                    id: row.doc.id.to_string(),
                    date: row.doc.date,
                    speaker: row.doc.speaker.to_string(),
                });
                self.doc_index
                    .insert(row.doc.id.to_string(), self.docs.len() - 1);
                self.docs.len() - 1
            }
        };
        self.json.clear();
        let cells = (
            doc,
            theme,
            row.turn_speaker,
            row.left,
            row.matched,
            row.right,
        );
        serde_json::to_writer(&mut self.json, &cells).map_err(|e| ExportError::Report {
            reason: e.to_string(),
        })?;
        self.escaped.clear();
        if self.written > 0 {
            self.escaped.push(',');
        }
        // serde_json writes UTF-8 only.
        escape_json_into(&String::from_utf8_lossy(&self.json), &mut self.escaped);
        let page = &self.page;
        self.file
            .write_all(self.escaped.as_bytes())
            .map_err(|source| ExportError::Io {
                path: page.clone(),
                source,
            })?;
        self.written += 1;
        Ok(())
    }

    /// Copies the spooled rows to `out`.
    pub(super) fn copy_to(self, out: &mut impl Write) -> Result<(), ExportError> {
        let io = |source| ExportError::Io {
            path: self.page.clone(),
            source,
        };
        let mut file = self.file.into_inner().map_err(|e| io(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        std::io::copy(&mut file, out).map_err(io)?;
        Ok(())
    }
}

impl EvidenceSink for ReportRows {
    fn row(&mut self, row: &EvidenceRef<'_>) -> crate::Result<()> {
        Ok(self.write(row)?)
    }
}
