//! `statemine trends`, `compare`, `first` and `run` end to end: the real binary on an index
//! of `tests/fixtures/study/statements.jsonl` (our own sentences: nine statements of 2017 by
//! two invented officials, eight English and one Russian) with the three themes of
//! `tests/fixtures/study/themes.toml`.
//!
//! What the fixture holds, for reading the assertions: matches in January, March, April,
//! July, September and December; February, May, June, August, October and November are
//! empty; 2017-01-01 is a Sunday (ISO week 2016-W52); s04 is a news item without speaker;
//! s09 has no match; 20 matches in all (useless 6, freeze 7, talks 7).

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use common::{Run, cached_index, fixture, statemine};
use statemine::export::read_parquet;
use statemine::index::IndexStore;

fn statements() -> PathBuf {
    fixture("study", "statements.jsonl")
}

fn themes() -> PathBuf {
    fixture("study", "themes.toml")
}

/// The fixture index, ingested once through `statemine ingest`.
fn index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    cached_index(&INDEX, &[statements()])
}

/// Runs a study command on the fixture index and theme file.
fn study(command: &str, args: &[&str]) -> Run {
    let index = index().to_str().unwrap().to_string();
    let themes = themes().to_str().unwrap().to_string();
    let mut all = vec![command, "--index", &index, "--themes", &themes];
    all.extend_from_slice(args);
    statemine(&all)
}

fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader.records().map(Result::unwrap).collect()
}

fn csv_column(path: &Path, name: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let at = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == name)
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap()[at].to_string())
        .collect()
}

fn sum_matches(path: &Path) -> u64 {
    csv_column(path, "n_matches")
        .iter()
        .map(|v| v.parse::<u64>().unwrap())
        .sum()
}

