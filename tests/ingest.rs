//! `statemine ingest` and `statemine info` end to end: the real binary on the fixtures in
//! `tests/fixtures/ingest/` (sentences written for these tests), each run in a fresh
//! temporary directory, plus the shared kremlin.ru corpus and gold labels (`../shared`).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use statemine::document::Role;
use statemine::index::{DocFilter, IndexError, IndexStore, StoredDocument};
use tempfile::TempDir;

use common::{Run, Statemine, shared};

/// The shared corpus of 2017 and its gold labels.
const SHARED_CORPUS: &str = "corpus/kremlin-en-2017.jsonl";
const SHARED_GOLD: &str = "gold/themes-dev.jsonl";

/// A scratch directory with an index path inside, and helpers to run the binary on it.
struct Env {
    dir: TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `statemine ARGS... --index <scratch index>`, feeding `stdin`.
    fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Run {
        Statemine::new()
            .args(args)
            .arg("--index")
            .arg(self.index())
            .stdin(stdin)
            .run()
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, b"")
    }

    /// Stored documents of the scratch index, by id.
    fn documents(&self) -> BTreeMap<String, StoredDocument> {
        let mut out = BTreeMap::new();
        IndexStore::open(&self.index())
            .unwrap()
            .for_each_document(&DocFilter::default(), |d| -> Result<(), IndexError> {
                assert!(
                    out.insert(d.doc.id.clone(), d).is_none(),
                    "an id is stored twice"
                );
                Ok(())
            })
            .unwrap();
        out
    }

    fn ids(&self) -> Vec<String> {
        self.documents().into_keys().collect()
    }
}

