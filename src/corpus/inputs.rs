//! What the user named on the command line (files, folders, globs, `-`), expanded into
//! the list of inputs to read, each with its format.
//!
//! Contract: folders are walked recursively in name order, keeping `.jsonl`, `.ndjson`,
//! `.csv`, `.tsv`, `.tab`, `.txt`, `.md`, `.markdown` and the same with `.gz`, and skipping
//! hidden entries (`.git`); globs keep the matching files of those formats (symlinked
//! folders are not followed by either, see [`super::glob_walk`]); a file named explicitly
//! must have one of those extensions. A `.txt`/`.md` file reached through a folder or a
//! glob is read only when it opens with front matter (`---`): without it a file has no date
//! and cannot be a statement, and folders of statements hold `README.md` and notes; such
//! files are listed in [`InputSet::skipped`] (a file named explicitly is always read). A
//! pipe (`<(zcat ...)`, `/dev/stdin`, a named pipe) is read once, in the format of its name
//! or else as JSON Lines, as `-` is. A file reached twice (a path and a glob) is read once.
//! A name that matches nothing is an error before anything is read, so a typo never yields
//! an empty "successful" ingest.

use std::collections::HashSet;
use std::fs;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::CorpusError;
use super::glob_walk::glob_paths;
use super::open::decompress_if_gzip;

/// How the records of an input are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// A CSV table with a header row.
    Csv,
    /// A table with a header row whose fields are separated by tabs (`.tsv`, `.tab`).
    Tsv,
    /// One document per file: optional front matter, then the text.
    Text,
}

/// Where an input's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    /// Standard input (always JSON Lines, possibly gzip-compressed).
    Stdin,
    /// A file.
    File(PathBuf),
    /// Bytes already in memory, read as a file called `name` would be (gzip sniffed, a text
    /// file's default id taken from `name`): for callers that hold their inputs themselves,
    /// and for the fuzz targets and their replay test.
    Memory {
        /// The name used in messages.
        name: String,
        /// The contents.
        bytes: Arc<[u8]>,
    },
}

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Where to read.
    pub source: InputSource,
    /// How its records are laid out.
    pub format: Format,
    /// Its size on disk in bytes (compressed size for `.gz`), when known.
    pub size: Option<u64>,
}

impl Input {
    /// The name used in messages: the path as reached from what the user typed, or `-`.
    pub fn name(&self) -> String {
        match &self.source {
            InputSource::Stdin => "-".to_string(),
            InputSource::File(path) => path.display().to_string(),
            InputSource::Memory { name, .. } => name.clone(),
        }
    }

    /// An input of `format` read from `bytes` in memory, named `name` in messages.
    pub fn memory(name: &str, format: Format, bytes: impl Into<Arc<[u8]>>) -> Input {
        let bytes = bytes.into();
        Input {
            size: Some(bytes.len() as u64),
            source: InputSource::Memory {
                name: name.to_string(),
                bytes,
            },
            format,
        }
    }
}

/// The inputs to read, and the files passed over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputSet {
    /// Inputs in the order given (folders in name order).
    pub inputs: Vec<Input>,
    /// Text files found in folders or globs without front matter, not read.
    pub skipped: Vec<PathBuf>,
}

impl InputSet {
    /// Total size of the inputs in bytes, when every size is known (not for stdin).
    pub fn total_bytes(&self) -> Option<u64> {
        self.inputs.iter().map(|i| i.size).sum()
    }
}

/// The format of a file from its name (`.gz` is looked through), if it is one we read.
pub fn format_of(path: &Path) -> Option<Format> {
    // Bytes, not `str`: a name that is not UTF-8 (a CP1251 name from a Windows archive) has
    // an ASCII extension all the same.
    let name = path.file_name()?.as_encoded_bytes().to_ascii_lowercase();
    let name = name.strip_suffix(b".gz").unwrap_or(&name);
    let dot = name.iter().rposition(|&b| b == b'.')?;
    match &name[dot + 1..] {
        b"jsonl" | b"ndjson" => Some(Format::Jsonl),
        b"csv" => Some(Format::Csv),
        b"tsv" | b"tab" => Some(Format::Tsv),
        b"txt" | b"md" | b"markdown" => Some(Format::Text),
        _ => None,
    }
}

