//! `statemine words freq|keyness|colloc` end to end: the real binary on an index of
//! `tests/fixtures/words/statements.jsonl` (our own sentences) built by `statemine ingest`.

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

use common::{cached_index, statemine};

fn fixture(name: &str) -> PathBuf {
    common::fixture("words", name)
}

/// The fixture index, ingested once for all tests of this binary.
fn index() -> &'static str {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    cached_index(&INDEX, &[fixture("statements.jsonl")])
        .to_str()
        .unwrap()
}

/// `statemine words ARGS --index FIXTURE --json`, successful, as JSON lines.
fn words_json(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["words"];
    all.extend_from_slice(args);
    all.extend(["--index", index(), "--json"]);
    statemine(&all).ok().json_lines()
}

fn row<'a>(rows: &'a [Value], term: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["term"] == term)
        .unwrap_or_else(|| panic!("no row for {term}: {rows:?}"))
}

#[test]
fn freq_counts_stems_with_their_surface_form_and_sums_to_the_tokens() {
    let rows = words_json(&["freq", "--top", "0"]);
    // English and Russian stems of "sanctions"/"санкции", each with its commonest form.
    let en = row(&rows, "sanction");
    assert_eq!(
        (en["count"].as_u64(), en["docs"].as_u64()),
        (Some(4), Some(2))
    );
    assert_eq!(en["form"], "sanctions");
    let ru = row(&rows, "санкц");
    assert_eq!(
        (ru["count"].as_u64(), ru["form"].as_str()),
        (Some(2), Some("санкции"))
    );
    // Stopwords are left out: "the", "и", "всё".
    assert!(rows.iter().all(|r| r["term"] != "the" && r["term"] != "и"));
    let total: u64 = rows.iter().map(|r| r["count"].as_u64().unwrap()).sum();
    assert_eq!(total, rows[0]["group_tokens"].as_u64().unwrap());
    // Kept: every token the analyzer sees (en 15 + 9 + 16 + 8, ru 12).
    let kept = words_json(&["freq", "--top", "0", "--keep-stopwords"]);
    let total: u64 = kept.iter().map(|r| r["count"].as_u64().unwrap()).sum();
    assert_eq!(total, 15 + 9 + 16 + 8 + 12);
    // Surface forms: "sanctions" and "Sanctions" are one; no stem.
    let surface = words_json(&["freq", "--top", "0", "--surface", "--lang", "en"]);
    assert_eq!(row(&surface, "sanctions")["count"].as_u64(), Some(4));
}

