//! The flags and conventions every command shares: the global `--quiet` and `--color`,
//! one stderr style (`note:`, `warning:`, `statemine: error:`), and a manifest beside every
//! table written (the evidence table and `kwic --out` included).

mod common;

use std::path::Path;
use std::sync::OnceLock;

use tempfile::TempDir;

use common::{Statemine, cached_index, fixture, split_in_two};

static INDEX: OnceLock<(TempDir, std::path::PathBuf)> = OnceLock::new();

/// The study fixture, ingested once.
fn index() -> &'static Path {
    cached_index(&INDEX, &[fixture("study", "statements.jsonl")])
}

fn themes() -> String {
    fixture("study", "themes.toml").display().to_string()
}

fn manifest_of(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(format!("{}.manifest.json", path.display()))
        .unwrap_or_else(|e| panic!("{}: no manifest: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_evidence_table_and_kwic_exports_have_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("evidence.csv");
    let run = Statemine::new()
        .args(["themes", "count", "--themes", &themes(), "--index"])
        .arg(index())
        .arg("--evidence")
        .arg(&evidence)
        .run()
        .ok();
    assert!(
        run.stderr.contains("evidence.csv.manifest.json"),
        "{}",
        run.stderr
    );
    let manifest = manifest_of(&evidence);
    assert!(manifest["themes"]["hash"].is_string(), "{manifest}");
    assert!(manifest["index"].is_object(), "{manifest}");

    let lines = dir.path().join("kwic.ndjson");
    let run = Statemine::new()
        .args(["kwic", "useless", "--themes", &themes(), "--index"])
        .arg(index())
        .arg("--out")
        .arg(&lines)
        .run()
        .ok();
    assert_eq!(run.stdout, "", "the lines go to the file");
    let written = std::fs::read_to_string(&lines).unwrap();
    assert!(written.lines().count() >= 1);
    assert!(written.contains("\"theme\":\"useless\""), "{written}");
    assert_eq!(manifest_of(&lines)["themes"]["name"], "themes.toml");

    // `--limit 0` is every line, as in `search`; `--limit 1` one.
    let kwic_lines = |limit: &str| {
        let run = Statemine::new()
            .args([
                "kwic",
                "useless",
                "--themes",
                &themes(),
                "--json",
                "--limit",
                limit,
            ])
            .arg("--index")
            .arg(index())
            .run()
            .ok();
        run.stdout.lines().count()
    };
    assert_eq!(kwic_lines("0"), written.lines().count());
    assert_eq!(kwic_lines("1"), 1);

    // A format is checked before anything is counted.
    let run = Statemine::new()
        .args(["kwic", "useless", "--themes", &themes(), "--index"])
        .arg(index())
        .args(["--out", "lines.xlsx"])
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("statemine: error: "),
        "{}",
        run.stderr
    );
}

#[test]
fn quiet_is_global_and_hides_notes_and_timings() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let input = fixture("study", "statements.jsonl");
    let loud = Statemine::new()
        .args(["ingest", "--index"])
        .arg(&index)
        .arg(&input)
        .run()
        .ok();
    assert!(loud.stderr.starts_with("note: created "), "{}", loud.stderr);
    for args in [&["-q", "ingest"][..], &["ingest", "--quiet"][..]] {
        let run = Statemine::new()
            .args(args)
            .arg("--index")
            .arg(&index)
            .arg(&input)
            .run()
            .ok();
        assert_eq!(run.stderr, "", "{args:?}");
        assert!(run.stdout.starts_with("ingested 0, updated 0, unchanged"));
    }
    let count = |quiet: bool| {
        let mut run = Statemine::new().args(["themes", "count", "--themes", &themes()]);
        if quiet {
            run = run.arg("--quiet");
        }
        run.arg("--index").arg(&index).run().ok()
    };
    assert!(count(false).stderr.contains("MB/s"));
    assert_eq!(count(true).stderr, "");
    // A note that points at a likely mistake shows even with --quiet; the one that
    // explains an empty result does not.
    let run = Statemine::new()
        .args(["kwic", "uselss", "-q", "--themes", &themes(), "--index"])
        .arg(&index)
        .run();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "note: `uselss` is no theme id, so it is read as a phrase; did you mean `useless`?\n"
    );
    let run = Statemine::new()
        .args(["kwic", "uselss", "--themes", &themes(), "--index"])
        .arg(&index)
        .run();
    assert!(run.stderr.contains("note: no lines: "), "{}", run.stderr);
}

