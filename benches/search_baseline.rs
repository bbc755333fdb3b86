//! Baseline for `benches/search.sh`: the benchmark's queries as plain Tantivy queries, run on
//! the same statemine index.
//!
//! Each query is what a Tantivy user would build by hand for the same search, with the terms
//! statemine searches: the query's words go through the analyzer registered for each field
//! (statemine's, as Tantivy's `QueryParser` would use it), and a word, phrase or prefix
//! becomes a `BooleanQuery` of `Should` clauses over `text_en`, `title_en` (boost 2),
//! `text_ru`, `title_ru` (boost 2), in that order, as statemine writes it: a `TermQuery`
//! (with frequencies), a `PhraseQuery` (with offsets and slop), or for `word*` Tantivy's
//! prefix automaton per prefix, `FuzzyTermQuery::new_prefix` at distance 0 (constant score;
//! the type `prefix`), and for reference its `RegexQuery` `word.*` (the type `prefix-regex`,
//! timed right after, which compiles a regex per field). A prefix is lowercased (`ё`→`е`)
//! and, when its stem differs and begins it, searched as the stem (statemine's rule, so both
//! find the same documents). Filters are `Must` clauses scoring nothing (`ConstScoreQuery`
//! with 0): a `RangeQuery` on `date`, and `TermQuery`s on the keyword fields with the value
//! lowercased. A `--speaker` that names a person of the built-in speaker registry is every
//! way the registry writes that person (name and aliases, lowercased), as `Should` terms:
//! statemine selects the person's indexed values in both languages (`Vladimir Putin` and
//! `Владимир Путин`), and a Tantivy user searching for the same person would list them.
//!
//! A search returns the top 10 by BM25 (`TopDocs`) and reads each hit's stored document (as
//! statemine does without snippets; statemine also parses it into its document type and
//! finds the query's words in the title for highlights). `--count` counts (`Count`);
//! `--count --by year|month|speaker|source` is Tantivy's composite aggregation (a
//! `date_histogram` source with a calendar interval, or a `terms` source).
//!
//! Usage: `search-baseline --index DIR --queries FILE [--runs R] [--json] [--no-regex]`
//! (`--no-regex`: prefixes only as the automaton), where FILE is
//! `benches/search_queries.tsv` (lines `type<TAB>query<TAB>flags`). As `search_bench.py`
//! runs statemine's `--queries`, queries with the same flags form a group, and each group is
//! run R + 1 times in a row, the first pass discarded. Prints p50/p95 per type, or with
//! `--json` one line per timed query (`type`, `query`, `flags`, `pass`, `ms`, and `ids` of the
//! hits or the `count`, with `groups` for grouped counts).
//! Built with `cargo build --release --features bench-baseline --bin search-baseline`.

use std::collections::BTreeMap;
use std::error::Error;
use std::time::Instant;

use chrono::NaiveDate;
use serde_json::json;
use statemine::corpus::SpeakerRegistry;
use statemine::document::Lang;
use statemine::index::Fields;
use statemine::query::cut_stems;
use statemine::text::register_analyzers;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::agg_result::AggregationResults;
use tantivy::aggregation::{AggContextParams, AggregationCollector};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query,
    RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DateTime, Index, ReloadPolicy, Searcher, TantivyDocument, Term};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Weight of a title clause, as statemine's `index::query` gives it.
const TITLE_BOOST: f32 = 2.0;

