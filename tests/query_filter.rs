//! `--query` as a document filter, end to end: the real binary on an index of
//! `tests/fixtures/query_filter/docs.jsonl` (our own sentences: two documents about Korea,
//! three not, four of them with a "sanctions are futile" sentence) and the default themes.

mod common;

use std::path::Path;

use common::{Run, fixture, statemine};

/// A fresh index of the fixture under `dir`.
fn index(dir: &Path) -> String {
    let index = dir.join("index");
    common::ingest(&index, &[fixture("query_filter", "docs.jsonl")]);
    index.display().to_string()
}

/// `themes count -q` on `index` with `extra` arguments.
fn themes_count(index: &str, extra: &[&str]) -> Run {
    let mut args = vec!["themes", "count", "-q", "--index", index];
    args.extend(extra);
    statemine(&args)
}

/// `themes count --json` on `index` with `extra` arguments: documents counted, and the
/// matches of every theme.
fn count(index: &str, extra: &[&str]) -> (u64, Vec<(String, u64)>) {
    let mut args = vec!["--json"];
    args.extend(extra);
    let run = themes_count(index, &args);
    assert_eq!(run.code, 0, "themes count {extra:?} failed: {}", run.stderr);
    let summary = run.json();
    let themes = summary["themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["theme"].as_str().unwrap().to_string(),
                t["matches"].as_u64().unwrap(),
            )
        })
        .collect();
    (summary["documents"].as_u64().unwrap(), themes)
}

fn matches_of(themes: &[(String, u64)], id: &str) -> u64 {
    themes.iter().find(|(t, _)| t == id).unwrap().1
}

#[test]
fn themes_count_with_a_query_counts_only_the_matching_documents() {
    let dir = tempfile::tempdir().unwrap();
    let index = index(dir.path());
    let (all_docs, all) = count(&index, &[]);
    let (korea_docs, korea) = count(&index, &["--query", "korea"]);
    let (other_docs, other) = count(&index, &["--query", "NOT korea"]);
    assert_eq!((all_docs, korea_docs, other_docs), (5, 2, 3));
    assert_eq!(matches_of(&all, "sanctions_futility"), 4);
    assert_eq!(matches_of(&korea, "sanctions_futility"), 2);
    // The query splits the corpus: each theme's matches add up to the unfiltered count.
    for ((theme, n), ((_, k), (_, o))) in all.iter().zip(korea.iter().zip(&other)) {
        assert_eq!(k + o, *n, "{theme}");
    }
}

#[test]
fn the_query_combines_with_the_metadata_filters() {
    let dir = tempfile::tempdir().unwrap();
    let index = index(dir.path());
    let (docs, themes) = count(
        &index,
        &["--query", "korea OR iran", "--speaker", "anna volkova"],
    );
    assert_eq!(docs, 2);
    assert_eq!(matches_of(&themes, "sanctions_futility"), 2);
    let (docs, _) = count(&index, &["--query", "korea", "--from", "2017-06-01"]);
    assert_eq!(docs, 1);
}

