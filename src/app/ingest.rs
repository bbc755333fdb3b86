//! `statemine ingest` and `statemine info`: arguments, their conversion into library
//! options, and the formatting of what the library returns.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use statemine::corpus::{ColumnMap, FieldDefaults, Format, IdPrefix, parse_delimiter};
use statemine::index::{IndexInfo, IngestOptions, IngestReport, InlineLabels, index_info, ingest};
use statemine::text::terminal_safe;

use super::Outcome;
use super::common::{IndexArgs, thread_count};
use super::output::{Output, note};
use super::progress::IngestProgress;

/// How records are read from tables and files (`ingest`, and `remove --input` alike).
#[derive(Args, Debug)]
pub struct ReadingArgs {
    /// Read a document field from a differently named CSV column (repeatable), e.g.
    /// `--map text=content --map date=published`.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
    /// The character between the fields of CSV and TSV tables: `;` for the CSV files of
    /// spreadsheets set to a European locale, `tab`, `|`, ... (default: `,` for .csv, a tab
    /// for .tsv).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Give records that lack a field this value (repeatable), e.g. `--set kind=statement
    /// --set source=archive`; a record's own value wins.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// Put this before the id of every record read, e.g. `--id-prefix tass-`: two sources
    /// that number their records alike (rows 1, 2, ...) then keep apart in one index
    /// instead of replacing each other's documents.
    #[arg(long, value_name = "TEXT")]
    pub id_prefix: Option<String>,
}

/// How the inputs are read, as [`ReadingArgs`] give it.
pub struct Reading {
    /// `--map`.
    pub columns: ColumnMap,
    /// `--delimiter`.
    pub delimiter: Option<u8>,
    /// `--set`.
    pub defaults: FieldDefaults,
    /// `--id-prefix`.
    pub id_prefix: Option<IdPrefix>,
}

impl ReadingArgs {
    /// The first of these flags given, if any (they only apply where files are read).
    pub fn first_given(&self) -> Option<&'static str> {
        [
            ("--map", !self.map.is_empty()),
            ("--delimiter", self.delimiter.is_some()),
            ("--set", !self.set.is_empty()),
            ("--id-prefix", self.id_prefix.is_some()),
        ]
        .into_iter()
        .find_map(|(flag, given)| given.then_some(flag))
    }

    /// The column map, delimiter, defaults and id prefix these flags give, checked before
    /// any input is read.
    pub fn parse(&self) -> anyhow::Result<Reading> {
        Ok(Reading {
            columns: ColumnMap::parse(&self.map)?,
            delimiter: self.delimiter.as_deref().map(parse_delimiter).transpose()?,
            defaults: FieldDefaults::parse(&self.set)?,
            id_prefix: self.id_prefix.as_deref().map(IdPrefix::parse).transpose()?,
        })
    }
}

/// Arguments of `statemine ingest`.
#[derive(Args, Debug)]
pub struct IngestArgs {
    /// Input files, folders (read recursively) or globs: .jsonl, .csv, .tsv, .txt, .md, each
    /// optionally .gz; `-` reads JSON Lines from standard input, a pipe (`<(zcat ...)`) is
    /// read as its name's format, else as JSON Lines.
    #[arg(required = true, value_name = "PATH")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub reading: ReadingArgs,
    /// Validate and count what would change, without writing (no index is created).
    #[arg(long)]
    pub dry_run: bool,
    /// Stop at the first bad record and write nothing from this run.
    #[arg(long)]
    pub strict: bool,
    /// Commit every N written documents, so a killed run keeps its progress (0: only at
    /// the end).
    #[arg(long, value_name = "N", default_value_t = 25_000)]
    pub commit_every: usize,
    /// Print the summary as one JSON object (the counts, the index, whether it was
    /// created); rejected records are still reported on stderr.
    #[arg(long)]
    pub json: bool,
    /// Analysis and indexing threads (default: one per core; at most 256).
    #[arg(long, value_name = "N", value_parser = thread_count())]
    pub threads: Option<usize>,
    /// Reject records (a JSON line, a CSV row, a text file) longer than this many MB,
    /// checked while reading so memory stays bounded.
    #[arg(long, value_name = "MB", default_value_t = 64,
          value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub max_record_mb: u64,
    /// Start a paragraph at each speaker label found inside a paragraph (`... добрый
    /// день. В.Путин: Уважаемые коллеги!`), so that each turn is attributed to its speaker.
    /// Paragraph numbers then differ from the input's lines.
    #[arg(long)]
    pub split_inline_labels: bool,
}

