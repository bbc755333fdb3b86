//! Studies: the orchestration of the stages for `trends`, `compare`, `first` and `run`,
//! callable without the CLI.
//!
//! A [`Study`] is one index counted once with one theme file under one filter; every
//! output (trend tables, comparisons, first occurrences, evidence, charts) is a slice of
//! those counts by theme ([`Study::select`]), so all outputs of a job agree. [`run_job`]
//! runs a whole job file ([`Job`], validated on load): ingest its inputs, count once, write
//! every output with its manifest.
//!
//! Contract: this is the top of the dependency order (it calls index, themes, analysis and
//! export); it never prints. What a terminal shows (progress, notes, the list of written
//! files) reaches the caller through [`JobEvent`]s, an [`crate::index::ProgressSink`] and a
//! counting progress callback; errors are [`StudyError`]s naming what failed.

mod counted;
mod error;
mod init;
mod job;
mod job_file;
mod job_paths;
mod report;
mod streamed;

pub use counted::{
    CONFIDENCE, Counted, Selection, Study, TrendOptions, Trends, chart_title,
    counted_model_fingerprint, model_file_fingerprint, theme_file_fingerprint, trends_table,
};
pub use error::StudyError;
pub use init::{DATA_DIR, STUDY_SPEAKERS_FILE, STUDY_TEMPLATES, init_study};
pub use job::{JobEvent, Written, report_only, run_job, write_chart};
pub use job_file::{Job, JobOutput, clean_path};
pub use report::{ReportSpec, build_report};
