//! The command-line layer: clap arguments, their conversion into library configs, and
//! the one place where output is formatted. Exit codes: 0 ok, 1 no hits, 2 error; a broken
//! pipe (`| head`) exits 0 quietly.

mod common;
mod export;
mod ingest;
mod install;
mod kwic_print;
mod output;
mod progress;
mod remove;
mod search;
mod search_printer;
mod speakers;
mod study;
mod study_job;
mod study_print;
mod themes;
mod themes_print;
mod validation;
mod words;
mod words_print;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use output::stderr_line;

/// What a command reports on success.
pub enum Outcome {
    /// Something was found or done: exit 0.
    Done,
    /// The command ran but found nothing: exit 1.
    NoHits,
}

/// Mine official statements: index, search, count themes, follow them over time.
#[derive(Parser)]
#[command(name = "statemine", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Write CSV cells exactly as they are: by default a text cell that a spreadsheet would
    /// run as a formula (starting with =, +, -, @) gets a leading ' (CSV injection).
    #[arg(long, global = true, env = "STATEMINE_RAW_CSV")]
    raw_csv: bool,
    /// No progress bars and no notes on stderr (results, warnings and errors still show).
    #[arg(long, short, global = true)]
    quiet: bool,
    /// When to colour the output: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, global = true, default_value_t = output::ColorChoice::Auto)]
    color: output::ColorChoice,
}

#[derive(Subcommand)]
enum Command {
    /// Create a study folder: theme file, job file, named periods, README.
    Init(install::InitArgs),
    /// Load statements (JSONL, CSV, text folders; gzip or stdin) into an index.
    Ingest(ingest::IngestArgs),
    /// Summarise an index: documents by source, kind, language and year.
    Info(ingest::InfoArgs),
    /// Merge an index's segments into one (faster queries after a large ingest).
    Compact(ingest::CompactArgs),
    /// Remove documents from an index, by id or by the inputs they came from.
    Remove(remove::RemoveArgs),
    /// Write the selected documents as JSON Lines, as ingest reads them back.
    #[command(mut_arg("turn_speaker", |a| a.hide(true)), mut_arg("role", |a| a.hide(true)))]
    Export(export::ExportArgs),
    /// Full-text search with stemming, phrases, filters and highlighted passages.
    Search(search::SearchArgs),
    /// Count, test, evaluate and import theme definitions.
    #[command(subcommand)]
    Themes(themes::ThemesCommand),
    /// Word statistics: term frequencies, keyness, collocates.
    #[command(subcommand)]
    Words(words::WordsCommand),
    /// Keyword-in-context concordance of a theme or a query.
    Kwic(themes::KwicArgs),
    /// The speaker registry and speaker-attribution accuracy.
    #[command(subcommand)]
    Speakers(speakers::SpeakersCommand),
    /// Theme rates over time (by period and group), with intervals.
    Trends(study::TrendsArgs),
    /// Compare theme rates between two periods or groups.
    Compare(study::CompareArgs),
    /// First occurrence of each theme, overall and per speaker.
    First(study::FirstArgs),
    /// Run a whole study from a job file.
    Run(study::RunArgs),
    /// Write a job's study as one self-contained HTML page.
    Report(study::ReportArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(install::CompletionsArgs),
    /// Print the man page (roff), or write one page per command into a folder.
    Man(install::ManArgs),
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::try_parse().unwrap_or_else(|err| exit_with_usage_error(err));
    statemine::export::keep_raw_csv_cells(cli.raw_csv);
    output::configure(output::Settings {
        color: cli.color,
        quiet: cli.quiet,
    });
    let result = match cli.command {
        Command::Init(args) => install::init(args),
        Command::Ingest(args) => ingest::run(args),
        Command::Info(args) => ingest::info(args),
        Command::Compact(args) => ingest::compact(args),
        Command::Remove(args) => remove::run(args),
        Command::Export(args) => export::run(args),
        Command::Search(args) => search::run(args),
        Command::Themes(command) => themes::run(command),
        Command::Words(command) => words::run(command),
        Command::Kwic(args) => themes::kwic(args),
        Command::Speakers(command) => speakers::run(command),
        Command::Trends(args) => study::trends(args),
        Command::Compare(args) => study::compare(args),
        Command::First(args) => study::first(args),
        Command::Run(args) => study::run_job(args),
        Command::Report(args) => study::report(args),
        Command::Completions(args) => install::completions(args),
        Command::Man(args) => install::man(args),
    };
    match result {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::NoHits) => ExitCode::from(1),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let message = error_message(&err);
            stderr_line!(
                "statemine: error: {}",
                statemine::text::terminal_safe(&message)
            );
            ExitCode::from(2)
        }
    }
}

/// Prints a command-line error and exits (2, or 0 for --help and --version). A word that
/// starts with `-` and is no option is most often a query or theme (`-korea` is `NOT
/// korea`): the note says how to pass it. Errors take the tool's one style,
/// `statemine: error: ...`, followed by clap's usage lines.
fn exit_with_usage_error(err: clap::Error) -> ! {
    use clap::error::{ContextKind, ErrorKind};
    if !err.use_stderr() || err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        // --help and --version (stdout, exit 0), and the help shown when a command is missing.
        err.exit()
    }
    let hyphen_value = err.kind() == ErrorKind::UnknownArgument
        && err
            .get(ContextKind::InvalidArg)
            .is_some_and(|arg| arg.to_string().starts_with('-'));
    let rendered = err.render().to_string();
    let text = rendered.strip_prefix("error: ").unwrap_or(&rendered);
    let _ = write!(io::stderr().lock(), "statemine: error: {text}");
    if hyphen_value {
        stderr_line!(
            "note: a query or target that starts with `-` goes after `--`, with every option \
             before it: statemine search --index DIR -- -korea"
        );
    }
    std::process::exit(2)
}

/// The error and its causes joined by ": ", leaving out a cause whose text the message
/// already ends with (library errors such as `{path}: {source}` show their source in their
/// own text and also report it as their cause).
fn error_message(err: &anyhow::Error) -> String {
    use statemine::text::MESSAGE_EXCERPT_CHARS;
    let mut message = String::new();
    for cause in err.chain() {
        // A cause may quote a whole file (a damaged index's metadata): show its start.
        let text =
            statemine::text::excerpt(&cause.to_string(), 2 * MESSAGE_EXCERPT_CHARS).into_owned();
        if message.is_empty() {
            message = text;
        } else if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
    }
    message
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("{path}: {source}")]
    struct Wrapped {
        path: String,
        #[source]
        source: io::Error,
    }

    #[test]
    fn error_messages_name_each_cause_once() {
        let source = io::Error::new(io::ErrorKind::NotFound, "No such file or directory");
        let err = anyhow::Error::new(Wrapped {
            path: "themes.toml".into(),
            source,
        });
        assert_eq!(
            error_message(&err),
            "themes.toml: No such file or directory"
        );
        // Causes not in the message are still shown, in order.
        let err = err.context("cannot load the theme set");
        assert_eq!(
            error_message(&err),
            "cannot load the theme set: themes.toml: No such file or directory"
        );
        let plain = anyhow::anyhow!("outer").context("top");
        assert_eq!(error_message(&plain), "top: outer");
    }
}