/// Arguments of `statemine info`.
#[derive(Args, Debug)]
pub struct InfoArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `statemine compact`.
#[derive(Args, Debug)]
pub struct CompactArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

impl IngestArgs {
    /// The library options these arguments describe.
    fn to_options(&self) -> anyhow::Result<IngestOptions> {
        let reading = self.reading.parse()?;
        Ok(IngestOptions {
            columns: reading.columns,
            csv_delimiter: reading.delimiter,
            defaults: reading.defaults,
            id_prefix: reading.id_prefix,
            dry_run: self.dry_run,
            strict: self.strict,
            commit_every: self.commit_every,
            threads: self.threads.unwrap_or(0),
            max_record_bytes: (self.max_record_mb as usize) << 20,
            split_inline_labels: self.split_inline_labels,
            ..IngestOptions::new(&self.index.index)
        })
    }
}

/// Says when `--map` is given for inputs that are not tables: JSON Lines and text files
/// are read by their keys, so the map does nothing to them.
fn note_map_unused(args: &IngestArgs) {
    if args.reading.map.is_empty() {
        return;
    }
    let Ok(set) = statemine::corpus::expand_inputs(&args.inputs) else {
        return;
    };
    let untouched: Vec<String> = set
        .inputs
        .iter()
        .filter(|i| !matches!(i.format, Format::Csv | Format::Tsv))
        .map(|i| i.name())
        .collect();
    if let Some(first) = untouched.first() {
        note(format_args!(
            "--map renames CSV and TSV columns; {} input{} ({first}{}) {} read by {} own keys",
            untouched.len(),
            if untouched.len() == 1 { "" } else { "s" },
            if untouched.len() > 1 { ", ..." } else { "" },
            if untouched.len() == 1 { "is" } else { "are" },
            if untouched.len() == 1 { "its" } else { "their" },
        ));
    }
}

/// Runs `statemine ingest`: prints rejected records on stderr as they come, then the
/// summary on stdout; fails (exit 2) when any record was rejected.
pub fn run(args: IngestArgs) -> anyhow::Result<Outcome> {
    let options = args.to_options()?;
    note_map_unused(&args);
    let progress = IngestProgress::new();
    let report = ingest(&args.inputs, &options, &progress)
        .with_context(|| format!("ingest into {}", options.index.display()))?;
    if !report.skipped_files.is_empty() {
        let names: Vec<String> = report
            .skipped_files
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        note(format_args!(
            "skipped {} text file{} without front matter: {}",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        ));
    }
    report_notes(&report);
    let mut out = Output::stdout();
    if args.json {
        let mut summary = serde_json::to_value(&report)?;
        summary["index"] = serde_json::to_value(&options.index)?;
        out.line(&summary.to_string())?;
    } else {
        let suffix = if report.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        };
        out.line(&format!("{report}{suffix}"))?;
    }
    out.flush()?;
    if report.discarded_empty_index {
        note(format_args!(
            "no record was accepted, so no index was created at {}",
            options.index.display()
        ));
    } else if !report.dry_run {
        note(format_args!(
            "{} {}: {} documents",
            if report.created { "created" } else { "index" },
            options.index.display(),
            report.documents_in_index
        ));
    }
    if report.rejected > 0 {
        anyhow::bail!(
            "{} record{} rejected (see the messages above)",
            report.rejected,
            if report.rejected == 1 {
                " was"
            } else {
                "s were"
            }
        );
    }
    Ok(Outcome::Done)
}

/// The notes an ingest report calls for: speaker labels inside paragraphs, and documents
/// replaced by another version of their id.
pub(super) fn report_notes(report: &IngestReport) {
    inline_labels_note(&report.inline_labels);
    replaced_note(report);
}