/// Hits per search, as `search_bench.py` asks statemine for (`--limit 10`).
const LIMIT: usize = 10;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|at| args.get(at + 1))
            .cloned()
    };
    let (Some(dir), Some(queries)) = (value("--index"), value("--queries")) else {
        eprintln!(
            "usage: search-baseline --index DIR --queries FILE [--runs R] [--json] [--no-regex]"
        );
        std::process::exit(2);
    };
    let runs: usize = value("--runs").map_or(Ok(5), |r| r.parse())?;
    let json = args.iter().any(|a| a == "--json");
    let regex_too = !args.iter().any(|a| a == "--no-regex");

    let baseline = Baseline::open(&dir)?;
    let queries = read_queries(&std::fs::read_to_string(&queries)?)?;
    let mut groups: Vec<(Vec<String>, Vec<&Spec>)> = Vec::new();
    for spec in &queries {
        match groups.iter_mut().find(|(flags, _)| *flags == spec.flags) {
            Some((_, members)) => members.push(spec),
            None => groups.push((spec.flags.clone(), vec![spec])),
        }
    }
    let mut times: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (flags, members) in &groups {
        let filter = Filter::parse(flags, &baseline)?;
        for pass in 0..=runs {
            for spec in members {
                let forms: &[bool] = if regex_too && spec.query.ends_with('*') {
                    &[false, true]
                } else {
                    &[false]
                };
                for &regex in forms {
                    let start = Instant::now();
                    let answer = baseline.answer(&spec.query, &filter, regex)?;
                    let ms = start.elapsed().as_secs_f64() * 1000.0;
                    if pass == 0 {
                        continue;
                    }
                    let kind = if regex {
                        format!("{}-regex", spec.kind)
                    } else {
                        spec.kind.clone()
                    };
                    times.entry(kind.clone()).or_default().push(ms);
                    if json {
                        let mut line = json!({
                            "type": kind, "query": spec.query, "flags": flags,
                            "pass": pass, "ms": ms,
                        });
                        match answer {
                            Answer::Hits(ids) => line["ids"] = json!(ids),
                            Answer::Count(count) => line["count"] = json!(count),
                            Answer::Groups(count, groups) => {
                                line["count"] = json!(count);
                                line["groups"] = json!(groups);
                            }
                        }
                        println!("{line}");
                    }
                }
            }
        }
    }
    if !json {
        println!("plain Tantivy, one process, {runs} repetitions after a warm-up pass");
        println!("  {:<9} {:>4} {:>8} {:>8}", "type", "n", "p50 ms", "p95 ms");
        for (kind, values) in &times {
            println!(
                "  {kind:<9} {:>4} {:>8.3} {:>8.3}",
                values.len(),
                percentile(values, 50.0),
                percentile(values, 95.0)
            );
        }
    }
    Ok(())
}

/// One line of the query file.
struct Spec {
    kind: String,
    query: String,
    flags: Vec<String>,
}

/// Reads `type<TAB>query<TAB>flags` lines (`#` comments); flags are shell words with
/// double quotes, as the benchmark's file writes them.
fn read_queries(text: &str) -> Result<Vec<Spec>> {
    let mut specs = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split('\t');
        let (Some(kind), Some(query)) = (parts.next(), parts.next()) else {
            return Err(format!("bad query line: {line}").into());
        };
        specs.push(Spec {
            kind: kind.to_string(),
            query: query.to_string(),
            flags: shell_words(parts.next().unwrap_or("")),
        });
    }
    Ok(specs)
}

