//! Who said it: `--turn-speaker` and `--role` on the analysis commands, the speaker
//! registry (`--speakers`), `first` naming the turn speaker and `speakers check`, run
//! through the real binary on the study fixture (our own sentences).
//!
//! The expected denominators are computed here from the paragraphs the index stores
//! (each paragraph's turn and words), resolved through the same registry file, and
//! compared with what the commands print.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{Run, Statemine, cached_index, fixture, statemine};
use statemine::corpus::SpeakerRegistry;
use statemine::document::Role;
use statemine::index::{DocFilter, IndexStore};

/// A registry that knows the fixture's people: `А.Петрова` (s07) is Anna Petrova.
const REGISTRY: &str = r#"
[[person]]
name = "Anna Petrova"
aliases = ["Анна Петрова"]
role = "minister"
country = "RU"

[[person]]
name = "Boris Orlov"
aliases = ["Борис Орлов"]
role = "official"
country = "RU"
"#;

fn index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    cached_index(&INDEX, &[fixture("study", "statements.jsonl")])
}

/// The registry file, written once.
fn registry_file() -> &'static Path {
    static FILE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &FILE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("speakers.toml");
            std::fs::write(&path, REGISTRY).unwrap();
            (dir, path)
        })
        .1
}

/// Runs an analysis command on the fixture index, themes and registry.
fn run(command: &[&str], args: &[&str]) -> Run {
    let index = index().to_str().unwrap().to_string();
    let themes = fixture("study", "themes.toml")
        .to_str()
        .unwrap()
        .to_string();
    let speakers = registry_file().to_str().unwrap().to_string();
    let mut all: Vec<&str> = command.to_vec();
    all.extend([
        "--index",
        &index,
        "--themes",
        &themes,
        "--speakers",
        &speakers,
    ]);
    all.extend_from_slice(args);
    statemine(&all)
}

fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Per document: (date, words, paragraphs) of the paragraphs whose resolved turn `keep`
/// accepts, for documents where it accepts one.
fn own_paragraphs(
    keep: impl Fn(Option<&str>, Role) -> bool,
) -> BTreeMap<String, (String, u64, u64)> {
    let registry = SpeakerRegistry::load(registry_file()).unwrap();
    let store = IndexStore::open(index()).unwrap();
    let mut out = BTreeMap::new();
    store
        .for_each_document(&DocFilter::default(), |stored| {
            let mut turns = stored.structure.paragraphs;
            registry.resolve_turns(&mut turns, stored.doc.date);
            let kept: Vec<_> = turns
                .iter()
                .filter(|t| keep(t.speaker.as_deref(), t.role))
                .collect();
            if !kept.is_empty() {
                out.insert(
                    stored.doc.id.clone(),
                    (
                        stored.doc.date.to_string(),
                        kept.iter().map(|t| t.n_words).sum(),
                        kept.len() as u64,
                    ),
                );
            }
            Ok::<_, statemine::index::IndexError>(())
        })
        .unwrap();
    out
}