/// "wrote FILE" is a note like the others: in the one stderr style, and hidden by --quiet,
/// for every command that writes a table (the file and its manifest are written either way).
#[test]
fn written_files_are_announced_as_notes_that_quiet_hides() {
    let dir = tempfile::tempdir().unwrap();
    let commands: [&[&str]; 4] = [
        &["trends", "--by", "year"],
        &["compare", "2017-H2", "2017-H1"],
        &["first"],
        &["themes", "count", "--by-doc"],
    ];
    for (i, command) in commands.into_iter().enumerate() {
        for quiet in [false, true] {
            let out = dir.path().join(format!("table-{i}-{quiet}.csv"));
            let mut run = Statemine::new()
                .args(command)
                .args(["--themes", &themes(), "--index"])
                .arg(index())
                .arg("--out")
                .arg(&out);
            if quiet {
                run = run.arg("--quiet");
            }
            let run = run.run().ok();
            assert!(out.exists(), "{command:?}: no table");
            assert!(manifest_of(&out)["output"].is_object(), "{command:?}");
            if quiet {
                assert_eq!(run.stderr, "", "{command:?}");
            } else {
                assert!(
                    run.stderr.lines().any(|l| l.starts_with("note: wrote ")),
                    "{command:?}: {}",
                    run.stderr
                );
            }
        }
    }
}

#[test]
fn color_is_global() {
    let kwic = |color: &str| {
        Statemine::new()
            .args([
                "kwic",
                "useless",
                "--themes",
                &themes(),
                "--color",
                color,
                "--index",
            ])
            .arg(index())
            .run()
            .ok()
            .stdout
    };
    assert!(kwic("always").contains('\u{1b}'));
    assert!(!kwic("never").contains('\u{1b}'));
    let search = Statemine::new()
        .args(["--color", "always", "search", "sanctions", "--index"])
        .arg(index())
        .run()
        .ok();
    assert!(search.stdout.contains('\u{1b}'), "{}", search.stdout);
}

static THEMES_INDEX: OnceLock<(TempDir, std::path::PathBuf)> = OnceLock::new();

/// The themes fixture (the documents the gold labels of `themes eval` point into).
fn themes_index() -> &'static Path {
    cached_index(&THEMES_INDEX, &[fixture("themes", "statements.jsonl")])
}

/// The gold labels of the themes fixture without the one whose paragraph is not indexed.
fn gold(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixture("themes", "gold.jsonl")).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.contains("fx-en-9")).collect();
    let path = dir.join("gold.jsonl");
    std::fs::write(&path, kept.join("\n") + "\n").unwrap();
    path
}

/// Rows of a table file as JSON objects, whatever its format (CSV cells as strings).
fn table_rows(path: &Path) -> Vec<serde_json::Value> {
    let text = || std::fs::read_to_string(path).unwrap();
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => serde_json::from_str::<Vec<serde_json::Value>>(&text()).unwrap(),
        Some("ndjson") => text()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
        Some("csv") => {
            let mut reader = csv::Reader::from_path(path).unwrap();
            let header = reader.headers().unwrap().clone();
            reader
                .records()
                .map(|r| {
                    let r = r.unwrap();
                    let object: serde_json::Map<String, serde_json::Value> = header
                        .iter()
                        .zip(r.iter())
                        .map(|(k, v)| (k.to_string(), v.into()))
                        .collect();
                    object.into()
                })
                .collect()
        }
        Some("parquet") => {
            let mut frame = statemine::export::read_parquet(path).unwrap();
            let mut out = Vec::new();
            statemine::export::write_table_to(
                &mut frame,
                statemine::export::TableFormat::Ndjson,
                &mut out,
                path,
            )
            .unwrap();
            String::from_utf8(out)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        }
        other => panic!("no reader for {other:?}"),
    }
}

