//! Arguments shared by several commands (index location, metadata filters), and their
//! conversion into library types.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use clap::builder::RangedU64ValueParser;

use statemine::corpus::{DEFAULT_SPEAKERS_FILE, Resolved, SpeakerRegistry};
use statemine::document::{Kind, Lang, Role};
use statemine::index::{
    DocFilter, IndexStore, MAX_THREADS, ParagraphFilter, TranslatedPages, TurnFilter, UnmatchedName,
};
use statemine::query::Plan;
use statemine::study::{STUDY_SPEAKERS_FILE, clean_path};

use super::output::note_mistake;

/// Where the index lives.
#[derive(Args, Debug, Clone)]
pub struct IndexArgs {
    /// Index directory.
    #[arg(long, env = "STATEMINE_INDEX", default_value = "indexes/default")]
    pub index: PathBuf,
}

/// Metadata filters (values of one flag are alternatives; different flags combine).
#[derive(Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// First date included: a day (2017-09-05) or the first day of a period (2017,
    /// 2017-H2, 2017-Q3, 2017-09, 2017-W36).
    #[arg(long, value_name = "DATE", value_parser = period_start)]
    pub from: Option<NaiveDate>,
    /// Last date included: a day or the last day of a period (`--to 2017-Q3` ends on
    /// 2017-09-30).
    #[arg(long, value_name = "DATE", value_parser = period_end)]
    pub to: Option<NaiveDate>,
    /// Main speaker of the document, matched by whole words, case-insensitively: `putin`
    /// selects "Vladimir Putin"; `(unknown)`: documents without one (repeatable).
    #[arg(long)]
    pub speaker: Vec<String>,
    /// Source, e.g. kremlin.ru, matched by whole words like --speaker (repeatable).
    #[arg(long)]
    pub source: Vec<String>,
    /// Kind: speech, transcript, press_conference, interview, article, statement, briefing, news (repeatable).
    #[arg(long)]
    pub kind: Vec<Kind>,
    /// Language: en or ru (repeatable).
    #[arg(long)]
    pub lang: Vec<Lang>,
    /// Only documents matching this search query (same syntax as `statemine search`).
    // Its own id: `search` already has a positional argument named `query`.
    #[arg(long = "query", id = "filter_query", value_name = "QUERY")]
    pub query: Option<String>,
    /// Only the paragraphs this person says: a name of the speaker registry in any
    /// language (`putin`, `Путин`, `В.Путин`), else whole words of the turn label
    /// (repeatable). Words, paragraphs and documents are then those of these paragraphs.
    #[arg(long, value_name = "NAME")]
    pub turn_speaker: Vec<String>,
    /// Only the paragraphs of this role: official, journalist, foreign, narration, other
    /// (repeatable); denominators as for --turn-speaker.
    #[arg(long)]
    pub role: Vec<Role>,
    /// Speaker registry extending the built-in one [default: speakers.toml, else
    /// corpus/speakers.toml, in the working directory, when there; `search` and `words`
    /// read the default only with --turn-speaker or --role].
    #[arg(long, value_name = "FILE", env = "STATEMINE_SPEAKERS")]
    pub speakers: Option<PathBuf>,
}

/// The selection flags of the analysis commands only (counts, kwic, trends, compare, first):
/// paragraphs and versions of a page.
#[derive(Args, Debug, Clone, Default)]
pub struct ParagraphArgs {
    /// Of a page selected in several languages (kremlin.ru and en.kremlin.ru), count only its
    /// version in LANG (en or ru); a page without one keeps its versions.
    #[arg(long, value_name = "LANG")]
    pub one_version: Option<Lang>,
    /// Only the paragraphs matching this query (same syntax as `statemine search`, judged on
    /// each paragraph alone); words, paragraphs and documents count only what is kept.
    #[arg(long, value_name = "QUERY")]
    pub para: Option<String>,
    /// With --para: also keep N paragraphs on either side of a matching one (same document).
    #[arg(long, value_name = "N", requires = "para")]
    pub context: Option<usize>,
}

impl ParagraphArgs {
    /// The library's paragraph filter, if --para is given.
    pub fn to_filter(&self) -> anyhow::Result<Option<ParagraphFilter>> {
        let Some(query) = self.para.as_deref() else {
            return Ok(None);
        };
        let query = Plan::parse(query).with_context(|| format!("--para `{query}`"))?;
        Ok(Some(ParagraphFilter {
            query,
            context: self.context.unwrap_or(0),
        }))
    }
}