/// Evidence rows of `statemine themes count` for the same index, themes and filters.
fn evidence_rows(dir: &Path, filters: &[&str]) -> usize {
    let out = dir.join("evidence.csv");
    let mut args = vec![
        "themes",
        "count",
        "--quiet",
        "--evidence",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(filters);
    let index = index().to_str().unwrap().to_string();
    let themes = themes().to_str().unwrap().to_string();
    args.extend(["--index", &index, "--themes", &themes]);
    let run = statemine(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    csv_rows(&out).len()
}

#[test]
fn trends_by_month_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("trends.csv");
    let run = study("trends", &["--by", "month", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.is_empty(),
        "the table goes to the file: {}",
        run.stdout
    );
    assert!(run.stderr.contains("(36 rows)"), "{}", run.stderr);
    insta::assert_snapshot!(
        "trends_by_month_csv",
        std::fs::read_to_string(&out).unwrap()
    );
}

#[test]
fn empty_months_appear_with_zeros_and_low_n() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("trends.csv");
    let run = study(
        "trends",
        &[
            "--by",
            "month",
            "--to",
            "2018-02-15",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&out);
    let months: Vec<&str> = rows.iter().step_by(3).map(|r| &r[0]).collect();
    assert_eq!(
        months.len(),
        14,
        "2017-01 .. 2018-02, bounded by --to: {months:?}"
    );
    assert_eq!(months[13], "2018-02");
    let february: Vec<_> = rows.iter().filter(|r| &r[0] == "2017-02").collect();
    assert_eq!(february.len(), 3, "one row per theme");
    for row in february {
        assert_eq!(
            (&row[5], &row[8], &row[10]),
            ("0", "0", "0"),
            "no matches, documents or words"
        );
        assert_eq!(&row[11], "", "no rate without words");
        assert_eq!(&row[17], "true", "low_n");
    }
}

#[test]
fn iso_weeks_cross_the_year_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("weeks.csv");
    let run = study(
        "trends",
        &[
            "--by",
            "week",
            "--to",
            "2017-01-08",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let periods = csv_column(&out, "period");
    assert_eq!(
        periods,
        [
            "2016-W52", "2016-W52", "2016-W52", "2017-W01", "2017-W01", "2017-W01"
        ]
    );
    assert_eq!(csv_column(&out, "period_start")[0], "2016-12-26");
    assert_eq!(csv_column(&out, "n_matches")[..3], ["1", "0", "1"]);
}

#[test]
fn bucket_totals_equal_evidence_rows_for_the_same_filters() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 4] = [
        &[],
        &["--lang", "en"],
        &["--speaker", "Boris Orlov", "--from", "2017-03-01"],
        &["--kind", "press_conference", "--kind", "briefing"],
    ];
    for filters in cases {
        let expected = evidence_rows(dir.path(), filters);
        for (by, group) in [
            ("week", None),
            ("quarter", Some("turn_speaker")),
            ("year", Some("role")),
        ] {
            let out = dir.path().join("t.csv");
            let mut args = vec!["--by", by, "--out", out.to_str().unwrap()];
            if let Some(group) = group {
                args.extend(["--group", group]);
            }
            args.extend_from_slice(filters);
            let run = study("trends", &args);
            assert!(run.code <= 1, "{}", run.stderr);
            assert_eq!(
                sum_matches(&out) as usize,
                expected,
                "{filters:?} by {by} {group:?}"
            );
        }
    }
    assert_eq!(evidence_rows(dir.path(), &[]), 20);
}

#[test]
fn turn_speakers_get_their_own_words() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("turns.csv");
    let run = study(
        "trends",
        &[
            "--periods",
            "year=2017-01-01..2017-12-31",
            "--group",
            "turn_speaker",
            "--theme",
            "talks",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let groups = csv_column(&out, "group");
    let matches = csv_column(&out, "n_matches");
    let at = |g: &str| {
        groups
            .iter()
            .position(|x| x == g)
            .unwrap_or_else(|| panic!("{g} in {groups:?}"))
    };
    // s06: a question asks about direct talks; the answer uses them again. `Question`
    // names nobody (a generic label of the speaker registry): its paragraphs join the
    // news item's, which has no speaker turns, in the group without a speaker.
    assert!(!groups.iter().any(|g| g == "Question"), "{groups:?}");
    assert_eq!(matches[at("Boris Orlov")], "3");
    assert_eq!(matches[at("")], "2");
    let words: u64 = csv_column(&out, "n_words")
        .iter()
        .map(|w| w.parse::<u64>().unwrap())
        .sum();
    let store = IndexStore::open(index()).unwrap();
    let mut total = 0;
    store
        .for_each_document(
            &Default::default(),
            |d| -> Result<(), statemine::index::IndexError> {
                total += d.structure.n_words;
                Ok(())
            },
        )
        .unwrap();
    assert_eq!(words, total, "turn groups split the words, none lost");
}

#[test]
fn parquet_json_and_ndjson_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("t.csv");
    let run = study(
        "trends",
        &["--by", "quarter", "--out", csv_path.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let parquet = dir.path().join("t.parquet");
    assert_eq!(
        study(
            "trends",
            &["--by", "quarter", "--out", parquet.to_str().unwrap()]
        )
        .code,
        0
    );
    let back = read_parquet(&parquet).unwrap();
    assert_eq!(back.height(), 12);
    let names: Vec<String> = back
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(names, statemine::analysis::TREND_COLUMNS);
    assert_eq!(
        back.column("period_start").unwrap().dtype(),
        &polars::prelude::DataType::Date
    );
    assert_eq!(
        back.column("low_n").unwrap().dtype(),
        &polars::prelude::DataType::Boolean
    );
    let from_parquet: Vec<u64> = back
        .column("n_matches")
        .unwrap()
        .u64()
        .unwrap()
        .iter()
        .map(Option::unwrap)
        .collect();
    let from_csv: Vec<u64> = csv_column(&csv_path, "n_matches")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(from_parquet, from_csv);
    let rates = back.column("rate_per_10k_words").unwrap().f64().unwrap();
    for (parquet_rate, csv_rate) in rates
        .iter()
        .zip(csv_column(&csv_path, "rate_per_10k_words"))
    {
        assert_eq!(
            parquet_rate,
            csv_rate.parse::<f64>().ok(),
            "CSV floats are exact"
        );
    }

    let json = dir.path().join("t.json");
    assert_eq!(
        study(
            "trends",
            &["--by", "quarter", "--out", json.to_str().unwrap()]
        )
        .code,
        0
    );
    let rows: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[0]["period"], "2017-Q1");
    let ndjson = dir.path().join("t.ndjson");
    assert_eq!(
        study(
            "trends",
            &["--by", "quarter", "--out", ndjson.to_str().unwrap()]
        )
        .code,
        0
    );
    let lines: Vec<Value> = std::fs::read_to_string(&ndjson)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, rows);
}

#[test]
fn every_export_has_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.csv");
    let plot = dir.path().join("t.svg");
    let run = study(
        "trends",
        &[
            "--by",
            "quarter",
            "--out",
            out.to_str().unwrap(),
            "--plot",
            plot.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("t.csv.manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["tool"], "statemine");
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    let created = manifest["created"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created).is_ok() && created.ends_with('Z'),
        "{created}"
    );
    let args: Vec<&str> = manifest["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(args[1..4], ["trends", "--index", index().to_str().unwrap()]);
    assert!(args.contains(&"quarter"));
    assert_eq!(manifest["output"]["rows"], 12);
    assert_eq!(manifest["output"]["format"], "csv");
    let fingerprint = IndexStore::open(index()).unwrap().fingerprint().unwrap();
    assert_eq!(manifest["index"]["n_documents"], 9);
    assert_eq!(manifest["index"]["content_hash"], fingerprint.content_hash);
    assert_eq!(manifest["themes"]["name"], "themes.toml");
    let theme_bytes = std::fs::read(themes()).unwrap();
    assert_eq!(
        manifest["themes"]["hash"],
        blake3::hash(&theme_bytes).to_hex().to_string()
    );
    let chart: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("t.svg.manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(chart["output"]["format"], "svg");
    assert_eq!(
        chart["output"]["columns"],
        serde_json::json!(["useless", "freeze", "talks"])
    );
}

#[test]
fn wide_pivots_themes_into_columns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("wide.csv");
    let run = study("trends", &["--by", "half-year-is-not-a-unit"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("half-year-is-not-a-unit"),
        "{}",
        run.stderr
    );
    let run = study(
        "trends",
        &["--by", "quarter", "--wide", "--out", out.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    let header = text.lines().next().unwrap();
    assert_eq!(
        header,
        "period,period_start,period_end,group,n_docs,n_words,low_n,useless_n,useless_rate,freeze_n,freeze_rate,talks_n,talks_rate"
    );
    // Q3: s04, s05 and s07 (twice: the question and the answer).
    assert_eq!(csv_column(&out, "freeze_n"), ["1", "1", "4", "1"]);
}

#[test]
fn terminal_tables() {
    let run = study("trends", &["--by", "quarter", "--theme", "freeze"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("trends_quarters_terminal", run.stdout);
    let run = study(
        "compare",
        &[
            "H2",
            "H1",
            "--periods",
            "H1=2017-01-01..2017-06-30,H2=2017-07-01..2017-12-31",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("compare_halves_terminal", run.stdout);
}

#[test]
fn compare_halves_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("compare.csv");
    let run = study(
        "compare",
        &[
            "2017-07-01..2017-12-31",
            "2017-01-01..2017-06-30",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("compare_halves_csv", std::fs::read_to_string(&out).unwrap());
}

#[test]
fn compare_groups_and_calendar_periods() {
    let run = study(
        "compare",
        &["anna petrova", "Boris Orlov", "--group", "speaker"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("A = Anna Petrova: 4 documents"),
        "{}",
        run.stdout
    );
    let run = study(
        "compare",
        &["Anna Petrova", "Carl Nobody", "--group", "speaker"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("Carl Nobody") && run.stderr.contains("Anna Petrova, Boris Orlov"),
        "{}",
        run.stderr
    );
    let run = study("compare", &["2017-Q3", "2017-Q1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("A = 2017-Q3: 4 documents"),
        "{}",
        run.stdout
    );
    let run = study("compare", &["2017-Q3", "2017-07-01..2017-07-31"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("overlap"), "{}", run.stderr);
    let run = study(
        "compare",
        &["H3", "H1", "--periods", "H1=2017-01-01..2017-06-30"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not a named period (H1)"),
        "{}",
        run.stderr
    );
}

#[test]
fn first_occurrences_with_evidence() {
    let run = study("first", &["freeze"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "freeze");
    assert!(
        lines[1].contains("2017-03-14")
            && lines[1].contains("first overall")
            && lines[1].contains("s02"),
        "{}",
        run.stdout
    );
    assert_eq!(lines[2].trim(), "https://example.org/s02");
    assert!(
        lines[3].contains("Anna Petrova: A [double freeze] would calm everyone down."),
        "{}",
        run.stdout
    );
    // Generic labels (`Вопрос`, `Question`) are nobody: no per-speaker row of their own.
    assert!(!run.stdout.contains("turn: Вопрос"), "{}", run.stdout);
    assert!(run.stdout.contains("turn: Anna Petrova"), "{}", run.stdout);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("first.csv");
    let run = study("first", &["--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&out);
    let overall: Vec<(&str, &str, &str)> = rows
        .iter()
        .filter(|r| &r[1] == "overall")
        .map(|r| (&r[0], &r[3], &r[4]))
        .collect();
    assert_eq!(
        overall,
        [
            ("useless", "2017-01-01", "s01"),
            ("freeze", "2017-03-14", "s02"),
            ("talks", "2017-01-01", "s01")
        ]
    );
    assert!(!rows.iter().any(|r| &r[2] == "Question"));
    let turn = rows
        .iter()
        .find(|r| &r[0] == "talks" && &r[1] == "turn_speaker" && &r[2] == "Boris Orlov")
        .unwrap();
    assert_eq!((&turn[4], &turn[11]), ("s01", "direct talks"));

    let run = study("first", &["nope"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nope"), "{}", run.stderr);
}

#[test]
fn nothing_found_exits_1() {
    let run = study("trends", &["--from", "2017-12-29", "--to", "2017-12-31"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("2017-12"),
        "the empty table is still shown: {}",
        run.stdout
    );
    let run = study("first", &["--from", "2017-12-29"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn charts_in_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("c.svg");
    let png = dir.path().join("c.png");
    for path in [&svg, &png] {
        let run = study(
            "trends",
            &["--by", "quarter", "--plot", path.to_str().unwrap()],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let text = std::fs::read_to_string(&svg).unwrap();
    for needle in [
        "Theme rates by quarter",
        "matches per 10,000 words",
        ">useless<",
        ">talks<",
        ">2017-Q3<",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
    assert_eq!(&std::fs::read(&png).unwrap()[..4], b"\x89PNG");
    let run = study(
        "trends",
        &["--plot", dir.path().join("c.pdf").to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(".svg or .png"), "{}", run.stderr);
    let run = study(
        "trends",
        &["--out", dir.path().join("c.xlsx").to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unsupported output format"),
        "{}",
        run.stderr
    );
}

fn job_text(dir: &Path) -> String {
    format!(
        r#"root = "{root}"
index = "{index}"
inputs = ["tests/fixtures/study/statements.jsonl"]
themes = "tests/fixtures/study/themes.toml"
out_dir = "{out}"

[periods]
H1 = "2017-01-01..2017-06-30"
H2 = "2017-07-01..2017-12-31"

[[trends]]
out = "months.csv"
by = "month"
plot = "months.svg"

[[trends]]
out = "halves.parquet"
periods = true
group = "speaker"

[[compare]]
out = "h2-h1.csv"
a = "H2"
b = "H1"

[[first]]
out = "first.csv"

[[evidence]]
out = "evidence.csv"
themes = ["talks"]

[[chart]]
out = "freeze.png"
by = "quarter"
themes = ["freeze"]
"#,
        root = env!("CARGO_MANIFEST_DIR"),
        index = dir.join("index").display(),
        out = dir.join("out").display(),
    )
}

#[test]
fn a_job_runs_end_to_end_and_reruns_without_reingesting() {
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(&job, job_text(dir.path())).unwrap();
    let run = statemine(&["run", job.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("ingested 9, updated 0, unchanged 0"),
        "{}",
        run.stderr
    );
    let listed: Vec<(&str, &str)> = run
        .stdout
        .lines()
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            (words[0], words[1])
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("trends", "36"),
            ("chart", "12"),
            ("trends", "18"),
            ("compare", "3"),
            // Per theme: overall, each document speaker, each named turn speaker.
            ("first", "18"),
            ("evidence", "7"),
            ("chart", "4")
        ],
        "{}",
        run.stdout
    );
    let out = dir.path().join("out");
    for file in [
        "months.csv",
        "months.svg",
        "halves.parquet",
        "h2-h1.csv",
        "first.csv",
        "evidence.csv",
        "freeze.png",
    ] {
        let manifest: Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(format!("{file}.manifest.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(manifest["job"]["name"], "job.toml", "{file}");
        assert_eq!(manifest["index"]["n_documents"], 9, "{file}");
    }
    assert_eq!(sum_matches(&out.join("months.csv")), 20);
    let halves = read_parquet(&out.join("halves.parquet")).unwrap();
    assert_eq!(
        halves.height(),
        2 * 3 * 3,
        "two halves, three speakers (one empty), three themes"
    );

    let before = std::fs::read_to_string(out.join("months.csv")).unwrap();
    let again = statemine(&["run", job.to_str().unwrap()]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stderr.contains("ingested 0, updated 0, unchanged 9"),
        "{}",
        again.stderr
    );
    // The ingest line is a note: --quiet hides it.
    let quiet = statemine(&["run", "--quiet", job.to_str().unwrap()]);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert!(!quiet.stderr.contains("ingested"), "{}", quiet.stderr);
    assert_eq!(
        std::fs::read_to_string(out.join("months.csv")).unwrap(),
        before,
        "same table"
    );
}

/// A job's evidence tables are written as the documents are counted: in every format the
/// table of all themes is the one `themes count --evidence` writes, and a theme subset is
/// that table's rows of those themes.
#[test]
fn job_evidence_tables_are_the_count_tables() {
    let dir = tempfile::tempdir().unwrap();
    let formats = ["csv", "json", "ndjson", "parquet"];
    let mut text = format!(
        "index = \"{}\"\nthemes = \"{}\"\nout_dir = \"{}\"\n",
        index().display(),
        themes().display(),
        dir.path().join("job").display()
    );
    for ext in formats {
        text.push_str(&format!("\n[[evidence]]\nout = \"all.{ext}\"\n"));
    }
    text.push_str("\n[[evidence]]\nout = \"talks.csv\"\nthemes = [\"talks\"]\n");
    let job = dir.path().join("job.toml");
    std::fs::write(&job, text).unwrap();
    let run = statemine(&["run", "--quiet", job.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed: Vec<Vec<&str>> = run
        .stdout
        .lines()
        .map(|l| l.split_whitespace().take(3).collect())
        .collect();
    let mut expected = vec![vec!["evidence", "20", "rows"]; 4];
    expected.push(vec!["evidence", "7", "rows"]);
    assert_eq!(listed, expected, "{}", run.stdout);
    for ext in formats {
        let count = dir.path().join(format!("count.{ext}"));
        let index = index().to_str().unwrap().to_string();
        let themes = themes().to_str().unwrap().to_string();
        let counted = statemine(&[
            "themes",
            "count",
            "--quiet",
            "--index",
            &index,
            "--themes",
            &themes,
            "--evidence",
            count.to_str().unwrap(),
        ]);
        assert_eq!(counted.code, 0, "{}", counted.stderr);
        let table = dir.path().join(format!("job/all.{ext}"));
        assert!(
            std::fs::read(&table).unwrap() == std::fs::read(&count).unwrap(),
            "all.{ext} differs from the count's table"
        );
    }
    let talks: Vec<csv::StringRecord> = csv_rows(&dir.path().join("count.csv"))
        .into_iter()
        .filter(|r| &r[5] == "talks")
        .collect();
    assert_eq!(talks.len(), 7);
    assert_eq!(csv_rows(&dir.path().join("job/talks.csv")), talks);
}

#[test]
fn job_errors_name_the_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    let text =
        job_text(dir.path()).replace("by = \"quarter\"", "by = \"quarter\"\ncolour = \"red\"");
    std::fs::write(&job, &text).unwrap();
    let run = statemine(&["run", job.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    let line = text.lines().position(|l| l.starts_with("colour")).unwrap() + 1;
    assert!(
        run.stderr.contains(&format!("job.toml:{line}")) && run.stderr.contains("colour"),
        "{}",
        run.stderr
    );

    std::fs::write(
        &job,
        job_text(dir.path()).replace("group = \"speaker\"", "group = \"party\""),
    )
    .unwrap();
    let run = statemine(&["run", job.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("trends[2].group") && run.stderr.contains("party"),
        "{}",
        run.stderr
    );
    assert!(
        !dir.path().join("index").exists(),
        "nothing is ingested before the job validates"
    );

    std::fs::write(
        &job,
        job_text(dir.path()).replace("themes = [\"talks\"]", "themes = [\"nope\"]"),
    )
    .unwrap();
    let run = statemine(&["run", job.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    let text = std::fs::read_to_string(&job).unwrap();
    let line = text.lines().position(|l| l.contains("\"nope\"")).unwrap() + 1;
    assert!(
        run.stderr
            .contains(&format!(":{line}: themes: unknown theme `nope`")),
        "{}",
        run.stderr
    );
}

#[test]
fn a_job_that_fails_on_a_comparison_or_would_overwrite_an_input_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    // A comparison side that selects no document is only known after the count: the job
    // fails then, before any output (trends, evidence) is written.
    let text = job_text(dir.path())
        .replace("[periods]", "[periods]\nY18 = \"2018-01-01..2018-12-31\"")
        .replace("a = \"H2\"", "a = \"Y18\"");
    std::fs::write(&job, &text).unwrap();
    let run = statemine(&["run", job.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("job.toml: compare[1]: period Y18"),
        "{}",
        run.stderr
    );
    let out = dir.path().join("out");
    let written: Vec<_> = std::fs::read_dir(&out)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(written.is_empty(), "{written:?}");

    // An output that is one of the job's inputs is refused before anything runs.
    let input = dir.path().join("statements.jsonl");
    std::fs::copy(statements(), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let text = job_text(dir.path())
        .replace(
            "inputs = [\"tests/fixtures/study/statements.jsonl\"]",
            &format!("inputs = [\"{}\"]", input.display()),
        )
        .replace("out = \"evidence.csv\"", "out = \"../statements.jsonl\"")
        .replace("out_dir =", "allow_outside_out_dir = true\nout_dir =");
    std::fs::write(&job, &text).unwrap();
    let run = statemine(&["run", job.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("evidence[1].out")
            && run
                .stderr
                .contains("is the file the job reads as `inputs[1]`"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn a_job_whose_filter_selects_nothing_says_so_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    let text = format!(
        "root = \"{root}\"\nindex = \"{index}\"\ninputs = [\"tests/fixtures/study/statements.jsonl\"]\n\
         themes = \"tests/fixtures/study/themes.toml\"\nout_dir = \"{out}\"\n\n[filter]\nfrom = \"2019-01-01\"\n\n\
         [[trends]]\nout = \"months.csv\"\n",
        root = env!("CARGO_MANIFEST_DIR"),
        index = dir.path().join("index").display(),
        out = dir.path().join("out").display(),
    );
    std::fs::write(&job, text).unwrap();
    let run = statemine(&["run", job.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("the job's filter selects no document"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_model_file_fails_the_job_before_its_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let themes = dir.path().join("t.toml");
    std::fs::write(
        &themes,
        "name = \"t\"\nmodel = \"missing.model.json\"\n[[theme]]\nid = \"a\"\ncount = \"either\"\n\
         [theme.en]\npatterns = [\"useless\"]\n",
    )
    .unwrap();
    let job = dir.path().join("job.toml");
    let text = format!(
        "root = \"{root}\"\nindex = \"{index}\"\ninputs = [\"tests/fixtures/study/statements.jsonl\"]\n\
         themes = \"{themes}\"\nout_dir = \"{out}\"\n\n[[evidence]]\nout = \"e.csv\"\n",
        root = env!("CARGO_MANIFEST_DIR"),
        index = dir.path().join("index").display(),
        themes = themes.display(),
        out = dir.path().join("out").display(),
    );
    std::fs::write(&job, text).unwrap();
    let run = statemine(&["run", job.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("missing.model.json"), "{}", run.stderr);
    assert!(
        !dir.path().join("index").exists(),
        "nothing is ingested before the model is read"
    );
}

#[test]
fn named_periods_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let periods = dir.path().join("periods.csv");
    std::fs::write(
        &periods,
        "name,start,end\nbefore,2017-01-01,2017-07-03\nafter,2017-07-04,2017-12-31\n",
    )
    .unwrap();
    let out = dir.path().join("t.csv");
    let run = study(
        "trends",
        &[
            "--periods-file",
            periods.to_str().unwrap(),
            "--theme",
            "freeze",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(csv_column(&out, "period"), ["before", "after"]);
    // The joint plan of 4 July opens the second period.
    assert_eq!(csv_column(&out, "n_matches"), ["2", "5"]);

    std::fs::write(
        &periods,
        "name,start,end\nbefore,2017-01-01,2017-07-04\nafter,2017-07-04,2017-12-31\n",
    )
    .unwrap();
    let run = study("trends", &["--periods-file", periods.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("periods.csv") && run.stderr.contains("overlap"),
        "{}",
        run.stderr
    );
    let run = study("trends", &["--periods", "A=2017-06-30..2017-01-01"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("reversed"), "{}", run.stderr);
}

/// `--validation`: trends and compare carry rates corrected by each theme's measured error.
#[test]
fn a_validation_adds_corrected_rates() {
    let dir = tempfile::tempdir().unwrap();
    let validation = dir.path().join("validation.json");
    let none = r#"{"estimate": null, "low": null, "high": null}"#;
    std::fs::write(
        &validation,
        format!(
            r#"{{"labels": "l.csv", "paragraphs": 10, "weighted": false, "confidence": 0.95,
            "themes": [{{"theme": "freeze", "gold": 4, "predicted": 2, "tp": 2,
            "precision": {none}, "recall": {none}, "f1": {none}, "prevalence": {none},
            "correction": {{"factor": 2.0, "se_log": 0.1}}}}]}}"#
        ),
    )
    .unwrap();
    let out = dir.path().join("trends.csv");
    let run = study(
        "trends",
        &[
            "--by",
            "quarter",
            "--validation",
            validation.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The fixture's other themes are not measured by this validation: said so.
    assert!(
        run.stderr.contains("corrects no rate of useless, talks"),
        "{}",
        run.stderr
    );
    let themes = csv_column(&out, "theme");
    let rates = csv_column(&out, "rate_per_10k_words");
    let corrected = csv_column(&out, "rate_corrected");
    for ((theme, rate), corrected) in themes.iter().zip(&rates).zip(&corrected) {
        if theme == "freeze" && !rate.is_empty() {
            let (r, c): (f64, f64) = (rate.parse().unwrap(), corrected.parse().unwrap());
            assert!((c - 2.0 * r).abs() < 1e-9, "{rate} {corrected}");
        } else {
            assert!(corrected.is_empty(), "{theme}: {corrected}");
        }
    }
    let run = study(
        "compare",
        &[
            "2017-07-01..2017-12-31",
            "2017-01-01..2017-06-30",
            "--validation",
            validation.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("A corrected"), "{}", run.stdout);
    // A validation of themes this file does not count: said so.
    let other = dir.path().join("other.json");
    std::fs::write(
        &other,
        std::fs::read_to_string(&validation)
            .unwrap()
            .replace("\"freeze\"", "\"nope\""),
    )
    .unwrap();
    let run = study("trends", &["--validation", other.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("measures themes that are not counted here: nope"),
        "{}",
        run.stderr
    );
    let run = study(
        "trends",
        &[
            "--validation",
            dir.path().join("missing.json").to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.json"), "{}", run.stderr);
}

/// The README's first command: the project's own sample job, run from a copy of `corpus/`
/// (its index and outputs go beside the copy), completes and writes every output it lists,
/// the speaker comparison included (the job names the foreign minister by an alias of the
/// registry, "Sergey Lavrov", which counts group under "Sergei Lavrov").
#[test]
fn the_readme_sample_job_runs_on_a_copy_of_the_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    copy_dir(&root.join("corpus"), &work.path().join("corpus"));
    let run = common::Statemine::new()
        .current_dir(work.path())
        .args(["run", "corpus/jobs/korea-2017.toml"])
        .run();
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let out = work.path().join("out/korea-2017");
    for name in [
        "compare-putin-vs-lavrov.csv",
        "compare-h2-vs-h1.csv",
        "evidence.csv",
        "report.html",
    ] {
        assert!(out.join(name).is_file(), "{name} missing: {}", run.stdout);
    }
    let sides = csv_column(&out.join("compare-putin-vs-lavrov.csv"), "b");
    assert!(!sides.is_empty());
    assert!(sides.iter().all(|b| b == "Sergei Lavrov"), "{sides:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

// The English and Russian versions of one page counted as two documents without a word.
#[test]
fn versions_of_one_page_in_two_languages_are_noted() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("pages.jsonl");
    let doc = |id: &str, lang: &str, url: &str, text: &str| {
        serde_json::json!({"id": id, "date": "2017-05-01", "title": "Talks", "lang": lang,
            "kind": "transcript", "url": url, "text": text})
        .to_string()
    };
    let lines = [
        doc(
            "t-en-1",
            "en",
            "http://en.example.org/events/news/1",
            "The sanctions are useless.",
        ),
        doc(
            "t-ru-1",
            "ru",
            "http://example.org/events/news/1",
            "Санкции бесполезны.",
        ),
        doc(
            "t-en-2",
            "en",
            "http://en.example.org/events/news/2",
            "The sanctions are useless again.",
        ),
    ];
    std::fs::write(&input, lines.join("\n")).unwrap();
    let index = dir.path().join("index");
    common::ingest(&index, &[&input]);
    let index_arg = index.to_str().unwrap();
    let themes = themes();
    let themes_arg = themes.to_str().unwrap();
    let note = "1 page is selected in more than one language (t-en-1 and t-ru-1 are one page; 2 \
                documents in all)";
    for command in [
        vec!["trends", "--by", "year"],
        vec!["compare", "2017-01", "2017-05"],
        vec!["themes", "count"],
    ] {
        let mut args = command.clone();
        args.extend(["--index", index_arg, "--themes", themes_arg, "--quiet"]);
        let run = statemine(&args);
        assert!(run.stderr.contains(note), "{command:?}: {}", run.stderr);
        args.extend(["--lang", "en"]);
        let one = statemine(&args);
        assert!(
            !one.stderr.contains("more than one language"),
            "{command:?}: {}",
            one.stderr
        );
    }
    // So does a job on that index.
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        format!(
            "index = \"{}\"\nthemes = \"{}\"\nout_dir = \"{}\"\n\n[[trends]]\nout = \"t.csv\"\nby = \"year\"\n",
            index.display(),
            themes.display(),
            dir.path().join("out").display()
        ),
    )
    .unwrap();
    let run = statemine(&["run", job.to_str().unwrap(), "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(note), "{}", run.stderr);
    // The report says it on the page.
    let page = dir.path().join("report.html");
    let report = statemine(&[
        "report",
        job.to_str().unwrap(),
        "--out",
        page.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("1 page is counted in more than one language"));
    let text = std::fs::read_to_string(&job).unwrap();
    std::fs::write(&job, format!("{text}\n[filter]\none_version = \"en\"\n")).unwrap();
    let run = statemine(&["run", job.to_str().unwrap(), "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("more than one language"),
        "{}",
        run.stderr
    );
    statemine(&[
        "report",
        job.to_str().unwrap(),
        "--out",
        page.to_str().unwrap(),
        "--quiet",
    ])
    .ok();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("counted in more than one language"));
    // --one-version keeps, of each page with a version in that language, that version.
    for (lang, kept) in [("en", ["t-en-1", "t-en-2"]), ("ru", ["t-en-2", "t-ru-1"])] {
        let table = dir.path().join(format!("docs-{lang}.csv"));
        let run = statemine(&[
            "themes",
            "count",
            "--index",
            index_arg,
            "--themes",
            themes_arg,
            "--by-doc",
            "--one-version",
            lang,
            "--out",
            table.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            !run.stderr.contains("more than one language"),
            "{}",
            run.stderr
        );
        let mut ids = csv_column(&table, "doc_id");
        ids.sort();
        assert_eq!(ids, kept, "--one-version {lang}");
    }
    // The library gives the same, and reads nothing for one language.
    let store = IndexStore::open(&index).unwrap();
    let mut filter = statemine::index::DocFilter::default();
    let found = store.translated_pages(&filter).unwrap();
    assert_eq!((found.pages, found.documents), (1, 2));
    assert_eq!(found.example, Some(("t-en-1".into(), "t-ru-1".into())));
    filter.langs = vec![statemine::document::Lang::Ru];
    assert_eq!(store.translated_pages(&filter).unwrap().pages, 0);
}
