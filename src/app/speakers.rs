//! `statemine speakers ...`: the speaker registry (`list`) and speaker-attribution
//! accuracy against hand-labelled paragraphs (`check`). The work is the library's
//! ([`statemine::corpus::SpeakerRegistry`], [`statemine::analysis::attribution`]).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use statemine::analysis::attribution::{self, AttributionReport};
use statemine::analysis::{SpeakerName, speaker_names, speaker_names_frame};
use statemine::document::Role;
use statemine::export::{ManifestContext, TableFormat, write_table_with_manifest};
use statemine::index::IndexStore;
use statemine::text::terminal_safe;

use super::Outcome;
use super::common::{
    FilterArgs, IndexArgs, SpeakerUse, each_as, load_speakers, note_unmatched_names, outputs_apart,
};
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
    /// The document speakers and turn labels of an index, with their counts and the
    /// registry person each names: the names to add to a registry file.
    #[command(mut_arg("turn_speaker", |a| a.hide(true)), mut_arg("role", |a| a.hide(true)))]
    Names(NamesArgs),
}

/// Arguments of `statemine speakers names`.
#[derive(Args, Debug)]
pub struct NamesArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Only the names the registry resolves to nobody (neither a person nor a generic
    /// label such as `Question`).
    #[arg(long)]
    pub unresolved: bool,
    /// At most this many names (0: all).
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub limit: usize,
    /// One JSON object per name (name, place, documents, paragraphs, person, generic).
    #[arg(long, conflicts_with = "out")]
    pub json: bool,
    /// Write the names to FILE (.csv, .parquet, .json, .ndjson) and FILE.manifest.json
    /// instead of printing them.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
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
        SpeakersCommand::Names(args) => names(args),
    }
}

fn names(args: NamesArgs) -> anyhow::Result<Outcome> {
    outputs_apart(
        &[("--out", args.out.as_deref())],
        &[("--speakers", args.filter.speakers.as_deref())],
    )?;
    if let Some(out) = &args.out {
        TableFormat::from_path(out)?;
    }
    let filter = args.filter.to_filter_for(SpeakerUse::Always)?;
    anyhow::ensure!(
        filter.turns.is_empty(),
        "--turn-speaker and --role do not apply to `speakers names`, which lists the names of \
         whole documents"
    );
    let store = IndexStore::open(&args.index.index)?;
    note_unmatched_names(&store, &filter)?;
    let mut rows = speaker_names(&store, &filter, &filter.turns.registry())?;
    if args.unresolved {
        rows.retain(SpeakerName::unresolved);
    }
    let total = rows.len();
    if args.limit > 0 {
        rows.truncate(args.limit);
    }
    if let Some(path) = &args.out {
        let context = ManifestContext {
            args: std::env::args().collect(),
            index: Some(store.fingerprint()?),
            ..ManifestContext::default()
        };
        let manifest = write_table_with_manifest(&mut speaker_names_frame(&rows)?, path, &context)?;
        note(format_args!(
            "wrote {} ({} names) and {}",
            path.display(),
            rows.len(),
            manifest.display()
        ));
    }
    let mut out = Output::stdout();
    let lines = match (&args.out, args.json) {
        (Some(_), _) => Vec::new(),
        (None, true) => rows
            .iter()
            .map(serde_json::to_string)
            .collect::<Result<_, _>>()?,
        (None, false) if rows.is_empty() => Vec::new(),
        (None, false) => names_table(&rows),
    };
    for line in &lines {
        out.line(line)?;
    }
    out.flush()?;
    if total > rows.len() {
        note(format_args!(
            "{} of {total} names kept (--limit 0 keeps all)",
            rows.len()
        ));
    }
    Ok(if rows.is_empty() {
        Outcome::NoHits
    } else {
        Outcome::Done
    })
}

/// The names as an aligned table: name, place, documents, paragraphs, what the registry
/// makes of the name.
fn names_table(rows: &[SpeakerName]) -> Vec<String> {
    let shown: Vec<String> = rows
        .iter()
        .map(|r| terminal_safe(&r.name).into_owned())
        .collect();
    let width = shown
        .iter()
        .map(|n| n.chars().count())
        .chain(["name".len()])
        .max()
        .unwrap_or(0);
    let pad = |text: &str| {
        let fill = width.saturating_sub(text.chars().count());
        format!("{text}{}", " ".repeat(fill))
    };
    let mut lines = vec![format!(
        "{}  {:<8}  {:>9}  {:>10}  registry",
        pad("name"),
        "place",
        "documents",
        "paragraphs"
    )];
    for (row, name) in rows.iter().zip(&shown) {
        let registry = match (&row.person, row.generic) {
            (Some(person), _) => terminal_safe(person).into_owned(),
            (None, true) => "(generic)".to_string(),
            (None, false) => "(unresolved)".to_string(),
        };
        lines.push(format!(
            "{}  {:<8}  {:>9}  {:>10}  {registry}",
            pad(name),
            row.place.as_str(),
            row.documents,
            row.paragraphs
        ));
    }
    lines
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