fn fixture(name: &str) -> String {
    common::fixture("ingest", name).display().to_string()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

const CSV_MAP: [&str; 6] = [
    "--map",
    "id=ident",
    "--map",
    "date=published",
    "--map",
    "text=body",
];

const ALL_FIXTURE_IDS: [&str; 7] = [
    "2017-09-08-briefing",
    "fx-csv-1",
    "fx-csv-2",
    "fx-en-1",
    "fx-en-2",
    "fx-note-2",
    "fx-ru-1",
];

fn ingest_all_fixtures(env: &Env) -> Run {
    let (good, table, notes) = (
        fixture("good.jsonl"),
        fixture("table.csv"),
        fixture("notes"),
    );
    let mut args = vec!["ingest", good.as_str(), table.as_str(), notes.as_str()];
    args.extend(CSV_MAP);
    env.run(&args)
}

#[test]
fn happy_path_reads_jsonl_csv_and_a_text_folder() {
    let env = Env::new();
    let run = ingest_all_fixtures(&env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.summary(),
        "ingested 7, updated 0, unchanged 0, rejected 0"
    );
    assert!(
        run.stderr
            .contains("skipped 1 text file without front matter")
            && run.stderr.contains("README.md"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("docs/s"),
        "no progress bar when stderr is not a terminal"
    );
    let docs = env.documents();
    assert_eq!(docs.keys().collect::<Vec<_>>(), ALL_FIXTURE_IDS);

    // Every date form of the fixtures, and the language detected where it is missing.
    let date = |id: &str| docs[id].doc.date.to_string();
    assert_eq!(date("fx-en-2"), "2017-09-06");
    assert_eq!(date("fx-ru-1"), "2017-09-05");
    assert_eq!(date("fx-csv-1"), "2017-09-07", "the local date as written");
    assert_eq!(date("fx-csv-2"), "2017-09-05");
    assert_eq!(date("2017-09-08-briefing"), "2017-09-08");
    assert_eq!(date("fx-note-2"), "2017-09-08");
    assert_eq!(docs["fx-ru-1"].doc.lang.as_str(), "ru");
    assert_eq!(docs["fx-en-2"].doc.lang.as_str(), "en");

    // CSV quoted newlines and Markdown paragraphs become `\n`-separated paragraphs.
    assert_eq!(
        docs["fx-csv-1"].doc.text,
        "An expert said that sanctions have limits.\nThe interview was short."
    );
    let note = &docs["2017-09-08-briefing"];
    assert_eq!(
        note.doc.text,
        "The spokeswoman answered questions about the peninsula for half an hour.\nShe repeated that talks are the only way forward."
    );
    assert_eq!(note.doc.tags, ["korea", "dialogue"]);

    // Structure: counts and speaker turns stored per paragraph.
    let transcript = &docs["fx-en-1"].structure;
    assert_eq!(transcript.n_paragraphs, 5);
    let roles: Vec<Role> = transcript.paragraphs.iter().map(|p| p.role).collect();
    use Role::*;
    assert_eq!(roles, [Narration, Official, Official, Journalist, Official]);
    let russian: Vec<Role> = docs["fx-ru-1"]
        .structure
        .paragraphs
        .iter()
        .map(|p| p.role)
        .collect();
    assert_eq!(russian, [Official, Journalist, Official]);
}

#[test]
fn reingesting_the_same_inputs_changes_nothing() {
    let env = Env::new();
    assert_eq!(ingest_all_fixtures(&env).code, 0);
    let again = ingest_all_fixtures(&env);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        again.summary(),
        "ingested 0, updated 0, unchanged 7, rejected 0"
    );
    assert_eq!(env.ids(), ALL_FIXTURE_IDS);
}

#[test]
fn a_modified_document_is_updated_in_place() {
    let env = Env::new();
    let copy = env.path("good.jsonl");
    fs::copy(fixture("good.jsonl"), &copy).unwrap();
    let copy_arg = copy.to_str().unwrap();
    assert_eq!(env.run(&["ingest", copy_arg]).code, 0);
    let edited = fs::read_to_string(&copy).unwrap().replace(
        "We have stated our position many times.",
        "Our position has not changed.",
    );
    fs::write(&copy, edited).unwrap();
    let run = env.run(&["ingest", copy_arg]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.summary(),
        "ingested 0, updated 1, unchanged 2, rejected 0"
    );
    let docs = env.documents();
    assert_eq!(docs.len(), 3, "replaced, not duplicated");
    assert!(
        docs["fx-en-2"]
            .doc
            .text
            .ends_with("Our position has not changed.")
    );
}

/// Runs one bad-input fixture (good record, bad record, good record) and checks the
/// message, the exit code and that both good records were indexed.
fn assert_rejected(file: &str, expected: &str) {
    let env = Env::new();
    let path = fixture(&format!("bad/{file}"));
    let run = env.run(&["ingest", &path]);
    assert_eq!(run.code, 2, "{file}: {}", run.stderr);
    let message = format!("{path}:{expected}");
    assert!(
        run.stderr.lines().any(|l| l.starts_with(&message)),
        "{file}: expected a line starting with `{message}` in:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("1 record was rejected"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.summary(),
        "ingested 2, updated 0, unchanged 0, rejected 1"
    );
    let stem = file.trim_end_matches(".jsonl");
    assert_eq!(env.ids(), [format!("{stem}-1"), format!("{stem}-3")]);
}

#[test]
fn malformed_json_is_rejected_with_its_line() {
    assert_rejected("malformed-json.jsonl", "2: record: malformed JSON");
}

#[test]
fn missing_date_is_rejected() {
    assert_rejected("missing-date.jsonl", "2: date: missing");
}

#[test]
fn unparsable_date_is_rejected() {
    assert_rejected(
        "unparsable-date.jsonl",
        "2: date: cannot parse `next Tuesday` as a date",
    );
}

#[test]
fn empty_text_is_rejected() {
    assert_rejected("empty-text.jsonl", "2: text: empty");
}

#[test]
fn unknown_kind_is_rejected_with_the_vocabulary() {
    assert_rejected(
        "unknown-kind.jsonl",
        "2: kind: unknown kind `podcast` (expected one of: speech transcript press_conference interview article statement briefing news)",
    );
}

#[test]
fn invalid_utf8_is_rejected_not_a_crash() {
    assert_rejected("invalid-utf8.jsonl", "2: text: invalid UTF-8");
}

#[test]
fn a_duplicate_id_in_one_run_rejects_the_later_record() {
    assert_rejected(
        "duplicate-id.jsonl",
        "2: id: duplicate id `duplicate-id-1` in this run",
    );
}

#[test]
fn a_field_given_twice_in_a_record_is_rejected_not_guessed() {
    assert_rejected(
        "repeated-field.jsonl",
        "2: text: given twice in one record; keep the one value that is meant",
    );
}

/// Ingests the CSV fixture `table` beside the good JSON Lines file with `flags`, and checks
/// that only the table was rejected, with `reason` at its header line. Returns the index.
fn assert_table_rejected(table: &str, flags: &[&str], reason: &str) -> Env {
    let env = Env::new();
    let (table, good) = (fixture(&format!("bad/{table}")), fixture("good.jsonl"));
    let mut args = vec!["ingest", &table, &good];
    args.extend(flags);
    let run = env.run(&args);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let message = format!("{table}:1: {reason}");
    assert!(
        run.stderr.contains(&message),
        "{message} in:\n{}",
        run.stderr
    );
    assert_eq!(env.ids(), ["fx-en-1", "fx-en-2", "fx-ru-1"]);
    env
}

#[test]
fn json_field_names_in_capitals_are_read_as_csv_headers_are() {
    let env = Env::new();
    let file = env.path("export.jsonl");
    fs::write(
        &file,
        r#"{"ID": "cap-1", "Date": "2017-09-05", "Kind": "briefing", "Speaker": "Maria Zakharova", "Text": "Sanctions are futile."}"#,
    )
    .unwrap();
    env.run(&["ingest", file.to_str().unwrap()]).ok();
    let doc = &env.documents()["cap-1"].doc;
    assert_eq!(
        (doc.speaker.as_str(), doc.text.as_str()),
        ("Maria Zakharova", "Sanctions are futile.")
    );
}

#[test]
fn a_csv_header_naming_a_fields_column_twice_rejects_that_file_only() {
    let env = assert_table_rejected(
        "repeated-column.csv",
        &[],
        "text: the header has two columns `text` (columns 4 and 6), so which one holds text is unclear; rename one",
    );
    // Reading the text from a column named once settles it.
    let table = fixture("bad/repeated-column.csv");
    let run = env.run(&["ingest", &table, "--map", "text=body"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        env.ids(),
        ["fx-en-1", "fx-en-2", "fx-ru-1", "repeated-column-1"]
    );
}

#[test]
fn tables_separated_by_tabs_or_semicolons_are_read_with_their_delimiter() {
    let env = Env::new();
    let folder = env.path("tables");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(
        folder.join("briefing.tsv"),
        "id\tdate\tkind\ttext\ntsv-1\t2017-09-05\tbriefing\t\"Sanctions, she said; are futile.\"\n",
    )
    .unwrap();
    let semicolons = env.path("excel.csv");
    std::fs::write(
        &semicolons,
        "id;date;kind;text\nsemi-1;05.09.2017;news;\"Dialogue; without, preconditions.\"\n",
    )
    .unwrap();
    let (folder, semicolons) = (
        folder.display().to_string(),
        semicolons.display().to_string(),
    );
    // A folder's .tsv files are found and read with tabs.
    let run = env.run(&["ingest", &folder]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = |id: &str| env.documents()[id].doc.text.clone();
    assert_eq!(text("tsv-1"), "Sanctions, she said; are futile.");
    // A semicolon table read as CSV is refused once, with the delimiter to give.
    let run = env.run(&["ingest", &semicolons]).fails_with(&format!(
        "{semicolons}:1: id, date, kind, text: no column for them: the header reads as the one column `id;date;kind;text`, so the table looks separated by `;`; give --delimiter ';'"
    ));
    assert_eq!(
        run.summary(),
        "ingested 0, updated 0, unchanged 0, rejected 1"
    );
    let run = env.run(&["ingest", &semicolons, "--delimiter", ";"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(text("semi-1"), "Dialogue; without, preconditions.");
    assert_eq!(env.ids(), ["semi-1", "tsv-1"]);
    env.run(&["ingest", &semicolons, "--delimiter", "\""])
        .fails_with("--delimiter '\"': it quotes or ends fields");
}

#[test]
fn an_unknown_csv_column_in_map_rejects_that_file_only() {
    assert_table_rejected(
        "unknown-column.csv",
        &["--map", "text=content"],
        "text: --map text=content: no column `content` in the header (columns: id, date, kind, body)",
    );
}

#[test]
fn remove_takes_documents_out_by_id_or_by_input_and_refuses_unknown_ids() {
    let env = Env::new();
    let good = fixture("good.jsonl");
    assert_eq!(env.run(&["ingest", &good]).code, 0);
    let index = env.index().display().to_string();
    let search = |query: &str| {
        env.run(&["search", query, "--count"])
            .stdout
            .trim()
            .to_string()
    };
    let before = search("Zakharova OR briefing OR Korea");

    // A mistyped id removes nothing, and says which ids are unknown.
    env.run(&["remove", "fx-en-2", "fx-en-9"]).fails_with(&format!(
        "1 id is not in the index at {index}: fx-en-9; nothing was removed (--missing-ok removes the others)"
    ));
    assert_eq!(env.ids(), ["fx-en-1", "fx-en-2", "fx-ru-1"]);

    // A dry run reports and writes nothing.
    let run = env.run(&["remove", "fx-en-2", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.summary(),
        "removed 1 document (dry run: nothing written), 2 documents left"
    );
    assert_eq!(env.ids(), ["fx-en-1", "fx-en-2", "fx-ru-1"]);

    let run = env.run(&["remove", "fx-en-2", "fx-en-9", "--missing-ok"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.summary(), "removed 1 document, 2 documents left");
    assert!(
        run.stderr
            .contains("warning: 1 id is not in the index: fx-en-9"),
        "{}",
        run.stderr
    );
    assert_eq!(env.ids(), ["fx-en-1", "fx-ru-1"]);
    assert_ne!(search("Zakharova OR briefing OR Korea"), before);
    assert_eq!(
        env.run(&["search", "Zakharova"]).code,
        1,
        "the removed document is no longer found"
    );

    // The documents of an input file, read as ingest reads it.
    let run = env.run(&["remove", "--input", &good, "--missing-ok", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary = run.json();
    assert_eq!(summary["removed"], 2);
    assert_eq!(summary["documents"], 0);
    assert_eq!(summary["missing"][0], "fx-en-2");
    assert!(env.ids().is_empty());
    // Nothing left to remove: exit 1, as a search that finds nothing.
    let run = env.run(&["remove", "--input", &good, "--missing-ok"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.summary(), "removed 0 documents, 0 documents left");
    env.run(&["remove"])
        .fails_with("name the documents to remove");
    // Reading flags without --input would be ignored: refused, naming the flag.
    env.run(&["remove", "fx-en-1", "--id-prefix", "x-"])
        .fails_with("--id-prefix applies to the files of --input");
    env.run(&["remove", "fx-en-1", "--map", "text=body"])
        .fails_with("--map applies to the files of --input");
}

#[test]
fn remove_by_input_warns_of_records_it_reads_no_id_from_without_the_ingests_options() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("undated.csv");
    std::fs::write(
        &table,
        "id,date,kind,text\na,2017-09-05,news,One.\nb,,news,Two.\n",
    )
    .unwrap();
    let table = table.display().to_string();
    let run = env.run(&["ingest", &table, "--set", "date=2017-09-06"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.ids(), ["a", "b"]);
    // Without `--set`, row `b` has no date and gives no id: it stays, and the warning says
    // how to take it out.
    let run = env.run(&["remove", "--input", &table]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning: 1 of the inputs' records is not valid")
            && run.stderr.contains("give the same options here"),
        "{}",
        run.stderr
    );
    assert_eq!(env.ids(), ["b"]);
    let run = env.run(&[
        "remove",
        "--input",
        &table,
        "--set",
        "date=2017-09-06",
        "--missing-ok",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(env.ids().is_empty());
}

#[test]
fn a_map_given_for_json_lines_is_said_to_do_nothing() {
    let env = Env::new();
    let run = env.run(&["ingest", &fixture("good.jsonl"), "--map", "text=body"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("note: --map renames CSV and TSV columns; 1 input"),
        "{}",
        run.stderr
    );
}

#[test]
fn export_writes_documents_that_ingest_reads_back_unchanged() {
    let env = Env::new();
    let run = ingest_all_fixtures(&env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = env.path("first.jsonl");
    let run = env.run(&["export", "--out", first.to_str().unwrap()]).ok();
    assert!(run.stderr.contains("(7 documents) and"), "{}", run.stderr);
    assert!(env.path("first.jsonl.manifest.json").exists());
    let exported = std::fs::read_to_string(&first).unwrap();
    assert_eq!(exported.lines().count(), 7);
    // Into a new index and out again: the same bytes, so the same documents.
    let second_index = env.path("second");
    let second = |args: &[&str]| {
        Statemine::new()
            .args(args)
            .arg("--index")
            .arg(&second_index)
            .run()
            .ok()
    };
    let (first, packed) = (first.to_str().unwrap(), env.path("all.jsonl.gz"));
    second(&["ingest", first]);
    assert_eq!(second(&["export"]).stdout, exported);
    // An exported selection names the documents to remove.
    let removed = second(&["remove", "--input", first]);
    assert_eq!(removed.summary(), "removed 7 documents, 0 documents left");
    // Compressed, ingest reads it back as it is.
    let packed = packed.to_str().unwrap();
    env.run(&["export", "--out", packed]).ok();
    second(&["ingest", packed]);
    assert_eq!(second(&["export"]).stdout, exported);
    // A filter selects; documents of other kinds or years stay out.
    let briefings = env.run(&["export", "--kind", "briefing"]).ok();
    let kinds: Vec<String> = briefings
        .json_lines()
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| k == "briefing"),
        "{kinds:?}"
    );
    assert_eq!(env.run(&["export", "--from", "2030"]).code, 1);
    env.run(&["export", "--out", env.path("x.csv").to_str().unwrap()])
        .fails_with("documents are written as .jsonl");
    env.run(&["export", "--role", "official"])
        .fails_with("--turn-speaker and --role do not apply to export");
}

#[test]
fn a_utf16_file_is_refused_once_with_how_to_convert_it() {
    let env = Env::new();
    let utf16 = |text: &str| -> Vec<u8> {
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    };
    let table = env.path("export.tsv");
    fs::write(
        &table,
        utf16("id\tdate\tkind\ttext\nu1\t2017-09-05\tnews\tOne.\nu2\t2017-09-05\tnews\tTwo.\n"),
    )
    .unwrap();
    let lines = env.path("export.jsonl");
    let record = r#"{"id": "u3", "date": "2017-09-05", "kind": "news", "text": "x"}"#;
    fs::write(&lines, &utf16(&format!("{record}\n{record}\n"))[2..]).unwrap();
    let (table, lines, good) = (
        table.display().to_string(),
        lines.display().to_string(),
        fixture("good.jsonl"),
    );
    let run = env.run(&["ingest", &table, &lines, &good]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "{table}:1: record: the file is UTF-16 text; statemine reads UTF-8: convert it (`iconv -f UTF-16 -t UTF-8 FILE > NEW`"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("{lines}:1: record: the file is UTF-16 text")),
        "without a byte order mark too: {}",
        run.stderr
    );
    assert_eq!(
        run.summary(),
        "ingested 3, updated 0, unchanged 0, rejected 2"
    );
    assert_eq!(env.ids(), ["fx-en-1", "fx-en-2", "fx-ru-1"]);
}

#[test]
fn strict_stops_at_the_first_bad_record_and_writes_nothing() {
    let env = Env::new();
    let bad = fixture("bad/unknown-kind.jsonl");
    let run = env.run(&["ingest", "--strict", &bad]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown-kind.jsonl:2: kind:")
            && run
                .stderr
                .contains("--strict: stopped at the first bad record"),
        "{}",
        run.stderr
    );
    assert!(!env.index().exists(), "no index left behind");

    // With an index already there, nothing of the strict run reaches it.
    let good = fixture("good.jsonl");
    assert_eq!(env.run(&["ingest", &good]).code, 0);
    let run = env.run(&["ingest", "--strict", &bad]);
    assert_eq!(run.code, 2);
    assert_eq!(env.ids(), ["fx-en-1", "fx-en-2", "fx-ru-1"]);
}

#[test]
fn dry_run_validates_without_writing() {
    let env = Env::new();
    let bad = fixture("bad/empty-text.jsonl");
    let run = env.run(&["ingest", "--dry-run", &bad]);
    assert_eq!(run.code, 2, "rejections still fail a dry run");
    assert_eq!(
        run.summary(),
        "ingested 2, updated 0, unchanged 0, rejected 1 (dry run: nothing written)"
    );
    assert!(run.stderr.contains("empty-text.jsonl:2: text: empty"));
    assert!(!env.index().exists(), "a dry run creates no index");

    let good = fixture("good.jsonl");
    assert_eq!(env.run(&["ingest", &good]).code, 0);
    let run = env.run(&["ingest", "--dry-run", &good]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.summary(),
        "ingested 0, updated 0, unchanged 3, rejected 0 (dry run: nothing written)"
    );
}

#[test]
fn a_second_ingest_or_a_removal_is_refused_while_the_index_is_locked() {
    let env = Env::new();
    let store = IndexStore::open_or_create(&env.index()).unwrap();
    let writer = store.writer(1, 15_000_000).unwrap();
    let run = env.run(&["ingest", &fixture("good.jsonl")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("index is locked"), "{}", run.stderr);
    drop(writer);
    assert_eq!(env.run(&["ingest", &fixture("good.jsonl")]).code, 0);
    // Removing takes the same lock, and waits for nothing: it is refused, and removes nothing.
    let writer = store.writer(1, 15_000_000).unwrap();
    env.run(&["remove", "fx-en-1"])
        .fails_with("index is locked: another ingest, remove or compact is writing to");
    drop(writer);
    assert_eq!(env.ids(), ["fx-en-1", "fx-en-2", "fx-ru-1"]);
}

#[test]
fn stdin_gzip_and_globs_mix_in_one_call() {
    let env = Env::new();
    let good = fs::read(fixture("good.jsonl")).unwrap();
    let table = fs::read(fixture("table.csv")).unwrap();
    let note = fs::read(fixture("notes/sub/fx-note-2.txt")).unwrap();
    fs::create_dir_all(env.path("in/deeper")).unwrap();
    // A compressed table named as such, a compressed note in a folder reached by a glob,
    // and gzip detected by magic bytes on stdin.
    fs::write(env.path("in/table.csv.gz"), gzip(&table)).unwrap();
    fs::write(env.path("in/deeper/note.txt.gz"), gzip(&note)).unwrap();
    let pattern = format!("{}/in/*", env.dir.path().display());
    let mut args = vec!["ingest", "-", pattern.as_str()];
    args.extend(CSV_MAP);
    let run = env.run_with_stdin(&args, &gzip(&good));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.summary(),
        "ingested 6, updated 0, unchanged 0, rejected 0"
    );
    assert_eq!(
        env.ids(),
        [
            "fx-csv-1",
            "fx-csv-2",
            "fx-en-1",
            "fx-en-2",
            "fx-note-2",
            "fx-ru-1"
        ]
    );

    // Plain JSON Lines on stdin; errors name the input `-`.
    let env = Env::new();
    let mut input = good.clone();
    input.extend(b"{broken\n");
    let run = env.run_with_stdin(&["ingest", "-"], &input);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("-:4: record: malformed JSON"),
        "{}",
        run.stderr
    );
    assert_eq!(env.ids().len(), 3);
}

// Two tables numbering their rows 1, 2, ... share ids: the second run replaced the first's
// documents and said only "updated 2".
#[test]
fn documents_replaced_by_another_version_of_their_id_are_named() {
    let env = Env::new();
    let table = |source: &str| {
        format!(
            "id,date,kind,source,text\n1,2017-01-01,news,{source},First text of {source}.\n\
             2,2017-01-02,news,{source},Second text of {source}.\n"
        )
    };
    fs::write(env.path("tass.csv"), table("tass")).unwrap();
    fs::write(env.path("ria.csv"), table("ria")).unwrap();
    let tass = env.path("tass.csv").display().to_string();
    let ria = env.path("ria.csv").display().to_string();
    let first = env.run(&["ingest", &tass]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(!first.stderr.contains("replace"), "{}", first.stderr);
    let dry = env.run(&["ingest", "--dry-run", &ria]);
    assert!(
        dry.stderr.contains(&format!(
            "note: would replace 2 indexed documents by the version of the same id read at \
             {ria}:2 (id 1), {ria}:3 (id 2)"
        )),
        "{}",
        dry.stderr
    );
    let second = env.run(&["ingest", &ria, "--json"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second.stderr.contains("note: replaced 2 indexed documents"),
        "{}",
        second.stderr
    );
    assert_eq!(second.json()["replaced"][0], format!("{ria}:2 (id 1)"));
    // Running the same file again changes nothing and names nothing.
    let again = env.run(&["ingest", &ria]);
    assert!(!again.stderr.contains("replace"), "{}", again.stderr);
    // With a prefix each, the two tables keep apart, and remove finds the same ids.
    let env = Env::new();
    for (file, prefix) in [(&tass, "tass-"), (&ria, "ria-")] {
        let run = env.run(&["ingest", file, "--id-prefix", prefix]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.stderr.contains("replace"), "{}", run.stderr);
    }
    assert_eq!(env.ids(), ["ria-1", "ria-2", "tass-1", "tass-2"]);
    let documents = env.documents();
    assert_eq!(documents["tass-1"].doc.text, "First text of tass.");
    env.run(&["remove", "--input", &ria, "--id-prefix", "ria-"])
        .ok();
    assert_eq!(env.ids(), ["tass-1", "tass-2"]);
    env.run(&["ingest", &ria, "--id-prefix", "ria -"])
        .fails_with("--id-prefix ria -: holds a space");
}

// `ingest <(zcat docs.jsonl.gz)` and `/dev/stdin` were refused as "not a regular file";
// a pipe is read once, in its name's format or else as JSON Lines, as `-` is.
#[cfg(unix)]
#[test]
fn pipes_are_read_as_their_names_format_or_as_json_lines() {
    let env = Env::new();
    fs::write(
        env.path("good.jsonl.gz"),
        gzip(&fs::read(fixture("good.jsonl")).unwrap()),
    )
    .unwrap();
    // $1 index, $2 compressed JSON Lines, $3 CSV, $4 a folder for the named pipes.
    // The writers open their pipes under `timeout`, away from the test's output, so that a
    // binary which never opens a pipe fails the test instead of leaving it waiting.
    let script = r#"mkfifo "$4/table.csv" "$4/63" || exit 99
        timeout 60 sh -c 'exec cat "$0" > "$1"' "$3" "$4/table.csv" > /dev/null 2>&1 &
        timeout 60 sh -c 'exec gzip -dc "$0" > "$1"' "$2" "$4/63" > /dev/null 2>&1 &
        exec "$0" ingest -q --index "$1" "$4/63" "$4/table.csv" \
            --map id=ident --map date=published --map text=body"#;
    let run = common::run_in_shell(
        script,
        [
            env.index(),
            env.path("good.jsonl.gz"),
            PathBuf::from(fixture("table.csv")),
            env.dir.path().to_path_buf(),
        ],
    );
    if run.code == 99 {
        // mkfifo is part of coreutils; only a system without it cannot make the case.
        assert!(std::env::var_os("CI").is_none(), "mkfifo is missing");
        return;
    }
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        env.ids(),
        ["fx-csv-1", "fx-csv-2", "fx-en-1", "fx-en-2", "fx-ru-1"]
    );

    // /dev/stdin fed by a pipe, with a broken line: named as given, at its line.
    let env = Env::new();
    let run = common::run_in_shell(
        r#"{ cat "$2"; echo '{broken'; } | exec "$0" ingest -q --index "$1" /dev/stdin"#,
        [env.index(), PathBuf::from(fixture("good.jsonl"))],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("/dev/stdin:4: record: malformed JSON"),
        "{}",
        run.stderr
    );
    assert_eq!(env.ids().len(), 3);
}

#[test]
fn a_path_that_matches_nothing_fails_before_creating_anything() {
    let env = Env::new();
    let missing = env.path("nowhere/*.jsonl");
    let run = env.run(&["ingest", missing.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no input files matched"),
        "{}",
        run.stderr
    );
    assert!(!env.index().exists());
}

/// Documents in the last commit of the index at `dir` (0 while there is none).
fn committed(dir: &Path) -> u64 {
    IndexStore::open(dir)
        .and_then(|store| Ok(store.reader()?.searcher().num_docs()))
        .unwrap_or(0)
}

#[test]
fn a_killed_run_keeps_its_last_commit_and_a_rerun_completes_it() {
    const TOTAL: usize = 3000;
    let env = Env::new();
    let input = env.path("many.jsonl");
    let lines: String = (0..TOTAL)
        .map(|i| {
            format!(
                "{{\"id\":\"k{i}\",\"date\":\"2017-09-05\",\"kind\":\"news\",\"text\":\"Record {i} says that talks went on for a long time.\\nVladimir Putin: Thank you.\"}}\n"
            )
        })
        .collect();
    fs::write(&input, lines).unwrap();
    let mut child = std::process::Command::new(common::binary())
        .args([
            "ingest",
            "--quiet",
            "--threads",
            "1",
            "--commit-every",
            "100",
        ])
        .arg(&input)
        .arg("--index")
        .arg(env.index())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as something is committed (or let it finish if it is faster).
    let started = std::time::Instant::now();
    while committed(&env.index()) == 0
        && child.try_wait().unwrap().is_none()
        && started.elapsed() < std::time::Duration::from_secs(60)
    {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let _ = child.kill();
    child.wait().unwrap();

    let before = committed(&env.index());
    eprintln!("committed before the kill: {before} of {TOTAL}");
    assert!(
        before > 0,
        "the first commit was searchable before the kill"
    );
    let rerun = env.run(&["ingest", input.to_str().unwrap()]);
    assert_eq!(rerun.code, 0, "{}", rerun.stderr);
    assert_eq!(
        rerun.summary(),
        format!(
            "ingested {}, updated 0, unchanged {before}, rejected 0",
            TOTAL as u64 - before
        )
    );
    assert_eq!(committed(&env.index()), TOTAL as u64);
}

/// Replaces what varies between runs (the temporary path, the size in bytes).
fn stable(text: &str, env: &Env) -> String {
    let size = regex::Regex::new(r#"("size_bytes":)\d+|(size +)[0-9.]+ MB"#).unwrap();
    let text = text.replace(&env.index().display().to_string(), "[INDEX]");
    size.replace_all(&text, "${1}${2}[SIZE]").into_owned()
}

#[test]
fn info_reports_counts_by_source_kind_language_and_year() {
    let env = Env::new();
    assert_eq!(ingest_all_fixtures(&env).code, 0);
    let json = env.run(&["info", "--json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(value["size_bytes"].as_u64().unwrap() > 0);
    for key in [
        "documents",
        "by_source",
        "by_kind",
        "by_lang",
        "by_year",
        "date_min",
        "date_max",
    ] {
        assert!(value.get(key).is_some(), "missing key {key}");
    }
    insta::assert_snapshot!("info_json", stable(&json.stdout, &env));
    let table = env.run(&["info"]);
    assert_eq!(table.code, 0);
    insta::assert_snapshot!("info_table", stable(&table.stdout, &env));
}

#[test]
fn info_on_a_missing_index_says_how_to_create_one() {
    let env = Env::new();
    let run = env.run(&["info"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("statemine ingest"), "{}", run.stderr);
}

#[test]
fn compact_merges_segments_and_keeps_every_document() {
    let env = Env::new();
    // One batch per input: three commits, three segments.
    for input in ["good.jsonl", "notes"] {
        assert_eq!(env.run(&["ingest", &fixture(input)]).code, 0);
    }
    let table = fixture("table.csv");
    let mut args = vec!["ingest", table.as_str()];
    args.extend(CSV_MAP);
    assert_eq!(env.run(&args).code, 0);
    let before = env.documents();
    let run = env.run(&["compact", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(report["segments_before"].as_u64().unwrap() >= 3, "{report}");
    assert_eq!(report["segments_after"], 1);
    assert_eq!(report["documents"], ALL_FIXTURE_IDS.len());
    let after = env.documents();
    assert_eq!(after.keys().collect::<Vec<_>>(), ALL_FIXTURE_IDS);
    for (id, doc) in &before {
        assert_eq!(&after[id], doc, "{id}");
    }
    let again = env.run(&["compact"]);
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("1 segments -> 1"), "{}", again.stdout);
    // A missing index is a clear error, not an empty one created.
    let missing = Env::new();
    let run = missing.run(&["compact"]);
    assert_eq!(run.code, 2);
    assert!(!missing.index().exists());
}

#[test]
fn the_shared_2017_corpus_ingests_once_and_then_is_unchanged() {
    let corpus = shared(SHARED_CORPUS);
    let corpus = corpus.to_str().unwrap();
    let env = Env::new();
    let first = env.run(&["ingest", corpus]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(
        first.summary(),
        "ingested 895, updated 0, unchanged 0, rejected 0"
    );
    let again = env.run(&["ingest", corpus]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        again.summary(),
        "ingested 0, updated 0, unchanged 895, rejected 0"
    );
    let info = env.run(&["info", "--json"]);
    let value: serde_json::Value = serde_json::from_str(&info.stdout).unwrap();
    assert_eq!(value["documents"], 895, "nothing duplicated");
    assert_eq!(value["date_min"], "2017-01-17");
    assert_eq!(value["date_max"], "2017-12-31");
}

/// The gold label name of one of our roles.
fn gold_name(role: Role) -> &'static str {
    match role {
        Role::Official => "russian_official",
        Role::Journalist => "journalist",
        Role::Foreign => "foreign_official",
        Role::Narration => "narration",
        Role::Other => "other",
    }
}

/// Speaker turns against the hand-labelled `speaker_role` of the dev gold set.
///
/// Threshold 0.90. The rules measured 0.946 (927/980) when written. Simple baselines sit
/// far below: "everything is a Russian official" scores 0.62 (608/980), and "no label
/// yet: narration, any label: official" is computed below and must be beaten by 10 points,
/// so the test fails if label detection or role guessing breaks, while leaving room for
/// rule changes that trade a few paragraphs. The gold set is a dev set (the rules were
/// tuned on it; a held-out set exists), so the figure is optimistic for unseen text.
#[test]
fn speaker_roles_agree_with_the_gold_labels() {
    let (corpus, gold) = (shared(SHARED_CORPUS), shared(SHARED_GOLD));
    let env = Env::new();
    let run = env.run(&["ingest", corpus.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let docs = env.documents();
    let mut confusion: BTreeMap<(String, &str), usize> = BTreeMap::new();
    let (mut right, mut naive_right, mut total) = (0, 0, 0);
    for line in fs::read_to_string(gold).unwrap().lines() {
        let label: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = label["doc_id"].as_str().unwrap();
        let para = label["para"].as_u64().unwrap() as usize;
        let want = label["speaker_role"].as_str().unwrap().to_string();
        let stored = &docs[id];
        let got = gold_name(stored.structure.paragraphs[para].role);
        let labelled_before = stored.doc.text.split('\n').take(para + 1).any(|p| {
            p.split_once(':')
                .is_some_and(|(head, _)| head.split_whitespace().count() <= 6)
        });
        let naive = if labelled_before {
            "russian_official"
        } else {
            "narration"
        };
        total += 1;
        right += usize::from(got == want);
        naive_right += usize::from(naive == want);
        *confusion.entry((want, got)).or_default() += 1;
    }
    let accuracy = right as f64 / total as f64;
    let naive = naive_right as f64 / total as f64;
    eprintln!("speaker role accuracy {right}/{total} = {accuracy:.3} (naive baseline {naive:.3})");
    for ((want, got), n) in &confusion {
        eprintln!("  gold {want:<17} ours {got:<17} {n}");
    }
    assert_eq!(total, 980);
    assert!(accuracy >= 0.90, "accuracy {accuracy:.3} below 0.90");
    assert!(
        accuracy >= naive + 0.10,
        "accuracy {accuracy:.3} is not 10 points above the naive {naive:.3}"
    );
}

/// The hits of `query` (all of them, without passages) as (id, score) sorted by id, and
/// the scores in rank order.
fn hits_by_id(env: &Env, query: &str) -> (Vec<(String, String)>, Vec<String>) {
    let run = env
        .run(&["search", "--json", "--limit", "0", "--no-snippets", query])
        .ok();
    let hits: Vec<(String, String)> = run
        .json_lines()
        .iter()
        .map(|hit| (hit["id"].to_string(), hit["score"].to_string()))
        .collect();
    let ranked = hits.iter().map(|(_, score)| score.clone()).collect();
    let mut by_id = hits;
    by_id.sort();
    (by_id, ranked)
}

#[test]
fn one_and_two_indexing_threads_give_indexes_that_answer_alike() {
    let inputs = [
        shared("corpus/kremlin-en-2017.jsonl"),
        shared("corpus/kremlin-ru-2025.jsonl"),
    ];
    let queries = [
        "sanctions",
        "\"North Korea\"",
        "sanc*",
        "санкции",
        "\"специальной военной операции\"",
        "relations -economy",
        "title:meeting",
    ];
    let envs: Vec<Env> = ["1", "2"]
        .iter()
        .map(|threads| {
            let env = Env::new();
            let mut args = vec!["ingest", "--quiet", "--threads", threads];
            args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
            env.run(&args).ok();
            env
        })
        .collect();
    let segments = |env: &Env| {
        let store = IndexStore::open(&env.index()).unwrap();
        store.reader().unwrap().searcher().segment_readers().len()
    };
    assert_eq!(segments(&envs[0]), 1);
    assert!(
        segments(&envs[1]) >= 2,
        "two indexing threads write a segment each"
    );
    for query in queries {
        let (one, two) = (hits_by_id(&envs[0], query), hits_by_id(&envs[1], query));
        assert!(!one.0.is_empty(), "{query}: no hits");
        assert_eq!(one, two, "{query}");
    }
    let info = |env: &Env| stable(&env.run(&["info", "--json"]).ok().stdout, env);
    assert_eq!(info(&envs[0]), info(&envs[1]));
}
