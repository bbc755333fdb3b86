//! `statemine themes ...` and `statemine kwic` end to end: the real binary on an index of
//! `tests/fixtures/themes/statements.jsonl` (our own sentences) built by `statemine ingest`,
//! the default theme set's own examples, and the dev gold set of `../shared`.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value;

use common::{Run, Statemine, cached_index, shared, statemine};
use statemine::corpus::analyze_structure;
use statemine::document::{Document, Kind, Lang};
use statemine::export::{EvidenceWriter, ManifestContext, write_table_with_manifest};
use statemine::index::{DocFilter, IndexStore};
use statemine::themes::sample::{DESIGN_COLUMNS, SAMPLE_COLUMNS};
use statemine::themes::{
    CountOptions, EvidenceRef, EvidenceRow, EvidenceSink, Matcher, Progress, ThemeSet, count_index,
    count_into, count_with, evidence_frame, evidence_rows, run_examples,
};

const DEFAULT_THEMES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/themes/korea-2017.toml");

fn fixture(name: &str) -> PathBuf {
    common::fixture("themes", name)
}

/// Ingests `files` with the binary into a new index under `dir`.
fn ingest(dir: &Path, files: &[&Path]) -> PathBuf {
    let index = dir.join("index");
    common::ingest(&index, files);
    index
}

/// The fixture index, ingested once for all tests of this binary.
fn fixture_index() -> &'static str {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    cached_index(&INDEX, &[fixture("statements.jsonl")])
        .to_str()
        .unwrap()
}

/// The summary row of theme `id` in `themes count --json` output.
fn theme_row<'a>(summary: &'a Value, id: &str) -> &'a Value {
    summary["themes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["theme"] == id)
        .unwrap()
}

fn mini() -> String {
    fixture("mini.toml").display().to_string()
}

/// `themes eval` of the mini theme set on the fixture index against `gold` files, with
/// `extra` arguments.
fn fixture_eval(gold: &[&Path], extra: &[&str]) -> Run {
    let themes = mini();
    let gold: Vec<String> = gold.iter().map(|g| g.display().to_string()).collect();
    let mut args = vec![
        "themes",
        "eval",
        "--index",
        fixture_index(),
        "--themes",
        &themes,
    ];
    for g in &gold {
        args.extend(["--gold", g.as_str()]);
    }
    args.extend_from_slice(extra);
    statemine(&args)
}

