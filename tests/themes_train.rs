//! `statemine themes train` and learned themes end to end: the real binary trains on a
//! small corpus and gold file written by the test (our own sentences), counts with
//! `count = "either"`, cross-validates by document, and refuses a model that does not fit.

mod common;

use std::path::{Path, PathBuf};

use common::{Run, split_in_two, statemine};

/// Blame phrased without the rule's word (`violated`): only a model can find these.
const BLAME: [&str; 4] = [
    "Our American partners broke their word again and walked away from the treaty.",
    "The American partners promised one thing and did another, as always.",
    "They broke their word, our partners across the ocean, and blamed everyone else.",
    "Once again our American partners walked away from what they had signed.",
];
/// Blame the rule finds.
const RULED: &str = "Washington violated the agreement, and the talks collapsed.";
/// Paragraphs of no theme.
const OTHER: [&str; 5] = [
    "The harvest this year was good and the farmers are pleased with the prices.",
    "We discussed the new bridge, the port and the railway to the east.",
    "Trade between our countries grew by a fifth in the first half of the year.",
    "The governor reported on the schools and the hospitals of the region.",
    "Thank you very much, colleagues, for the good work and the warm welcome.",
];

const THEMES: &str = r#"name = "learned"
model = "learned.model.json"

[[theme]]
id = "blame"
count = "either"
[theme.en]
patterns = ["violated"]

[[theme]]
id = "harvest"
[theme.en]
patterns = ["harvest"]
"#;

/// Twelve documents of five paragraphs: two blame paragraphs each (one the rule finds in
/// every third document), three others; the gold labels every paragraph.
fn write_fixture(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let mut corpus = String::new();
    let mut gold = String::new();
    for d in 0..12 {
        let id = format!("tr-{d:02}");
        let mut paragraphs = [
            OTHER[d % OTHER.len()].to_string(),
            BLAME[d % BLAME.len()].to_string(),
            OTHER[(d + 1) % OTHER.len()].to_string(),
            if d % 3 == 0 {
                RULED
            } else {
                BLAME[(d + 1) % BLAME.len()]
            }
            .to_string(),
            OTHER[(d + 2) % OTHER.len()].to_string(),
        ];
        // A sentence of no theme, in a positive and a negative paragraph alike.
        paragraphs[0].push_str(" It is a pity.");
        paragraphs[1].push_str(" It is a pity.");
        let text = paragraphs.join("\n");
        corpus.push_str(
            &serde_json::json!({
                "id": id, "date": format!("2017-09-{:02}", d + 1), "title": "Remarks",
                "speaker": "Vladimir Putin", "source": "kremlin.ru", "kind": "speech",
                "lang": "en", "url": format!("https://example.org/{id}"), "text": text,
            })
            .to_string(),
        );
        corpus.push('\n');
        for (p, paragraph) in paragraphs.iter().enumerate() {
            let themes: Vec<&str> = if p == 1 || p == 3 {
                vec!["blame"]
            } else if paragraph.contains("harvest") {
                vec!["harvest"]
            } else {
                Vec::new()
            };
            gold.push_str(
                &serde_json::json!({"doc_id": id, "para": p, "themes": themes}).to_string(),
            );
            gold.push('\n');
        }
    }
    let corpus_path = dir.join("corpus.jsonl");
    let gold_path = dir.join("gold.jsonl");
    let themes_path = dir.join("learned.toml");
    std::fs::write(&corpus_path, corpus).unwrap();
    std::fs::write(&gold_path, gold).unwrap();
    std::fs::write(&themes_path, THEMES).unwrap();
    (corpus_path, gold_path, themes_path)
}

fn train(index: &Path, gold: &Path, themes: &Path, out: Option<&Path>) -> Run {
    let mut args = vec![
        "themes".to_string(),
        "train".into(),
        "--index".into(),
        index.display().to_string(),
        "--themes".into(),
        themes.display().to_string(),
        "--gold".into(),
        gold.display().to_string(),
    ];
    if let Some(out) = out {
        args.extend(["--out".into(), out.display().to_string()]);
    }
    statemine(&args)
}

