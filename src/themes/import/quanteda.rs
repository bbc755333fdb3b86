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

use saphyr::{LoadableYamlNode, Scalar, Yaml};

use super::{Imported, dictionary_name, theme, theme_id, value_to_pattern};
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
    let mut documents = Yaml::load_from_str(text).map_err(|e| {
        problem(
            Some(e.marker().line()),
            format!("not a YAML dictionary: {}", e.info()),
        )
    })?;
    if documents.len() > 1 {
        return Err(problem(
            None,
            "not a YAML dictionary: more than one YAML document".into(),
        ));
    }
    let root = documents.pop().unwrap_or(Yaml::Value(Scalar::Null));
    let Yaml::Mapping(_) = root else {
        return Err(problem(
            None,
            "a quanteda dictionary is a mapping of keys to lists of values".into(),
        ));
    };
    let mut imported = Imported {
        file: ThemeFile {
            name: dictionary_name(path),
            version: String::new(),
            description: format!("Converted from the quanteda dictionary {}", path.display()),
            ..ThemeFile::default()
        },
        warnings: Vec::new(),
    };
    walk(&root, &mut Vec::new(), langs, &mut imported);
    if imported.file.themes.is_empty() {
        // The reasons values were skipped are the message: without them the file would
        // look empty.
        let shown = imported.warnings.len().min(3);
        let reason = match imported.warnings.len() {
            0 => "the dictionary has no key with values".to_string(),
            n => format!(
                "no value of the dictionary could be imported ({n} skipped: {}{})",
                imported.warnings[..shown].join("; "),
                if n > shown { "; ..." } else { "" }
            ),
        };
        return Err(problem(None, reason));
    }
    Ok(imported)
}

fn walk(value: &Yaml<'_>, keys: &mut Vec<String>, langs: &[Lang], out: &mut Imported) {
    match value {
        Yaml::Mapping(map) => {
            for (key, child) in map {
                keys.push(scalar(key).unwrap_or_else(|| "?".into()));
                walk(child, keys, langs, out);
                keys.pop();
            }
        }
        Yaml::Sequence(values) => leaf(values.iter().collect(), keys, langs, out),
        Yaml::Tagged(_, inner) => walk(inner, keys, langs, out),
        Yaml::Value(Scalar::Null) => out
            .warnings
            .push(format!("key `{}` has no values: skipped", keys.join("."))),
        scalar_value => leaf(vec![scalar_value], keys, langs, out),
    }
}

fn leaf(values: Vec<&Yaml<'_>>, keys: &[String], langs: &[Lang], out: &mut Imported) {
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

/// The text of a scalar (strings as written, numbers and booleans as YAML spells them).
fn scalar(value: &Yaml<'_>) -> Option<String> {
    match value {
        Yaml::Value(Scalar::String(s)) => Some(s.to_string()),
        Yaml::Value(Scalar::Integer(n)) => Some(n.to_string()),
        Yaml::Value(Scalar::FloatingPoint(f)) => Some(float_text(f.into_inner())),
        Yaml::Value(Scalar::Boolean(b)) => Some(b.to_string()),
        Yaml::Tagged(_, inner) => scalar(inner),
        _ => None,
    }
}

/// A float as YAML writes it (`1.5`, `1.0`, `.inf`, `.nan`).
fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        }
    } else {
        format!("{f:?}")
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
    fn a_dictionary_whose_every_value_is_skipped_says_why() {
        let text = "a: ['*', '!!']\nb: ['--', '..']\n";
        let err = quanteda(Path::new("d.yml"), text, &[Lang::En])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "no value of the dictionary could be imported (6 skipped: key `a`: value `*`: "
            ),
            "{err}"
        );
        assert!(err.ends_with("; ...)"), "{err}");
        let err = quanteda(Path::new("d.yml"), "a:\nb: []\n", &[Lang::En])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("(2 skipped: key `a` has no values: skipped; "),
            "{err}"
        );
    }

    #[test]
    fn malformed_yaml_names_the_line() {
        let err = quanteda(Path::new("d.yml"), "a: [x\nb: ]\n", &[Lang::En])
            .unwrap_err()
            .to_string();
        assert!(err.contains("d.yml:"), "{err}");
        assert!(err.contains("YAML"), "{err}");
    }

    #[test]
    fn keys_keep_their_order_and_scalars_their_yaml_spelling() {
        let text = "zeta: [z]\nalpha:\n  - 1.0\n  - 7\n  - true\n  - !!str tagged\n";
        let imported = quanteda(Path::new("d.yml"), text, &[Lang::En]).unwrap();
        let themes: Vec<_> = imported.file.themes.iter().map(|t| t.get_ref()).collect();
        let ids: Vec<_> = themes.iter().map(|t| t.id.get_ref().as_str()).collect();
        assert_eq!(ids, ["zeta", "alpha"]);
        let patterns: Vec<_> = themes[1]
            .en
            .as_ref()
            .unwrap()
            .get_ref()
            .patterns
            .iter()
            .map(|p| p.get_ref().0.phrase.clone().unwrap())
            .collect();
        assert_eq!(patterns, ["=1.0", "=7", "=true", "=tagged"]);
    }

    #[test]
    fn a_stream_of_several_documents_is_refused() {
        let err = quanteda(Path::new("d.yml"), "a: [x]\n---\nb: [y]\n", &[Lang::En])
            .unwrap_err()
            .to_string();
        assert!(err.contains("more than one YAML document"), "{err}");
    }
}
