//! Path globs (`notes/**/*.md`) expanded without following symlinked folders.
//!
//! The `glob` crate follows every symlinked folder, so `**` in a folder holding two
//! symlinks to itself visits 2^depth paths and never ends in practice. Here the folders
//! are walked from the pattern's literal start (the components before the first wildcard),
//! as the folder walk of `corpus::inputs` does, never descending into a symlinked folder,
//! and each path met is matched against the whole pattern with `glob::Pattern` (`*`, `?`
//! and `[...]` stay within one component, `**` spans any number). Without `**` the walk
//! stops at the pattern's depth. A symlink that itself matches is still returned, so a
//! pattern can name a linked folder or file directly.

use std::fs;
use std::path::{Path, PathBuf};

use glob::{MatchOptions, Pattern};

/// The paths matching `pattern`, sorted; `Err` with a reason when the pattern is invalid.
pub(crate) fn glob_paths(pattern: &str) -> Result<Vec<PathBuf>, String> {
    let compiled = Pattern::new(pattern).map_err(|e| e.msg.to_string())?;
    let path = Path::new(pattern);
    let mut base = PathBuf::new();
    let mut rest = Vec::new();
    for component in path.components() {
        let text = component.as_os_str().to_string_lossy();
        if rest.is_empty() && !text.contains(['*', '?', '[']) {
            base.push(component.as_os_str());
        } else {
            rest.push(text.into_owned());
        }
    }
    let max_depth = if rest.iter().any(|c| c == "**") {
        usize::MAX
    } else {
        rest.len()
    };
    let start = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base.clone()
    };
    let options = MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: false,
    };
    let mut found = Vec::new();
    walk(&start, &base, 1, max_depth, &mut |candidate: &Path| {
        // Matched as (lossy) text: `matches_path_with` refuses every name that is not
        // UTF-8, which would drop a CP1251 file name silently.
        if compiled.matches_with(&candidate.to_string_lossy(), options) {
            found.push(candidate.to_path_buf());
        }
    });
    found.sort();
    Ok(found)
}

/// Calls `visit` on every entry under `dir` down to `max_depth` levels, descending only
/// into real folders; `shown` is `dir` as the pattern writes it (empty for the current
/// folder, so that `*.md` meets `a.md`, not `./a.md`). Unreadable folders are passed
/// over, as `glob` does.
fn walk(dir: &Path, shown: &Path, depth: usize, max_depth: usize, visit: &mut dyn FnMut(&Path)) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = shown.join(entry.file_name());
        visit(&path);
        let real_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if real_dir && depth < max_depth {
            walk(&entry.path(), &path, depth + 1, max_depth, visit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(paths: &[PathBuf], root: &Path) -> Vec<String> {
        paths
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn wildcards_match_like_glob() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in ["a.md", "b.txt", "sub/c.md", "sub/deep/d.md"] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "x").unwrap();
        }
        let glob = |p: &str| glob_paths(&root.join(p).display().to_string()).unwrap();
        assert_eq!(names(&glob("*.md"), root), ["a.md"]);
        assert_eq!(
            names(&glob("**/*.md"), root),
            ["a.md", "sub/c.md", "sub/deep/d.md"]
        );
        assert_eq!(names(&glob("s?b/*.md"), root), ["sub/c.md"]);
        assert_eq!(names(&glob("*"), root), ["a.md", "b.txt", "sub"]);
        assert!(glob_paths("[").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_folders_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("notes")).unwrap();
        fs::write(root.join("notes/a.md"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("notes"), root.join("notes/loop1")).unwrap();
        std::os::unix::fs::symlink(root.join("notes"), root.join("notes/loop2")).unwrap();
        let found = glob_paths(&root.join("notes/**/*.md").display().to_string()).unwrap();
        assert_eq!(names(&found, root), ["notes/a.md"]);
    }
}
