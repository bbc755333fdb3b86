//! LIWC `.dic` dictionaries: a `%`-delimited header of category ids and names, then one
//! word per line followed by the ids of its categories.
//!
//! ```text
//! %
//! 1<TAB>negemo
//! 2<TAB>certain
//! %
//! hate*<TAB>1
//! always<TAB>2
//! kind of<TAB>2
//! ```
//!
//! Each category becomes a theme named after it. Fields are tab-separated (a line without
//! tabs is split on spaces: trailing category ids, the words before them). LIWC 2007
//! conditional entries such as `(02 134)126/253` are skipped with a warning.

use std::collections::HashMap;
use std::path::Path;

use super::{Imported, dictionary_name, theme, theme_id, value_to_pattern};
use crate::document::Lang;
use crate::themes::file::{PatternSpec, ThemeFile};
use crate::themes::{Problem, ThemeError};

/// Converts a LIWC dictionary (`text`, read from `path`) to a theme file whose themes have
/// patterns in each of `langs`.
pub fn liwc(path: &Path, text: &str, langs: &[Lang]) -> Result<Imported, ThemeError> {
    let problem = |line: usize, reason: String| {
        ThemeError::one(Problem {
            path: path.to_path_buf(),
            line: Some(line),
            theme: None,
            lang: None,
            pattern: None,
            reason,
        })
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_start_matches('\u{feff}').trim_end()))
        .filter(|(_, l)| !l.trim().is_empty());
    match lines.next() {
        Some((_, "%")) => {}
        Some((n, _)) => {
            return Err(problem(
                n,
                "a LIWC dictionary starts with a `%` line".into(),
            ));
        }
        None => return Err(problem(1, "empty dictionary".into())),
    }
    // Category id -> (name, patterns), in header order.
    let mut order: Vec<String> = Vec::new();
    let mut categories: HashMap<String, (String, Vec<PatternSpec>)> = HashMap::new();
    let mut by_name: HashMap<String, String> = HashMap::new();
    let mut header_closed = false;
    for (n, line) in lines.by_ref() {
        if line.trim() == "%" {
            header_closed = true;
            break;
        }
        let mut fields = line.split_whitespace();
        let (Some(id), Some(name)) = (fields.next().map(canonical_id), fields.next()) else {
            return Err(problem(n, format!("expected `ID<TAB>NAME`, got `{line}`")));
        };
        let id = id.as_str();
        if categories.contains_key(id) {
            return Err(problem(n, format!("category id {id} is defined twice")));
        }
        order.push(id.to_string());
        by_name.insert(name.to_lowercase(), id.to_string());
        categories.insert(id.to_string(), (name.to_string(), Vec::new()));
    }
    if !header_closed {
        return Err(problem(
            text.lines().count().max(1),
            "the category header is not closed by a second `%` line".into(),
        ));
    }
    let mut warnings = Vec::new();
    for (n, line) in lines {
        let (words, cats): (String, Vec<&str>) = if line.contains('\t') {
            let mut fields = line.split('\t').map(str::trim).filter(|f| !f.is_empty());
            let words = fields.next().unwrap_or_default().to_string();
            (words, fields.flat_map(str::split_whitespace).collect())
        } else {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let first_cat = fields
                .iter()
                .position(|f| categories.contains_key(&canonical_id(f)))
                .unwrap_or(fields.len());
            (fields[..first_cat].join(" "), fields[first_cat..].to_vec())
        };
        let pattern = match value_to_pattern(&words) {
            Ok(p) => p,
            Err(reason) => {
                warnings.push(format!("line {n}: `{words}`: {reason}: skipped"));
                continue;
            }
        };
        for cat in cats {
            if cat.contains(['(', ')', '/']) {
                warnings.push(format!(
                    "line {n}: `{words}`: conditional category `{cat}` is not supported: ignored"
                ));
                continue;
            }
            let id = if categories.contains_key(&canonical_id(cat)) {
                canonical_id(cat)
            } else if let Some(id) = by_name.get(&cat.to_lowercase()) {
                id.clone()
            } else {
                warnings.push(format!(
                    "line {n}: `{words}`: category `{cat}` is not in the header: ignored"
                ));
                continue;
            };
            if let Some((_, patterns)) = categories.get_mut(&id)
                && !patterns.contains(&pattern)
            {
                patterns.push(pattern.clone());
            }
        }
    }
    let mut file = ThemeFile {
        name: dictionary_name(path),
        version: String::new(),
        description: format!("Converted from the LIWC dictionary {}", path.display()),
        ..ThemeFile::default()
    };
    for id in order {
        let Some((name, patterns)) = categories.remove(&id) else {
            continue;
        };
        if patterns.is_empty() {
            warnings.push(format!("category `{name}` has no words: skipped"));
            continue;
        }
        file.themes.push(toml::Spanned::new(
            0..0,
            theme(&theme_id(&name), &patterns, langs),
        ));
    }
    Ok(Imported { file, warnings })
}

/// `02` and `2` name the same category.
fn canonical_id(id: &str) -> String {
    id.parse::<u64>()
        .map_or_else(|_| id.to_string(), |n| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIC: &str = "%\n1\tnegemo\n2\tcertain\n3\tunused\n%\nhate*\t1\nalways\t2\nkind of\t2 1\nlike\t02 (02 134)126/253\nsure 2\n";

    #[test]
    fn categories_become_themes_with_their_words() {
        let imported = liwc(Path::new("x.dic"), DIC, &[Lang::En, Lang::Ru]).unwrap();
        let themes: Vec<(String, Vec<String>)> = imported
            .file
            .themes
            .iter()
            .map(|t| {
                let t = t.get_ref();
                let words = t.en.as_ref().unwrap().get_ref().patterns.iter();
                (
                    t.id.get_ref().clone(),
                    words
                        .map(|p| p.get_ref().0.phrase.clone().unwrap())
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            themes,
            [
                (
                    "negemo".to_string(),
                    vec!["hate*".to_string(), "=kind =of".into()]
                ),
                (
                    "certain".to_string(),
                    vec![
                        "=always".to_string(),
                        "=kind =of".into(),
                        "=like".into(),
                        "=sure".into()
                    ]
                ),
            ]
        );
        assert!(imported.file.themes[0].get_ref().ru.is_some());
        assert_eq!(imported.warnings.len(), 3, "{:?}", imported.warnings);
        assert!(
            imported
                .warnings
                .iter()
                .any(|w| w.contains("line 9") && w.contains("conditional"))
        );
        assert!(imported.warnings.iter().any(|w| w.contains("unused")));
    }

    #[test]
    fn a_missing_header_is_an_error_with_a_line() {
        let err = liwc(Path::new("x.dic"), "hate*\t1\n", &[Lang::En])
            .unwrap_err()
            .to_string();
        assert!(err.contains("x.dic:1:"), "{err}");
        let err = liwc(Path::new("x.dic"), "%\n1\tneg\n", &[Lang::En])
            .unwrap_err()
            .to_string();
        assert!(err.contains("not closed"), "{err}");
    }
}