/// Names where the replacing versions of updated documents were read: a replacement is no
/// error, but an id reused by another source (row numbers, file names) loses a document.
fn replaced_note(report: &IngestReport) {
    if report.replaced.is_empty() {
        return;
    }
    let places = report.replaced.join(", ");
    let places = terminal_safe(&places);
    let more = match report.updated.saturating_sub(report.replaced.len() as u64) {
        0 => String::new(),
        n => format!(", and {n} more"),
    };
    let verb = if report.dry_run {
        "would replace"
    } else {
        "replaced"
    };
    let documents = match report.updated {
        1 => "1 indexed document".to_string(),
        n => format!("{n} indexed documents"),
    };
    note(format_args!(
        "{verb} {documents} by the version of the same id read at {places}{more}; when \
         another source reuses these ids, --id-prefix keeps the two apart"
    ));
}

/// Says how many speaker labels stood inside paragraphs, and what that means for turns.
fn inline_labels_note(inline: &InlineLabels) {
    let Some(first) = &inline.first else {
        return;
    };
    let (documents, hold) = if inline.documents == 1 {
        ("1 document".to_string(), "holds")
    } else {
        (format!("{} documents", inline.documents), "hold")
    };
    if inline.split {
        note(format_args!(
            "started a paragraph at {} speaker labels inside paragraphs of {documents} (first: {})",
            inline.labels,
            terminal_safe(first)
        ));
    } else {
        note(format_args!(
            "{documents} {hold} {} speaker labels inside a paragraph (first: {}): the words after \
             each stay in the turn of the paragraph's first speaker; --split-inline-labels starts \
             a paragraph at each (paragraph numbers then differ from the input's lines)",
            inline.labels,
            terminal_safe(first)
        ));
    }
}

/// Runs `statemine info`: a table per breakdown, or one JSON object with `--json`.
pub fn info(args: InfoArgs) -> anyhow::Result<Outcome> {
    let info = index_info(&args.index.index)?;
    let mut out = Output::stdout();
    if args.json {
        out.line(&serde_json::to_string(&info)?)?;
    } else {
        for line in info_lines(&args.index.index, &info) {
            out.line(&line)?;
        }
    }
    out.flush()?;
    Ok(Outcome::Done)
}

/// Runs `statemine compact`: merges the segments, then prints what changed.
pub fn compact(args: CompactArgs) -> anyhow::Result<Outcome> {
    let report = statemine::index::compact(&args.index.index)?;
    let mut out = Output::stdout();
    if args.json {
        out.line(&serde_json::to_string(&report)?)?;
    } else {
        out.line(&format!(
            "compacted {}: {} segments -> {} ({} documents)",
            args.index.index.display(),
            report.segments_before,
            report.segments_after,
            report.documents
        ))?;
    }
    out.flush()?;
    Ok(Outcome::Done)
}

/// The human-readable summary: totals, then each breakdown by count (largest first).
fn info_lines(dir: &Path, info: &IndexInfo) -> Vec<String> {
    let range = match (info.date_min, info.date_max) {
        (Some(min), Some(max)) => format!("{min} .. {max}"),
        _ => "-".to_string(),
    };
    let mut lines = vec![
        format!("index       {}", dir.display()),
        format!("documents   {}", info.documents),
        format!("dates       {range}"),
        format!("size        {:.1} MB", info.size_bytes as f64 / 1_000_000.0),
        format!("schema      {}", info.schema_version),
        format!("store       {}", info.store_compression),
    ];
    let years: BTreeMap<String, u64> = info
        .by_year
        .iter()
        .map(|(year, n)| (year.to_string(), *n))
        .collect();
    for (title, counts, by_count) in [
        ("by source", &info.by_source, true),
        ("by kind", &info.by_kind, true),
        ("by language", &info.by_lang, true),
        ("by year", &years, false),
    ] {
        lines.push(String::new());
        lines.push(title.to_string());
        let mut rows: Vec<(&String, &u64)> = counts.iter().collect();
        if by_count {
            rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        }
        let width = rows
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        for (key, count) in rows {
            let key = terminal_safe(key);
            lines.push(format!("  {key:<width$}  {count:>7}"));
        }
    }
    lines
}
