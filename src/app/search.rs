//! `statemine search`: arguments, their conversion into a [`SearchRequest`], the single-query
//! run and the `--queries FILE` batch mode. Formatting lives in [`super::search_printer`].

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use statemine::export::{ManifestContext, TableFormat, write_table_with_manifest};
use statemine::index::{DocFilter, IndexStore};
use statemine::query::QueryError;
use statemine::search::{
    self as search, GroupBy, IndexSearcher, Plan, SearchError, SearchRequest, SortOrder,
};

use super::Outcome;
use super::common::{FilterArgs, IndexArgs, SpeakerUse, note_unmatched_names};
use super::output::{Output, note, stderr_is_terminal, stderr_line, warning};
use super::search_printer::{Format, Printer};

/// Arguments of `statemine search`.
#[derive(Args, Debug)]
#[command(after_help = QUERY_HELP)]
pub struct SearchArgs {
    /// The query (see "Query language" below); without one, every document the filters
    /// select (`search --from 2017 --kind briefing --count --by speaker`).
    #[arg(conflicts_with = "queries")]
    pub query: Option<String>,
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Print one JSON object per hit.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print a CSV table with a header.
    #[arg(long)]
    pub csv: bool,
    /// Hits to print at most (0: all).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Hits to skip first.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: usize,
    /// Order: score (most relevant first), date (oldest first) or -date (newest first)
    /// [default: score, or date without a query].
    #[arg(long, allow_hyphen_values = true, value_parser = parse_sort)]
    pub sort: Option<SortOrder>,
    /// Print only the number of matching documents.
    #[arg(long)]
    pub count: bool,
    /// With --count: a count table by year, month, speaker or source.
    #[arg(long, requires = "count", value_parser = parse_group, value_name = "GROUP")]
    pub by: Option<GroupBy>,
    /// Do not read passages (faster; hits show metadata only).
    #[arg(long)]
    pub no_snippets: bool,
    /// Passages per hit at most.
    #[arg(long, default_value_t = 3, value_name = "N",
          value_parser = clap::value_parser!(u8).range(1..=10))]
    pub passages: u8,
    /// Write the hits to FILE (.csv, .parquet, .json, .ndjson: the columns of --csv), or the
    /// count table with --count, and FILE.manifest.json instead of printing them.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["json", "csv", "queries"])]
    pub out: Option<PathBuf>,
    /// Run every query of FILE (one per line; `#` comments and blank lines skipped; `-` for
    /// stdin) in one process and print one JSON line per query.
    #[arg(long, value_name = "FILE", conflicts_with = "csv")]
    pub queries: Option<PathBuf>,
}

const QUERY_HELP: &str = "\
Query language:
  sanctions useless          both words (the default operator is AND)
  sanctions OR embargo       either word; NOT, AND, OR and ( ) as usual (operators in capitals)
  +korea -sanctions          + must appear, - must not appear
  \"sanctions are useless\"    the exact phrase (punctuation between the words is ignored)
  \"sanctions useless\"~3      the words within 3 position moves of each other
  sanc*                      a word starting with sanc (and, like any word, its other forms)
  title:korea  text:korea    only in the title, only in the text (default: both)
  speaker:putin  source:mid  kind:interview  lang:ru  tag:korea   metadata
Words are stemmed with the document's language: `sanctions` finds `sanction` in English
texts, `санкциям` finds `санкции` in Russian ones. Without a query, every document the
filters select, oldest first.
Exit status: 0 with hits, 1 without, 2 on error.";

fn parse_sort(value: &str) -> Result<SortOrder, String> {
    value.parse()
}

fn parse_group(value: &str) -> Result<GroupBy, String> {
    value.parse()
}

/// The typed configuration of one `statemine search` run.
struct SearchConfig {
    filter: DocFilter,
    request: SearchRequest,
    count: bool,
    by: Option<GroupBy>,
    format: Format,
}

