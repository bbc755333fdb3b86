//! Getting started: `statemine init DIR` (a new study folder from the templates compiled
//! into the library), `statemine completions SHELL` and `statemine man` (completion scripts
//! and man pages generated from the clap definition, so they always list the real commands
//! and flags).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::output::{Output, note, stderr_line};
use super::{Cli, Outcome};

/// Arguments of `statemine init`.
#[derive(Args, Debug)]
pub struct InitArgs {
    /// The study folder (created when missing; existing files are never overwritten).
    pub dir: PathBuf,
}

/// Arguments of `statemine completions`.
#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    pub shell: Shell,
}

/// Arguments of `statemine man`.
#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write one page per command (statemine.1, statemine-search.1, ...) into this folder
    /// instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Prints the completion script of `shell` on stdout.
pub fn completions(args: CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut command = Cli::command();
    // Generated into memory first: the generator panics on a write error, and a closed
    // pipe (`| head`) must end quietly.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "statemine", &mut script);
    let mut out = Output::stdout();
    out.writer().write_all(&script)?;
    out.flush()?;
    Ok(Outcome::Done)
}

/// Prints the main man page, or writes every command's page into `--out-dir`.
pub fn man(args: ManArgs) -> anyhow::Result<Outcome> {
    let command = Cli::command();
    match &args.out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .with_context(|| format!("cannot write the man pages into {}", dir.display()))?;
            note(format_args!("wrote the man pages into {}", dir.display()));
        }
        None => {
            let mut out = Output::stdout();
            clap_mangen::Man::new(command).render(out.writer())?;
            out.flush()?;
        }
    }
    Ok(Outcome::Done)
}

/// Writes a new study folder and says what to do next.
pub fn init(args: InitArgs) -> anyhow::Result<Outcome> {
    let written = statemine::study::init_study(&args.dir)?;
    let mut out = Output::stdout();
    for path in &written {
        out.line(&path.display().to_string())?;
    }
    out.flush()?;
    let dir = args.dir.display().to_string();
    let data = format!("{dir}/{}", statemine::study::DATA_DIR);
    stderr_line!(
        "note: put your documents into {data}, then:\n  statemine ingest {} --index {} --set kind=statement\n  statemine run {}",
        shell_word(&data),
        shell_word(&format!("{dir}/index")),
        shell_word(&format!("{dir}/job.toml")),
    );
    Ok(Outcome::Done)
}

/// `text` as one word of a POSIX shell command: as it is when it holds only characters
/// no shell reads specially, else in single quotes.
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "_./-+=:,@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_string();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn paths_with_spaces_or_quotes_are_quoted_for_the_shell() {
        assert_eq!(shell_word("study/data"), "study/data");
        assert_eq!(shell_word("исследование/data"), "исследование/data");
        assert_eq!(shell_word("my study/data"), "'my study/data'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