/// A cell as text: strings as they are, numbers as written by serde_json, null as empty
/// (so a CSV cell and a JSON value compare).
fn cell(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A cell as a number (CSV cells are text).
fn number(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::String(s) if s.is_empty() => None,
        serde_json::Value::String(s) => Some(s.parse().unwrap()),
        other => other.as_f64(),
    }
}

#[test]
fn search_out_writes_the_hits_of_json_in_every_format_with_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let search = |extra: &[&str]| {
        Statemine::new()
            .args(["search", "sanctions OR talks", "--limit", "0", "--index"])
            .arg(index())
            .args(extra)
            .run()
    };
    let printed = search(&["--json"]).ok().json_lines();
    assert!(printed.len() >= 3, "{printed:?}");
    let csv_header = search(&["--csv"])
        .ok()
        .stdout
        .lines()
        .next()
        .unwrap()
        .to_string();
    for ext in ["csv", "json", "ndjson", "parquet"] {
        let out = dir.path().join(format!("hits.{ext}"));
        let run = search(&["--out", out.to_str().unwrap()]).ok();
        assert_eq!(run.stdout, "", "{ext}: the hits go to the file");
        assert!(
            run.stderr
                .starts_with(&format!("note: wrote {} hit rows", printed.len())),
            "{ext}: {}",
            run.stderr
        );
        let rows = table_rows(&out);
        assert_eq!(rows.len(), printed.len(), "{ext}");
        for (row, hit) in rows.iter().zip(&printed) {
            for key in [
                "id", "date", "title", "speaker", "kind", "lang", "url", "snippet",
            ] {
                assert_eq!(cell(&row[key]), cell(&hit[key]), "{ext} {key}");
            }
            assert_eq!(number(&row["score"]), hit["score"].as_f64(), "{ext}");
            assert_eq!(number(&row["para"]), hit["para"].as_f64(), "{ext}");
            let snippet = hit["snippet"].as_str().unwrap();
            let matched: Vec<&str> = hit["highlights"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| &snippet[h[0].as_u64().unwrap() as usize..h[1].as_u64().unwrap() as usize])
                .collect();
            assert_eq!(cell(&row["matches"]), matched.join(" | "), "{ext}");
        }
        let manifest = manifest_of(&out);
        assert_eq!(manifest["output"]["format"], ext);
        assert_eq!(manifest["output"]["rows"], printed.len());
        assert_eq!(
            manifest["output"]["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(cell)
                .collect::<Vec<_>>()
                .join(","),
            csv_header,
            "the columns of --csv"
        );
        assert!(manifest["index"].is_object(), "{manifest}");
    }
    // --quiet hides the note; the file is written all the same.
    let out = dir.path().join("quiet.csv");
    let run = search(&["--quiet", "--out", out.to_str().unwrap()]).ok();
    assert_eq!(run.stderr, "");
    assert_eq!(table_rows(&out).len(), printed.len());
    // The count table of --count --by goes out the same way.
    let out = dir.path().join("years.json");
    search(&["--count", "--by", "year", "--out", out.to_str().unwrap()]).ok();
    let years = table_rows(&out);
    let total: u64 = years.iter().map(|r| r["count"].as_u64().unwrap()).sum();
    assert_eq!(total as usize, printed.len());
    // No hit: an empty table with its header, exit 1, and the note saying so.
    let out = dir.path().join("none.csv");
    let run = search(&["--query", "zzzqqq", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!("{csv_header}\n")
    );
    assert!(
        run.stderr.contains("note: no document matches"),
        "{}",
        run.stderr
    );
    // A format is checked before the index is read; --out and --json exclude each other.
    let run = search(&["--out", "hits.xlsx"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("statemine: error: "),
        "{}",
        run.stderr
    );
    assert_eq!(search(&["--json", "--out", "h.csv"]).code, 2);
}

#[test]
fn search_out_csv_neutralises_formulas_unless_raw_csv() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("docs.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"f1\",\"date\":\"2017-01-01\",\"title\":\"=HYPERLINK(\\\"http://x\\\")\",\
         \"speaker\":\"@someone\",\"source\":\"example.org\",\"kind\":\"statement\",\
         \"lang\":\"en\",\"url\":\"\",\"text\":\"Sanctions are useless.\"}\n",
    )
    .unwrap();
    let index = dir.path().join("index");
    common::ingest(&index, &[&input]);
    let write = |raw: bool| {
        let out = dir.path().join(format!("hits-{raw}.csv"));
        let mut run = Statemine::new()
            .args(["search", "sanctions", "--index"])
            .arg(&index);
        if raw {
            run = run.arg("--raw-csv");
        }
        run.arg("--out").arg(&out).run().ok();
        table_rows(&out).remove(0)
    };
    let safe = write(false);
    assert_eq!(safe["title"], "'=HYPERLINK(\"http://x\")");
    assert_eq!(safe["speaker"], "'@someone");
    let raw = write(true);
    assert_eq!(raw["title"], "=HYPERLINK(\"http://x\")");
    assert_eq!(raw["speaker"], "@someone");
}

#[test]
fn themes_eval_out_writes_the_scores_of_json_per_file_pooled_and_cv() {
    let dir = tempfile::tempdir().unwrap();
    let gold = gold(dir.path());
    // Two gold files, so there is a pooled scope.
    let (first, second) = split_in_two(&gold, dir.path());
    let themes = fixture("themes", "mini.toml");
    let eval = |extra: &[&str]| {
        Statemine::new()
            .args(["themes", "eval", "--cv-by", "doc", "2", "--themes"])
            .arg(&themes)
            .arg("--index")
            .arg(themes_index())
            .arg("--gold")
            .arg(&first)
            .arg("--gold")
            .arg(&second)
            .args(extra)
            .run()
            .ok()
    };
    let json = eval(&["--json"]).json();
    let mut scopes: Vec<(String, serde_json::Value)> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (cell(&f["file"]), f["report"].clone()))
        .collect();
    scopes.push(("pooled".into(), json["pooled"].clone()));
    for (i, fold) in json["cv"]["folds"].as_array().unwrap().iter().enumerate() {
        scopes.push((format!("fold {}", i + 1), fold["report"].clone()));
    }
    scopes.push(("held-out".into(), json["cv"]["held_out"].clone()));
    // The held-out predictions on each file's labels, which add up to the pooled ones.
    let by_file = json["cv"]["held_out_files"].as_array().unwrap();
    assert_eq!(by_file.len(), 2);
    let pooled_gold = &json["cv"]["held_out"]["themes"];
    for (t, theme) in pooled_gold.as_array().unwrap().iter().enumerate() {
        for key in ["gold", "predicted", "tp"] {
            let sum: u64 = by_file
                .iter()
                .map(|f| f["report"]["themes"][t][key].as_u64().unwrap())
                .sum();
            assert_eq!(Some(sum), theme[key].as_u64(), "{key}");
        }
    }
    for file in by_file {
        scopes.push((
            format!("held-out {}", cell(&file["file"])),
            file["report"].clone(),
        ));
    }
    for ext in ["csv", "parquet"] {
        let out = dir.path().join(format!("eval.{ext}"));
        let run = eval(&["--out", out.to_str().unwrap()]);
        assert_eq!(run.stdout, "", "{ext}: the table goes to the file");
        assert!(run.stderr.contains("note: wrote "), "{}", run.stderr);
        let rows = table_rows(&out);
        let mut at = 0;
        for (scope, report) in &scopes {
            for theme in report["themes"].as_array().unwrap() {
                let row = &rows[at];
                at += 1;
                assert_eq!(cell(&row["scope"]), *scope, "{ext}");
                assert_eq!(row["theme"], theme["theme"], "{ext}");
                for key in ["gold", "predicted", "tp", "precision", "recall", "f1"] {
                    assert_eq!(
                        number(&row[key]),
                        theme[key].as_f64(),
                        "{ext} {scope} {key}"
                    );
                }
                assert_eq!(
                    number(&row["f1_low"]),
                    theme["f1_ci"]["low"].as_f64(),
                    "{ext} {scope}"
                );
                assert_eq!(number(&row["paragraphs"]), report["paragraphs"].as_f64());
            }
            let macro_row = &rows[at];
            at += 1;
            assert_eq!(macro_row["theme"], "(macro)");
            assert_eq!(number(&macro_row["f1"]), report["macro_f1"].as_f64());
        }
        assert_eq!(at, rows.len(), "{ext}: no row beyond the scopes of --json");
        assert_eq!(manifest_of(&out)["themes"]["name"], "mini.toml");
    }
    let out = dir.path().join("quiet.ndjson");
    let run = eval(&["-q", "--out", out.to_str().unwrap()]);
    assert_eq!(run.stderr, "");
    assert!(out.exists() && manifest_of(&out)["output"].is_object());
}

