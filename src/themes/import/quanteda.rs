//! quanteda YAML dictionaries: nested keys are themes, lists of glob values are patterns.
//!
//! ```yaml
//! economy:
//!   taxes: [tax*, taxation]
//!   jobs:
//!     - job*
//!     - unemployment
//! politics: [vote, prime minister]
//! ```
//!
//! gives the themes `economy.taxes`, `economy.jobs` and `politics` (keys joined with `.`,
//! as quanteda flattens nested dictionaries). A key holding both words and sub-keys is not
//! valid YAML, so every list is a leaf.

use std::path::Path;

use serde_yaml::Value;

use super::{Imported, theme, theme_id, value_to_pattern};
use crate::document::Lang;
use crate::themes::file::{PatternSpec, ThemeFile};
use crate::themes::{Problem, ThemeError};

/// Converts a quanteda YAML dictionary (`text`, read from `path`) to a theme file whose
/// themes have patterns in each of `langs`.
pub fn quanteda(path: &Path, text: &str, langs: &[Lang]) -> Result<Imported, ThemeError> {
    let problem = |line: Option<usize>, reason: String| {
        ThemeError::one(Problem {
            path: path.to_path_buf(),
            line,
            theme: None,
            lang: None,
            pattern: None,
            reason,
        })
    };
    let root: Value = serde_yaml::from_str(text).map_err(|e| {
        problem(
            e.location().map(|l| l.line()),
            format!("not a YAML dictionary: {e}"),
        )
    })?;
    let Value::Mapping(_) = root else {
        return Err(problem(
            None,
            "a quanteda dictionary is a mapping of keys to lists of values".into(),
        ));
    };
    let mut imported = Imported {
        file: ThemeFile {
            name: path
                .file_stem()
                .map_or_else(|| "dictionary".into(), |s| s.to_string_lossy().into()),
            version: String::new(),
            description: format!("Converted from the quanteda dictionary {}", path.display()),
            ..ThemeFile::default()
        },
        warnings: Vec::new(),
    };
    walk(&root, &mut Vec::new(), langs, &mut imported);
    if imported.file.themes.is_empty() {
        return Err(problem(
            None,
            "the dictionary has no key with values".into(),
        ));
    }
    Ok(imported)
}

fn walk(value: &Value, keys: &mut Vec<String>, langs: &[Lang], out: &mut Imported) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                keys.push(scalar(key).unwrap_or_else(|| "?".into()));
                walk(child, keys, langs, out);
                keys.pop();
            }
        }
        Value::Sequence(values) => leaf(values.iter().collect(), keys, langs, out),
        Value::Tagged(tagged) => walk(&tagged.value, keys, langs, out),
        Value::Null => out
            .warnings
            .push(format!("key `{}` has no values: skipped", keys.join("."))),
        scalar_value => leaf(vec![scalar_value], keys, langs, out),
    }
}

fn leaf(values: Vec<&Value>, keys: &[String], langs: &[Lang], out: &mut Imported) {
    let id = theme_id(&keys.join("."));
    let mut patterns: Vec<PatternSpec> = Vec::new();
    for value in values {
        let Some(text) = scalar(value) else {
            out.warnings.push(format!(
                "key `{id}`: a nested list or mapping among values: skipped"
            ));
            continue;
        };
        match value_to_pattern(&text) {
            Ok(p) if !patterns.contains(&p) => patterns.push(p),
            Ok(_) => {}
            Err(reason) => out
                .warnings
                .push(format!("key `{id}`: value `{text}`: {reason}: skipped")),
        }
    }
    if patterns.is_empty() {
        out.warnings
            .push(format!("key `{id}` has no usable values: skipped"));
        return;
    }
    out.file
        .themes
        .push(toml::Spanned::new(0..0, theme(&id, &patterns, langs)));
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_keys_become_dotted_theme_ids() {
        let text = "economy:\n  taxes: [tax*, taxation]\n  jobs:\n    - job*\n    - unemployment\npolitics: [vote, prime minister]\nempty:\n";
        let imported = quanteda(Path::new("d.yml"), text, &[Lang::En]).unwrap();
        let ids: Vec<_> = imported
            .file
            .themes
            .iter()
            .map(|t| t.get_ref().id.get_ref().clone())
            .collect();
        assert_eq!(ids, ["economy.taxes", "economy.jobs", "politics"]);
        let politics = imported.file.themes[2].get_ref();
        assert!(politics.ru.is_none());
        let patterns: Vec<_> = politics
            .en
            .as_ref()
            .unwrap()
            .get_ref()
            .patterns
            .iter()
            .map(|p| p.get_ref().0.phrase.clone().unwrap())
            .collect();
        assert_eq!(patterns, ["=vote", "=prime =minister"]);
        assert_eq!(imported.warnings, ["key `empty` has no values: skipped"]);
    }

    #[test]
    fn malformed_yaml_names_the_line() {
        let err = quanteda(Path::new("d.yml"), "a: [x\nb: ]\n", &[Lang::En])
            .unwrap_err()
            .to_string();
        assert!(err.contains("d.yml:"), "{err}");
        assert!(err.contains("YAML"), "{err}");
    }
}
