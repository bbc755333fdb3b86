//! The output layer: stdout for results (tables, JSON lines, CSV), stderr for diagnostics
//! and progress. Colour only on a terminal and when `NO_COLOR` is unset, unless `--color`
//! says otherwise.
//!
//! Diagnostics have one style: `statemine: error: ...` (printed by `main`, exit 2),
//! `warning: ...` (always shown) and `note: ...` (hidden by `--quiet`, like progress bars,
//! except the notes that point at a likely mistake, such as a filter name that matches
//! nothing).

use std::fmt::Display;
use std::io::{self, IsTerminal, Write};
use std::sync::OnceLock;

use clap::ValueEnum;

/// When to use ANSI colours (`--color`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The global output flags, set once by `main` before a command runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings {
    /// `--color`.
    pub color: ColorChoice,
    /// `--quiet`: no progress bars and no notes.
    pub quiet: bool,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Records the global output flags (the first call wins).
pub fn configure(settings: Settings) {
    let _ = SETTINGS.set(settings);
}

fn settings() -> Settings {
    SETTINGS.get().copied().unwrap_or_default()
}

/// Whether `--quiet` was given.
pub fn quiet() -> bool {
    settings().quiet
}

/// Writes one line on stderr. A closed or failing stderr is ignored: a diagnostic is never
/// worth the run's work (an ingest whose messages are piped into `head` still commits its
/// records), and `eprintln!` would panic.
pub fn write_stderr(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// `eprintln!` through [`write_stderr`]: a closed stderr is ignored.
macro_rules! stderr_line {
    ($($arg:tt)*) => {
        $crate::app::output::write_stderr(format_args!($($arg)*))
    };
}
pub(crate) use stderr_line;

/// Prints `note: MESSAGE` on stderr, unless `--quiet`.
pub fn note(message: impl Display) {
    if !quiet() {
        stderr_line!("note: {message}");
    }
}

/// Prints `note: MESSAGE` on stderr even with `--quiet`: for a likely mistake (a name that
/// matches nothing, a mistyped theme id), which a quiet script must still show.
pub fn note_mistake(message: impl Display) {
    stderr_line!("note: {message}");
}

/// Prints `warning: MESSAGE` on stderr.
pub fn warning(message: impl Display) {
    stderr_line!("warning: {message}");
}

/// Where results go, and whether to decorate them.
pub struct Output {
    out: io::BufWriter<io::Stdout>,
    /// Whether stdout is a terminal that takes ANSI colour.
    pub color: bool,
}

impl Output {
    /// Stdout, with colour when it is a terminal.
    pub fn stdout() -> Output {
        let color = match settings().color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Output {
            out: io::BufWriter::new(io::stdout()),
            color,
        }
    }

    /// The writer for results.
    pub fn writer(&mut self) -> &mut impl Write {
        &mut self.out
    }

    /// Writes one line of results.
    pub fn line(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out, "{text}")
    }

    /// Flushes results (errors here are how a broken pipe shows up).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Whether diagnostics and progress bars may be drawn on stderr.
pub fn stderr_is_terminal() -> bool {
    io::stderr().is_terminal()
}

/// Whether a progress bar is drawn: stderr is a terminal and `--quiet` was not given.
pub fn show_progress() -> bool {
    !quiet() && stderr_is_terminal()
}
