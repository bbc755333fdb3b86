//! Regression tests for the hardening findings (issue 18): bad or hostile input either
//! round-trips or is rejected with its location, outputs are safe to open and written
//! whole, and resources stay bounded. The real binary runs on tiny fixtures written into a
//! temporary directory by each test.

mod common;

use std::fs;
use std::path::PathBuf;

use common::{Run, Statemine, csv_rows};
use tempfile::TempDir;

/// A scratch directory with an index path inside.
struct Env {
    dir: TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn index(&self) -> String {
        self.path("index").display().to_string()
    }

    /// Writes `content` to `name` in the scratch directory and returns its path.
    fn write(&self, name: &str, content: impl AsRef<[u8]>) -> String {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, content).unwrap();
        path.display().to_string()
    }

    /// Runs `statemine ARGS...` in the scratch directory.
    fn run(&self, args: &[&str]) -> Run {
        Statemine::new()
            .current_dir(self.dir.path())
            .args(args)
            .run()
    }

    /// Runs `statemine ARGS... --index <scratch index>`.
    fn run_index(&self, args: &[&str]) -> Run {
        let index = self.index();
        let mut all = args.to_vec();
        all.extend(["--index", index.as_str()]);
        self.run(&all)
    }
}

/// One JSONL record of a speech with `id`, `date` and `text`.
fn record(id: &str, date: &str, text: &str) -> String {
    serde_json::json!({"id": id, "date": date, "kind": "speech", "lang": "en",
        "speaker": "Tester", "source": "fixture", "text": text})
    .to_string()
}

