//! `statemine words freq|keyness|colloc`: arguments, conversion into library calls, and
//! output (tables from [`super::words_print`]).

use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Subcommand};

use statemine::analysis::{self, Granularity, GroupBy};
use statemine::export::{ManifestContext, TableFormat, write_table_with_manifest};
use statemine::index::IndexStore;
use statemine::words::{self, Grouping, Stopwords, TermForm, WordsOptions};

use super::Outcome;
use super::common::{FilterArgs, IndexArgs, SpeakerUse, note_unmatched_names};
use super::output::{Output, note};
use super::study::NamedPeriodArgs;
use super::words_print;

/// Subcommands of `statemine words`.
#[derive(Subcommand, Debug)]
pub enum WordsCommand {
    /// Most frequent terms, overall or by period or group.
    #[command(mut_arg("turn_speaker", |a| a.hide(true)), mut_arg("role", |a| a.hide(true)))]
    Freq(FreqArgs),
    /// Terms over-used in one period or group against another (log-likelihood G2, log
    /// ratio).
    #[command(mut_arg("turn_speaker", |a| a.hide(true)), mut_arg("role", |a| a.hide(true)))]
    Keyness(KeynessArgs),
    /// Terms that occur near a term (within --window tokens), with G2 and PMI.
    #[command(mut_arg("turn_speaker", |a| a.hide(true)), mut_arg("role", |a| a.hide(true)))]
    Colloc(CollocArgs),
}