#[test]
fn train_count_either_and_cross_validate() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, gold, themes) = write_fixture(dir.path());
    let index = dir.path().join("index");
    common::ingest(&index, &[&corpus]);

    // Training writes the file the theme file names, deterministically.
    let run = train(&index, &gold, &themes, None).ok();
    assert!(
        run.stderr.contains("blame [en]: 24 positives"),
        "{}",
        run.stderr
    );
    let model_path = dir.path().join("learned.model.json");
    let first = std::fs::read(&model_path).unwrap();
    let again = dir.path().join("again.model.json");
    train(&index, &gold, &themes, Some(&again)).ok();
    assert_eq!(
        first,
        std::fs::read(&again).unwrap(),
        "training is not deterministic"
    );
    // The same documents ingested in another order (another index order) train the same
    // model: folds follow document ids.
    let reversed = dir.path().join("reversed.jsonl");
    let lines: Vec<String> = std::fs::read_to_string(&corpus)
        .unwrap()
        .lines()
        .rev()
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&reversed, lines.concat()).unwrap();
    let index_reversed = dir.path().join("index-reversed");
    common::ingest(&index_reversed, &[&reversed]);
    let from_reversed = dir.path().join("reversed.model.json");
    train(&index_reversed, &gold, &themes, Some(&from_reversed)).ok();
    assert!(
        first == std::fs::read(&from_reversed).unwrap(),
        "training depends on the order of the index"
    );
    let model: serde_json::Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(model["themes_file"], "learned.toml");
    let blame = model["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["theme"] == "blame")
        .expect("a blame model");
    assert!(
        blame["weights"]["american partner"].as_f64().unwrap() > 0.0,
        "{blame}"
    );
    // --json: the same per-model figures on stdout, nothing per model on stderr.
    let json_out = dir.path().join("json.model.json");
    let run = statemine(&[
        "themes",
        "train",
        "--json",
        "--index",
        index.to_str().unwrap(),
        "--themes",
        themes.to_str().unwrap(),
        "--gold",
        gold.to_str().unwrap(),
        "--out",
        json_out.to_str().unwrap(),
    ])
    .ok();
    let summary = run.json();
    assert_eq!(summary["model"], json_out.display().to_string());
    let listed = summary["models"].as_array().unwrap();
    assert_eq!(listed.len(), model["models"].as_array().unwrap().len());
    let blame_json = listed.iter().find(|m| m["theme"] == "blame").unwrap();
    for key in ["positives", "negatives", "documents", "threshold"] {
        assert_eq!(blame_json[key], blame[key], "{key}");
    }
    assert!(!run.stderr.contains("positives"), "{}", run.stderr);

    // Counting in `either` mode: the rule's matches, plus model hits naming the model.
    let evidence = dir.path().join("evidence.csv");
    let run = statemine(&[
        "themes",
        "count",
        "--index",
        index.to_str().unwrap(),
        "--themes",
        themes.to_str().unwrap(),
        "--evidence",
        evidence.to_str().unwrap(),
        "-q",
    ])
    .ok();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    // The manifest names the model beside the theme file: retraining changes the counts.
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("evidence.csv.manifest.json")).unwrap(),
    )
    .unwrap();
    let model_hash = blake3::hash(&std::fs::read(&model_path).unwrap()).to_hex();
    assert_eq!(
        manifest["model"]["name"], "learned.model.json",
        "{manifest}"
    );
    assert_eq!(manifest["model"]["hash"], model_hash.as_str(), "{manifest}");
    let mut reader = csv::Reader::from_path(&evidence).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let blame_rows: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| &r[column("theme")] == "blame")
        .collect();
    let ruled = blame_rows
        .iter()
        .filter(|r| &r[column("rule")] == "violated")
        .count();
    assert_eq!(ruled, 4, "the rule's matches stay");
    let modelled: Vec<&&csv::StringRecord> = blame_rows
        .iter()
        .filter(|r| r[column("rule")].starts_with("model:learned.model.json p="))
        .collect();
    assert!(
        modelled.len() >= 12,
        "{} model rows: {rows:?}",
        modelled.len()
    );
    for row in &modelled {
        let score: f64 = row[column("rule")]
            .rsplit("p=")
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(score > 0.0 && score <= 1.0, "{row:?}");
        // The evidence points at a whole sentence of a blame paragraph.
        let matched = &row[column("matched")];
        assert!(
            BLAME.iter().any(|b| b.contains(matched)) && matched.ends_with('.'),
            "{row:?}"
        );
        assert_ne!(matched, "It is a pity.");
    }
    // One row per paragraph and theme: a paragraph the rule found is not counted again.
    let mut places: Vec<(String, String)> = blame_rows
        .iter()
        .map(|r| {
            (
                r[column("doc_id")].to_string(),
                r[column("para")].to_string(),
            )
        })
        .collect();
    let all = places.len();
    places.sort();
    places.dedup();
    assert_eq!(places.len(), all);

    // Cross-validation by document trains inside each fold.
    let cross_validate = |gold: &[&Path]| {
        let mut args = vec![
            "themes",
            "eval",
            "--index",
            index.to_str().unwrap(),
            "--themes",
            themes.to_str().unwrap(),
            "--cv-by",
            "doc",
            "3",
        ];
        for file in gold {
            args.extend(["--gold", file.to_str().unwrap()]);
        }
        statemine(&args).ok()
    };
    let run = cross_validate(&[&gold]);
    assert!(
        run.stdout
            .contains("the models are trained inside each fold"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("== held-out predictions of all folds"));
    // One gold file: no per-file split of the held-out predictions.
    assert!(
        !run.stdout
            .contains("== held-out predictions, the labels of")
    );
    // Two: the held-out predictions are also scored on each file's labels.
    let (first, second) = split_in_two(&gold, dir.path());
    let run = cross_validate(&[&first, &second]);
    for file in [&first, &second] {
        let heading = format!("== held-out predictions, the labels of {}", file.display());
        assert!(run.stdout.contains(&heading), "{}", run.stdout);
    }

    // A model trained for other theme ids is refused, naming both files.
    let other = dir.path().join("other.toml");
    std::fs::write(
        &other,
        format!("{THEMES}[[theme]]\nid = \"extra\"\n[theme.en]\npatterns = [\"extra\"]\n"),
    )
    .unwrap();
    let run = statemine(&[
        "themes",
        "count",
        "--index",
        index.to_str().unwrap(),
        "--themes",
        other.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("learned.model.json") && run.stderr.contains("other.toml"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("train it again"), "{}", run.stderr);
}