// Finding 1: dates outside the stored range were stored as other dates.
#[test]
fn dates_outside_the_stored_range_are_rejected_and_wide_filters_clamp() {
    let env = Env::new();
    let lines = [
        record("early", "1600-01-01", "Trade was discussed."),
        record("late", "9999-12-31", "Trade was discussed."),
        record("typo", "0201-09-05", "Trade was discussed."),
        record("good", "2017-09-05", "Trade was discussed."),
    ];
    let input = env.write("docs.jsonl", lines.join("\n") + "\n");
    let run = env.run_index(&["ingest", "-q", &input]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for line in 1..=3 {
        let expected = format!("{input}:{line}: date: ");
        assert!(
            run.stderr.lines().any(|l| l.starts_with(&expected)),
            "no `{expected}` in:\n{}",
            run.stderr
        );
    }
    let run = env.run_index(&[
        "search",
        "trade",
        "--json",
        "--from",
        "0001-01-01",
        "--to",
        "9999-12-31",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\"good\""), "{}", run.stdout);
    assert!(run.stdout.contains("2017-09-05"), "{}", run.stdout);
    assert_eq!(run.stdout.matches("\"id\"").count(), 1, "{}", run.stdout);
}

// Finding 5: an unterminated CSV quote swallowed the following rows into one document.
#[test]
fn an_unterminated_csv_quote_rejects_its_row_and_later_rows_survive() {
    let env = Env::new();
    let table = env.write(
        "table.csv",
        "id,date,kind,text\n\
         a,2017-09-05,speech,Trade first.\n\
         b,2017-09-05,speech,\"Trade never closed.\n\
         c,2017-09-05,speech,Trade third.\n\
         d,2017-09-05,speech,Trade fourth.\n",
    );
    let run = env.run_index(&["ingest", "-q", &table]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let expected = format!("{table}:3: record: unterminated quote");
    assert!(
        run.stderr.lines().any(|l| l.starts_with(&expected)),
        "no `{expected}` in:\n{}",
        run.stderr
    );
    let run = env.run_index(&["search", "trade", "--csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut ids: Vec<&str> = run
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["a", "c", "d"], "{}", run.stdout);
}

// Finding 2: CSV cells starting like a spreadsheet formula were written as they are.
#[test]
fn csv_output_neutralises_formulas_unless_raw_is_asked_for() {
    let env = Env::new();
    let line = serde_json::json!({"id": "x1", "date": "2017-09-05", "kind": "speech",
        "title": "=HYPERLINK(\"http://evil.example\",\"click\")", "speaker": "@Tester",
        "text": "Trade was discussed."})
    .to_string();
    let input = env.write("docs.jsonl", line + "\n");
    assert_eq!(env.run_index(&["ingest", "-q", &input]).code, 0);
    let safe = env.run_index(&["search", "trade", "--csv"]);
    assert_eq!(safe.code, 0, "{}", safe.stderr);
    assert!(
        safe.stdout.contains("\"'=HYPERLINK(") && safe.stdout.contains(",'@Tester,"),
        "{}",
        safe.stdout
    );
    let raw = env.run_index(&["search", "trade", "--csv", "--raw-csv"]);
    assert!(
        raw.stdout.contains("\"=HYPERLINK(") && raw.stdout.contains(",@Tester,"),
        "{}",
        raw.stdout
    );
}

// Finding 3: terminal escapes in the data reached the terminal raw.
#[test]
fn control_characters_are_escaped_in_terminal_output_but_kept_in_json() {
    let env = Env::new();
    let line = serde_json::json!({"id": "esc\u{1b}]0;owned\u{7}", "date": "2017-09-05",
        "kind": "speech", "title": "Clear\u{1b}[2J screen", "speaker": "Tester\u{9b}31m",
        "source": "src\u{1b}]52;c;aGk=\u{7}", "text": "Trade \u{1b}[2J was discussed."})
    .to_string();
    let input = env.write("docs.jsonl", line + "\n");
    assert_eq!(env.run_index(&["ingest", "-q", &input]).code, 0);
    for args in [
        vec!["search", "trade"],
        vec!["search", "trade", "--count", "--by", "speaker"],
        vec!["info"],
    ] {
        let run = env.run_index(&args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(
            !run.stdout.contains(['\u{1b}', '\u{7}', '\u{9b}']),
            "{args:?}: raw control character in {:?}",
            run.stdout
        );
        assert!(run.stdout.contains("\\u{"), "{args:?}: {}", run.stdout);
    }
    let json = env.run_index(&["search", "trade", "--json"]);
    let hit: serde_json::Value = serde_json::from_str(json.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(hit["title"], "Clear\u{1b}[2J screen");
    // A bad record's message on stderr quotes the data escaped too.
    let bad = env.write("bad.jsonl", "{\"id\": \"x\", \"date\": \"\u{1b}[2J\"}\n");
    let run = env.run_index(&["ingest", "-q", &bad]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
}

const STUDY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/study");

// Finding 4: a killed run left a truncated table beside the previous run's manifest.
#[test]
fn a_run_killed_while_writing_leaves_each_output_and_its_manifest_consistent() {
    const DOCS: usize = 1500;
    let env = Env::new();
    let lines: String = (0..DOCS)
        .map(|i| {
            record(
                &format!("k{i}"),
                "2017-09-05",
                "We want direct talks. Only direct talks will help, and direct talks now.",
            ) + "\n"
        })
        .collect();
    let input = env.write("many.jsonl", lines);
    let job = env.write(
        "job.toml",
        format!(
            "index = \"{index}\"\ninputs = [\"{input}\"]\nthemes = \"{STUDY}/themes.toml\"\n\
             out_dir = \"{dir}\"\n\n[[evidence]]\nout = \"out/evidence.csv\"\n",
            index = env.index(),
            dir = env.dir.path().display(),
        ),
    );
    let run = env.run(&["run", &job]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (out, manifest) = (
        env.path("out/evidence.csv"),
        env.path("out/evidence.csv.manifest.json"),
    );
    let rows = csv_rows(&out);
    assert_eq!(rows, 3 * DOCS);
    let before = fs::metadata(&out).unwrap().modified().unwrap();

    let mut child = std::process::Command::new(common::binary())
        .args(["run", &job])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as it starts writing the table (a temporary file appears or the
    // table itself changes), or let it finish if that is never seen.
    let writing = || {
        fs::read_dir(env.path("out"))
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp"))
            || fs::metadata(&out).map_or(true, |m| m.modified().unwrap() != before)
    };
    let started = std::time::Instant::now();
    while !writing()
        && child.try_wait().unwrap().is_none()
        && started.elapsed() < std::time::Duration::from_secs(120)
    {
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
    let finished = child.try_wait().unwrap().is_some();
    let _ = child.kill();
    child.wait().unwrap();
    eprintln!("killed while writing: {}", !finished);

    if manifest.exists() {
        let text = fs::read_to_string(&manifest).unwrap();
        let described: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            described["output"]["rows"].as_u64().unwrap() as usize,
            csv_rows(&out),
            "the manifest does not describe the table beside it"
        );
    }
    assert_eq!(csv_rows(&out), rows, "the table was left half written");
    let rerun = env.run(&["run", &job]);
    assert_eq!(rerun.code, 0, "{}", rerun.stderr);
    assert_eq!(csv_rows(&out), rows);
}

/// A job on the study fixture that writes one evidence table to `out` (relative to
/// `out_dir`, the scratch directory), with `extra` lines at the top.
fn evidence_job(env: &Env, out: &str, extra: &str) -> String {
    env.write(
        "job.toml",
        format!(
            "{extra}\nindex = \"{index}\"\ninputs = [\"{STUDY}/statements.jsonl\"]\n\
             themes = \"{STUDY}/themes.toml\"\nout_dir = \"{dir}\"\n\n\
             [[evidence]]\nout = \"{out}\"\n",
            index = env.index(),
            dir = env.dir.path().display(),
        ),
    )
}

// Finding 7: job outputs could overwrite an index or any file outside the output folder.
#[test]
fn job_outputs_stay_in_the_output_folder_and_out_of_indexes() {
    let env = Env::new();
    let job = evidence_job(&env, "evidence.csv", "");
    let run = env.run(&["run", &job]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let meta = env.path("index/meta.json");
    let before = fs::read(&meta).unwrap();

    let job = evidence_job(&env, "index/meta.json", "");
    let run = env.run(&["run", &job]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("job.toml:") && run.stderr.contains("never go into an index"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read(&meta).unwrap(), before);

    let outside = env.dir.path().parent().unwrap().join("escaped.csv");
    let job = evidence_job(&env, "../escaped.csv", "");
    let run = env.run(&["run", &job]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("outside the output folder"),
        "{}",
        run.stderr
    );
    assert!(!outside.exists());

    let inner = env.path("sub/evidence.csv");
    let job = evidence_job(&env, "sub/evidence.csv", "allow_outside_out_dir = true");
    assert_eq!(env.run(&["run", &job]).code, 0);
    assert!(inner.exists());
}

// Finding 12: numeric JSON ids above 2^64 went through f64, and distinct ids collided.
#[test]
fn numeric_ids_that_json_cannot_keep_exactly_are_rejected() {
    let env = Env::new();
    let line = |id: &str| {
        format!(
            "{{\"id\": {id}, \"date\": \"2017-09-05\", \"kind\": \"speech\", \"text\": \"Trade {id}.\"}}\n"
        )
    };
    let input = env.write(
        "ids.jsonl",
        line("18446744073709551616") + &line("18446744073709551617") + &line("42"),
    );
    let run = env.run_index(&["ingest", "-q", &input]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for n in [1, 2] {
        let expected = format!("{input}:{n}: id: a numeric id must be a whole number");
        assert!(run.stderr.contains(&expected), "{}", run.stderr);
    }
    let count = env.run_index(&["search", "trade", "--count"]);
    assert_eq!(count.stdout.trim(), "1", "{}", count.stderr);
}

// Finding 13: ids longer than Tantivy's term limit were stored but never found again.
#[test]
fn ids_longer_than_the_limit_are_rejected_and_reingest_adds_no_copy() {
    let env = Env::new();
    let long = "x".repeat(70_000);
    let input = env.write(
        "long.jsonl",
        record(&long, "2017-09-05", "Trade was discussed.") + "\n",
    );
    for _ in 0..2 {
        let run = env.run_index(&["ingest", "-q", &input]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        let expected = format!("{input}:1: id: 70000 bytes long");
        assert!(run.stderr.contains(&expected), "{}", run.stderr);
    }
    let count = env.run_index(&["search", "trade", "--count"]);
    assert_ne!(count.stdout.trim(), "2", "{}", count.stdout);
}

// Finding 9: no record size limit; one 512 MB line in a small gzip file was read whole.
#[test]
fn records_over_the_size_limit_are_rejected_while_reading() {
    use std::io::Write;
    let env = Env::new();
    let huge = "word ".repeat(600_000);
    let lines = [
        record("a", "2017-09-05", "Trade was discussed."),
        record("huge", "2017-09-05", &huge),
        record("c", "2017-09-05", "Trade was discussed again."),
    ];
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all((lines.join("\n") + "\n").as_bytes()).unwrap();
    let input = env.write("docs.jsonl.gz", gz.finish().unwrap());
    let table = env.write(
        "table.csv",
        format!("id,date,kind,text\nx,2017-09-05,speech,\"{huge}\"\n"),
    );
    let note = env.write(
        "notes/big.md",
        format!("---\nid: big\ndate: 2017-09-05\nkind: speech\n---\n{huge}\n"),
    );
    let run = env.run_index(&[
        "ingest",
        "-q",
        "--max-record-mb",
        "1",
        &input,
        &table,
        &note,
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for expected in [
        format!("{input}:2: record: longer than 1 MB (3000109 bytes, 2.9 MB)"),
        format!("{table}:2: record: longer than 1 MB"),
        format!("{note}:1: record: longer than 1 MB"),
    ] {
        assert!(
            run.stderr.lines().any(|l| l.starts_with(&expected)),
            "no `{expected}` in:\n{}",
            run.stderr
        );
    }
    let count = env.run_index(&["search", "trade", "--count"]);
    assert_eq!(count.stdout.trim(), "2", "{}", count.stderr);
}

// Finding 8: prefix queries expanded without limit (a 36 KB query used 2.1 GB and 18 s).
#[test]
fn prefix_queries_past_the_expansion_limits_fail_clearly() {
    let env = Env::new();
    let words =
        |prefix: &str, n: usize| -> String { (0..n).map(|i| format!("{prefix}{i} ")).collect() };
    let text = format!(
        "{}{}{}{}{}{}{}",
        words("wide", 10_500),
        words("qa", 9_000),
        words("qb", 9_000),
        words("qc", 9_000),
        words("qd", 9_000),
        words("qe", 9_000),
        words("qf", 9_000),
    );
    let input = env.write("docs.jsonl", record("many", "2017-09-05", &text) + "\n");
    assert_eq!(env.run_index(&["ingest", "-q", &input]).code, 0);
    let ok = env.run_index(&["search", "qa*", "--count"]);
    assert_eq!(ok.stdout.trim(), "1", "{}", ok.stderr);
    let run = env.run_index(&["search", "wide*"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("prefix `wide*`") && run.stderr.contains("limit for one prefix"),
        "{}",
        run.stderr
    );
    let run = env.run_index(&["search", "qa* OR qb* OR qc* OR qd* OR qe* OR qf*"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("limit for all prefixes of one query"),
        "{}",
        run.stderr
    );
}

// Finding 11: a control character in a speaker name made an ill-formed SVG (exit 0) and
// the PNG then failed.
#[test]
fn control_characters_in_names_leave_charts_well_formed() {
    let env = Env::new();
    let line = |id: &str, speaker: &str| {
        serde_json::json!({"id": id, "date": "2017-09-05", "kind": "speech", "lang": "en",
            "speaker": speaker, "text": "We call for direct talks."})
        .to_string()
            + "\n"
    };
    let input = env.write(
        "docs.jsonl",
        line("a", "Pu\u{1}tin\u{1b}[2J") + &line("b", "Lavrov"),
    );
    assert_eq!(env.run_index(&["ingest", "-q", &input]).code, 0);
    let themes = format!("{STUDY}/themes.toml");
    for chart in ["chart.svg", "chart.png"] {
        let path = env.path(chart).display().to_string();
        let run = env.run_index(&[
            "trends", "--themes", &themes, "--by", "year", "--group", "speaker", "--plot", &path,
        ]);
        assert_eq!(run.code, 0, "{chart}: {}", run.stderr);
    }
    let svg = fs::read_to_string(env.path("chart.svg")).unwrap();
    assert!(
        !svg.contains(['\u{1}', '\u{1b}']) && svg.contains("Pu\u{fffd}tin"),
        "{svg}"
    );
}

// Finding 17: a query starting with `-` could not be given as the argument.
#[test]
fn a_query_starting_with_a_hyphen_goes_after_double_dash_and_the_error_says_so() {
    let env = Env::new();
    let input = env.write(
        "docs.jsonl",
        record("a", "2017-09-05", "Trade was discussed.")
            + "\n"
            + &record("b", "2017-09-05", "Korea was discussed.")
            + "\n",
    );
    assert_eq!(env.run_index(&["ingest", "-q", &input]).code, 0);
    let index = env.index();
    let run = env.run(&["search", "-korea", "--index", &index]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("goes after `--`"), "{}", run.stderr);
    let run = env.run(&["search", "--index", &index, "--json", "--", "-korea"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("\"a\"") && !run.stdout.contains("\"b\""),
        "{}",
        run.stdout
    );
}

// Finding 18: opening a damaged index printed the whole damaged file in the error.
#[test]
fn a_damaged_index_is_reported_briefly_with_what_to_do() {
    let env = Env::new();
    let input = env.write("docs.jsonl", record("a", "2017-09-05", "Trade.") + "\n");
    assert_eq!(env.run_index(&["ingest", "-q", &input]).code, 0);
    let meta = env.path("index/meta.json");
    let text = fs::read_to_string(&meta).unwrap();
    fs::write(
        &meta,
        format!("{}{}", &text[..text.len() - 40], "x".repeat(30_000)),
    )
    .unwrap();
    let run = env.run_index(&["info"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.len() < 1_500,
        "{} bytes: {}",
        run.stderr.len(),
        run.stderr
    );
    assert!(
        run.stderr.contains("is damaged") && run.stderr.contains("re-ingest"),
        "{}",
        run.stderr
    );
}

// Finding 6: a glob hung on a folder holding two symlinks to itself (2^depth paths).
#[cfg(unix)]
#[test]
fn globs_do_not_follow_symlinked_folders() {
    let env = Env::new();
    env.write(
        "corpus/docs.jsonl",
        record("a", "2017-09-05", "Trade was discussed.") + "\n",
    );
    let corpus = env.path("corpus");
    std::os::unix::fs::symlink(&corpus, corpus.join("loop1")).unwrap();
    std::os::unix::fs::symlink(&corpus, corpus.join("loop2")).unwrap();
    let pattern = format!("{}/**/*.jsonl", corpus.display());
    let mut child = std::process::Command::new(common::binary())
        .args(["ingest", "-q", &pattern, "--index", &env.index()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the glob did not finish within 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("ingested 1,"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

// Finding 14: an empty statemine.json left by a crash made an index unusable.
#[test]
fn an_empty_statemine_json_is_repaired_when_the_schema_matches() {
    let env = Env::new();
    let input = env.write("docs.jsonl", record("a", "2017-09-05", "Trade.") + "\n");
    assert_eq!(env.run_index(&["ingest", "-q", &input]).code, 0);
    let meta = env.path("index/statemine.json");
    let written = fs::read_to_string(&meta).unwrap();
    fs::write(&meta, "").unwrap();
    let run = env.run_index(&["info", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(fs::read_to_string(&meta).unwrap(), written);
    // Another schema's index is still refused.
    fs::write(&meta, "{\"schema_version\": 0}\n").unwrap();
    assert_eq!(env.run_index(&["info"]).code, 2);
}

/// A text that the default themes count (sanctions_futility) and `trade` finds.
const TRADE: &str = "Trade was discussed. Sanctions are useless and counterproductive.";

/// Three good records and one with an impossible date, for the tests below.
fn mixed_records(env: &Env) -> String {
    let lines = [
        record("one", "2017-03-01", TRADE),
        record("two", "2017-02-30", TRADE),
        record("three", "2017-04-01", TRADE),
        record("four", "2017-05-01", TRADE),
    ];
    env.write("docs.jsonl", lines.join("\n") + "\n")
}

/// The number of documents `info` reports for the scratch index.
fn documents(env: &Env) -> u64 {
    let run = env.run_index(&["info"]);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("documents"))
        .unwrap_or_else(|| panic!("no documents line: {}", run.stdout));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[cfg(unix)]
#[test]
fn an_ingest_whose_stderr_is_closed_still_commits_its_good_records() {
    let env = Env::new();
    let input = mixed_records(&env);
    // A pipe whose reading end is closed before the run: every write to stderr fails, as
    // when the messages are piped into `head -1`.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = std::process::Command::new(common::binary())
        .current_dir(env.dir.path())
        .args(["ingest", &input, "--index", &env.index()])
        .stdout(std::process::Stdio::null())
        .stderr(writer)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2), "a rejected record fails the run");
    assert_eq!(documents(&env), 3);
}

#[test]
fn command_line_outputs_never_go_into_an_index_folder() {
    let env = Env::new();
    let input = mixed_records(&env);
    env.run_index(&["ingest", "-q", &input]);
    let meta = env.path("index/meta.json");
    let before = fs::read(&meta).unwrap();
    for args in [
        vec!["trends", "--by", "year", "--out", "index/meta.json"],
        vec!["search", "trade", "--out", "index/sub/hits.csv"],
        vec!["themes", "count", "--evidence", "index/statemine.json"],
    ] {
        let run = env.run_index(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("outputs never go into an index"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert_eq!(fs::read(&meta).unwrap(), before);
    assert!(!env.path("index/sub").exists());
    assert_eq!(documents(&env), 3);
    let run = env.run_index(&["trends", "--by", "year", "--out", "trends.csv", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn two_outputs_of_one_command_may_not_name_one_file() {
    let env = Env::new();
    let input = mixed_records(&env);
    env.run_index(&["ingest", "-q", &input]);
    let run = env.run_index(&[
        "trends",
        "--by",
        "year",
        "--out",
        "same.csv",
        "--evidence",
        "./same.csv",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--evidence") && run.stderr.contains("written by --out"),
        "{}",
        run.stderr
    );
    assert!(!env.path("same.csv").exists());
    let themes = env.write(
        "themes.toml",
        fs::read(std::path::Path::new(common::ROOT).join("corpus/themes/korea-2017.toml")).unwrap(),
    );
    let run = env.run_index(&[
        "trends",
        "--by",
        "year",
        "--themes",
        &themes,
        "--out",
        "themes.toml",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("read from --themes"), "{}", run.stderr);
    let run = env.run_index(&[
        "trends",
        "--by",
        "year",
        "--out",
        "a.csv",
        "--evidence",
        "b.csv",
        "-q",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn huge_numbers_in_options_are_bounded_or_refused() {
    let env = Env::new();
    let input = mixed_records(&env);
    env.run_index(&["ingest", "-q", &input]);
    let max = u64::MAX.to_string();
    let run = env.run_index(&["search", "trade", "--json", "--limit", &max]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.matches("\"id\"").count(), 3, "{}", run.stdout);
    let run = env.run_index(&[
        "search", "trade", "--json", "--limit", &max, "--offset", "1",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.matches("\"id\"").count(), 2, "{}", run.stdout);
    let run = env.run_index(&["search", "trade", "--offset", &max]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let run = env.run_index(&["trends", "--by", "year", "--low-n-words", &max, "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (args, says) in [
        (vec!["kwic", "us_blame", "--width", &max], "0..=10000"),
        (vec!["ingest", &input, "--threads", "1000000"], "0..=256"),
        (vec!["themes", "count", "--threads", &max], "0..=256"),
    ] {
        let run = env.run_index(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    let gold = env.write(
        "gold.jsonl",
        "{\"doc_id\":\"one\",\"para\":0,\"themes\":[]}\n{\"doc_id\":\"three\",\"para\":0,\"themes\":[]}\n",
    );
    let run = env.run_index(&["themes", "eval", "--gold", &gold, "--cv-by", "doc", &max]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("2 <= K <="), "{}", run.stderr);
}

#[test]
fn date_filters_beyond_the_stored_range_select_nothing_past_it() {
    let env = Env::new();
    let lines = [
        record("first", "1678-01-01", "Trade was discussed."),
        record("middle", "2017-09-05", "Trade was discussed."),
        record("last", "2261-12-31", "Trade was discussed."),
    ];
    let input = env.write("docs.jsonl", lines.join("\n") + "\n");
    env.run_index(&["ingest", "-q", &input]);
    let ids = |range: &[&str]| {
        let mut args = vec!["search", "trade", "--json", "-q"];
        args.extend_from_slice(range);
        let run = env.run_index(&args);
        ["first", "middle", "last"]
            .into_iter()
            .filter(|id| run.stdout.contains(&format!("\"id\":\"{id}\"")))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&["--to", "1677"]), Vec::<&str>::new());
    assert_eq!(ids(&["--from", "2262"]), Vec::<&str>::new());
    assert_eq!(
        ids(&["--from", "2262-01-01", "--to", "2262-12-31"]),
        Vec::<&str>::new()
    );
    assert_eq!(ids(&["--to", "1678"]), ["first"]);
    assert_eq!(ids(&["--from", "2261"]), ["last"]);
    assert_eq!(
        ids(&["--from", "0001-01-01", "--to", "9999-12-31"]),
        ["first", "middle", "last"]
    );
    assert_eq!(
        ids(&["--from", "1677", "--to", "2017"]),
        ["first", "middle"]
    );
}

#[test]
fn a_word_too_long_to_be_indexed_is_refused_as_such() {
    let env = Env::new();
    let input = mixed_records(&env);
    env.run_index(&["ingest", "-q", &input]);
    let long = "a".repeat(61);
    for query in [format!("trade OR {long}"), format!("\"trade {long}\"")] {
        let run = env.run_index(&["search", &query]);
        assert_eq!(run.code, 2, "{query}: {}", run.stderr);
        assert!(
            run.stderr.contains("a word of 61 bytes"),
            "{query}: {}",
            run.stderr
        );
    }
    let themes = env.write(
        "long.toml",
        format!(
            "name = \"long\"\nversion = \"1\"\n\n[[theme]]\nid = \"t\"\nlabel = \"T\"\n\
             [theme.en]\npatterns = [\"trade {long}\"]\n"
        ),
    );
    let run = env.run_index(&["themes", "count", "--themes", &themes]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("a word of 61 bytes"), "{}", run.stderr);
}

#[test]
fn a_comparison_with_an_empty_or_repeated_side_is_refused() {
    let env = Env::new();
    let input = mixed_records(&env);
    env.run_index(&["ingest", "-q", &input]);
    let run = env.run_index(&["compare", "2016", "2017"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("period 2016 (2016-01-01..2016-12-31) holds none of the 3 selected"),
        "{}",
        run.stderr
    );
    let run = env.run_index(&["compare", "Tester", "tester", "--group", "speaker"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("both sides are speaker `Tester`"),
        "{}",
        run.stderr
    );
    let run = env.run_index(&["compare", "2017-H1", "2017-H2"]);
    assert!(
        run.stderr.contains("period 2017-H2"),
        "{}: {}",
        run.code,
        run.stderr
    );
    let run = env.run_index(&["compare", "2017-03", "2017-04"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

// A document without a speaker or source was `(none)` in `search --by` and `info` but
// `(unknown)` in trend tables and `compare`, which takes that name for the group.
#[test]
fn the_group_without_a_value_has_one_name_in_every_output() {
    let env = Env::new();
    let with = serde_json::json!({"id": "a", "date": "2016-03-01", "kind": "speech",
        "speaker": "Tester", "source": "kremlin.ru", "text": TRADE});
    let without = serde_json::json!({"id": "b", "date": "2017-03-01", "kind": "speech",
        "text": TRADE});
    let input = env.write("docs.jsonl", format!("{with}\n{without}\n"));
    assert_eq!(env.run_index(&["ingest", "-q", &input]).code, 0);
    let unknown_row = |out: &str| {
        out.lines()
            .any(|l| l.trim_start().starts_with("(unknown)") && l.trim_end().ends_with('1'))
    };
    let search = env.run_index(&["search", "trade", "--count", "--by", "speaker"]);
    assert_eq!(search.code, 0, "{}", search.stderr);
    assert!(unknown_row(&search.stdout), "{}", search.stdout);
    let info = env.run_index(&["info"]);
    assert!(unknown_row(&info.stdout), "{}", info.stdout);
    assert!(!info.stdout.contains("(none)"), "{}", info.stdout);
    let trends = env.run_index(&["trends", "--by", "year", "--group", "speaker", "-q"]);
    assert_eq!(trends.code, 0, "{}", trends.stderr);
    assert!(trends.stdout.contains("(unknown)"), "{}", trends.stdout);
    let compare = env.run_index(&["compare", "(unknown)", "Tester", "--group", "speaker", "-q"]);
    assert_eq!(compare.code, 0, "{}", compare.stderr);
    let words = env.run_index(&["words", "freq", "--by", "speaker", "--top", "1", "-q"]);
    assert_eq!(words.code, 0, "{}", words.stderr);
    assert!(
        words.stdout.lines().any(|l| l.starts_with("(unknown) ")),
        "{}",
        words.stdout
    );
    // Both documents say the same, so no term is key (exit 1), but each side holds one.
    let keyness = env.run_index(&[
        "words",
        "keyness",
        "(unknown)",
        "Tester",
        "--group",
        "speaker",
        "-q",
    ]);
    assert!(
        keyness.stdout.starts_with("A = (unknown): 1 documents"),
        "{}{}",
        keyness.stdout,
        keyness.stderr
    );
    // The filters take the same name: the documents behind that row.
    for flag in ["--speaker", "--source"] {
        let run = env.run_index(&["search", "trade", flag, "(unknown)", "--json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.strings("id"), ["b"], "{flag}");
        assert!(!run.stderr.contains("matches no"), "{}", run.stderr);
    }
}

#[test]
fn a_trend_table_of_more_calendar_periods_than_the_limit_is_refused() {
    let env = Env::new();
    let input = mixed_records(&env);
    env.run_index(&["ingest", "-q", &input]);
    let wide = ["--from", "1700-01-01", "--to", "2200-12-31"];
    let run = env.run_index(&[&["trends", "--by", "day"][..], &wide].concat());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("day periods from 1700-01-01 to 2200-12-31 are more than 20000"),
        "{}",
        run.stderr
    );
    let run = env.run_index(&[&["trends", "--by", "year", "--json"][..], &wide].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\"2200\""), "{}", run.stdout);
}

#[test]
fn an_impossible_day_in_a_bound_says_what_is_wrong() {
    let env = Env::new();
    let input = mixed_records(&env);
    env.run_index(&["ingest", "-q", &input]);
    let run = env.run_index(&["trends", "--from", "2017-02-30"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("February 2017 has 28 days"),
        "{}",
        run.stderr
    );
    let run = env.run_index(&["compare", "2017-01-01..2017-13-01", "2018"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("end date `2017-13-01`: there is no month 13"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_value_of_the_wrong_type_in_a_toml_file_is_named_by_its_key() {
    let env = Env::new();
    let themes = env.write(
        "themes.toml",
        "name = \"t\"\n[[theme]]\nid = \"a\"\n[theme.en]\npatterns = [\n  { phrase = \"x\", not_after = \"three\" },\n]\n",
    );
    env.run(&["themes", "test", "--themes", &themes])
        .fails_with("themes.toml:6: not_after: invalid type: string \"three\"");
}
