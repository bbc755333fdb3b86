//! `statemine search` end to end: `statemine ingest` then `statemine search` on the fixtures
//! in `tests/fixtures/search/` (our own English and Russian sentences), and on the shared
//! kremlin.ru corpus (`../shared`).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use common::{Run, Statemine, cached_index, fixture, shared};

/// The shared corpus of 2017.
const SHARED_2017: &str = "corpus/kremlin-en-2017.jsonl";

/// The fixture index, built once for all tests of this binary.
fn fixture_index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    cached_index(&INDEX, &[fixture("search", "statements.jsonl")])
}

/// Ids of `--json` hits, sorted.
fn hit_ids(run: &Run) -> Vec<String> {
    let mut ids = run.strings("id");
    ids.sort();
    ids
}

fn search_in(index: &Path, args: &[&str]) -> Run {
    Statemine::new()
        .args(["search", "--index"])
        .arg(index)
        .args(args)
        .run()
}

fn search(args: &[&str]) -> Run {
    search_in(fixture_index(), args)
}

/// Ids found by `query` with extra flags (always `--json --limit 0`).
fn ids(query: &str, flags: &[&str]) -> Vec<String> {
    let mut args = vec![query, "--json", "--limit", "0"];
    args.extend_from_slice(flags);
    let run = search(&args);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    hit_ids(&run)
}

#[test]
fn a_phrase_needs_adjacent_words_a_bag_does_not() {
    assert_eq!(ids("\"Korean Peninsula\"", &[]), ["fx-en-1"]);
    assert_eq!(ids("Korean Peninsula", &[]), ["fx-en-1", "fx-en-3"]);
    assert_eq!(
        ids("korean OR peninsula", &["--lang", "en"]),
        ["fx-en-1", "fx-en-3"]
    );
}

#[test]
fn slop_lets_words_stand_apart() {
    assert_eq!(ids("\"sanctions useless\"", &[]), Vec::<String>::new());
    assert_eq!(ids("\"sanctions useless\"~1", &[]), ["fx-en-1"]);
    // "Sanctions imposed in haste proved useless": four words more than adjacent.
    assert_eq!(ids("\"sanctions useless\"~3", &[]), ["fx-en-1"]);
    assert_eq!(ids("\"sanctions useless\"~4", &[]), ["fx-en-1", "fx-en-2"]);
}

#[test]
fn english_and_russian_words_are_stemmed() {
    assert_eq!(
        ids("sanction", &[]),
        ["fx-en-1", "fx-en-2", "fx-en-4", "fx-en-5"]
    );
    assert_eq!(ids("санкциям", &[]), ["fx-ru-1", "fx-ru-2"]);
    assert_eq!(ids("корейский", &[]), ["fx-ru-1", "fx-ru-2"]);
    assert_eq!(ids("санкц*", &[]), ["fx-ru-1", "fx-ru-2"]);
}

#[test]
fn operators_and_fields() {
    assert_eq!(ids("sanctions -useless", &[]), ["fx-en-4", "fx-en-5"]);
    assert_eq!(ids("(pyongyang OR пхеньяна) NOT freeze", &[]), ["fx-ru-1"]);
    assert_eq!(ids("title:korean", &[]), ["fx-en-1"]);
    // `putin` names a registry person: his documents under any spelling
    // (fx-ru-3 is `Владимир Путин`), as `--speaker putin` selects them.
    assert_eq!(ids("speaker:putin", &[]), ["fx-en-1", "fx-en-4", "fx-ru-3"]);
    assert_eq!(
        ids("speaker:\"Sergei Lavrov\"", &[]),
        ["fx-en-2", "fx-ru-2"]
    );
    assert_eq!(ids("speaker:zakharova", &[]), ["fx-en-3", "fx-ru-1"]);
    assert_eq!(ids("source:mid kind:interview", &[]), ["fx-ru-2"]);
}

