//! The output layer: stdout for results (tables, JSON lines, CSV), stderr for diagnostics
//! and progress. Colour only on a terminal and when `NO_COLOR` is unset.

use std::io::{self, IsTerminal, Write};

/// Where results go, and whether to decorate them.
pub struct Output {
    out: io::BufWriter<io::Stdout>,
    /// Whether stdout is a terminal that takes ANSI colour.
    pub color: bool,
}

impl Output {
    /// Stdout, with colour when it is a terminal.
    pub fn stdout() -> Output {
        let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
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
