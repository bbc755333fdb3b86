//! Crash tests: `compact` and `run` killed with SIGKILL at seeded random points. Each kill
//! lands somewhere in a run whose uninterrupted length was measured first; whatever point
//! it is, the index must open with its last commit (the same documents, no orphan segment
//! files once the next writer has run), and each job output must be the previous version
//! with its previous manifest or the new one with the new manifest. The ingest kill test
//! is in `tests/ingest.rs`.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use statemine::index::{IndexFingerprint, IndexStore};

/// Kills per command: enough to land in different phases, few enough to stay quick.
const KILLS: usize = 8;

/// A JSON Lines record that every theme of the study fixture matches once.
fn record(id: &str, date: &str) -> String {
    serde_json::json!({"id": id, "date": date, "kind": "speech", "lang": "en",
        "speaker": "Tester", "source": "fixture",
        "text": "Sanctions are useless here.\nA double freeze is proposed.\nOnly direct talks will help."})
    .to_string()
        + "\n"
}

/// `count` records `prefix0..` dated `date`.
fn records(prefix: &str, count: usize, date: &str) -> String {
    (0..count)
        .map(|i| record(&format!("{prefix}{i}"), date))
        .collect()
}

/// Copies the files of folder `from` into a new folder `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs `statemine ARGS` in `dir` to the end; panics unless it succeeds.
fn run_ok(dir: &Path, args: &[&str]) -> Duration {
    let started = Instant::now();
    let out = Command::new(common::binary())
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "statemine {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed()
}

/// Starts `statemine ARGS` in `dir` and kills it (SIGKILL) after `delay`, unless it ended
/// first; says whether the kill came before the end.
fn kill_after(dir: &Path, args: &[&str], delay: Duration) -> bool {
    let mut child = Command::new(common::binary())
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + delay;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let killed = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    child.wait().unwrap();
    killed
}

/// The fingerprint of the last commit of the index at `dir` (panics if it does not open).
fn fingerprint(dir: &Path) -> IndexFingerprint {
    let store = IndexStore::open(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    store.fingerprint().unwrap()
}

/// Files of the index at `dir` that belong to no segment of its last commit.
fn orphan_files(dir: &Path) -> Vec<String> {
    let meta: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
    let live: Vec<String> = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect();
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| {
            let stem = name.split('.').next().unwrap_or_default();
            stem.len() == 32
                && stem.bytes().all(|b| b.is_ascii_hexdigit())
                && !live.iter().any(|id| id == stem)
        })
        .collect()
}

#[test]
fn a_compact_killed_anywhere_keeps_the_last_commit_and_the_next_one_leaves_no_orphans() {
    let scratch = tempfile::tempdir().unwrap();
    let pristine = scratch.path().join("pristine");
    fs::create_dir_all(&pristine).unwrap();
    // Several ingests, so there are several segments to merge, of documents with many
    // distinct words, so the merge has work to do between the process start and its end.
    for batch in 0..4 {
        let input = pristine.join(format!("batch{batch}.jsonl"));
        let lines: String = (0..1500)
            .map(|i| {
                let words: Vec<String> = (0..150).map(|w| format!("w{batch}x{i}y{w}")).collect();
                serde_json::json!({"id": format!("b{batch}-{i}"), "date": "2017-09-05",
                    "kind": "speech", "lang": "en", "text": words.join(" ")})
                .to_string()
                    + "\n"
            })
            .collect();
        fs::write(&input, lines).unwrap();
        run_ok(
            &pristine,
            &[
                "ingest",
                "--quiet",
                "--index",
                "index",
                input.to_str().unwrap(),
            ],
        );
    }
    let before = fingerprint(&pristine.join("index"));
    assert_eq!(before.n_documents, 6000);

    let measured = scratch.path().join("measured");
    copy_dir(&pristine, &measured);
    let length = run_ok(&measured, &["compact", "--index", "index"]);
    assert_eq!(
        fingerprint(&measured.join("index")).content_hash,
        before.content_hash
    );

    let mut rng = ChaCha8Rng::seed_from_u64(18);
    let mut killed = 0;
    for kill in 0..KILLS {
        let dir = scratch.path().join(format!("kill{kill}"));
        copy_dir(&pristine, &dir);
        let delay = length.mul_f64(rng.random_range(0.0..1.0));
        killed += usize::from(kill_after(&dir, &["compact", "--index", "index"], delay));
        let index = dir.join("index");
        let after = fingerprint(&index);
        assert_eq!(
            (after.n_documents, &after.content_hash),
            (before.n_documents, &before.content_hash),
            "kill {kill} after {delay:?}: the index lost its last commit"
        );
        run_ok(&dir, &["compact", "--index", "index"]);
        assert_eq!(fingerprint(&index).content_hash, before.content_hash);
        assert_eq!(orphan_files(&index), Vec::<String>::new(), "kill {kill}");
    }
    eprintln!("compact: {killed} of {KILLS} kills before the end (run of {length:?})");
}