/// The filter of an analysis command: documents by `filter`, paragraphs by `para`.
pub fn analysis_filter(filter: &FilterArgs, para: &ParagraphArgs) -> anyhow::Result<DocFilter> {
    let mut doc_filter = filter.to_filter()?;
    doc_filter.paragraphs = para.to_filter()?;
    doc_filter.one_version = para.one_version;
    Ok(doc_filter)
}

/// `--from`: the first day of a day or calendar period, as `compare` writes periods.
fn period_start(spec: &str) -> Result<NaiveDate, String> {
    statemine::analysis::parse_period(spec)
        .map(|p| p.start)
        .map_err(|e| e.to_string())
}

/// `--to`: the last day of a day or calendar period.
fn period_end(spec: &str) -> Result<NaiveDate, String> {
    statemine::analysis::parse_period(spec)
        .map(|p| p.end)
        .map_err(|e| e.to_string())
}

/// When a command reads the speaker registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeakerUse {
    /// Always: it names document and turn speakers by their registry person (counts,
    /// evidence, trends). A registry file is read and checked even when no filter needs it.
    Always,
    /// Only to resolve `--speaker`, `--turn-speaker` and `--role` (search, export, and word
    /// statistics that do not group by speaker).
    /// Without them a registry file is read only when `--speakers` names it, so that a
    /// search does not pay for parsing registries it never consults.
    TurnFilter,
}

impl FilterArgs {
    /// The library filter these flags describe, for a command that always reads the
    /// speaker registry.
    pub fn to_filter(&self) -> anyhow::Result<DocFilter> {
        self.to_filter_for(SpeakerUse::Always)
    }

    /// The library filter these flags describe, with the registry read as `use_` says.
    pub fn to_filter_for(&self, use_: SpeakerUse) -> anyhow::Result<DocFilter> {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            anyhow::ensure!(from <= to, "--from {from} is after --to {to}");
        }
        // Checked before the index is opened, so a typo fails fast with the plain
        // syntax error (and its column) rather than after loading themes.
        let query = self
            .query
            .as_deref()
            .map(|query| Plan::parse(query).with_context(|| format!("--query `{query}`")))
            .transpose()?;
        Ok(DocFilter {
            from: self.from,
            to: self.to,
            speakers: self.speaker.clone(),
            sources: self.source.clone(),
            kinds: self.kind.clone(),
            langs: self.lang.clone(),
            query,
            paragraphs: None,
            one_version: None,
            turns: TurnFilter {
                speakers: self.turn_speaker.clone(),
                roles: self.role.clone(),
                registry: match use_ {
                    SpeakerUse::TurnFilter
                        if self.turn_speaker.is_empty()
                            && self.role.is_empty()
                            && self.speaker.is_empty()
                            && self.speakers.is_none() =>
                    {
                        None
                    }
                    _ => user_speakers(self.speakers.as_deref())?,
                },
            },
        })
    }
}

/// The speaker registry: the built-in one extended by `file`, else by the working
/// directory's `speakers.toml` (a study folder) or `corpus/speakers.toml` (the repository),
/// when there.
pub fn load_speakers(file: Option<&Path>) -> anyhow::Result<Arc<SpeakerRegistry>> {
    Ok(user_speakers(file)?.unwrap_or_else(SpeakerRegistry::builtin))
}

/// The registry extended by `file` or the working directory's file, as [`load_speakers`]
/// finds it; `None` when there is no such file (the built-in registry, parsed on first use).
fn user_speakers(file: Option<&Path>) -> anyhow::Result<Option<Arc<SpeakerRegistry>>> {
    let found = file.map(Path::to_path_buf).or_else(|| {
        [STUDY_SPEAKERS_FILE, DEFAULT_SPEAKERS_FILE]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
    });
    Ok(found
        .map(|path| SpeakerRegistry::load(&path).map(Arc::new))
        .transpose()?)
}

/// Notes on stderr for each `--speaker` or `--source` name that matches nothing in the index
/// (the filter then selects no document: most often a typo), with the nearest value.
pub fn note_unmatched_names(store: &IndexStore, filter: &DocFilter) -> anyhow::Result<()> {
    for unmatched in store.unmatched_names(filter)? {
        note_mistake(unmatched_note(&unmatched));
    }
    if filter.turns.speakers.is_empty() {
        return Ok(());
    }
    let registry = filter.turns.registry();
    for name in &filter.turns.speakers {
        if registry.resolve(name) == Resolved::Generic {
            note_mistake(format_args!(
                "--turn-speaker `{name}` is a generic label that names nobody, so it selects \
                 nothing; --role journalist selects the journalists"
            ));
        }
    }
    Ok(())
}

