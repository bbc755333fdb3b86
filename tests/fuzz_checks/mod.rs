//! The properties the fuzz targets check, one function per target, shared by `fuzz/` (where
//! libFuzzer feeds them) and `tests/fuzz_replay.rs` (which replays the kept corpus of
//! `tests/fuzz-corpus/<target>/` in the ordinary test suite).
//!
//! Each function takes the raw bytes of one input and panics when a property fails: the
//! library must never panic, an error must name its location (a column for queries, a
//! line for files), and what is accepted must survive a round trip where the format has
//! one (a period's name parses back to the period; a document read from any format,
//! written as a JSON Lines record, reads back as the same document).

#![allow(dead_code)]

use std::path::Path;
use std::sync::OnceLock;

use statemine::analysis::AnalysisError;
use statemine::analysis::periods::{self, Granularity, Period};
use statemine::corpus::{ColumnMap, CorpusReader, Format, Input, RecordError};
use statemine::document::Lang;
use statemine::query::{self, QueryError};
use statemine::study::Job;
use statemine::themes::{self, Matcher, Scratch, ThemeError, ThemeMatch, ThemeSet};

/// The check of one target: panics when a property fails for the input.
pub type Check = fn(&[u8]);

/// Every target by name, as `fuzz/fuzz_targets/<name>.rs` and `tests/fuzz-corpus/<name>/`.
pub const TARGETS: &[(&str, Check)] = &[
    ("query", query),
    ("theme_file", theme_file),
    ("theme_match", theme_match),
    ("jsonl", jsonl),
    ("csv", csv),
    ("front_matter", front_matter),
    ("period", period),
    ("job_file", job_file),
];

/// The record size limit of the reader targets: small, so the limit is exercised too.
const MAX_RECORD_BYTES: usize = 4096;

/// Lines of `text` as an error may count them (a final line without `\n` counts).
fn line_count(text: &[u8]) -> usize {
    text.iter().filter(|&&b| b == b'\n').count() + 1
}

/// The query parser and planner: no panic, and an error's column lies within the query
/// (or just past its end).
pub fn query(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let columns = text.chars().count() + 1;
    let check = |result: Result<(), QueryError>| {
        if let Err(QueryError::Syntax { position, .. }) = result {
            assert!(
                (1..=columns).contains(&position),
                "column {position} outside 1..={columns} for {text:?}"
            );
        }
    };
    let parsed = query::parse(&text);
    let parsed_ok = parsed.is_ok();
    check(parsed.map(drop));
    let planned = query::Plan::parse(&text);
    assert!(
        parsed_ok || planned.is_err(),
        "a query that does not parse was planned: {text:?}"
    );
    check(planned.map(drop));
}

/// Theme files (TOML, a quanteda YAML dictionary or a LIWC dictionary, chosen by the first
/// byte): no panic; every problem in a TOML file names its line; a set that loads compiles
/// into a matcher whose matches lie on character boundaries of their paragraph, and runs
/// its own examples.
pub fn theme_file(data: &[u8]) {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let lines = line_count(text.as_bytes());
    let path = Path::new("fuzz/themes.toml");
    let loaded = match kind % 3 {
        0 => ThemeSet::from_toml(path, &text),
        1 => themes::import::quanteda(path, &text, Lang::ALL)
            .and_then(|imported| ThemeSet::from_file(path, imported.file, None)),
        _ => themes::import::liwc(path, &text, Lang::ALL)
            .and_then(|imported| ThemeSet::from_file(path, imported.file, None)),
    };
    let set = match loaded {
        Ok(set) => set,
        Err(ThemeError::Invalid { problems, .. }) => {
            assert!(!problems.is_empty(), "an invalid file without a problem");
            if kind % 3 == 0 {
                for problem in &problems {
                    let line = problem.line.unwrap_or_else(|| {
                        panic!("a problem without a line: {problem} in {text:?}")
                    });
                    assert!(
                        (1..=lines).contains(&line),
                        "line {line} of {lines}: {problem}"
                    );
                }
            }
            return;
        }
        Err(_) => return,
    };
    let Ok(matcher) = Matcher::new(&set) else {
        return;
    };
    let _ = themes::run_examples_with(&set, &matcher);
    let sample = "Only direct talks will help.\nМы за прямые переговоры, а не за санкции.";
    for lang in [Lang::En, Lang::Ru] {
        check_matches(
            sample,
            &matcher.match_text(lang, sample, &mut Scratch::default()),
        );
    }
}

/// The built-in theme set matched against arbitrary text: every match lies on character
/// boundaries inside its paragraph and names a theme of the set.
pub fn theme_match(data: &[u8]) {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    let matcher = MATCHER.get_or_init(|| {
        Matcher::new(&themes::builtin_theme_set().expect("the built-in themes load"))
            .expect("the built-in themes compile")
    });
    let text = String::from_utf8_lossy(data);
    for lang in [Lang::En, Lang::Ru] {
        let matches = matcher.match_text(lang, &text, &mut Scratch::default());
        check_matches(&text, &matches);
        for m in &matches {
            assert!(matcher.theme_ids().contains(&m.theme), "{m:?}");
        }
    }
}

