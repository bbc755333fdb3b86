//! Where a job may write: output paths are confined to the job's output folder and never
//! enter an index.
//!
//! A job file comes from a colleague or a repository as often as from its user, and an
//! output path such as `indexes/x/meta.json` or `../../.bashrc` would destroy an index or
//! any file the user can write, with exit 0. So every output (already resolved against
//! `out_dir` and cleaned lexically) must lie inside `out_dir`, unless the job sets
//! `allow_outside_out_dir = true`; and no output may lie inside an index, whatever the
//! setting: neither inside the job's own index (which may not exist yet) nor in any
//! existing folder that holds a Tantivy or statemine index. Nor may an output be a file
//! the job reads (an input, the theme file, its model, the speakers, periods, validation or
//! gold files), or lie where the job's next ingest would read it as documents (inside an
//! input folder, or matched by an input glob, with an extension ingest reads): the run
//! would replace its own data, and the next one would fail on it or count it.

use std::path::{Component, Path, PathBuf};

use crate::corpus::format_of;
use crate::index::IndexStore;

/// A path a job reads, under the job-file key that names it.
#[derive(Debug, Clone)]
pub(crate) enum JobRead {
    /// A file (or a path read as one, whether it exists yet or not).
    File { key: String, path: PathBuf },
    /// An input folder: ingest reads every file in it with a known extension.
    Folder { key: String, path: PathBuf },
    /// An input glob.
    Glob { key: String, pattern: String },
}

impl JobRead {
    /// The input `path` under `key`: a glob when it has wildcards, a folder when it is one.
    pub(crate) fn input(key: String, path: PathBuf) -> JobRead {
        let text = path.to_string_lossy();
        if text.contains(['*', '?', '[']) {
            JobRead::Glob {
                key,
                pattern: text.into_owned(),
            }
        } else if path.is_dir() {
            JobRead::Folder { key, path }
        } else {
            JobRead::File { key, path }
        }
    }
}

/// Why the output `path` would overwrite or feed something in `reads`, if it would.
pub(crate) fn refuse_read(path: &Path, reads: &[JobRead]) -> Option<String> {
    let ingested = format_of(path).is_some();
    reads.iter().find_map(|read| match read {
        JobRead::File { key, path: read } if same_file(path, read) => Some(format!(
            "is the file the job reads as `{key}` ({}): give each output its own file",
            read.display()
        )),
        JobRead::Folder { key, path: folder } if ingested && inside(path, folder) => Some(format!(
            "lies in the input folder {} (`{key}`): the next run would ingest it as \
                 documents",
            folder.display()
        )),
        JobRead::Glob { key, pattern }
            if ingested
                && glob::Pattern::new(pattern)
                    .is_ok_and(|p| p.matches(&path.to_string_lossy())) =>
        {
            Some(format!(
                "matches the input `{pattern}` (`{key}`): the next run would ingest it as \
                 documents"
            ))
        }
        _ => None,
    })
}

/// Whether two cleaned paths name one file: the same text, or, when both exist, the same
/// file once links and relative parts are resolved.
fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (a.canonicalize(), b.canonicalize()),
            (Ok(a), Ok(b)) if a == b
        )
}

/// Why `path` may not be written by a job, if it may not.
pub(crate) fn refuse_output(
    path: &Path,
    out_dir: &Path,
    index: &Path,
    allow_outside: bool,
) -> Option<String> {
    if inside(path, index) {
        return Some(format!(
            "resolves to {}, inside the job's index {}: outputs never go into an index",
            path.display(),
            index.display()
        ));
    }
    if let Some(dir) = IndexStore::enclosing_index(path) {
        return Some(format!(
            "resolves to {}, inside the index {}: outputs never go into an index",
            path.display(),
            dir.display()
        ));
    }
    if !allow_outside && !inside(path, out_dir) {
        return Some(format!(
            "resolves to {}, outside the output folder {} (set `allow_outside_out_dir = true` \
             in the job to allow it)",
            path.display(),
            out_dir.display()
        ));
    }
    None
}

/// Whether the cleaned `path` lies inside the cleaned `dir` (`.` holds every relative path
/// that does not climb out with `..`).
fn inside(path: &Path, dir: &Path) -> bool {
    if dir == Path::new(".") {
        return path.is_relative()
            && !matches!(path.components().next(), Some(Component::ParentDir));
    }
    path.starts_with(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_stay_in_the_output_folder_unless_allowed() {
        let (out, index) = (Path::new("out"), Path::new("indexes/main"));
        assert_eq!(
            refuse_output(Path::new("out/t.csv"), out, index, false),
            None
        );
        assert_eq!(
            refuse_output(Path::new("out/a/t.csv"), out, index, false),
            None
        );
        let here = Path::new(".");
        assert_eq!(refuse_output(Path::new("t.csv"), here, index, false), None);
        assert!(refuse_output(Path::new("../t.csv"), here, index, false).is_some());
        for outside in ["../../etc/t.csv", "/tmp/t.csv", "t.csv", "outer/t.csv"] {
            let reason = refuse_output(Path::new(outside), out, index, false).unwrap();
            assert!(reason.contains("outside the output folder"), "{reason}");
            assert_eq!(refuse_output(Path::new(outside), out, index, true), None);
        }
    }

    #[test]
    fn outputs_never_enter_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("indexes/other");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("meta.json"), "{}").unwrap();
        let own = dir.path().join("indexes/main");
        for (path, allow) in [
            (own.join("t.csv"), true),
            (other.join("meta.json"), true),
            (other.join("sub/t.csv"), false),
        ] {
            let reason = refuse_output(&path, dir.path(), &own, allow).unwrap();
            assert!(
                reason.contains("outputs never go into an index"),
                "{reason}"
            );
        }
    }
}