#[test]
fn ingest_json_is_one_summary_object_with_notes_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let ingest = |json: bool| {
        let mut run = Statemine::new().args(["ingest", "--index"]).arg(&index);
        if json {
            run = run.arg("--json");
        }
        run.arg(fixture("study", "statements.jsonl")).run().ok()
    };
    let run = ingest(true);
    let summary = run.json();
    assert_eq!(summary["ingested"], 9);
    assert_eq!(summary["created"], true);
    assert_eq!(summary["documents_in_index"], 9);
    assert_eq!(summary["index"], index.display().to_string());
    assert!(run.stderr.starts_with("note: created "), "{}", run.stderr);
    let text = ingest(false);
    let again = ingest(true).json();
    assert!(
        text.stdout
            .starts_with("ingested 0, updated 0, unchanged 9")
    );
    assert_eq!(
        (again["unchanged"].as_u64(), again["ingested"].as_u64()),
        (Some(9), Some(0))
    );
    assert_eq!(again["created"], false);
}

#[test]
fn themes_test_json_lists_the_failed_examples() {
    let run = Statemine::new()
        .args(["themes", "test", "--json", "--themes"])
        .arg(fixture("themes", "mini.toml"))
        .run()
        .ok();
    let summary = run.json();
    assert_eq!(summary["failed"], 0);
    assert!(summary["examples"].as_u64().unwrap() > 0);
    assert_eq!(run.stderr, "", "the summary line is in the JSON");
    let run = Statemine::new()
        .args(["themes", "test", "--json", "--themes"])
        .arg(fixture("themes", "failing.toml"))
        .run();
    assert_eq!(run.code, 2);
    let summary = run.json();
    let failures = summary["failures"].as_array().unwrap();
    assert_eq!(summary["failed"].as_u64(), Some(failures.len() as u64));
    assert!(!failures.is_empty());
    assert!(
        failures.iter().all(|f| f["expected"] != f["got"]),
        "{summary}"
    );
}