/// Expands files, folders, globs and `-` into inputs, in the order given.
pub fn expand_inputs(args: &[PathBuf]) -> Result<InputSet, CorpusError> {
    let mut set = InputSet::default();
    let mut seen = HashSet::new();
    let mut stdin_taken = false;
    for arg in args {
        if arg.as_os_str() == "-" {
            if !stdin_taken {
                stdin_taken = true;
                set.inputs.push(Input {
                    source: InputSource::Stdin,
                    format: Format::Jsonl,
                    size: None,
                });
            }
            continue;
        }
        let before = set.inputs.len();
        if arg.is_dir() {
            walk_folder(arg, &mut set, &mut seen)?;
        } else if arg.is_file() {
            let format = format_of(arg).ok_or_else(|| CorpusError::UnknownFormat {
                path: arg.display().to_string(),
            })?;
            push_file(arg, format, &mut set, &mut seen)?;
            continue;
        } else if is_glob(arg) {
            expand_glob(arg, &mut set, &mut seen)?;
        } else if is_pipe(arg) {
            // `<(zcat a.jsonl.gz)`, `/dev/stdin` fed by a pipe, a named pipe: read once, as
            // its name's format, else as JSON Lines (what `-` reads).
            if seen.insert(arg.clone()) {
                set.inputs.push(Input {
                    source: InputSource::File(arg.clone()),
                    format: format_of(arg).unwrap_or(Format::Jsonl),
                    size: None,
                });
            }
            continue;
        } else if arg.exists() {
            // A socket or a device (a terminal, a disk): nothing that holds records.
            return Err(CorpusError::Io {
                path: arg.display().to_string(),
                source: std::io::Error::other(
                    "not a file, folder or pipe (a device or socket): give `-` to read JSON \
                     Lines from standard input, or save it to a file first",
                ),
            });
        } else {
            return Err(CorpusError::Io {
                path: arg.display().to_string(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            });
        }
        if set.inputs.len() == before && !already_read(arg, &seen) {
            return Err(CorpusError::NoInput {
                pattern: arg.display().to_string(),
            });
        }
    }
    Ok(set)
}

/// Whether a folder or glob that added nothing new only matched files read already.
fn already_read(arg: &Path, seen: &HashSet<PathBuf>) -> bool {
    !seen.is_empty() && (arg.is_dir() || is_glob(arg)) && {
        let mut probe = InputSet::default();
        let mut fresh = HashSet::new();
        let found = if arg.is_dir() {
            walk_folder(arg, &mut probe, &mut fresh)
        } else {
            expand_glob(arg, &mut probe, &mut fresh)
        };
        found.is_ok() && !probe.inputs.is_empty()
    }
}

/// Whether `path` is a pipe (after symbolic links: `/dev/fd/63` of a process
/// substitution).
fn is_pipe(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

fn is_glob(path: &Path) -> bool {
    path.to_str().is_some_and(|s| s.contains(['*', '?', '[']))
}

fn push_file(
    path: &Path,
    format: Format,
    set: &mut InputSet,
    seen: &mut HashSet<PathBuf>,
) -> Result<(), CorpusError> {
    let io_error = |source| CorpusError::Io {
        path: path.display().to_string(),
        source,
    };
    let canonical = path.canonicalize().map_err(io_error)?;
    if seen.insert(canonical) {
        let size = fs::metadata(path).map_err(io_error)?.len();
        set.inputs.push(Input {
            source: InputSource::File(path.to_path_buf()),
            format,
            size: Some(size),
        });
    }
    Ok(())
}

/// A file met in a folder or a glob: read it, or pass over a text file without front matter.
fn push_found(
    path: &Path,
    format: Format,
    set: &mut InputSet,
    seen: &mut HashSet<PathBuf>,
) -> Result<(), CorpusError> {
    if format == Format::Text && !has_front_matter(path) {
        if !set.skipped.contains(&path.to_path_buf()) {
            set.skipped.push(path.to_path_buf());
        }
        return Ok(());
    }
    push_file(path, format, set, seen)
}

/// Whether a (possibly gzipped) text file starts with a `---` line; unreadable files are
/// kept, so that reading them reports the error.
fn has_front_matter(path: &Path) -> bool {
    let Ok(file) = fs::File::open(path) else {
        return true;
    };
    let Ok(reader) = decompress_if_gzip(Box::new(file)) else {
        return true;
    };
    let mut first = Vec::new();
    if reader.take(512).read_until(b'\n', &mut first).is_err() {
        return true;
    }
    let first = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&first);
    first.trim_ascii_end() == b"---"
}

fn walk_folder(
    dir: &Path,
    set: &mut InputSet,
    seen: &mut HashSet<PathBuf>,
) -> Result<(), CorpusError> {
    let io_error = |source| CorpusError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut entries = fs::read_dir(dir)
        .map_err(io_error)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(io_error)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Symlinked folders are not followed (they can loop); symlinked files are read.
        let is_real_dir = entry.file_type().map_err(io_error)?.is_dir();
        if is_real_dir {
            walk_folder(&path, set, seen)?;
        } else if path.is_file()
            && let Some(format) = format_of(&path)
        {
            push_found(&path, format, set, seen)?;
        }
    }
    Ok(())
}

