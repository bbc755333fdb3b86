//! Gold files: paragraphs labelled by hand with theme ids (the format of
//! `../shared/gold/README.md`: one JSON object per line with `doc_id`, `para`, `themes`,
//! and optionally `text`, `speaker_role`, `note`).
//!
//! Contract: every paragraph keeps its file and 1-based line, so every later complaint
//! about it (an unknown theme id, a paragraph the index does not hold) names `FILE:LINE`;
//! a malformed line or a theme id the theme file does not define is an error, never a
//! skipped line.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::{ThemeError, ThemeSet};
use crate::text::json_line::json_line_reason;

/// One labelled paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GoldParagraph {
    /// Document id.
    pub doc_id: String,
    /// 0-based paragraph index (text split on `\n`).
    pub para: usize,
    /// Theme ids the paragraph carries (usually none).
    #[serde(default)]
    pub themes: Vec<String>,
    /// The paragraph text, when the file has it (for error listings).
    #[serde(default)]
    pub text: String,
    /// The file the label comes from (empty for labels built in code).
    #[serde(skip)]
    pub file: Arc<PathBuf>,
    /// Its 1-based line in that file (0 for labels built in code).
    #[serde(skip)]
    pub line: usize,
}

impl GoldParagraph {
    /// `FILE:LINE` of the label (`doc_id para N` for labels built in code).
    pub fn location(&self) -> String {
        if self.line == 0 {
            format!("{} para {}", self.doc_id, self.para)
        } else {
            format!("{}:{}", self.file.display(), self.line)
        }
    }
}

/// Reads a gold file (JSON Lines).
pub fn read_gold(path: &Path) -> Result<Vec<GoldParagraph>, ThemeError> {
    let io = |source| ThemeError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let shared = Arc::new(path.to_path_buf());
    let mut out = Vec::new();
    // A paragraph labelled twice would count twice in the file's own scores.
    let mut first_line: std::collections::HashMap<(String, usize), usize> =
        std::collections::HashMap::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io)?;
        if line.trim().is_empty() {
            continue;
        }
        let mut record: GoldParagraph =
            serde_json::from_str(&line).map_err(|e| ThemeError::Gold {
                path: path.to_path_buf(),
                line: i + 1,
                reason: json_line_reason(&e),
            })?;
        if let Some(first) = first_line.insert((record.doc_id.clone(), record.para), i + 1) {
            return Err(ThemeError::Gold {
                path: path.to_path_buf(),
                line: i + 1,
                reason: format!(
                    "paragraph {} of `{}` is labelled twice (first on line {first}): give \
                     each paragraph one line",
                    record.para, record.doc_id
                ),
            });
        }
        record.file = Arc::clone(&shared);
        record.line = i + 1;
        out.push(record);
    }
    Ok(out)
}

/// Checks that every theme id of `gold` is defined in `set`: the first label naming an
/// unknown id is an error at its `FILE:LINE`, with the ids the set has.
pub fn check_gold_themes(set: &ThemeSet, gold: &[GoldParagraph]) -> Result<(), ThemeError> {
    for g in gold {
        if let Some(unknown) = g.themes.iter().find(|t| set.theme(t).is_none()) {
            return Err(ThemeError::Gold {
                path: g.file.to_path_buf(),
                line: g.line,
                reason: format!(
                    "themes: `{unknown}` is no theme of `{}` (it has: {})",
                    set.name,
                    set.id_list()
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> ThemeSet {
        let text = "name = \"t\"\n[[theme]]\nid = \"a\"\n[theme.en]\npatterns = [\"x\"]\n";
        ThemeSet::from_toml(Path::new("t.toml"), text).unwrap()
    }

    #[test]
    fn a_paragraph_labelled_twice_in_one_file_is_an_error_at_its_second_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.jsonl");
        std::fs::write(
            &path,
            "{\"doc_id\":\"d\",\"para\":0,\"themes\":[]}\n{\"doc_id\":\"d\",\"para\":1,\"themes\":[]}\n{\"doc_id\":\"d\",\"para\":0,\"themes\":[\"a\"]}\n",
        )
        .unwrap();
        let err = read_gold(&path).unwrap_err().to_string();
        assert!(
            err.contains("g.jsonl:3") && err.contains("labelled twice (first on line 1)"),
            "{err}"
        );
    }

    #[test]
    fn lines_are_kept_and_bad_lines_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.jsonl");
        std::fs::write(
            &path,
            "{\"doc_id\":\"d\",\"para\":0,\"themes\":[\"a\"]}\n\n{\"doc_id\":\"d\",\"para\":2}\n",
        )
        .unwrap();
        let gold = read_gold(&path).unwrap();
        assert_eq!(gold.len(), 2);
        assert_eq!(gold[1].line, 3);
        assert_eq!(gold[1].location(), format!("{}:3", path.display()));
        assert!(check_gold_themes(&set(), &gold).is_ok());

        std::fs::write(&path, "{\"doc_id\":\"d\",\"para\":0}\n{\"doc_id\":\"d\"}\n").unwrap();
        let err = read_gold(&path).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{}:2: ", path.display())), "{err}");
    }

    #[test]
    fn an_unknown_theme_id_is_an_error_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.jsonl");
        std::fs::write(
            &path,
            "{\"doc_id\":\"d\",\"para\":0,\"themes\":[\"a\"]}\n{\"doc_id\":\"d\",\"para\":1,\"themes\":[\"b\"]}\n",
        )
        .unwrap();
        let gold = read_gold(&path).unwrap();
        let err = check_gold_themes(&set(), &gold).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{}:2: themes: `b`", path.display())),
            "{err}"
        );
        assert!(err.contains("it has: a"), "{err}");
    }
}