/// What a term is and which words are left out (shared by the three commands).
#[derive(Args, Debug, Clone)]
pub struct TermArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Count lowercase words as written instead of stems (the index analyzer's; a stem is
    /// shown with its most frequent surface form).
    #[arg(long)]
    pub surface: bool,
    /// Count stopwords too (by default the English and Russian lists compiled in, or
    /// --stopwords, are left out of every count and total).
    #[arg(long, conflicts_with = "stopwords")]
    pub keep_stopwords: bool,
    /// Stopword file (TOML: `[en] words = [...]`, `[ru] words = [...]`) replacing the
    /// compiled-in lists.
    #[arg(long, value_name = "FILE")]
    pub stopwords: Option<PathBuf>,
    /// Leave out terms with fewer tokens than this.
    #[arg(long, value_name = "N")]
    pub min_count: Option<u64>,
    /// At most this many terms (per group; per side for keyness); 0: all.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
    /// One JSON object per line.
    #[arg(long, conflicts_with = "out")]
    pub json: bool,
    /// Write the table to FILE (.csv, .parquet, .json, .ndjson) and FILE.manifest.json
    /// instead of printing it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

impl TermArgs {
    fn options(&self) -> anyhow::Result<WordsOptions> {
        let stopwords = match (&self.stopwords, self.keep_stopwords) {
            (_, true) => None,
            (Some(path), false) => Some(Stopwords::from_file(path)?),
            (None, false) => Some(Stopwords::builtin()),
        };
        Ok(WordsOptions {
            form: if self.surface {
                TermForm::Surface
            } else {
                TermForm::Stem
            },
            stopwords,
        })
    }

    /// Checks the output path, builds the options and filter, opens the index. `by_speaker`:
    /// the command groups or compares by speaker, and so reads the registry file as trends
    /// do (speakers are named by registry person).
    fn open(
        &self,
        by_speaker: bool,
    ) -> anyhow::Result<(WordsOptions, statemine::index::DocFilter, IndexStore)> {
        if let Some(path) = &self.out {
            TableFormat::from_path(path)?;
        }
        let options = self.options()?;
        let filter = self.filter.to_filter_for(if by_speaker {
            SpeakerUse::Always
        } else {
            SpeakerUse::TurnFilter
        })?;
        // Word statistics read whole documents: a turn filter would be silently ignored.
        anyhow::ensure!(
            filter.turns.is_empty(),
            "--turn-speaker and --role do not apply to word statistics, which count whole \
             documents (--speaker selects documents by their main speaker)"
        );
        let store = IndexStore::open(&self.index.index)?;
        note_unmatched_names(&store, &filter)?;
        Ok((options, filter, store))
    }

    /// Writes `frame` to `--out` with its manifest.
    fn write(
        &self,
        store: &IndexStore,
        mut frame: polars::prelude::DataFrame,
        what: &str,
    ) -> anyhow::Result<()> {
        let Some(path) = &self.out else {
            return Ok(());
        };
        let context = ManifestContext {
            args: std::env::args().collect(),
            index: Some(store.fingerprint()?),
            themes: None,
            model: None,
            job: None,
        };
        let rows = frame.height();
        let manifest = write_table_with_manifest(&mut frame, path, &context)?;
        note(format_args!(
            "wrote {rows} {what} rows to {} and {}",
            path.display(),
            manifest.display()
        ));
        Ok(())
    }
}

/// `--by` of `words freq`: a calendar period or a document-level group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByArg(Grouping);

impl FromStr for ByArg {
    type Err = String;

    fn from_str(value: &str) -> Result<ByArg, String> {
        let expected = "expected year, quarter, month, week, day, speaker, source, kind or lang";
        if let Ok(granularity) = Granularity::from_str(value) {
            return Ok(ByArg(Grouping::Period(granularity)));
        }
        match GroupBy::from_str(value) {
            Ok(by) if !by.is_turn_level() => Ok(ByArg(Grouping::Field(by))),
            _ => Err(format!("`{value}`: {expected}")),
        }
    }
}

/// Arguments of `statemine words freq`.
#[derive(Args, Debug)]
pub struct FreqArgs {
    #[command(flatten)]
    pub terms: TermArgs,
    /// Group by calendar period (year, quarter, month, week, day) or by speaker, source,
    /// kind or lang.
    #[arg(long, value_name = "GROUP")]
    pub by: Option<ByArg>,
}

/// Arguments of `statemine words keyness`.
#[derive(Args, Debug)]
pub struct KeynessArgs {
    /// Target side: a period (START..END, 2017, 2017-H2, 2017-Q3, 2017-09, a name from --periods)
    /// or, with --group, a group value.
    pub a: String,
    /// Reference side, in the same form.
    pub b: String,
    #[command(flatten)]
    pub named: NamedPeriodArgs,
    /// Compare two values of this grouping (speaker, source, kind, lang) instead of two
    /// periods.
    #[arg(long, value_name = "GROUP", conflicts_with_all = ["periods", "periods_file"])]
    pub group: Option<GroupBy>,
    #[command(flatten)]
    pub terms: TermArgs,
}

/// Arguments of `statemine words colloc`.
#[derive(Args, Debug)]
pub struct CollocArgs {
    /// The node: one word (stemmed like the index, or as written with --surface).
    pub term: String,
    /// Collocates are counted within this many tokens either side of the node.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..))]
    pub window: u16,
    #[command(flatten)]
    pub terms: TermArgs,
}

/// Runs a `statemine words` subcommand.
pub fn run(command: WordsCommand) -> anyhow::Result<Outcome> {
    match command {
        WordsCommand::Freq(args) => freq(args),
        WordsCommand::Keyness(args) => keyness(args),
        WordsCommand::Colloc(args) => colloc(args),
    }
}

/// Prints each row as one JSON object, with `extra` fields first.
fn json_lines<T: serde::Serialize>(
    out: &mut Output,
    rows: &[T],
    extra: &[(&str, &str)],
) -> anyhow::Result<()> {
    for row in rows {
        let mut object = serde_json::Map::new();
        for (key, value) in extra {
            object.insert((*key).into(), (*value).into());
        }
        if let serde_json::Value::Object(fields) = serde_json::to_value(row)? {
            object.extend(fields);
        }
        out.line(&serde_json::to_string(&object)?)?;
    }
    Ok(())
}

fn outcome(rows: usize) -> Outcome {
    if rows == 0 {
        Outcome::NoHits
    } else {
        Outcome::Done
    }
}

fn note_stopwords(args: &TermArgs, stopword_tokens: u64) {
    if stopword_tokens > 0 && !args.keep_stopwords {
        note(format_args!(
            "{stopword_tokens} stopword tokens left out of counts and totals (--keep-stopwords keeps them)"
        ));
    }
}

fn freq(args: FreqArgs) -> anyhow::Result<Outcome> {
    let terms = &args.terms;
    let grouping = args.by.map_or(Grouping::All, |b| b.0);
    let (options, filter, store) = terms.open(grouping == Grouping::Field(GroupBy::Speaker))?;
    let counts = words::count_words(&store, &filter, &options, grouping)?;
    let rows = words::freq_rows(&counts, terms.top, terms.min_count.unwrap_or(1));
    note_stopwords(terms, counts.groups.iter().map(|g| g.stopword_tokens).sum());
    if terms.out.is_some() {
        terms.write(&store, words::freq_frame(&rows)?, "term")?;
        return Ok(outcome(rows.len()));
    }
    let mut out = Output::stdout();
    if terms.json {
        json_lines(&mut out, &rows, &[])?;
    } else if !rows.is_empty() {
        out.line(&words_print::freq_table(&rows, grouping != Grouping::All))?;
    }
    out.flush()?;
    if rows.is_empty() {
        note("no terms: the selection holds no counted word (or none reaches --min-count)");
    }
    Ok(outcome(rows.len()))
}

fn keyness(args: KeynessArgs) -> anyhow::Result<Outcome> {
    let terms = &args.terms;
    let named = args.named.named()?.unwrap_or_default();
    let comparison = analysis::resolve_comparison(&args.a, &args.b, args.group, &named)?;
    let (options, filter, store) = terms.open(args.group == Some(GroupBy::Speaker))?;
    let counts = words::keyness_counts(&store, &filter, &options, &comparison)?;
    let mut table = words::keyness(&counts, &comparison, terms.min_count.unwrap_or(5))?;
    table.keep_top(terms.top);
    note_stopwords(terms, counts.groups.iter().map(|g| g.stopword_tokens).sum());
    if terms.out.is_some() {
        terms.write(&store, words::keyness_frame(&table)?, "keyness")?;
        return Ok(outcome(table.rows.len()));
    }
    let mut out = Output::stdout();
    if terms.json {
        json_lines(&mut out, &table.rows, &[("a", &table.a), ("b", &table.b)])?;
    } else {
        out.line(&words_print::keyness_table(&table))?;
    }
    out.flush()?;
    Ok(outcome(table.rows.len()))
}

fn colloc(args: CollocArgs) -> anyhow::Result<Outcome> {
    let terms = &args.terms;
    let (options, filter, store) = terms.open(false)?;
    let mut table = words::collocates(
        &store,
        &filter,
        &options,
        &args.term,
        usize::from(args.window),
        terms.min_count.unwrap_or(3),
    )?;
    if terms.top > 0 {
        table.rows.truncate(terms.top);
    }
    if terms.out.is_some() {
        terms.write(&store, words::colloc_frame(&table)?, "collocate")?;
        return Ok(outcome(table.rows.len()));
    }
    let mut out = Output::stdout();
    if terms.json {
        json_lines(&mut out, &table.rows, &[("node", &table.node)])?;
    } else {
        out.line(&words_print::colloc_table(&table))?;
    }
    out.flush()?;
    if table.node_count == 0 {
        note(format_args!(
            "`{}` does not occur in the selected documents",
            args.term
        ));
    }
    Ok(outcome(table.rows.len()))
}
