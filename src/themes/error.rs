//! Errors of the theme stage.
//!
//! A theme file is validated as a whole: every problem found is kept as a [`Problem`]
//! (file, line, theme, language, pattern, reason) and reported together, so one run of
//! `statemine themes test` shows everything to fix.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong in a theme file (or an imported dictionary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub path: PathBuf,
    /// 1-based line, when known (always known for TOML files).
    pub line: Option<usize>,
    /// The theme id concerned, if any.
    pub theme: Option<String>,
    /// The language table concerned (`en`, `ru`), if any.
    pub lang: Option<String>,
    /// The pattern as written, if one is to blame.
    pub pattern: Option<String>,
    /// What is wrong, in words.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(":")?;
        if let Some(theme) = &self.theme {
            write!(f, " theme `{theme}`")?;
            if let Some(lang) = &self.lang {
                write!(f, " [{lang}]")?;
            }
            f.write_str(":")?;
        }
        if let Some(pattern) = &self.pattern {
            write!(f, " pattern `{pattern}`:")?;
        }
        write!(f, " {}", self.reason)
    }
}

/// A theme file is invalid, or themes could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// A theme file, dictionary or gold file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The theme file (or imported dictionary) has problems; each names file, line, theme
    /// and pattern.
    #[error("{} problem(s) in {}:\n{}", problems.len(), path.display(), list(problems))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// The theme file's extension names no supported format.
    #[error(
        "{path}: unknown theme file format (use .toml, a quanteda .yml/.yaml dictionary or a LIWC .dic)"
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// A theme id was asked for that the theme set does not define.
    #[error("no theme `{theme}` in {set} (themes: {available})")]
    UnknownTheme {
        /// The id asked for.
        theme: String,
        /// The theme set's name.
        set: String,
        /// The ids it defines, comma-separated.
        available: String,
    },
    /// A line of a gold file is malformed.
    #[error("{path}:{line}: {reason}")]
    Gold {
        /// The gold file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// An evaluation cannot be run as asked.
    #[error("{reason}")]
    Eval {
        /// What is wrong.
        reason: String,
    },
    /// A kwic sort order is not a list of known keys.
    #[error("--sort `{spec}`: {reason}")]
    KwicSort {
        /// The order as given.
        spec: String,
        /// What is wrong.
        reason: String,
    },
    /// A model file cannot be read as one.
    #[error("{path}: not a model file: {reason}")]
    ModelFile {
        /// The model file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A model file does not fit the theme file that names it.
    #[error("{model} does not fit the theme file {themes}: {reason}")]
    ModelMismatch {
        /// The model file.
        model: PathBuf,
        /// The theme file.
        themes: PathBuf,
        /// What differs.
        reason: String,
    },
    /// The compiled matcher could not be built (too many or too large patterns).
    #[error("cannot compile the theme set: {reason}")]
    Compile {
        /// What the engine reported.
        reason: String,
    },
    /// A count selects documents of a language the matcher was not compiled for
    /// ([`crate::themes::Matcher::for_langs`]): they would get no matches.
    #[error(
        "the theme matcher was compiled for {compiled} only, and the count selects {lang} documents: compile it for every language the count selects"
    )]
    LangNotCompiled {
        /// The language the count selects.
        lang: crate::document::Lang,
        /// The languages the matcher was compiled for.
        compiled: String,
    },
    /// A query term (`--term`) is not a valid query.
    #[error("term `{term}`: {source}")]
    Term {
        /// The term as given.
        term: String,
        /// What is wrong with its query.
        #[source]
        source: crate::query::QueryError,
    },
    /// A query term (`--term`) has no positive word searched in paragraph text, so it could
    /// never match.
    #[error(
        "term `{term}`: no word of it is searched in the text (`title:` words and `speaker:`, \
         `source:`, `kind:`, `lang:`, `tag:` select documents, and a term counts its words in \
         their paragraphs): add the words to count, e.g. `sanctions {term}`"
    )]
    TermWithoutText {
        /// The term as given.
        term: String,
    },
    /// Building a result table failed.
    #[error("cannot build the table: {0}")]
    Table(#[from] polars::error::PolarsError),
    /// Serialising a converted theme file failed.
    #[error("cannot write the theme file as TOML: {0}")]
    Serialize(#[from] toml::ser::Error),
}

impl ThemeError {
    /// A single-problem [`ThemeError::Invalid`].
    pub(crate) fn one(problem: Problem) -> ThemeError {
        ThemeError::Invalid {
            path: problem.path.clone(),
            problems: vec![problem],
        }
    }
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_names_file_line_theme_and_pattern() {
        let problem = Problem {
            path: "t.toml".into(),
            line: Some(12),
            theme: Some("us_blame".into()),
            lang: Some("en".into()),
            pattern: Some("~ sanction".into()),
            reason: "a phrase cannot start with a gap".into(),
        };
        assert_eq!(
            problem.to_string(),
            "t.toml:12: theme `us_blame` [en]: pattern `~ sanction`: a phrase cannot start with a gap"
        );
    }
}