#[test]
fn each_filter_narrows_the_hits() {
    let all = [
        "fx-en-1", "fx-en-2", "fx-en-4", "fx-en-5", "fx-ru-1", "fx-ru-2",
    ];
    assert_eq!(ids("sanctions OR санкции", &[]), all);
    let with = |flags: &[&str]| ids("sanctions OR санкции", flags);
    assert_eq!(
        with(&["--from", "2017-10-01", "--to", "2017-10-31"]),
        ["fx-en-1", "fx-ru-1"]
    );
    assert_eq!(with(&["--from", "2018-01-01"]), ["fx-ru-2"]);
    assert_eq!(with(&["--to", "2016-12-31"]), ["fx-en-5"]);
    assert_eq!(
        with(&["--speaker", "vladimir putin", "--speaker", "Сергей Лавров"]),
        ["fx-en-1", "fx-en-2", "fx-en-4", "fx-ru-2"]
    );
    // Names are matched by whole words, as `speaker:` in the query matches them.
    assert_eq!(
        with(&["--speaker", "PUTIN"]),
        ids("(sanctions OR санкции) speaker:putin", &[])
    );
    assert_eq!(with(&["--speaker", "putin"]), ["fx-en-1", "fx-en-4"]);
    assert_eq!(with(&["--speaker", "puti"]), Vec::<String>::new());
    // A name of a registry person selects the documents of any of their spellings
    // (`Sergey Lavrov`, `Сергей Лавров`), which its words alone do not match.
    assert_eq!(
        with(&["--speaker", "Sergei Lavrov"]),
        ["fx-en-2", "fx-ru-2"]
    );
    assert_eq!(
        with(&["--speaker", "Путин"]),
        with(&["--speaker", "vladimir putin"])
    );
    assert_eq!(
        with(&["--source", "mid.ru"]),
        ["fx-en-2", "fx-ru-1", "fx-ru-2"]
    );
    assert_eq!(with(&["--source", "mid"]), with(&["--source", "mid.ru"]));
    assert_eq!(
        with(&["--kind", "interview", "--kind", "statement"]),
        ["fx-en-4", "fx-en-5", "fx-ru-2"]
    );
    assert_eq!(with(&["--lang", "ru"]), ["fx-ru-1", "fx-ru-2"]);
    assert_eq!(with(&["--lang", "ru", "--kind", "briefing"]), ["fx-ru-1"]);
}

#[test]
fn turn_filters_search_what_a_speaker_or_role_said() {
    // fx-en-1: narration, then `Question:` (journalist), then `Vladimir Putin:` (official);
    // fx-en-4 is Putin's interview, but without speaker labels it is narration.
    assert_eq!(ids("sanctions", &["--turn-speaker", "putin"]), ["fx-en-1"]);
    assert_eq!(
        ids("sanction", &["--role", "narration"]),
        ["fx-en-2", "fx-en-4", "fx-en-5"]
    );
    let asked = search(&["sanctions", "--role", "journalist", "--json"]);
    assert_eq!(hit_ids(&asked), ["fx-en-1"]);
    assert_eq!(
        asked.json_lines()[0]["para"],
        1,
        "the passage comes from the question"
    );
    // `Korean` is in the question and the title, never in Putin's answer.
    assert_eq!(search(&["korean", "--turn-speaker", "putin"]).code, 1);
    assert_eq!(
        ids(
            "talks OR threats",
            &["--turn-speaker", "Vladimir Putin", "--role", "official"]
        ),
        ["fx-en-1"]
    );
    assert_eq!(
        ids("ограничения", &["--turn-speaker", "путин"]),
        ["fx-ru-3"]
    );
    let counted = search(&[
        "sanctions OR ограничения",
        "--role",
        "official",
        "--count",
        "--by",
        "year",
    ]);
    assert_eq!(counted.stdout, "year  count\n2017      2\n");
}