/// Notes the pages that the documents `filter` selects hold in more than one language: one
/// event counted once per version, which the statistics take for separate documents.
pub fn note_translated_pages(store: &IndexStore, filter: &DocFilter) -> anyhow::Result<()> {
    if let Some(message) = translated_note(&store.translated_pages(filter)?) {
        note_mistake(message);
    }
    Ok(())
}

/// The note for pages selected in more than one language (without the `note: ` prefix), if
/// there are any.
pub fn translated_note(found: &TranslatedPages) -> Option<String> {
    let (first, other) = found.example.as_ref()?;
    let pages = match found.pages {
        1 => "1 page is".to_string(),
        n => format!("{n} pages are"),
    };
    Some(format!(
        "{pages} selected in more than one language ({first} and {other} are one page; {} \
         documents in all): each version's matches count, and the statistics take the \
         versions for separate documents; --one-version LANG counts each page once, --lang \
         keeps one language",
        found.documents
    ))
}

/// The note for a name that matches nothing in the index (without the `note: ` prefix).
pub fn unmatched_note(unmatched: &UnmatchedName) -> String {
    let field = unmatched.field;
    let hint = match &unmatched.nearest {
        Some(value) => format!("; nearest: `{value}`"),
        None => String::new(),
    };
    format!(
        "--{field} `{}` matches no {field} in the index{hint}",
        unmatched.name
    )
}

/// Refuses a command whose outputs name one file twice, or name one of its inputs: the
/// later write would silently replace the other output or the input. `outputs` and
/// `inputs` pair each path with the option that gave it; absent options are `None`.
pub fn outputs_apart(
    outputs: &[(&str, Option<&Path>)],
    inputs: &[(&str, Option<&Path>)],
) -> anyhow::Result<()> {
    let given = |list: &[(&str, Option<&Path>)]| -> Vec<(String, PathBuf)> {
        list.iter()
            .filter_map(|&(flag, path)| path.map(|p| (flag.to_string(), file_identity(p))))
            .collect()
    };
    let (outputs, inputs) = (given(outputs), given(inputs));
    for (k, (flag, path)) in outputs.iter().enumerate() {
        let clash = outputs[..k]
            .iter()
            .map(|(other, p)| (other, p, "written by"))
            .chain(inputs.iter().map(|(other, p)| (other, p, "read from")))
            .find(|&(_, p, _)| p == path);
        if let Some((other, _, role)) = clash {
            anyhow::bail!(
                "{flag} {} is the file {role} {other}: give each output its own file",
                path.display()
            );
        }
    }
    Ok(())
}

/// The paths of a repeatable option, each with its flag, for [`outputs_apart`].
pub fn each_as<'a>(
    flag: &'a str,
    paths: &'a [PathBuf],
) -> impl Iterator<Item = (&'a str, Option<&'a Path>)> {
    paths.iter().map(move |p| (flag, Some(p.as_path())))
}

/// A path made comparable: absolute, its folder resolved (symbolic links, `..`) when it
/// exists, else cleaned lexically.
fn file_identity(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if let Ok(real) = absolute.canonicalize() {
        return real;
    }
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => match parent.canonicalize() {
            Ok(real) => real.join(name),
            Err(_) => clean_path(&absolute),
        },
        _ => clean_path(&absolute),
    }
}

/// The parser of a `--threads` value: 0 (one per core) to [`MAX_THREADS`].
pub fn thread_count() -> RangedU64ValueParser<usize> {
    RangedU64ValueParser::new().range(0..=MAX_THREADS as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn from_and_to_take_days_and_calendar_periods() {
        assert_eq!(period_start("2017-09-05"), Ok(day("2017-09-05")));
        assert_eq!(period_end("2017-09-05"), Ok(day("2017-09-05")));
        assert_eq!(period_start("2017"), Ok(day("2017-01-01")));
        assert_eq!(period_end("2017"), Ok(day("2017-12-31")));
        assert_eq!(period_start("2017-Q3"), Ok(day("2017-07-01")));
        assert_eq!(period_end("2017-Q3"), Ok(day("2017-09-30")));
        assert_eq!(period_end("2016-02"), Ok(day("2016-02-29")));
        assert!(period_start("2017-13").is_err());
        assert!(period_end("17").is_err());
    }
}