#[test]
fn sample_and_validate_json_describe_what_they_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let themes = fixture("themes", "mini.toml");
    let sample = dir.path().join("sample.csv");
    let run = Statemine::new()
        .args([
            "themes", "sample", "--json", "--blind", "--n", "6", "--themes",
        ])
        .arg(&themes)
        .arg("--index")
        .arg(themes_index())
        .arg("--out")
        .arg(&sample)
        .run()
        .ok();
    let summary = run.json();
    assert_eq!(
        summary["rows"].as_u64(),
        Some(common::csv_rows(&sample) as u64)
    );
    let design = std::path::PathBuf::from(summary["design"].as_str().unwrap());
    assert!(design.exists(), "{summary}");
    let strata = summary["strata"].as_array().unwrap();
    let drawn: u64 = strata.iter().map(|s| s["drawn"].as_u64().unwrap()).sum();
    assert_eq!(drawn, summary["rows"].as_u64().unwrap());
    assert!(
        !run.stderr.contains("paragraphs (weight"),
        "the strata are in the JSON: {}",
        run.stderr
    );

    let out = dir.path().join("validation.json");
    let validate = |extra: &[&str]| {
        Statemine::new()
            .args(["themes", "validate", "--themes"])
            .arg(&themes)
            .arg("--index")
            .arg(themes_index())
            .arg("--labels")
            .arg(gold(dir.path()))
            .arg("--out")
            .arg(&out)
            .args(extra)
            .run()
            .ok()
    };
    let run = validate(&["--json"]);
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(run.json(), written);
    assert!(run.stderr.contains("note: wrote "), "{}", run.stderr);
    assert_eq!(validate(&["--json", "-q"]).stderr, "");
}

