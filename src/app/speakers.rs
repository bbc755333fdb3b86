//! `statemine speakers ...`: the speaker registry (`list`) and speaker-attribution
//! accuracy against hand-labelled paragraphs (`check`). The work is the library's
//! ([`statemine::corpus::SpeakerRegistry`], [`statemine::analysis::attribution`]).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use statemine::analysis::attribution::{self, AttributionReport};
use statemine::document::Role;
use statemine::index::IndexStore;

use super::Outcome;
use super::common::{IndexArgs, each_as, load_speakers, outputs_apart};
use super::output::{Output, note, warning};
use super::themes::write_misses;

/// Subcommands of `statemine speakers`.
#[derive(Subcommand, Debug)]
pub enum SpeakersCommand {
    /// Print the speaker registry (built-in, extended by --speakers or ./speakers.toml).
    List(ListArgs),
    /// Speaker-attribution accuracy: the roles analyses use against the `speaker_role` of
    /// hand-labelled paragraphs, per language, with the confusion table.
    Check(CheckArgs),
}

/// Arguments of `statemine speakers list`.
#[derive(Args, Debug)]
pub struct ListArgs {
    /// Speaker registry extending the built-in one.
    #[arg(long, value_name = "FILE", env = "STATEMINE_SPEAKERS")]
    pub speakers: Option<PathBuf>,
    /// One JSON object per person (name, aliases, role, country, periods).
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `statemine speakers check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    /// Gold files (JSON Lines with doc_id, para, speaker_role); repeatable, pooled.
    #[arg(long, value_name = "FILE", required = true)]
    pub gold: Vec<PathBuf>,
    /// Speaker registry extending the built-in one.
    #[arg(long, value_name = "FILE", env = "STATEMINE_SPEAKERS")]
    pub speakers: Option<PathBuf>,
    /// Write every disagreement with its label and text (CSV, or JSON Lines for .jsonl).
    #[arg(long, value_name = "FILE")]
    pub misses: Option<PathBuf>,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs a `statemine speakers` subcommand.
pub fn run(command: SpeakersCommand) -> anyhow::Result<Outcome> {
    match command {
        SpeakersCommand::List(args) => list(args),
        SpeakersCommand::Check(args) => check(args),
    }
}

fn list(args: ListArgs) -> anyhow::Result<Outcome> {
    let registry = load_speakers(args.speakers.as_deref())?;
    let mut out = Output::stdout();
    for person in registry.persons() {
        if args.json {
            out.line(&serde_json::to_string(person)?)?;
            continue;
        }
        out.line(&format!(
            "{}\t{}\t{:?}\t{}",
            person.name,
            person.country,
            person.role,
            person.aliases.join(", ")
        ))?;
    }
    out.flush()?;
    Ok(Outcome::Done)
}

fn check(args: CheckArgs) -> anyhow::Result<Outcome> {
    let inputs: Vec<_> = each_as("--gold", &args.gold)
        .chain([("--speakers", args.speakers.as_deref())])
        .collect();
    outputs_apart(&[("--misses", args.misses.as_deref())], &inputs)?;
    let registry = load_speakers(args.speakers.as_deref())?;
    let mut gold = Vec::new();
    for path in &args.gold {
        gold.extend(attribution::read_gold_roles(path)?);
    }
    let store = IndexStore::open(&args.index.index)?;
    let report = attribution::check_attribution(&store, &registry, &gold)?;
    if !report.missing.is_empty() {
        let listed: Vec<&str> = report.missing.iter().take(5).map(String::as_str).collect();
        warning(format_args!(
            "{} labelled paragraph(s) are not in the index {} and are not scored: {}{}",
            report.missing.len(),
            args.index.index.display(),
            listed.join(", "),
            if report.missing.len() > listed.len() {
                ", ..."
            } else {
                ""
            }
        ));
    }
    let mut out = Output::stdout();
    if args.json {
        out.line(&serde_json::to_string(&report)?)?;
    } else {
        for line in report_lines(&report) {
            out.line(&line)?;
        }
    }
    out.flush()?;
    if let Some(path) = &args.misses {
        write_misses(path, &report.disagreements)?;
        note(format_args!(
            "wrote {} disagreements to {}",
            report.disagreements.len(),
            path.display()
        ));
    }
    Ok(if report.total.paragraphs == 0 {
        Outcome::NoHits
    } else {
        Outcome::Done
    })
}

/// The accuracy table and the confusion table, as text lines.
fn report_lines(report: &AttributionReport) -> Vec<String> {
    let mut lines = vec![format!(
        "{:<5} {:>10} {:>8} {:>9}   {:>16}",
        "lang", "paragraphs", "correct", "accuracy", "as stored"
    )];
    let row = |name: &str, a: &attribution::Accuracy| {
        format!(
            "{:<5} {:>10} {:>8} {:>8.1}%   {:>7} ({:>5.1}%)",
            name,
            a.paragraphs,
            a.correct,
            100.0 * a.rate(),
            a.correct_stored,
            100.0 * a.rate_stored()
        )
    };
    for (lang, accuracy) in &report.by_lang {
        lines.push(row(lang.as_str(), accuracy));
    }
    lines.push(row("all", &report.total));
    lines.push(String::new());
    lines.push("labelled (rows) by resolved role (columns)".into());
    let mut header = format!("{:<11}", "");
    for role in Role::ALL {
        header.push_str(&format!(" {:>10}", role.as_str()));
    }
    lines.push(header);
    for gold in Role::ALL {
        let mut line = format!("{:<11}", gold.as_str());
        for predicted in Role::ALL {
            let n = report
                .confusion
                .iter()
                .find(|c| c.gold == *gold && c.predicted == *predicted)
                .map_or(0, |c| c.paragraphs);
            line.push_str(&format!(" {n:>10}"));
        }
        lines.push(line);
    }
    lines
}
