//! Drawing library progress on stderr with indicatif (ingest and theme counts), and
//! printing rejected records above the bar.
//!
//! The bar shows bytes read against the total input size (with an ETA) when the size is
//! known, a spinner otherwise, and documents and documents per second in either case. It
//! is hidden when stderr is not a terminal or with `--quiet`; rejected records are printed
//! either way, since they are results the user must act on.

use std::cell::Cell;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use statemine::corpus::RecordError;
use statemine::index::ProgressSink;
use statemine::themes::Progress;

use super::output::{show_progress, stderr_line};

/// The progress bar of a batch job.
pub struct IngestProgress {
    bar: ProgressBar,
    started: Cell<Option<Instant>>,
}

impl IngestProgress {
    /// A bar on stderr, or a hidden one with `--quiet` or when stderr is not a terminal.
    pub fn new() -> IngestProgress {
        let target = if show_progress() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        IngestProgress {
            bar: ProgressBar::with_draw_target(None, target),
            started: Cell::new(None),
        }
    }
}

impl ProgressSink for IngestProgress {
    fn start(&self, total_bytes: Option<u64>) {
        self.started.set(Some(Instant::now()));
        let template = match total_bytes {
            Some(total) => {
                self.bar.set_length(total);
                "{spinner} [{elapsed_precise}] [{bar:30}] {binary_bytes}/{binary_total_bytes} {msg} (ETA {eta})"
            }
            None => "{spinner} [{elapsed_precise}] {binary_bytes} {msg}",
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            self.bar.set_style(style.progress_chars("=> "));
        }
        self.bar.enable_steady_tick(Duration::from_millis(120));
    }

    fn advance(&self, documents: u64, bytes_read: u64) {
        self.bar.set_position(bytes_read);
        let seconds = self
            .started
            .get()
            .map_or(0.0, |t| t.elapsed().as_secs_f64());
        if seconds > 0.0 {
            let rate = documents as f64 / seconds;
            self.bar
                .set_message(format!("{documents} docs, {rate:.0} docs/s"));
        }
    }

    fn rejected(&self, error: &RecordError) {
        let error = statemine::text::terminal_safe(&error.to_string()).into_owned();
        self.bar.suspend(|| stderr_line!("{error}"));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The bar of a theme count: documents done against documents selected, on stderr when it
/// is a terminal.
pub struct CountProgress {
    bar: ProgressBar,
}

impl CountProgress {
    /// A bar on stderr, or a hidden one with `--quiet` or when stderr is not a terminal.
    pub fn new() -> CountProgress {
        let bar = if show_progress() {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        if let Ok(style) =
            ProgressStyle::with_template("counting themes [{bar:30}] {pos}/{len} documents")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        CountProgress { bar }
    }

    /// Follows one event of the count.
    pub fn update(&self, event: Progress) {
        match event {
            Progress::Selected(n) => self.bar.set_length(n as u64),
            Progress::Done => self.bar.inc(1),
        }
    }

    /// Removes the bar (the count is over).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