#[test]
fn themes_count_turn_speaker_counts_the_speakers_own_paragraphs() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("by-doc.csv");
    let evidence = dir.path().join("evidence.csv");
    let table_arg = table.to_str().unwrap();
    // Petrova in Russian: the registry finds `А.Петрова` (s07) and `Anna Petrova`.
    run(
        &["themes", "count"],
        &["--turn-speaker", "Петрова", "--by-doc", "--out", table_arg],
    )
    .ok();
    let expected = own_paragraphs(|speaker, _| speaker == Some("Anna Petrova"));
    assert!(expected.contains_key("s07") && expected.contains_key("s02"));
    let rows = csv_rows(&table);
    let got: BTreeMap<String, (String, u64, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["doc_id"].clone(),
                (
                    r["date"].clone(),
                    r["words"].parse().unwrap(),
                    r["paragraphs"].parse().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(got, expected);

    // Her matches are the matches of an unfiltered count said in her paragraphs.
    run(
        &["themes", "count"],
        &["--evidence", evidence.to_str().unwrap()],
    )
    .ok();
    let hers = csv_rows(&evidence)
        .into_iter()
        .filter(|r| r["turn_speaker"] == "Anna Petrova")
        .count();
    assert!(hers > 0);
    let counted: usize = rows
        .iter()
        .map(|r| {
            ["useless", "freeze", "talks"]
                .iter()
                .map(|t| r[*t].parse::<usize>().unwrap())
                .sum::<usize>()
        })
        .sum();
    assert_eq!(counted, hers);

    // A generic label names nobody.
    let nobody = run(&["themes", "count"], &["--turn-speaker", "Question"]);
    assert_eq!(nobody.code, 1, "{}", nobody.stderr);
    assert!(nobody.stderr.contains("0 documents"), "{}", nobody.stderr);
    assert!(
        nobody
            .stderr
            .contains("`Question` is a generic label that names nobody"),
        "{}",
        nobody.stderr
    );
}

#[test]
fn compare_role_uses_the_roles_own_words_and_documents() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("compare.csv");
    run(
        &[
            "compare",
            "2017-01-01..2017-06-30",
            "2017-07-01..2017-12-31",
        ],
        &["--role", "journalist", "--out", out.to_str().unwrap()],
    )
    .ok();
    let expected = own_paragraphs(|_, role| role == Role::Journalist);
    let side = |from: &str, to: &str| {
        let docs: Vec<_> = expected
            .values()
            .filter(|(date, _, _)| date.as_str() >= from && date.as_str() <= to)
            .collect();
        (
            docs.len().to_string(),
            docs.iter().map(|(_, w, _)| w).sum::<u64>().to_string(),
        )
    };
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!(
            (row["n_docs_a"].clone(), row["n_words_a"].clone()),
            side("2017-01-01", "2017-06-30")
        );
        assert_eq!(
            (row["n_docs_b"].clone(), row["n_words_b"].clone()),
            side("2017-07-01", "2017-12-31")
        );
    }
    // The journalists ask about direct talks in s06 (H2) and nowhere in H1.
    let talks = rows.iter().find(|r| r["theme"] == "talks").unwrap();
    assert_eq!(
        (talks["n_matches_a"].as_str(), talks["n_matches_b"].as_str()),
        ("0", "1")
    );
}

#[test]
fn first_names_the_speaker_of_the_matched_paragraph() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("first.csv");
    run(&["first"], &["--out", out.to_str().unwrap()]).ok();
    let rows = csv_rows(&out);
    let overall = |theme: &str| {
        rows.iter()
            .find(|r| r["theme"] == theme && r["scope"] == "overall")
            .map(|r| (r["doc_id"].clone(), r["who"].clone()))
            .unwrap()
    };
    // s02's document speaker is Anna Petrova, and so is the paragraph; s01's first
    // paragraph is narration, the match is Boris Orlov's.
    assert_eq!(overall("freeze"), ("s02".into(), "Anna Petrova".into()));
    assert_eq!(overall("useless"), ("s01".into(), "Boris Orlov".into()));
    // Russian labels group with the English name: no `А.Петрова` row of its own.
    assert!(rows.iter().all(|r| r["who"] != "А.Петрова"));

    // With a turn filter, the first match is the first one that person said.
    let printed = run(&["first", "talks"], &["--turn-speaker", "orlov"]).ok();
    assert!(
        printed.stdout.contains("first overall: Boris Orlov"),
        "{}",
        printed.stdout
    );
}

#[test]
fn evidence_rows_name_their_own_documents_speaker() {
    // One thread takes the documents in date order, whose speakers alternate: a speaker
    // resolved for one document must not be carried to the next.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("evidence.csv");
    let evidence = out.to_str().unwrap();
    run(
        &["themes", "count"],
        &["--threads", "1", "--evidence", evidence],
    )
    .ok();
    let registry = SpeakerRegistry::load(registry_file()).unwrap();
    let store = IndexStore::open(index()).unwrap();
    let mut expected = BTreeMap::new();
    store
        .for_each_document(&DocFilter::default(), |stored| {
            let speaker = &stored.doc.speaker;
            let name = registry
                .person(speaker)
                .map_or_else(|| speaker.clone(), |p| p.name.clone());
            expected.insert(stored.doc.id.clone(), name);
            Ok::<_, statemine::index::IndexError>(())
        })
        .unwrap();
    let rows = csv_rows(&out);
    let speakers: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["speaker"].as_str()).collect();
    assert!(speakers.len() >= 2, "{speakers:?}");
    for row in &rows {
        assert_eq!(row["speaker"], expected[&row["doc_id"]], "{row:?}");
    }
}