#[test]
fn a_bad_query_is_an_error_with_its_column() {
    let dir = tempfile::tempdir().unwrap();
    let index = index(dir.path());
    let Run {
        code,
        stdout,
        stderr,
    } = themes_count(&index, &["--query", "korea AND"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("--query `korea AND`") && stderr.contains("syntax error"),
        "{stderr}"
    );
    assert!(stderr.contains("at column 10"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_bad_query_in_a_job_file_names_its_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    let themes = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/themes/korea-2017.toml");
    std::fs::write(
        &job,
        format!(
            "index = \"index\"\nthemes = \"{themes}\"\n\n[filter]\nquery = \"(korea\"\n\n[[first]]\nout = \"first.csv\"\n"
        ),
    )
    .unwrap();
    let Run { code, stderr, .. } = statemine(&["run", &job.display().to_string()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("job.toml:5: filter.query"), "{stderr}");
    assert!(stderr.contains("column"), "{stderr}");
}

#[test]
fn a_speaker_or_source_that_matches_nothing_gets_a_note_with_the_nearest_value() {
    let dir = tempfile::tempdir().unwrap();
    let index = index(dir.path());
    let typo = ["--speaker", "Volkvoa", "--source", "example.org"];
    let Run { code, stderr, .. } =
        statemine(&[&["search", "sanctions", "--index", &index][..], &typo].concat());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "note: --speaker `Volkvoa` matches no speaker in the index; nearest: `anna volkova`"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("--source"), "{stderr}");
    // The same note before a count; a known name gives none.
    let Run { stderr, .. } = themes_count(&index, &["--speaker", "Nobody"]);
    assert!(
        stderr.contains("--speaker `Nobody` matches no speaker in the index\n"),
        "{stderr}"
    );
    let Run { code, stderr, .. } = themes_count(&index, &["--speaker", "sokolov"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("note:"), "{stderr}");
}

#[test]
fn from_and_to_take_calendar_periods_as_their_first_and_last_days() {
    let dir = tempfile::tempdir().unwrap();
    let index = index(dir.path());
    let by_days = count(&index, &["--from", "2017-07-01", "--to", "2017-09-30"]);
    let by_quarter = count(&index, &["--from", "2017-Q3", "--to", "2017-Q3"]);
    assert_eq!(by_quarter, by_days);
    assert_eq!(by_days.0, 2, "two fixture documents fall in 2017-Q3");
    let year = count(&index, &["--from", "2017", "--to", "2017"]);
    let all = count(&index, &[]);
    assert_eq!(year, all);
    let run = themes_count(&index, &["--from", "2017-Q5"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("2017-Q5"), "{}", run.stderr);
}

#[test]
fn by_doc_writes_one_row_per_document_with_every_theme_count() {
    let dir = tempfile::tempdir().unwrap();
    let index = index(dir.path());
    let (documents, themes) = count(&index, &[]);
    let table = dir.path().join("by-doc.csv");
    let run = themes_count(&index, &["--by-doc", "--out", table.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut reader = csv::Reader::from_path(&table).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    // Every selected document, with or without matches.
    assert_eq!(rows.len() as u64, documents);
    // One column per theme; its column sum is the theme's match count.
    for (theme, matches) in &themes {
        let column = header.iter().position(|h| h == theme).unwrap();
        let sum: u64 = rows.iter().map(|r| r[column].parse::<u64>().unwrap()).sum();
        assert_eq!(sum, *matches, "{theme}");
    }
    assert!(table.with_extension("csv.manifest.json").exists());
    // --by-doc needs --out.
    assert_eq!(themes_count(&index, &["--by-doc"]).code, 2);
}

#[test]
fn speaker_names_in_queries_resolve_through_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let index = index(dir.path());
    let registry = dir.path().join("people.toml");
    std::fs::write(
        &registry,
        "[[person]]\nname = \"Anna V. Volkova\"\naliases = [\"Anna Volkova\", \"Анна Волкова\"]\nrole = \"minister\"\ncountry = \"RU\"\n",
    )
    .unwrap();
    let registry = registry.display().to_string();
    let docs = |extra: &[&str]| {
        let mut args = vec!["--speakers", registry.as_str()];
        args.extend(extra);
        count(&index, &args).0
    };
    // The stored speaker is `Anna Volkova`; the canonical name and the Russian alias select
    // her three documents in `--query` and `--para` as `--speaker` does.
    assert_eq!(docs(&["--speaker", "Anna V. Volkova"]), 3);
    for name in ["speaker:\"Anna V. Volkova\"", "speaker:\"Анна Волкова\""] {
        assert_eq!(docs(&["--query", name]), 3, "{name}");
        assert_eq!(docs(&["--para", name]), 3, "{name}");
    }
    // Without the registry the canonical name is only words, which no stored name holds.
    let none = themes_count(&index, &["--query", "speaker:\"Anna V. Volkova\""]);
    assert_eq!(none.code, 1, "{}", none.stderr);
}