impl SearchArgs {
    fn config(&self, color: bool) -> anyhow::Result<SearchConfig> {
        // Speaker counts name registry persons, so they read the registry file as trends do.
        let speakers = match self.by {
            Some(GroupBy::Speaker) => SpeakerUse::Always,
            _ => SpeakerUse::TurnFilter,
        };
        let filter = self.filter.to_filter_for(speakers)?;
        let format = if self.json {
            Format::Json
        } else if self.csv {
            Format::Csv
        } else {
            Format::Plain { color }
        };
        let request = SearchRequest {
            filter: filter.clone(),
            turns: filter.turns.clone(),
            // Without a query every document scores alike: date order is the one that says
            // something.
            sort: self
                .sort
                .unwrap_or(if self.query.is_none() && self.queries.is_none() {
                    SortOrder::Date
                } else {
                    SortOrder::Score
                }),
            offset: self.offset,
            limit: (self.limit > 0).then_some(self.limit),
            passages: if self.no_snippets {
                0
            } else {
                usize::from(self.passages)
            },
            // The "N of M" summary is only drawn for a person watching stderr.
            total: matches!(format, Format::Plain { .. })
                && self.out.is_none()
                && stderr_is_terminal(),
            // No output shows a document's whole text.
            text: false,
        };
        Ok(SearchConfig {
            filter,
            request,
            count: self.count,
            by: self.by,
            format,
        })
    }
}

/// Runs `statemine search`.
pub fn run(args: SearchArgs) -> anyhow::Result<Outcome> {
    if let Some(path) = &args.out {
        TableFormat::from_path(path)?;
    }
    let mut output = Output::stdout();
    let config = args.config(output.color)?;
    let store = IndexStore::open(&args.index.index)?;
    note_unmatched_names(&store, &config.filter)?;
    let mut searcher = IndexSearcher::new(&store)?;
    let query = args.query.as_deref();
    let outcome = match (&args.queries, &args.out) {
        (Some(file), _) => run_batch(&mut searcher, &config, file, &mut output)?,
        (None, Some(path)) => {
            let context = ManifestContext {
                args: std::env::args().collect(),
                index: Some(store.fingerprint()?),
                ..ManifestContext::default()
            };
            export_one(&mut searcher, &config, query, path, &context)?
        }
        (None, None) => run_one(&mut searcher, &config, query, &mut output)?,
    };
    output.flush()?;
    Ok(outcome)
}

/// The plan of `query`, or of every document without one.
fn plan_of(searcher: &mut IndexSearcher<'_>, query: Option<&str>) -> anyhow::Result<Plan> {
    match query {
        Some(query) => searcher.plan(query).map_err(|e| with_caret(e, query)),
        None => Ok(Plan::every_document()),
    }
}

/// How the messages name what was searched.
fn searched(query: Option<&str>) -> String {
    match query {
        Some(query) => format!("`{query}`"),
        None => "the filters".to_string(),
    }
}

fn run_one(
    searcher: &mut IndexSearcher<'_>,
    config: &SearchConfig,
    query: Option<&str>,
    output: &mut Output,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let plan = plan_of(searcher, query)?;
    let mut printer =
        Printer::new(output.writer(), config.format).starting_at(config.request.offset);
    let found = if let Some(by) = config.by {
        let rows = searcher.count_by(&plan, &config.filter, &config.request.turns, by)?;
        printer.groups(by, &rows)?;
        rows.iter().map(|r| r.count).sum()
    } else if config.count {
        let count = searcher.count(&plan, &config.filter, &config.request.turns)?;
        printer.count(count)?;
        count
    } else {
        // Hits are printed as they come: memory stays small and `| head` stops early.
        let total = searcher.search_each(&plan, &config.request, |hit| {
            printer.hit(&hit).map_err(anyhow::Error::from)
        })?;
        printer.end_hits()?;
        let shown = printer.printed();
        if let Some(total) = total {
            printer.flush()?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            if total == 0 {
                note(format_args!(
                    "no document matches {} ({ms:.1} ms); `statemine search --help` shows the query language",
                    searched(query)
                ));
            } else if shown == 0 {
                note(format_args!(
                    "none of {total} matching documents is past --offset {} ({ms:.1} ms)",
                    config.request.offset
                ));
            } else {
                let first = config.request.offset + 1;
                stderr_line!(
                    "{first}-{} of {total} matching documents ({ms:.1} ms)",
                    config.request.offset + shown
                );
            }
        }
        shown as u64
    };
    Ok(if found > 0 {
        Outcome::Done
    } else {
        Outcome::NoHits
    })
}