#[test]
fn a_bad_registry_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("speakers.toml");
    std::fs::write(
        &bad,
        "[[person]]\nname = \"X Y\"\nrole = \"king\"\ncountry = \"RU\"\n",
    )
    .unwrap();
    let index = index().to_str().unwrap().to_string();
    let run = statemine(&[
        "themes",
        "count",
        "--index",
        &index,
        "--speakers",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("speakers.toml:3: unknown role `king`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_registry_in_the_working_directory_fails_the_commands_that_read_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("speakers.toml"),
        "[[person]]\nname = \"X Y\"\nrole = \"king\"\ncountry = \"RU\"\n",
    )
    .unwrap();
    let index = index().to_str().unwrap().to_string();
    let in_dir = |args: &[&str]| Statemine::new().current_dir(dir.path()).args(args).run();
    let readers: [&[&str]; 8] = [
        &["themes", "count", "--index", &index],
        &[
            "search",
            "--index",
            &index,
            "--speaker",
            "orlov",
            "sanctions",
        ],
        &[
            "search",
            "--index",
            &index,
            "--turn-speaker",
            "orlov",
            "sanctions",
        ],
        &[
            "search",
            "--index",
            &index,
            "--role",
            "official",
            "sanctions",
        ],
        &[
            "search",
            "--index",
            &index,
            "--speakers",
            "speakers.toml",
            "sanctions",
        ],
        &["speakers", "list"],
        // Counts by speaker name registry persons, as trends do.
        &[
            "search",
            "--index",
            &index,
            "sanctions",
            "--count",
            "--by",
            "speaker",
        ],
        &["words", "freq", "--index", &index, "--by", "speaker"],
    ];
    for args in readers {
        let run = in_dir(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("speakers.toml:3: unknown role `king`"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // A search or word count without --speaker, --turn-speaker, --role or --speakers resolves no
    // speaker, so it does not read the registry.
    let plain = in_dir(&["search", "--index", &index, "sanctions"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(plain.stdout.contains("s01"), "{}", plain.stdout);
    let words = in_dir(&["words", "freq", "--index", &index, "--top", "3"]);
    assert_eq!(words.code, 0, "{}", words.stderr);
}

// The names a registry leaves unresolved were only visible as separate groups of trend
// tables.
#[test]
fn speakers_names_lists_the_names_a_registry_leaves_unresolved() {
    let index = index().to_str().unwrap();
    let names = |extra: &[&str]| {
        let mut args = vec![
            "speakers", "names", "--index", index, "--json", "--limit", "0",
        ];
        args.extend_from_slice(extra);
        statemine(&args)
    };
    let built_in = names(&[]).ok().json_lines();
    let row = |rows: &[serde_json::Value], place: &str, name: &str| {
        rows.iter()
            .find(|r| r["place"] == place && r["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {place} {name}: {rows:?}"))
    };
    // Each count agrees with the stored turns.
    let store = IndexStore::open(self::index()).unwrap();
    let mut petrova = 0u64;
    store
        .for_each_document(
            &DocFilter::default(),
            |d| -> Result<(), statemine::index::IndexError> {
                petrova += d
                    .structure
                    .paragraphs
                    .iter()
                    .filter(|t| t.speaker.as_deref() == Some("А.Петрова"))
                    .count() as u64;
                Ok(())
            },
        )
        .unwrap();
    let label = row(&built_in, "turn", "А.Петрова");
    assert_eq!(label["paragraphs"], petrova);
    assert_eq!(label["person"], serde_json::Value::Null);
    assert_eq!(row(&built_in, "turn", "Question")["generic"], true);
    let unresolved = names(&["--unresolved"]).ok().json_lines();
    assert!(unresolved.iter().any(|r| r["name"] == "А.Петрова"));
    assert!(
        unresolved
            .iter()
            .all(|r| r["generic"] == false && r["person"].is_null())
    );
    // With the registry file, the fixture's people resolve, in both alphabets.
    let registry = registry_file().to_str().unwrap();
    let known = names(&["--speakers", registry]).ok().json_lines();
    assert_eq!(row(&known, "turn", "А.Петрова")["person"], "Anna Petrova");
    assert_eq!(
        row(&known, "document", "Boris Orlov")["person"],
        "Boris Orlov"
    );
    let none = names(&["--speakers", registry, "--unresolved"]);
    assert_eq!(none.code, 1, "{}", none.stderr);
    let table = statemine(&["speakers", "names", "--index", index, "--limit", "2"]).ok();
    assert_eq!(table.stdout.lines().count(), 3, "{}", table.stdout);
    assert!(table.stdout.starts_with("name "), "{}", table.stdout);
    assert!(table.stderr.contains("2 of "), "{}", table.stderr);
    // --out writes the same rows as a table with its manifest.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("names.csv");
    let csv_arg = csv.to_str().unwrap();
    statemine(&[
        "speakers", "names", "--index", index, "--limit", "0", "--out", csv_arg,
    ])
    .ok();
    let written = std::fs::read_to_string(&csv).unwrap();
    assert!(
        written.starts_with("name,place,documents,paragraphs,person,generic\n"),
        "{written}"
    );
    assert_eq!(written.lines().count(), built_in.len() + 1);
    assert!(dir.path().join("names.csv.manifest.json").is_file());
}

#[test]
fn speakers_check_scores_roles_against_labels() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.jsonl");
    // s03: Orlov, question, Orlov; s07 para 1 is a question (labelled wrongly here as
    // official, to make one disagreement).
    std::fs::write(
        &gold,
        "{\"doc_id\":\"s03\",\"para\":0,\"speaker_role\":\"russian_official\"}\n\
         {\"doc_id\":\"s03\",\"para\":1,\"speaker_role\":\"journalist\"}\n\
         {\"doc_id\":\"s07\",\"para\":0,\"speaker_role\":\"russian_official\"}\n\
         {\"doc_id\":\"s07\",\"para\":1,\"speaker_role\":\"russian_official\"}\n\
         {\"doc_id\":\"nope\",\"para\":0,\"speaker_role\":\"other\"}\n",
    )
    .unwrap();
    let misses = dir.path().join("misses.csv");
    let index = index().to_str().unwrap().to_string();
    let speakers = registry_file().to_str().unwrap().to_string();
    let run = statemine(&[
        "speakers",
        "check",
        "--index",
        &index,
        "--speakers",
        &speakers,
        "--gold",
        gold.to_str().unwrap(),
        "--misses",
        misses.to_str().unwrap(),
        "--json",
    ])
    .ok();
    let report = run.json();
    assert_eq!(report["by_lang"]["en"]["paragraphs"], 2);
    assert_eq!(report["by_lang"]["en"]["correct"], 2);
    assert_eq!(report["by_lang"]["ru"]["paragraphs"], 2);
    assert_eq!(report["by_lang"]["ru"]["correct"], 1);
    assert_eq!(report["missing"].as_array().unwrap().len(), 1);
    let rows = csv_rows(&misses);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0]["doc_id"].as_str(),
            rows[0]["gold"].as_str(),
            rows[0]["predicted"].as_str()
        ),
        ("s07", "official", "journalist")
    );
}

/// The turns (speaker of each paragraph) of every document of the index at `dir`.
fn stored_turns(dir: &Path) -> BTreeMap<String, Vec<Option<String>>> {
    let store = IndexStore::open(dir).unwrap();
    let mut out = BTreeMap::new();
    store
        .for_each_document(&DocFilter::default(), |stored| {
            let speakers = stored.structure.paragraphs.into_iter().map(|t| t.speaker);
            out.insert(stored.doc.id.clone(), speakers.collect());
            Ok::<(), statemine::Error>(())
        })
        .unwrap();
    out
}

/// Writes `run-together.jsonl` into `dir`: a transcript with its turns on lines of their
/// own (`apart`) and one whose two later labels stand inside a paragraph (`together`).
fn write_run_together(dir: &Path) -> PathBuf {
    let input = dir.join("run-together.jsonl");
    let record = |id: &str, text: &str| {
        serde_json::json!({
            "id": id, "date": "2025-03-01", "title": "Совещание", "speaker": "Vladimir Putin",
            "kind": "transcript", "lang": "ru", "text": text,
        })
        .to_string()
    };
    let lines = [
        record(
            "apart",
            "Совещание.\nВ.Путин: Добрый день.\nА.Петрова: Спасибо.",
        ),
        record(
            "together",
            "Совещание.\nВ.Путин: Добрый день. Прошу Вас. А.Петрова: Спасибо. \
             Б.Орлов (как переведено): Согласен. Вопрос к В.Путину: когда?",
        ),
    ];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    input
}

#[test]
fn labels_inside_a_paragraph_are_reported_and_split_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_run_together(dir.path());
    let plain = dir.path().join("plain");
    let run = statemine(&[
        "ingest",
        "--index",
        plain.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    let run = run.ok();
    let expected = format!(
        "1 document holds 2 speaker labels inside a paragraph (first: {}:2 (id together))",
        input.display()
    );
    assert!(run.stderr.contains(&expected), "{}", run.stderr);
    assert!(
        run.stderr.contains("--split-inline-labels"),
        "{}",
        run.stderr
    );
    let putin = Some("В.Путин".to_string());
    assert_eq!(stored_turns(&plain)["together"], [None, putin.clone()]);

    let split = dir.path().join("split");
    let args = ["ingest", "--json", "--split-inline-labels", "--index"];
    let run = statemine(
        &[
            &args[..],
            &[split.to_str().unwrap(), input.to_str().unwrap()],
        ]
        .concat(),
    );
    let summary = run.ok().json();
    assert_eq!(summary["inline_labels"]["labels"], 2);
    assert_eq!(summary["inline_labels"]["documents"], 1);
    assert_eq!(summary["inline_labels"]["split"], true);
    let turns = stored_turns(&split);
    assert_eq!(turns["apart"], stored_turns(&plain)["apart"]);
    let named = |s: &str| Some(s.to_string());
    assert_eq!(
        turns["together"],
        [None, putin, named("А.Петрова"), named("Б.Орлов")]
    );

    // The same input split later: the run-together document is a new version.
    let args = ["ingest", "--split-inline-labels", "--index"];
    let run = statemine(
        &[
            &args[..],
            &[plain.to_str().unwrap(), input.to_str().unwrap()],
        ]
        .concat(),
    );
    assert!(
        run.ok()
            .summary()
            .starts_with("ingested 0, updated 1, unchanged 1")
    );
    assert_eq!(stored_turns(&plain), turns);
}

#[test]
fn a_job_splits_labels_inside_a_paragraph_when_its_file_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_run_together(dir.path());
    let job = dir.path().join("job.toml");
    let themes = fixture("study", "themes.toml");
    let text = format!(
        "index = \"index\"\ninputs = [{input:?}]\nsplit_inline_labels = true\n\
         themes = {themes:?}\nout_dir = \"out\"\n\n[[evidence]]\nout = \"evidence.csv\"\n",
        input = input.to_str().unwrap(),
        themes = themes.to_str().unwrap(),
    );
    std::fs::write(&job, text).unwrap();
    let run = statemine(&["run", job.to_str().unwrap()]).ok();
    assert!(
        run.stderr
            .contains("started a paragraph at 2 speaker labels inside paragraphs of 1 document"),
        "{}",
        run.stderr
    );
    let turns = stored_turns(&dir.path().join("index"));
    assert_eq!(turns["together"].len(), 4, "{turns:?}");
}

#[test]
fn labels_written_before_a_split_are_flagged_as_stale() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_run_together(dir.path());
    let gold = dir.path().join("gold.jsonl");
    let label = |para: usize, text: &str| {
        serde_json::json!({"doc_id": "together", "para": para, "themes": [], "text": text})
            .to_string()
    };
    let lines = [
        label(0, "Совещание."),
        label(
            1,
            "В.Путин: Добрый день. Прошу Вас. А.Петрова: Спасибо. Б.Орлов (как переведено): \
             Согласен. Вопрос к В.Путину: когда?",
        ),
    ];
    std::fs::write(&gold, lines.join("\n") + "\n").unwrap();
    let themes = fixture("study", "themes.toml");
    let eval = |index: &Path| {
        statemine(&[
            "themes",
            "eval",
            "--index",
            index.to_str().unwrap(),
            "--themes",
            themes.to_str().unwrap(),
            "--gold",
            gold.to_str().unwrap(),
        ])
        .ok()
    };
    for split in [false, true] {
        let index = dir.path().join(format!("index-{split}"));
        let mut args = vec!["ingest", "--index", index.to_str().unwrap()];
        if split {
            args.push("--split-inline-labels");
        }
        args.push(input.to_str().unwrap());
        statemine(&args).ok();
        let run = eval(&index);
        let flagged = "1 labelled paragraph(s) differ from the index's text";
        assert_eq!(run.stderr.contains(flagged), split, "{}", run.stderr);
        if split {
            let at = format!("  {}:2: together para 1", gold.display());
            assert!(run.stderr.contains(&at), "{}", run.stderr);
        }
    }
}

// An address before a comma (`Владимир Владимирович, мой вопрос:`) and a name followed by a
// clause (`President X, who ...:`) were read as labels and took the paragraphs after them
// from the turn they were in; `Patriarch Kirill:` was no label at all, so the Patriarch's
// words went to the speaker before him.
#[test]
fn addresses_and_clauses_open_no_turn_and_church_leaders_do() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("turns.jsonl");
    let docs = [
        serde_json::json!({"id": "ru1", "date": "2017-05-01", "title": "Встреча", "lang": "ru",
            "kind": "transcript", "text": "В.Путин: Добрый день.\nА.Иванова: Здравствуйте.\nВладимир Владимирович, мой вопрос: как строить дороги?\nИ ещё одно.\nВ.Путин: Отвечу."}),
        serde_json::json!({"id": "en1", "date": "2017-05-02", "title": "Meeting", "lang": "en",
            "kind": "transcript", "text": "Vladimir Putin: Your Holiness,\nPatriarch Kirill of Moscow and All Russia: Mr President,\nThank you for the invitation.\nVladimir Putin: Thank you."}),
        serde_json::json!({"id": "en2", "date": "2017-05-03", "title": "Statements", "lang": "en",
            "kind": "transcript", "text": "Vladimir Putin: Ladies and gentlemen,\nPresident John Example, who was minister before, visited Russia, and I met him then. He said: yes.\nWe agreed on roads."}),
    ];
    let lines: Vec<String> = docs.iter().map(|d| d.to_string()).collect();
    std::fs::write(&input, lines.join("\n")).unwrap();
    let index = dir.path().join("index");
    common::ingest(&index, &[&input]);
    let rows = statemine(&[
        "speakers",
        "names",
        "--index",
        index.to_str().unwrap(),
        "--json",
        "--limit",
        "0",
    ])
    .ok()
    .json_lines();
    let paragraphs = |name: &str| {
        rows.iter()
            .find(|r| r["place"] == "turn" && r["name"] == name)
            .map(|r| r["paragraphs"].as_u64().unwrap())
    };
    assert_eq!(paragraphs("Владимир Владимирович"), None, "{rows:?}");
    assert_eq!(paragraphs("John Example"), None, "{rows:?}");
    assert_eq!(paragraphs("А.Иванова"), Some(3), "{rows:?}");
    assert_eq!(paragraphs("Vladimir Putin"), Some(5), "{rows:?}");
    let kirill = rows
        .iter()
        .find(|r| r["name"] == "Patriarch Kirill of Moscow and All Russia")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(kirill["paragraphs"], 2);
    assert_eq!(kirill["person"], "Patriarch Kirill");
}
