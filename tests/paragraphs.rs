//! `--para`, `--context` and `--term`, end to end: the real binary on an index of
//! `tests/fixtures/paragraphs/docs.jsonl` (our own sentences: four documents, two of them
//! with paragraphs about Korea among others, one without, one in Russian) and its theme
//! file (`futile`, and `futile_korea`: the same pattern with a paragraph-scope `with`
//! condition naming Korea). Expected figures are counted by hand from the fixture.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use tempfile::TempDir;

use common::{Run, fixture, statemine};

/// The paragraph query of these tests: the words of the `with` condition of `futile_korea`.
const KOREA: &str = "korea OR dprk OR pyongyang OR кндр OR корея";

static INDEX: OnceLock<(TempDir, PathBuf)> = OnceLock::new();

fn index() -> &'static Path {
    common::cached_index(&INDEX, &[fixture("paragraphs", "docs.jsonl")])
}

fn themes() -> PathBuf {
    fixture("paragraphs", "themes.toml")
}

/// `statemine COMMAND --index I --themes T ARGS...`.
fn run(command: &str, args: &[&str]) -> Run {
    let themes = themes();
    let mut all = vec!["--themes", themes.to_str().unwrap()];
    all.extend(args);
    run_without_themes(command, &all)
}

/// `statemine COMMAND --index I ARGS...`.
fn run_without_themes(command: &str, args: &[&str]) -> Run {
    let mut all = vec![command, "--index", index().to_str().unwrap()];
    all.extend(args);
    statemine(&all)
}

/// The rows of `trends --json` with `args`.
fn trend_rows(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--json", "-q"];
    all.extend(args);
    run("trends", &all).ok().json_lines()
}

/// The manifest written beside `output`.
fn manifest_of(output: &Path) -> PathBuf {
    let mut path = output.as_os_str().to_owned();
    path.push(".manifest.json");
    PathBuf::from(path)
}

/// One row's `column` as an integer.
fn n(row: &Value, column: &str) -> u64 {
    row[column]
        .as_u64()
        .unwrap_or_else(|| panic!("{column} in {row}"))
}

/// The row of `theme` (one period, one group).
fn row<'a>(rows: &'a [Value], theme: &str) -> &'a Value {
    let found: Vec<&Value> = rows.iter().filter(|r| r["theme"] == theme).collect();
    assert_eq!(found.len(), 1, "{rows:?}");
    found[0]
}