/// Splits on spaces outside double quotes, dropping the quotes.
fn shell_words(text: &str) -> Vec<String> {
    let (mut words, mut word, mut quoted) = (Vec::new(), String::new(), false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The command-line filters and count options of a query line.
#[derive(Default)]
struct Filter {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    /// Keyword field name and its lowercased values, each a `Must` clause of `Should` terms.
    keywords: Vec<(&'static str, Vec<String>)>,
    count: bool,
    by: Option<String>,
}

impl Filter {
    /// The flags of a query line; speaker names are resolved against `baseline`'s index.
    fn parse(flags: &[String], baseline: &Baseline) -> Result<Filter> {
        let mut filter = Filter::default();
        let mut words = flags.iter();
        while let Some(flag) = words.next() {
            let mut next = || {
                words
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--from" => filter.from = Some(NaiveDate::parse_from_str(&next()?, "%Y-%m-%d")?),
                "--to" => filter.to = Some(NaiveDate::parse_from_str(&next()?, "%Y-%m-%d")?),
                "--lang" => filter.keywords.push(("lang", vec![next()?.to_lowercase()])),
                "--kind" => filter.keywords.push(("kind", vec![next()?.to_lowercase()])),
                "--speaker" => {
                    let names = baseline.indexed_speakers(person_names(&next()?));
                    filter.keywords.push(("speaker", names));
                }
                "--source" => filter
                    .keywords
                    .push(("source", vec![next()?.to_lowercase()])),
                "--count" => filter.count = true,
                "--by" => filter.by = Some(next()?),
                other => return Err(format!("flag not handled by the baseline: {other}").into()),
            }
        }
        Ok(filter)
    }

    /// The filter as one query scoring nothing, if it has any condition.
    fn query(&self, baseline: &Baseline) -> Result<Option<Box<dyn Query>>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if self.from.is_some() || self.to.is_some() {
            let bound = |date: Option<NaiveDate>| match date {
                None => std::ops::Bound::Unbounded,
                Some(day) => {
                    let secs = day
                        .and_hms_opt(0, 0, 0)
                        .map_or(0, |t| t.and_utc().timestamp());
                    std::ops::Bound::Included(Term::from_field_date(
                        baseline.fields.date,
                        DateTime::from_timestamp_secs(secs),
                    ))
                }
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(self.from), bound(self.to))),
            ));
        }
        for (name, values) in &self.keywords {
            let field = baseline.index.schema().get_field(name)?;
            let term = |value: &String| -> Box<dyn Query> {
                let term = Term::from_field_text(field, value);
                Box::new(TermQuery::new(term, IndexRecordOption::Basic))
            };
            let clause = match values.as_slice() {
                [value] => term(value),
                _ => Box::new(BooleanQuery::new(
                    values.iter().map(|v| (Occur::Should, term(v))).collect(),
                )),
            };
            clauses.push((Occur::Must, clause));
        }
        Ok((!clauses.is_empty()).then(|| -> Box<dyn Query> {
            Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::new(clauses)),
                0.0,
            ))
        }))
    }
}

/// The lowercased ways the built-in speaker registry writes the person `name` names (its
/// name or an alias, case aside), or `name` alone when it names no person.
fn person_names(name: &str) -> Vec<String> {
    let lowered = name.to_lowercase();
    let registry = SpeakerRegistry::builtin();
    let person = registry.persons().iter().find(|person| {
        std::iter::once(&person.name)
            .chain(&person.aliases)
            .any(|n| n.to_lowercase() == lowered)
    });
    match person {
        Some(person) => {
            let mut names: Vec<String> = std::iter::once(&person.name)
                .chain(&person.aliases)
                .map(|n| n.to_lowercase())
                .collect();
            names.sort();
            names.dedup();
            names
        }
        None => vec![lowered],
    }
}

/// What a query returned: hit ids, a count, or a count with its groups.
enum Answer {
    Hits(Vec<String>),
    Count(u64),
    Groups(u64, BTreeMap<String, u64>),
}

/// A word, a phrase (with slop) or a prefix, as the benchmark writes them.
enum Leaf {
    Words(String, u32),
    Prefix(String),
}

fn parse_leaf(query: &str) -> Result<Leaf> {
    if let Some(rest) = query.strip_prefix('"') {
        let (text, tail) = rest
            .split_once('"')
            .ok_or_else(|| format!("unclosed phrase: {query}"))?;
        let slop = match tail.strip_prefix('~') {
            Some(n) => n.parse()?,
            None if tail.is_empty() => 0,
            None => return Err(format!("query form not handled by the baseline: {query}").into()),
        };
        return Ok(Leaf::Words(text.to_string(), slop));
    }
    if let Some(prefix) = query.strip_suffix('*') {
        return Ok(Leaf::Prefix(prefix.to_string()));
    }
    if query.contains(char::is_whitespace) {
        return Err(format!("query form not handled by the baseline: {query}").into());
    }
    Ok(Leaf::Words(query.to_string(), 0))
}

