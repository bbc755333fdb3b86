//! The harness of the integration tests: run the real binary (a small builder), build a
//! fixture index once per test binary, and find the fixtures and the shared data.
//!
//! Every run starts from the repository root, without `STATEMINE_INDEX` and with
//! `NO_COLOR`, so a test sees what a script would see. Shared data (`../shared`) is
//! required: a test that needs it fails, naming the missing file, rather than skipping.

// Each test binary compiles this module and uses a part of it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use tempfile::TempDir;

/// The repository root (where `Cargo.toml` is).
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// What one run of the binary printed and returned.
#[derive(Debug)]
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

impl Run {
    /// The first line of stdout (a summary line).
    pub fn summary(&self) -> &str {
        self.stdout.lines().next().unwrap_or("")
    }

    /// Stdout as one JSON value.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    /// Stdout as JSON lines.
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// The string `key` of every JSON line of stdout, in order.
    pub fn strings(&self, key: &str) -> Vec<String> {
        self.json_lines()
            .iter()
            .map(|line| {
                line[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("no string `{key}` in {line}"))
                    .to_string()
            })
            .collect()
    }

    /// Asserts exit code 0 (showing stderr otherwise) and returns the run.
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        self
    }

    /// Asserts exit code 2 with `message` somewhere in stderr, and returns the run.
    pub fn fails_with(self, message: &str) -> Run {
        assert_eq!(self.code, 2, "stderr: {}", self.stderr);
        assert!(
            self.stderr.contains(message),
            "expected `{message}` in stderr:\n{}",
            self.stderr
        );
        self
    }
}

/// A run of the binary being set up: `Statemine::new().args([...]).run()`.
pub struct Statemine {
    command: std::process::Command,
    stdin: Vec<u8>,
}

impl Statemine {
    /// The binary ([`binary`]), from the repository root, without `STATEMINE_INDEX`, with
    /// `NO_COLOR`.
    pub fn new() -> Statemine {
        let mut command = std::process::Command::new(binary());
        command
            .current_dir(ROOT)
            .env_remove("STATEMINE_INDEX")
            .env("NO_COLOR", "1");
        Statemine {
            command,
            stdin: Vec::new(),
        }
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Statemine
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    /// Adds one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Statemine {
        self.command.arg(arg);
        self
    }

    /// Runs in `dir` instead of the repository root.
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Statemine {
        self.command.current_dir(dir);
        self
    }

    /// Feeds `bytes` on standard input (empty by default).
    pub fn stdin(mut self, bytes: &[u8]) -> Statemine {
        self.stdin = bytes.to_vec();
        self
    }

    /// Runs the binary to the end.
    pub fn run(self) -> Run {
        let output = assert_cmd::Command::from_std(self.command)
            .write_stdin(self.stdin)
            .output()
            .unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// The path of the binary under test: `$STATEMINE_TEST_BIN` when set (in a target
/// directory shared by several checkouts, `target/debug/statemine` may be another
/// checkout's build by the time the tests run), else the one Cargo built.
pub fn binary() -> PathBuf {
    std::env::var_os("STATEMINE_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| assert_cmd::cargo::cargo_bin!("statemine").to_path_buf())
}

/// Runs `script` with `sh -c`, the binary as `$0` and `args` as `$1`, `$2`, ..., from the
/// repository root without `STATEMINE_INDEX` and with `NO_COLOR` (as [`Statemine::new`]):
/// for runs that need a limit or a signal disposition set before `exec "$0"`.
pub fn run_in_shell<I, S>(script: &str, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = std::process::Command::new("sh");
    command
        .current_dir(ROOT)
        .env_remove("STATEMINE_INDEX")
        .env("NO_COLOR", "1")
        .arg("-c")
        .arg(script)
        .arg(binary())
        .args(args);
    let output = command.output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the binary with `args` (see [`Statemine::new`]).
pub fn statemine<S: AsRef<OsStr>>(args: &[S]) -> Run {
    Statemine::new().args(args).run()
}

/// `tests/fixtures/GROUP/NAME`.
pub fn fixture(group: &str, name: &str) -> PathBuf {
    Path::new(ROOT)
        .join("tests/fixtures")
        .join(group)
        .join(name)
}

/// A file of the shared data (`../shared/FILE` beside the repository, or one level further
/// up from a worktree); a missing one fails the test, naming it.
pub fn shared(file: &str) -> PathBuf {
    let candidates = [
        Path::new(ROOT).join("../shared").join(file),
        Path::new(ROOT).join("../../shared").join(file),
    ];
    candidates
        .iter()
        .find(|p| p.exists())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "shared data missing: {} (the tests need ../shared beside the repository)",
                candidates[0].display()
            )
        })
}

/// Splits the lines of `file` in two halves, written to `a.jsonl` and `b.jsonl` in `dir`
/// (two gold files from one).
pub fn split_in_two(file: &Path, dir: &Path) -> (PathBuf, PathBuf) {
    let text = std::fs::read_to_string(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (a, b) = lines.split_at(lines.len() / 2);
    let (first, second) = (dir.join("a.jsonl"), dir.join("b.jsonl"));
    std::fs::write(&first, a.join("\n")).unwrap();
    std::fs::write(&second, b.join("\n")).unwrap();
    (first, second)
}

/// Ingests `inputs` quietly into the index at `index` and asserts that it succeeded.
pub fn ingest<P: AsRef<Path>>(index: &Path, inputs: &[P]) {
    Statemine::new()
        .args(["ingest", "--quiet", "--index"])
        .arg(index)
        .args(inputs.iter().map(AsRef::as_ref))
        .run()
        .ok();
}

/// An index of `inputs` in a new temporary directory, built at most once per `cell` (that
/// is, once per test binary when `cell` is a `static`).
pub fn cached_index<P: AsRef<Path>>(
    cell: &'static OnceLock<(TempDir, PathBuf)>,
    inputs: &[P],
) -> &'static Path {
    &cell
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let index = dir.path().join("index");
            ingest(&index, inputs);
            (dir, index)
        })
        .1
}

/// Data rows of the CSV file at `path` (quoted newlines inside cells count once).
pub fn csv_rows(path: &Path) -> usize {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut rows = 0;
    for record in reader.records() {
        record.unwrap();
        rows += 1;
    }
    rows
}