#[test]
fn json_lines_have_the_documented_shape() {
    let run = search(&[
        "\"sanctions are useless\" OR peninsula",
        "--json",
        "--passages",
        "2",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for hit in run.json_lines() {
        let snippet = hit["snippet"].as_str().unwrap();
        for pair in hit["highlights"].as_array().unwrap() {
            let (start, end) = (pair[0].as_u64().unwrap(), pair[1].as_u64().unwrap());
            assert!(snippet.get(start as usize..end as usize).is_some());
        }
    }
    insta::assert_snapshot!("json_hits", run.stdout);
}

#[test]
fn plain_output_marks_whole_phrases() {
    let run = search(&["\"sanctions are useless\" OR missile", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "**Sanctions are useless** here. They will not stop the **missile** programme."
        ),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("plain_hits", run.stdout);
    let colored = search(&["\"sanctions are useless\"", "--color", "always"]);
    assert!(
        colored
            .stdout
            .contains("\x1b[1;31mSanctions are useless\x1b[0m")
    );
}

#[test]
fn csv_has_a_header_and_one_row_per_hit() {
    let run = search(&["korean", "--csv", "--sort", "date"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("csv_hits", run.stdout);
}

#[test]
fn sort_limit_offset_and_no_snippets() {
    let dates = |flags: &[&str]| -> Vec<String> {
        let mut args = vec!["sanctions OR санкции", "--json"];
        args.extend_from_slice(flags);
        search(&args)
            .json_lines()
            .iter()
            .map(|h| h["date"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        dates(&["--sort", "date"]),
        [
            "2016-12-01",
            "2017-09-07",
            "2017-10-04",
            "2017-10-12",
            "2017-11-15",
            "2018-01-15"
        ]
    );
    assert_eq!(
        dates(&["--sort", "-date", "--limit", "2", "--offset", "1"]),
        ["2017-11-15", "2017-10-12"]
    );
    let bare = search(&["sanctions", "--json", "--no-snippets"]).json_lines();
    assert!(
        bare.iter()
            .all(|h| h["snippet"].is_null() && h["passages"] == Value::Array(vec![]))
    );
}

/// Every output format with and without passages, with and without turn filters, English
/// and Russian, in one snapshot. Hits without passages and without a turn filter are built
/// without reading the document's text from the index; the snapshot was taken with the
/// binary from before that, so the outputs are unchanged byte for byte.
#[test]
fn every_output_mode_with_and_without_passages() {
    let mut all = String::new();
    for query in ["sanctions OR санкции", "санкци* OR korean", "ограничения"]
    {
        for format in [&["--color", "never"][..], &["--json"], &["--csv"]] {
            for turns in [
                &[][..],
                &["--role", "official"],
                &["--turn-speaker", "путин"],
            ] {
                for passages in [&["--no-snippets"][..], &["--passages", "2"]] {
                    let mut args = vec![query];
                    args.extend_from_slice(format);
                    args.extend_from_slice(turns);
                    args.extend_from_slice(passages);
                    let run = search(&args);
                    assert!(run.code <= 1, "{args:?}: {}", run.stderr);
                    all.push_str(&format!("$ {}\n{}", args.join(" "), run.stdout));
                }
            }
        }
    }
    insta::assert_snapshot!("every_output_mode", all);
    // A hit without passages is the hit with passages less its passage fields.
    let json = |flag| search(&["sanctions OR санкции OR korean", "--json", flag]).json_lines();
    let mut with = json("--passages=1");
    for hit in &mut with {
        for key in ["para", "snippet"] {
            hit[key] = Value::Null;
        }
        for key in ["highlights", "passages"] {
            hit[key] = Value::Array(vec![]);
        }
    }
    assert!(with.len() > 3);
    assert_eq!(json("--no-snippets"), with);
}

#[test]
fn counts_and_count_tables() {
    let count = search(&["sanctions OR санкции", "--count"]);
    assert_eq!((count.code, count.stdout.as_str()), (0, "6\n"));
    let none = search(&["zzzz", "--count"]);
    assert_eq!((none.code, none.stdout.as_str()), (1, "0\n"));
    let by_month = search(&["sanctions OR санкции", "--count", "--by", "month"]);
    let by_speaker = search(&[
        "sanctions OR санкции",
        "--count",
        "--by",
        "speaker",
        "--json",
    ]);
    let by_year = search(&["sanctions OR санкции", "--count", "--by", "year", "--csv"]);
    let by_source = search(&["NOT zzzz", "--count", "--by", "source"]);
    insta::assert_snapshot!(
        "count_tables",
        [
            by_month.stdout,
            by_speaker.stdout,
            by_year.stdout,
            by_source.stdout
        ]
        .join("\n")
    );
}

// A search needed a query: counting or listing what the filters alone select took
// `lang:en OR lang:ru`.
#[test]
fn without_a_query_the_filters_alone_select() {
    let total = common::statemine(&[
        "info",
        "--json",
        "--index",
        fixture_index().to_str().unwrap(),
    ])
    .ok()
    .json()["documents"]
        .as_u64()
        .unwrap();
    let count = search(&["--count"]).ok();
    assert_eq!(count.stdout.trim().parse::<u64>().unwrap(), total);
    let russian = search(&["--lang", "ru", "--json", "--limit", "0"]).ok();
    let hits = russian.json_lines();
    assert_eq!(hit_ids(&russian), ids("lang:ru", &[]));
    let dates: Vec<&str> = hits.iter().map(|h| h["date"].as_str().unwrap()).collect();
    assert!(
        dates.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {dates:?}"
    );
    let newest = search(&["--lang", "ru", "--json", "--limit", "1", "--sort", "-date"]).ok();
    assert_eq!(
        newest.json_lines()[0]["date"],
        *hits.last().unwrap().get("date").unwrap()
    );
    let by_year = search(&["--count", "--by", "year", "--csv"]).ok();
    let sum: u64 = by_year
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(sum, total);
    let none = search(&["--from", "2100", "--count"]);
    assert_eq!((none.code, none.stdout.as_str()), (1, "0\n"));
}

// `search --count --by speaker` counted "Владимир Путин" and "Vladimir Putin" apart, while
// trends, compare and `--speaker` take both for one registry person.
#[test]
fn speaker_counts_name_each_registry_person_once() {
    let dir = tempfile::tempdir().unwrap();
    let record = |id: &str, speaker: &str| {
        serde_json::json!({"id": id, "date": "2017-09-05", "kind": "speech",
            "speaker": speaker, "text": "Trade was discussed."})
        .to_string()
    };
    let input = dir.path().join("docs.jsonl");
    let lines = [
        record("a", "Vladimir Putin"),
        record("b", "Владимир Путин"),
        record("c", "Anna Lee"),
    ];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let index = dir.path().join("index");
    common::ingest(&index, &[&input]);
    let run = search_in(&index, &["trade", "--count", "--by", "speaker", "--csv"]).ok();
    assert_eq!(run.stdout, "speaker,count\nVladimir Putin,2\nAnna Lee,1\n");
    let index = index.to_str().unwrap();
    let trends = common::statemine(&[
        "trends", "--by", "year", "--group", "speaker", "--term", "trade", "-q", "--index", index,
    ])
    .ok();
    assert!(
        trends.stdout.contains("Vladimir Putin"),
        "{}",
        trends.stdout
    );
    assert!(!trends.stdout.contains("Владимир"), "{}", trends.stdout);
}

#[test]
fn batch_mode_answers_every_line_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("queries.txt");
    std::fs::write(
        &file,
        "# comment\nsanctions\n\n\"korean peninsula\"\nfoo AND\nzzzz\n",
    )
    .unwrap();
    let run = search(&["--queries", file.to_str().unwrap(), "--limit", "1"]);
    assert_eq!(run.code, 2, "a bad line makes the batch fail at the end");
    assert!(
        run.stderr.contains("queries.txt:5: query syntax error"),
        "{}",
        run.stderr
    );
    let lines = run.json_lines();
    let summary: Vec<(u64, &str, usize)> = lines
        .iter()
        .map(|l| {
            (
                l["line"].as_u64().unwrap(),
                l["query"].as_str().unwrap(),
                l["hits"].as_array().map_or(usize::MAX, Vec::len),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (2, "sanctions", 1),
            (4, "\"korean peninsula\"", 1),
            (5, "foo AND", usize::MAX),
            (6, "zzzz", 0)
        ]
    );
    assert!(lines[0]["took_ms"].as_f64().is_some());
    assert!(lines[2]["error"].as_str().unwrap().contains("column 8"));
    std::fs::write(&file, "zzzz\n").unwrap();
    assert_eq!(search(&["--queries", file.to_str().unwrap()]).code, 1);
    std::fs::write(&file, "sanctions\n").unwrap();
    let counted = search(&["--queries", file.to_str().unwrap(), "--count"]);
    assert_eq!(counted.code, 0);
    assert_eq!(counted.json_lines()[0]["count"], 4);
    // A batch ranks by score as one query does (only a search without a query is by date):
    // the two documents of `санкции` come in the order opposite to their dates.
    std::fs::write(&file, "санкции\n").unwrap();
    let batch = search(&["--queries", file.to_str().unwrap(), "--limit", "0"]).ok();
    let batch_ids: Vec<String> = batch.json_lines()[0]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    let in_order = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["санкции", "--json", "--limit", "0"];
        all.extend_from_slice(args);
        search(&all).ok().strings("id")
    };
    assert_eq!(batch_ids, in_order(&[]));
    assert_eq!(batch_ids, ["fx-ru-2", "fx-ru-1"]);
    assert_eq!(in_order(&["--sort", "date"]), ["fx-ru-1", "fx-ru-2"]);
}

#[test]
fn exit_codes() {
    assert_eq!(search(&["sanctions"]).code, 0);
    // A page past the last hit, written to a file: exit 1, and said to be past the end.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("page.csv");
    let past = search(&[
        "sanctions",
        "--offset",
        "1000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(past.code, 1, "{}", past.stderr);
    assert!(
        past.stderr
            .contains("matching documents is past --offset 1000"),
        "{}",
        past.stderr
    );
    let none = search(&["zzzz"]);
    assert_eq!((none.code, none.stdout.as_str()), (1, ""));
    let bad = search(&["korea \"sanctions"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains(
            "query syntax error: unclosed quote opened at column 7\n  korea \"sanctions\n        ^"
        ),
        "{}",
        bad.stderr
    );
    // Another tool's proximity operator: refused with the form that works, not 0 hits.
    search(&["sanctions NEAR/5 useless"]).fails_with(
        "query syntax error: `NEAR/5` is no operator here: for words near each other, quote them \
         and give the distance, as in \"sanctions useless\"~5 (within 5 position moves) at column 11",
    );
    assert_eq!(search(&["\"sanctions useless\"~5"]).code, 0);
    let not = search(&["sanctions NOT"]);
    assert_eq!(not.code, 2);
    assert!(
        not.stderr.contains("expected a term after NOT"),
        "{}",
        not.stderr
    );
    let kind = search(&["kind:podcast"]);
    assert!(
        kind.stderr.contains("unknown kind `podcast`"),
        "{}",
        kind.stderr
    );
    let dir = tempfile::tempdir().unwrap();
    let missing = search_in(&dir.path().join("nothing"), &["korea"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("no index at"), "{}", missing.stderr);
    let dates = search(&["korea", "--from", "2018-01-01", "--to", "2017-01-01"]);
    assert_eq!(dates.code, 2);
    let empty_csv = search(&["zzzz", "--csv"]);
    assert_eq!(empty_csv.code, 1);
    assert_eq!(empty_csv.stdout.lines().count(), 1, "a header without rows");
}

/// The shared corpus of 2017, indexed once.
fn shared_index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    cached_index(&INDEX, &[shared(SHARED_2017)])
}

fn shared_records() -> Vec<Value> {
    std::fs::read_to_string(shared(SHARED_2017))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn shared_corpus_a_prefix_finds_every_word_it_begins_even_when_the_stem_is_shorter() {
    // `security` stems to `secur`, which no index term starting with `securit` is: the
    // prefix must still find it.
    let index = shared_index();
    let words = |pattern: &str| -> BTreeSet<String> {
        let re = regex::Regex::new(pattern).unwrap();
        shared_records()
            .iter()
            .filter(|r| {
                re.is_match(r["text"].as_str().unwrap())
                    || re.is_match(r["title"].as_str().unwrap_or(""))
            })
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    for (query, begun, stem_words) in [
        ("securit*", r"(?i)\bsecurit", r"(?i)\bsecur"),
        ("plann*", r"(?i)\bplann", r"(?i)\bplan"),
    ] {
        let run = search_in(index, &[query, "--json", "--limit", "0"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let found: BTreeSet<String> = hit_ids(&run).into_iter().collect();
        let expected = words(begun);
        assert!(expected.len() > 10, "{query}: {}", expected.len());
        assert!(
            expected.is_subset(&found),
            "{query}: {} documents with the words not found",
            expected.difference(&found).count()
        );
        assert!(found.is_subset(&words(stem_words)), "{query}");
    }
}

#[test]
fn shared_corpus_korean_peninsula_phrase_is_exact() {
    let index = shared_index();
    // What the analyzer sees as the two words side by side: any non-word run between them,
    // plural forms sharing the stem.
    let phrase = regex::Regex::new(
        r"(?i)(^|[^\p{L}\p{N}])koreans?[^\p{L}\p{N}]+peninsulas?($|[^\p{L}\p{N}])",
    )
    .unwrap();
    let expected: BTreeSet<String> = shared_records()
        .iter()
        // Titles are searched too, but no 2017 title has the phrase without its text having it.
        .filter(|r| phrase.is_match(r["text"].as_str().unwrap()))
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!expected.is_empty());
    let run = search_in(index, &["\"Korean Peninsula\"", "--json", "--limit", "0"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found: BTreeSet<String> = hit_ids(&run).into_iter().collect();
    assert_eq!(found, expected);
    for hit in run.json_lines() {
        let snippet = hit["snippet"].as_str().unwrap();
        let [start, end] = [0, 1].map(|i| hit["highlights"][0][i].as_u64().unwrap() as usize);
        assert!(
            phrase.is_match(&snippet[start..end]) || hit["passages"].as_array().unwrap().is_empty(),
            "{snippet}"
        );
    }
}

#[test]
fn shared_corpus_october_filter_returns_october_only() {
    let index = shared_index();
    let october = shared_records()
        .iter()
        .filter(|r| r["date"].as_str().unwrap().starts_with("2017-10-"))
        .count();
    let run = search_in(
        index,
        &[
            "NOT zzzzqx",
            "--from",
            "2017-10-01",
            "--to",
            "2017-10-31",
            "--json",
            "--limit",
            "0",
            "--no-snippets",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hits = run.json_lines();
    assert_eq!(hits.len(), october);
    assert!(
        hits.iter()
            .all(|h| h["date"].as_str().unwrap().starts_with("2017-10-"))
    );
    let korea = search_in(
        index,
        &[
            "korea",
            "--from",
            "2017-10-01",
            "--to",
            "2017-10-31",
            "--json",
            "--limit",
            "0",
        ],
    );
    assert!(!korea.json_lines().is_empty());
    assert!(
        korea
            .json_lines()
            .iter()
            .all(|h| h["date"].as_str().unwrap().starts_with("2017-10-"))
    );
}

#[test]
fn shared_corpus_a_closed_pipe_ends_the_search_quietly() {
    let index = shared_index();
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    // Far more output than a pipe buffers, so the writer meets the closed pipe.
    let mut child = Command::new(common::binary())
        .args([
            "search", "the", "--limit", "0", "--color", "never", "--index",
        ])
        .arg(index)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("1. "), "{first}");
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