struct Baseline {
    index: Index,
    fields: Fields,
    searcher: Searcher,
}

impl Baseline {
    fn open(dir: &str) -> Result<Baseline> {
        let index = Index::open_in_dir(dir)?;
        // The index's analyzers, by the names its schema gives them.
        register_analyzers(&index);
        let fields = Fields::from_schema(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = tantivy::IndexReader::searcher(&reader);
        Ok(Baseline {
            index,
            fields,
            searcher,
        })
    }

    /// Those of `names` that some document has as its speaker, or the first name when none
    /// is (a query then finds nothing, as it should).
    fn indexed_speakers(&self, names: Vec<String>) -> Vec<String> {
        let field = self.fields.speaker;
        let indexed: Vec<String> = names
            .iter()
            .filter(|name| {
                let term = Term::from_field_text(field, name);
                self.searcher.doc_freq(&term).is_ok_and(|n| n > 0)
            })
            .cloned()
            .collect();
        if indexed.is_empty() {
            names.into_iter().take(1).collect()
        } else {
            indexed
        }
    }

    /// The answer to a query line; `regex`: prefixes as a `RegexQuery`.
    fn answer(&self, query: &str, filter: &Filter, regex: bool) -> Result<Answer> {
        let mut query = self.leaf_query(&parse_leaf(query)?, regex)?;
        if let Some(filter) = filter.query(self)? {
            query = Box::new(BooleanQuery::new(vec![
                (Occur::Must, query),
                (Occur::Must, filter),
            ]));
        }
        if let Some(by) = &filter.by {
            return self.groups(&*query, by);
        }
        if filter.count {
            return Ok(Answer::Count(self.searcher.search(&*query, &Count)? as u64));
        }
        let top = self
            .searcher
            .search(&*query, &TopDocs::with_limit(LIMIT).order_by_score())?;
        let mut ids = Vec::with_capacity(top.len());
        for (_, address) in top {
            let doc: TantivyDocument = self.searcher.doc(address)?;
            let id = doc.get_first(self.fields.id).and_then(|v| v.as_str());
            ids.push(id.unwrap_or_default().to_string());
        }
        Ok(Answer::Hits(ids))
    }

    /// Counts per year, month, speaker or source: a composite aggregation.
    fn groups(&self, query: &dyn Query, by: &str) -> Result<Answer> {
        let source = match by {
            "year" | "month" => {
                json!({"date_histogram": {"field": "date", "calendar_interval": by}})
            }
            "speaker" | "source" => json!({"terms": {"field": by, "missing_bucket": true}}),
            other => return Err(format!("unknown grouping {other}").into()),
        };
        let request: Aggregations = serde_json::from_value(json!({
            "groups": {"composite": {"sources": [{"key": source}], "size": 65000}}
        }))?;
        let collector = AggregationCollector::from_aggs(request, AggContextParams::default());
        let results: AggregationResults = self.searcher.search(query, &collector)?;
        let value = serde_json::to_value(&results)?;
        let mut groups = BTreeMap::new();
        let mut total = 0;
        for bucket in value["groups"]["buckets"].as_array().into_iter().flatten() {
            let count = bucket["doc_count"].as_u64().unwrap_or(0);
            groups.insert(bucket["key"]["key"].to_string(), count);
            total += count;
        }
        Ok(Answer::Groups(total, groups))
    }

    /// The `Should` clauses of a leaf over both languages' text and title fields.
    fn leaf_query(&self, leaf: &Leaf, regex: bool) -> Result<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for lang in [Lang::En, Lang::Ru] {
            let (text, title) = (self.fields.text_field(lang), self.fields.title_field(lang));
            let pattern = self.pattern(leaf, lang, text)?;
            clauses.push((Occur::Should, pattern.query(text, regex)?));
            let boosted = BoostQuery::new(pattern.query(title, regex)?, TITLE_BOOST);
            clauses.push((Occur::Should, Box::new(boosted)));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// The leaf analyzed with the analyzer of `field` (its language's; the title field of
    /// the language has the same one).
    fn pattern(&self, leaf: &Leaf, lang: Lang, field: Field) -> Result<Pattern> {
        let mut analyzer = self.index.tokenizer_for_field(field)?;
        let mut analyze = |text: &str| {
            let mut tokens = Vec::new();
            let mut stream = analyzer.token_stream(text);
            while let Some(token) = stream.next() {
                tokens.push((token.position, token.text.clone()));
            }
            tokens
        };
        Ok(match leaf {
            Leaf::Words(text, slop) => {
                let tokens = analyze(text);
                match tokens.as_slice() {
                    [] => return Err(format!("nothing to search in `{text}`").into()),
                    [(_, stem)] => Pattern::Term(stem.clone()),
                    [(base, _), ..] => Pattern::Phrase(
                        tokens.iter().map(|(p, s)| (p - base, s.clone())).collect(),
                        *slop,
                    ),
                }
            }
            Leaf::Prefix(prefix) => {
                let lowered = prefix.to_lowercase().replace('ё', "е");
                let stems = cut_stems(lang, &lowered, |word| match analyze(word).as_slice() {
                    [(_, stem)] => Some(stem.clone()),
                    _ => None,
                });
                Pattern::Prefix(vec![lowered], stems)
            }
        })
    }
}

/// A leaf in stems.
enum Pattern {
    Term(String),
    /// Stems with their offsets, and the slop.
    Phrase(Vec<(usize, String)>, u32),
    /// Alternative prefixes, and stems matched whole (statemine's `cut_stems`).
    Prefix(Vec<String>, Vec<String>),
}

impl Pattern {
    /// The query on `field`; `regex`: a prefix as a `RegexQuery` rather than an automaton.
    fn query(&self, field: Field, regex: bool) -> Result<Box<dyn Query>> {
        Ok(match self {
            Pattern::Term(stem) => Box::new(TermQuery::new(
                Term::from_field_text(field, stem),
                IndexRecordOption::WithFreqs,
            )),
            Pattern::Phrase(terms, slop) => Box::new(PhraseQuery::new_with_offset_and_slop(
                terms
                    .iter()
                    .map(|(offset, stem)| (*offset, Term::from_field_text(field, stem)))
                    .collect(),
                *slop,
            )),
            Pattern::Prefix(prefixes, stems) => {
                let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for stem in stems {
                    let term = TermQuery::new(
                        Term::from_field_text(field, stem),
                        IndexRecordOption::Basic,
                    );
                    alternatives.push((
                        Occur::Should,
                        Box::new(ConstScoreQuery::new(Box::new(term), 1.0)),
                    ));
                }
                for prefix in prefixes {
                    let query: Box<dyn Query> = if regex {
                        let pattern = format!("{}.*", regex::escape(prefix));
                        Box::new(RegexQuery::from_pattern(&pattern, field)?)
                    } else {
                        let term = Term::from_field_text(field, prefix);
                        Box::new(FuzzyTermQuery::new_prefix(term, 0, false))
                    };
                    alternatives.push((Occur::Should, query));
                }
                Box::new(BooleanQuery::new(alternatives))
            }
        })
    }
}

fn percentile(values: &[f64], p: f64) -> f64 {
    let mut values = values.to_vec();
    values.sort_by(f64::total_cmp);
    if values.is_empty() {
        return f64::NAN;
    }
    let k = (values.len() - 1) as f64 * p / 100.0;
    let (lo, hi) = (
        k.floor() as usize,
        (k.ceil() as usize).min(values.len() - 1),
    );
    values[lo] + (values[hi] - values[lo]) * (k - lo as f64)
}

#[cfg(test)]
mod tests {
    //! The baseline's query for each form of the benchmark finds what statemine finds: the
    //! same top 10 in the same order, the same counts (`cargo test --features bench-baseline
    //! --bin search-baseline`; a release test build would rebuild the dependencies with the
    //! dev-dependencies' features).

    use std::path::Path;

    use statemine::document::{Kind, Lang};
    use statemine::index::{DocFilter, IndexStore, IngestOptions, NoProgress, ingest};
    use statemine::search::{GroupBy, IndexSearcher, SearchRequest, TurnFilter};

    use super::*;

    const DOCS: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
        // id, date, lang, kind, speaker, title, text
        (
            "e1",
            "2017-03-01",
            "en",
            "interview",
            "Vladimir Putin",
            "On North Korea",
            "Sanctions are useless. North Korea will not give up its nuclear programme.\nThe Korean Peninsula needs talks.",
        ),
        (
            "e2",
            "2017-09-05",
            "en",
            "transcript",
            "Vladimir Putin",
            "Press statements",
            "We discussed the situation on the Korean Peninsula and the threat of war. Sanctions against North Korea are useless and ineffective, sanctions only harm people.",
        ),
        (
            "e3",
            "2005-05-09",
            "en",
            "speech",
            "Vladimir Putin",
            "Victory Day",
            "The threat of terrorism remains. Nuclear security and energy security matter.",
        ),
        (
            "e4",
            "2018-01-10",
            "en",
            "news",
            "Dmitry Peskov",
            "Economy and investment",
            "Investment in the economy grew. Threatening statements were made about sanctions, which are useless.",
        ),
        (
            "e5",
            "2019-06-20",
            "en",
            "interview",
            "Sergei Lavrov",
            "United Nations Security Council",
            "The United Nations Security Council discussed North Korea. The double freeze initiative stands.",
        ),
        (
            "r1",
            "2025-03-05",
            "ru",
            "transcript",
            "Владимир Путин",
            "О санкциях",
            "Санкции против России не работают. По санкциям принято решение.\nСотрудничество продолжается, переговоры идут.",
        ),
        (
            "r2",
            "2025-04-01",
            "ru",
            "speech",
            "Владимир Путин",
            "Экономика",
            "Экономика растёт несмотря на санкции. Соединённые Штаты ввели новые санкционные меры в ходе специальной военной операции.",
        ),
        (
            "r3",
            "2024-12-01",
            "ru",
            "news",
            "Дмитрий Песков",
            "Переговоры",
            "Переговоры с Соединёнными Штатами. Сотрудничество в экономике.",
        ),
    ];

    fn build(dir: &Path) -> String {
        let file = dir.join("docs.jsonl");
        let lines: Vec<String> = DOCS
            .iter()
            .map(|(id, date, lang, kind, speaker, title, text)| {
                json!({
                    "id": id, "date": date, "title": title, "speaker": speaker,
                    "source": "kremlin.ru", "kind": kind, "lang": lang,
                    "url": format!("http://example.org/{id}"), "text": text,
                })
                .to_string()
            })
            .collect();
        std::fs::write(&file, lines.join("\n")).unwrap();
        let index = dir.join("index");
        ingest(&[file], &IngestOptions::new(&index), &NoProgress).unwrap();
        index.to_str().unwrap().to_string()
    }

    /// Statemine's answer to a query line, through the library.
    fn statemine_answer(
        store: &IndexStore,
        query: &str,
        flags: &[String],
    ) -> (Vec<String>, u64, usize) {
        let mut filter = DocFilter::default();
        let (mut count, mut by) = (false, None);
        let mut words = flags.iter();
        while let Some(flag) = words.next() {
            let value = words.clone().next().cloned().unwrap_or_default();
            let day = || NaiveDate::parse_from_str(&value, "%Y-%m-%d").unwrap();
            match flag.as_str() {
                "--from" => filter.from = Some(day()),
                "--to" => filter.to = Some(day()),
                "--lang" => filter.langs.push(value.parse::<Lang>().unwrap()),
                "--kind" => filter.kinds.push(value.parse::<Kind>().unwrap()),
                "--speaker" => filter.speakers.push(value.clone()),
                "--source" => filter.sources.push(value.clone()),
                "--count" => {
                    count = true;
                    continue;
                }
                "--by" => by = Some(value.parse::<GroupBy>().unwrap()),
                other => panic!("{other}"),
            }
            words.next();
        }
        let mut searcher = IndexSearcher::new(store).unwrap();
        let plan = searcher.plan(query).unwrap();
        if let Some(by) = by {
            let groups = searcher
                .count_by(&plan, &filter, &TurnFilter::default(), by)
                .unwrap();
            return (
                Vec::new(),
                groups.iter().map(|g| g.count).sum(),
                groups.len(),
            );
        }
        if count {
            let n = searcher
                .count(&plan, &filter, &TurnFilter::default())
                .unwrap();
            return (Vec::new(), n, 0);
        }
        let request = SearchRequest {
            filter,
            passages: 0,
            ..SearchRequest::default()
        };
        let hits = searcher.search(&plan, &request).unwrap().hits;
        let n = hits.len() as u64;
        (hits.into_iter().map(|h| h.doc.id).collect(), n, 0)
    }

    #[test]
    fn every_query_form_finds_what_statemine_finds() {
        let dir = tempfile::tempdir().unwrap();
        let index = build(dir.path());
        let store = IndexStore::open(Path::new(&index)).unwrap();
        let baseline = Baseline::open(&index).unwrap();
        let lines = "term\tkorea\n\
            term\tsanctions\n\
            term\tthreat\n\
            phrase\t\"Korean Peninsula\"\n\
            phrase\t\"sanctions are\"\n\
            phrase\t\"United Nations Security Council\"\n\
            phrase\t\"sanctions useless\"~5\n\
            russian\tсанкциям\n\
            russian\t\"специальной военной операции\"\n\
            russian\t\"Соединённые Штаты\"\n\
            filtered\tkorea\t--from 2017-01-01 --to 2017-12-31\n\
            filtered\tsanctions\t--lang en --kind interview\n\
            filtered\t\"Korean Peninsula\"\t--speaker \"Vladimir Putin\"\n\
            filtered\tсанкции\t--speaker \"Vladimir Putin\"\n\
            filtered\tсанкции\t--lang ru --from 2025-03-01\n\
            filtered\tnuclear\t--source kremlin.ru --to 2005-12-31\n\
            count\tkorea\t--count\n\
            count\tsanctions\t--count --by year\n\
            count\t\"Korean Peninsula\"\t--count --by speaker\n\
            count\tсанкции\t--count --by month\n\
            prefix\tthreat*\n\
            prefix\tsanction*\n\
            prefix\tсанкци*\n";
        let specs = read_queries(lines).unwrap();
        assert_eq!(specs.len(), 23);
        for spec in &specs {
            let (ids, count, groups) = statemine_answer(&store, &spec.query, &spec.flags);
            assert!(
                count > 0,
                "{} finds nothing: the case tests nothing",
                spec.query
            );
            let filter = Filter::parse(&spec.flags, &baseline).unwrap();
            for regex in [false, true] {
                match baseline.answer(&spec.query, &filter, regex).unwrap() {
                    Answer::Hits(plain) => assert_eq!(plain, ids, "{}", spec.query),
                    Answer::Count(plain) => assert_eq!(plain, count, "{}", spec.query),
                    Answer::Groups(plain, plain_groups) => {
                        assert_eq!(plain, count, "{}", spec.query);
                        assert_eq!(plain_groups.len(), groups, "{}", spec.query);
                    }
                }
            }
        }
    }

    #[test]
    fn query_lines_split_like_the_shell() {
        assert_eq!(
            shell_words("--speaker \"Vladimir Putin\"  --lang en"),
            ["--speaker", "Vladimir Putin", "--lang", "en"]
        );
        assert!(matches!(parse_leaf("\"a b\"~5").unwrap(), Leaf::Words(t, 5) if t == "a b"));
        assert!(matches!(parse_leaf("санкци*").unwrap(), Leaf::Prefix(p) if p == "санкци"));
        assert!(parse_leaf("a OR b").is_err());
    }
}