#[test]
fn freq_groups_by_period_or_speaker_with_top_and_min_count() {
    let rows = words_json(&["freq", "--by", "quarter", "--top", "1", "--lang", "en"]);
    let groups: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["group"].as_str().unwrap(), r["term"].as_str().unwrap()))
        .collect();
    // Q1: growth, investment, region and dialogu all twice: ties by term.
    assert_eq!(groups, [("2017-Q1", "dialogu"), ("2017-Q3", "sanction")]);
    let rows = words_json(&["freq", "--by", "speaker", "--min-count", "2", "--top", "0"]);
    assert!(rows.iter().all(|r| r["count"].as_u64().unwrap() >= 2));
    let speakers: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["group"].as_str().unwrap()).collect();
    // Every name of a registry person is counted under the person's name, as trends do.
    assert_eq!(
        speakers.into_iter().collect::<Vec<_>>(),
        ["Sergei Lavrov", "Vladimir Putin"]
    );
    let all = words_json(&["freq", "--by", "speaker", "--top", "0"]);
    let putin_docs = statemine(&[
        "search",
        "--speaker",
        "Vladimir Putin",
        "--count",
        "--index",
        index(),
    ])
    .ok();
    let tokens = |group: &str| -> u64 {
        all.iter()
            .filter(|r| r["group"] == group)
            .map(|r| r["count"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(putin_docs.stdout.trim(), "3");
    assert!(tokens("Vladimir Putin") > 0 && tokens("Владимир Путин") == 0);
    let bad = statemine(&["words", "freq", "--by", "role", "--index", index()]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn keyness_ranks_a_periods_keywords_with_g2_and_flips_when_swapped() {
    let args = [
        "keyness",
        "2017-Q3",
        "2017-Q1",
        "--lang",
        "en",
        "--min-count",
        "1",
        "--top",
        "0",
    ];
    let rows = words_json(&args);
    // A (Q3, en): 17 counted tokens, 4 of them "sanction(s)" in 2 documents; B (Q1): 15
    // tokens, none. E_a = 17 * 4 / 32 = 2.125; G2 = 2 * 4 ln(4 / 2.125) = 5.0602;
    // log ratio = log2((4/17) / (0.5/15)) = 2.8195.
    let top = &rows[0];
    assert_eq!(top["term"], "sanction");
    assert_eq!(
        (top["a"].as_str(), top["b"].as_str()),
        (Some("2017-Q3"), Some("2017-Q1"))
    );
    assert_eq!(
        (top["count_a"].as_u64(), top["docs_a"].as_u64()),
        (Some(4), Some(2))
    );
    assert_eq!(top["count_b"].as_u64(), Some(0));
    assert!((top["g2"].as_f64().unwrap() - 5.0602).abs() < 1e-3, "{top}");
    assert!(
        (top["log_ratio"].as_f64().unwrap() - 2.8195).abs() < 1e-3,
        "{top}"
    );
    let swapped = words_json(&[
        "keyness",
        "2017-Q1",
        "2017-Q3",
        "--lang",
        "en",
        "--min-count",
        "1",
        "--top",
        "0",
    ]);
    let last = swapped.last().unwrap();
    assert_eq!(last["term"], "sanction");
    assert_eq!(last["g2"].as_f64(), top["g2"].as_f64().map(|g| -g));
    assert_eq!(rows.len(), swapped.len());
    // Overlapping periods are an error.
    let run = statemine(&["words", "keyness", "2017", "2017-Q3", "--index", index()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("overlap"), "{}", run.stderr);
}

#[test]
fn keyness_between_speakers_matches_names_by_whole_words() {
    let rows = words_json(&[
        "keyness",
        "lavrov",
        "putin",
        "--group",
        "speaker",
        "--lang",
        "en",
        "--min-count",
        "2",
        "--top",
        "0",
    ]);
    assert_eq!(rows[0]["term"], "dialogu");
    assert_eq!(
        (rows[0]["count_a"].as_u64(), rows[0]["docs_a"].as_u64()),
        (Some(3), Some(2))
    );
    // A side named in Russian is the registry person, whichever name a document carries.
    let russian = words_json(&[
        "keyness",
        "Путин",
        "lavrov",
        "--group",
        "speaker",
        "--top",
        "0",
        "--min-count",
        "1",
    ]);
    for lang in ["en", "ru"] {
        assert!(
            russian
                .iter()
                .any(|r| r["lang"] == lang && r["count_a"].as_u64().unwrap() > 0),
            "no {lang} word on the side of Путин: {russian:?}"
        );
    }
    // A part of a name selects the documents whose stored speaker has it, as `--speaker`
    // does: `владимир` the one stored as "Владимир Путин", `vladimir` the two others.
    for (side, documents) in [("владимир", 1), ("vladimir", 2)] {
        let run = statemine(&[
            "words",
            "keyness",
            side,
            "lavrov",
            "--group",
            "speaker",
            "--index",
            index(),
        ]);
        // Exit 1 when no term passes the default minimum count in so little text.
        assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        assert!(
            run.stdout
                .contains(&format!("A = {side}: {documents} documents")),
            "{}",
            run.stdout
        );
    }
    let run = statemine(&[
        "words",
        "keyness",
        "lavrov",
        "nobody",
        "--group",
        "speaker",
        "--index",
        index(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("side `nobody` selects no document"),
        "{}",
        run.stderr
    );
}

#[test]
fn help_lists_no_flag_the_commands_refuse() {
    // `--turn-speaker` and `--role` are refused by word statistics, `speakers names` and
    // `export`, which read whole documents: their help does not offer them.
    for command in [
        &["words", "freq"][..],
        &["words", "keyness"],
        &["speakers", "names"],
        &["export"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let run = statemine(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            !run.stdout.contains("--turn-speaker <") && !run.stdout.contains("--role <"),
            "{command:?}"
        );
    }
    let search = statemine(&["search", "--help"]);
    assert!(search.stdout.contains("--turn-speaker <"));
}

#[test]
fn colloc_finds_the_neighbours_of_a_term_within_the_window() {
    let rows = words_json(&[
        "colloc",
        "Korea",
        "--window",
        "1",
        "--min-count",
        "1",
        "--lang",
        "en",
    ]);
    // "North Korea" twice; "are" and "will" after it are stopwords.
    let north = &rows[0];
    assert_eq!(north["term"], "north");
    assert_eq!(north["node"], "Korea");
    assert_eq!(
        (north["together"].as_u64(), north["count"].as_u64()),
        (Some(2), Some(2))
    );
    assert!(north["g2"].as_f64().unwrap() > 0.0 && north["pmi"].as_f64().unwrap() > 0.0);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let ru = words_json(&["colloc", "санкциями", "--window", "2", "--min-count", "1"]);
    assert!(
        ru.iter().any(|r| r["form"] == "бесполезны") || ru.iter().any(|r| r["term"] == "северн"),
        "{ru:?}"
    );
    let run = statemine(&["words", "colloc", "north korea", "--index", index()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("expected one word"), "{}", run.stderr);
}

#[test]
fn tables_are_written_with_a_manifest_in_the_format_of_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    for (command, extra, columns) in [
        ("freq", vec![], statemine::words::FREQ_COLUMNS.to_vec()),
        (
            "keyness",
            vec!["2017-Q3", "2017-Q1", "--min-count", "1"],
            statemine::words::KEYNESS_COLUMNS.to_vec(),
        ),
        (
            "colloc",
            vec!["korea", "--min-count", "1"],
            statemine::words::COLLOC_COLUMNS.to_vec(),
        ),
    ] {
        let csv = dir.path().join(format!("{command}.csv"));
        let mut args = vec!["words", command];
        args.extend(extra.iter().copied());
        args.extend(["--index", index(), "--out", csv.to_str().unwrap()]);
        let run = statemine(&args).ok();
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        let text = std::fs::read_to_string(&csv).unwrap();
        assert_eq!(text.lines().next().unwrap(), columns.join(","));
        assert!(text.lines().count() > 1, "{text}");
        assert!(
            dir.path()
                .join(format!("{command}.csv.manifest.json"))
                .exists()
        );
        let parquet = dir.path().join(format!("{command}.parquet"));
        args.pop();
        args.push(parquet.to_str().unwrap());
        statemine(&args).ok();
        let frame = statemine::export::read_parquet(&parquet).unwrap();
        let names: Vec<String> = frame
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(names, columns);
    }
    let run = statemine(&["words", "freq", "--index", index(), "--out", "table.xlsx"]);
    assert_eq!(run.code, 2);
}

#[test]
fn a_bad_stopword_file_is_named_by_line() {
    let file = fixture("bad-stopwords.toml");
    let run = statemine(&[
        "words",
        "freq",
        "--index",
        index(),
        "--stopwords",
        file.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("bad-stopwords.toml:4: en: `don't` is not one word token"),
        "{}",
        run.stderr
    );
}

#[test]
fn human_tables_show_terms_and_the_sides() {
    let run = statemine(&[
        "words",
        "keyness",
        "2017-Q3",
        "2017-Q1",
        "--index",
        index(),
        "--min-count",
        "1",
        "--top",
        "2",
    ])
    .ok();
    assert!(
        run.stdout.starts_with("A = 2017-Q3: 3 documents"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("sanction"), "{}", run.stdout);
    let run = statemine(&["words", "freq", "--index", index(), "--top", "3"]).ok();
    assert!(
        run.stdout.lines().next().unwrap().contains("per_million"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.lines().count(), 4);
    let none = statemine(&["words", "colloc", "zebra", "--index", index()]);
    assert_eq!(none.code, 1);
}