#[test]
fn para_counts_and_denominators_agree_with_a_paragraph_with_condition() {
    let all = trend_rows(&["--by", "year"]);
    let para = trend_rows(&["--by", "year", "--para", KOREA]);
    // The condition in the theme file and the filter on the command line count the same
    // matches: those in paragraphs that name Korea.
    assert_eq!(n(row(&all, "futile"), "n_matches"), 5);
    assert_eq!(n(row(&all, "futile_korea"), "n_matches"), 3);
    assert_eq!(n(row(&para, "futile"), "n_matches"), 3);
    assert_eq!(n(row(&para, "futile_korea"), "n_matches"), 3);
    // Denominators: the whole corpus, then only the five paragraphs (26 words, three
    // documents) that name Korea.
    let denominators = |r: &Value| (n(r, "n_docs"), n(r, "n_paragraphs"), n(r, "n_words"));
    assert_eq!(denominators(row(&all, "futile")), (4, 10, 44));
    assert_eq!(denominators(row(&para, "futile")), (3, 5, 26));
    assert_eq!(denominators(row(&para, "futile_korea")), (3, 5, 26));
    // The matched paragraphs are the same paragraphs too.
    assert_eq!(
        n(row(&para, "futile"), "n_paragraphs_matched"),
        n(row(&all, "futile_korea"), "n_paragraphs_matched")
    );
    // themes count: the same matches and documents.
    let count = statemine(&[
        "themes",
        "count",
        "-q",
        "--json",
        "--index",
        index().to_str().unwrap(),
        "--themes",
        themes().to_str().unwrap(),
        "--para",
        KOREA,
    ])
    .ok()
    .json();
    assert_eq!(count["documents"], 3);
    let futile = count["themes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["theme"] == "futile")
        .unwrap();
    assert_eq!(
        (futile["matches"].as_u64(), futile["documents"].as_u64()),
        (Some(3), Some(3))
    );
}

#[test]
fn context_widens_the_kept_paragraphs_within_each_document() {
    let rows = trend_rows(&["--by", "year", "--para", KOREA, "--context", "1"]);
    let futile = row(&rows, "futile");
    // p-1: all four paragraphs (around its first and last), p-2: all three, p-4: both.
    assert_eq!(
        (
            n(futile, "n_docs"),
            n(futile, "n_paragraphs"),
            n(futile, "n_words"),
            n(futile, "n_matches")
        ),
        (3, 9, 41, 4)
    );
    // --context needs --para.
    let run = run("trends", &["--context", "1"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn kwic_and_first_see_only_the_kept_paragraphs() {
    let kwic = run("kwic", &["futile", "--json", "-q", "--para", KOREA])
        .ok()
        .json_lines();
    let places: Vec<(String, u64)> = kwic
        .iter()
        .map(|l| (l["doc_id"].as_str().unwrap().to_string(), n(l, "para")))
        .collect();
    assert_eq!(
        places,
        [("p-1".into(), 0), ("p-2".into(), 1), ("p-4".into(), 0)]
    );
    let first = run("first", &["futile", "--json", "-q", "--para", "NOT korea"])
        .ok()
        .json_lines();
    // Without Korea, the first useless-sanctions paragraph of p-1 is its third.
    let overall = first.iter().find(|r| r["scope"] == "overall").unwrap();
    assert_eq!(
        (overall["doc_id"].as_str(), n(overall, "para")),
        (Some("p-1"), 2)
    );
}

#[test]
fn terms_count_queries_per_period_like_themes() {
    let korea = format!("korea={KOREA}");
    let args = [
        "--json",
        "-q",
        "--by",
        "month",
        "--term",
        &korea,
        "--term",
        "sanctions",
    ];
    let rows = run_without_themes("trends", &args).ok().json_lines();
    let got: Vec<(String, String, u64, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["period"].as_str().unwrap().to_string(),
                r["theme"].as_str().unwrap().to_string(),
                n(r, "n_matches"),
                n(r, "n_words"),
            )
        })
        .filter(|(period, ..)| {
            ["2017-03", "2017-09", "2017-10", "2017-11"].contains(&period.as_str())
        })
        .collect();
    let expected = [
        ("2017-03", "korea", 2, 18),
        ("2017-03", "sanctions", 2, 18),
        ("2017-09", "korea", 2, 17),
        ("2017-09", "sanctions", 1, 17),
        ("2017-10", "korea", 0, 3),
        ("2017-10", "sanctions", 1, 3),
        ("2017-11", "korea", 1, 6),
        ("2017-11", "sanctions", 0, 6),
    ];
    let expected: Vec<(String, String, u64, u64)> = expected
        .iter()
        .map(|(p, t, m, w)| (p.to_string(), t.to_string(), *m, *w))
        .collect();
    assert_eq!(got, expected);
    // Only the terms are counted: no theme of the default file appears.
    assert!(
        rows.iter()
            .all(|r| r["theme"] == "korea" || r["theme"] == "sanctions")
    );
    // With a theme file named, its themes are counted too; a term may not take a theme's name.
    let both = run(
        "trends",
        &["--json", "-q", "--by", "year", "--term", "sanctions"],
    );
    let series: Vec<Value> = both
        .ok()
        .json_lines()
        .iter()
        .map(|r| r["theme"].clone())
        .collect();
    assert_eq!(series, ["futile", "futile_korea", "sanctions"]);
    let clash = run("trends", &["--term", "futile=sanctions"]);
    assert_eq!(clash.code, 2);
    assert!(clash.stderr.contains("`futile`"), "{}", clash.stderr);
    // A term of title or metadata words only would count nothing: it is refused.
    let title_only = run("trends", &["--term", "title:korea"]);
    assert_eq!(title_only.code, 2);
    assert!(
        title_only
            .stderr
            .contains("term `title:korea`: no word of it is searched in the text"),
        "{}",
        title_only.stderr
    );
}

#[test]
fn term_evidence_shows_the_passage_behind_each_count() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("evidence.csv");
    run_without_themes(
        "trends",
        &[
            "-q",
            "--by",
            "year",
            "--term",
            "pyongyang OR dprk",
            "--evidence",
            evidence.to_str().unwrap(),
        ],
    )
    .ok();
    let mut reader = csv::Reader::from_path(&evidence).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (&r[col("doc_id")], &r[col("theme")], &r[col("matched")]))
        .collect();
    assert_eq!(
        got,
        [
            ("p-1", "pyongyang OR dprk", "Pyongyang"),
            ("p-2", "pyongyang OR dprk", "DPRK")
        ]
    );
    assert!(manifest_of(&evidence).exists());
}

