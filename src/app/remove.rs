//! `statemine remove`: arguments, the ids they name (given, or read from input files as
//! `ingest` reads them), and the printing of what the library removed.

use std::path::PathBuf;

use clap::Args;

use statemine::corpus::{CorpusReader, expand_inputs};
use statemine::index::{RemoveOptions, remove_documents};
use statemine::text::terminal_safe;

use super::Outcome;
use super::common::IndexArgs;
use super::ingest::ReadingArgs;
use super::output::{Output, warning};

/// Arguments of `statemine remove`.
#[derive(Args, Debug)]
pub struct RemoveArgs {
    /// Ids of the documents to remove.
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Remove the documents of these inputs (files, folders or globs, read as `ingest`
    /// reads them: give the same --map, --delimiter and --set); repeatable.
    #[arg(long = "input", value_name = "PATH")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub reading: ReadingArgs,
    #[command(flatten)]
    pub index: IndexArgs,
    /// Remove the ids the index holds even when some are not in it (they are listed).
    #[arg(long)]
    pub missing_ok: bool,
    /// Report what would be removed, without writing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs `statemine remove`.
pub fn run(args: RemoveArgs) -> anyhow::Result<Outcome> {
    if args.ids.is_empty() && args.inputs.is_empty() {
        anyhow::bail!("name the documents to remove: ids, or --input FILE");
    }
    if let (true, Some(flag)) = (args.inputs.is_empty(), args.reading.first_given()) {
        anyhow::bail!(
            "{flag} applies to the files of --input; ids are given as the index holds them \
             (with their --id-prefix: tass-1)"
        );
    }
    let mut ids = args.ids.clone();
    if !args.inputs.is_empty() {
        ids.extend(input_ids(&args)?);
    }
    let options = RemoveOptions {
        missing_ok: args.missing_ok,
        dry_run: args.dry_run,
    };
    let report = remove_documents(&args.index.index, &ids, options)?;
    if let Some(missing) = report.missing_summary() {
        warning(terminal_safe(&missing));
    }
    let mut out = Output::stdout();
    if args.json {
        let mut summary = serde_json::to_value(&report)?;
        summary["index"] = serde_json::to_value(&args.index.index)?;
        out.line(&summary.to_string())?;
    } else {
        out.line(&format!(
            "removed {}{}, {} left",
            documents(report.removed),
            if report.dry_run {
                " (dry run: nothing written)"
            } else {
                ""
            },
            documents(report.documents as usize),
        ))?;
    }
    out.flush()?;
    Ok(if report.removed == 0 {
        Outcome::NoHits
    } else {
        Outcome::Done
    })
}

fn documents(n: usize) -> String {
    if n == 1 {
        "1 document".to_string()
    } else {
        format!("{n} documents")
    }
}

/// The ids of the inputs' records, as `ingest` would read them with the same options. A
/// record that is not a valid document so read gives no id; it is named in a warning, since
/// an ingest with other options (`--set`, `--map`) may have indexed it.
fn input_ids(args: &RemoveArgs) -> anyhow::Result<Vec<String>> {
    let reading = args.reading.parse()?;
    let set = expand_inputs(&args.inputs)?;
    let reader = CorpusReader::new(set.inputs, reading.columns)
        .csv_delimiter(reading.delimiter)
        .defaults(reading.defaults)
        .id_prefix(reading.id_prefix);
    let mut ids = Vec::new();
    let mut invalid = Vec::new();
    for record in reader {
        match record {
            Ok(sourced) => ids.push(sourced.doc.id),
            Err(e) => invalid.push(e),
        }
    }
    if let Some(first) = invalid.first() {
        warning(format_args!(
            "{} of the inputs' records {} not valid documents as read with these options, so \
             no id was taken from {} (first: {}); if {} ingested with --set, --map or \
             --id-prefix, give the same options here, or remove {} by id",
            invalid.len(),
            if invalid.len() == 1 { "is" } else { "are" },
            if invalid.len() == 1 { "it" } else { "them" },
            terminal_safe(&first.to_string()),
            if invalid.len() == 1 {
                "it was"
            } else {
                "they were"
            },
            if invalid.len() == 1 { "it" } else { "them" },
        ));
    }
    Ok(ids)
}