fn expand_glob(
    pattern: &Path,
    set: &mut InputSet,
    seen: &mut HashSet<PathBuf>,
) -> Result<(), CorpusError> {
    let text = pattern.to_string_lossy();
    let paths = glob_paths(&text).map_err(|reason| CorpusError::BadGlob {
        pattern: text.to_string(),
        reason,
    })?;
    for path in paths {
        if path.is_dir() {
            walk_folder(&path, set, seen)?;
        } else if let Some(format) = format_of(&path) {
            push_found(&path, format, set, seen)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "---\nx").unwrap();
    }

    fn names(inputs: &[Input], root: &Path) -> Vec<String> {
        inputs
            .iter()
            .map(|i| match &i.source {
                InputSource::Stdin => "-".into(),
                InputSource::File(p) => p.strip_prefix(root).unwrap().display().to_string(),
                InputSource::Memory { name, .. } => name.clone(),
            })
            .collect()
    }

    #[test]
    fn formats_come_from_names_through_gz() {
        assert_eq!(format_of(Path::new("a.jsonl")), Some(Format::Jsonl));
        assert_eq!(format_of(Path::new("a.JSONL.gz")), Some(Format::Jsonl));
        assert_eq!(format_of(Path::new("a.csv.gz")), Some(Format::Csv));
        assert_eq!(format_of(Path::new("notes/a.md")), Some(Format::Text));
        assert_eq!(format_of(Path::new("a.txt.gz")), Some(Format::Text));
        assert_eq!(format_of(Path::new("a.gz")), None);
        assert_eq!(format_of(Path::new("a.pdf")), None);
        assert_eq!(format_of(Path::new("a.md.GZ")), Some(Format::Text));
    }

    #[test]
    fn folders_globs_files_and_stdin_mix_without_repeats() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in [
            "docs/b.md",
            "docs/a.txt",
            "docs/sub/c.txt.gz",
            "docs/.hidden/x.txt",
            "docs/skip.pdf",
            "one.jsonl",
            "two.csv",
            "three.jsonl.gz",
        ] {
            touch(&root.join(name));
        }
        let args = vec![
            root.join("one.jsonl"),
            PathBuf::from("-"),
            root.join("docs"),
            root.join("*.jsonl*"),
            root.join("two.csv"),
            root.join("docs/a.txt"),
        ];
        let set = expand_inputs(&args).unwrap();
        let inputs = &set.inputs;
        assert_eq!(
            names(inputs, root),
            [
                "one.jsonl",
                "-",
                "docs/a.txt",
                "docs/b.md",
                "docs/sub/c.txt.gz",
                "three.jsonl.gz",
                "two.csv"
            ]
        );
        assert_eq!(inputs[1].size, None);
        assert_eq!(inputs[0].size, Some(5));
        assert_eq!(inputs[4].format, Format::Text);
        assert_eq!(set.total_bytes(), None, "stdin has no size");
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_found_in_folders_and_globs() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("docs")).unwrap();
        // "речь" in CP1251, as a Windows archive names it.
        let name = std::ffi::OsStr::from_bytes(b"\xf0\xe5\xf7\xfc.jsonl");
        touch(&root.join("docs").join(name));
        touch(&root.join("docs/plain.md"));
        for arg in [root.join("docs"), root.join("docs/*.jsonl")] {
            let set = expand_inputs(std::slice::from_ref(&arg)).unwrap();
            let jsonl: Vec<_> = set
                .inputs
                .iter()
                .filter(|i| i.format == Format::Jsonl)
                .collect();
            assert_eq!(jsonl.len(), 1, "{arg:?}");
            assert!(
                matches!(&jsonl[0].source, InputSource::File(p) if p.file_name() == Some(name))
            );
        }
    }

    #[test]
    fn text_files_without_front_matter_are_skipped_in_folders_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("notes/statement.md"));
        fs::write(root.join("notes/README.md"), "# About these notes\n").unwrap();
        let set = expand_inputs(&[root.join("notes")]).unwrap();
        assert_eq!(names(&set.inputs, root), ["notes/statement.md"]);
        assert_eq!(set.skipped, [root.join("notes/README.md")]);
        let globbed = expand_inputs(&[root.join("notes/*.md")]).unwrap();
        assert_eq!(globbed.skipped.len(), 1);
        let named = expand_inputs(&[root.join("notes/README.md")]).unwrap();
        assert_eq!(named.inputs.len(), 1, "a file named explicitly is read");
        assert!(named.skipped.is_empty());
    }

    #[test]
    fn names_that_match_nothing_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = expand_inputs(&[dir.path().join("nope.jsonl")]).unwrap_err();
        assert!(missing.to_string().contains("nope.jsonl"), "{missing}");
        let empty_glob = expand_inputs(&[dir.path().join("*.csv")]).unwrap_err();
        assert!(
            matches!(empty_glob, CorpusError::NoInput { .. }),
            "{empty_glob}"
        );
        fs::create_dir(dir.path().join("empty")).unwrap();
        let empty_dir = expand_inputs(&[dir.path().join("empty")]).unwrap_err();
        assert!(matches!(empty_dir, CorpusError::NoInput { .. }));
        touch(&dir.path().join("report.pdf"));
        let unknown = expand_inputs(&[dir.path().join("report.pdf")]).unwrap_err();
        assert!(unknown.to_string().contains(".jsonl"), "{unknown}");
        assert!(
            missing.to_string().contains("no such file or folder"),
            "{missing}"
        );
    }

    /// A named pipe at `dir/name`, or `None` where `mkfifo` is missing (allowed off CI).
    #[cfg(unix)]
    fn fifo(dir: &Path, name: &str) -> Option<PathBuf> {
        let pipe = dir.join(name);
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        if !made.is_ok_and(|status| status.success()) {
            assert!(std::env::var_os("CI").is_none(), "mkfifo is missing");
            return None;
        }
        Some(pipe)
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_read_once_in_its_names_format_or_as_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let Some(csv) = fifo(dir.path(), "docs.csv") else {
            return;
        };
        let bare = fifo(dir.path(), "63").unwrap();
        let set = expand_inputs(&[csv.clone(), bare.clone(), csv.clone()]).unwrap();
        let read: Vec<(InputSource, Format, Option<u64>)> = set
            .inputs
            .into_iter()
            .map(|i| (i.source, i.format, i.size))
            .collect();
        assert_eq!(
            read,
            [
                (InputSource::File(csv), Format::Csv, None),
                (InputSource::File(bare), Format::Jsonl, None),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_as_not_a_file_folder_or_pipe() {
        let err = expand_inputs(&[PathBuf::from("/dev/null")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("/dev/null: not a file, folder or pipe (a device or socket): give `-`"),
            "{err}"
        );
    }
}