#[test]
fn trends_compare_and_first_print_json_and_write_every_format_with_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let commands: [(&str, &[&str]); 3] = [
        ("trends", &["--by", "quarter"]),
        (
            "compare",
            &["2017-01-01..2017-06-30", "2017-07-01..2017-12-31"],
        ),
        ("first", &[]),
    ];
    for (command, extra) in commands {
        let mut args = vec!["-q", "--json"];
        args.extend(extra);
        let lines = run(command, &args).ok().json_lines();
        assert!(!lines.is_empty(), "{command} --json printed nothing");
        for ext in ["csv", "parquet", "json", "ndjson"] {
            let out = dir.path().join(format!("{command}.{ext}"));
            let mut args = vec!["-q", "--out", out.to_str().unwrap()];
            args.extend(extra);
            run(command, &args).ok();
            let manifest = manifest_of(&out);
            let manifest: Value =
                serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
            assert_eq!(
                manifest["output"]["rows"].as_u64(),
                Some(lines.len() as u64)
            );
            if ext == "json" {
                let table: Value =
                    serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
                assert_eq!(table.as_array().map(Vec::len), Some(lines.len()));
            }
        }
        // --json and --out are alternatives.
        let out = dir.path().join("x.csv");
        let both = run(
            command,
            &[&["--json", "--out", out.to_str().unwrap()], extra].concat(),
        );
        assert_eq!(both.code, 2, "{command}: {}", both.stderr);
    }
}

#[test]
fn a_job_file_takes_para_and_context_in_its_filter() {
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        format!(
            r#"index = "{index}"
themes = "{themes}"
out_dir = "{out}"

[filter]
para = "{KOREA}"
context = 1

[[trends]]
out = "years.csv"
by = "year"
"#,
            index = index().display(),
            themes = themes().display(),
            out = dir.path().display(),
        ),
    )
    .unwrap();
    statemine(&["run", "-q", job.to_str().unwrap()]).ok();
    let mut reader = csv::Reader::from_path(dir.path().join("years.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let futile = rows.iter().find(|r| &r[col("theme")] == "futile").unwrap();
    assert_eq!(
        (&futile[col("n_words")], &futile[col("n_matches")]),
        ("41", "4")
    );
    // `context` without `para` is an error naming its line.
    std::fs::write(
        &job,
        std::fs::read_to_string(&job)
            .unwrap()
            .replace(&format!("para = \"{KOREA}\"\n"), ""),
    )
    .unwrap();
    let run = statemine(&["run", "-q", job.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("filter.context"), "{}", run.stderr);
}
