//! The README's "own data" walkthrough, scripted: a newcomer's study from an empty folder
//! outside the repository to a trends chart, with the binary as installed (no repository
//! files: the templates and the default themes are compiled in).
//!
//! The CSV is written here, with column names of its own and no `kind` column, as a
//! spreadsheet export would be.

mod common;

use std::fs;
use std::path::Path;

use common::{ROOT, Run, Statemine};

/// Three statements of our own, in two halves of 2017.
const CSV: &str = "\
doc,published,speaker_name,body
s1,2017-03-02,A. Minister,\"These sanctions are useless.\nWe said so before.\"
s2,2017-08-15,A. Minister,\"Sanctions and pressure lead to a dead end.\"
s3,2017-09-20,B. Deputy,\"The United States did not listen.\nThey withdrew from the treaty.\"
";

/// Runs the binary in `dir` with `args`.
fn run(dir: &Path, args: &[&str]) -> Run {
    Statemine::new().current_dir(dir).args(args).run()
}

#[test]
fn from_an_empty_folder_to_a_trends_chart() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    assert!(!home.starts_with(ROOT), "runs outside the repository");

    // 1. A study folder.
    let init = run(home, &["init", "study"]).ok();
    assert!(init.stdout.contains("study/themes.toml"), "{}", init.stdout);
    assert!(
        init.stderr.contains("statemine run study/job.toml"),
        "{}",
        init.stderr
    );
    fs::write(home.join("study/data/statements.csv"), CSV).unwrap();

    // 2. The CSV as it is: every field without a column is named at once, at the header,
    // with the flags that supply them, and the rejected run leaves no empty index behind.
    let rejected = run(home, &["ingest", "study/data", "--index", "study/index"]);
    assert_eq!(rejected.code, 2);
    assert!(
        rejected.stderr.contains(
            "statements.csv:1: id, date, kind, text: no column `id`, `date`, `kind` or `text` \
             in the header (columns: doc, published, speaker_name, body); read each from a \
             column with --map FIELD=COLUMN, or give date or kind one value for every row \
             with --set FIELD=VALUE (kind is one of: speech"
        ),
        "{}",
        rejected.stderr
    );
    assert!(
        rejected.stderr.contains("no index was created"),
        "{}",
        rejected.stderr
    );
    assert!(!home.join("study/index").exists());

    // 3. With its columns mapped and a default kind.
    let ingest = run(
        home,
        &[
            "ingest",
            "study/data",
            "--index",
            "study/index",
            "--map",
            "id=doc",
            "--map",
            "date=published",
            "--map",
            "speaker=speaker_name",
            "--map",
            "text=body",
            "--set",
            "kind=statement",
        ],
    )
    .ok();
    assert_eq!(
        ingest.summary(),
        "ingested 3, updated 0, unchanged 0, rejected 0"
    );

    // 4. Count the study's own themes.
    let count = run(
        home,
        &[
            "themes",
            "count",
            "--index",
            "study/index",
            "--themes",
            "study/themes.toml",
        ],
    )
    .ok();
    let row = |id: &str| -> Vec<String> {
        count
            .stdout
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("no {id}: {}", count.stdout))
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(row("sanctions_futility")[1..], ["2", "2", "2"]);
    assert_eq!(
        row("us_blame")[1..],
        ["1", "1", "1"],
        "the turn carries the US"
    );

    // 5. Trends with a chart, each output with its manifest.
    run(
        home,
        &[
            "trends",
            "--index",
            "study/index",
            "--themes",
            "study/themes.toml",
            "--by",
            "quarter",
            "--out",
            "trends.csv",
            "--plot",
            "trends.svg",
        ],
    )
    .ok();
    let svg = fs::read_to_string(home.join("trends.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") || svg.starts_with("<?xml"),
        "{svg:.80}"
    );
    assert!(svg.contains("sanctions_futility"));
    let csv = fs::read_to_string(home.join("trends.csv")).unwrap();
    assert!(csv.lines().count() > 4, "{csv}");
    for manifest in ["trends.csv.manifest.json", "trends.svg.manifest.json"] {
        let text = fs::read_to_string(home.join(manifest)).unwrap();
        assert!(text.contains("themes.toml"), "{manifest}: {text}");
    }

    // 6. The whole job of the study folder, from another folder.
    let job = run(&home.join("study/data"), &["run", "../job.toml"]).ok();
    for file in [
        "trends-by-month.csv",
        "trends-by-month.svg",
        "compare-after-vs-before.csv",
        "evidence.csv",
    ] {
        assert!(job.stdout.contains(file), "{file}: {}", job.stdout);
        assert!(home.join("study/out").join(file).exists(), "{file}");
    }

    // 7. The default theme set needs no repository either.
    let default = run(home, &["themes", "count", "--index", "study/index"]).ok();
    assert!(default.stdout.contains("us_blame"), "{}", default.stdout);
}
