//! What an installed binary needs: shell completions and man pages generated from the CLI
//! definition, and the default theme set without the repository.

mod common;

use common::{Statemine, statemine};

#[test]
fn completions_list_the_commands_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = statemine(&["completions", shell]).ok();
        for command in ["ingest", "search", "trends", "completions"] {
            assert!(run.stdout.contains(command), "{shell}: no {command}");
        }
    }
    let run = statemine(&["completions", "tcsh"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("invalid value 'tcsh'"),
        "{}",
        run.stderr
    );
}

#[test]
fn man_prints_the_main_page_and_writes_one_per_command() {
    let run = statemine(&["man"]).ok();
    assert!(run.stdout.starts_with(".ie"), "{}", run.stdout);
    assert!(run.stdout.contains(".TH statemine 1"), "{}", run.stdout);
    assert!(run.stdout.contains("search"), "{}", run.stdout);
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    Statemine::new()
        .args(["man", "--out-dir"])
        .arg(&pages)
        .run()
        .ok();
    for page in [
        "statemine.1",
        "statemine-search.1",
        "statemine-themes-count.1",
    ] {
        let text = std::fs::read_to_string(pages.join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
    let search = std::fs::read_to_string(pages.join("statemine-search.1")).unwrap();
    assert!(search.contains("\\-\\-limit"), "{search}");
}

#[test]
fn kwic_outside_the_repository_knows_the_default_theme_ids() {
    let dir = tempfile::tempdir().unwrap();
    let run = Statemine::new()
        .current_dir(dir.path())
        .args(["kwic", "us_blam", "--index"])
        .arg(dir.path().join("missing-index"))
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `us_blame`?"),
        "{}",
        run.stderr
    );
}