#[test]
fn run_json_lists_the_ingest_and_every_written_file() {
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        format!(
            "root = \"{root}\"\nindex = \"{index}\"\n\
             inputs = [\"tests/fixtures/study/statements.jsonl\"]\n\
             themes = \"tests/fixtures/study/themes.toml\"\nout_dir = \"{out}\"\n\n\
             [[trends]]\nout = \"years.csv\"\nby = \"year\"\n\n\
             [[evidence]]\nout = \"evidence.json\"\n",
            root = common::ROOT,
            index = dir.path().join("index").display(),
            out = dir.path().join("out").display(),
        ),
    )
    .unwrap();
    let run = Statemine::new()
        .args(["run", "--json"])
        .arg(&job)
        .run()
        .ok();
    let summary = run.json();
    assert_eq!(summary["ingest"]["ingested"], 9);
    let written = summary["written"].as_array().unwrap();
    let kinds: Vec<&str> = written
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["trends", "evidence"]);
    for file in written {
        let path = Path::new(file["path"].as_str().unwrap());
        assert_eq!(
            file["count"].as_u64(),
            Some(table_rows(path).len() as u64),
            "{file}"
        );
        assert!(manifest_of(path)["job"].is_object());
    }
    // Rerun: nothing new to ingest, the same files.
    let again = Statemine::new()
        .args(["run", "--json"])
        .arg(&job)
        .run()
        .ok()
        .json();
    assert_eq!(again["ingest"]["unchanged"], 9);
    assert_eq!(again["written"], summary["written"]);
    // `report --json` reports its one page the same way.
    let page = dir.path().join("page.html");
    let report = Statemine::new()
        .args(["report", "--json", "--out"])
        .arg(&page)
        .arg(&job)
        .run()
        .ok()
        .json();
    assert_eq!(report["written"][0]["kind"], "report");
    assert_eq!(report["written"][0]["path"], page.display().to_string());
    assert!(page.exists());
}

#[test]
fn speakers_list_json_is_one_object_per_person_of_the_text_list() {
    let text = Statemine::new().args(["speakers", "list"]).run().ok();
    let json = Statemine::new()
        .args(["speakers", "list", "--json"])
        .run()
        .ok()
        .json_lines();
    let names: Vec<&str> = text
        .stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    let json_names: Vec<&str> = json.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(json_names, names);
    assert!(
        json.iter()
            .all(|p| p["role"].is_string() && p["aliases"].is_array())
    );
}

/// A flag a command does not take is an error naming it (exit 2), never silently ignored.
#[test]
fn an_output_flag_a_command_does_not_take_is_an_error() {
    for args in [
        &["info", "--out", "info.csv"][..],
        &["init", "--json", "study"][..],
        &["themes", "import", "--json", "x.yml"][..],
        &["search", "x", "--queries", "q.txt", "--out", "h.csv"][..],
        &["themes", "count", "--out", "t.csv"][..],
        // --json prints the table that --out writes: one or the other.
        &["words", "freq", "--json", "--out", "t.csv"][..],
        &["kwic", "x", "--json", "--out", "t.csv"][..],
        &["trends", "--json", "--out", "t.csv"][..],
        &[
            "themes", "eval", "--gold", "g.jsonl", "--json", "--out", "t.csv",
        ][..],
    ] {
        let run = Statemine::new().args(args).run();
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("statemine: error: "),
            "{args:?}: {}",
            run.stderr
        );
    }
}