/// `--out`: the hits (or the count table) of one query written to a file with its manifest.
fn export_one(
    searcher: &mut IndexSearcher<'_>,
    config: &SearchConfig,
    query: Option<&str>,
    path: &Path,
    context: &ManifestContext,
) -> anyhow::Result<Outcome> {
    let plan = plan_of(searcher, query)?;
    let (mut frame, found, what) = match answer_plan(searcher, config, &plan)? {
        Answer::Hits(hits) => (search::hits_frame(&hits)?, hits.len() as u64, "hit"),
        Answer::Count(count) => (search::count_frame(count)?, count, "count"),
        Answer::Groups(by, rows) => (
            search::groups_frame(by, &rows)?,
            rows.iter().map(|r| r.count).sum(),
            "group",
        ),
    };
    let rows = frame.height();
    let manifest = write_table_with_manifest(&mut frame, path, context)?;
    note(format_args!(
        "wrote {rows} {what} rows to {} and {}",
        path.display(),
        manifest.display()
    ));
    if found == 0 {
        // An empty page past the last hit is not a query that matches nothing.
        let total = match what {
            "hit" if config.request.offset > 0 => {
                searcher.count(&plan, &config.request.filter, &config.request.turns)?
            }
            _ => 0,
        };
        if total > 0 {
            note(format_args!(
                "none of {total} matching documents is past --offset {}",
                config.request.offset
            ));
        } else {
            note(format_args!(
                "no document matches {}; `statemine search --help` shows the query language",
                searched(query)
            ));
        }
        return Ok(Outcome::NoHits);
    }
    Ok(Outcome::Done)
}

/// Batch mode: every query of a file against the same open index, one JSON line each.
fn run_batch(
    searcher: &mut IndexSearcher<'_>,
    config: &SearchConfig,
    file: &PathBuf,
    output: &mut Output,
) -> anyhow::Result<Outcome> {
    let name = file.display().to_string();
    let reader: Box<dyn BufRead> = if name == "-" {
        Box::new(BufReader::new(io::stdin()))
    } else {
        Box::new(BufReader::new(
            File::open(file).with_context(|| format!("cannot open {name}"))?,
        ))
    };
    let mut printer = Printer::new(output.writer(), Format::Json);
    let (mut any_hit, mut errors) = (false, 0usize);
    for (index, line) in reader.lines().enumerate() {
        let line_number = index + 1;
        let line = line.with_context(|| format!("{name}:{line_number}: cannot read"))?;
        let query = line.trim();
        if query.is_empty() || query.starts_with('#') {
            continue;
        }
        let started = Instant::now();
        let answer = answer(searcher, config, query);
        let took_ms = started.elapsed().as_secs_f64() * 1000.0;
        match answer {
            Ok(answer) => {
                any_hit |= answer.found();
                printer.batch_answer(line_number, query, &answer, took_ms)?;
            }
            Err(err) => {
                errors += 1;
                printer.batch_error(line_number, query, &err.to_string())?;
                printer.flush()?;
                let err = err.to_string();
                let err = statemine::text::excerpt(&err, statemine::text::MESSAGE_EXCERPT_CHARS);
                let err = statemine::text::terminal_safe(&err).into_owned();
                warning(format_args!("{name}:{line_number}: {err}"));
            }
        }
    }
    printer.flush()?;
    anyhow::ensure!(errors == 0, "{errors} of the queries in {name} failed");
    Ok(if any_hit {
        Outcome::Done
    } else {
        Outcome::NoHits
    })
}

/// What one query of a batch produced.
pub(crate) enum Answer {
    Hits(Vec<statemine::search::Hit>),
    Count(u64),
    Groups(GroupBy, Vec<statemine::search::GroupCount>),
}

impl Answer {
    fn found(&self) -> bool {
        match self {
            Answer::Hits(hits) => !hits.is_empty(),
            Answer::Count(count) => *count > 0,
            Answer::Groups(_, rows) => !rows.is_empty(),
        }
    }
}

fn answer(
    searcher: &mut IndexSearcher<'_>,
    config: &SearchConfig,
    query: &str,
) -> Result<Answer, SearchError> {
    let plan: Plan = searcher.plan(query)?;
    answer_plan(searcher, config, &plan)
}

/// The hits, count or count table of a parsed query, as the flags ask.
fn answer_plan(
    searcher: &mut IndexSearcher<'_>,
    config: &SearchConfig,
    plan: &Plan,
) -> Result<Answer, SearchError> {
    let turns = &config.request.turns;
    Ok(if let Some(by) = config.by {
        Answer::Groups(by, searcher.count_by(plan, &config.filter, turns, by)?)
    } else if config.count {
        Answer::Count(searcher.count(plan, &config.filter, turns)?)
    } else {
        Answer::Hits(searcher.search(plan, &config.request)?.hits)
    })
}

/// A syntax error with the query printed under it and a caret at the column.
fn with_caret(err: SearchError, query: &str) -> anyhow::Error {
    match &err {
        SearchError::Query(QueryError::Syntax { position, .. }) => {
            let pad = " ".repeat(position.saturating_sub(1));
            anyhow::anyhow!("{err}\n  {query}\n  {pad}^")
        }
        _ => err.into(),
    }
}