/// One output of the crash-test job and what its rows are per indexed document count.
struct Output {
    path: &'static str,
    rows_for: fn(u64) -> usize,
}

#[test]
fn a_job_run_killed_anywhere_leaves_every_output_with_its_own_manifest() {
    const OLD: u64 = 400;
    const NEW: u64 = 800;
    let outputs = [
        // Three matches per document.
        Output {
            path: "out/evidence.csv",
            rows_for: |docs| 3 * docs as usize,
        },
        // Three themes per month: the previous run saw one month, the new run two.
        Output {
            path: "out/trends.csv",
            rows_for: |docs| if docs == OLD { 3 } else { 6 },
        },
    ];
    let scratch = tempfile::tempdir().unwrap();
    let pristine = scratch.path().join("pristine");
    fs::create_dir_all(&pristine).unwrap();
    let themes = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/study/themes.toml");
    fs::copy(themes, pristine.join("themes.toml")).unwrap();
    // Paths relative to the job file, so a copy of the folder is a job of its own.
    fs::write(
        pristine.join("job.toml"),
        "index = \"index\"\ninputs = [\"docs.jsonl\"]\nthemes = \"themes.toml\"\n\
         out_dir = \"out\"\n\n[[evidence]]\nout = \"evidence.csv\"\n\n\
         [[trends]]\nout = \"trends.csv\"\nby = \"month\"\n",
    )
    .unwrap();
    let old = records("old", OLD as usize, "2017-09-05");
    fs::write(pristine.join("docs.jsonl"), &old).unwrap();
    run_ok(&pristine, &["run", "job.toml"]);
    // The next run ingests as many documents again, from the next month.
    let new = old + &records("new", (NEW - OLD) as usize, "2017-10-05");
    fs::write(pristine.join("docs.jsonl"), new).unwrap();

    let measured = scratch.path().join("measured");
    copy_dir(&pristine, &measured);
    let length = run_ok(&measured, &["run", "job.toml"]);

    let check = |dir: &Path, context: &str| -> Vec<u64> {
        let docs = fingerprint(&dir.join("index")).n_documents;
        assert!(docs == OLD || docs == NEW, "{context}: {docs} documents");
        let mut versions = Vec::new();
        for output in &outputs {
            let path = dir.join(output.path);
            let rows = common::csv_rows(&path);
            let manifest = dir.join(format!("{}.manifest.json", output.path));
            match fs::read_to_string(&manifest) {
                Ok(text) => {
                    let manifest: serde_json::Value = serde_json::from_str(&text)
                        .unwrap_or_else(|e| panic!("{context}: {}: {e}", manifest.display()));
                    let described = manifest["index"]["n_documents"].as_u64().unwrap();
                    assert_eq!(
                        manifest["output"]["rows"].as_u64().unwrap() as usize,
                        rows,
                        "{context}: {} and its manifest disagree",
                        output.path
                    );
                    assert_eq!(
                        rows,
                        (output.rows_for)(described),
                        "{context}: {} is not the version its manifest describes",
                        output.path
                    );
                    versions.push(described);
                }
                // Between renaming a new output into place and renaming its manifest after
                // it (see export::atomic): only ever a new output, never a torn one.
                Err(_) => {
                    assert_eq!(rows, (output.rows_for)(NEW), "{context}: {}", output.path);
                    versions.push(NEW);
                }
            }
        }
        versions
    };
    assert_eq!(check(&measured, "uninterrupted"), [NEW, NEW]);

    let mut rng = ChaCha8Rng::seed_from_u64(18);
    let mut killed = 0;
    for kill in 0..KILLS {
        let dir = scratch.path().join(format!("kill{kill}"));
        copy_dir(&pristine, &dir);
        let delay = length.mul_f64(rng.random_range(0.0..1.0));
        killed += usize::from(kill_after(&dir, &["run", "job.toml"], delay));
        let versions = check(&dir, &format!("kill {kill} after {delay:?}"));
        eprintln!("kill {kill} after {delay:?}: output versions {versions:?}");
        run_ok(&dir, &["run", "job.toml"]);
        assert_eq!(check(&dir, &format!("rerun after kill {kill}")), [NEW, NEW]);
    }
    eprintln!("run: {killed} of {KILLS} kills before the end (run of {length:?})");
}