/// Matches lie inside their paragraph (split on `\n`), on character boundaries.
fn check_matches(text: &str, matches: &[ThemeMatch]) {
    let paragraphs: Vec<&str> = text.split('\n').collect();
    for m in matches {
        let paragraph = paragraphs
            .get(m.para)
            .unwrap_or_else(|| panic!("paragraph {} of {}: {m:?}", m.para, paragraphs.len()));
        assert!(
            m.start <= m.end
                && m.end <= paragraph.len()
                && paragraph.is_char_boundary(m.start)
                && paragraph.is_char_boundary(m.end),
            "{m:?} in {paragraph:?}"
        );
    }
}

/// JSON Lines input (possibly gzip-compressed).
pub fn jsonl(data: &[u8]) {
    records("fuzz.jsonl", Format::Jsonl, data);
}

/// CSV input with the default columns (possibly gzip-compressed).
pub fn csv(data: &[u8]) {
    records("fuzz.csv", Format::Csv, data);
}

/// A Markdown file with front matter (possibly gzip-compressed).
pub fn front_matter(data: &[u8]) {
    records("fuzz.md", Format::Text, data);
}

/// Reads `data` as the input `name`: no panic; every error names the input and a line of
/// it; every document read has a valid date and a non-empty id, and reads back as itself
/// from the JSON Lines record it is written as.
fn records(name: &str, format: Format, data: &[u8]) {
    let compressed = data.starts_with(&[0x1f, 0x8b]);
    let lines = line_count(data);
    let reader = CorpusReader::new(
        vec![Input::memory(name, format, data)],
        ColumnMap::default(),
    )
    .max_record_bytes(MAX_RECORD_BYTES);
    for result in reader {
        match result {
            Ok(read) => {
                assert!(read.line >= 1 && (compressed || read.line <= lines));
                let doc = read.doc;
                assert!(!doc.id.is_empty(), "{doc:?}");
                assert!(
                    (statemine::corpus::MIN_DATE..=statemine::corpus::MAX_DATE).contains(&doc.date),
                    "{doc:?}"
                );
                let json = serde_json::to_string(&doc).expect("a document serialises");
                match statemine::corpus::parse_jsonl_record(name, 1, &json) {
                    Ok(again) => assert_eq!(again, doc, "written as {json}"),
                    Err(e) => panic!("{doc:?} written as {json} does not read back: {e}"),
                }
            }
            Err(RecordError { path, line, .. }) => {
                assert_eq!(path, name);
                assert!(
                    line >= 1 && (compressed || line <= lines),
                    "line {line} of {lines}"
                );
            }
        }
    }
}

/// Period specifications: no panic; a period parses back from its name; a range parses
/// back from its dates; named periods parse back from their own listing; the calendar
/// periods over a parsed period cover it without gaps, each parsing back to itself.
pub fn period(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(period) = periods::parse_period(&text) {
        assert!(period.start <= period.end, "{period:?}");
        assert_eq!(
            periods::parse_period(&period.name).as_ref().ok(),
            Some(&period),
            "{text:?} does not print and re-parse to itself"
        );
        calendar_round_trip(&period);
    }
    if let Ok((start, end)) = periods::parse_range(&text) {
        assert!(start <= end);
        let again = periods::parse_range(&format!("{start}..{end}"));
        assert_eq!(again.ok(), Some((start, end)), "{text:?}");
    }
    if let Ok(named) = periods::parse_named_periods(&text) {
        let listing: Vec<String> = named
            .iter()
            .map(|p| format!("{}={}..{}", p.name, p.start, p.end))
            .collect();
        let again = periods::parse_named_periods(&listing.join(","));
        assert_eq!(again.ok(), Some(named), "{text:?}");
    }
    let _ = text.parse::<Granularity>();
}

/// The calendar periods of every granularity over `period`, when short enough to list and
/// within the dates an index can hold (where calendar periods come from; an ISO week of
/// the year 0 belongs to the year -1, which no period name spells).
fn calendar_round_trip(period: &Period) {
    use statemine::corpus::{MAX_DATE, MIN_DATE};
    if period.start < MIN_DATE || period.end > MAX_DATE {
        return;
    }
    let days = (period.end - period.start).num_days();
    for &granularity in Granularity::ALL {
        let per_period = match granularity {
            Granularity::Day => 1,
            Granularity::Week => 7,
            Granularity::Month => 28,
            Granularity::Quarter => 90,
            Granularity::Year => 365,
        };
        if days / per_period > 500 {
            continue;
        }
        let listed = periods::calendar_periods(granularity, period.start, period.end)
            .expect("at most 500 periods are within the limit");
        let (first, last) = (listed.first().unwrap(), listed.last().unwrap());
        assert!(first.start <= period.start && last.end >= period.end);
        for pair in listed.windows(2) {
            assert_eq!(pair[0].end.succ_opt(), Some(pair[1].start), "{pair:?}");
        }
        for p in &listed {
            assert_eq!(
                periods::parse_period(&p.name).as_ref().ok(),
                Some(p),
                "calendar period {p:?} does not re-parse to itself"
            );
        }
    }
}

/// Job files: no panic, and an error names the job file (and a line within it when it
/// gives one). Paths resolve under a folder that does not exist, so nothing is read.
pub fn job_file(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let path = Path::new("/nonexistent-statemine-fuzz/job.toml");
    if let Err(e) = Job::from_toml(path, &text) {
        if let AnalysisError::Job {
            line: Some(line), ..
        } = &e
        {
            let lines = line_count(text.as_bytes());
            assert!((1..=lines).contains(line), "line {line} of {lines}: {e}");
        }
        let message = e.to_string();
        assert!(message.contains("job.toml"), "no location in {message:?}");
    }
}
