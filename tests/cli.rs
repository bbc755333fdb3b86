//! The flags and conventions every command shares: the global `--quiet` and `--color`,
//! one stderr style (`note:`, `warning:`, `statemine: error:`), and a manifest beside every
//! table written (the evidence table and `kwic --out` included).

mod common;

use std::path::Path;
use std::sync::OnceLock;

use tempfile::TempDir;

use common::{Statemine, cached_index, fixture};

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