#[test]
fn count_prints_a_summary_with_collisions() {
    let run = statemine(&[
        "themes",
        "count",
        "--index",
        fixture_index(),
        "--themes",
        &mini(),
        "-q",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("count_summary", run.stdout);
}

#[test]
fn count_writes_the_evidence_csv_with_exact_columns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("evidence.csv");
    let run = statemine(&[
        "themes",
        "count",
        "--index",
        fixture_index(),
        "--themes",
        &mini(),
        "--evidence",
        &out.display().to_string(),
        "-q",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with(
        "doc_id,date,speaker,source,lang,theme,para,sentence,start,end,matched,rule,turn_speaker,left,right\n"
    ));
    insta::assert_snapshot!("evidence_csv", csv);
}

#[test]
fn evidence_offsets_point_into_the_paragraph_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("evidence.ndjson");
    let run = statemine(&[
        "themes",
        "count",
        "--index",
        fixture_index(),
        "--evidence",
        &out.display().to_string(),
        "--themes",
        DEFAULT_THEMES,
        "-q",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let source = std::fs::read_to_string(fixture("statements.jsonl")).unwrap();
    let docs: Vec<Value> = source
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let rows: Vec<Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(rows.len() > 5, "{rows:?}");
    for row in &rows {
        let doc = docs.iter().find(|d| d["id"] == row["doc_id"]).unwrap();
        let para = doc["text"]
            .as_str()
            .unwrap()
            .split('\n')
            .nth(row["para"].as_u64().unwrap() as usize)
            .unwrap();
        let (start, end) = (
            row["start"].as_u64().unwrap() as usize,
            row["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&para[start..end], row["matched"].as_str().unwrap(), "{row}");
        assert!(
            para[..start].ends_with(row["left"].as_str().unwrap()),
            "{row}"
        );
        assert!(
            para[end..].starts_with(row["right"].as_str().unwrap()),
            "{row}"
        );
    }
}

#[test]
fn evidence_formats_follow_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let mut counts = Vec::new();
    for ext in ["csv", "json", "ndjson", "parquet"] {
        let out = dir.path().join(format!("e.{ext}"));
        let run = statemine(&[
            "themes",
            "count",
            "--index",
            fixture_index(),
            "--themes",
            &mini(),
            "--evidence",
            &out.display().to_string(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let rows: usize = run
            .stderr
            .split_whitespace()
            .nth(2)
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{}", run.stderr));
        counts.push(rows);
        assert!(out.metadata().unwrap().len() > 0);
    }
    assert!(counts.windows(2).all(|w| w[0] == w[1]), "{counts:?}");
    let json: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("e.json")).unwrap()).unwrap();
    assert_eq!(json.len(), counts[0]);
    assert_eq!(json[0]["date"], "2017-06-01");
}

#[test]
fn filters_select_documents() {
    let json = |extra: &[&str]| -> Value {
        let mut args = vec![
            "themes",
            "count",
            "--index",
            fixture_index(),
            "--themes",
            DEFAULT_THEMES,
            "--json",
            "-q",
        ];
        args.extend_from_slice(extra);
        let run = statemine(&args);
        serde_json::from_str(run.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {}", run.stderr))
    };
    assert_eq!(json(&[])["documents"], 5);
    assert_eq!(json(&["--lang", "ru"])["documents"], 1);
    assert_eq!(
        json(&["--from", "2017-09-01", "--to", "2017-09-30"])["documents"],
        2
    );
    let ru = json(&["--lang", "ru"]);
    let futility = theme_row(&ru, "sanctions_futility");
    assert_eq!(futility["matches"], 1);
}

#[test]
fn nothing_found_exits_1() {
    let run = statemine(&[
        "themes",
        "count",
        "--index",
        fixture_index(),
        "--themes",
        &mini(),
        "--from",
        "2018-01-01",
        "-q",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn the_default_theme_set_passes_its_examples() {
    let set = ThemeSet::load(Path::new(DEFAULT_THEMES)).unwrap();
    assert_eq!(set.themes.len(), 10);
    let outcomes = run_examples(&set).unwrap();
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed()).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    for theme in &set.themes {
        for lang in [Lang::En, Lang::Ru] {
            let table = theme
                .lang(lang)
                .unwrap_or_else(|| panic!("{} has no {lang}", theme.id));
            assert!(
                !table.examples.must_match.is_empty(),
                "{} [{lang}]",
                theme.id
            );
            assert!(!table.examples.no_match.is_empty(), "{} [{lang}]", theme.id);
        }
    }
    let run = statemine(&["themes", "test"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("0 failed"), "{}", run.stderr);
}

#[test]
fn failing_examples_are_reported_and_exit_2() {
    let run = statemine(&[
        "themes",
        "test",
        "--themes",
        &fixture("failing.toml").display().to_string(),
    ]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("failing_examples", run.stdout);
    assert!(
        run.stderr.contains("2 of 4 examples failed"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_invalid_theme_file_names_file_line_theme_and_pattern() {
    let path = fixture("invalid.toml").display().to_string();
    let run = statemine(&["themes", "test", "--themes", &path]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(&format!(
        "{path}:12: theme `broken` [en]: pattern `sanctions ~25 useless`: phrase: `~25`: a gap must be between ~1 and ~20"
    )), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "{path}:13: theme `broken` [en]: pattern `(unclosed`: invalid regex"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn outside_the_repository_the_builtin_default_set_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let run = Statemine::new()
        .current_dir(dir.path())
        .args(["themes", "test"])
        .run()
        .ok();
    assert!(
        run.stderr.starts_with("(built-in)/korea-2017.toml: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(", 0 failed"), "{}", run.stderr);
    // A theme file on disk at the default place takes precedence over the built-in set.
    let themes = dir.path().join("corpus/themes");
    std::fs::create_dir_all(&themes).unwrap();
    std::fs::write(
        themes.join("korea-2017.toml"),
        "name = \"mine\"\n[[theme]]\nid = \"own\"\n[theme.en]\npatterns = [\"sanctions\"]\nexamples.match = [\"Sanctions.\"]\n",
    )
    .unwrap();
    let run = Statemine::new()
        .current_dir(dir.path())
        .args(["themes", "test"])
        .run()
        .ok();
    assert!(
        run.stderr
            .starts_with("corpus/themes/korea-2017.toml: 1 examples in 1 of 1 themes"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_quanteda_dictionary_imports_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dict.toml");
    let yml = fixture("dictionary.yml").display().to_string();
    let run = statemine(&[
        "themes",
        "import",
        &yml,
        "--out",
        &out.display().to_string(),
        "--lang",
        "en",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let toml = std::fs::read_to_string(&out).unwrap();
    insta::assert_snapshot!("quanteda_import", toml.replace(&yml, "dictionary.yml"));
    // The converted file and the dictionary itself count the same.
    let count = |themes: &str| {
        let run = statemine(&[
            "themes",
            "count",
            "--index",
            fixture_index(),
            "--themes",
            themes,
            "--json",
            "-q",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let v: Value = serde_json::from_str(run.stdout.trim()).unwrap();
        v["themes"].clone()
    };
    let converted = count(&out.display().to_string());
    assert_eq!(converted, count(&yml));
    let sanctions = converted
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["theme"] == "pressure.sanctions")
        .unwrap();
    assert_eq!(sanctions["matches"], 3);
}

#[test]
fn a_liwc_dictionary_imports_and_loads_directly() {
    let dic = fixture("dictionary.dic").display().to_string();
    let run = statemine(&["themes", "import", &dic]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("id = \"pressure\""), "{}", run.stdout);
    assert!(run.stdout.contains("\"sanction*\""), "{}", run.stdout);
    assert!(
        run.stdout.contains("\"=military exercise*\""),
        "{}",
        run.stdout
    );
    let run = statemine(&[
        "themes",
        "count",
        "--index",
        fixture_index(),
        "--themes",
        &dic,
        "--json",
        "-q",
    ]);
    let v: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let diplomacy = theme_row(&v, "diplomacy");
    assert_eq!(diplomacy["matches"], 1);
}

#[test]
fn kwic_aligns_theme_matches_and_queries() {
    let run = statemine(&[
        "kwic",
        "futility",
        "--index",
        fixture_index(),
        "--themes",
        &mini(),
        "--width",
        "25",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("kwic_theme", run.stdout);
    // The keyword starts in the same column on every line.
    let columns: Vec<usize> = run.stdout.lines().map(|l| l.find('[').unwrap()).collect();
    assert!(columns.windows(2).all(|w| w[0] == w[1]), "{columns:?}");

    let run = statemine(&[
        "kwic",
        "sanction*",
        "--index",
        fixture_index(),
        "--themes",
        &mini(),
        "--json",
        "--sort",
        "right",
        "--limit",
        "2",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["theme"] == "query"));
    assert!(run.stderr.contains("2 of 3 lines shown"), "{}", run.stderr);

    let run = statemine(&[
        "kwic",
        "no such words",
        "--index",
        fixture_index(),
        "--themes",
        &mini(),
    ]);
    assert_eq!(run.code, 1);
    // A near miss of a theme id is read as a phrase, with a note naming the id.
    let typo = statemine(&[
        "kwic",
        "Futilty",
        "--index",
        fixture_index(),
        "--themes",
        &mini(),
    ]);
    assert!(
        typo.stderr.contains("did you mean `futility`?"),
        "{}",
        typo.stderr
    );
    // A target that is no theme id is read as a phrase; the message says so and lists the ids.
    assert!(
        run.stderr.contains("`no such words` is no theme id of")
            && run.stderr.contains("themes: ")
            && run.stderr.contains("futility"),
        "{}",
        run.stderr
    );
}

// `kwic --theme us_blame` failed for want of a positional target, and `kwic blame --theme
// futility` read `blame` as a phrase (the file had been narrowed to futility first).
#[test]
fn kwic_and_first_show_the_themes_named_by_theme_side_by_side() {
    let kwic = |args: &[&str]| {
        let themes = mini();
        let mut all = vec!["kwic", "--index", fixture_index(), "--themes", &themes];
        all.extend_from_slice(args);
        statemine(&all)
    };
    let theme_of = |line: &str| line.split_whitespace().nth(2).unwrap().to_string();
    let alone = kwic(&["--theme", "blame"]).ok();
    assert_eq!(alone.stdout, kwic(&["blame"]).ok().stdout);
    let both = kwic(&["blame", "--theme", "futility", "--sort", "theme"]).ok();
    let themes: Vec<String> = both.stdout.lines().map(theme_of).collect();
    let futility = kwic(&["futility"]).ok().stdout.lines().count();
    let blame = alone.stdout.lines().count();
    assert_eq!(themes.len(), futility + blame, "{}", both.stdout);
    assert!(blame > 0 && futility > 0);
    assert!(
        themes[..blame].iter().all(|t| t == "blame")
            && themes[blame..].iter().all(|t| t == "futility"),
        "{}",
        both.stdout
    );
    // The same lines whichever way the themes are named.
    let named = kwic(&["--theme", "futility", "--theme", "blame", "--sort", "theme"]).ok();
    assert_eq!(named.stdout, both.stdout);
    let none = kwic(&["--theme", "blame", "--theme", "futility", "--query", "zzzz"]);
    assert_eq!(none.code, 1, "{}", none.stderr);
    assert!(
        none.stderr
            .contains("no lines: themes futility, blame matched nothing"),
        "{}",
        none.stderr
    );
    kwic(&[]).fails_with("name what to show: a theme id");
    // `first` takes THEME and --theme the same way.
    let themes = mini();
    let first = |args: &[&str]| {
        let mut all = vec![
            "first",
            "--index",
            fixture_index(),
            "--themes",
            &themes,
            "--json",
        ];
        all.extend_from_slice(args);
        let mut seen = statemine(&all).ok().strings("theme");
        seen.dedup();
        seen
    };
    assert_eq!(first(&["blame"]), ["blame"]);
    let both = first(&["blame", "--theme", "futility"]);
    assert_eq!(both.len(), 2, "{both:?}");
    assert_eq!(both, first(&["--theme", "futility", "--theme", "blame"]));
    kwic(&["no such words", "--theme", "blame"]).fails_with("and a phrase is shown alone");
}

#[test]
fn kwic_sorts_by_a_list_of_keys_with_markers_that_do_not_clash() {
    let kwic = |extra: &[&str]| {
        let mut args = vec!["kwic", "sanction*", "--index", fixture_index(), "--themes"];
        let themes = mini();
        args.push(&themes);
        args.extend_from_slice(extra);
        statemine(&args)
    };
    let right = |run: &Run| -> Vec<String> {
        run.json_lines()
            .iter()
            .map(|l| l["right"].as_str().unwrap().trim().to_string())
            .collect()
    };
    // First words right of the match: against, are, of.
    let run = kwic(&["--json", "--sort", "right1,date"]).ok();
    let lines = right(&run);
    assert!(
        lines[0].starts_with("against") && lines[1].starts_with("are"),
        "{lines:?}"
    );
    assert!(lines[2].starts_with("of"), "{lines:?}");
    // First words left of it: new, putin, the.
    let run = kwic(&["--json", "--sort", "left1,doc"]).ok();
    let lefts: Vec<String> = run
        .json_lines()
        .iter()
        .map(|l| l["left"].as_str().unwrap().trim().to_string())
        .collect();
    assert!(
        lefts[0].ends_with("new") && lefts[1].ends_with("Putin:"),
        "{lefts:?}"
    );
    let bad = kwic(&["--sort", "right1,rite2"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("unknown key `rite2`"), "{}", bad.stderr);
    // Markers given, then one that the text holds: a warning names it.
    let run = kwic(&["--marker", "<<,>>", "--sort", "right1"]).ok();
    assert!(
        run.stdout.contains("<<new sanctions>>") || run.stdout.contains("<<sanctions>>"),
        "{}",
        run.stdout
    );
    let columns: Vec<usize> = run.stdout.lines().map(|l| l.find("<<").unwrap()).collect();
    assert!(columns.windows(2).all(|w| w[0] == w[1]), "{}", run.stdout);
    let run = kwic(&["--marker", "a"]).ok();
    assert!(
        run.stderr
            .contains("warning: the marker `a` or `a` occurs in the text of 3 lines"),
        "{}",
        run.stderr
    );
}

#[test]
fn eval_scores_fixture_labels() {
    let gold = fixture("gold.jsonl");
    let eval = |extra: &[&str]| fixture_eval(&[&gold], extra);
    // A label whose paragraph the index lacks is an error naming its file and line.
    let run = eval(&[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("gold.jsonl:8: fx-en-9 para 0 is not in the index"),
        "{}",
        run.stderr
    );
    let run = eval(&["--allow-missing"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("eval_table", run.stdout);
    assert!(
        run.stderr
            .contains("1 labelled paragraph(s) are not in the index"),
        "{}",
        run.stderr
    );
    let run = eval(&["--allow-missing", "--json"]);
    let v: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let report = &v["files"][0]["report"];
    let futility = &report["themes"][0];
    assert_eq!(
        (
            futility["gold"].as_u64(),
            futility["predicted"].as_u64(),
            futility["tp"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(report["paragraphs"], 7);
    assert!(
        futility["recall_ci"]["low"].as_f64().is_some(),
        "{futility}"
    );
}

#[test]
fn eval_pools_files_cross_validates_and_writes_misses() {
    let dir = tempfile::tempdir().unwrap();
    let gold = fixture("gold.jsonl").display().to_string();
    // The fixture without its missing paragraph, split in two files by line.
    let text = std::fs::read_to_string(&gold).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.contains("fx-en-9")).collect();
    let (a, b) = lines.split_at(lines.len() / 2);
    let (first, second) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    std::fs::write(&first, a.join("\n")).unwrap();
    std::fs::write(&second, b.join("\n")).unwrap();
    let misses = dir.path().join("misses.jsonl");
    let misses_arg = misses.display().to_string();
    let run = fixture_eval(
        &[&first, &second],
        &["--cv-by", "doc", "2", "--misses", &misses_arg, "--json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let paragraphs = |r: &Value| r["paragraphs"].as_u64().unwrap();
    let parts = paragraphs(&v["files"][0]["report"]) + paragraphs(&v["files"][1]["report"]);
    assert_eq!(paragraphs(&v["pooled"]), parts);
    let folds = v["cv"]["folds"].as_array().unwrap();
    assert_eq!(folds.len(), 2);
    let held: u64 = folds.iter().map(|f| paragraphs(&f["report"])).sum();
    assert_eq!(held, parts);
    // Every false negative and positive of the pooled report is a line of the misses file.
    let listed = std::fs::read_to_string(&misses).unwrap().lines().count() as u64;
    let errors: u64 = v["pooled"]["themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let n = |k: &str| t[k].as_u64().unwrap();
            n("gold") + n("predicted") - 2 * n("tp")
        })
        .sum();
    assert_eq!(listed, errors);
    assert!(errors > 0);
    // Folds are whole documents: K above the number of documents is an error.
    let run = fixture_eval(&[&first], &["--cv-by", "doc", "999"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cross-validation needs"),
        "{}",
        run.stderr
    );
}

#[test]
fn eval_rejects_a_gold_label_with_an_unknown_theme_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("g.jsonl");
    std::fs::write(
        &gold,
        "{\"doc_id\":\"fx-en-1\",\"para\":0,\"themes\":[]}\n{\"doc_id\":\"fx-en-1\",\"para\":1,\"themes\":[\"no_such_theme\"]}\n",
    )
    .unwrap();
    let run = fixture_eval(&[&gold], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("g.jsonl:2: themes: `no_such_theme`"),
        "{}",
        run.stderr
    );
}

/// The report of `themes eval --json` with the default theme set on `index` against `gold`.
fn default_set_report(index: &Path, gold: &Path) -> Value {
    let run = statemine(&[
        "themes",
        "eval",
        "--index",
        &index.display().to_string(),
        "--themes",
        DEFAULT_THEMES,
        "--gold",
        &gold.display().to_string(),
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    v["files"][0]["report"].clone()
}

/// The target of the issue, on the dev set: macro-F1 >= 0.75 and no theme with >= 5 gold
/// positives below 0.55.
#[test]
fn the_default_theme_set_meets_its_target_on_the_dev_set() {
    let corpus = shared("corpus/kremlin-en-2017.jsonl");
    let gold = shared("gold/themes-dev.jsonl");
    let dir = tempfile::tempdir().unwrap();
    let index = ingest(dir.path(), &[&corpus]);
    let v = &default_set_report(&index, &gold);
    let macro_f1 = v["macro_f1"].as_f64().unwrap();
    assert!(macro_f1 >= 0.75, "macro-F1 {macro_f1}: {v}");
    for theme in v["themes"].as_array().unwrap() {
        if theme["in_macro"] == true {
            assert!(theme["f1"].as_f64().unwrap() >= 0.55, "{theme}");
        }
    }
    assert!(v["missing"].as_array().unwrap().is_empty());
}

/// Writes the documents of `corpus` that `gold` labels into `out` (a JSON Lines file).
fn gold_documents(corpus: &Path, gold: &Path, out: &Path) {
    let ids: std::collections::HashSet<String> = std::fs::read_to_string(gold)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["doc_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let kept: Vec<String> = std::fs::read_to_string(corpus)
        .unwrap()
        .lines()
        .filter(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            ids.contains(v["id"].as_str().unwrap())
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        kept.len(),
        ids.len(),
        "{} labels documents {corpus:?} lacks",
        gold.display()
    );
    std::fs::write(out, kept.concat()).unwrap();
}

/// Regression floors on the whole-document gold files (every paragraph of a few transcripts,
/// English and Russian): what the default set reached when these files were first scored
/// with the turn scope, less a margin. They guard the counts against a change that quietly
/// loses recall; they are not the targets, which are measured and reported.
#[test]
fn the_default_theme_set_holds_its_scores_on_whole_documents() {
    let dir = tempfile::tempdir().unwrap();
    for (corpus, gold, floors) in [
        (
            "corpus/kremlin-en-other-years.jsonl",
            "gold/themes-dev-docs.jsonl",
            &[("us_blame", 0.65, 0.48), ("sanctions_futility", 0.70, 0.55)][..],
        ),
        (
            "corpus/kremlin-ru-speeches-2012-2022.jsonl",
            "gold/themes-dev-ru.jsonl",
            &[
                ("us_blame", 0.65, 0.48),
                ("sanctions_futility", 0.70, 0.30),
                ("economic_projects", 0.75, 0.70),
            ][..],
        ),
    ] {
        let (corpus, gold) = (shared(corpus), shared(gold));
        let part = tempfile::tempdir_in(dir.path()).unwrap();
        let docs = part.path().join("docs.jsonl");
        gold_documents(&corpus, &gold, &docs);
        let index = ingest(part.path(), &[&docs]);
        let report = default_set_report(&index, &gold);
        let themes = report["themes"].as_array().unwrap();
        for &(id, precision, recall) in floors {
            let t = themes.iter().find(|t| t["theme"] == id).unwrap();
            let (p, r) = (
                t["precision"].as_f64().unwrap(),
                t["recall"].as_f64().unwrap(),
            );
            assert!(
                p >= precision && r >= recall,
                "{}: {id} P {p:.2} R {r:.2}",
                gold.display()
            );
        }
    }
}

/// Words the property test builds documents from: theme words, negators, filler.
const WORDS: &[&str] = &[
    "sanctions",
    "are",
    "useless",
    "not",
    "pressure",
    "dead",
    "end",
    "Washington",
    "violated",
    "the",
    "deal",
    "double",
    "freeze",
    "withdrew",
    "unilaterally",
    "and",
    "we",
    "talks",
];

fn document(id: usize, paragraphs: &[Vec<usize>]) -> Document {
    let text = paragraphs
        .iter()
        .map(|p| {
            let words: Vec<&str> = p.iter().map(|&w| WORDS[w]).collect();
            format!("{}.", words.join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n");
    Document {
        id: format!("p{id}"),
        date: chrono::NaiveDate::from_ymd_opt(2017, 1, 1 + (id % 28) as u32).unwrap(),
        title: String::new(),
        speaker: String::new(),
        source: "test".into(),
        kind: Kind::News,
        lang: Lang::En,
        url: String::new(),
        text,
        tags: vec![],
        location: None,
    }
}

/// Per-document match counts, evidence rows and paragraph turns kept in the summaries, of
/// `docs` indexed in this order.
fn count_docs(
    set: &ThemeSet,
    docs: &[Document],
    threads: usize,
    skip_turns: bool,
) -> (Vec<(String, usize)>, usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let store = index_of(dir.path(), docs);
    let matcher = Matcher::new(set).unwrap();
    let options = CountOptions {
        threads,
        evidence: true,
        context_chars: 0,
        skip_turns,
        terms: Vec::new(),
    };
    let result = count_with(
        &store,
        &matcher,
        &DocFilter::default(),
        &options,
        &|_: Progress| {},
    )
    .unwrap();
    // By date, then id, whatever the order of indexing or the threads; evidence rows follow.
    let keys: Vec<_> = result
        .docs
        .iter()
        .map(|d| (d.doc.date, &d.doc.id))
        .collect();
    assert!(keys.is_sorted(), "{keys:?}");
    let rows: Vec<&String> = result.evidence.iter().map(|r| &r.doc_id).collect();
    let expected: Vec<&String> = result
        .docs
        .iter()
        .flat_map(|d| std::iter::repeat_n(&d.doc.id, d.matches.len()))
        .collect();
    assert_eq!(rows, expected);
    let mut per_doc: Vec<(String, usize)> = result
        .docs
        .iter()
        .map(|d| (d.doc.id.clone(), d.matches.len()))
        .collect();
    per_doc.sort();
    let turns = result.docs.iter().map(|d| d.doc.paragraphs.len()).sum();
    (per_doc, result.evidence.len(), turns)
}

/// Up to `max` documents of one to three paragraphs of words of [`WORDS`] (indices).
fn paragraphs_of_words(max: usize) -> impl Strategy<Value = Vec<Vec<Vec<usize>>>> {
    prop::collection::vec(
        prop::collection::vec(prop::collection::vec(0..WORDS.len(), 1..14), 1..4),
        1..max,
    )
}

/// `docs` shuffled by `seed`.
fn shuffle(docs: &mut [Document], seed: u64) {
    let len = docs.len();
    for i in 0..len {
        docs.swap(i, (seed as usize).wrapping_add(i * 7) % len);
    }
}

/// An index of `docs`, indexed in this order, in `dir`.
fn index_of(dir: &Path, docs: &[Document]) -> IndexStore {
    let store = IndexStore::open_or_create(dir).unwrap();
    let mut writer = store.writer(1, 15_000_000).unwrap();
    for doc in docs {
        writer
            .add_document(store.to_tantivy(doc, &analyze_structure(doc)))
            .unwrap();
    }
    writer.commit().unwrap();
    store
}

/// The evidence table of `store` as counts wrote it before rows were streamed: documents
/// counted in index order and sorted by date and id at the end, the rows of each built
/// from its stored document, collected into one frame and written whole.
fn evidence_collected(store: &IndexStore, set: &ThemeSet, path: &Path) -> Vec<u8> {
    let docs = count_index(store, set, &DocFilter::default()).unwrap();
    let mut stored = std::collections::HashMap::new();
    store
        .for_each_document(&DocFilter::default(), |doc| {
            stored.insert(doc.doc.id.clone(), doc);
            Ok::<(), statemine::Error>(())
        })
        .unwrap();
    let rows: Vec<EvidenceRow> = docs
        .iter()
        .flat_map(|d| evidence_rows(&stored[&d.doc.id], &d.matches))
        .collect();
    let mut frame = evidence_frame(&rows).unwrap();
    write_table_with_manifest(&mut frame, path, &ManifestContext::default()).unwrap();
    std::fs::read(path).unwrap()
}

/// The evidence table of `store` streamed by a count on `threads` threads.
fn evidence_streamed(store: &IndexStore, set: &ThemeSet, threads: usize, path: &Path) -> Vec<u8> {
    let matcher = Matcher::new(set).unwrap();
    let options = CountOptions {
        threads,
        ..CountOptions::default()
    };
    let mut writer = EvidenceWriter::create(path).unwrap();
    let result = count_into(
        store,
        &matcher,
        &DocFilter::default(),
        &options,
        &|_: Progress| {},
        &mut writer,
    )
    .unwrap();
    assert!(result.evidence.is_empty());
    assert_eq!(
        writer.rows(),
        result.docs.iter().map(|d| d.matches.len()).sum::<usize>()
    );
    writer.finish(&ManifestContext::default()).unwrap();
    std::fs::read(path).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// A streamed evidence table is the table collected and written whole, byte for byte,
    /// in every format and on any number of threads (documents indexed in any order, dates
    /// shared by several documents).
    #[test]
    fn streamed_evidence_is_the_collected_table(
        docs in paragraphs_of_words(10),
        seed in any::<u64>(),
    ) {
        let set = ThemeSet::load(&fixture("mini.toml")).unwrap();
        // Three dates, ids whose text order is not their number's ("p113" < "p29").
        let mut docs: Vec<Document> =
            docs.iter().enumerate().map(|(i, p)| document(28 * i + i % 3, p)).collect();
        shuffle(&mut docs, seed);
        let dir = tempfile::tempdir().unwrap();
        let store = index_of(&dir.path().join("index"), &docs);
        for ext in ["csv", "json", "ndjson", "parquet"] {
            let collected = evidence_collected(&store, &set, &dir.path().join(format!("c.{ext}")));
            for threads in [1, 3] {
                let streamed =
                    evidence_streamed(&store, &set, threads, &dir.path().join(format!("s.{ext}")));
                prop_assert!(collected == streamed, "{ext}, {threads} threads");
            }
        }
    }
}

/// With a long document first in the output order, the workers that take the short ones
/// run ahead of the writing until they must wait; writing the long one wakes them, and the
/// count ends with the collected table (a lost wake-up fails at the watchdog).
#[test]
fn workers_that_run_ahead_are_woken_when_the_writing_catches_up() {
    let set = ThemeSet::load(&fixture("mini.toml")).unwrap();
    let long: Vec<Vec<usize>> = (0..20_000)
        .map(|i| vec![i % WORDS.len(), (i * 7) % WORDS.len(), 3])
        .collect();
    let mut docs = vec![document(0, &long)];
    docs.extend((1..300).map(|i| document(i, &[vec![i % WORDS.len(), 1, 2]])));
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let store = index_of(&index, &docs);
    let collected = evidence_collected(&store, &set, &dir.path().join("c.csv"));
    drop(store);
    for threads in [2, 3] {
        let (index, out) = (index.clone(), dir.path().join(format!("s{threads}.csv")));
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let store = IndexStore::open(&index).unwrap();
            let set = ThemeSet::load(&fixture("mini.toml")).unwrap();
            let _ = send.send(evidence_streamed(&store, &set, threads, &out));
        });
        let streamed = receive
            .recv_timeout(std::time::Duration::from_secs(300))
            .unwrap_or_else(|e| panic!("the count on {threads} threads did not end: {e}"));
        assert!(collected == streamed, "{threads} threads");
    }
}

/// A sink that fails at its `n`th row.
struct FailingSink {
    n: usize,
    seen: usize,
}

impl EvidenceSink for FailingSink {
    fn row(&mut self, _: &EvidenceRef<'_>) -> statemine::Result<()> {
        self.seen += 1;
        if self.seen == self.n {
            return Err(statemine::export::ExportError::Io {
                path: "sink".into(),
                source: std::io::Error::other("sink full"),
            }
            .into());
        }
        Ok(())
    }
}

#[test]
fn a_failing_sink_stops_the_count_on_any_number_of_threads() {
    let set = ThemeSet::load(&fixture("mini.toml")).unwrap();
    let paragraphs = vec![vec![0, 1, 2]; 3];
    let docs: Vec<Document> = (0..60).map(|i| document(i, &paragraphs)).collect();
    let dir = tempfile::tempdir().unwrap();
    let store = index_of(dir.path(), &docs);
    let matcher = Matcher::new(&set).unwrap();
    for threads in [1, 2, 4] {
        let mut sink = FailingSink { n: 50, seen: 0 };
        let options = CountOptions {
            threads,
            ..CountOptions::default()
        };
        let result = count_into(
            &store,
            &matcher,
            &DocFilter::default(),
            &options,
            &|_: Progress| {},
            &mut sink,
        );
        let error = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("sink full"), "{threads} threads: {error:?}");
        assert_eq!(sink.seen, 50, "no row after the failing one");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Evidence rows == sum of per-document matches, and counts do not depend on the order
    /// of documents, the number of threads, or whether the summaries keep their turns.
    #[test]
    fn evidence_rows_equal_match_counts_in_any_order(
        docs in paragraphs_of_words(8),
        seed in any::<u64>(),
    ) {
        let set = ThemeSet::load(&fixture("mini.toml")).unwrap();
        let docs: Vec<Document> = docs.iter().enumerate().map(|(i, p)| document(i, p)).collect();
        let (per_doc, rows, turns) = count_docs(&set, &docs, 1, false);
        prop_assert_eq!(rows, per_doc.iter().map(|(_, n)| n).sum::<usize>());
        let paragraphs: usize = docs.iter().map(|d| d.text.split('\n').count()).sum();
        prop_assert_eq!(turns, paragraphs);
        let mut shuffled = docs.clone();
        shuffle(&mut shuffled, seed);
        let (again, rows_again, turns_again) = count_docs(&set, &shuffled, 2, true);
        prop_assert_eq!(&per_doc, &again);
        prop_assert_eq!(rows, rows_again);
        prop_assert_eq!(turns_again, 0);
    }
}

#[test]
fn baseline_regexes_of_the_default_set_compile() {
    let set = ThemeSet::load(Path::new(DEFAULT_THEMES)).unwrap();
    for lang in [Lang::En, Lang::Ru] {
        let themes = statemine::themes::regex_equivalents(&set, lang);
        assert_eq!(themes.len(), 10);
        for theme in themes {
            assert!(!theme.query.is_empty(), "{}", theme.id);
            for re in theme.regexes.iter().chain([&theme.terms]) {
                // Unicode `\w` and `\b` as exported; benches/themes_baseline.py rewrites the
                // English ones to ASCII classes, which are far smaller, before polars sees them.
                regex::RegexBuilder::new(re)
                    .case_insensitive(true)
                    .size_limit(64 << 20)
                    .build()
                    .unwrap_or_else(|e| panic!("{} [{lang}] `{re}`: {e}", theme.id));
            }
        }
    }
}

/// Sample, fill in, validate: the hand-coding loop end to end. The "coder" marks every
/// predicted `blame` paragraph true except one, and one unpredicted paragraph as `blame`.
#[test]
fn sample_then_validate_measures_precision_and_recall() {
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("sample.csv");
    let index = fixture_index();
    let args = |n: &str, out: &Path, extra: &[&str]| -> common::Run {
        let mut all = vec!["themes", "sample", "--index", index, "--themes"];
        let themes = mini();
        all.push(&themes);
        let out = out.display().to_string();
        all.extend(["--n", n, "--seed", "3", "--out", &out]);
        all.extend_from_slice(extra);
        statemine(&all)
    };
    let run = args("12", &sample, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("theme:blame"), "{}", run.stderr);
    let mut reader = csv::Reader::from_path(&sample).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let columns: Vec<&str> = SAMPLE_COLUMNS
        .iter()
        .chain(DESIGN_COLUMNS)
        .copied()
        .collect();
    assert_eq!(header[..11], columns);
    assert_eq!(header[11..], ["futility", "blame", "freeze", "exit"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty() && rows.len() <= 12);
    // The same seed draws the same sample.
    let again = dir.path().join("again.csv");
    args("12", &again, &[]);
    assert_eq!(
        std::fs::read_to_string(&sample).unwrap(),
        std::fs::read_to_string(&again).unwrap()
    );

    // Fill in.
    let filled = dir.path().join("filled.csv");
    let mut writer = csv::Writer::from_path(&filled).unwrap();
    writer.write_record(&header).unwrap();
    let mut missed_one = false;
    let mut added_one = false;
    for row in &rows {
        let predicted: Vec<&str> = row[7].split(';').filter(|t| !t.is_empty()).collect();
        let mut record: Vec<String> = row.iter().take(11).map(String::from).collect();
        for theme in ["futility", "blame", "freeze", "exit"] {
            let mut label = predicted.contains(&theme);
            if theme == "blame" && label && !missed_one {
                (label, missed_one) = (false, true);
            } else if theme == "blame" && predicted.is_empty() && !added_one {
                (label, added_one) = (true, true);
            }
            record.push(if label { "1" } else { "0" }.into());
        }
        writer.write_record(&record).unwrap();
    }
    writer.flush().unwrap();
    let out = dir.path().join("validation.json");
    let validate = |labels: &Path| {
        statemine(&[
            "themes",
            "validate",
            "--index",
            index,
            "--themes",
            &mini(),
            "--labels",
            &labels.display().to_string(),
            "--out",
            &out.display().to_string(),
        ])
    };
    let run = validate(&filled);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("design-weighted"), "{}", run.stdout);
    let validation: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let blame = validation["themes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["theme"] == "blame")
        .unwrap();
    let predicted = blame["predicted"].as_u64().unwrap();
    assert_eq!(blame["tp"].as_u64().unwrap(), predicted - 1);
    let precision = blame["precision"]["estimate"].as_f64().unwrap();
    assert!(precision < 1.0 && precision > 0.0, "{blame}");
    if added_one {
        assert!(
            blame["recall"]["estimate"].as_f64().unwrap() < 1.0,
            "{blame}"
        );
    }
    assert!(blame["correction"]["factor"].as_f64().unwrap() > 0.0);

    // A paragraph the index does not have is an error naming the line.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "doc_id,para,blame\nnope,0,1\n").unwrap();
    let run = validate(&bad);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("bad.csv:2: doc_id: `nope` is not in the index"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_blind_sample_hides_the_prediction_in_a_design_file() {
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("blind.jsonl");
    let run = statemine(&[
        "themes",
        "sample",
        "--index",
        fixture_index(),
        "--themes",
        &mini(),
        "--n",
        "5",
        "--blind",
        "--out",
        &sample.display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&sample).unwrap();
    for line in text.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        assert!(
            row.get("predicted").is_none() && row.get("stratum").is_none(),
            "{row}"
        );
        assert!(row["themes"].is_null());
    }
    let design = std::fs::read_to_string(dir.path().join("blind.jsonl.design.csv")).unwrap();
    assert!(design.starts_with("doc_id,para,predicted,stratum,inclusion_prob,weight\n"));
    assert_eq!(design.lines().count(), text.lines().count() + 1);
}

/// A write that fails part way through a streamed evidence table (the file size limit of
/// `ulimit -f`, with SIGXFSZ ignored so that the write returns an error) leaves the
/// previous table and manifest as they were, and no temporary file.
#[cfg(unix)]
#[test]
fn a_write_error_mid_stream_keeps_the_previous_evidence_and_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let paragraph = "These sanctions are useless. Washington violated the deal. \
                     A double freeze is the way out.";
    let lines: Vec<String> = (0..300)
        .map(|i| {
            serde_json::json!({
                "id": format!("d{i}"),
                "date": "2017-06-01",
                "text": ([paragraph; 4]).join("\n"),
                "lang": "en",
                "kind": "statement",
            })
            .to_string()
        })
        .collect();
    let corpus = dir.path().join("dense.jsonl");
    std::fs::write(&corpus, lines.join("\n")).unwrap();
    let index = ingest(dir.path(), &[&corpus]);
    let out_dir = dir.path().join("out");
    let out = out_dir.join("e.csv");
    let manifest = out_dir.join("e.csv.manifest.json");
    let count = |limit: Option<u32>| -> Run {
        let command = format!(
            "trap '' XFSZ; {} exec \"$0\" themes count --index \"$1\" --themes \"$2\" --evidence \"$3\" -q",
            limit.map(|l| format!("ulimit -f {l};")).unwrap_or_default()
        );
        common::run_in_shell(
            &command,
            [
                index.as_os_str(),
                fixture("mini.toml").as_os_str(),
                out.as_os_str(),
            ],
        )
    };
    count(None).ok();
    let (before, manifest_before) = (
        std::fs::read(&out).unwrap(),
        std::fs::read(&manifest).unwrap(),
    );
    // Well past the buffers, so the error comes while rows are being written.
    assert!(before.len() > 200_000, "{} bytes", before.len());
    let failed = count(Some(64));
    assert_eq!(failed.code, 2, "{failed:?}");
    assert!(failed.stderr.contains("e.csv"), "{}", failed.stderr);
    assert_eq!(std::fs::read(&out).unwrap(), before);
    assert_eq!(std::fs::read(&manifest).unwrap(), manifest_before);
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["e.csv", "e.csv.manifest.json"]);
}
